"""The Simulator: world, identity, stats and faults behind one router."""

import uuid

from . import applications, control, daas, machine_properties, platform_services
from .auth import TokenStore, government_token_endpoint, on_premises_token_endpoint, token_endpoint
from .control import Stats
from .faults import Faults
from .routing import ORCHESTRATION, Router
from .scenario import CUSTOMER_ID, build_world

# What the simulator serves: Citrix Cloud (the default), an on-premises Orchestration service
# (Citrix Virtual Apps and Desktops 2311 and later), or Citrix Cloud Government.
CLOUD, ON_PREMISES, GOVERNMENT = "cloud", "on-premises", "government"
MODES = (CLOUD, ON_PREMISES, GOVERNMENT)
ON_PREMISES_CUSTOMER = "CitrixOnPremises"


def build_router(mode=CLOUD):
    router = Router()
    control.register(router)
    direct = mode != CLOUD  # DaaS without the API gateway: the Orchestration service's own paths
    if mode == ON_PREMISES:
        # No Citrix Cloud route at all: no cctrustoauth2, no platform services.
        router.add("POST", ORCHESTRATION + "/tokens", on_premises_token_endpoint)
    elif mode == GOVERNMENT:
        router.add("POST", "/{customerId}/tokens/clients", government_token_endpoint)  # trust.citrixworkspacesapi.us
    else:
        router.add("POST", "/cctrustoauth2/{customerId}/tokens/clients", token_endpoint)
    daas.register(router, direct)
    applications.register(router, direct)
    machine_properties.register(router, direct)
    if mode != ON_PREMISES:
        platform_services.register(router, government=mode == GOVERNMENT)  # last: /{customerId}/... is broad
    return router


class Simulator:
    def __init__(self, machines=0, power_seconds=0.3, faults=None, job_seconds=1.0, private_desktops=0, mode=CLOUD):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        self.mode = mode
        self.scale_machines = machines
        self.private_desktops = private_desktops
        self.power_seconds = power_seconds
        self.job_seconds = job_seconds  # an async job's life, and a synchronous $batch's answer time
        self.initial_faults = faults
        self.router = build_router(mode)
        self.world = self._build_world()
        self.tokens = TokenStore(self.world.customer_id)
        self.user_id = str(uuid.uuid4())
        self.stats = Stats()
        self.faults = Faults(faults)

    def _build_world(self):
        customer = ON_PREMISES_CUSTOMER if self.mode == ON_PREMISES else CUSTOMER_ID
        return build_world(self.scale_machines, self.private_desktops, customer_id=customer)

    def reset(self):
        """Back to the starting scenario and startup faults, stats zeroed, no revocation pending.
        Tokens stay valid: they belong to the identity service, and clients cache them across tests."""
        in_flight = self.stats.in_flight
        self.world = self._build_world()
        self.stats = Stats()
        self.stats.in_flight = in_flight  # requests still running will finish into the new stats
        self.faults.set(self.initial_faults or {})
        self.tokens.scheduled = []  # a revocation not yet due counts requests of the old stats

    def ready_info(self, url):
        if self.mode == ON_PREMISES:
            # A domain account, no API client: what an on-premises administrator has.
            return {"url": url, "username": self.tokens.username, "password": self.tokens.password,
                    "site_id": self.world.site.id}
        return {
            "url": url,
            "customer_id": self.world.customer_id,
            "client_id": self.tokens.client_id,
            "client_secret": self.tokens.client_secret,
            "site_id": self.world.site.id,
        }
