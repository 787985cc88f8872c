# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails before any call, in every module: empty or null options, malformed ids, control
characters and path characters where a value reaches a header or a URL path, numbers out of range,
both or neither of two exclusive options.

One playbook runs every case (a task each, `ignore_errors`), and after each case a controller-side
`set_fact` reads the simulator's /_sim/stats: each case must fail with a message that names the
option, show no traceback and no secret, and cost the simulator nothing (not even a token).
The empty selectors of the acting modules are in test_empty_selectors.py.
"""
from __future__ import annotations

import json
import re

from helpers import task, tolerant

GUID = "0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
SECRET = "Bad-Input-Secret-0f9e8d7c"  # long enough that no_log masking never hides a word of a message
TOKEN = "Bad-Input-Token-1a2b3c4d"
DROP = object()  # leave the option out
# What a message says when a request was sent (or tried): these cases must fail before any.
CALLED = re.compile(r"failed with \d{3}|could not connect|Citrix-TransactionId|timed out")

# Options every case of a module starts from: valid, so that only the case's own option is wrong.
BASE = {
    "citrix_application": dict(name="Apps\\Notepad"),
    "citrix_application_group": dict(name="Office"),
    "citrix_application_group_info": {},
    "citrix_application_info": {},
    "citrix_delivery_group_info": {},
    "citrix_delivery_group_machines": dict(delivery_group="DEMOLAB Desktops", machines=["DEMOLAB\\KESTREL"]),
    "citrix_machine": dict(name="DEMOLAB\\KESTREL"),
    "citrix_machine_catalog_info": {},
    "citrix_machine_catalog_machines": dict(catalog="Manual", machines=["DEMOLAB\\PC1"]),
    "citrix_machine_info": {},
    "citrix_machine_maintenance": dict(enabled=True, name=["DEMOLAB\\KESTREL"]),
    "citrix_machine_power": dict(state="restarted", name=["DEMOLAB\\KESTREL"]),
    "citrix_notification": dict(title="T", description="D"),
    "citrix_resource_location": dict(name="Lab"),
    "citrix_resource_location_info": {},
    "citrix_service_state_info": {},
    "citrix_session": dict(state="logged_off", user=["DEMOLAB\\alice"]),
    "citrix_session_info": {},
    "citrix_site_info": {},
    "citrix_tag": dict(name="Gold"),
    "citrix_tag_info": {},
    "citrix_token": {},
}


def case(module, option, label, env=None, **changes):
    """(task name, module, the option the message must name, options, task environment)."""
    options = dict(BASE[module])
    for key, value in changes.items():
        if value is DROP:
            options.pop(key, None)
        else:
            options[key] = value
    return ("%s: %s %s" % (module, option, label), module, option, options, env)


def shared_cases():
    """The shared options, checked once for all in the module base (every value is in its unit tests): here,
    that they fail a platform and a DaaS module before any call, and that a secret is never shown."""
    return [
        case("citrix_token", "customer_id", "LF", customer_id="dmlab7x2kq9w\n"),
        case("citrix_token", "client_secret", "NUL", client_secret=SECRET + "\x00"),
        case("citrix_token", "access_token", "and client_id", access_token=TOKEN, client_id="Bad-Input-Client"),
        case("citrix_token", "api_url", "'' (no CITRIX_API_URL)", env={"CITRIX_API_URL": ""}, api_url=""),
        case("citrix_token", "api_url", "query", api_url="http://127.0.0.1:9/?x=1"),
        case("citrix_token", "retries", "21", retries=21),
        case("citrix_machine_info", "customer_id", "LF", customer_id="dmlab7x2kq9w\r\n"),
        case("citrix_site_info", "site_id", "not a GUID", site_id="my-site"),
        case("citrix_site_info", "site_id", "GUID and LF", site_id=GUID + "\n"),
    ]


def daas_cases():
    return [
        case("citrix_application", "name", "'/'", name="Apps/Notepad"),
        case("citrix_application", "delivery_groups", "[null]", delivery_groups=[None]),
        case("citrix_application", "command_line_executable", "''", command_line_executable=""),
        case("citrix_application_group", "applications", "['']", applications=[""]),
        case("citrix_application_group_info", "name", "null", name=None),
        case("citrix_application_group_info", "name", "[LF]", name=["Office\n"]),
        case("citrix_application_info", "folder", "''", folder=""),
        case("citrix_application_info", "delivery_group", "null", delivery_group=None),
        case("citrix_delivery_group_info", "name", "null", name=None),
        case("citrix_delivery_group_info", "name", "TAB", name="DEMOLAB\tDesktops"),
        case("citrix_machine_catalog_info", "name", "''", name=""),
        case("citrix_delivery_group_machines", "machines", "and catalog", catalog="DEMOLAB Servers", count=1),
        case("citrix_delivery_group_machines", "machines", "nor catalog", machines=DROP),
        case("citrix_delivery_group_machines", "count", "0", machines=DROP, catalog="DEMOLAB Servers", count=0),
        case("citrix_delivery_group_machines", "machines", "[null]", machines=[None]),
        case("citrix_machine", "name", "'..'", name=".."),
        case("citrix_machine", "assigned_users", "['']", assigned_users=[""]),
        case("citrix_machine_catalog_machines", "machines", "unknown key",
             machines=[{"name": "DEMOLAB\\PC1", "owner": "x"}]),
        case("citrix_machine_catalog_machines", "wait_timeout", "huge", wait_timeout=10 ** 20),
        case("citrix_machine_info", "name", "[null]", name=[None]),
        case("citrix_machine_info", "catalog", "NUL", catalog="DEMOLAB\x00Servers"),
        case("citrix_machine_maintenance", "name", "nor catalog nor delivery_group", name=DROP),
        case("citrix_machine_power", "parallelism", "101", parallelism=101),
        case("citrix_machine_power", "lock_timeout", "-1", lock_timeout=-1),
        case("citrix_session", "id", "['/']", user=DROP, id=["a/b"]),
        case("citrix_session", "user_message", "title ''", state="messaged", user_message=dict(title="", text="x")),
        case("citrix_session_info", "machine", "[LF]", machine=["DEMOLAB\\KESTREL\n"]),
        case("citrix_tag", "name", "NUL", name="Gold\x00"),
        case("citrix_tag_info", "name", "null", name=None),
        case("citrix_tag_info", "name", "['/']", name=["Gold/x"]),
    ]


def platform_cases():
    return [
        case("citrix_notification", "title", "''", title=""),
        case("citrix_notification", "destination_admin", "null", destination_admin=None),
        case("citrix_notification", "event_id", "''", event_id=""),
        case("citrix_resource_location", "name", "LF", name="Lab\n"),
        case("citrix_resource_location", "id", "not a GUID", id="lab-1"),
        case("citrix_resource_location", "name", "nor id", name=DROP),
        case("citrix_resource_location_info", "name", "''", name=""),
        case("citrix_resource_location_info", "id", "null", id=None),
        case("citrix_service_state_info", "service_name", "[]", service_name=[]),
        case("citrix_service_state_info", "state", "[]", state=[]),
    ]


def all_cases():
    return shared_cases() + daas_cases() + platform_cases()


def stats_task(label, url):
    """Read /_sim/stats on the controller (a lookup: no module runs, and the control room is not counted)."""
    return {"name": "stats after " + label, "ansible.builtin.set_fact": {
        "sim_stats": "{{ lookup('ansible.builtin.url', %r, split_lines=False) | from_json }}" % url}}


def test_bad_input_fails_before_any_call_naming_the_option(sim, playbook):
    cases = all_cases()
    assert len(set(c[0] for c in cases)) == len(cases), "two cases share a name"
    assert set(BASE) == set(c[1] for c in cases)
    url = sim.url + "/_sim/stats"
    tasks = []
    for label, module, _option, options, env in cases:
        entry = tolerant(task(label, module, None, **options))
        if env:
            entry["environment"] = env
        tasks += [entry, stats_task(label, url)]
    run = playbook(sim, tasks, env={"ANSIBLE_PIPELINING": "1"})

    problems, seen = [], {}
    for label, _module, option, _options, _env in cases:
        result = run.results.get(label, {})
        routes = run.results.get("stats after " + label, {}).get("ansible_facts", {}).get("sim_stats", {}).get("by_route")
        msg = str(result.get("msg"))
        if result.get("_status") != "failed":
            problems.append((label, "did not fail", result.get("_status")))
        elif option not in msg:
            problems.append((label, "message does not name " + option, msg))
        elif CALLED.search(msg):  # a request to somewhere other than the simulator is not in its stats
            problems.append((label, "failed from a call", msg))
        if "Traceback (most recent call last)" in json.dumps(result):
            problems.append((label, "traceback", result))
        if routes != seen:
            problems.append((label, "requests", dict((r, n - seen.get(r, 0)) for r, n in (routes or {}).items()
                                                     if n != seen.get(r, 0))))
        seen = routes or seen
    assert not problems, "\n".join(repr(p) for p in problems)
    assert sim.stats()["requests"] == 0
    for secret in (sim.client_secret, SECRET, TOKEN):
        assert secret not in run.stdout + run.stderr
        assert secret not in json.dumps(run.results)
    assert "Traceback" not in run.stdout + run.stderr


def test_path_characters_in_names_stay_in_their_path_segment(sim, playbook):
    # '?' and '#' may be in a name: escaped, they reach the service as part of one path segment, so the
    # lookup of that one object answers (here: there is none) and nothing is listed or changed.
    run = playbook(sim, [
        tolerant(task("machine with #", "citrix_machine_power", None, state="restarted", name=["DEMOLAB\\A#B"])),
        task("tag with ?", "citrix_tag", None, name="Gold?x=1", state="absent"),
    ])
    assert "No machine exists with name or id: DEMOLAB\\A#B" in run.results["machine with #"]["msg"]
    assert run.results["tag with ?"]["changed"] is False
    routes = sim.stats()["by_route"]
    assert routes.get("GET /cvad/manage/Machines/{nameOrId}") == 1 and routes.get("GET /cvad/manage/Tags/{nameOrId}") == 1
    assert not [r for r in routes if r.startswith(("POST /cvad", "PUT", "PATCH", "DELETE"))], routes
    assert "GET /cvad/manage/Machines" not in routes and "GET /cvad/manage/Tags" not in routes, routes
