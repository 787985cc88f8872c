# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform modules through real ansible-playbook runs, checked against the simulator's state.

Each ansible-playbook run costs about two seconds, so related steps share one playbook.
"""
from __future__ import annotations

import socket
import uuid
from pathlib import Path

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from helpers import task, tolerant, writes

PLAYBOOKS = Path(__file__).resolve().parents[2] / "playbooks"
TRIAL = "ProductionTrial"


def api_calls(sim):
    """Every request but the token endpoint's."""
    return sum(n for route, n in sim.stats()["by_route"].items() if "/cctrustoauth2/" not in route)


def snake(items):
    return [camel_dict_to_snake_dict(i) for i in items]


def closed_port_url():
    # A port nobody listens on: bind, read the number, close.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d" % sock.getsockname()[1]


# ---------------------------------------------------------------- citrix_resource_location_info

def test_resource_location_info_matches_the_simulator(sim, playbook):
    locations = sim.state()["resource_locations"]
    first = locations[0]
    run = playbook(sim, [
        task("all", "citrix_resource_location_info"),
        task("by name", "citrix_resource_location_info", name=first["name"]),
        task("by id", "citrix_resource_location_info", id=first["id"]),
        task("by id and other name", "citrix_resource_location_info", id=first["id"], name="not it"),
        task("no such name", "citrix_resource_location_info", name="No Such Place"),
        task("no such id", "citrix_resource_location_info", id=str(uuid.uuid4())),
    ], check=True)
    assert run.rc == 0, run.stdout
    res = run.results
    assert res["all"]["resource_locations"] == snake(locations)
    assert res["by name"]["resource_locations"] == snake([first])
    assert res["by id"]["resource_locations"] == snake([first])
    for empty in ("by id and other name", "no such name", "no such id"):
        assert res[empty]["resource_locations"] == []
    assert not any(r["changed"] for r in res.values())
    assert writes(sim) == {}
    assert set(res["all"]["resource_locations"][0]) == {"id", "name", "internal_only", "time_zone", "read_only"}


# ---------------------------------------------------------------- citrix_resource_location

def by_name(sim, name):
    return [rl for rl in sim.state()["resource_locations"] if rl["name"] == name]


def test_resource_location_check_mode_changes_nothing(sim, playbook):
    before = sim.state()["resource_locations"]
    existing = before[0]
    run = playbook(sim, [
        task("create", "citrix_resource_location", name="Lab", time_zone="UTC"),
        task("update", "citrix_resource_location", name=existing["name"], internal_only=True),
        task("delete", "citrix_resource_location", name=existing["name"], state="absent"),
    ], check=True, diff=True)
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("create", "update", "delete")] == [True, True, True]
    assert res["create"]["diff"] == {"before": {}, "after": {"name": "Lab", "time_zone": "UTC"}}
    assert res["update"]["resource_location"] == dict(snake([existing])[0], internal_only=True)
    assert res["delete"]["diff"]["after"] == {} and res["delete"]["resource_location"] == {}
    assert writes(sim) == {}
    assert sim.state()["resource_locations"] == before


def test_resource_location_lifecycle_is_idempotent(sim, playbook):
    create = task("create", "citrix_resource_location", "made", name="Lab", time_zone="UTC", internal_only=True)
    again = dict(create, name="create again")
    del again["register"]
    update = task("update", "citrix_resource_location", name="Lab", time_zone="W. Europe Standard Time")
    run = playbook(sim, [create, again, update, dict(update, name="update again"),
                         task("rename by id", "citrix_resource_location",
                              id="{{ made.resource_location.id }}", name="Lab 2")], diff=True, verbosity=4)
    assert run.rc == 0, run.stdout
    # Even at -vvvv, a successful run shows neither the secret nor an Authorization header.
    assert sim.client_secret not in run.stdout + run.stderr and "CwsAuth" not in run.stdout + run.stderr
    res = run.results
    assert [res[t]["changed"] for t in ("create", "create again", "update", "update again", "rename by id")] == [
        True, False, True, False, True]
    made = res["create"]["resource_location"]
    assert by_name(sim, "Lab 2") == [{"id": made["id"], "name": "Lab 2", "internalOnly": True,
                                      "timeZone": "W. Europe Standard Time", "readOnly": False}]
    assert res["update"]["diff"]["before"]["time_zone"] == "UTC"
    assert res["update"]["diff"]["after"]["time_zone"] == "W. Europe Standard Time"
    # One POST, then a PUT for each real change only.
    assert writes(sim) == {"POST /resourcelocations": 1, "PUT /resourcelocations/{id}": 2}

    gone = task("delete", "citrix_resource_location", name="Lab 2", state="absent")
    run = playbook(sim, [gone, dict(gone, name="delete again")])
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("delete", "delete again")] == [True, False]
    assert by_name(sim, "Lab 2") == []
    assert writes(sim)["DELETE /resourcelocations/{id}"] == 1


def test_resource_location_unknown_id_is_not_created(sim, playbook):
    missing = str(uuid.uuid4())
    run = playbook(sim, [
        tolerant(task("update", "citrix_resource_location", id=missing, name="X")),
        task("delete", "citrix_resource_location", id=missing, state="absent"),
    ])
    assert run.results["update"]["msg"] == "No resource location has id %r; to create one, give its name and no id." % (
        missing)
    assert run.results["delete"]["changed"] is False
    assert writes(sim) == {}


def test_malformed_resource_location_ids_fail_before_any_call(sim, playbook):
    run = playbook(sim, [
        tolerant(task("delete", "citrix_resource_location", id="notaguid", state="absent")),
        tolerant(task("info", "citrix_resource_location_info", id="../serviceStates")),
    ])
    for label, bad in (("delete", "notaguid"), ("info", "../serviceStates")):
        assert run.results[label]["msg"] == "id %r is not a GUID (like 0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9)" % bad
    assert sim.stats()["by_route"] == {}


# ---------------------------------------------------------------- citrix_service_state_info

def test_service_state_info_matches_the_simulator(sim, playbook):
    states = sim.state()["service_states"]
    trial = [s for s in states if s["state"] == TRIAL]
    picked = [states[0]["serviceName"], states[-1]["serviceName"].upper()]
    # Credentials through module_defaults on the action group this time, with no CITRIX_* set.
    defaults = {"group/citrix.cloud.all": {"customer_id": sim.customer_id, "client_id": sim.client_id,
                                           "client_secret": sim.client_secret, "api_url": sim.url}}
    tasks = [
        task("all", "citrix_service_state_info"),
        task("trial", "citrix_service_state_info", state=[TRIAL]),
        task("names", "citrix_service_state_info", service_name=picked),
        task("none", "citrix_service_state_info", service_name=["nosuchservice"]),
    ]
    unset = dict.fromkeys(("CITRIX_API_URL", "CITRIX_CUSTOMER_ID", "CITRIX_CLIENT_ID", "CITRIX_CLIENT_SECRET"))
    run = playbook(sim, [dict(t, module_defaults=defaults) for t in tasks], check=True, env=unset)
    assert run.rc == 0, run.stdout
    res = run.results
    assert res["all"]["service_states"] == snake(states)
    assert res["trial"]["service_states"] == snake(trial) and trial
    assert res["trial"]["service_names"] == [s["serviceName"] for s in trial]
    assert res["names"]["service_names"] == [states[0]["serviceName"], states[-1]["serviceName"]]
    assert res["none"]["service_states"] == [] and res["none"]["service_names"] == []
    assert not any(r["changed"] for r in res.values())
    assert writes(sim) == {}


# ---------------------------------------------------------------- citrix_notification

def test_notification_without_event_id_sends_one_each_run(sim, playbook):
    note = task("send", "citrix_notification", title="Reboot done", description="All machines rebooted.",
                severity="Warning", priority="High", detail_uri="https://status.example.com/r")
    run = playbook(sim, [note, dict(note, name="send again")])
    assert run.rc == 0, run.stdout
    stored = sim.state()["notifications"]
    assert len(stored) == 2
    assert [run.results[t]["notification"] for t in ("send", "send again")] == snake(stored)
    first, second = stored
    assert first["eventId"] != second["eventId"] and uuid.UUID(first["eventId"]).version == 4
    assert first["createdDate"].endswith("Z")
    assert first["content"] == [{"languageTag": "en-US", "title": "Reboot done", "description": "All machines rebooted.",
                                 "detailUri": "https://status.example.com/r"}]
    assert (first["severity"], first["priority"], first["destinationAdmin"], first["component"]) == (
        "Warning", "High", "*", "Citrix Cloud")
    assert all(run.results[t]["changed"] for t in ("send", "send again"))


def test_notification_with_event_id_is_sent_once(sim, playbook):
    event = str(uuid.uuid4())
    note = task("send", "citrix_notification", title="Once", description="Only once.", event_id=event.upper())
    other = task("changed text", "citrix_notification", title="Other", description="Only once.", event_id=event)
    run = playbook(sim, [note, dict(note, name="send again"), other])
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("send", "send again", "changed text")] == [True, False, False]
    stored = sim.state()["notifications"]
    assert [n["eventId"] for n in stored] == [event]
    assert all(run.results[t]["notification"] == snake(stored)[0] for t in ("send", "send again", "changed text"))
    assert writes(sim) == {"POST /{customerId}/notifications/items": 1}


def test_notification_check_mode_sends_nothing(sim, playbook):
    sent = str(uuid.uuid4())
    setup = playbook(sim, [task("setup", "citrix_notification", title="T", description="D", event_id=sent)])
    assert setup.rc == 0, setup.stdout
    before = sim.state()["notifications"]
    run = playbook(sim, [
        task("fresh", "citrix_notification", title="T", description="D"),
        task("new event", "citrix_notification", title="T", description="D", event_id=str(uuid.uuid4())),
        task("known event", "citrix_notification", title="T", description="D", event_id=sent),
    ], check=True)
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("fresh", "new event", "known event")] == [True, True, False]
    assert run.results["fresh"]["notification"]["content"][0]["title"] == "T"
    assert sim.state()["notifications"] == before
    assert writes(sim) == {"POST /{customerId}/notifications/items": 1}  # the setup run's only


# ---------------------------------------------------------------- failures a person can act on

def test_bad_options_fail_before_any_call(sim, playbook):
    # Every forbidden character is covered by the unit tests; here, that nothing is called.
    names = ["Lab/1", "Lab\\1", "Lab#1", "a+b"]
    note = {"title": "T", "description": "D"}
    run = playbook(sim, [tolerant(task(n, "citrix_resource_location", name=n)) for n in names] + [
        tolerant(task("state", "citrix_service_state_info", state=["Trial"])),
        tolerant(task("guid", "citrix_notification", event_id="not-a-guid", **note)),
        tolerant(task("severity", "citrix_notification", severity="Critical", **note)),
        tolerant(task("priority", "citrix_notification", priority="Low", **note)),
        tolerant(task("uri", "citrix_notification", detail_uri="status page", **note)),
    ])
    msgs = {t: r["msg"] for t, r in run.results.items()}
    assert sorted(run.failed) == sorted(names + ["state", "guid", "severity", "priority", "uri"])
    for name in names:
        assert "Citrix Cloud refuses resource location names with any of" in msgs[name]
    assert "value of state must be one or more of: NotOnboarded, Expired" in msgs["state"]
    assert "event_id must be a GUID" in msgs["guid"]
    assert "value of severity must be one of: Information, Warning, Error" in msgs["severity"]
    assert "value of priority must be one of: Normal, High" in msgs["priority"]
    assert "detail_uri must be an http or https URL" in msgs["uri"]
    assert sim.stats()["requests"] == 0  # not even a token


ALL_MODULES = [
    ("citrix_resource_location_info", {}),
    ("citrix_resource_location", {"name": "Lab"}),
    ("citrix_service_state_info", {}),
    ("citrix_notification", {"title": "T", "description": "D"}),
]


def each_module():
    return [tolerant(task(module, module, **options)) for module, options in ALL_MODULES]


def assert_clean_failure(run, secret, expected):
    assert sorted(run.failed) == sorted(m for m, _o in ALL_MODULES), run.stdout
    for module, _options in ALL_MODULES:
        msg = run.results[module]["msg"]
        assert expected in msg, (module, msg)
        # ansible-core 2.19 adds exception: "(traceback unavailable)" to every failure; no real one.
        assert "Traceback (most recent call last)" not in str(run.results[module])
    assert secret not in run.stdout and secret not in run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_wrong_secret_fails_clearly_and_never_shows_it(sim, playbook):
    secret = "wrong-" + uuid.uuid4().hex
    run = playbook(sim, each_module(), env={"CITRIX_CLIENT_SECRET": secret}, verbosity=4)
    assert_clean_failure(run, secret, "Citrix Cloud refused the credentials of API client")
    assert sim.client_secret not in run.stdout + run.stderr
    assert writes(sim) == {}


def test_wrong_customer_id_fails_clearly(sim, playbook):
    run = playbook(sim, each_module(), env={"CITRIX_CUSTOMER_ID": "someoneelse"})
    assert_clean_failure(run, sim.client_secret, "check client_id / client_secret and customer_id")
    for module, _options in ALL_MODULES:
        assert run.results[module]["status"] in (400, 401, 403), run.results[module]


def test_unreachable_api_url_fails_clearly(sim, playbook):
    url = closed_port_url()
    tasks = each_module()
    for entry in tasks:  # one retry keeps the test short; the message is the same after five
        next(v for k, v in entry.items() if k.startswith("citrix.cloud."))["retries"] = 2
    run = playbook(sim, tasks, env={"CITRIX_API_URL": url})
    assert_clean_failure(run, sim.client_secret, "could not connect to " + url.split("//", 1)[1])
    for module, _options in ALL_MODULES:  # Citrix never saw these ids: none is named
        assert "TransactionId" not in run.results[module]["msg"] and not run.results[module].get("transaction_id")


# ---------------------------------------------------------------- the example playbooks

def test_service_report_playbook(sim, playbook):
    state = sim.state()
    trial = [s["serviceName"] for s in state["service_states"] if s["state"] == TRIAL]
    run = playbook(sim, PLAYBOOKS / "service_report.yml")
    assert run.rc == 0, run.stdout
    assert run.results["Print the resource locations"]["msg"] == [rl["name"] for rl in state["resource_locations"]]
    assert run.results["Print the services in state ProductionTrial"]["msg"] == trial
    run = playbook(sim, PLAYBOOKS / "service_report.yml", extra_vars={"service_state": "Production"})
    assert run.results["Print the services in state Production"]["msg"] == [
        s["serviceName"] for s in state["service_states"] if s["state"] == "Production"]
    assert writes(sim) == {}


def test_notify_admins_playbook(sim, playbook):
    event = str(uuid.uuid4())
    extra = {"title": "Maintenance", "description": "Tonight at 22:00.", "severity": "Warning", "event_id": event}
    run = playbook(sim, PLAYBOOKS / "notify_admins.yml", extra_vars=extra)
    assert run.rc == 0, run.stdout
    assert run.results["Send the notification"]["changed"] is True
    assert run.results["Print the event id"]["msg"] == "Notification %s: Maintenance" % event
    (stored,) = sim.state()["notifications"]
    assert (stored["eventId"], stored["severity"], stored["content"][0]["title"]) == (event, "Warning", "Maintenance")
    run = playbook(sim, PLAYBOOKS / "notify_admins.yml", extra_vars=extra)
    assert run.results["Send the notification"]["changed"] is False
    run = playbook(sim, PLAYBOOKS / "notify_admins.yml")
    assert run.rc == 0, run.stdout
    assert len(sim.state()["notifications"]) == 2
