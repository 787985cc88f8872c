"""The control room under /_sim/ (outside every Citrix path): stats, state, reset, faults, token
revocation. Its own requests are not counted in the stats."""

import json

from . import applications, models
from .faults import FaultConfigError
from .routing import SimResponse


class Stats:
    def __init__(self):
        self.requests = 0
        self.by_route = {}
        self.by_status = {}
        self.tokens_issued = 0
        self.revocations = 0  # moments every issued token was revoked (POST /_sim/tokens/revoke)
        self.tokens_revoked = 0  # tokens still valid when revoked
        self.power_actions = {}  # machine id -> ["reboot", ...] in the order accepted
        self.in_flight = 0
        self.max_in_flight = 0
        self.dropped = {"before": 0, "after": 0}

    def started(self):
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def finished(self, route, status):
        self.in_flight -= 1
        self.by_route[route] = self.by_route.get(route, 0) + 1
        if status is not None:
            key = str(status)
            self.by_status[key] = self.by_status.get(key, 0) + 1

    def revoked(self, tokens):
        self.revocations += 1
        self.tokens_revoked += tokens

    def as_dict(self):
        return {
            "requests": self.requests,
            "by_route": dict(self.by_route),
            "by_status": dict(self.by_status),
            "tokens_issued": self.tokens_issued,
            "revocations": self.revocations,
            "tokens_revoked": self.tokens_revoked,
            "power_actions": {k: list(v) for k, v in self.power_actions.items()},
            "max_in_flight": self.max_in_flight,
            "in_flight": self.in_flight,
            "dropped": dict(self.dropped),
        }


def get_stats(sim, req):
    return SimResponse(200, sim.stats.as_dict())


def get_state(sim, req):
    world = sim.world
    return SimResponse(200, {
        "customer_id": world.customer_id,
        "site": {"Id": world.site.id, "Name": world.site.name},
        "machines": [models.machine_detail_model(world, m) for m in world.machines.values()],
        "sessions": [models.session_model(world, s) for s in world.sessions.values()],
        "catalogs": [models.catalog_model(world, c, detail=True) for c in world.catalogs.values()],
        "delivery_groups": [models.delivery_group_model(world, g, detail=True)
                            for g in world.delivery_groups.values()],
        "jobs": [models.job_model(j) for j in world.jobs.values()],
        "resource_locations": list(world.resource_locations.values()),
        "notifications": list(world.notifications),
        "service_states": list(world.service_states),
        "messages_sent": list(world.messages_sent),
        **applications.state(world),
    })


def reset(sim, req):
    sim.reset()
    return SimResponse(200, {"reset": True})


def get_faults(sim, req):
    return SimResponse(200, sim.faults.config)


def put_faults(sim, req):
    try:
        spec = json.loads(req.body.decode("utf-8") or "{}")
        sim.faults.set(spec)
    except (ValueError, FaultConfigError) as err:
        return SimResponse(400, {"error": str(err)})
    return SimResponse(200, sim.faults.config)


def citrix_routes(router):
    """The names by_route counts requests under ("METHOD template"), the control room's left out."""
    return {f"{route.method} {route.template}" for route in router.routes if not route.template.startswith("/_sim/")}


def revoke_tokens(sim, req):
    """Revoke every token issued so far, as the identity service can before they expire.

    `{}` (or no body): now. `{"after": route, "count": n}`: once `route` (a by_route name such as
    "POST /cvad/manage/$batch") has handled n more requests (default 1), right after the n-th is
    answered; every token issued until then is revoked, later ones are not.
    """
    try:
        spec = json.loads(req.body.decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError):
        return SimResponse(400, {"error": "the body must be a JSON object"})
    if not isinstance(spec, dict):
        return SimResponse(400, {"error": "the body must be a JSON object"})
    unknown = set(spec) - {"after", "count"}
    if unknown:
        return SimResponse(400, {"error": f"unknown keys: {', '.join(sorted(unknown))}; allowed: after, count"})
    if not spec:
        tokens = sim.tokens.revoke_all()
        sim.stats.revoked(tokens)
        return SimResponse(200, {"revoked": tokens})
    route, count = spec.get("after"), spec.get("count", 1)
    if not isinstance(route, str) or route not in citrix_routes(sim.router):
        return SimResponse(400, {"error": "after must name a route as by_route does, such as "
                                          "\"POST /cvad/manage/$batch\""})
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        return SimResponse(400, {"error": "count must be an integer of at least 1"})
    sim.tokens.schedule_revocation(route, count)
    return SimResponse(200, {"scheduled": {"after": route, "count": count}})


def register(router):
    router.add("GET", "/_sim/stats", get_stats)
    router.add("GET", "/_sim/state", get_state)
    router.add("POST", "/_sim/reset", reset)
    router.add("GET", "/_sim/faults", get_faults)
    router.add("PUT", "/_sim/faults", put_faults)
    router.add("POST", "/_sim/tokens/revoke", revoke_tokens)
