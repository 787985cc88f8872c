# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""citrix_machine, citrix_delivery_group_machines, citrix_machine_catalog_machines and
playbooks/assign_desktops.yml against a simulator with private desktops (--private-desktops 6:
DESK001-003 in "DEMOLAB Private Desktops", DESK004-006 free, an empty manual catalog)."""
from __future__ import annotations

import pytest

from conftest import REPO
from helpers import task, tolerant, writes

PRIVATE = "DEMOLAB Private Desktops"
MANUAL = "DEMOLAB Manual"


@pytest.fixture
def psim(start_sim):
    return start_sim(extra_args=["--private-desktops", "6"])


def machine(sim, name):
    return next(m for m in sim.state()["machines"] if m["Name"] == name)


def group_members(sim, group=PRIVATE):
    return sorted(m["Name"] for m in sim.state()["machines"] if (m.get("DeliveryGroup") or {}).get("Name") == group)


def users(sim, name):
    return sorted(u["SamName"] for u in machine(sim, name)["AssignedUsers"])


# ---------------------------------------------------------------- citrix_machine

def test_machine_check_mode_writes_nothing(psim, playbook):
    run = playbook(psim, [task("assign", "citrix_machine", name="DEMOLAB\\DESK001", assigned_users=["DEMOLAB\\alice"],
                               published_name="Alice")], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.results["assign"]
    assert result["changed"] is True
    assert result["diff"]["before"]["assigned_users"] == [] and result["diff"]["after"]["assigned_users"] == [
        "DEMOLAB\\alice"]
    assert result["machine"]["assigned_users"][0]["sam_name"] == "DEMOLAB\\alice"
    assert writes(psim) == {} and users(psim, "DEMOLAB\\DESK001") == []


def test_machine_lifecycle(psim, playbook):
    desk = "DEMOLAB\\DESK001"
    run = playbook(psim, [
        task("tags", "citrix_tag", name="Finance"),
        task("lab", "citrix_tag", name="Lab"),
        task("assign", "citrix_machine", name=desk, assigned_users=["DEMOLAB\\alice", "bob@demolab.local"],
             published_name="Alice's desk", tags=["Finance"]),
        task("again", "citrix_machine", name=desk.lower(), assigned_users=["demolab\\bob", "DEMOLAB\\alice"],
             published_name="Alice's desk", tags=["finance"]),
    ])
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("assign", "again")] == [True, False]
    state = machine(psim, desk)
    assert users(psim, desk) == ["DEMOLAB\\alice", "DEMOLAB\\bob"]
    assert state["PublishedName"] == "Alice's desk" and state["Tags"] == ["Finance"]

    run = playbook(psim, [
        task("update", "citrix_machine", name=state["Id"], assigned_users=["DEMOLAB\\alice"], tags=["Lab"]),
        task("purge", "citrix_machine", name=desk, tags=["Lab"], purge_tags=True),
        task("unassign", "citrix_machine", name=desk, assigned_users=[], published_name=""),
        task("unassign again", "citrix_machine", name=desk, assigned_users=[], published_name="", tags=["Lab"],
             purge_tags=True),
    ], diff=True)
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("update", "purge", "unassign", "unassign again")] == [True, True, True, False]
    assert res["update"]["diff"]["after"]["tags"] == ["Finance", "Lab"]
    assert res["purge"]["diff"]["after"]["tags"] == ["Lab"]
    state = machine(psim, desk)
    assert state["AssignedUsers"] == [] and "PublishedName" not in state and state["Tags"] == ["Lab"]


def test_machine_unknown_references_fail_before_any_write(psim, playbook):
    run = playbook(psim, [
        tolerant(task("user", "citrix_machine", name="DEMOLAB\\DESK001", assigned_users=["DEMOLAB\\mallory"])),
        tolerant(task("tag", "citrix_machine", name="DEMOLAB\\DESK001", tags=["Nope"])),
        tolerant(task("machine", "citrix_machine", name="DEMOLAB\\NOPE", published_name="x")),
        tolerant(task("shared", "citrix_machine", name="DEMOLAB\\KESTREL", assigned_users=["DEMOLAB\\alice"])),
    ])
    assert run.failed == ["user", "tag", "machine", "shared"], run.stdout
    res = run.results
    assert "mallory" in res["user"]["msg"] and "Nope" in res["tag"]["msg"] and "NOPE" in res["machine"]["msg"]
    assert "static" in res["shared"]["msg"]  # the service's own refusal, passed on
    assert set(writes(psim)) == {"PATCH /cvad/manage/Machines/{nameOrId}"}  # only the refused one
    assert psim.stats()["by_status"].get("204") is None


# ---------------------------------------------------------------- citrix_delivery_group_machines

def test_delivery_group_machines(psim, playbook):
    desks = ["DEMOLAB\\DESK004", "DEMOLAB\\DESK005"]
    run = playbook(psim, [task("add", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=desks)],
                   check=True, diff=True)
    assert run.results["add"]["summary"]["changed"] == 2 and writes(psim) == {}
    assert run.results["add"]["diff"] == {"before": {"machines": []}, "after": {"machines": desks},
                                          "before_header": "delivery group " + PRIVATE,
                                          "after_header": "delivery group " + PRIVATE}

    run = playbook(psim, [
        task("add", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=desks + ["DEMOLAB\\DESK001"]),
        task("again", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=desks),
        task("count 5", "citrix_delivery_group_machines", delivery_group=PRIVATE, catalog="DEMOLAB Private", count=5),
        task("count 6", "citrix_delivery_group_machines", delivery_group=PRIVATE, catalog="DEMOLAB Private", count=6),
        tolerant(task("count 7", "citrix_delivery_group_machines", delivery_group=PRIVATE, catalog="DEMOLAB Private",
                      count=7)),
    ])
    res = run.results
    assert run.failed == ["count 7"], run.stdout
    assert "diff" not in res["add"]  # only under --diff
    assert res["add"]["summary"] == {"changed": 2, "unchanged": 1, "skipped": 0, "failed": 0, "total": 3}
    assert [res[t]["changed"] for t in ("again", "count 5", "count 6")] == [False, False, True]
    assert "has 0 machine(s) in no delivery group; 1 more" in res["count 7"]["msg"]
    assert group_members(psim) == ["DEMOLAB\\DESK00%d" % i for i in range(1, 7)]
    assert writes(psim) == {"POST /cvad/manage/DeliveryGroups/{nameOrId}/Machines": 2}  # async, one job each
    assert all(j["Status"] == "Complete" for j in psim.state()["jobs"])

    run = playbook(psim, [
        task("remove", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=desks, state="absent"),
        task("remove again", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=desks, state="absent"),
    ], diff=True)
    assert run.rc == 0, run.stdout
    assert run.results["remove"]["diff"]["before"] == {"machines": desks}
    assert run.results["remove"]["diff"]["after"] == {"machines": []}
    assert run.results["remove again"]["diff"]["before"] == run.results["remove again"]["diff"]["after"]
    assert [run.results[t]["changed"] for t in ("remove", "remove again")] == [True, False]
    assert group_members(psim) == ["DEMOLAB\\DESK001", "DEMOLAB\\DESK002", "DEMOLAB\\DESK003", "DEMOLAB\\DESK006"]


def test_delivery_group_machines_spare_busy_ones_and_refuse_the_unknown(psim, playbook):
    run = playbook(psim, [
        task("busy", "citrix_delivery_group_machines", delivery_group="DEMOLAB Desktops",
             machines=["DEMOLAB\\OSPREY", "DEMOLAB\\KESTREL"], state="absent"),
        tolerant(task("other group", "citrix_delivery_group_machines", delivery_group=PRIVATE,
                      machines=["DEMOLAB\\HAWK"])),
        tolerant(task("typo", "citrix_delivery_group_machines", delivery_group=PRIVATE,
                      machines=["DEMOLAB\\DESK004", "DEMOLAB\\NOPE"])),
        tolerant(task("no group", "citrix_delivery_group_machines", delivery_group="Nope", machines=["DEMOLAB\\DESK004"])),
        tolerant(task("empty", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=[])),
    ])
    assert run.failed == ["other group", "typo", "no group", "empty"], run.stdout
    res = run.results
    by_name = {m["name"]: m for m in res["busy"]["machines"]}
    assert by_name["DEMOLAB\\OSPREY"]["result"] == "skipped" and "sessions" in by_name["DEMOLAB\\OSPREY"]["reason"]
    assert by_name["DEMOLAB\\KESTREL"]["result"] == "changed"
    assert "DEMOLAB Desktops" in res["other group"]["msg"] and "DEMOLAB\\NOPE" in res["typo"]["msg"]
    assert "Nope" in res["no group"]["msg"]
    assert machine(psim, "DEMOLAB\\OSPREY")["DeliveryGroup"]["Name"] == "DEMOLAB Desktops"
    assert "DeliveryGroup" not in machine(psim, "DEMOLAB\\KESTREL")
    assert "DeliveryGroup" not in machine(psim, "DEMOLAB\\DESK004")
    run = playbook(psim, [task("force", "citrix_delivery_group_machines", delivery_group="DEMOLAB Desktops",
                               machines=["DEMOLAB\\OSPREY"], state="absent", force=True)])
    assert run.results["force"]["changed"] is True and "DeliveryGroup" not in machine(psim, "DEMOLAB\\OSPREY")


# ---------------------------------------------------------------- citrix_machine_catalog_machines

def pc(name, vm):
    return {"name": name, "hosted_machine_id": vm, "hypervisor_connection": "DEMOLAB vSphere"}


def test_catalog_machines(psim, playbook):
    machines = [pc("DEMOLAB\\PC001", "vm-9001"), pc("DEMOLAB\\PC002", "vm-9002")]
    run = playbook(psim, [task("add", "citrix_machine_catalog_machines", catalog=MANUAL, machines=machines)],
                   check=True, diff=True)
    assert run.results["add"]["summary"]["changed"] == 2 and writes(psim) == {}
    assert run.results["add"]["diff"]["after"] == {"machines": ["DEMOLAB\\PC001", "DEMOLAB\\PC002"]}
    assert run.results["add"]["diff"]["before"] == {"machines": []}

    run = playbook(psim, [
        task("add", "citrix_machine_catalog_machines", catalog=MANUAL, machines=machines),
        task("again", "citrix_machine_catalog_machines", catalog=MANUAL, machines=machines),
        task("into group", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=["DEMOLAB\\PC002"]),
        tolerant(task("remove both", "citrix_machine_catalog_machines", catalog=MANUAL,
                      machines=["DEMOLAB\\PC001", "DEMOLAB\\PC002"], state="absent")),
        task("remove again", "citrix_machine_catalog_machines", catalog=MANUAL, machines=["DEMOLAB\\PC001"],
             state="absent"),
    ])
    res = run.results
    assert run.failed == ["remove both"], run.stdout
    assert [res[t]["changed"] for t in ("add", "again", "remove again")] == [True, False, False]
    assert {m["name"]: m["result"] for m in res["remove both"]["machines"]} == {
        "DEMOLAB\\PC001": "changed", "DEMOLAB\\PC002": "failed"}
    names = [m["Name"] for m in psim.state()["machines"] if m["MachineCatalog"]["Name"] == MANUAL]
    assert names == ["DEMOLAB\\PC002"]
    assert machine(psim, "DEMOLAB\\PC002")["Hosting"]["HostedMachineId"] == "vm-9002"
    assert writes(psim)["POST /cvad/manage/MachineCatalogs/{nameOrId}/Machines"] == 2


def test_catalog_machines_refuse_before_any_write(psim, playbook):
    run = playbook(psim, [
        tolerant(task("mcs", "citrix_machine_catalog_machines", catalog="DEMOLAB Servers", machines=["DEMOLAB\\PC9"])),
        tolerant(task("no hosting", "citrix_machine_catalog_machines", catalog=MANUAL, machines=["DEMOLAB\\PC9"])),
        tolerant(task("no domain", "citrix_machine_catalog_machines", catalog=MANUAL, machines=["PC9"])),
        tolerant(task("other catalog", "citrix_machine_catalog_machines", catalog=MANUAL,
                      machines=[pc("DEMOLAB\\DESK001", "vm-1")])),
    ])
    assert run.failed == ["mcs", "no hosting", "no domain", "other catalog"], run.stdout
    assert "hosted_machine_id" in run.results["no hosting"]["msg"]
    assert "DEMOLAB Private" in run.results["other catalog"]["msg"]
    assert writes(psim) == {}


# ---------------------------------------------------------------- playbooks/assign_desktops.yml

def test_assign_desktops_from_csv_and_from_a_list(psim, playbook, tmp_path):
    book = REPO / "playbooks" / "assign_desktops.yml"
    csv = tmp_path / "desks.csv"
    csv.write_text("machine,user\nDEMOLAB\\DESK001,DEMOLAB\\alice\nDEMOLAB\\DESK001,DEMOLAB\\bob\n"
                   "DEMOLAB\\DESK002,carol@demolab.local\n", encoding="utf-8")
    dry = playbook(psim, book, extra_vars={"csv_file": str(csv)}, check=True)
    assert dry.rc == 0 and writes(psim) == {}, dry.stdout[-3000:]
    first = playbook(psim, book, extra_vars={"csv_file": str(csv)})
    second = playbook(psim, book, extra_vars={"csv_file": str(csv)})
    assert first.rc == 0 and second.rc == 0, first.stdout[-3000:]
    assert users(psim, "DEMOLAB\\DESK001") == ["DEMOLAB\\alice", "DEMOLAB\\bob"]
    assert users(psim, "DEMOLAB\\DESK002") == ["DEMOLAB\\carol"]
    assert second.results["Print one line per desktop"]["msg"] == [
        "DEMOLAB\\DESK001: DEMOLAB\\alice, DEMOLAB\\bob (unchanged)", "DEMOLAB\\DESK002: carol@demolab.local (unchanged)"]
    assert writes(psim) == {"PATCH /cvad/manage/Machines/{nameOrId}": 2}

    listed = playbook(psim, book, extra_vars={"assignments": [
        {"machine": "DEMOLAB\\DESK002", "users": []}, {"machine": "DEMOLAB\\DESK004", "users": ["DEMOLAB\\dave"]}]})
    assert listed.rc != 0  # DESK004 is in no delivery group: the service refuses, the run says so
    assert users(psim, "DEMOLAB\\DESK002") == []
    lines = listed.results["Print one line per desktop"]["msg"]
    assert lines[0] == "DEMOLAB\\DESK002: no one (changed)" and lines[1].startswith("DEMOLAB\\DESK004: failed: ")
