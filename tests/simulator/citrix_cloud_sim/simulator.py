"""The Simulator: world, identity, stats and faults behind one router."""

import uuid

from . import applications, control, daas, machine_properties, platform_services
from .auth import TokenStore, token_endpoint
from .control import Stats
from .faults import Faults
from .routing import Router
from .scenario import build_world


def build_router():
    router = Router()
    control.register(router)
    router.add("POST", "/cctrustoauth2/{customerId}/tokens/clients", token_endpoint)
    daas.register(router)
    applications.register(router)
    machine_properties.register(router)
    platform_services.register(router)  # last: its /{customerId}/... templates are the broadest
    return router


class Simulator:
    def __init__(self, machines=0, power_seconds=0.3, faults=None, job_seconds=1.0, private_desktops=0):
        self.scale_machines = machines
        self.private_desktops = private_desktops
        self.power_seconds = power_seconds
        self.job_seconds = job_seconds  # an async job's life, and a synchronous $batch's answer time
        self.initial_faults = faults
        self.router = build_router()
        self.world = build_world(machines, private_desktops)
        self.tokens = TokenStore(self.world.customer_id)
        self.user_id = str(uuid.uuid4())
        self.stats = Stats()
        self.faults = Faults(faults)

    def reset(self):
        """Back to the starting scenario and startup faults, stats zeroed. Tokens stay valid:
        they belong to the identity service, and clients cache them across tests."""
        in_flight = self.stats.in_flight
        self.world = build_world(self.scale_machines, self.private_desktops)
        self.stats = Stats()
        self.stats.in_flight = in_flight  # requests still running will finish into the new stats
        self.faults.set(self.initial_faults or {})

    def ready_info(self, url):
        return {
            "url": url,
            "customer_id": self.world.customer_id,
            "client_id": self.tokens.client_id,
            "client_secret": self.tokens.client_secret,
            "site_id": self.world.site.id,
        }
