# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection under the simulator's strict reading of Citrix's current API (issue 10): default
field sets without SessionCount or Machine, a delivery-group route that ignores fields=, admin
folders, HTTP 530. Checked against /_sim/state and /_sim/stats."""
from __future__ import annotations

from pathlib import Path

from helpers import task, tolerant, writes

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
GROUP = "DEMOLAB Desktops"
LAB_CATALOG = "Lab\\Workers"
LAB_GROUP = "Lab\\Workers Desktops"
GROUP_MACHINES_ROUTE = "GET /cvad/manage/DeliveryGroups/{nameOrId}/Machines"


def assert_ok(run):
    assert run.rc == 0 and not run.failed, run.stdout[-3000:] + run.stderr[-3000:]


def by_name(result):
    return {m["name"]: m for m in result["machines"]}


def in_group(state, group_name):
    return [m for m in state["machines"] if (m.get("DeliveryGroup") or {}).get("Name") == group_name]


def test_power_by_delivery_group_spares_busy_machines(sim, playbook):
    state = sim.state()
    members = in_group(state, GROUP)
    idle = {m["Id"] for m in members if m["PowerState"] == "On" and m["SessionCount"] == 0}
    busy = {m["Name"] for m in members if m["SessionCount"]}
    assert len(idle) == 4 and len(busy) == 4
    run = playbook(sim, [
        task("idle", "citrix_machine_info", delivery_group=GROUP, idle=True),
        task("restart", "citrix_machine_power", delivery_group=GROUP, state="restarted"),
    ])
    assert_ok(run)
    assert sim.stats()["power_actions"] == {machine_id: ["reboot"] for machine_id in idle}
    named = by_name(run.results["restart"])
    for name in busy:
        assert named[name]["result"] == "skipped" and named[name]["reason"].startswith("has "), name
        assert named[name]["session_count"] == next(m["SessionCount"] for m in members if m["Name"] == name)
    assert {m["id"] for m in run.results["idle"]["machines"]} == {m["Id"] for m in members if not m["SessionCount"]}
    # that route takes no fields= and answers without SessionCount: the collection must not read it
    assert GROUP_MACHINES_ROUTE not in sim.stats()["by_route"]


def test_sessions_found_by_machine_catalog_and_delivery_group(sim, playbook):
    sessions = sim.state()["sessions"]
    lab = sorted(s["Id"] for s in sessions if s["Machine"]["Name"] == "DEMOLAB\\ROBIN")
    tutorial = sorted(s["Id"] for s in sessions if s["Machine"]["Name"] != "DEMOLAB\\ROBIN")
    osprey = sorted(s["Id"] for s in sessions if s["Machine"]["Name"] == "DEMOLAB\\OSPREY")
    assert len(lab) == 2 and len(osprey) == 2 and len(tutorial) == 7
    run = playbook(sim, [
        task("machine", "citrix_session_info", machine=["DEMOLAB\\OSPREY"]),
        task("catalog", "citrix_session_info", catalog="DEMOLAB Servers"),
        task("group", "citrix_session_info", delivery_group=GROUP),
        task("folder catalog", "citrix_session_info", catalog=LAB_CATALOG),
        task("folder group by plain name", "citrix_session_info", delivery_group="Workers Desktops"),
    ], check=True)
    assert_ok(run)
    found = {name: sorted(s["id"] for s in result["sessions"]) for name, result in run.results.items()}
    assert found == {"machine": osprey, "catalog": tutorial, "group": tutorial, "folder catalog": lab,
                     "folder group by plain name": lab}
    assert run.results["machine"]["sessions"][0]["machine"]["name"] == "DEMOLAB\\OSPREY"
    assert writes(sim) == {}


def test_rolling_restart_of_a_delivery_group_in_an_admin_folder(sim, playbook):
    state = sim.state()
    members = in_group(state, "Workers Desktops")
    restartable = {m["Id"] for m in members if "Restart" in m["SupportedPowerActions"]}
    sessions = [s for s in state["sessions"] if s["Machine"]["Id"] in restartable]
    assert len(members) == 3 and len(restartable) == 2 and len(sessions) == 2

    run = playbook(sim, PLAYBOOKS / "rolling_restart.yml", extra_vars={
        "delivery_group": LAB_GROUP, "batch_size": 1, "drain_timeout": 2, "drain_poll": 1})

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    stats, after = sim.stats(), sim.state()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in restartable}
    assert stats["by_route"]["POST /cvad/manage/Sessions/{id}/$logoff"] == len(sessions)
    assert stats["by_route"]["PATCH /cvad/manage/Machines/{nameOrId}"] == 2 * len(restartable)
    assert sorted(m["SessionId"] for m in after["messages_sent"]) == sorted(s["Id"] for s in sessions * 2)
    assert not any(m["InMaintenanceMode"] for m in after["machines"])
    assert GROUP_MACHINES_ROUTE not in stats["by_route"]


def test_a_catalog_in_an_admin_folder_works_in_every_module(sim, playbook):
    state = sim.state()
    lab = {m["Name"]: m for m in state["machines"] if m["MachineCatalog"]["Name"] == "Workers"}
    wren, robin = lab["DEMOLAB\\WREN"], lab["DEMOLAB\\ROBIN"]
    run = playbook(sim, [
        task("catalog info", "citrix_machine_catalog_info", name=LAB_CATALOG),
        task("catalog info, plain name", "citrix_machine_catalog_info", name="Workers"),
        task("group info", "citrix_delivery_group_info", name=LAB_GROUP),
        task("machines", "citrix_machine_info", catalog=LAB_CATALOG),
        task("machines of both", "citrix_machine_info", catalog="Workers", delivery_group=LAB_GROUP),
        task("restart idle", "citrix_machine_power", catalog=LAB_CATALOG, state="restarted"),
        task("maintenance", "citrix_machine_maintenance", catalog=LAB_CATALOG, enabled=True),
        task("sessions", "citrix_session_info", catalog=LAB_CATALOG),
        task("message", "citrix_session", delivery_group=LAB_GROUP, state="messaged",
             user_message={"title": "Hello", "text": "From the lab"}),
        tolerant(task("slash", "citrix_machine_info", catalog="Lab/Workers")),
        tolerant(task("bar", "citrix_machine_info", catalog="Lab|Workers")),
    ])
    assert run.failed == ["slash", "bar"]
    r = run.results
    for name in ("catalog info", "catalog info, plain name"):
        [catalog] = r[name]["machine_catalogs"]
        assert (catalog["full_name"], catalog["total_count"]) == (LAB_CATALOG, 3)
    assert r["group info"]["delivery_groups"][0]["total_desktops"] == 3
    assert {m["name"] for m in r["machines"]["machines"]} == set(lab)
    assert {m["name"] for m in r["machines of both"]["machines"]} == set(lab)
    assert sim.stats()["power_actions"] == {wren["Id"]: ["reboot"]}
    assert by_name(r["restart idle"])["DEMOLAB\\ROBIN"]["reason"] == "has 2 sessions"
    assert r["maintenance"]["summary"]["changed"] == 3
    assert len(r["sessions"]["sessions"]) == 2 and r["message"]["summary"]["changed"] == 2
    after = {m["Name"]: m for m in sim.state()["machines"]}
    assert all(after[name]["InMaintenanceMode"] for name in lab)
    assert {m["Machine"] for m in sim.state()["messages_sent"]} == {robin["Name"]}
    assert "'/'" in r["slash"]["msg"]


def test_a_frozen_site_fails_with_a_clear_message(sim, playbook):
    sim.set_faults({"error_rates": {"530": 1.0}})
    try:
        run = playbook(sim, [tolerant(task("machines", "citrix_machine_info", catalog="DEMOLAB Servers"))])
    finally:
        sim.set_faults({})
    assert run.failed == ["machines"]
    message = run.results["machines"]["msg"]
    assert "530" in message and "frozen or being restored" in message
    assert sim.stats()["by_status"].get("530") == 1  # told once, not retried
