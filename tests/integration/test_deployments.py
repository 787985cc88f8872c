# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""On-premises CVAD and Citrix Cloud Government, end to end: the example playbooks, the inventory
plugin and the token and machine modules against the simulator's --on-premises and --government
modes, checked against its record (the deployment's token route, no Citrix Cloud route, each
machine acted on once) and for the password and token never showing, even at -vvvv."""
from __future__ import annotations

import base64

from helpers import task, tolerant
from test_inventory import ansible_inventory, demo_inventory
from test_playbooks_daas import CATALOG, GROUP, PLAYBOOKS, catalog_machines, power_managed

ONPREM_TOKEN = "POST /citrix/orchestration/api/tokens"
GOV_TOKEN = "POST /{customerId}/tokens/clients"
SITE = "/citrix/orchestration/api/{customerId}/{siteId}"
# Nothing of Citrix Cloud's own: its token service, its gateway's DaaS paths, its platform services.
CLOUD_MARKS = ("/cctrustoauth2/", "/cvad/manage", "/cvadapis", "serviceStates", "notifications")
NO_CLOUD_CREDENTIALS = {"CITRIX_CLIENT_ID": None, "CITRIX_CLIENT_SECRET": None, "CITRIX_ACCESS_TOKEN": None,
                        "CITRIX_CUSTOMER_ID": None, "CITRIX_REGION": None}


def cloud_routes(sim):
    """Routes of Citrix Cloud's own services, and requests for no route of the deployment at all."""
    return [route for route in sim.stats()["by_route"]
            if any(mark in route for mark in CLOUD_MARKS) or route.endswith("(unmatched)")]


def onprem_sim(start_sim, **kwargs):
    return start_sim(extra_args=["--on-premises", *kwargs.pop("extra_args", [])], **kwargs)


def token_of(sim, playbook, tmp_path):
    """The token the runs before used, as the next task reads it from the token cache (no_log)."""
    path = tmp_path / "token.txt"
    run = playbook(sim, [
        {"name": "token", "citrix.cloud.citrix_token": {}, "register": "got", "no_log": True},
        {"name": "keep it", "ansible.builtin.copy": {"content": "{{ got.access_token }}", "dest": str(path),
                                                     "mode": "0600"}, "no_log": True},
    ], env=NO_CLOUD_CREDENTIALS if sim.on_premises else None)
    assert run.rc == 0, run.stdout[-3000:]
    token = path.read_text(encoding="utf-8")
    assert len(token) > 20
    return token


def assert_never_shown(texts, *secrets):
    for secret in secrets:
        for text in texts:
            assert secret not in text


def basic_of(sim):
    return base64.b64encode(("%s:%s" % (sim.username, sim.password)).encode()).decode()


# ---------------------------------------------------------------- on-premises

def test_on_premises_reboot_idle_reboots_each_idle_machine_once_by_the_orchestration_service(
        start_sim, playbook, tmp_path):
    sim = onprem_sim(start_sim)
    machines = catalog_machines(sim)
    idle = {m["Id"] for m in machines if power_managed(m) and not m["SessionCount"]}
    assert len(idle) == 4 and sim.customer_id == "CitrixOnPremises"

    run = playbook(sim, PLAYBOOKS / "reboot_idle.yml", extra_vars={"catalog": CATALOG}, verbosity=4,
                   env=NO_CLOUD_CREDENTIALS)

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in idle}
    assert stats["by_route"][ONPREM_TOKEN] == 1 and stats["tokens_issued"] == 1
    assert stats["by_route"]["POST %s/$batch" % SITE] == 1  # items prefixed {customerId}/{siteId}/
    assert cloud_routes(sim) == []
    assert "Requesting reboot for DEMOLAB\\KESTREL... success" in run.results["Print one line per machine"]["msg"]
    assert sim.state()["notifications"] == []  # notify_admins is false on-premises: no such service
    assert_never_shown((run.stdout, run.stderr), sim.password, basic_of(sim), token_of(sim, playbook, tmp_path))
    assert sim.stats()["tokens_issued"] == 1  # the cached token, shared by both runs


def test_on_premises_rolling_restart_restarts_each_machine_once(start_sim, playbook, tmp_path):
    sim = onprem_sim(start_sim)
    state = sim.state()
    group = [m for m in state["machines"] if (m.get("DeliveryGroup") or {}).get("Name") == GROUP]
    restartable = {m["Id"] for m in group if power_managed(m) and not m["InMaintenanceMode"]}
    sessions = [s for s in state["sessions"] if s["Machine"]["Id"] in restartable]

    run = playbook(sim, PLAYBOOKS / "rolling_restart.yml", verbosity=4, env=NO_CLOUD_CREDENTIALS, extra_vars={
        "delivery_group": GROUP, "batch_size": 5, "drain_timeout": 2, "drain_poll": 1})

    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    stats, after = sim.stats(), sim.state()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in restartable}
    assert stats["by_route"]["POST %s/Sessions/{id}/$logoff" % SITE] == len(sessions)
    assert stats["by_route"]["PATCH %s/Machines/{nameOrId}" % SITE] == 2 * len(restartable)
    assert stats["by_route"][ONPREM_TOKEN] == 1 and cloud_routes(sim) == []
    assert not any(m["InMaintenanceMode"] for m in after["machines"])
    assert after["notifications"] == []
    assert_never_shown((run.stdout, run.stderr), sim.password, basic_of(sim), token_of(sim, playbook, tmp_path))


def test_on_premises_inventory_lists_the_machines(start_sim, playbook, tmp_path):
    sim = onprem_sim(start_sim)
    run = ansible_inventory(sim, "-i", str(demo_inventory(tmp_path)), "--list", "-vvvv")

    assert run.returncode == 0, run.stderr
    assert {m["DnsName"] for m in sim.state()["machines"]} <= set(run.stdout.split('"'))
    stats = sim.stats()
    assert stats["by_route"][ONPREM_TOKEN] == 1 and cloud_routes(sim) == []
    assert stats["by_route"]["GET /citrix/orchestration/api/me"] == 1  # the site, discovered as in the cloud
    assert_never_shown((run.stdout, run.stderr), sim.password, basic_of(sim), token_of(sim, playbook, tmp_path))


def test_on_premises_wrong_password_names_the_user_and_sends_nothing_else(start_sim, playbook):
    sim = onprem_sim(start_sim)
    run = playbook(sim, [tolerant(task("restart", "citrix_machine_power", catalog=CATALOG, state="restarted"))],
                   env=dict(NO_CLOUD_CREDENTIALS, CITRIX_PASSWORD="Not-The-Pa55word"), verbosity=4)
    result = run.results["restart"]
    assert result["_status"] == "failed"
    assert "refused the credentials of user DEMOLAB\\ansible" in result["msg"]
    assert_never_shown((run.stdout, run.stderr), "Not-The-Pa55word", sim.password)
    assert sim.stats()["by_route"] == {ONPREM_TOKEN: 1}


def test_on_premises_refuses_clear_text_and_cloud_only_services_before_any_call(start_sim, playbook):
    sim = onprem_sim(start_sim)
    cleartext = sim.url.replace("127.0.0.1", "127.0.0.1.nip.io")  # not a loopback name: refused unseen
    run = playbook(sim, [
        tolerant(task("clear text", "citrix_machine_info", api_url=cleartext)),
        tolerant(task("states", "citrix_service_state_info")),
        tolerant(task("notify", "citrix_notification", title="t", description="d")),
        tolerant(task("locations", "citrix_resource_location_info")),
        tolerant(task("region", "citrix_machine_info", region="eu")),
    ], env=NO_CLOUD_CREDENTIALS)
    assert "the password would cross the network in clear" in run.results["clear text"]["msg"]
    for name in ("states", "notify", "locations"):
        assert "Citrix Cloud service" in run.results[name]["msg"] and "nothing was sent" in run.results[name]["msg"]
    assert "region (eu) is for Citrix Cloud" in run.results["region"]["msg"]
    assert sim.stats()["requests"] == 0


# ---------------------------------------------------------------- Citrix Cloud Government

def test_government_token_and_machine_modules(start_sim, playbook, tmp_path):
    sim = start_sim(extra_args=["--government"])
    idle = {m["Id"] for m in catalog_machines(sim) if power_managed(m) and not m["SessionCount"]}
    run = playbook(sim, [
        {"name": "token", "citrix.cloud.citrix_token": {}, "register": "got", "no_log": True},
        task("restart", "citrix_machine_power", catalog=CATALOG, state="restarted"),
        task("look", "citrix_machine_info", catalog=CATALOG, idle=True),
        task("locations", "citrix_resource_location_info"),
        tolerant(task("states", "citrix_service_state_info")),
    ], verbosity=4)

    assert run.results["restart"]["summary"]["changed"] == 4, run.stdout[-3000:]
    assert run.results["token"]["_status"] == "ok"
    assert "Citrix Cloud Government (region gov)" in run.results["states"]["msg"]
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in idle}
    assert stats["by_route"][GOV_TOKEN] == 1 and stats["tokens_issued"] == 1
    assert stats["by_route"]["POST %s/$batch" % SITE] == 1
    assert stats["by_route"]["GET /{customerId}/resourcelocations"] == 1
    assert cloud_routes(sim) == []
    assert_never_shown((run.stdout, run.stderr), sim.client_secret, token_of(sim, playbook, tmp_path))


def test_government_reboot_idle_without_notifications(start_sim, playbook):
    sim = start_sim(extra_args=["--government"])
    run = playbook(sim, PLAYBOOKS / "reboot_idle.yml", extra_vars={"catalog": CATALOG})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert len(sim.stats()["power_actions"]) == 4 and cloud_routes(sim) == []
    assert sim.state()["notifications"] == []  # notify_admins is false with CITRIX_REGION=gov
