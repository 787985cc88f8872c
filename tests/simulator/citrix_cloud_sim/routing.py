"""A small, framework-free router.

Handlers are plain synchronous functions ``handler(sim, req) -> SimResponse`` working on the world
in memory. Keeping them independent of aiohttp lets ``$batch`` dispatch its items through the very
same table, and lets the server keep every slow or asynchronous concern (latency, faults, dropped
connections) in one place.
"""

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, unquote

from .errors import ApiError, daas_error, gateway_error


@dataclass
class SimRequest:
    method: str
    path: str  # raw (still percent-encoded) path, without the query
    query: dict  # first value of each query parameter
    headers: Any  # case-insensitive mapping (multidict.CIMultiDict)
    body: bytes
    base_url: str  # scheme://host[:port] the client used, for Location headers
    params: dict = field(default_factory=dict)  # decoded path parameters
    route: str = ""  # the matched template, e.g. "GET /cvad/manage/Machines/{nameOrId}"
    in_batch: bool = False

    def json(self):
        """The body as JSON; 400 ErrorData-or-gateway style is the caller's choice, so raise ValueError."""
        if not self.body:
            raise ValueError("empty body")
        return json.loads(self.body.decode("utf-8"))

    def form(self):
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


@dataclass
class SimResponse:
    status: int = 200
    body: Any = None  # JSON-able value, or None for an empty body
    headers: dict = field(default_factory=dict)
    reason: Optional[str] = None
    hold: float = 0.0  # seconds the server waits, after the work is done, before answering


# The Orchestration service's own API root: on-premises servers and Citrix Cloud Government's
# {customerId}.xendesktop.us hosts, where Citrix's client reaches DaaS without the API gateway.
ORCHESTRATION = "/citrix/orchestration/api"


def is_daas_path(path):
    return path.startswith(("/cvad/manage", "/cvadapis", ORCHESTRATION))


@dataclass
class Route:
    method: str
    template: str
    regex: Any
    handler: Callable


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, template, handler):
        # "{name}" matches one path segment; everything else is literal (including "$").
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self.routes.append(Route(method, template, re.compile(f"^{pattern}$"), handler))

    def match(self, method, path):
        """Return (route, decoded params) or raise 404/405 in the shape of the path's service."""
        allowed = False
        for route in self.routes:
            m = route.regex.match(path)
            if not m:
                continue
            if route.method == method:
                return route, {k: unquote(v) for k, v in m.groupdict().items()}
            allowed = True
        if allowed:
            if is_daas_path(path):
                raise daas_error(405, "The requested resource does not support this HTTP method.", "MethodNotAllowed")
            raise gateway_error(405, "methodNotAllowed", "Method not allowed")
        if is_daas_path(path):
            raise daas_error(404, "The requested resource was not found.", "NotFound")
        raise gateway_error(404, "notFound", "Resource not found")

    def match_route_name(self, req):
        """Fill req.route without running the handler (for injected errors and drops)."""
        try:
            route = self.match(req.method, req.path)[0]
            req.route = f"{route.method} {route.template}"
        except ApiError:
            req.route = f"{req.method} (unmatched)"

    def dispatch(self, sim, req):
        """Run the handler for req; ApiError becomes its response. Fills req.route for stats."""
        try:
            route, params = self.match(req.method, req.path)
        except ApiError as err:
            req.route = f"{req.method} (unmatched)"
            return error_response(err)
        req.params = params
        req.route = f"{route.method} {route.template}"
        try:
            return route.handler(sim, req)
        except ApiError as err:
            return error_response(err)


def error_response(err):
    return SimResponse(err.status, err.body, dict(err.headers), err.reason)
