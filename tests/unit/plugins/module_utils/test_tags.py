# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_tags.py."""

from __future__ import annotations

import pytest
from werkzeug import Response as WResponse

from ansible_collections.citrix.cloud.plugins.module_utils import _tags as tags
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE


def test_tag_usage_and_selection():
    tag = {"Id": "T-1", "Name": "Office", "NumMachines": 2, "NumApplications": 1, "NumUnknownObjects": 1}
    assert tags.in_use(tag) == 4 and tags.in_use({"Id": "x"}) == 0
    assert tags.select_tags([tag, {"Id": "t-2", "Name": "Lab"}], ["t-1"]) == [tag]
    assert tags.view({"Name": "Office"}) == {"name": "Office", "description": ""}


def test_a_tag_in_use_is_not_deleted_without_force(httpserver, client):
    tag = {"Id": "t-1", "Name": "Office", "NumApplications": 3}
    with pytest.raises(ValueError, match="applied to 3 object"):
        tags.ensure_absent(client, tag, force=False, check_mode=False)
    httpserver.expect_oneshot_request(BASE + "/Tags/t-1", method="DELETE", query_string="force=true") \
        .respond_with_response(WResponse(status=204))
    expected = (True, {"name": "Office", "description": ""})
    assert tags.ensure_absent(client, tag, force=True, check_mode=False) == expected
    assert tags.ensure_absent(client, None, force=False, check_mode=False) == (False, {})
    httpserver.check_assertions()


def test_tag_check_mode_plans_without_calls(client):
    changed, before, after, tag = tags.ensure_present(client, None, "Lab", "Test", check_mode=True)
    assert (changed, before, after) == (True, {}, {"name": "Lab", "description": "Test"})
    assert tags.ensure_present(client, {"Id": "t", "Name": "Lab", "Description": "Test"}, "lab", "Test",
                               check_mode=True)[0] is False
