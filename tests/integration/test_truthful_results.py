# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Results that tell the truth: machines by SID, and what citrix_token returns for a given token."""
from __future__ import annotations

from helpers import task


def test_machines_given_by_sid_are_acted_on(sim, playbook):
    machines = {m["Name"]: m for m in sim.state()["machines"]}
    kestrel, osprey = machines["DEMOLAB\\KESTREL"], machines["DEMOLAB\\OSPREY"]
    run = playbook(sim, [
        task("maintenance", "citrix_machine_maintenance", site_id=sim.site_id, name=[kestrel["Sid"]], enabled=True),
        task("restart", "citrix_machine_power", site_id=sim.site_id, name=[kestrel["Sid"]], state="restarted"),
        task("sessions", "citrix_session_info", site_id=sim.site_id, machine=[osprey["Sid"]]),
    ])
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    r = run.results
    assert r["maintenance"]["changed"] and r["restart"]["summary"]["changed"] == 1
    assert sim.stats()["power_actions"] == {kestrel["Id"]: ["reboot"]}
    assert {m["Name"]: m["InMaintenanceMode"] for m in sim.state()["machines"]}["DEMOLAB\\KESTREL"] is True
    assert len(r["sessions"]["sessions"]) == osprey["SessionCount"] == 2


def test_citrix_token_with_a_given_token_says_so_and_returns_no_placeholder(sim, playbook):
    run = playbook(sim, [task("fetched", "citrix_token", "fetched")])
    token = run.results["fetched"]["access_token"]
    assert run.results["fetched"]["given"] is False and token
    run = playbook(sim, [task("given", "citrix_token", access_token=token)])
    given = run.results["given"]
    assert run.rc == 0 and given["given"] is True
    returned = {key: value for key, value in given.items() if key != "invocation"}  # the masked option itself
    assert "access_token" not in returned and "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" not in str(returned)
    assert sim.stats()["tokens_issued"] == 1
