# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""citrix_machine_power sends each machine its action exactly once, whatever the service does.

The evidence is the simulator's own record of the power actions it accepted, per machine
(`/_sim/stats` `power_actions`). Durations are kept short with the simulator's knobs.
"""
from __future__ import annotations

import pytest

from helpers import task, tolerant

SCALE = "Scale"


def due(sim):
    """The Scale machines a restart acts on: power managed, On, idle, nothing pending."""
    return sorted(m["Id"] for m in sim.state()["machines"]
                  if m["MachineCatalog"]["Name"] == SCALE and m["PowerState"] == "On" and not m["SessionCount"]
                  and "Restart" in m["SupportedPowerActions"] and not m["PowerActionPending"])


def reboot(label, **options):
    return tolerant(task(label, "citrix_machine_power", catalog=SCALE, state="restarted", **options))


def assert_ok(run, label):
    result = run.results[label]
    assert run.rc == 0 and not run.failed, result.get("msg") or run.stdout[-3000:]
    return result


@pytest.mark.parametrize("transport", ["parallel", "batch"])
def test_a_slow_service_that_acts_after_the_timeout_gets_each_action_once(start_sim, playbook, transport):
    """Every POST is processed 3 s after it arrives, the task's timeout is 1 s: no answer ever
    comes back in time, the service still acts, late. Each machine is rebooted once, and changed."""
    sim = start_sim(machines=20)
    expected = due(sim)
    sim.set_faults({"process_delay_ms": 3000})
    run = playbook(sim, [reboot("slow", timeout=1, parallelism=5, transport=transport)])
    result = assert_ok(run, "slow")
    assert sim.stats()["power_actions"] == {machine_id: ["reboot"] for machine_id in expected}
    assert result["summary"]["changed"] == len(expected)
    notes = [m["message"] for m in result["machines"] if m["result"] == "changed"]
    assert all(n and "arrived" in n for n in notes)


@pytest.mark.parametrize("transport", ["parallel", "batch"])
def test_a_steady_rate_limit_slows_the_task_down_and_every_machine_gets_its_action(start_sim, playbook, transport):
    sim = start_sim(machines=60)
    expected = due(sim)
    # Batches need few requests: a tighter limit, so that they are throttled too.
    sim.set_faults({"rate_limit_per_s": 20 if transport == "parallel" else 2})
    run = playbook(sim, [reboot("throttled", parallelism=10, transport=transport)])
    result = assert_ok(run, "throttled")
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in expected}
    assert result["summary"]["changed"] == len(expected)
    assert stats["by_status"].get("429") and stats["max_in_flight"] <= 10


def test_batch_items_carry_only_the_bearer_token(start_sim, playbook):
    """The simulator accepts only `Authorization: Bearer` inside $batch items: a reboot through
    the default transport working is the proof that the collection sends that form."""
    sim = start_sim(machines=5)
    expected = due(sim)
    run = playbook(sim, [reboot("batch")])
    assert_ok(run, "batch")
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in expected}
    assert stats["by_route"]["POST /cvad/manage/$batch"] == 1
    assert stats["by_route"]["GET /cvad/manage/Jobs/{id}/Results"] == 1
