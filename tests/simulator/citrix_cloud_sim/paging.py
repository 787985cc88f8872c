"""DaaS list conventions: ``limit`` (default 250, over 1000 rejected), an opaque
``ContinuationToken`` present only while more pages remain, ``fields=`` projection, and the
default response field set a call gets without ``fields=``."""

import base64
import binascii
import json

from .errors import bad_request_daas

DEFAULT_LIMIT = 250
MAX_LIMIT = 1000


def _bool(value, name):
    if value is None:
        return False
    if value.lower() in ("true", "1"):
        return True
    if value.lower() in ("false", "0", ""):
        return False
    raise bad_request_daas(f"Invalid value for {name}: {value!r}.")


def query_bool(req, name):
    return _bool(req.query.get(name), name)


def encode_token(route, offset):
    raw = json.dumps({"r": route, "o": offset}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(route, token):
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["r"] == route and isinstance(data["o"], int) and data["o"] >= 0:
            return data["o"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        pass
    raise bad_request_daas("Invalid continuation token.")


def parse_limit(req):
    raw = req.query.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request_daas(f"Invalid value for limit: {raw!r}.") from None
    if limit < 1 or limit > MAX_LIMIT:
        raise bad_request_daas(f"limit must be between 1 and {MAX_LIMIT}.")
    return limit


def page(req, items, render, defaults=None, takes_fields=True):
    """One page of ``items`` rendered with ``render`` as {"Items": [...], "ContinuationToken"?},
    each item projected as ``project`` does."""
    limit = parse_limit(req)
    token = req.query.get("continuationToken")
    offset = decode_token(req.route, token) if token else 0
    chunk = items[offset:offset + limit]
    body = {"Items": [project(req, render(item), defaults, takes_fields) for item in chunk]}
    if offset + limit < len(items):
        body["ContinuationToken"] = encode_token(req.route, offset + limit)
    return body


def is_preview(req):
    """The retired /cvadapis preview routes, which answer with whole objects (the tutorial reads
    SessionCount there without asking for it)."""
    return req.path.startswith("/cvadapis")


def project(req, model, defaults=None, takes_fields=True):
    """The properties a call gets: those named in ``fields=`` (case-insensitive), else the model's
    default set ``defaults`` (None: all). A route that takes no ``fields`` ignores it, as it ignores
    every parameter it does not have: its caller gets the default set, whatever it asked for."""
    fields = req.query.get("fields") if takes_fields else None
    if fields:
        wanted = {f.strip().lower() for f in fields.split(",") if f.strip()}
        return {k: v for k, v in model.items() if k.lower() in wanted}
    if defaults is None or is_preview(req):
        return model
    return {k: v for k, v in model.items() if k in defaults}
