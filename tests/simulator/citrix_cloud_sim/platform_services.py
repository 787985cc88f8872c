"""Citrix Cloud platform services: resource locations (registry), service states (core) and
notifications. Each is served both in its original ``/{customerId}/...`` form and, where Citrix
moved it onto api.cloud.com, in the ``Citrix-CustomerId`` header form."""

import re
import uuid
from datetime import datetime

from .auth import check_platform
from .errors import gateway_error
from .routing import SimResponse

FORBIDDEN_NAME_CHARS = re.compile(r"[/\\#?%|\[\]{}<>$^&+]")
SEVERITIES = ("Information", "Warning", "Error")
PRIORITIES = ("Normal", "High")
NOTIFICATION_PAGE = 100


def bad_request(detail):
    return gateway_error(400, "badRequest", detail)


def json_object(req):
    try:
        body = req.json()
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    return body


def authorize(sim, req):
    """Customer from the path when the route has one, else from the Citrix-CustomerId header."""
    check_platform(sim, req, customer_in_path=req.params.get("customerId"))


# -- resource locations ---------------------------------------------------------------------------
def validate_location(body, creating):
    if creating and not body.get("name"):
        raise bad_request("name is required.")
    if "name" in body:
        name = body["name"]
        if not isinstance(name, str) or not name.strip() or FORBIDDEN_NAME_CHARS.search(name):
            raise bad_request("name must not be empty or contain any of / \\ # ? % | [ ] { } < > $ ^ & +")
    for key in ("internalOnly", "readOnly"):
        if key in body and not isinstance(body[key], bool):
            raise bad_request(f"{key} must be a boolean.")
    if "timeZone" in body and not isinstance(body["timeZone"], str):
        raise bad_request("timeZone must be a string.")


def list_locations(sim, req):
    authorize(sim, req)
    return SimResponse(200, {"items": list(sim.world.resource_locations.values())})


def create_location(sim, req):
    authorize(sim, req)
    body = json_object(req)
    validate_location(body, creating=True)
    location = {"id": str(uuid.uuid4()), "name": body["name"], "internalOnly": body.get("internalOnly", False),
                "timeZone": body.get("timeZone", "GMT Standard Time"), "readOnly": body.get("readOnly", False)}
    sim.world.resource_locations[location["id"]] = location
    return SimResponse(200, location)


def get_location(sim, req):
    authorize(sim, req)
    location = sim.world.resource_locations.get(req.params["id"].lower())
    # The registry answers a missing id with 204 No Content rather than 404.
    return SimResponse(200, location) if location else SimResponse(204)


def update_location(sim, req):
    authorize(sim, req)
    location = sim.world.resource_locations.get(req.params["id"].lower())
    if location is None:
        raise gateway_error(404, "notFound", "Resource location not found.")
    body = json_object(req)
    validate_location(body, creating=False)
    for key in ("name", "internalOnly", "timeZone", "readOnly"):
        if key in body:
            location[key] = body[key]
    return SimResponse(200, location)


def delete_location(sim, req):
    authorize(sim, req)
    if sim.world.resource_locations.pop(req.params["id"].lower(), None) is None:
        raise gateway_error(404, "notFound", "Resource location not found.")
    return SimResponse(204)


# -- service states -------------------------------------------------------------------------------
def service_states(sim, req):
    authorize(sim, req)
    return SimResponse(200, {"items": [dict(s) for s in sim.world.service_states]})


# -- notifications --------------------------------------------------------------------------------
def is_guid(value):
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


def is_rfc3339(value):
    try:
        return isinstance(value, str) and "T" in value and datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False


def validate_notification(body):
    for key in ("destinationAdmin", "component", "createdDate", "eventId", "severity", "priority", "content"):
        if body.get(key) in (None, "", []):
            raise bad_request(f"{key} is required.")
    if not is_rfc3339(body["createdDate"]):
        raise bad_request("createdDate must be an RFC 3339 date and time.")
    if not is_guid(body["eventId"]):
        raise bad_request("eventId must be a GUID.")
    if body["severity"] not in SEVERITIES:
        raise bad_request(f"severity must be one of {', '.join(SEVERITIES)}.")
    if body["priority"] not in PRIORITIES:
        raise bad_request(f"priority must be one of {', '.join(PRIORITIES)}.")
    if not isinstance(body["content"], list):
        raise bad_request("content must be a list.")
    for item in body["content"]:
        if not isinstance(item, dict) or not all(item.get(k) for k in ("languageTag", "title", "description")):
            raise bad_request("each content item needs languageTag, title and description.")


def create_notification(sim, req):
    authorize(sim, req)
    body = json_object(req)
    validate_notification(body)
    if any(n["eventId"].lower() == str(body["eventId"]).lower() for n in sim.world.notifications):
        raise gateway_error(409, "conflict", "A notification with this eventId already exists.")
    # The service echoes the stored item with the optional fields filled in.
    item = {
        "destinationAdmin": body["destinationAdmin"],
        "component": body["component"],
        "createdDate": body["createdDate"],
        "categories": body.get("categories"),
        "severity": body["severity"],
        "eventId": body["eventId"],
        "priority": body["priority"],
        "content": [{"languageTag": c["languageTag"], "title": c["title"], "description": c["description"],
                     "detailUri": c.get("detailUri")} for c in body["content"]],
        "data": body.get("data"),
        "externalId": body.get("externalId"),
        "suppressEmail": bool(body.get("suppressEmail", False)),
    }
    sim.world.notifications.append(item)
    return SimResponse(200, item)


def list_notifications(sim, req):
    authorize(sim, req)
    token = req.query.get("continuationToken")
    try:
        offset = int(token) if token else 0
    except ValueError:
        raise bad_request("Invalid continuationToken.") from None
    items = sim.world.notifications[offset:offset + NOTIFICATION_PAGE]
    more = offset + NOTIFICATION_PAGE < len(sim.world.notifications)
    return SimResponse(200, {"items": items, "continuationToken": str(offset + NOTIFICATION_PAGE) if more else None})


def register(router, government=False):
    """Citrix Cloud's platform services. Government (Citrix's client): resource locations only, at the
    registry's /{customerId}/resourcelocations; no service states or notifications service."""
    bases = ("/{customerId}/resourcelocations",) if government else ("/resourcelocations", "/{customerId}/resourcelocations")
    for base in bases:
        router.add("GET", base, list_locations)
        router.add("POST", base, create_location)
        router.add("GET", base + "/", list_locations)
        router.add("POST", base + "/", create_location)
        router.add("GET", base + "/{id}", get_location)
        router.add("PUT", base + "/{id}", update_location)
        router.add("DELETE", base + "/{id}", delete_location)
    if government:
        return
    router.add("GET", "/{customerId}/serviceStates", service_states)
    router.add("POST", "/{customerId}/notifications/items", create_notification)
    router.add("GET", "/{customerId}/notifications", list_notifications)
    for path in ("/notifications", "/notifications/"):
        router.add("POST", path, create_notification)
        router.add("GET", path, list_notifications)
