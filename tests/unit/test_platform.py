# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for module_utils/_platform.py: pure helpers, and calls against a local HTTP server."""
from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest

from werkzeug import Response as WResponse

from ansible_collections.citrix.cloud.plugins.module_utils import _platform as platform
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient, CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake

CUSTOMER = "acme1234"
RL = {"id": "11111111-1111-4111-8111-111111111111", "name": "London DC", "internalOnly": False,
      "timeZone": "GMT Standard Time", "readOnly": False}
RL_PATH = "/resourcelocations"
NOTIFY_PATH = "/%s/notifications" % CUSTOMER


@pytest.fixture
def client(httpserver):
    endpoints = Endpoints(CUSTOMER, api_url=httpserver.url_for("/"))
    return CitrixCloudClient(endpoints, auth=None, retries=2, sleep=lambda s: None)


def params(**kw):
    base = dict(title="T", description="D", severity="Information", priority="Normal",
                destination_admin="*", component="Citrix Cloud", language_tag="en-US",
                detail_uri=None, event_id=None)
    base.update(kw)
    return base


def posted(httpserver, path):
    return [json.loads(req.data) for req, _resp in httpserver.log if req.method == "POST" and req.path == path]


def methods(httpserver):
    return [req.method for req, _resp in httpserver.log]


# ---------------------------------------------------------------- names

@pytest.mark.parametrize("char", list(platform.FORBIDDEN_NAME_CHARS))
def test_every_forbidden_character_is_refused_with_the_reason(char):
    with pytest.raises(ValueError, match="refuses names with any of") as err:
        platform.check_resource_location_name("Lab%sOne" % char)
    assert char in str(err.value)


@pytest.mark.parametrize("name", ["London DC", "Lab-1 (test)", "Zürich_2", "a.b,c;d'e\"f@g!~=*"])
def test_allowed_names_pass(name):
    platform.check_resource_location_name(name)


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused(name):
    with pytest.raises(ValueError, match="must not be empty"):
        platform.check_resource_location_name(name)


def test_forbidden_set_is_the_schema_pattern():
    # The OpenAPI pattern is [^\/\\#?%|\[\]{}<>$^&+]+ : keep the two in step.
    assert set(platform.FORBIDDEN_NAME_CHARS) == set("/\\#?%|[]{}<>$^&+")


# ---------------------------------------------------------------- resource location planning

def test_changes_only_what_differs():
    assert platform.resource_location_changes(RL, dict(name="London DC", internal_only=None, time_zone=None)) == {}
    assert platform.resource_location_changes(RL, dict(name="London DC", internal_only=True, time_zone="UTC")) == {
        "internalOnly": True, "timeZone": "UTC"}


def test_changes_for_a_new_one_hold_only_given_fields():
    assert platform.resource_location_changes({}, dict(name="New", internal_only=None, time_zone=None)) == {
        "name": "New"}


def test_update_body_keeps_untouched_fields_and_never_sends_read_only_or_id():
    body = platform.resource_location_update_body(RL, {"timeZone": "UTC"})
    assert body == {"name": "London DC", "internalOnly": False, "timeZone": "UTC"}


def test_snake_case():
    assert snake(RL) == {"id": RL["id"], "name": "London DC", "internal_only": False,
                         "time_zone": "GMT Standard Time", "read_only": False}
    assert snake(None) == {}


# ---------------------------------------------------------------- resource locations over HTTP

def test_find_by_name_and_all(httpserver, client):
    other = dict(RL, id="22222222-2222-4222-8222-222222222222", name="Paris")
    httpserver.expect_request(RL_PATH, method="GET").respond_with_json({"items": [RL, other]})
    assert platform.find_resource_locations(client) == [RL, other]
    assert platform.find_resource_locations(client, name="Paris") == [other]
    assert platform.find_resource_locations(client, name="paris") == []


@pytest.mark.parametrize("status", [204, 404])
def test_missing_id_is_none_whether_204_or_404(httpserver, client, status):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_response(
        WResponse(status=status))
    assert platform.get_resource_location(client, RL["id"]) is None
    assert platform.find_resource_locations(client, rl_id=RL["id"]) == []


def test_missing_id_as_a_500_object_does_not_exist(httpserver, client):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_json(
        {"detail": "Object does not exist."}, status=500)
    assert platform.get_resource_location(client, RL["id"]) is None


def test_other_500s_are_raised(httpserver, client):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_json(
        {"detail": "Database unavailable"}, status=500)
    with pytest.raises(CitrixCloudError, match="Database unavailable"):
        platform.get_resource_location(client, RL["id"])


def test_find_by_id_and_name_needs_both_to_match(httpserver, client):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_json(RL)
    assert platform.find_resource_locations(client, name="London DC", rl_id=RL["id"]) == [RL]
    assert platform.find_resource_locations(client, name="Paris", rl_id=RL["id"]) == []


def test_duplicate_names_ask_for_the_id(httpserver, client):
    twin = dict(RL, id="33333333-3333-4333-8333-333333333333")
    httpserver.expect_request(RL_PATH, method="GET").respond_with_json({"items": [RL, twin]})
    with pytest.raises(ValueError, match="2 resource locations are named 'London DC'"):
        platform.locate_resource_location(client, name="London DC")


def test_present_creates_once_and_reports_before_after(httpserver, client):
    created = dict(RL, id="44444444-4444-4444-8444-444444444444", name="New")
    httpserver.expect_request(RL_PATH, method="POST").respond_with_json(created)
    wanted = dict(name="New", id=None, internal_only=None, time_zone=None)
    assert platform.ensure_present(client, None, wanted, check_mode=False) == (True, {}, created)
    assert posted(httpserver, RL_PATH) == [{"name": "New"}]


def test_present_in_check_mode_sends_nothing(httpserver, client):
    wanted = dict(name="New", id=None, internal_only=True, time_zone=None)
    assert platform.ensure_present(client, None, wanted, check_mode=True) == (
        True, {}, {"name": "New", "internalOnly": True})
    updated = dict(RL, timeZone="UTC")
    assert platform.ensure_present(client, RL, dict(wanted, name="London DC", internal_only=None, time_zone="UTC"),
                                   check_mode=True) == (True, RL, updated)
    assert httpserver.log == []


def test_present_updates_with_put_only_when_something_differs(httpserver, client):
    updated = dict(RL, timeZone="UTC")
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="PUT").respond_with_json(updated)
    same = dict(name="London DC", id=None, internal_only=False, time_zone="GMT Standard Time")
    assert platform.ensure_present(client, RL, same, check_mode=False) == (False, RL, RL)
    assert httpserver.log == []
    changed = platform.ensure_present(client, RL, dict(same, time_zone="UTC"), check_mode=False)
    assert changed == (True, RL, updated)
    req = httpserver.log[0][0]
    assert json.loads(req.data) == {"name": "London DC", "internalOnly": False, "timeZone": "UTC"}


def test_unknown_id_is_not_created(client):
    with pytest.raises(ValueError, match="No resource location has id 'nope'"):
        platform.ensure_present(client, None, dict(name="X", id="nope", internal_only=None, time_zone=None), False)


def test_read_only_locations_are_left_alone(httpserver, client):
    managed = dict(RL, readOnly=True)
    with pytest.raises(ValueError, match="managed by Citrix"):
        platform.ensure_absent(client, managed, check_mode=False)
    with pytest.raises(ValueError, match="managed by Citrix"):
        platform.ensure_present(client, managed, dict(name=None, id=RL["id"], internal_only=True, time_zone=None),
                                False)
    assert httpserver.log == []


def test_absent_deletes_and_tolerates_already_gone(httpserver, client):
    httpserver.expect_ordered_request(RL_PATH + "/" + RL["id"], method="DELETE").respond_with_response(
        WResponse(status=204))
    httpserver.expect_ordered_request(RL_PATH + "/" + RL["id"], method="DELETE").respond_with_json(
        {"detail": "not found"}, status=404)
    assert platform.ensure_absent(client, RL, check_mode=False) == (True, RL, {})
    platform.delete_resource_location(client, RL["id"])
    assert platform.ensure_absent(client, None, check_mode=False) == (False, {}, {})
    assert methods(httpserver) == ["DELETE", "DELETE"]


def test_absent_in_check_mode_sends_nothing(httpserver, client):
    assert platform.ensure_absent(client, RL, check_mode=True) == (True, RL, {})
    assert httpserver.log == []


def test_create_that_may_have_landed_is_looked_up_not_resent(httpserver, client):
    # A 502 on a POST is `uncertain`: the location may exist; find it instead of failing or resending.
    httpserver.expect_ordered_request(RL_PATH, method="POST").respond_with_json({"detail": "bad gateway"}, status=502)
    httpserver.expect_ordered_request(RL_PATH, method="GET").respond_with_json({"items": [RL]})
    assert platform.create_resource_location(client, {"name": "London DC"}) == RL
    assert methods(httpserver) == ["POST", "GET"]


def test_other_errors_are_raised(httpserver, client):
    httpserver.expect_request(RL_PATH, method="POST").respond_with_json({"detail": "Name is invalid"}, status=400)
    with pytest.raises(CitrixCloudError, match="Name is invalid"):
        platform.create_resource_location(client, {"name": "x"})


# ---------------------------------------------------------------- service states

STATES = [
    {"serviceName": "xendesktop", "state": "ProductionTrial", "type": "ProductionTrial", "quantity": 25,
     "daysToExpiration": 30, "futureEntitlementStartDate": None},
    {"serviceName": "wem", "state": "Production", "type": "Production", "quantity": 5,
     "daysToExpiration": 300, "futureEntitlementStartDate": None},
    {"serviceName": "cas", "state": "ProductionTrial", "type": "ProductionTrial", "quantity": 1,
     "daysToExpiration": 10, "futureEntitlementStartDate": "2030-01-01"},
]


@pytest.mark.parametrize("names,states,expected", [
    (None, None, ["xendesktop", "wem", "cas"]),
    (None, ["ProductionTrial"], ["xendesktop", "cas"]),
    (["XenDesktop", "wem"], None, ["xendesktop", "wem"]),
    (["wem"], ["ProductionTrial"], []),
    (["nosuch"], None, []),
])
def test_service_state_filters(names, states, expected):
    assert platform.unique_names(platform.select_service_states(STATES, names, states)) == expected


def test_service_states_over_http(httpserver, client):
    httpserver.expect_request("/%s/serviceStates" % CUSTOMER, method="GET").respond_with_json({"items": STATES})
    found = platform.service_states(client, states=["Production"])
    assert [snake(i) for i in found] == [{
        "service_name": "wem", "state": "Production", "type": "Production", "quantity": 5,
        "days_to_expiration": 300, "future_entitlement_start_date": None}]


def test_documented_states():
    assert len(platform.SERVICE_STATES) == 13 and "ProductionTrial" in platform.SERVICE_STATES


# ---------------------------------------------------------------- notifications: pure

@pytest.mark.parametrize("bad", ["", "nope", "3f2b8c1e6d4a4f0e9b7c2a1d5e8f9c04",
                                 "{3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04}", "3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c0"])
def test_event_id_must_be_a_plain_guid(bad):
    with pytest.raises(ValueError, match="event_id must be a GUID"):
        platform.check_event_id(bad)


def test_event_id_is_normalised_to_lower_case():
    assert platform.check_event_id("3F2B8C1E-6D4A-4F0E-9B7C-2A1D5E8F9C04") == "3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04"


def test_new_event_ids_are_fresh_uuid4():
    first, second = platform.new_event_id(), platform.new_event_id()
    assert first != second and uuid.UUID(first).version == 4


@pytest.mark.parametrize("uri", ["ftp://x/y", "javascript:alert(1)", "status page"])
def test_detail_uri_must_be_http(uri):
    with pytest.raises(ValueError, match="detail_uri must be an http or https URL"):
        platform.notification_event_id(params(detail_uri=uri))


def test_rfc3339_utc():
    when = datetime.datetime(2025, 1, 31, 22, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert platform.rfc3339_now(when) == "2025-01-31T21:00:00.123Z"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", platform.rfc3339_now())


def test_notification_body():
    body = platform.notification_body(params(detail_uri="https://x.example/d", severity="Error", priority="High"),
                                      "e1", created="2025-01-31T21:00:00.000Z")
    assert body == {
        "destinationAdmin": "*", "component": "Citrix Cloud", "createdDate": "2025-01-31T21:00:00.000Z",
        "eventId": "e1", "severity": "Error", "priority": "High",
        "content": [{"languageTag": "en-US", "title": "T", "description": "D", "detailUri": "https://x.example/d"}]}
    assert "detailUri" not in platform.notification_body(params(), "e1")["content"][0]


# ---------------------------------------------------------------- notifications over HTTP

EVENT = "3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04"


def ensure(client, opts, check_mode):
    event_id, given = platform.notification_event_id(opts)
    return platform.ensure_notification(client, opts, event_id, given, check_mode)


def echo(request):
    item = json.loads(request.data)
    item.update(categories=None, data=None, externalId=None, suppressEmail=False)
    item["content"][0].setdefault("detailUri", None)
    return WResponse(json.dumps(item), status=200, content_type="application/json")


def test_send_without_event_id_posts_a_fresh_guid(httpserver, client):
    httpserver.expect_request(NOTIFY_PATH + "/items", method="POST").respond_with_handler(echo)
    changed, item = ensure(client, params(), check_mode=False)
    assert changed and item["suppressEmail"] is False
    assert posted(httpserver, NOTIFY_PATH + "/items")[0]["eventId"] == item["eventId"]
    assert methods(httpserver) == ["POST"]  # no lookup without an event id


def test_known_event_is_not_resent_and_paging_is_followed(httpserver, client):
    stored = {"eventId": EVENT.upper(), "severity": "Warning", "content": []}
    httpserver.expect_ordered_request(NOTIFY_PATH, method="GET").respond_with_json(
        {"items": [{"eventId": "other"}], "continuationToken": "p2"})
    httpserver.expect_ordered_request(NOTIFY_PATH, method="GET", query_string="continuationToken=p2").respond_with_json(
        {"items": [stored], "continuationToken": None})
    assert ensure(client, params(event_id=EVENT), check_mode=False) == (False, stored)
    assert methods(httpserver) == ["GET", "GET"]


def test_new_event_is_sent_once(httpserver, client):
    httpserver.expect_request(NOTIFY_PATH, method="GET").respond_with_json({"items": []})
    httpserver.expect_request(NOTIFY_PATH + "/items", method="POST").respond_with_handler(echo)
    changed, item = ensure(client, params(event_id=EVENT), check_mode=False)
    assert changed and item["eventId"] == EVENT
    assert methods(httpserver) == ["GET", "POST"]


def test_check_mode_looks_but_sends_nothing(httpserver, client):
    httpserver.expect_request(NOTIFY_PATH, method="GET").respond_with_json({"items": []})
    changed, item = ensure(client, params(event_id=EVENT), check_mode=True)
    assert changed and item["eventId"] == EVENT
    assert ensure(client, params(), check_mode=True)[0]
    assert methods(httpserver) == ["GET"]


def test_uncertain_send_that_landed_is_not_resent(httpserver, client):
    stored = {"eventId": EVENT, "content": []}
    httpserver.expect_ordered_request(NOTIFY_PATH + "/items", method="POST").respond_with_json({}, status=504)
    httpserver.expect_ordered_request(NOTIFY_PATH, method="GET").respond_with_json({"items": [stored]})
    body = platform.notification_body(params(), EVENT)
    assert platform.send_notification(client, body) == stored
    assert methods(httpserver) == ["POST", "GET"]


def test_uncertain_send_that_did_not_land_is_reported(httpserver, client):
    httpserver.expect_ordered_request(NOTIFY_PATH + "/items", method="POST").respond_with_json({}, status=504)
    httpserver.expect_ordered_request(NOTIFY_PATH, method="GET").respond_with_json({"items": []})
    with pytest.raises(CitrixCloudError) as err:
        platform.send_notification(client, platform.notification_body(params(), EVENT))
    assert err.value.status == 504


def test_resource_location_ids_must_be_guids():
    platform.check_resource_location_id(None)
    platform.check_resource_location_id(RL["id"])
    with pytest.raises(ValueError, match=r"^id 'notaguid' is not a GUID \(like 0b1a2c3d-"):
        platform.check_resource_location_id("notaguid")


@pytest.mark.parametrize("listing", [
    lambda r: r.respond_with_json({"ErrorMessage": "nope"}, status=404),
    lambda r: r.respond_with_json({"error": "internal"}, status=500),
    lambda r: r.respond_with_json({"items": ["not-a-notification"]}),
])
def test_a_listing_that_fails_or_has_another_shape_warns_and_sends(httpserver, client, listing):
    """The notification listing is undocumented: it must never stop the notification."""
    listing(httpserver.expect_request(NOTIFY_PATH, method="GET"))
    httpserver.expect_request(NOTIFY_PATH + "/items", method="POST").respond_with_handler(echo)
    warnings = []
    event_id, given = platform.notification_event_id(params(event_id=EVENT))
    changed, item = platform.ensure_notification(client, params(event_id=EVENT), event_id, given, False,
                                                 warn=warnings.append)
    assert changed and item["eventId"] == EVENT
    assert [m for m in methods(httpserver) if m == "POST"] == ["POST"]
    assert len(warnings) == 1 and EVENT in warnings[0] and "Sending it" in warnings[0]
