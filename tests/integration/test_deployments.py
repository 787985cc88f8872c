# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""On-premises CVAD and Citrix Cloud Government, end to end: the example playbooks, the inventory
plugin, the token and machine modules and the site-configuration modules against the simulator's
--on-premises and --government modes, checked against its record (the deployment's token route, no
Citrix Cloud route, each machine acted on once, exactly the writes asked for) and for the password
and token never showing, even at -vvvv."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Callable

import pytest

from conftest import Sim
from helpers import TOKEN_ROUTES, converging, convergence, task, tolerant, writes
from test_application_groups import groups_state, member_names
from test_inventory import ansible_inventory, demo_inventory
from test_machine_membership import MANUAL, PRIVATE, group_members, machine, pc, users
from test_playbooks_daas import CATALOG, GROUP, PLAYBOOKS, catalog_machines, power_managed
from test_publishing import NOTEPAD, apps_state, group_id, publish, tags_state

GOV_TOKEN, ONPREM_TOKEN = TOKEN_ROUTES[1:]  # Government's and on-premises' (the first is Citrix Cloud's)
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


def test_on_premises_refuses_clear_text_and_a_region_before_any_call(start_sim, playbook):
    sim = onprem_sim(start_sim)
    cleartext = sim.url.replace("127.0.0.1", "127.0.0.1.nip.io")  # not a loopback name: refused unseen
    run = playbook(sim, [
        tolerant(task("clear text", "citrix_machine_info", api_url=cleartext)),
        tolerant(task("region", "citrix_machine_info", region="eu")),
    ], env=NO_CLOUD_CREDENTIALS)
    assert "the password would cross the network in clear" in run.results["clear text"]["msg"]
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
    ], verbosity=4)

    assert run.results["restart"]["summary"]["changed"] == 4, run.stdout[-3000:]
    assert run.results["token"]["_status"] == "ok" and run.results["look"]["_status"] == "ok"
    stats = sim.stats()
    assert stats["power_actions"] == {machine_id: ["reboot"] for machine_id in idle}
    assert stats["by_route"][GOV_TOKEN] == 1 and stats["tokens_issued"] == 1
    assert stats["by_route"]["POST %s/$batch" % SITE] == 1
    assert cloud_routes(sim) == []
    assert_never_shown((run.stdout, run.stderr), sim.client_secret, token_of(sim, playbook, tmp_path))


def test_government_reboot_idle_without_notifications(start_sim, playbook):
    sim = start_sim(extra_args=["--government"])
    run = playbook(sim, PLAYBOOKS / "reboot_idle.yml", extra_vars={"catalog": CATALOG})
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert len(sim.stats()["power_actions"]) == 4 and cloud_routes(sim) == []
    assert sim.state()["notifications"] == []  # notify_admins is false with CITRIX_REGION=gov


# ---------------------------------------------------------------- both: site configuration, platform services
#
# One simulator of each deployment for these tests (reset before each), with the private desktops and
# the manual catalog of test_machine_membership. Each state module runs three times in one playbook
# (helpers.converging: check mode, for real, again), and the writes are exactly those of the real runs.

DEPLOYMENTS = {"on-premises": ["--on-premises"], "government": ["--government"]}
MESSAGE = {"title": "Maintenance", "text": "Save your work."}


@dataclass
class Deployment:
    sim: Sim
    run: Callable  # run(tasks, **playbook options): ansible-playbook with the deployment's credentials only


@pytest.fixture(scope="module", params=list(DEPLOYMENTS))
def _deployment_sim(request, tmp_path_factory):
    sim = Sim(tmp_path_factory.mktemp(request.param), extra_args=DEPLOYMENTS[request.param] + ["--private-desktops", "6"])
    yield sim
    sim.stop()


@pytest.fixture
def deployment(_deployment_sim, playbook, tmp_path):
    sim = _deployment_sim
    sim.reset()
    sim.cache_dir = tmp_path / "token-cache"
    env = NO_CLOUD_CREDENTIALS if sim.on_premises else None
    return Deployment(sim, lambda tasks, **kwargs: playbook(sim, tasks, env=env, **kwargs))


def at_site(counts):
    """{"POST /Tags": 1} as the simulator names the routes below {customerId}/{siteId}/ of the Orchestration API."""
    return {route.replace(" /", " %s/" % SITE, 1): n for route, n in counts.items()}


def assert_only_the_deployment(sim):
    """No Citrix Cloud route nor an unserved one, one token for the whole playbook."""
    assert cloud_routes(sim) == [] and sim.stats()["tokens_issued"] == 1


def test_tags_applications_and_application_groups(deployment):
    sim = deployment.sim
    run = deployment.run([
        *converging("tag", "citrix_tag", name="Office", description="Office apps"),
        *converging("app", "citrix_application", **publish(included_users=["DEMOLAB\\alice"], tags=["Office"])),
        *converging("app group", "citrix_application_group", name="Office Apps", delivery_groups=[GROUP],
                    included_users=["DEMOLAB\\Finance"], applications=[NOTEPAD]),
        task("tags", "citrix_tag_info", name=["office"]),
        task("apps", "citrix_application_info", delivery_group=GROUP),
        task("app groups", "citrix_application_group_info", name=["Office Apps"]),
    ])
    assert run.rc == 0 and not run.failed, run.stdout[-3000:]
    assert [convergence(run, label) for label in ("tag", "app", "app group")] == [[True, True, False]] * 3

    tag, app, apps = tags_state(sim)["Office"], apps_state(sim)[NOTEPAD], groups_state(sim)["Office Apps"]
    assert tag["Description"] == "Office apps" and app["Tags"] == ["Office"]
    assert app["AssociatedDeliveryGroupUuids"] == [group_id(sim)] and app["ApplicationFolder"]["Name"] == "Office"
    assert [u["SamName"] for u in app["IncludedUsers"]] == ["DEMOLAB\\alice"]
    assert apps["DeliveryGroups"][0]["Name"] == GROUP and apps["IncludedUsers"][0]["SamName"] == "DEMOLAB\\Finance"
    assert member_names(sim, "Office Apps") == [NOTEPAD]
    res = run.results
    assert [t["id"] for t in res["tags"]["tags"]] == [tag["Id"]]
    assert [a["id"] for a in res["apps"]["applications"]] == [app["Id"]]
    assert [a["full_name"] for a in res["app groups"]["application_groups"][0]["applications"]] == [NOTEPAD]
    assert writes(sim) == at_site({
        "POST /Tags": 1, "POST /ApplicationFolders": 1, "POST /Applications": 1, "PUT /Applications/{nameOrId}/Tags": 1,
        "POST /ApplicationGroups": 1, "POST /ApplicationGroups/{nameOrId}/Applications": 1})
    assert_only_the_deployment(sim)


def test_machines_in_groups_and_catalogs_and_their_properties(deployment):
    sim, desk = deployment.sim, "DEMOLAB\\DESK004"  # in the catalog DEMOLAB Private, in no delivery group
    run = deployment.run([
        task("tag", "citrix_tag", name="Finance"),
        *converging("into group", "citrix_delivery_group_machines", delivery_group=PRIVATE, machines=[desk]),
        *converging("assign", "citrix_machine", name=desk, assigned_users=["DEMOLAB\\alice"], published_name="Alice",
                    tags=["Finance"]),
        *converging("into catalog", "citrix_machine_catalog_machines", catalog=MANUAL,
                    machines=[pc("DEMOLAB\\PC001", "vm-9001")]),
    ])
    assert run.rc == 0 and not run.failed, run.stdout[-3000:]
    assert [convergence(run, label) for label in ("into group", "assign", "into catalog")] == [[True, True, False]] * 3

    assert group_members(sim) == ["DEMOLAB\\DESK00%d" % i for i in range(1, 5)]
    assert users(sim, desk) == ["DEMOLAB\\alice"]
    assert machine(sim, desk)["PublishedName"] == "Alice" and machine(sim, desk)["Tags"] == ["Finance"]
    added = machine(sim, "DEMOLAB\\PC001")
    assert added["MachineCatalog"]["Name"] == MANUAL and added["Hosting"]["HostedMachineId"] == "vm-9001"
    assert all(job["Status"] == "Complete" for job in sim.state()["jobs"])  # followed to the end on the deployment
    assert writes(sim) == at_site({
        "POST /Tags": 1, "POST /DeliveryGroups/{nameOrId}/Machines": 1, "PATCH /Machines/{nameOrId}": 1,
        "POST /Machines/{nameOrId}/Tags/{tagNameOrId}": 1, "POST /MachineCatalogs/{nameOrId}/Machines": 1})
    assert_only_the_deployment(sim)


def test_maintenance_and_sessions(deployment):
    sim, osprey = deployment.sim, "DEMOLAB\\OSPREY"  # two sessions
    sessions = sorted(s["Id"] for s in sim.state()["sessions"] if s["Machine"]["Name"] == osprey)
    run = deployment.run([
        task("sessions", "citrix_session_info", machine=[osprey]),
        *converging("maintenance", "citrix_machine_maintenance", name=[osprey], enabled=True),
        *converging("log off", "citrix_session", machine=[osprey], state="logged_off", user_message=MESSAGE),
    ])
    assert run.rc == 0 and not run.failed, run.stdout[-3000:]
    assert [convergence(run, label) for label in ("maintenance", "log off")] == [[True, True, False]] * 2
    assert sorted(s["id"] for s in run.results["sessions"]["sessions"]) == sessions and len(sessions) == 2
    assert run.results["log off again"]["summary"]["total"] == 0  # none left to log off

    state = sim.state()
    assert machine(sim, osprey)["InMaintenanceMode"] is True and machine(sim, osprey)["MaintenanceModeReason"] == "Administrator"
    assert not [s for s in state["sessions"] if s["Machine"]["Name"] == osprey]
    assert sorted(m["SessionId"] for m in state["messages_sent"]) == sessions  # told once, before the log-off
    assert writes(sim) == at_site({"PATCH /Machines/{nameOrId}": 1, "POST /Sessions/{id}/$sendMessage": 2,
                                   "POST /Sessions/{id}/$logoff": 2})
    assert_only_the_deployment(sim)


def test_platform_services_only_where_the_deployment_has_them(deployment):
    """Resource locations exist in Government, not on-premises; service states and notifications in
    neither: their tasks fail before any call, saying so (as the modules and the README document)."""
    sim = deployment.sim
    run = deployment.run([
        tolerant(task("states", "citrix_service_state_info")),
        tolerant(task("notify", "citrix_notification", title="Patched", description="All machines")),
        tolerant(task("locations", "citrix_resource_location_info")),
        tolerant(task("location", "citrix_resource_location", name="Branch Office")),
    ])
    refused = ["states", "notify", "locations", "location"] if sim.on_premises else ["states", "notify"]
    assert run.failed == refused, run.stdout[-3000:]
    deployment_named = "an on-premises Citrix Virtual Apps" if sim.on_premises else "Citrix Cloud Government (region gov)"
    for name in refused:
        assert "nothing was sent" in run.results[name]["msg"] and deployment_named in run.results[name]["msg"]
    if sim.on_premises:
        assert sim.stats()["requests"] == 0
    else:
        assert [loc["name"] for loc in run.results["locations"]["resource_locations"]] == ["My Resource Location"]
        assert run.results["location"]["changed"] is True
        assert "Branch Office" in {loc["name"] for loc in sim.state()["resource_locations"]}
        assert writes(sim) == {"POST /{customerId}/resourcelocations": 1}  # the registry's Government path
        assert sim.state()["notifications"] == []
        assert_only_the_deployment(sim)
