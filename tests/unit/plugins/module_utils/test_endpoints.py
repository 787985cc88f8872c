# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints, REGION_HOSTS


@pytest.mark.parametrize('region, host', [
    ('global', 'api.cloud.com'), ('us', 'api-us.cloud.com'), ('eu', 'api-eu.cloud.com'),
    ('ap-s', 'api-ap-s.cloud.com'), ('jp', 'api.citrixcloud.jp'),
])
def test_region_hosts(region, host):
    ep = Endpoints('acme1234', region)
    assert ep.host == host
    assert ep.token == 'https://%s/cctrustoauth2/acme1234/tokens/clients' % host
    assert ep.resource_locations == 'https://%s/resourcelocations' % host
    assert ep.daas == 'https://%s/cvad/manage' % host


def test_platform_services_default_hosts():
    ep = Endpoints('acme1234', 'eu')
    assert ep.service_states == 'https://core.citrixworkspacesapi.net/acme1234/serviceStates'
    assert ep.notifications == 'https://notifications.citrixworkspacesapi.net/acme1234/notifications/items'
    assert ep.notifications_list == 'https://notifications.citrixworkspacesapi.net/acme1234/notifications'


def test_api_url_keeps_each_path():
    ep = Endpoints('acme1234', 'us', api_url='http://127.0.0.1:8080/gw/')
    assert ep.token == 'http://127.0.0.1:8080/gw/cctrustoauth2/acme1234/tokens/clients'
    assert ep.resource_locations == 'http://127.0.0.1:8080/gw/resourcelocations'
    assert ep.service_states == 'http://127.0.0.1:8080/gw/acme1234/serviceStates'
    assert ep.notifications == 'http://127.0.0.1:8080/gw/acme1234/notifications/items'
    assert ep.notifications_list == 'http://127.0.0.1:8080/gw/acme1234/notifications'
    assert ep.daas == 'http://127.0.0.1:8080/gw/cvad/manage'


@pytest.mark.parametrize('kwargs, words', [
    (dict(customer_id='no spaces'), 'customer id'),
    (dict(customer_id=''), 'customer id'),
    (dict(customer_id='acme', region='mars'), 'global, us, eu, ap-s, jp'),
    (dict(customer_id='acme', api_url='ftp://x'), 'http://'),
    (dict(customer_id='acme', api_url='https://x/?a=b'), 'without query'),
    (dict(customer_id='acme', api_url='not a url'), 'http://'),
])
def test_bad_input_says_what_is_allowed(kwargs, words):
    with pytest.raises(ValueError, match=words):
        Endpoints(**kwargs)


def test_every_region_is_listed():
    assert set(REGION_HOSTS) == {'global', 'us', 'eu', 'ap-s', 'jp'}
