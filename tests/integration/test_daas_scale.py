# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A 10,000-machine catalog is read in 10 pages of 1000, through a real ansible-playbook run."""
from __future__ import annotations

LIST_ROUTE = "GET /cvad/manage/MachineCatalogs/{nameOrId}/Machines"


def test_ten_thousand_machines_cost_ten_list_requests(start_sim, playbook):
    sim = start_sim(machines=10000)
    unmanaged = sum(1 for m in sim.state()["machines"]
                    if m["MachineCatalog"]["Name"] == "Scale" and m["PowerState"] == "Unmanaged")
    run = playbook(sim, [{
        "name": "unmanaged machines of Scale",
        "citrix.cloud.citrix_machine_info": {"catalog": "Scale", "power_state": ["Unmanaged"]},
    }])
    assert run.rc == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert len(run.results["unmanaged machines of Scale"]["machines"]) == unmanaged > 0
    stats = sim.stats()
    assert stats["by_route"][LIST_ROUTE] == 10
    assert stats["tokens_issued"] == 1
    assert not [route for route in stats["by_route"] if route.startswith(("POST /cvad", "PATCH", "PUT", "DELETE"))]
