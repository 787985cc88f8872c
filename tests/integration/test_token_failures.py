# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A token that cannot be had costs one token request (or one retry budget) per run, not one per
machine: counted in the simulator's stats."""
from __future__ import annotations

from helpers import task, tolerant, writes

TOKEN_ROUTE = "POST /cctrustoauth2/{customerId}/tokens/clients"
NAMES = ["DEMOLAB\\SCALE%05d" % n for n in range(1, 41)]


def token_requests(sim):
    return sim.stats()["by_route"].get(TOKEN_ROUTE, 0)


def test_wrong_secret_costs_one_token_request_for_forty_machines(sim, playbook):
    # site_id given, so the first calls are the forty machine look-ups, made in parallel
    run = playbook(sim, [tolerant(task("restart", "citrix_machine_power", site_id=sim.site_id, name=NAMES,
                                       state="restarted"))],
                   env={"CITRIX_CLIENT_SECRET": "not-the-secret"})
    result = run.results["restart"]
    assert result["_status"] == "failed", result
    assert token_requests(sim) == 1 and writes(sim) == {}
    assert sim.client_id in result["msg"] and "not-the-secret" not in run.stdout + run.stderr


def test_token_endpoint_down_costs_one_retry_budget(sim, playbook):
    sim.set_faults({"error_rates": {"503": 1.0}})
    run = playbook(sim, [tolerant(task("look up", "citrix_machine_info", site_id=sim.site_id, name=NAMES,
                                       retries=3))])
    assert run.results["look up"]["_status"] == "failed"
    assert token_requests(sim) == 3  # three tries in all, once for the run, not once per name
