# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_site.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
from ansible_collections.citrix.cloud.plugins.module_utils._site import pick_site, sites_from_me, use_site
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE, CUSTOMER, SITE


ME = {'Customers': [
    {'Id': 'acme', 'Name': 'Acme', 'Sites': [{'Id': 'site-1', 'Name': 'Acme Site'}]},
    {'Id': 'other', 'Name': 'Other', 'Sites': [{'Id': 'site-2', 'Name': 'B'}, {'Id': 'site-3', 'Name': 'C'}]},
]}


def test_the_customers_own_site_is_picked():
    assert pick_site(sites_from_me(ME, 'ACME')) == 'site-1'


def test_several_sites_fail_listing_them_by_name_and_id():
    with pytest.raises(ValueError) as err:
        pick_site(sites_from_me(ME, 'other'))
    assert 'B (site-2), C (site-3)' in str(err.value) and 'site_id' in str(err.value)


def test_no_site_fails_saying_so():
    with pytest.raises(ValueError, match='No DaaS site'):
        pick_site(sites_from_me({'Customers': []}, 'acme'))


def test_sites_of_every_customer_when_me_does_not_name_ours():
    assert [s['Id'] for s in sites_from_me(ME, 'unknown')] == ['site-1', 'site-2', 'site-3']


def requests_to(httpserver, path):
    return [req for req, _resp in httpserver.log if req.path == path]


def test_one_site_is_found_through_me_without_the_instance_header(httpserver):
    httpserver.expect_request(BASE + "/me").respond_with_json(
        {"Customers": [{"Id": CUSTOMER, "Sites": [{"Id": SITE, "Name": "cloudxdsite"}]}]})
    endpoints = Endpoints(CUSTOMER, api_url=httpserver.url_for("/"))
    client = CitrixCloudClient(endpoints, auth=None, retries=1)
    assert use_site(client, None, CUSTOMER) == SITE
    assert client.site_id == SITE
    (req,) = requests_to(httpserver, BASE + "/me")
    assert "Citrix-InstanceId" not in req.headers


def test_an_explicit_site_id_costs_no_call(httpserver, client):
    assert use_site(client, SITE) == SITE
    assert httpserver.log == []
