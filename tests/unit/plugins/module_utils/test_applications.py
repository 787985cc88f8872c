# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_applications.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _applications as apps, _desired_state as ds
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE


GROUP = {"Id": "dg-1", "Name": "Desktops", "FullName": "Desktops"}
ALICE = {"SamName": "DEMOLAB\\alice", "Sid": "S-1-5-21-1"}
TAG = {"Id": "t-1", "Name": "Office"}


def app_model(**extra):
    return dict({"Id": "a-1", "Name": "Notepad", "ApplicationFolder": {"Id": "f-1", "Name": "Office"},
                 "PublishedName": "Notepad", "Enabled": True, "Visible": True, "Tags": ["Office"],
                 "InstalledAppProperties": {"CommandLineExecutable": "notepad.exe", "CommandLineArguments": "",
                                            "WorkingDirectory": ""},
                 "IncludedUserFilterEnabled": True, "IncludedUsers": [ALICE]}, **extra)


def test_get_object_reads_a_missing_object_as_none(httpserver, client):
    httpserver.expect_request(BASE + "/Tags/Nope").respond_with_json({"ErrorMessage": "Tag not found."}, status=404)
    httpserver.expect_request(BASE + "/Applications/Office|Notepad").respond_with_json(app_model())
    assert ds.get_object(client, "Tags", "Nope", "tag") is None
    assert apps.get_application(client, "Office\\Notepad")["Id"] == "a-1"


def test_names_and_paths():
    assert apps.split_path("Office\\Tools\\Calc") == ("Office\\Tools", "Calc")
    assert apps.split_path("Calc") == ("", "Calc")
    assert apps.full_name(app_model()) == "Office\\Notepad"
    assert apps.full_name({"Name": "Calc"}) == "Calc"
    for bad in ("Office\\\\Calc", "\\Calc", "Calc\\", "a|b", "a/b", ""):
        with pytest.raises(ValueError):
            apps.check_options({"name": bad})
    with pytest.raises(ValueError, match="included_users item"):
        apps.check_options({"name": "Calc", "included_users": ["DEMOLAB|x"]})


def test_view_and_desired_view_compare_names_as_resolved():
    before = apps.view(app_model(), [GROUP], [])
    assert before["included_users"] == ["DEMOLAB\\alice"] and before["delivery_groups"] == ["Desktops"]
    resolved = {"delivery_groups": [GROUP], "application_groups": [], "included_users": [ALICE], "tags": [TAG]}
    params = {"delivery_groups": ["dg-1"], "included_users": ["alice@demolab.local"], "tags": ["t-1"],
              "published_name": "Notepad", "purge_tags": False}
    assert ds.changes(before, apps.desired_view(params, before, resolved)) == {}
    # the filter off means every user sees it: [] is the same as no filter
    assert apps.view(app_model(IncludedUserFilterEnabled=False))["included_users"] == []


def test_tags_are_added_unless_purged():
    before = {"tags": ["Lab"]}
    resolved = {"tags": [TAG]}
    assert apps.desired_view({"tags": ["Office"]}, before, resolved)["tags"] == ["Lab", "Office"]
    assert apps.desired_view({"tags": ["Office"], "purge_tags": True}, before, resolved)["tags"] == ["Office"]


def test_edit_body_sends_only_what_changed_and_keeps_priorities():
    resolved = {"delivery_groups": [GROUP, {"Id": "dg-2", "Name": "Other"}], "application_groups": [],
                "included_users": [], "tags": []}
    body = apps.edit_body({"visible": False, "command_line_arguments": "/A", "delivery_groups": ["x"],
                           "included_users": []}, resolved, [{"Id": "dg-1", "Priority": 3}])
    assert body == {"Visible": False, "InstalledAppProperties": {"CommandLineArguments": "/A"},
                    "DeliveryGroups": [{"Item": "dg-1", "Priority": 3}, {"Item": "dg-2", "Priority": 0}],
                    "IncludedUsers": [], "IncludedUserFilterEnabled": False}


def test_create_body_places_the_application_in_its_folder():
    resolved = {"delivery_groups": [GROUP], "application_groups": [], "included_users": [ALICE], "tags": []}
    params = {"command_line_executable": "notepad.exe", "included_users": ["DEMOLAB\\alice"], "enabled": True}
    body = apps.create_body("Office\\Notepad", params, resolved)
    assert body == {"NewApplications": [{
        "Name": "Notepad", "ApplicationFolder": "Office", "Enabled": True,
        "InstalledAppProperties": {"CommandLineExecutable": "notepad.exe"},
        "IncludedUsers": ["DEMOLAB\\alice"], "IncludedUserFilterEnabled": True}],
        "DeliveryGroups": [{"Item": "dg-1", "Priority": 0}]}


def test_an_unknown_delivery_group_fails_before_any_write(httpserver, client):
    httpserver.expect_request(BASE + "/Applications/Calc").respond_with_json({"ErrorMessage": "x"}, status=404)
    httpserver.expect_request(BASE + "/DeliveryGroups/Desktops").respond_with_json(GROUP)
    httpserver.expect_request(BASE + "/DeliveryGroups/Nope").respond_with_json({"ErrorMessage": "x"}, status=404)
    params = {"name": "Calc", "command_line_executable": "calc.exe", "delivery_groups": ["Desktops", "Nope"]}
    with pytest.raises(ValueError, match="Delivery group\\(s\\) not found: Nope"):
        apps.ensure_present(client, "Calc", params, check_mode=False)
    assert all(req.method == "GET" for req, _resp in httpserver.log)
