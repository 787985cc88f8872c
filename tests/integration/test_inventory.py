# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The citrix_daas inventory plugin through real ansible-inventory and ansible-playbook runs,
with playbooks/inventory/demo.citrix_daas.yml and the credentials in CITRIX_* variables."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import yaml

from conftest import REPO

DEMO = REPO / "playbooks" / "inventory" / "demo.citrix_daas.yml"


def demo_inventory(tmp_path):
    path = tmp_path / "demo.citrix_daas.yml"
    shutil.copy(DEMO, path)
    return path


def plain(hostvars):
    """Host variables without the unsafe marks --list puts on strings that came from the API."""
    return {name: value["__ansible_unsafe"] if isinstance(value, dict) and "__ansible_unsafe" in value else value
            for name, value in hostvars.items()}


def ansible_inventory(sim, *args, env=None):
    """Run ansible-inventory as a user would, with the simulator's CITRIX_* variables."""
    run_env = dict(os.environ, **sim.env)
    run_env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / "build" / "collections"))
    run_env.setdefault("ANSIBLE_CONFIG", str(REPO / "tests" / "ansible.cfg"))
    run_env.update(PATH=os.path.dirname(sys.executable) + os.pathsep + run_env.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    run_env.update(env or {})
    return subprocess.run(["ansible-inventory", *args], env=run_env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_ansible_inventory_lists_the_machines_with_their_groups_and_vars(sim, tmp_path):
    run = ansible_inventory(sim, "-i", str(demo_inventory(tmp_path)), "--list")

    assert run.returncode == 0, run.stderr
    inventory = json.loads(run.stdout)
    machines = sim.state()["machines"]
    assert set(inventory["_meta"]["hostvars"]) == {m["DnsName"] for m in machines}
    osprey = plain(inventory["_meta"]["hostvars"]["osprey.demolab.local"])
    assert osprey["citrix_name"] == "DEMOLAB\\OSPREY"
    assert (osprey["citrix_catalog"], osprey["citrix_session_count"]) == ("DEMOLAB Servers", 2)
    assert osprey["ansible_host"] == osprey["citrix_ip_address"]  # compose
    assert len(inventory["catalog_DEMOLAB_Servers"]["hosts"]) == 12
    assert len(inventory["catalog_Workers"]["hosts"]) == 3  # Lab\\Workers, in an admin folder
    assert len(inventory["power_state_Unmanaged"]["hosts"]) == 5
    busy = {m["DnsName"] for m in machines if m["SessionCount"]}
    assert set(inventory["busy"]["hosts"]) == busy and len(busy) == 5  # groups
    assert len(inventory["zone_Primary_Zone"]["hosts"]) == 15  # keyed_groups
    assert sim.stats()["tokens_issued"] == 1


def test_ansible_inventory_of_a_catalog_in_an_admin_folder(sim, tmp_path):
    path = tmp_path / "lab.citrix_daas.yml"
    path.write_text("plugin: citrix.cloud.citrix_daas\ncatalogs: ['Lab\\Workers']\n"
                    "delivery_groups: ['Workers Desktops']\n", encoding="utf-8")
    run = ansible_inventory(sim, "-i", str(path), "--list")

    assert run.returncode == 0, run.stderr
    hostvars = json.loads(run.stdout)["_meta"]["hostvars"]
    assert set(hostvars) == {"robin.demolab.local", "wren.demolab.local", "finch.demolab.local"}
    assert plain(hostvars["robin.demolab.local"])["citrix_session_count"] == 2


def test_a_playbook_reads_a_hostvar_from_the_inventory(sim, playbook, tmp_path):
    # debug runs on the controller: no connection to the (simulated) machine is made.
    play = [{
        "name": "Print a machine's sessions", "hosts": "osprey.demolab.local", "gather_facts": False,
        "tasks": [{"name": "Sessions", "ansible.builtin.debug": {
            "msg": "{{ citrix_name }} in {{ citrix_catalog }} has {{ citrix_session_count }} sessions"}}],
    }]
    path = tmp_path / "print.yml"
    path.write_text(yaml.safe_dump(play), encoding="utf-8")

    run = playbook(sim, path, env={"ANSIBLE_INVENTORY": str(demo_inventory(tmp_path))})

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.results["Sessions"]["msg"] == "DEMOLAB\\OSPREY in DEMOLAB Servers has 2 sessions"


def test_a_wrong_secret_fails_the_inventory_without_showing_any_secret(sim, tmp_path):
    wrong = "Wr0ng-Inventory-Secret"
    run = ansible_inventory(sim, "-i", str(demo_inventory(tmp_path)), "--list", "-vvv",
                            env={"CITRIX_CLIENT_SECRET": wrong, "ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"})

    assert run.returncode != 0
    assert "refused the credentials of API client" in run.stderr + run.stdout
    assert wrong not in run.stderr + run.stdout
    assert sim.client_secret not in run.stderr + run.stdout


def test_an_empty_filter_is_an_error_not_every_machine(sim, tmp_path):
    for body, option in (("catalogs: []\n", "catalogs"), ("delivery_groups:\n", "delivery_groups")):
        config = tmp_path / ("%s.citrix_daas.yml" % option)
        config.write_text("plugin: citrix.cloud.citrix_daas\n" + body, encoding="utf-8")
        proc = ansible_inventory(sim, "-i", str(config), "--list",
                                 env={"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
        assert proc.returncode != 0, proc.stdout[-2000:]
        assert "%s is " % option in proc.stderr and "nothing to select" in proc.stderr, proc.stderr[-2000:]
    assert sim.stats()["by_route"] == {}
