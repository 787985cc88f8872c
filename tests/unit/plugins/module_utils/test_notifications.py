# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_notifications.py."""

from __future__ import annotations

import datetime
import json
import re
import uuid
import pytest
from werkzeug import Response as WResponse

from ansible_collections.citrix.cloud.plugins.module_utils._notifications import (
    check_event_id,
    ensure_notification,
    new_event_id,
    notification_body,
    notification_event_id,
    rfc3339_now,
    send_notification,
)
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.tests.unit.conftest import CUSTOMER


RL = {"id": "11111111-1111-4111-8111-111111111111", "name": "London DC", "internalOnly": False,
      "timeZone": "GMT Standard Time", "readOnly": False}
NOTIFY_PATH = "/%s/notifications" % CUSTOMER


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


def test_snake_case():
    assert snake(RL) == {"id": RL["id"], "name": "London DC", "internal_only": False,
                         "time_zone": "GMT Standard Time", "read_only": False}
    assert snake(None) == {}


@pytest.mark.parametrize("bad", ["", "nope", "3f2b8c1e6d4a4f0e9b7c2a1d5e8f9c04",
                                 "{3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04}", "3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c0"])
def test_event_id_must_be_a_plain_guid(bad):
    with pytest.raises(ValueError, match="event_id must be a GUID"):
        check_event_id(bad)


def test_event_id_is_normalised_to_lower_case():
    assert check_event_id("3F2B8C1E-6D4A-4F0E-9B7C-2A1D5E8F9C04") == "3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04"


def test_new_event_ids_are_fresh_uuid4():
    first, second = new_event_id(), new_event_id()
    assert first != second and uuid.UUID(first).version == 4


@pytest.mark.parametrize("option", ["title", "description", "destination_admin", "component", "language_tag"])
@pytest.mark.parametrize("value", ["", "  ", None])
def test_a_text_the_service_needs_is_refused_empty_or_null(option, value):
    with pytest.raises(ValueError, match="^%s must not be empty or null" % option):
        notification_event_id(params(**{option: value}))


def test_an_empty_event_id_is_refused_not_replaced_by_a_new_one():
    # a new one each run would send the notification again on every run the template came out empty
    with pytest.raises(ValueError, match="event_id must be a GUID"):
        notification_event_id(params(event_id=""))
    assert notification_event_id(params())[1] is False


@pytest.mark.parametrize("uri", ["ftp://x/y", "javascript:alert(1)", "status page"])
def test_detail_uri_must_be_http(uri):
    with pytest.raises(ValueError, match="detail_uri must be an http or https URL"):
        notification_event_id(params(detail_uri=uri))


def test_rfc3339_utc():
    when = datetime.datetime(2025, 1, 31, 22, 0, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert rfc3339_now(when) == "2025-01-31T21:00:00.123Z"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", rfc3339_now())


def test_notification_body():
    body = notification_body(params(detail_uri="https://x.example/d", severity="Error", priority="High"),
                             "e1", created="2025-01-31T21:00:00.000Z")
    assert body == {
        "destinationAdmin": "*", "component": "Citrix Cloud", "createdDate": "2025-01-31T21:00:00.000Z",
        "eventId": "e1", "severity": "Error", "priority": "High",
        "content": [{"languageTag": "en-US", "title": "T", "description": "D", "detailUri": "https://x.example/d"}]}
    assert "detailUri" not in notification_body(params(), "e1")["content"][0]


EVENT = "3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04"


def ensure(client, opts, check_mode):
    event_id, given = notification_event_id(opts)
    return ensure_notification(client, opts, event_id, given, check_mode)


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
    body = notification_body(params(), EVENT)
    assert send_notification(client, body) == stored
    assert methods(httpserver) == ["POST", "GET"]


def test_uncertain_send_that_did_not_land_is_reported(httpserver, client):
    httpserver.expect_ordered_request(NOTIFY_PATH + "/items", method="POST").respond_with_json({}, status=504)
    httpserver.expect_ordered_request(NOTIFY_PATH, method="GET").respond_with_json({"items": []})
    with pytest.raises(CitrixCloudError) as err:
        send_notification(client, notification_body(params(), EVENT))
    assert err.value.status == 504


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
    event_id, given = notification_event_id(params(event_id=EVENT))
    changed, item = ensure_notification(client, params(event_id=EVENT), event_id, given, False,
                                        warn=warnings.append)
    assert changed and item["eventId"] == EVENT
    assert [m for m in methods(httpserver) if m == "POST"] == ["POST"]
    assert len(warnings) == 1 and EVENT in warnings[0] and "Sending it" in warnings[0]
