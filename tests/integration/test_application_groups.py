# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""citrix_application_group and citrix_application_group_info against the simulator's state."""
from __future__ import annotations

from helpers import task, tolerant, writes

GROUP = "DEMOLAB Desktops"


def groups_state(sim):
    return {g["Name"]: g for g in sim.state()["application_groups"]}


def member_names(sim, group_name):
    group = groups_state(sim)[group_name]
    return sorted(a["FullName"] for a in sim.state()["applications"]
                  if group["Id"] in a["AssociatedApplicationGroupUuids"])


def apps_tasks():
    return [task("notepad", "citrix_application", name="Office\\Notepad", command_line_executable="notepad.exe"),
            task("paint", "citrix_application", name="Paint", command_line_executable="mspaint.exe")]


def test_application_group_check_mode_writes_nothing(sim, playbook):
    run = playbook(sim, [task("create", "citrix_application_group", name="Office", delivery_groups=[GROUP],
                              included_users=["DEMOLAB\\Finance"])], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.results["create"]
    assert result["changed"] is True and result["diff"]["before"] == {}
    assert result["diff"]["after"] == {"name": "Office", "delivery_groups": [GROUP],
                                       "included_users": ["DEMOLAB\\Finance"]}
    assert writes(sim) == {} and sim.state()["application_groups"] == []


def test_application_group_lifecycle(sim, playbook):
    run = playbook(sim, apps_tasks() + [
        task("create", "citrix_application_group", name="Office", description="Office apps",
             delivery_groups=[GROUP], included_users=["DEMOLAB\\Finance"], applications=["Office\\Notepad"]),
        task("again", "citrix_application_group", name="office", description="Office apps",
             delivery_groups=[GROUP.lower()], included_users=["demolab\\finance"], applications=["office\\notepad"]),
        task("info", "citrix_application_group_info", name=["OFFICE"]),
    ])
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("create", "again")] == [True, False]
    group = groups_state(sim)["Office"]
    assert group["Description"] == "Office apps" and group["DeliveryGroups"][0]["Name"] == GROUP
    assert group["IncludedUsersFilterEnabled"] is True and group["IncludedUsers"][0]["SamName"] == "DEMOLAB\\Finance"
    assert member_names(sim, "Office") == ["Office\\Notepad"]
    info = res["info"]["application_groups"]
    assert [g["id"] for g in info] == [group["Id"]]
    assert [a["full_name"] for a in info[0]["applications"]] == ["Office\\Notepad"]

    run = playbook(sim, [
        task("update", "citrix_application_group", name="Office", enabled=False, delivery_groups=[],
             included_users=[], applications=["Paint"]),
        task("update again", "citrix_application_group", name=group["Id"], enabled=False, applications=["Paint"]),
    ], diff=True)
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("update", "update again")] == [True, False]
    assert res["update"]["diff"]["before"]["applications"] == ["Office\\Notepad"]
    assert res["update"]["diff"]["after"]["applications"] == ["Paint"]
    group = groups_state(sim)["Office"]
    assert group["Enabled"] is False and group["DeliveryGroups"] == [] and group["IncludedUsersFilterEnabled"] is False
    assert member_names(sim, "Office") == ["Paint"]

    run = playbook(sim, [task("check delete", "citrix_application_group", name="Office", state="absent")], check=True)
    assert run.results["check delete"]["changed"] is True and "Office" in groups_state(sim)
    run = playbook(sim, [
        task("delete", "citrix_application_group", name="Office", state="absent"),
        task("delete again", "citrix_application_group", name="Office", state="absent"),
        task("info after", "citrix_application_group_info"),
    ])
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("delete", "delete again")] == [True, False]
    assert sim.state()["application_groups"] == [] and run.results["info after"]["application_groups"] == []
    assert sorted(a["FullName"] for a in sim.state()["applications"]) == ["Office\\Notepad", "Paint"]


def test_application_group_unknown_references_fail_before_any_write(sim, playbook):
    run = playbook(sim, [
        tolerant(task("group", "citrix_application_group", name="Office", delivery_groups=["No Such Group"])),
        tolerant(task("user", "citrix_application_group", name="Office", included_users=["DEMOLAB\\mallory"])),
        tolerant(task("app", "citrix_application_group", name="Office", applications=["Nope\\App"])),
        tolerant(task("empty", "citrix_application_group_info", name=[])),
    ])
    assert run.failed == ["group", "user", "app", "empty"], run.stdout
    res = run.results
    assert "No Such Group" in res["group"]["msg"] and "mallory" in res["user"]["msg"]
    assert "Nope\\App" in res["app"]["msg"]
    assert writes(sim) == {} and sim.state()["application_groups"] == []


def test_application_joins_application_groups_exactly(sim, playbook):
    run = playbook(sim, [
        task("office", "citrix_application_group", name="Office"),
        task("lab", "citrix_application_group", name="Lab"),
        task("notepad", "citrix_application", name="Notepad", command_line_executable="notepad.exe",
             application_groups=["Office", "Lab"]),
        task("move", "citrix_application", name="Notepad", application_groups=["Lab"]),
        task("move again", "citrix_application", name="Notepad", application_groups=["lab"]),
        task("info", "citrix_application_info", application_group="Lab"),
    ])
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("notepad", "move", "move again")] == [True, True, False]
    assert member_names(sim, "Lab") == ["Notepad"] and member_names(sim, "Office") == []
    assert [a["application_groups"][0]["name"] for a in res["info"]["applications"]] == ["Lab"]
