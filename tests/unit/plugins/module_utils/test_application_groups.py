# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for application groups: what is compared, what is sent for members."""
from __future__ import annotations


from werkzeug import Response as WResponse

from ansible_collections.citrix.cloud.plugins.module_utils import _application_groups as groups
from ansible_collections.citrix.cloud.plugins.module_utils import _desired_state as ds
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE

DG = {"Id": "dg-1", "Name": "Desktops", "Priority": 2}


def test_view_reads_either_spelling_of_the_user_filter_flag():
    group = {"Name": "Office", "Enabled": True, "DeliveryGroups": [DG],
             "IncludedUsers": [{"SamName": "DEMOLAB\\Finance"}]}
    assert groups.view(dict(group, IncludedUsersFilterEnabled=True), [])["included_users"] == ["DEMOLAB\\Finance"]
    assert groups.view(dict(group, IncludedUserFilterEnabled=True), [])["included_users"] == ["DEMOLAB\\Finance"]
    assert groups.view(group, [{"Name": "Calc", "ApplicationFolder": {"Name": "Tools"}}]) == {
        "name": "Office", "description": None, "enabled": True, "delivery_groups": ["Desktops"],
        "included_users": [], "applications": ["Tools\\Calc"]}


def test_settings_body_keeps_priorities_and_sets_the_filter():
    resolved = {"delivery_groups": [DG], "included_users": [], "applications": []}
    body = groups.settings_body({"enabled": False, "delivery_groups": ["Desktops"], "included_users": []},
                                resolved, [DG])
    assert body == {"Enabled": False, "DeliveryGroups": [{"Item": "dg-1", "Priority": 2}], "IncludedUsers": [],
                    "IncludedUserFilterEnabled": False}
    assert ds.changes({"applications": ["Tools\\Calc"]}, {"applications": ["tools\\calc"]}) == {}


def test_members_are_added_in_one_call_and_removed_one_by_one(httpserver, client):
    httpserver.expect_oneshot_request(BASE + "/ApplicationGroups/g-1/Applications", method="POST",
                                      json={"ExistingApplications": ["a-3"]}).respond_with_response(WResponse(status=204))
    httpserver.expect_oneshot_request(BASE + "/ApplicationGroups/g-1/Applications/a-1", method="DELETE") \
        .respond_with_response(WResponse(status=204))
    groups.sync_members(client, "g-1", [{"Id": "a-1"}, {"Id": "a-2"}], [{"Id": "a-2"}, {"Id": "a-3"}])
    httpserver.check_assertions()
    assert len(httpserver.log) == 2
