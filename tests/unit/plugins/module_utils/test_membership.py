# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for machine properties and membership planning: what is compared, planned and sent."""
from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _machine_properties as props
from ansible_collections.citrix.cloud.plugins.module_utils import _membership as membership

GROUP = {"Id": "dg-1", "Name": "Private"}


def desk(i, group=None, sessions=0):
    machine = {"Id": "m%d" % i, "Name": "DEMOLAB\\DESK%d" % i, "MachineCatalog": {"Id": "c-1", "Name": "Private"}}
    if group:
        machine["DeliveryGroup"] = group
    if sessions is not None:
        machine["SessionCount"] = sessions
    return machine


def test_machine_view_and_desired_tags():
    machine = {"Name": "DEMOLAB\\DESK1", "AssignedUsers": [{"SamName": "DEMOLAB\\bob"}], "Tags": ["Lab"]}
    before = props.view(machine)
    assert before == {"name": "DEMOLAB\\DESK1", "assigned_users": ["DEMOLAB\\bob"], "published_name": "",
                      "tags": ["Lab"]}
    resolved = {"assigned_users": [], "tags": [{"Id": "t-1", "Name": "Finance"}]}
    assert props.desired_view({"tags": ["t-1"]}, before, resolved) == {"tags": ["Finance", "Lab"]}
    assert props.desired_view({"tags": ["t-1"], "purge_tags": True}, before, resolved) == {"tags": ["Finance"]}
    assert props.desired_view({"assigned_users": [], "published_name": ""}, before, resolved) == {
        "assigned_users": [], "published_name": ""}


def test_tag_calls_add_by_id_and_remove_only_when_purging():
    resolved = [{"Id": "t-1", "Name": "Finance"}]
    assert props.tag_calls(["Lab"], ["Finance", "Lab"], resolved, purge=False) == [("POST", "t-1")]
    assert props.tag_calls(["Lab"], ["Finance"], resolved, purge=True) == [("POST", "t-1"), ("DELETE", "Lab")]


def test_group_plan_per_machine():
    machines = [desk(1, GROUP), desk(2), desk(3, {"Id": "dg-9", "Name": "Other"})]
    plan = [r for _m, r in membership.plan_group(GROUP, machines, "present", False)]
    assert [r["result"] for r in plan] == ["unchanged", "changed", "failed"]
    assert "Other" in plan[2]["message"]


def test_busy_machines_are_spared_unless_forced_and_unknown_is_busy():
    machines = [desk(1, GROUP, sessions=2), desk(2, GROUP, sessions=None), desk(3, GROUP), desk(4)]
    plan = [r for _m, r in membership.plan_group(GROUP, machines, "absent", False)]
    assert [r["result"] for r in plan] == ["skipped", "skipped", "changed", "unchanged"]
    assert "unknown" in plan[1]["reason"]
    forced = [r["result"] for _m, r in membership.plan_group(GROUP, machines, "absent", True)]
    assert forced == ["changed", "changed", "changed", "unchanged"]


def test_free_machines_counts_those_already_in_the_group():
    machines = [desk(1, GROUP), desk(2), desk(3)]
    assert membership.free_machines({"Name": "Private"}, machines, 2, 1) == [desk(2)]
    assert membership.free_machines({"Name": "Private"}, machines, 1, 1) == []
    with pytest.raises(ValueError, match="has 2 machine\\(s\\) in no delivery group; 3 more"):
        membership.free_machines({"Name": "Private"}, machines, 4, 1)


def test_group_options_refuse_empty_and_contradictory_input():
    base = {"delivery_group": "Private", "machines": None, "catalog": None, "count": None, "state": "present"}
    for bad in ({"machines": []}, {"catalog": "C", "count": 0}, {"catalog": "C", "count": 1, "state": "absent"},
                {"delivery_group": ""}):
        with pytest.raises(ValueError):
            membership.check_group_options(dict(base, **bad))


def test_catalog_entries_and_checks():
    assert membership.normalize_machines(["DEMOLAB\\PC1"]) == [{"name": "DEMOLAB\\PC1"}]
    for bad in ([], ["PC1"], [{"name": "DEMOLAB\\PC1", "vm": "x"}], [{"hosted_machine_id": "x"}], [3]):
        with pytest.raises(ValueError):
            membership.normalize_machines(bad)
    entries = [{"name": "DEMOLAB\\PC1"}]
    with pytest.raises(ValueError, match="provisioned by MCS"):
        membership.check_catalog({"Name": "Servers", "ProvisioningType": "MCS"}, entries, "present")
    with pytest.raises(ValueError, match="hosted_machine_id"):
        membership.check_catalog({"Name": "Manual", "ProvisioningType": "Manual", "IsPowerManaged": True},
                                 entries, "present")
    membership.check_catalog({"Name": "Manual", "ProvisioningType": "Manual", "IsPowerManaged": True},
                             entries, "absent")
    catalog = {"Id": "c-1"}
    plan = membership.plan_catalog(catalog, entries * 3, [None, desk(1), desk(2, GROUP)], "absent")
    assert [r["result"] for _e, _m, r in plan] == ["unchanged", "changed", "failed"]


def test_membership_diff_from_results():
    added = [r for _m, r in membership.plan_group(GROUP, [desk(1, GROUP), desk(2), desk(3, {"Id": "dg-9"})],
                                                  "present", False)]
    diff = membership.membership_diff(added, "delivery group Private")
    assert diff["before"] == {"machines": ["DEMOLAB\\DESK1"]}
    assert diff["after"] == {"machines": ["DEMOLAB\\DESK1", "DEMOLAB\\DESK2"]}  # DESK3 is in another group
    assert diff["before_header"] == diff["after_header"] == "delivery group Private"
    removed = [r for _m, r in membership.plan_group(GROUP, [desk(1, GROUP, sessions=1), desk(2, GROUP), desk(3)],
                                                    "absent", False)]
    removed[1]["result"] = "failed"  # its DELETE failed: still a member
    diff = membership.membership_diff(removed, "delivery group Private")
    assert diff["before"] == {"machines": ["DEMOLAB\\DESK1", "DEMOLAB\\DESK2"]}
    assert diff["after"] == {"machines": ["DEMOLAB\\DESK1", "DEMOLAB\\DESK2"]}
