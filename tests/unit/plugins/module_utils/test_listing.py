# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_listing.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
from ansible_collections.citrix.cloud.plugins.module_utils._listing import list_objects, objects_info
from ansible_collections.citrix.cloud.plugins.module_utils._module import refuse_empty
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_SELECTORS
from ansible_collections.citrix.cloud.plugins.module_utils import _sessions as sessions


CUSTOMER = "acme1234"


SITE = "0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9"


BASE = "/cvad/manage"


@pytest.fixture
def client(httpserver):
    endpoints = Endpoints(CUSTOMER, api_url=httpserver.url_for("/"))
    return CitrixCloudClient(endpoints, auth=None, site_id=SITE, retries=2, sleep=lambda s: None)


def test_a_missing_catalog_by_name_in_the_info_list(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/Gone").respond_with_data("", status=204)
    httpserver.expect_request(BASE + "/MachineCatalogs").respond_with_json({"Items": []})
    assert list_objects(client, "MachineCatalogs", "Gone") == []


class FakeModule:
    """What the _daas module helpers use of CitrixCloudModule: params, client, exit/fail_json."""

    def __init__(self, client, **params):
        self.client = client
        self.params = dict(dict.fromkeys(MACHINE_SELECTORS), site_id=None, customer_id=CUSTOMER)
        self.params.update(dict.fromkeys(sessions.SESSION_SELECTORS), **params)
        self.given = dict(params)  # as the task wrote them
        self.exited = None

    def refuse_empty(self, names, acting=True):
        refuse_empty(self.given, names, acting)

    def exit_json(self, **result):
        self.exited = dict(result, failed=False)
        raise SystemExit(0)

    def fail_json(self, msg, **result):
        self.exited = dict(result, failed=True, msg=msg)
        raise SystemExit(1)


def test_objects_info_lists_all_or_the_named_one(client, httpserver):
    httpserver.expect_request(BASE + "/DeliveryGroups/DEMOLAB Desktops").respond_with_json(
        {"Id": "dg-1", "Name": "DEMOLAB Desktops", "TotalDesktops": 2})
    module = FakeModule(client, name="DEMOLAB Desktops")
    assert objects_info(module, "DeliveryGroups", "delivery group") == [
        {"id": "dg-1", "name": "DEMOLAB Desktops", "total_desktops": 2}]
    with pytest.raises(ValueError, match="Delivery group name"):
        objects_info(FakeModule(client, name=".."), "DeliveryGroups", "delivery group")


def result(name, outcome, message=None):
    return {"name": name, "id": name.lower(), "result": outcome, "message": message}
