# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_service_states.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._service_states import select_service_states, SERVICE_STATES, service_states, unique_names
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.tests.unit.conftest import CUSTOMER


STATES = [
    {"serviceName": "xendesktop", "state": "ProductionTrial", "type": "ProductionTrial", "quantity": 25,
     "daysToExpiration": 30, "futureEntitlementStartDate": None},
    {"serviceName": "wem", "state": "Production", "type": "Production", "quantity": 5,
     "daysToExpiration": 300, "futureEntitlementStartDate": None},
    {"serviceName": "cas", "state": "ProductionTrial", "type": "ProductionTrial", "quantity": 1,
     "daysToExpiration": 10, "futureEntitlementStartDate": "2030-01-01"},
]


@pytest.mark.parametrize("names,states,expected", [
    (None, None, ["xendesktop", "wem", "cas"]),
    (None, ["ProductionTrial"], ["xendesktop", "cas"]),
    (["XenDesktop", "wem"], None, ["xendesktop", "wem"]),
    (["wem"], ["ProductionTrial"], []),
    (["nosuch"], None, []),
])
def test_service_state_filters(names, states, expected):
    assert unique_names(select_service_states(STATES, names, states)) == expected


def test_service_states_over_http(httpserver, client):
    httpserver.expect_request("/%s/serviceStates" % CUSTOMER, method="GET").respond_with_json({"items": STATES})
    found = service_states(client, states=["Production"])
    assert [snake(i) for i in found] == [{
        "service_name": "wem", "state": "Production", "type": "Production", "quantity": 5,
        "days_to_expiration": 300, "future_entitlement_start_date": None}]


def test_documented_states():
    assert len(SERVICE_STATES) == 13 and "ProductionTrial" in SERVICE_STATES
