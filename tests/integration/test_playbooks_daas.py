# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/reboot_idle.yml and playbooks/rolling_restart.yml, run as users run them, checked
against the simulator's stats (which machine got which action, how often) and state.

The tutorial scenario: catalog "DEMOLAB Servers" / delivery group "DEMOLAB Desktops" of 12
machines: 4 idle and On, 4 On with sessions (7 sessions in all), 4 not power managed.
"""
from __future__ import annotations

from conftest import REPO
from helpers import task, writes

PLAYBOOKS = REPO / "playbooks"
CATALOG = "DEMOLAB Servers"
GROUP = "DEMOLAB Desktops"
PRINT = "Print one line per machine"


def power_managed(machine):
    return machine["PowerState"] == "On" and "Restart" in machine["SupportedPowerActions"]


def expected_lines(machines, check=False):
    """What the playbook prints for the world before the run, in the service's order."""
    lines = []
    for m in machines:
        if not power_managed(m):
            lines.append(f"Reboot not supported on {m['Name']} - skipping")
        elif m["SessionCount"]:
            noun = "session" if m["SessionCount"] == 1 else "sessions"
            lines.append(f"{m['SessionCount']} {noun} on {m['Name']} - skipping")
        elif check:
            lines.append(f"Would request reboot for {m['Name']}")
        else:
            lines.append(f"Requesting reboot for {m['Name']}... success")
    return lines


def catalog_machines(sim, name=CATALOG):
    return [m for m in sim.state()["machines"] if m["MachineCatalog"]["Name"] == name]


def reboot_idle(sim, playbook, check=False, **extra_vars):
    return playbook(sim, PLAYBOOKS / "reboot_idle.yml", extra_vars=dict(catalog=CATALOG, **extra_vars), check=check)


def test_reboot_idle_reboots_each_idle_machine_once_prints_and_notifies(sim, playbook):
    machines = catalog_machines(sim)
    idle = {m["Id"] for m in machines if power_managed(m) and not m["SessionCount"]}
    assert len(idle) == 4

    run = reboot_idle(sim, playbook)

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in idle}  # busy, unmanaged: none
    assert stats["by_route"]["POST /cvad/manage/$batch"] == 1  # the default transport: one batch for all 4
    assert stats["tokens_issued"] == 1
    assert run.results[PRINT]["msg"] == expected_lines(machines)
    [notification] = sim.state()["notifications"]
    assert notification["severity"] == "Information"
    assert notification["content"][0]["title"] == f"Reboot of idle machines in {CATALOG}"
    assert notification["content"][0]["description"] == "4 rebooted, 8 skipped (4 with sessions), 0 failed of 12 machines."


def test_reboot_idle_check_mode_sends_nothing(sim, playbook):
    machines = catalog_machines(sim)

    run = reboot_idle(sim, playbook, check=True)

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert writes(sim) == {}
    assert sim.stats()["power_actions"] == {}
    assert sim.state()["notifications"] == []
    assert run.results[PRINT]["msg"] == expected_lines(machines, check=True)


def test_reboot_idle_second_run_while_reboots_are_under_way_sends_none(start_sim, playbook):
    # Power steps of 30 s keep the first run's reboots pending during the second run, as on a real
    # site where a restart takes minutes. (Once a reboot has finished, a new run reboots the idle
    # machines again, once each: restarted is an action, not a state.)
    sim = start_sim(extra_args=["--power-seconds", "30"])
    machines = catalog_machines(sim)
    first = reboot_idle(sim, playbook)
    assert first.rc == 0, first.stdout[-3000:] + first.stderr[-3000:]
    rebooted = sim.stats()["power_actions"]

    second = reboot_idle(sim, playbook, notify_admins=False)

    assert second.rc == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert sim.stats()["power_actions"] == rebooted  # no machine got a second reboot
    assert all(actions == ["reboot"] for actions in rebooted.values())
    assert sim.stats()["by_route"]["POST /cvad/manage/$batch"] == 1  # the first run's; the second sent none
    lines = second.results[PRINT]["msg"]
    assert [line for line in lines if "pending" in line] == [
        f"Power action already pending on {m['Name']} - skipping" for m in machines if m["Id"] in rebooted]
    assert not any("Requesting" in line for line in lines)
    assert len(sim.state()["notifications"]) == 1  # notify_admins=false sent none


def test_reboot_idle_unknown_catalog_fails_after_printing_and_notifying(sim, playbook):
    run = playbook(sim, PLAYBOOKS / "reboot_idle.yml", extra_vars={"catalog": "No such catalog"})

    assert run.rc != 0
    assert sim.stats()["power_actions"] == {}
    assert "No such catalog" in run.results[PRINT]["msg"][0]
    [notification] = sim.state()["notifications"]
    assert notification["severity"] == "Error"
    assert "No such catalog" in notification["content"][0]["description"]


def test_rolling_restart_drains_logs_off_restarts_each_machine_once(sim, playbook):
    state = sim.state()
    group = [m for m in state["machines"] if (m.get("DeliveryGroup") or {}).get("Name") == GROUP]
    restartable = {m["Id"] for m in group if power_managed(m) and not m["InMaintenanceMode"]}
    sessions = [s for s in state["sessions"] if s["Machine"]["Id"] in restartable]
    assert len(restartable) == 8 and len(sessions) == 7

    # The simulator's users never log off by themselves: every session is there at the deadline.
    run = playbook(sim, PLAYBOOKS / "rolling_restart.yml", extra_vars={
        "delivery_group": GROUP, "batch_size": 5, "drain_timeout": 2, "drain_poll": 1})

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    stats, after = sim.stats(), sim.state()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in restartable}
    assert stats["by_route"]["POST /cvad/manage/Sessions/{id}/$logoff"] == len(sessions)
    assert stats["by_route"]["PATCH /cvad/manage/Machines/{nameOrId}"] == 2 * len(restartable)  # on, then off
    for machine in after["machines"]:
        assert not machine["InMaintenanceMode"], machine["Name"]
        if machine["Id"] in restartable:  # wait: true saw each one back
            assert machine["PowerState"] == "On" and not machine["PowerActionPending"], machine["Name"]
    # Each user got the warning when the drain began, then the notice before the log-off.
    messaged = sorted(m["SessionId"] for m in after["messages_sent"])
    assert messaged == sorted(s["Id"] for s in sessions for _message in range(2))
    assert {m["Title"] for m in after["messages_sent"]} == {"Restart for maintenance"}
    styles = [m["Style"] for m in after["messages_sent"]]
    assert sorted(styles) == sorted(["Information", "Exclamation"] * len(sessions))
    assert stats["tokens_issued"] == 1  # every task shares the modules' token, none of its own
    [notification] = after["notifications"]
    assert notification["content"][0]["description"].startswith("Restarted 8 of 8 machines in batches of 5; 4 machines")


def test_rolling_restart_check_mode_sends_nothing(sim, playbook):
    run = playbook(sim, PLAYBOOKS / "rolling_restart.yml", check=True, extra_vars={
        "delivery_group": GROUP, "batch_size": 5, "drain_timeout": 2, "drain_poll": 1})

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert writes(sim) == {}
    assert sim.state()["messages_sent"] == [] and sim.state()["notifications"] == []


def test_rolling_restart_counts_only_what_it_restarted(start_sim, playbook):
    # Delivery group "Scale DG" holds one machine; a reboot queued before the run (by another admin)
    # keeps it On with an action pending for a minute, so the run's restart skips it.
    sim = start_sim(machines=1, extra_args=["--power-seconds", "60"])
    [only] = [m for m in sim.state()["machines"] if (m.get("DeliveryGroup") or {}).get("Name") == "Scale DG"]
    assert power_managed(only) and not only["InMaintenanceMode"]
    earlier = playbook(sim, [task("earlier", "citrix_machine_power", name=[only["Id"]], state="restarted",
                                  skip_busy=False)])
    assert earlier.rc == 0, earlier.stdout[-3000:]
    run = playbook(sim, PLAYBOOKS / "rolling_restart.yml", extra_vars={
        "delivery_group": "Scale DG", "batch_size": 5, "drain_timeout": 0, "drain_poll": 1})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert sim.stats()["power_actions"] == {only["Id"]: ["reboot"]}  # the earlier one only
    [notification] = sim.state()["notifications"]
    assert notification["content"][0]["description"].startswith("Restarted 0 of 1 machines")


def test_rolling_restart_fails_on_an_unknown_delivery_group(sim, playbook):
    run = playbook(sim, PLAYBOOKS / "rolling_restart.yml", extra_vars={
        "delivery_group": "DEMOLAB Desktopz", "drain_timeout": 0, "drain_poll": 1})
    assert run.rc != 0
    assert "There is no delivery group DEMOLAB Desktopz" in run.stdout
    assert sim.stats()["power_actions"] == {}
    assert all("/notifications" in route for route in writes(sim))  # only the admins were told
