# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_selection.py."""

from __future__ import annotations

import json
import pytest
from werkzeug import Response as WResponse

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
from ansible_collections.citrix.cloud.plugins.module_utils._results import exit_with_results
from ansible_collections.citrix.cloud.plugins.module_utils._selection import (
    filter_machines,
    MACHINE_FIELDS,
    POLL_FIELDS,
    select_machines,
    selected_machines,
)
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _sessions as sessions
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE, CUSTOMER, FakeModule, SITE


MACHINES = [
    {'Id': '1', 'PowerState': 'On', 'RegistrationState': 'Registered', 'InMaintenanceMode': False, 'SessionCount': 0},
    {'Id': '2', 'PowerState': 'On', 'RegistrationState': 'Unregistered', 'InMaintenanceMode': True, 'SessionCount': 2},
    {'Id': '3', 'PowerState': 'Off', 'RegistrationState': 'Unregistered', 'InMaintenanceMode': False},
]


@pytest.mark.parametrize('kwargs,expected', [
    ({}, ['1', '2', '3']),
    ({'power_state': ['On']}, ['1', '2']),
    ({'registration_state': ['Unregistered']}, ['2', '3']),
    ({'in_maintenance_mode': True}, ['2']),
    ({'in_maintenance_mode': False}, ['1', '3']),
    ({'idle': True}, ['1']),  # 3's SessionCount was not reported: unknown is busy, never idle
    ({'idle': False}, ['2', '3']),
    ({'power_state': ['On'], 'idle': True}, ['1']),
])
def test_machine_filters(kwargs, expected):
    assert [m['Id'] for m in filter_machines(MACHINES, **kwargs)] == expected


def machine(i, catalog="cat-1", group="dg-1", name=None):
    return {"Id": "m%d" % i, "Name": name or "DEMOLAB\\M%d" % i, "PowerState": "On", "SessionCount": 0,
            "MachineCatalog": {"Id": catalog, "Name": "Cat"}, "DeliveryGroup": {"Id": group, "Name": "Group"}}


def paged(items, size):
    """A werkzeug handler serving `items` `size` at a time with ContinuationToken."""
    def handler(request):
        start = int(request.args.get("continuationToken") or 0)
        body = {"Items": items[start:start + size]}
        if start + size < len(items):
            body["ContinuationToken"] = str(start + size)
        return WResponse(json.dumps(body), 200, content_type="application/json")
    return handler


def requests_to(httpserver, path):
    return [req for req, _resp in httpserver.log if req.path == path]


def group_is(httpserver, key, group_id):
    """GET /DeliveryGroups/{key} answers with the group `group_id`."""
    httpserver.expect_request(BASE + "/DeliveryGroups/" + key).respond_with_json(
        {"Id": group_id, "Name": key, "FullName": key})


def not_found(httpserver, path):
    httpserver.expect_request(path).respond_with_json(
        {"ErrorMessage": "Object does not exist.", "ErrorType": "ObjectNotFound"}, status=404)


def test_a_big_catalog_is_read_in_pages_of_1000_with_fields(httpserver, client):
    items = [machine(i) for i in range(2500)]
    path = BASE + "/MachineCatalogs/Big Pool/Machines"  # the server sees it decoded
    httpserver.expect_request(path).respond_with_handler(paged(items, 1000))
    found = select_machines(client, catalog="Big Pool")
    assert len(found) == 2500
    calls = requests_to(httpserver, path)
    assert len(calls) == 3
    assert {c.args["limit"] for c in calls} == {"1000"}
    assert calls[0].args["fields"].split(",") == list(MACHINE_FIELDS)
    assert calls[0].headers["Citrix-InstanceId"] == SITE


def test_names_within_a_container_cost_no_extra_call(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-1/Machines").respond_with_json(
        {"Items": [machine(1), machine(2), machine(3)]})
    found = select_machines(client, catalog="cat-1", names=["demolab\\m2", "m3"])
    assert [m["Id"] for m in found] == ["m2", "m3"]
    assert len(httpserver.log) == 1


def test_a_delivery_group_is_read_from_the_machine_list_with_fields_never_its_own_route(httpserver, client):
    """GET /DeliveryGroups/{id}/Machines takes no fields=, so it would answer without SessionCount."""
    group_is(httpserver, "DEMOLAB Desktops", "DG-1")
    httpserver.expect_request(BASE + "/Machines").respond_with_json(
        {"Items": [machine(1), machine(2, group="dg-2"), machine(3), dict(machine(4), DeliveryGroup=None)]})
    found = select_machines(client, delivery_group="DEMOLAB Desktops", names=["m3", "DEMOLAB\\M1"])
    assert [m["Id"] for m in found] == ["m1", "m3"]
    (listing,) = requests_to(httpserver, BASE + "/Machines")
    assert {"SessionCount", "DeliveryGroup"} <= set(listing.args["fields"].split(","))
    assert not [r for r, _resp in httpserver.log if r.path.endswith("/Machines") and "DeliveryGroups" in r.path]
    polled = select_machines(client, delivery_group="DEMOLAB Desktops", fields=POLL_FIELDS)
    assert [m["Id"] for m in polled] == ["m1", "m3"]
    assert "DeliveryGroup" in requests_to(httpserver, BASE + "/Machines")[-1].args["fields"].split(",")


def test_catalog_and_delivery_group_intersect(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-1/Machines").respond_with_json(
        {"Items": [machine(1), machine(2, group="dg-2"), machine(3)]})
    group_is(httpserver, "dg-1", "dg-1")
    found = select_machines(client, catalog="cat-1", delivery_group="dg-1")
    assert [m["Id"] for m in found] == ["m1", "m3"]
    assert not requests_to(httpserver, BASE + "/Machines")  # the catalog's machines tell their groups


def test_a_catalog_in_an_admin_folder_by_full_name_or_unique_plain_name(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/Lab|Workers/Machines").respond_with_json(
        {"Items": [machine(1, catalog="cat-9")]})
    assert [m["Id"] for m in select_machines(client, catalog="Lab\\Workers")] == ["m1"]
    not_found(httpserver, BASE + "/MachineCatalogs/workers/Machines")
    httpserver.expect_request(BASE + "/MachineCatalogs").respond_with_json({"Items": [
        {"Id": "cat-1", "Name": "DEMOLAB Servers", "FullName": "DEMOLAB Servers"},
        {"Id": "cat-9", "Name": "Workers", "FullName": "Lab\\Workers"}]})
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-9/Machines").respond_with_json(
        {"Items": [machine(1, catalog="cat-9")]})
    assert [m["Id"] for m in select_machines(client, catalog="workers")] == ["m1"]


def test_a_plain_name_in_several_folders_is_refused_naming_them(httpserver, client):
    not_found(httpserver, BASE + "/DeliveryGroups/Pool")
    httpserver.expect_request(BASE + "/DeliveryGroups").respond_with_json({"Items": [
        {"Id": "g1", "Name": "Pool", "FullName": "A\\Pool"}, {"Id": "g2", "Name": "Pool", "FullName": "B\\Pool"}]})
    with pytest.raises(ValueError, match=r"more than one admin folder \(A\\Pool, B\\Pool\)"):
        select_machines(client, delivery_group="Pool")
    assert not requests_to(httpserver, BASE + "/Machines")


def test_names_alone_are_fetched_one_by_one_with_the_backslash_as_a_bar(httpserver, client):
    httpserver.expect_request(BASE + "/Machines/DEMOLAB|EAGLE").respond_with_json(machine(1, name="DEMOLAB\\EAGLE"))
    not_found(httpserver, BASE + "/Machines/DEMOLAB|NOPE")
    found = select_machines(client, names=["DEMOLAB\\EAGLE", "DEMOLAB\\NOPE"])
    assert [m["Name"] for m in found] == ["DEMOLAB\\EAGLE"]
    with pytest.raises(ValueError, match=r"DEMOLAB\\NOPE"):
        select_machines(client, names=["DEMOLAB\\EAGLE", "DEMOLAB\\NOPE"], strict=True)


@pytest.mark.parametrize("status,body", [
    (404, {"ErrorMessage": "Object does not exist."}),
    (500, {"ErrorMessage": "Object does not exist.", "ErrorType": "ObjectNotFound"}),
])
def test_a_missing_catalog_matches_nothing_or_fails_when_strict(httpserver, client, status, body):
    httpserver.expect_request(BASE + "/MachineCatalogs/Gone/Machines").respond_with_json(body, status=status)
    httpserver.expect_request(BASE + "/MachineCatalogs").respond_with_json({"Items": [{"Id": "c", "Name": "Here"}]})
    assert select_machines(client, catalog="Gone") == []
    with pytest.raises(ValueError, match="Machine catalog 'Gone' does not exist"):
        select_machines(client, catalog="Gone", strict=True)


def test_every_machine_of_the_site_when_nothing_is_selected(httpserver, client):
    httpserver.expect_request(BASE + "/Machines").respond_with_handler(paged([machine(i) for i in range(5)], 2))
    assert len(select_machines(client)) == 5


def test_no_request_leaves_its_path_segment(httpserver, client):
    for bad in ("../Sessions", "a/b", "x|y"):
        with pytest.raises(ValueError):
            select_machines(client, catalog=bad)
    assert httpserver.log == []


def test_selected_machines_checks_selects_and_filters(client, httpserver):
    machines = [machine(1), dict(machine(2), PowerState="Off"), dict(machine(3), SessionCount=2)]
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-1/Machines").respond_with_handler(paged(machines, 10))
    module = FakeModule(client, catalog="cat-1", power_state=["On"], idle=True)
    assert [m["Id"] for m in selected_machines(module)] == ["m1"]
    with pytest.raises(ValueError, match="contains '/'"):
        selected_machines(FakeModule(client, name=["a/b"]))


def test_selectors_are_checked_before_the_site_is_looked_up(httpserver):
    client = CitrixCloudClient(Endpoints(CUSTOMER, api_url=httpserver.url_for("/")), auth=None, retries=1)
    with pytest.raises(ValueError, match="contains '/'"):
        selected_machines(FakeModule(client, catalog="x/y"))
    with pytest.raises(ValueError, match="contains '/'"):
        sessions.selected_sessions(FakeModule(client, machine=["x/y"]))
    assert httpserver.log == []


def test_daas_client_looks_the_site_up_once(httpserver):
    httpserver.expect_request(BASE + "/me").respond_with_json(
        {"Customers": [{"Id": CUSTOMER, "Sites": [{"Id": SITE, "Name": "cloudxdsite"}]}]})
    client = CitrixCloudClient(Endpoints(CUSTOMER, api_url=httpserver.url_for("/")), auth=None, retries=1)
    module = FakeModule(client)
    assert daas_client(module) is daas_client(module) is client
    assert client.site_id == SITE and len(requests_to(httpserver, BASE + "/me")) == 1


def result(name, outcome, message=None):
    return {"name": name, "id": name.lower(), "result": outcome, "message": message}


def test_exit_with_results_reports_a_summary():
    module = FakeModule(None)
    with pytest.raises(SystemExit):
        exit_with_results(module, [result("A", "changed"), result("B", "unchanged")])
    assert module.exited == {"changed": True, "failed": False,
                             "machines": [result("A", "changed"), result("B", "unchanged")],
                             "summary": dict(changed=1, unchanged=1, skipped=0, failed=0, total=2)}


def test_exit_with_results_returns_the_diff_under_diff_mode_only():
    diff = {"before": {"machines": []}, "after": {"machines": ["A"]}}
    for diff_mode in (False, True):
        module = FakeModule(None)
        module._diff = diff_mode  # pylint: disable=protected-access  # AnsibleModule's own flag
        with pytest.raises(SystemExit):
            exit_with_results(module, [result("A", "changed")], diff=diff)
        assert module.exited.get("diff") == (diff if diff_mode else None)


def test_exit_with_results_fails_naming_the_failures():
    failures = [result("M%d" % i, "failed", "boom") for i in range(7)]
    module = FakeModule(None)
    with pytest.raises(SystemExit):
        exit_with_results(module, failures, noun="sessions", label="id", changed=True, limit=5)
    assert module.exited["failed"] and module.exited["changed"] and module.exited["sessions"] == failures
    assert module.exited["msg"] == ("7 of 7 sessions failed: m0: boom; m1: boom; m2: boom; m3: boom; m4: boom "
                                    "(and 2 more)")
    module = FakeModule(None)
    with pytest.raises(SystemExit):
        exit_with_results(module, failures[:2] + [result("Z", "unchanged")])
    assert module.exited["msg"] == "2 of 3 machines failed: M0: boom; M1: boom"
    assert module.exited["changed"] is False


def test_a_missing_name_is_reported_with_the_transaction_id_of_its_404(httpserver, client):
    httpserver.expect_request(BASE + "/Machines/a?b").respond_with_json(
        {"ErrorMessage": "Object does not exist."}, status=404, headers={"Citrix-TransactionId": "tid-404"})
    with pytest.raises(ValueError) as err:
        select_machines(client, names=["a?b"], strict=True)
    assert str(err.value) == "No machine exists with name or id: a?b (Citrix-TransactionId tid-404)."


@pytest.mark.parametrize("ids, words", [([""], "id is a list with an empty"), (["a/b"], "id item"),
                                        (["x|y"], "id item"), (["ok", "\x00"], "id item")])
def test_session_ids_are_checked_before_any_call(httpserver, ids, words):
    client = CitrixCloudClient(Endpoints(CUSTOMER, api_url=httpserver.url_for("/")), auth=None, retries=1)
    with pytest.raises(ValueError, match=words):
        sessions.selected_sessions(FakeModule(client, id=ids))
    assert httpserver.log == []


def test_machines_of_any_catalog_and_any_delivery_group_each_listed_once(httpserver, client):
    for path, items in (("/MachineCatalogs/c1/Machines", [machine(1, group="g2"), machine(2, group="g2")]),
                        ("/MachineCatalogs/c2/Machines", [machine(3, group="g1"), machine(2, group="g2")])):
        httpserver.expect_request(BASE + path).respond_with_json({"Items": items})
    group_is(httpserver, "g1", "g1")
    group_is(httpserver, "g2", "G2")
    found = select_machines(client, catalog=["c1", "c2"], delivery_group=["g1", "g2"], strict=True)
    assert sorted(m["Id"] for m in found) == ["m1", "m2", "m3"]
    assert len(httpserver.log) == 4
    assert [m["Id"] for m in select_machines(client, catalog=["c1", "c2"])] == ["m1", "m2", "m3"]


def test_a_missing_catalog_among_several_fails_when_strict(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/c1/Machines").respond_with_json({"Items": [machine(1)]})
    not_found(httpserver, BASE + "/MachineCatalogs/Gone/Machines")
    httpserver.expect_request(BASE + "/MachineCatalogs").respond_with_json({"Items": [{"Id": "c1", "Name": "One"}]})
    group_is(httpserver, "g1", "g1")
    with pytest.raises(ValueError, match="Machine catalog 'Gone' does not exist"):
        select_machines(client, catalog=["c1", "Gone"], delivery_group=["g1"], strict=True)
    assert [req.path for req, _resp in httpserver.log] == [
        BASE + "/DeliveryGroups/g1", BASE + "/MachineCatalogs/c1/Machines",
        BASE + "/MachineCatalogs/Gone/Machines", BASE + "/MachineCatalogs"]


def test_ten_thousand_unknown_names_give_a_short_message(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-1/Machines").respond_with_handler(
        paged([machine(1), machine(2)], 1000))
    names = ["DEMOLAB\\NOPE%05d" % n for n in range(10000)]
    with pytest.raises(ValueError) as err:
        select_machines(client, names=names, catalog="cat-1", strict=True)
    text = str(err.value)
    assert "DEMOLAB\\NOPE00009" in text and "DEMOLAB\\NOPE00010" not in text
    assert text.endswith("and 9990 more.") and len(text) < 1000


def test_failures_are_named_ten_at_most_by_default():
    failures = [result("M%d" % i, "failed", "boom") for i in range(25)]
    module = FakeModule(None)
    with pytest.raises(SystemExit):
        exit_with_results(module, failures)
    assert module.exited["msg"].count("boom") == 10 and module.exited["msg"].endswith("(and 15 more)")


def test_a_machine_given_by_sid_is_found_in_a_catalog_and_alone(httpserver, client):
    sid = "S-1-5-21-1111111111-2222222222-3333333333-1104"
    one = dict(machine(1), Sid=sid)
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-1/Machines").respond_with_json({"Items": [one, machine(2)]})
    httpserver.expect_request(BASE + "/Machines/" + sid).respond_with_json(one)
    assert [m["Id"] for m in select_machines(client, names=[sid.lower()], catalog="cat-1", strict=True)] == ["m1"]
    assert [m["Id"] for m in select_machines(client, names=[sid], strict=True)] == ["m1"]
    assert "Sid" in requests_to(httpserver, BASE + "/Machines/" + sid)[0].args["fields"].split(",")
