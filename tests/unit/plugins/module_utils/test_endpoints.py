# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient, CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import REGION_HOSTS, Endpoints, ServiceUnavailable
from ansible_collections.citrix.cloud.tests.unit.conftest import CUSTOMER, SITE


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


# ---------------------------------------------------------------- hosts and paths

def test_on_premises_urls_are_the_orchestration_service_of_api_url():
    ep = Endpoints(None, api_url='https://ddc1.example.com/', on_premises=True)
    assert (ep.customer_id, ep.deployment, ep.direct) == ('CitrixOnPremises', 'on-premises', True)
    assert ep.token == 'https://ddc1.example.com/citrix/orchestration/api/tokens'
    assert ep.daas == 'https://ddc1.example.com/citrix/orchestration/api'
    # as Citrix's client: /me at the root, Sites below the customer, the rest below customer and site
    assert ep.daas_url('/me') == 'https://ddc1.example.com/citrix/orchestration/api/me'
    assert ep.daas_url('/Sites') == 'https://ddc1.example.com/citrix/orchestration/api/CitrixOnPremises/Sites'
    assert ep.daas_url('/Machines/x', SITE) == (
        'https://ddc1.example.com/citrix/orchestration/api/CitrixOnPremises/%s/Machines/x' % SITE)
    assert ep.batch_relative_url('/Machines/x/$reboot', SITE) == 'CitrixOnPremises/%s/Machines/x/$reboot' % SITE


def test_on_premises_keeps_a_given_customer_id_and_needs_api_url():
    assert Endpoints('MySite', api_url='https://ddc1', on_premises=True).customer_id == 'MySite'
    with pytest.raises(ValueError, match='api_url is required'):
        Endpoints(None, on_premises=True)


@pytest.mark.parametrize('service', ['resource_locations', 'service_states', 'notifications', 'notifications_list'])
def test_on_premises_has_no_citrix_cloud_service(service):
    ep = Endpoints(None, api_url='https://ddc1', on_premises=True)
    with pytest.raises(ServiceUnavailable, match='on-premises'):
        getattr(ep, service)


def test_government_hosts_as_citrix_client_uses_them():
    ep = Endpoints(CUSTOMER, 'gov')
    assert (ep.deployment, ep.direct) == ('gov', True)
    assert ep.token == 'https://trust.citrixworkspacesapi.us/%s/tokens/clients' % CUSTOMER
    assert ep.daas == 'https://%s.xendesktop.us/citrix/orchestration/api' % CUSTOMER
    assert ep.daas_url('/me') == 'https://%s.xendesktop.us/citrix/orchestration/api/me' % CUSTOMER
    assert ep.daas_url('/Machines', SITE) == 'https://%s.xendesktop.us/citrix/orchestration/api/%s/%s/Machines' % (
        CUSTOMER, CUSTOMER, SITE)
    assert ep.batch_relative_url('/Machines/x/$start', SITE) == '%s/%s/Machines/x/$start' % (CUSTOMER, SITE)
    assert ep.resource_locations == 'https://registry.citrixworkspacesapi.us/%s/resourcelocations' % CUSTOMER


@pytest.mark.parametrize('service', ['service_states', 'notifications', 'notifications_list'])
def test_government_has_no_service_states_or_notifications(service):
    with pytest.raises(ServiceUnavailable, match=r'Citrix Cloud Government \(region gov\).*nothing was sent'):
        getattr(Endpoints(CUSTOMER, 'gov'), service)


def test_government_with_api_url_keeps_each_path():
    ep = Endpoints(CUSTOMER, 'gov', api_url='http://127.0.0.1:9')
    assert ep.token == 'http://127.0.0.1:9/%s/tokens/clients' % CUSTOMER
    assert ep.daas == 'http://127.0.0.1:9/citrix/orchestration/api'
    assert ep.resource_locations == 'http://127.0.0.1:9/%s/resourcelocations' % CUSTOMER


def test_japan_uses_api_citrixcloud_jp_for_tokens_daas_and_resource_locations():
    ep = Endpoints(CUSTOMER, 'jp')
    assert ep.token == 'https://api.citrixcloud.jp/cctrustoauth2/%s/tokens/clients' % CUSTOMER
    assert ep.daas == 'https://api.citrixcloud.jp/cvad/manage'
    assert ep.resource_locations == 'https://api.citrixcloud.jp/resourcelocations'
    assert ep.service_states == 'https://core.citrixworkspacesapi.jp/%s/serviceStates' % CUSTOMER
    assert not ep.direct and ep.batch_relative_url('/Machines/x', SITE) == '/Machines/x'


def test_cloud_daas_paths_are_unchanged_behind_the_gateway():
    ep = Endpoints(CUSTOMER)
    assert ep.daas_url('/Machines', SITE) == 'https://api.cloud.com/cvad/manage/Machines'
    assert ep.daas_url('/Sites') == 'https://api.cloud.com/cvad/manage/Sites'


def test_a_direct_site_call_without_a_site_fails_before_sending():
    client = CitrixCloudClient(Endpoints(None, api_url='https://ddc1', on_premises=True))
    with pytest.raises(CitrixCloudError, match='no site_id'):
        client.daas('GET', '/Machines')
