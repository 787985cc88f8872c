# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DaaS modules through real ansible-playbook runs, checked against the simulator's
stats (which requests, which power actions, how many) and state.

Each ansible-playbook run costs about two seconds, so related steps share one playbook.
The tutorial scenario: catalog "DEMOLAB Servers" / delivery group "DEMOLAB Desktops" of 12
machines; OSPREY (2 sessions), EAGLE (not power managed), KESTREL (idle) and more like them.
"""
from __future__ import annotations

import pytest

from helpers import task, tolerant, writes

CATALOG = "DEMOLAB Servers"
GROUP = "DEMOLAB Desktops"


def machines_by_name(sim):
    return {m["Name"]: m for m in sim.state()["machines"]}


def due_for_reboot(machines):
    """What the tutorial reboots: power-managed machines that are On, idle, nothing pending."""
    return sorted(m["Id"] for m in machines
                  if m["PowerState"] == "On" and not m["SessionCount"] and "Restart" in m["SupportedPowerActions"]
                  and not m["PowerActionPending"])


def by_name(result):
    return {m["name"]: m for m in result["machines"]}


def assert_ok(run):
    assert run.rc == 0 and not run.failed, run.stdout[-3000:] + run.stderr[-3000:]


# ---------------------------------------------------------------- info modules

def test_info_modules_read_only_and_discover_the_site(sim, playbook):
    state = sim.state()
    run = playbook(sim, [
        task("site", "citrix_site_info"),
        task("catalog", "citrix_machine_catalog_info", name=CATALOG),
        task("catalogs", "citrix_machine_catalog_info"),
        task("no catalog", "citrix_machine_catalog_info", name="Nope"),
        task("group", "citrix_delivery_group_info", name=GROUP),
        task("idle on", "citrix_machine_info", catalog=CATALOG, power_state=["On"], idle=True),
        task("two by name", "citrix_machine_info", name=["DEMOLAB\\OSPREY", "demolab\\kestrel", "DEMOLAB\\NOPE"]),
        task("in group, by name", "citrix_machine_info", delivery_group=GROUP, name=["DEMOLAB\\EAGLE"]),
        task("unmanaged", "citrix_machine_info", delivery_group=GROUP, power_state=["Unmanaged"]),
        task("missing catalog", "citrix_machine_info", catalog="Nope"),
        task("sessions of osprey", "citrix_session_info", machine=["DEMOLAB\\OSPREY"]),
        task("disconnected", "citrix_session_info", catalog=CATALOG, state=["Disconnected"]),
    ], check=True)
    assert_ok(run)
    r = run.results
    assert r["site"]["site_id"] == sim.site_id
    assert r["site"]["sites"] == [{"id": sim.site_id, "name": state["site"]["Name"]}]
    assert r["site"]["me"]["customers"][0]["id"] == sim.customer_id
    assert [c["name"] for c in r["catalog"]["machine_catalogs"]] == [CATALOG]
    assert len(r["catalogs"]["machine_catalogs"]) == len(state["catalogs"])
    assert r["no catalog"]["machine_catalogs"] == []
    assert r["group"]["delivery_groups"][0]["total_desktops"] == 12
    assert [m["name"] for m in r["idle on"]["machines"]] == [
        "DEMOLAB\\KESTREL", "DEMOLAB\\HAWK", "DEMOLAB\\MERLIN", "DEMOLAB\\HOBBY"]
    assert [m["name"] for m in r["two by name"]["machines"]] == ["DEMOLAB\\OSPREY", "DEMOLAB\\KESTREL"]
    assert r["two by name"]["machines"][0]["session_count"] == 2
    assert [m["power_state"] for m in r["in group, by name"]["machines"]] == ["Unmanaged"]
    assert len(r["unmanaged"]["machines"]) == 4
    assert r["missing catalog"]["machines"] == []
    osprey = [s for s in state["sessions"] if s["Machine"]["Name"] == "DEMOLAB\\OSPREY"]
    assert sorted(s["id"] for s in r["sessions of osprey"]["sessions"]) == sorted(s["Id"] for s in osprey)
    assert all(s["state"] == "Disconnected" for s in r["disconnected"]["sessions"])
    assert len(r["disconnected"]["sessions"]) == sum(1 for s in state["sessions"] if s["State"] == "Disconnected")
    stats = sim.stats()
    assert writes(sim) == {}
    assert stats["tokens_issued"] == 1
    assert stats["by_route"]["GET /cvad/manage/me"] >= 1  # CITRIX_SITE_ID unset: found through /me


def test_bad_names_fail_before_any_request(sim, playbook):
    run = playbook(sim, [
        tolerant(task("slash", "citrix_machine_info", name=["DEMOLAB/../x"])),
        tolerant(task("dotdot", "citrix_machine_power", catalog="..", state="restarted")),
        tolerant(task("control", "citrix_session_info", delivery_group="a\nb")),
    ])
    assert run.failed == ["slash", "dotdot", "control"]
    assert "'/'" in run.results["slash"]["msg"]
    assert sim.stats()["requests"] == 0


# ---------------------------------------------------------------- power

def test_restart_catalog_check_mode_then_for_real_then_busy_and_unsupported_skipped(sim, playbook):
    machines = [m for m in sim.state()["machines"] if m["MachineCatalog"]["Name"] == CATALOG]
    due = due_for_reboot(machines)
    assert len(due) == 4
    tasks = [task("reboot idle", "citrix_machine_power", catalog=CATALOG, state="restarted")]
    check = playbook(sim, tasks, check=True)
    assert_ok(check)
    assert sim.stats()["power_actions"] == {}
    assert writes(sim) == {}

    run = playbook(sim, tasks)
    assert_ok(run)
    result = run.results["reboot idle"]
    assert result["changed"] is True
    assert result["summary"] == {"changed": 4, "unchanged": 0, "skipped": 8, "failed": 0, "total": 12}
    assert check.results["reboot idle"]["summary"] == result["summary"]
    assert check.results["reboot idle"]["machines"] == [
        dict(m, transaction_id=None) for m in result["machines"]]
    assert sim.stats()["power_actions"] == {machine_id: ["reboot"] for machine_id in due}
    named = by_name(result)
    assert named["DEMOLAB\\OSPREY"]["result"] == "skipped"
    assert named["DEMOLAB\\OSPREY"]["reason"] == "has 2 sessions"
    assert named["DEMOLAB\\EAGLE"]["reason"] == "power action not supported: power state is Unmanaged"
    assert named["DEMOLAB\\KESTREL"]["action"] == "reboot" and named["DEMOLAB\\KESTREL"]["transaction_id"]
    # Unsupported machines never cost a power call, not even a refused one.
    assert sim.stats()["by_status"].get("400") is None


def test_stop_start_with_wait_are_idempotent(sim, playbook):
    names = ["DEMOLAB\\KESTREL", "DEMOLAB\\HAWK"]
    run = playbook(sim, [
        task("stop", "citrix_machine_power", name=names, state="stopped", wait=True, wait_timeout=60),
        task("stop again", "citrix_machine_power", name=names, state="stopped"),
        task("suspend off ones", "citrix_machine_power", name=names, state="suspended"),
        task("start", "citrix_machine_power", name=names, state="started", wait=True, wait_timeout=60),
        task("start again", "citrix_machine_power", name=names, state="started"),
        task("resume on ones", "citrix_machine_power", name=names, state="resumed"),
    ])
    assert_ok(run)
    r = run.results
    assert [m["power_state"] for m in r["stop"]["machines"]] == ["Off", "Off"]
    assert r["stop again"]["changed"] is False and r["stop again"]["summary"]["unchanged"] == 2
    assert r["suspend off ones"]["summary"]["skipped"] == 2
    assert "acts only on machines that are On" in r["suspend off ones"]["machines"][0]["reason"]
    assert [m["power_state"] for m in r["start"]["machines"]] == ["On", "On"]
    assert r["start again"]["changed"] is False and r["start again"]["summary"]["unchanged"] == 2
    assert r["resume on ones"]["summary"]["unchanged"] == 2
    state = machines_by_name(sim)
    actions = sim.stats()["power_actions"]
    assert {actions[state[n]["Id"]] == ["shutdown", "start"] for n in names} == {True}
    assert len(actions) == 2


def test_pending_and_busy_machines_and_restart_wait(start_sim, playbook):
    slow = start_sim(extra_args=["--power-seconds", "1.5"])
    run = playbook(slow, [
        task("reboot kestrel", "citrix_machine_power", name=["DEMOLAB\\KESTREL"], state="restarted"),
        task("again while pending", "citrix_machine_power", name=["DEMOLAB\\KESTREL", "DEMOLAB\\OSPREY"],
             state="restarted"),
        task("busy but forced through", "citrix_machine_power", name=["DEMOLAB\\FALCON"], state="restarted",
             skip_busy=False, wait=True, wait_timeout=60),
    ])
    assert_ok(run)
    again = by_name(run.results["again while pending"])
    # the reboot the first task sent is still pending: this run asks for what is under way
    assert again["DEMOLAB\\KESTREL"]["result"] == "unchanged" and "is pending" in again["DEMOLAB\\KESTREL"]["message"]
    assert again["DEMOLAB\\OSPREY"]["reason"] == "has 2 sessions"
    falcon = run.results["busy but forced through"]["machines"][0]
    assert falcon["result"] == "changed" and falcon["power_state"] == "On"
    state = machines_by_name(slow)
    assert not state["DEMOLAB\\FALCON"]["PowerActionPending"]
    actions = slow.stats()["power_actions"]
    assert actions == {state["DEMOLAB\\KESTREL"]["Id"]: ["reboot"], state["DEMOLAB\\FALCON"]["Id"]: ["reboot"]}


def test_unknown_machine_fails_before_any_action(sim, playbook):
    run = playbook(sim, [
        tolerant(task("typo", "citrix_machine_power", name=["DEMOLAB\\KESTREL", "DEMOLAB\\KESTRL"],
                      state="restarted")),
        tolerant(task("no catalog", "citrix_machine_power", catalog="DEMOLAB Server", state="stopped")),
        tolerant(task("no selector", "citrix_machine_power", state="stopped")),
    ])
    assert run.failed == ["typo", "no catalog", "no selector"]
    assert "DEMOLAB\\KESTRL" in run.results["typo"]["msg"]
    assert "does not exist" in run.results["no catalog"]["msg"]
    assert "one of the following is required" in run.results["no selector"]["msg"]
    assert sim.stats()["power_actions"] == {}


def reboot_under_faults(start_sim, playbook, machines, faults, transport="parallel", retries=8):
    """Reboot the idle machines of the Scale catalog under `faults`; return (due ids, result, stats)."""
    big = start_sim(machines=machines)
    due = due_for_reboot(m for m in big.state()["machines"] if m["MachineCatalog"]["Name"] == "Scale")
    big.set_faults(faults)
    # retries=8: with 15% of calls refused, the default 5 tries leave about 1 GET in 13,000
    # failed, which would make this test (of at-most-once, not of the retry budget) flaky.
    run = playbook(big, [tolerant(task("reboot idle", "citrix_machine_power", catalog="Scale", retries=retries,
                                       state="restarted", parallelism=20, transport=transport))])
    big.set_faults({})
    result = run.results["reboot idle"]
    assert run.rc == 0 and not run.failed, result.get("msg")
    return due, result, big.stats()


@pytest.mark.parametrize("transport", ["parallel", "batch"])
def test_300_machines_under_faults_each_due_machine_rebooted_exactly_once(start_sim, playbook, transport):
    faults = {"error_rates": {"429": 0.10, "503": 0.05}, "drop_after_rate": 0.02}
    due, result, stats = reboot_under_faults(start_sim, playbook, 300, faults, transport)
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in due}
    assert result["summary"]["changed"] == len(due) and result["summary"]["total"] == 300
    # Listing 300 machines is one page (plus any retried pages), never one request a machine.
    assert stats["by_route"]["GET /cvad/manage/MachineCatalogs/{nameOrId}/Machines"] < 5
    if transport == "batch":
        assert stats["by_route"]["POST /cvad/manage/$batch"] >= 2  # 100 items a batch
    else:
        assert stats["by_status"].get("429") and stats["by_status"].get("503")


@pytest.mark.parametrize("transport", ["parallel", "batch"])
def test_gateway_refusals_are_waited_out_not_spent_from_the_send_budget(start_sim, playbook, transport):
    """Half of all requests turned away by the gateway (503): many power POSTs meet 3 or more in a
    row (each machine has 3 sends), yet every due machine is rebooted, exactly once."""
    # retries=20 keeps the GETs, whose tries do count, from failing the run (0.5**20).
    due, result, stats = reboot_under_faults(start_sim, playbook, 30, {"error_rates": {"503": 0.5}}, transport,
                                             retries=20)
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in due}
    assert result["summary"]["changed"] == len(due) and result["summary"]["failed"] == 0
    assert stats["by_status"]["503"] > 0


def test_lost_answers_are_reread_not_resent(start_sim, playbook):
    """Many dropped answers after the service acted: each machine still rebooted exactly once."""
    faults = {"error_rates": {"429": 0.10}, "drop_after_rate": 0.3}
    due, result, stats = reboot_under_faults(start_sim, playbook, 40, faults)
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in due}
    assert stats["dropped"]["after"] > 0
    notes = [m["message"] for m in result["machines"] if m["message"]]
    assert notes and all("arrived" in n for n in notes)
    assert result["summary"]["changed"] == len(due)


# ---------------------------------------------------------------- maintenance

def test_maintenance_patches_only_what_differs(sim, playbook):
    names = ["DEMOLAB\\OSPREY", "DEMOLAB\\EAGLE"]
    check = playbook(sim, [task("on", "citrix_machine_maintenance", name=names, enabled=True)], check=True, diff=True)
    assert_ok(check)
    assert check.results["on"]["summary"]["changed"] == 2 and writes(sim) == {}
    assert check.results["on"]["diff"]["before"] == {"machines": []}
    assert check.results["on"]["diff"]["after"] == {"machines": sorted(names)}
    run = playbook(sim, [
        task("on", "citrix_machine_maintenance", name=names, enabled=True),
        task("on again", "citrix_machine_maintenance", name=names, enabled=True),
        task("group off", "citrix_machine_maintenance", delivery_group=GROUP, enabled=False),
    ])
    assert_ok(run)
    r = run.results
    assert r["on"]["summary"]["changed"] == 2
    assert all(m["in_maintenance_mode"] for m in r["on"]["machines"])
    assert r["on again"]["changed"] is False and r["on again"]["summary"]["unchanged"] == 2
    # the machine's own enum, as the service set it; nothing a user wrote
    assert [m["maintenance_mode_reason"] for m in r["on"]["machines"]] == [None, None]
    assert [m["maintenance_mode_reason"] for m in r["on again"]["machines"]] == ["Administrator"] * 2
    assert r["group off"]["summary"] == {"changed": 2, "unchanged": 10, "skipped": 0, "failed": 0, "total": 12}
    assert writes(sim) == {"PATCH /cvad/manage/Machines/{nameOrId}": 4}
    assert not any(m["InMaintenanceMode"] for m in sim.state()["machines"])


# ---------------------------------------------------------------- sessions

def test_sessions_message_then_logoff_and_disconnect_idempotently(sim, playbook):
    before = sim.state()["sessions"]
    osprey = [s for s in before if s["Machine"]["Name"] == "DEMOLAB\\OSPREY"]
    harrier = [s for s in before if s["Machine"]["Name"] == "DEMOLAB\\HARRIER"]
    message = {"title": "Maintenance", "text": "Save your work.", "style": "Exclamation"}
    check = playbook(sim, [task("log off", "citrix_session", machine=["DEMOLAB\\OSPREY"], state="logged_off",
                                user_message=message)], check=True)
    assert_ok(check)
    assert check.results["log off"]["summary"]["changed"] == len(osprey) and writes(sim) == {}
    run = playbook(sim, [
        task("log off", "citrix_session", machine=["DEMOLAB\\OSPREY"], state="logged_off", user_message=message),
        task("log off again", "citrix_session", machine=["DEMOLAB\\OSPREY"], state="logged_off"),
        task("disconnect", "citrix_session", machine=["DEMOLAB\\HARRIER"], state="disconnected"),
        task("disconnect again", "citrix_session", machine=["DEMOLAB\\HARRIER"], state="disconnected"),
        tolerant(task("no selector", "citrix_session", state="logged_off")),
    ])
    r = run.results
    assert run.failed == ["no selector"]
    assert r["log off"]["summary"]["changed"] == len(osprey)
    assert r["log off again"]["summary"]["total"] == 0 and r["log off again"]["changed"] is False
    active = [s for s in harrier if s["State"] != "Disconnected"]
    assert r["disconnect"]["summary"]["changed"] == len(active)
    assert r["disconnect again"]["summary"] == {
        "changed": 0, "unchanged": len(harrier), "skipped": 0, "failed": 0, "total": len(harrier)}
    after = sim.state()
    assert not [s for s in after["sessions"] if s["Machine"]["Name"] == "DEMOLAB\\OSPREY"]
    assert all(s["State"] == "Disconnected" for s in after["sessions"] if s["Machine"]["Name"] == "DEMOLAB\\HARRIER")
    assert len(after["messages_sent"]) == len(osprey)
    assert after["messages_sent"][0]["Style"] == "Exclamation"
    routes = writes(sim)
    assert routes["POST /cvad/manage/Sessions/{id}/$logoff"] == len(osprey)
    assert routes["POST /cvad/manage/Sessions/{id}/$sendMessage"] == len(osprey)
    assert routes.get("POST /cvad/manage/Sessions/{id}/$disconnect", 0) == len(active)


def test_sessions_messaged_sends_each_run_and_nothing_in_check_mode(sim, playbook):
    before = sim.state()["sessions"]
    osprey = sorted(s["Id"] for s in before if s["Machine"]["Name"] == "DEMOLAB\\OSPREY")
    message = {"title": "Restart at 22:00", "text": "Please save your work."}
    warn = task("warn", "citrix_session", machine=["DEMOLAB\\OSPREY"], state="messaged", user_message=message)
    check = playbook(sim, [warn], check=True)
    assert_ok(check)
    assert check.results["warn"]["changed"] is True and check.results["warn"]["summary"]["changed"] == len(osprey)
    assert writes(sim) == {} and sim.state()["messages_sent"] == []

    run = playbook(sim, [
        warn,
        dict(warn, name="warn again"),
        tolerant(task("no message", "citrix_session", machine=["DEMOLAB\\OSPREY"], state="messaged")),
    ])
    r = run.results
    assert run.failed == ["no message"] and "user_message" in r["no message"]["msg"]
    for name in ("warn", "warn again"):  # an action, not a state: sent again, changed again
        assert r[name]["changed"] is True
        assert r[name]["summary"] == {"changed": len(osprey), "unchanged": 0, "skipped": 0, "failed": 0,
                                      "total": len(osprey)}
        assert {s["action"] for s in r[name]["sessions"]} == {"sendMessage"}
    after = sim.state()
    assert sorted(m["SessionId"] for m in after["messages_sent"]) == sorted(osprey * 2)
    assert {(m["Machine"], m["Title"], m["Text"], m["Style"]) for m in after["messages_sent"]} == {
        ("DEMOLAB\\OSPREY", "Restart at 22:00", "Please save your work.", "Information")}
    assert writes(sim) == {"POST /cvad/manage/Sessions/{id}/$sendMessage": 2 * len(osprey)}
    assert after["sessions"] == before  # messaged, not logged off or disconnected
