"""Citrix Cloud identity: client-credential tokens and the header checks every service makes.

Tokens are opaque, live ``token_ttl_s`` seconds and cannot be refreshed. They belong to the
identity service, not to the DaaS world, so /_sim/reset keeps them valid. The service can also
revoke them before they expire: ``revoke_all`` (``POST /_sim/tokens/revoke``), now or once a
route has handled a number of requests (``schedule_revocation``).
"""

import base64
import binascii
import datetime
import hmac
import re
import secrets
import time
import uuid
from urllib.parse import unquote

from .errors import ApiError, daas_error, gateway_error
from .routing import SimResponse

CWS_AUTH = re.compile(r"^\s*cwsauth\s+bearer\s*=\s*(\S+)\s*$", re.IGNORECASE)
# The plain OAuth form, the only one $batch items may carry: Citrix's Terraform provider and Go SDK
# send "Authorization: Bearer <token>" in each item's Headers, the form proven in production. The
# CwsAuth form inside an item is not documented to work, so here it is refused (401).
PLAIN_BEARER = re.compile(r"^\s*bearer\s+(\S+)\s*$", re.IGNORECASE)


# The on-premises administrator the simulator knows, by either name Windows accepts.
ADMIN_USER = "DEMOLAB\\ansible"
ADMIN_UPN = "ansible@demolab.local"
BASIC = re.compile(r"^\s*basic\s+(\S+)\s*$", re.IGNORECASE)


class TokenStore:
    def __init__(self, customer_id):
        self.customer_id = customer_id
        self.client_id = str(uuid.uuid4())
        self.client_secret = secrets.token_urlsafe(24)
        self.username = ADMIN_USER
        self.password = secrets.token_urlsafe(18)
        self.tokens = {}  # token -> monotonic expiry
        self.scheduled = []  # [route, requests still to handle on it] of pending revocations

    def issue(self, ttl):
        self._forget_expired()
        token = secrets.token_urlsafe(48)
        self.tokens[token] = time.monotonic() + ttl
        return token

    def valid(self, token):
        expiry = self.tokens.get(token)
        return expiry is not None and expiry > time.monotonic()

    def expiry(self, token):
        return self.tokens.get(token, 0)

    def revoke_all(self):
        """Revoke every token issued so far, valid or not; the number that were still valid."""
        now = time.monotonic()
        valid = sum(1 for expiry in self.tokens.values() if expiry > now)
        self.tokens = {}
        return valid

    def schedule_revocation(self, route, count):
        """Revoke every token issued by then once `route` has handled `count` more requests."""
        self.scheduled.append([route, count])

    def handled(self, route):
        """A request on `route` was handled (as by_route counts it): the valid tokens revoked now
        (0 when no revocation fell due), or None when none was due."""
        due = False
        for entry in self.scheduled:
            if entry[0] == route:
                entry[1] -= 1
                due = due or entry[1] == 0
        if not due:
            return None
        self.scheduled = [entry for entry in self.scheduled if entry[1] > 0]
        return self.revoke_all()

    def _forget_expired(self):
        now = time.monotonic()
        if len(self.tokens) > 1000:
            self.tokens = {t: e for t, e in self.tokens.items() if e > now}


def oauth_error(error, description):
    # Citrix's sample shows "400 Client Error: Invalid request": keep that reason phrase.
    return ApiError(400, {"error": error, "error_description": description}, reason="Invalid request")


def token_endpoint(sim, req):
    """POST /cctrustoauth2/{customerId|root}/tokens/clients (form encoded client credentials)."""
    customer = req.params["customerId"]
    if customer.lower() not in ("root", sim.tokens.customer_id.lower()):
        raise oauth_error("invalid_request", "Unknown customer.")
    form = req.form()
    if form.get("grant_type") != "client_credentials":
        raise oauth_error("unsupported_grant_type", "grant_type must be client_credentials.")
    client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
    if not client_id or not secret:
        raise oauth_error("invalid_request", "client_id and client_secret are required.")
    if client_id != sim.tokens.client_id or not hmac.compare_digest(secret, sim.tokens.client_secret):
        raise oauth_error("invalid_client", "Invalid client credentials.")
    ttl = sim.faults.config["token_ttl_s"]
    token = sim.tokens.issue(ttl)
    sim.stats.tokens_issued += 1
    body = {"token_type": "bearer", "access_token": token, "expires_in": str(int(ttl))}
    return SimResponse(200, body)


def iso_utc(epoch):
    """ExpiresAt as the Orchestration service writes it: UTC, seven fractional digits, Z."""
    when = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + "%07d" % (when.microsecond * 10) + "Z"


def basic_credentials(req):
    """(user, password) of an HTTP Basic Authorization header, or None."""
    match = BASIC.match(req.headers.get("Authorization", ""))
    if not match:
        return None
    try:
        decoded = base64.b64decode(match.group(1), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def on_premises_token_endpoint(sim, req):
    """POST /citrix/orchestration/api/tokens with HTTP Basic (a domain account): TrustExchangeToken."""
    creds = basic_credentials(req)
    if creds is None:
        raise daas_error(401, "Basic authentication with a domain account is required.", "Unauthorized")
    user, password = creds
    known = user.lower() in (ADMIN_USER.lower(), ADMIN_UPN.lower())
    if not known or not hmac.compare_digest(password.encode("utf-8"), sim.tokens.password.encode("utf-8")):
        raise daas_error(401, "The user name or password is incorrect.", "Unauthorized")
    ttl = sim.faults.config["token_ttl_s"]
    token = sim.tokens.issue(ttl)
    sim.stats.tokens_issued += 1
    return SimResponse(200, {"Token": token, "Principal": ADMIN_USER, "UserId": sim.user_id,
                             "CustomerId": sim.world.customer_id, "ExpiresAt": iso_utc(time.time() + ttl)})


def government_token_endpoint(sim, req):
    """POST /{customerId}/tokens/clients at Citrix Cloud Government's trust service: a JSON body
    {ClientId, ClientSecret}; ExpiresAt an integer, the seconds the token lives (as Citrix's client
    reads it)."""
    if req.params["customerId"].lower() != sim.tokens.customer_id.lower():
        raise gateway_error(400, "badRequest", "Unknown customer.")
    try:
        body = req.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or not body.get("ClientId") or not body.get("ClientSecret"):
        raise gateway_error(400, "badRequest", "ClientId and ClientSecret are required in a JSON body.")
    secret = str(body["ClientSecret"])
    if body["ClientId"] != sim.tokens.client_id or not hmac.compare_digest(secret.encode(),
                                                                           sim.tokens.client_secret.encode()):
        raise gateway_error(401, "authentication", "Invalid client credentials.")
    ttl = sim.faults.config["token_ttl_s"]
    token = sim.tokens.issue(ttl)
    sim.stats.tokens_issued += 1
    return SimResponse(200, {"Token": token, "Principal": sim.tokens.client_id, "UserId": sim.user_id,
                             "CustomerId": sim.world.customer_id, "ExpiresAt": int(ttl)})


def bearer_token(req):
    """The token of the Authorization header: CwsAuth on requests, plain Bearer in $batch items."""
    value = req.headers.get("Authorization", "")
    match = (PLAIN_BEARER if req.in_batch else CWS_AUTH).match(value)
    return match.group(1) if match else None


def check_token(sim, req, daas):
    token = bearer_token(req)
    if token is None or not sim.tokens.valid(token):
        what = "Missing or malformed" if token is None else "Invalid or expired"
        if daas:
            raise daas_error(401, f"{what} bearer token.", "Unauthorized")
        raise gateway_error(401, "authentication", f"{what} CwsAuth bearer token.")
    return token


def accepts_json(req, strict):
    """DaaS insists on application/json (strict); the platform services also take */* or nothing."""
    accept = req.headers.get("Accept")
    if accept is None:
        return not strict
    ranges = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    wanted = {"application/json"} if strict else {"application/json", "application/*", "*/*"}
    return any(r in wanted for r in ranges)


def check_daas(sim, req, site_scoped, site_in_path=None, customer_in_path=None):
    """Headers for a DaaS call: token, Citrix-CustomerId, Accept and, when site scoped,
    Citrix-InstanceId (or the site in the path on the retired /cvadapis/{siteId} form, and on the
    Orchestration service's /{customerId}/{siteId}/... form, which carries the customer too)."""
    token = check_token(sim, req, daas=True)
    customer = req.headers.get("Citrix-CustomerId")
    if not customer and customer_in_path is None:
        raise daas_error(400, "Citrix-CustomerId header is required.", "MissingCustomerId")
    for named in (customer, customer_in_path):
        if named is not None and named.lower() != sim.world.customer_id.lower():
            raise daas_error(403, "Caller is not authorized for this customer.", "Forbidden")
    if not accepts_json(req, strict=True):
        raise daas_error(406, "Caller must accept application/json.", "NotAcceptable")
    if site_scoped:
        site = site_in_path if site_in_path is not None else req.headers.get("Citrix-InstanceId")
        if not site:
            raise daas_error(400, "Citrix-InstanceId header is required.", "MissingInstanceId")
        if unquote(site).lower() not in (sim.world.site.id.lower(), sim.world.site.name.lower()):
            raise daas_error(404, "Site not found.", "SiteNotFound")
    return token


def check_platform(sim, req, customer_in_path=None):
    """Headers for a platform service: token, customer from the path or Citrix-CustomerId."""
    token = check_token(sim, req, daas=False)
    customer = customer_in_path if customer_in_path is not None else req.headers.get("Citrix-CustomerId")
    if not customer:
        raise gateway_error(400, "badRequest", "Citrix-CustomerId header is required.")
    if customer.lower() != sim.world.customer_id.lower():
        raise gateway_error(403, "authorization", "Caller is not authorized for this customer.")
    if not accepts_json(req, strict=False):
        raise gateway_error(406, "notAcceptable", "Only application/json is supported.")
    return token
