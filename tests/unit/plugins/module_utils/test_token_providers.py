# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token providers: the client-credentials request, a given access_token, Citrix Cloud Government's trust
service and an on-premises Orchestration service (HTTP Basic with a domain account)."""

from __future__ import annotations

import base64
import datetime
import json
import os
import time

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._module import build_client, check_options
from ansible_collections.citrix.cloud.plugins.module_utils._token_providers import (
    RENEWALS,
    OnPremisesCredentials,
    jwt_expiry,
    parse_expires_at,
    parse_expires_in,
)
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.tests.unit.conftest import (
    CLIENT_ID, CUSTOMER, ORCHESTRATION, PASSWORD, SECRET, SITE, TOKEN_PATH, USER, TokenEndpoint, json_response, shared_params,
)


@pytest.mark.parametrize('value, seconds', [('3600', 3600), (3600, 3600), ('120.0', 120), (None, 3600),
                                            ('soon', 3600), ('0', 3600)])
def test_expires_in_string_or_int(value, seconds):
    assert parse_expires_in(value) == seconds


def test_token_request_is_a_client_credentials_form(make_client, token_endpoint, httpserver):
    client = make_client()
    before = time.time()
    assert client.auth.token() == 'tok-1'
    assert token_endpoint.forms == [{'grant_type': 'client_credentials', 'client_id': CLIENT_ID,
                                     'client_secret': SECRET}]
    request = httpserver.log[0][0]
    assert request.headers['Content-Type'] == 'application/x-www-form-urlencoded'
    assert request.headers['Accept'] == 'application/json'
    assert 'Authorization' not in request.headers
    # "3600" (a JSON string, as Citrix sends it) became an hour from now
    assert before + 3600 <= client.auth.expires_at <= time.time() + 3600


def test_token_is_reused_within_and_across_clients(make_client, token_endpoint):
    first = make_client()
    assert [first.auth.token() for dummy in range(3)] == ['tok-1'] * 3
    assert make_client().auth.token() == 'tok-1'  # a later task (new process) reads the cache
    assert token_endpoint.count == 1


def test_token_near_expiry_is_not_reused(httpserver, make_client):
    endpoint = TokenEndpoint(httpserver, expires_in='3600')
    client = make_client()
    client.auth.token()
    # the cached token as seen 56 minutes later: within 5 minutes of expiry
    later = make_client()
    later.auth.clock = lambda: time.time() + 3600 - 240
    assert later.auth.token() == 'tok-2'
    assert endpoint.count == 2


def test_invalidate_drops_memory_and_cache(make_client, token_endpoint):
    client = make_client()
    client.auth.token()
    client.auth.invalidate('tok-1')
    assert client.auth.token() == 'tok-2'
    assert make_client().auth.token() == 'tok-2'
    client.auth.invalidate('tok-1')  # a stale 401 never throws away the newer token
    assert client.auth.token() == 'tok-2'
    assert token_endpoint.count == 2


def test_access_token_bypasses_endpoint_and_cache(make_client, token_endpoint, isolated_env, httpserver):
    payload = base64.urlsafe_b64encode(json.dumps({'exp': 1900000000}).encode()).decode().rstrip('=')
    given = 'eyJhbGciOiJub25lIn0.%s.sig' % payload
    client = make_client(access_token=given)
    assert client.auth.token() == given
    assert client.auth.expires_at == 1900000000
    assert not client.auth.can_refresh
    client.auth.invalidate(given)
    assert client.auth.token() == given
    assert token_endpoint.count == 0 and not isolated_env.exists()


def test_jwt_expiry_of_non_jwt_is_none():
    assert jwt_expiry('opaque-token') is None


def test_bad_secret_says_what_to_check(httpserver, make_client):
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_response(json_response(
        {'error': 'invalid_client', 'error_description': 'Invalid client secret %s' % SECRET}, status=400))
    with pytest.raises(CitrixCloudError) as err:
        make_client().auth.token()
    text = str(err.value)
    assert 'check client_id / client_secret and customer_id' in text
    assert 'failed with 400' in text and 'Invalid client secret' in text
    assert SECRET not in text
    assert len(httpserver.log) == 1  # a refusal is not retried


def test_token_endpoint_429_and_5xx_are_retried(httpserver, make_client, sleeps):
    answers = [json_response({'detail': 'slow down'}, 429), json_response({}, 502),
               json_response({'access_token': 'tok-ok', 'expires_in': 3600})]
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_handler(lambda request: answers.pop(0))
    assert make_client().auth.token() == 'tok-ok'
    assert len(sleeps) == 2


# -- one run, one answer: a failure is not asked again per item -------------------------------

def many_calls(client, count=40):
    """`count` calls at once, as a module acting on `count` machines makes them."""
    return client.parallel_map(lambda n: client.request('GET', client.endpoints.daas + '/me'), range(count),
                               workers=10)


def test_refused_credentials_cost_one_token_request_for_forty_items(httpserver, make_client):
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_response(json_response(
        {'error': 'invalid_client', 'error_description': 'Invalid client credentials.'}, status=400))
    outcomes = many_calls(make_client())
    assert len(httpserver.log) == 1
    assert all(isinstance(o, CitrixCloudError) for o in outcomes)
    text = str(outcomes[-1])
    assert 'API client %s' % CLIENT_ID in text and 'Invalid client credentials.' in text
    assert SECRET not in text


def test_token_endpoint_down_costs_one_retry_budget(httpserver, make_client, sleeps):
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_response(
        json_response({'detail': 'Service unavailable'}, status=503))
    outcomes = many_calls(make_client(retries=3))
    assert len(httpserver.log) == 3 and len(sleeps) == 2  # the budget once, not once per item
    assert all(isinstance(o, CitrixCloudError) and o.status == 503 for o in outcomes)


def test_persistent_401_costs_at_most_one_fresh_token(httpserver, make_client, token_endpoint):
    httpserver.expect_request('/cvad/manage/me').respond_with_response(json_response(
        {'ErrorMessage': 'Invalid or expired bearer token.'}, 401))
    outcomes = many_calls(make_client())
    assert token_endpoint.count == 2  # the first token and one fresh one, not one per call
    assert all(isinstance(o, CitrixCloudError) for o in outcomes)
    assert any('401' in str(o) for o in outcomes)


def test_a_fresh_token_refused_too_ends_the_run(make_client, token_endpoint):
    client = make_client()
    assert client.auth.invalidate(client.auth.token()) is True  # revoked: one fresh token
    fresh = client.auth.token()
    assert fresh == 'tok-2'
    assert client.auth.invalidate(fresh) is False
    with pytest.raises(CitrixCloudError, match='freshly issued token of API client %s' % CLIENT_ID):
        client.auth.token()
    assert token_endpoint.count == 2


def test_a_token_accepted_then_refused_is_replaced_each_time_up_to_the_budget(make_client, token_endpoint):
    client = make_client()
    for n in range(1, RENEWALS + 1):
        token = client.auth.token()
        assert token == 'tok-%d' % n
        client.auth.accepted(token)
        assert client.auth.invalidate(token) is True  # revoked or expired early: one fresh token
        assert client.auth.invalidate(token) is True  # another thread refused the same one: no more
    last = client.auth.token()
    client.auth.accepted(last)
    assert client.auth.invalidate(last) is False  # a service that keeps refusing good tokens
    with pytest.raises(CitrixCloudError, match='refused %d tokens in this run after accepting' % (RENEWALS + 1)):
        client.auth.token()
    assert token_endpoint.count == RENEWALS + 1


def test_a_batch_item_refused_proves_no_revocation(make_client, token_endpoint):
    """A token accepted, then refused in $batch items (nested), gets one fresh token a run, as before."""
    client = make_client()
    for expected in (True, False):
        token = client.auth.token()
        client.auth.accepted(token)
        assert client.auth.invalidate(token, nested=True) is expected
    assert token_endpoint.count == 2


# ---------------------------------------------------------------- ExpiresAt

def test_expires_at_as_the_orchestration_service_and_government_write_it():
    now = 1_800_000_000.0

    def clock():
        return now
    stamp = datetime.datetime.fromtimestamp(now + 3600, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S')
    assert parse_expires_at(stamp + '.1234567Z', clock) == pytest.approx(3600.1234567)
    assert parse_expires_at(stamp + 'Z', clock) == 3600
    assert parse_expires_at(stamp, clock) == 3600  # UTC when no offset is given
    assert parse_expires_at(stamp + '-01:00', clock) == 7200  # an hour behind UTC: an hour later
    assert parse_expires_at(3599, clock) == 3599  # Government: seconds from now, as Citrix's client reads it
    assert parse_expires_at('1800', clock) == 1800
    assert parse_expires_at(now + 600, clock) == 600  # an epoch time, if that is what comes
    assert parse_expires_at((now + 600) * 1000, clock) == pytest.approx(600)
    for unreadable in (None, '', 'soon', 0, -5, stamp.replace('T', ' ') + 'Q'):
        assert parse_expires_at(unreadable, clock) == 3600


# ---------------------------------------------------------------- the providers

class OrchestrationTokens:
    """POST /citrix/orchestration/api/tokens with HTTP Basic, on httpserver."""

    def __init__(self, httpserver, password=PASSWORD, lifetime=3600):
        self.requests = []
        self.password = password
        self.lifetime = lifetime
        httpserver.expect_request(ORCHESTRATION + '/tokens', method='POST').respond_with_handler(self.handle)

    def handle(self, request):
        self.requests.append(request)
        expected = 'Basic ' + base64.b64encode(('%s:%s' % (USER, self.password)).encode()).decode()
        if request.headers.get('Authorization') != expected:
            return json_response({'ErrorMessage': 'The user name or password is incorrect.'}, status=401)
        expires = datetime.datetime.fromtimestamp(time.time() + self.lifetime, datetime.timezone.utc)
        return json_response({'Token': 'fma-%d' % len(self.requests), 'Principal': USER, 'UserId': 'u',
                              'CustomerId': 'CitrixOnPremises',
                              'ExpiresAt': expires.strftime('%Y-%m-%dT%H:%M:%S.1234567Z')})


def on_premises_client(api_url, password=PASSWORD, cache=True):
    checked = check_options(shared_params(username=USER, password=password, api_url=api_url, site_id=SITE,
                                          token_cache=cache, retries=2, timeout=5))
    return build_client(checked)


def test_on_premises_token_is_basic_auth_then_cached_without_the_password(httpserver, api_url, isolated_env):
    endpoint = OrchestrationTokens(httpserver)
    client = on_premises_client(api_url)
    assert isinstance(client.auth, OnPremisesCredentials)
    before = time.time()
    assert client.auth.token() == 'fma-1'
    request = endpoint.requests[0]
    assert request.headers['Citrix-CustomerId'] == 'CitrixOnPremises' and not request.get_data()
    assert before + 3500 < client.auth.expires_at < time.time() + 3601
    assert on_premises_client(api_url).auth.token() == 'fma-1'  # the next task reads the cache
    assert len(endpoint.requests) == 1
    for name in os.listdir(isolated_env):
        with open(os.path.join(isolated_env, name), 'rb') as handle:
            content = handle.read()
        assert PASSWORD.encode() not in content and base64.b64encode(PASSWORD.encode()) not in content
    other = on_premises_client(api_url, password='another-password')  # another password: not this token
    with pytest.raises(CitrixCloudError):
        other.auth.token()


def test_on_premises_token_is_renewed_before_expires_at(httpserver, api_url):
    endpoint = OrchestrationTokens(httpserver, lifetime=3600)
    client = on_premises_client(api_url)
    client.auth.token()
    later = on_premises_client(api_url)
    later.auth.clock = lambda: time.time() + 3600 - 240  # within the renewal margin of ExpiresAt
    assert later.auth.token() == 'fma-2'
    assert len(endpoint.requests) == 2


def test_wrong_password_names_the_user_never_the_password(httpserver, api_url):
    OrchestrationTokens(httpserver)
    client = on_premises_client(api_url, password='not-the-password', cache=False)
    with pytest.raises(CitrixCloudError) as err:
        client.auth.token()
    text = str(err.value)
    assert err.value.status == 401 and USER in text and 'refused the credentials' in text
    assert 'not-the-password' not in text
    assert base64.b64encode(('%s:not-the-password' % USER).encode()).decode() not in text


def test_government_token_is_a_json_body_with_an_integer_expires_at(httpserver, api_url):
    bodies = []

    def handle(request):
        bodies.append(json.loads(request.get_data()))
        return json_response({'Token': 'gov-1', 'Principal': CLIENT_ID, 'CustomerId': CUSTOMER, 'ExpiresAt': 3600})
    httpserver.expect_request('/%s/tokens/clients' % CUSTOMER, method='POST').respond_with_handler(handle)
    checked = check_options(shared_params(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET, region='gov',
                                          api_url=api_url, token_cache=False))
    client = build_client(checked)
    before = time.time()
    assert client.auth.token() == 'gov-1'
    assert bodies == [{'ClientId': CLIENT_ID, 'ClientSecret': SECRET}]
    assert before + 3599 <= client.auth.expires_at <= time.time() + 3600
    request = httpserver.log[0][0]
    assert request.headers['Content-Type'] == 'application/json'


def test_government_refusal_names_the_client(httpserver, api_url):
    httpserver.expect_request('/%s/tokens/clients' % CUSTOMER, method='POST').respond_with_response(
        json_response({'detail': 'Invalid client credentials.'}, status=401))
    client = build_client(check_options(shared_params(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET,
                                                      region='gov', api_url=api_url, token_cache=False)))
    with pytest.raises(CitrixCloudError, match='Citrix Cloud Government refused the credentials of API client ' +
                       CLIENT_ID) as err:
        client.auth.token()
    assert SECRET not in str(err.value)


def test_on_premises_refusals_hint_at_the_account_not_an_api_client(httpserver, api_url):
    OrchestrationTokens(httpserver)
    httpserver.expect_request('%s/CitrixOnPremises/%s/Machines' % (ORCHESTRATION, SITE)).respond_with_response(
        json_response({'ErrorMessage': 'Access denied.'}, status=403))
    client = on_premises_client(api_url)
    with pytest.raises(CitrixCloudError) as err:
        client.daas('GET', '/Machines')
    assert 'administrator role and scope in Web Studio' in str(err.value) and 'client_id' not in str(err.value)
