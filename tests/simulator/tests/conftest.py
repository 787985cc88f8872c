"""Fixtures for the simulator's own suite: one simulator process per session, reset per test."""

import os
import sys

import pytest
import requests

# Test the source tree, not a possibly stale installed copy.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from citrix_cloud_sim.testing import start_simulator  # noqa: E402

POWER_SECONDS = 0.05
JOB_SECONDS = 0.2
# What the tests read of a machine; SessionCount is not in the default set, so it must be asked for.
MACHINE_FIELDS = ("Id,Name,Sid,DnsName,SessionCount,PowerState,PowerActionPending,RegistrationState,"
                  "SupportedPowerActions,InMaintenanceMode,MaintenanceModeReason,MachineCatalog,DeliveryGroup")


class Api:
    """A client the way Citrix's own samples call the service."""

    def __init__(self, sim):
        self.sim = sim
        self.info = sim.info
        self.url = sim.url
        self.http = requests.Session()
        self.token = self.get_token()
        self.http.headers.update({
            "Authorization": f"CwsAuth Bearer={self.token}",
            "Citrix-CustomerId": self.info["customer_id"],
            "Accept": "application/json",
        })

    def get_token(self, customer="root", secret=None):
        response = self.http.post(f"{self.url}/cctrustoauth2/{customer}/tokens/clients", data={
            "grant_type": "client_credentials", "client_id": self.info["client_id"],
            "client_secret": secret or self.info["client_secret"]})
        response.raise_for_status()
        return response.json()["access_token"]

    def daas(self, method, path, headers=None, **kwargs):
        merged = {"Citrix-InstanceId": self.info["site_id"], **(headers or {})}
        return self.http.request(method, f"{self.url}/cvad/manage{path}", headers=merged, **kwargs)

    def platform(self, method, path, **kwargs):
        return self.http.request(method, f"{self.url}{path}", **kwargs)

    def machine(self, name, fields=MACHINE_FIELDS):
        """A machine by name, with the fields the tests read (none by default beyond the default set)."""
        response = self.daas("GET", f"/Machines/{name.replace(chr(92), '|')}", params={"fields": fields})
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def sim_session():
    with start_simulator(["--power-seconds", str(POWER_SECONDS), "--job-seconds", str(JOB_SECONDS)]) as sim:
        yield sim


@pytest.fixture
def sim(sim_session):
    sim_session.reset()
    return sim_session


@pytest.fixture
def api(sim):
    return Api(sim)
