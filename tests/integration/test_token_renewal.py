# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokens that expire or are revoked in the middle of a run: the run goes on with one fresh token
per expiry or revocation, shared by its threads and by the processes on the controller, and no
machine is acted on twice. Counted in the simulator's stats (tokens_issued, revocations,
power_actions)."""
from __future__ import annotations

import subprocess
import time

import pytest

from conftest import playbook_command, read_results
from helpers import task

REBOOT_ROUTE = "POST /cvad/manage/Machines/{nameOrId}/$reboot"
BATCH_ROUTE = "POST /cvad/manage/$batch"
LOOKUP_ROUTE = "GET /cvad/manage/Machines/{nameOrId}"


def due_for_reboot(sim):
    """The Scale catalog's machines the tutorial reboots: power managed, On, idle, nothing pending."""
    return sorted(m["Id"] for m in sim.state()["machines"]
                  if m["MachineCatalog"]["Name"] == "Scale" and m["PowerState"] == "On" and not m["SessionCount"]
                  and "Restart" in m["SupportedPowerActions"] and not m["PowerActionPending"])


def reboot_idle(sim, playbook, transport):
    """Reboot the idle machines of Scale (parallelism 20); (due ids, result, stats, seconds the run took)."""
    due = due_for_reboot(sim)
    started = time.monotonic()
    run = playbook(sim, [task("reboot idle", "citrix_machine_power", catalog="Scale", state="restarted",
                              parallelism=20, transport=transport)])
    took = time.monotonic() - started
    result = run.results["reboot idle"]
    assert run.rc == 0 and not run.failed, result.get("msg") or run.stdout[-3000:] + run.stderr[-3000:]
    return due, result, sim.stats(), took


def assert_rebooted_once(due, result, stats):
    assert len(due) > 100
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in due}
    assert result["summary"]["changed"] == len(due) and result["summary"]["failed"] == 0


def test_tokens_expiring_through_a_long_parallel_run_cost_one_token_a_lifetime(start_sim, playbook):
    """Tokens live 2 s; each reboot is processed 0.6 s after it arrives, so the run outlives several
    tokens and some requests reach the service after their token expired (401, sent again)."""
    sim = start_sim(machines=200, latency_ms=100, token_ttl=2, faults={"process_delay_ms": 600})
    due, result, stats, took = reboot_idle(sim, playbook, "parallel")
    assert_rebooted_once(due, result, stats)
    # A token is replaced once a quarter of its life is left, or when refused: so one token for
    # every 1.5 s of the run at most (the run's wall time bounds the module's), never one a request.
    assert 3 <= stats["tokens_issued"] <= 1 + took / 1.5, (stats["tokens_issued"], took)
    assert stats["revocations"] == 0


def test_tokens_revoked_twice_during_a_parallel_run_cost_one_token_each(start_sim, playbook):
    sim = start_sim(machines=200, latency_ms=50)
    for count in (40, 80):  # twice while 20 reboots are in flight
        sim.revoke_tokens(after=REBOOT_ROUTE, count=count)
    due, result, stats, _run = reboot_idle(sim, playbook, "parallel")
    assert_rebooted_once(due, result, stats)
    assert stats["revocations"] == 2 and stats["by_status"].get("401", 0) >= 2
    assert stats["tokens_issued"] == 3  # the first, and one a revocation


@pytest.mark.parametrize("revocations", [1, 2])
def test_batch_items_refused_after_a_revocation_go_again_with_one_fresh_token(start_sim, playbook, revocations):
    """Each revocation falls between a batch's answer and its job, which then runs the items with the
    revoked token: each item is refused 401 (not acted on), and goes in the next round's batch."""
    sim = start_sim(machines=200, job_seconds=1.0)
    for count in (1, 3)[:revocations]:
        sim.revoke_tokens(after=BATCH_ROUTE, count=count)
    due, result, stats, _run = reboot_idle(sim, playbook, "batch")
    assert_rebooted_once(due, result, stats)
    assert stats["revocations"] == revocations
    assert stats["by_route"][BATCH_ROUTE] >= 2 + revocations  # two batches a round, items 401 went again
    assert stats["tokens_issued"] == 1 + revocations


def run_concurrently(sim, playbooks, tmp_path):
    """Start each playbook (a list of tasks) at once; wait for them all; their results."""
    started = []
    for index, tasks in enumerate(playbooks):
        workdir = tmp_path / ("play%d" % index)
        workdir.mkdir()
        cmd, env, results_file = playbook_command(sim, tasks, workdir)
        started.append((subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,  # pylint: disable=consider-using-with
                                         text=True), results_file))
    runs = []
    for proc, results_file in started:
        output, _err = proc.communicate(timeout=300)
        runs.append((proc.returncode, output, read_results(results_file)))
    return runs


NAMES = ["DEMOLAB\\SCALE%05d" % n for n in range(1, 41)]


def test_concurrent_playbooks_share_one_token_and_one_after_a_revocation(start_sim, tmp_path):
    """Three playbooks at once on one controller, two tasks each (six module processes, forty
    parallel look-ups each): one token between them, then one more after a revocation mid-run."""
    sim = start_sim(machines=50, latency_ms=20)
    sim.revoke_tokens(after=LOOKUP_ROUTE, count=120)  # halfway through the 240 look-ups
    tasks = [task("first look", "citrix_machine_info", site_id=sim.site_id, name=NAMES),
             task("second look", "citrix_machine_info", site_id=sim.site_id, name=NAMES)]
    runs = run_concurrently(sim, [tasks] * 3, tmp_path)
    for rc, output, results in runs:
        assert rc == 0, output[-3000:]
        assert [len(results[name]["machines"]) for name in ("first look", "second look")] == [40, 40]
    stats = sim.stats()
    assert stats["by_route"][LOOKUP_ROUTE] >= 240 and stats["revocations"] == 1
    assert stats["by_status"].get("401", 0) >= 1  # some look-ups met the revocation
    assert stats["tokens_issued"] == 2
