# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_listing.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._listing import list_objects, objects_info
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE, FakeModule


def test_a_missing_catalog_by_name_in_the_info_list(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/Gone").respond_with_data("", status=204)
    httpserver.expect_request(BASE + "/MachineCatalogs").respond_with_json({"Items": []})
    assert list_objects(client, "MachineCatalogs", "Gone") == []


def test_objects_info_lists_all_or_the_named_one(client, httpserver):
    httpserver.expect_request(BASE + "/DeliveryGroups/DEMOLAB Desktops").respond_with_json(
        {"Id": "dg-1", "Name": "DEMOLAB Desktops", "TotalDesktops": 2})
    module = FakeModule(client, name="DEMOLAB Desktops")
    assert objects_info(module, "DeliveryGroups", "delivery group") == [
        {"id": "dg-1", "name": "DEMOLAB Desktops", "total_desktops": 2}]
    with pytest.raises(ValueError, match="name '..' is not a name"):
        objects_info(FakeModule(client, name=".."), "DeliveryGroups", "delivery group")


def result(name, outcome, message=None):
    return {"name": name, "id": name.lower(), "result": outcome, "message": message}
