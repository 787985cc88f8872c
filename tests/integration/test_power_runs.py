# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs of citrix_machine_power on one controller coordinate: never two actions for one machine.

Two `ansible-playbook` processes started together, and a playbook killed while its power actions
are in flight, then run again. The evidence is the simulator's record of the power actions it
accepted, per machine (`/_sim/stats` `power_actions`).
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import Run, _playbook_file, playbook_command, read_results
from helpers import task, tolerant

SCALE = "Scale"
# Light transient faults: each run must still end ok, and no machine get a second action.
FAULTS = {"error_rates": {"429": 0.10, "503": 0.05}, "drop_after_rate": 0.03}


def due_for_shutdown(sim):
    """The Scale machines a shutdown acts on: power managed, On, idle, nothing pending."""
    return sorted(m["Id"] for m in sim.state()["machines"]
                  if m["MachineCatalog"]["Name"] == SCALE and m["PowerState"] == "On" and not m["SessionCount"]
                  and "Shutdown" in m["SupportedPowerActions"] and not m["PowerActionPending"])


def shutdown(label, **options):
    return tolerant(task(label, "citrix_machine_power", catalog=SCALE, state="stopped", retries=8, **options))


def run_together(sim, tasks, workdir, count=2):
    """`count` ansible-playbook processes of one playbook, started at the same moment."""
    book = _playbook_file(tasks, workdir)
    commands = [playbook_command(sim, book, workdir) for run in range(count)]
    procs = [subprocess.Popen(command[0], env=command[1], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for command in commands]
    with ThreadPoolExecutor(count) as pool:
        outputs = list(pool.map(lambda p: p.communicate(timeout=300), procs))
    return [Run(p.returncode, out, err, read_results(command[2]))
            for p, (out, err), command in zip(procs, outputs, commands)]


def by_id(result):
    return {m["id"]: m for m in result["machines"]}


@pytest.mark.parametrize("transport", ["parallel", "batch"])
def test_two_runs_of_one_shutdown_started_together_act_once(start_sim, tmp_path, transport):
    """The second run waits for the first, re-reads the machines and finds them acted on."""
    # Machines stay pending a while (3 s a power step), as a real shutdown does for minutes, and
    # each power POST is processed 1.5 s after it arrives: long enough that, without the lock, the
    # second run would read the machines before the first run's actions show.
    sim = start_sim(machines=40, extra_args=["--power-seconds", "3"])
    expected = due_for_shutdown(sim)
    sim.set_faults(dict(FAULTS, process_delay_ms=1500))
    runs = run_together(sim, [shutdown("stop", transport=transport, parallelism=30)], tmp_path)
    for run in runs:
        assert run.rc == 0 and not run.failed, run.results.get("stop", {}).get("msg") or run.stdout[-3000:]
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["shutdown"] for machine_id in expected}
    results = [by_id(run.results["stop"]) for run in runs]
    for machine_id in expected:
        outcomes = sorted(r[machine_id]["result"] for r in results)
        # acted on by exactly one run; the other found that same shutdown pending (or done)
        assert outcomes == ["changed", "unchanged"], outcomes
    assert sum(run.results["stop"]["summary"]["changed"] for run in runs) == len(expected)


def test_without_a_private_folder_nothing_is_sent(start_sim, playbook, tmp_path):
    """A lock another user could hold or remove proves nothing: the task fails before acting."""
    sim = start_sim(machines=10)
    sim.cache_dir.mkdir(mode=0o700)
    sim.cache_dir.chmod(0o777)
    run = playbook(sim, [shutdown("stop")])
    assert run.failed == ["stop"]
    assert "run lock" in run.results["stop"]["msg"] and "mode 0777" in run.results["stop"]["msg"]
    assert sim.stats()["power_actions"] == {}
    checked = playbook(sim, [shutdown("planned")], check=True)  # check mode sends nothing: no lock needed
    assert checked.rc == 0 and not checked.failed


# ---------------------------------------------------------------- a killed playbook, then a re-run

def start_playbook(sim, tasks, workdir):
    """An ansible-playbook in a session of its own (so that it and its children can be killed together)."""
    workdir.mkdir()
    cmd, env, results = playbook_command(sim, tasks, workdir)
    assert not results.exists()
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def wait_until_sending(sim, proc, timeout=60):
    """Until the machines were listed and requests are in flight: the power actions, held by the service."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stats = sim.stats()
        if stats["in_flight"] and any(route.endswith("/Machines") and route.startswith("GET") for route in stats["by_route"]):
            return
        assert proc.poll() is None, "the playbook ended before it sent anything"
        time.sleep(0.05)
    pytest.fail("no power action was sent in time")


@pytest.mark.parametrize("kill", ["playbook", "playbook_and_module"])
@pytest.mark.parametrize("transport", ["parallel", "batch"])
def test_a_killed_playbook_then_a_rerun_acts_once(start_sim, playbook, tmp_path, kill, transport):
    """The playbook is SIGKILLed while its shutdowns are in flight: the service holds each for
    4 s and acts then. Its module either goes on (it holds the run lock: the re-run waits for it)
    or dies with it (its journal tells the re-run what the service may still act on: the re-run
    waits for the evidence). Either way no machine gets a second action, and the re-run ends ok
    with every machine unchanged."""
    sim = start_sim(machines=20, extra_args=["--power-seconds", "2"])
    expected = due_for_shutdown(sim)
    sim.set_faults({"process_delay_ms": 4000})
    first = start_playbook(sim, [shutdown("stop", timeout=1, transport=transport, parallelism=20)], tmp_path / "first")
    try:
        wait_until_sending(sim, first)
        if kill == "playbook":
            os.kill(first.pid, signal.SIGKILL)
        else:
            os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        rerun = playbook(sim, [shutdown("again", transport=transport, parallelism=20)])
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    result = rerun.results["again"]
    assert rerun.rc == 0 and not rerun.failed, result.get("msg") or rerun.stdout[-3000:]
    assert sim.stats()["power_actions"] == {machine_id: ["shutdown"] for machine_id in expected}
    again = by_id(result)
    # pending (named from the journal: the same shutdown) or already off
    assert {again[m]["result"] for m in expected} == {"unchanged"}, [again[m] for m in expected]
    assert result["changed"] is False
