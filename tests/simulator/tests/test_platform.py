"""Platform services: resource locations, service states, notifications."""

import uuid
from datetime import datetime, timezone

PRODUCTION_TRIAL = ["cas", "itsm", "microapps", "netscalergateway", "wem", "xendesktop"]


def notification(**overrides):
    body = {
        "destinationAdmin": "*", "component": "Citrix Cloud",
        "createdDate": datetime.now(timezone.utc).isoformat(), "eventId": str(uuid.uuid4()),
        "severity": "Information", "priority": "Normal",
        "content": [{"languageTag": "en-US", "title": "Dinner Time", "description": "Fish and Chips!"}],
    }
    body.update(overrides)
    return body


def test_resource_locations_in_both_forms(api):
    customer = api.info["customer_id"]
    old = api.platform("GET", f"/{customer}/resourcelocations").json()["items"]
    new = api.platform("GET", "/resourcelocations", headers={"Citrix-CustomerId": customer}).json()["items"]
    assert old == new
    assert old[0]["name"] == "My Resource Location"
    assert set(old[0]) == {"id", "name", "internalOnly", "timeZone", "readOnly"}
    missing_header = api.http.get(f"{api.url}/resourcelocations", headers={"Citrix-CustomerId": None})
    assert missing_header.status_code == 400


def test_resource_location_crud_and_name_validation(api):
    created = api.platform("POST", "/resourcelocations", json={"name": "Branch Office", "internalOnly": True})
    assert created.status_code == 200
    location = created.json()
    assert location["name"] == "Branch Office" and location["internalOnly"] is True
    assert api.platform("GET", f"/resourcelocations/{location['id']}").json() == location
    updated = api.platform("PUT", f"/resourcelocations/{location['id']}", json={"timeZone": "UTC"})
    assert updated.json()["timeZone"] == "UTC"
    assert api.platform("DELETE", f"/resourcelocations/{location['id']}").status_code == 204
    assert api.platform("GET", f"/resourcelocations/{location['id']}").status_code == 204
    assert api.platform("DELETE", f"/resourcelocations/{location['id']}").status_code == 404
    for bad in ("a/b", "x#", "pipe|", "amp&", "", "   "):
        response = api.platform("POST", "/resourcelocations", json={"name": bad})
        assert response.status_code == 400 and response.json()["detail"], bad
    assert api.platform("POST", "/resourcelocations", json={}).status_code == 400


def test_service_states(api):
    items = api.platform("GET", f"/{api.info['customer_id']}/serviceStates").json()["items"]
    trial = sorted(s["serviceName"] for s in items if s["state"] == "ProductionTrial")
    assert trial == PRODUCTION_TRIAL
    assert any(s["state"] == "Production" for s in items)
    for item in items:
        assert set(item) == {"serviceName", "state", "type", "quantity", "daysToExpiration",
                             "futureEntitlementStartDate"}
        assert isinstance(item["quantity"], int) and isinstance(item["daysToExpiration"], int)


def test_notification_is_echoed_with_nulls_filled(api, sim):
    sent = notification()
    response = api.platform("POST", f"/{api.info['customer_id']}/notifications/items", json=sent)
    assert response.status_code == 200
    echo = response.json()
    assert echo["categories"] is None and echo["data"] is None and echo["externalId"] is None
    assert echo["suppressEmail"] is False and echo["content"][0]["detailUri"] is None
    assert echo["eventId"] == sent["eventId"]
    assert sim.state()["notifications"] == [echo]
    again = api.platform("POST", f"/{api.info['customer_id']}/notifications/items", json=sent)
    assert again.status_code == 409


def test_notification_validation(api):
    url = f"/{api.info['customer_id']}/notifications/items"
    for bad in (notification(severity="Loud"), notification(priority="Low"), notification(eventId="nope"),
                notification(createdDate="yesterday"), notification(content=[]),
                notification(content=[{"languageTag": "en-US", "title": "x"}]), notification(component="")):
        response = api.platform("POST", url, json=bad)
        assert response.status_code == 400 and response.json()["detail"]


def test_newer_notification_form_and_paged_listing(api):
    headers = {"Citrix-CustomerId": api.info["customer_id"]}
    for i in range(105):
        path = "/notifications/" if i % 2 else "/notifications"
        assert api.platform("POST", path, headers=headers, json=notification()).status_code == 200
    first = api.platform("GET", f"/{api.info['customer_id']}/notifications").json()
    assert len(first["items"]) == 100 and first["continuationToken"]
    second = api.platform("GET", "/notifications", headers=headers,
                          params={"continuationToken": first["continuationToken"]}).json()
    assert len(second["items"]) == 5 and second["continuationToken"] is None
