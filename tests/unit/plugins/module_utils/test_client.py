# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client against a real local server: headers, retries, errors, paging, parallel calls."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
import time
import uuid

import pytest
import trustme

from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response as WerkzeugResponse

from ansible_collections.citrix.cloud.plugins.module_utils import _client
from ansible_collections.citrix.cloud.plugins.module_utils._client import (
    CitrixCloudError,
    daas_get_or_none,
    backoff_delay,
    retry_after,
)
from ansible_collections.citrix.cloud.tests.unit.conftest import CUSTOMER, SECRET, SITE, answers, json_response

GATEWAY_429 = {'type': 'https://errors-api.cloud.com/common/rateLimitExceeded',
               'detail': 'Rate limit exceeded; try again in 4 seconds',
               'parameters': [{'name': 'retryDelay', 'value': '4'}]}
GATEWAY_503 = {'type': 'https://errors-api.cloud.com/common/serviceUnavailable', 'detail': 'Service unavailable'}


def test_headers_on_a_site_scoped_call(make_client, token_endpoint, httpserver):
    seen = answers(httpserver, '/cvad/manage/Machines/m1', [json_response({'Id': 'm1'})])
    client = make_client()
    resp = client.daas('GET', '/Machines/m1')
    headers = seen[0][1].headers
    assert headers['Authorization'] == 'CwsAuth Bearer=tok-1'
    assert headers['Citrix-CustomerId'] == CUSTOMER
    assert headers['Citrix-InstanceId'] == SITE
    assert headers['Accept'] == 'application/json'
    assert headers['User-Agent'] == 'citrix.cloud/%s (+https://github.com/citrix/citrix.cloud)' % _client.COLLECTION_VERSION
    assert uuid.UUID(headers['Citrix-TransactionId'])
    assert (resp.status, resp.body) == (200, {'Id': 'm1'})
    assert resp.transaction_id == headers['Citrix-TransactionId']  # the server sent none back


@pytest.mark.parametrize('path', ['/me', '/Sites', '/Sites/abc', '/sites'])
def test_me_and_sites_are_not_site_scoped(make_client, token_endpoint, httpserver, path):
    seen = answers(httpserver, '/cvad/manage' + path, [json_response({})])
    make_client(site_id=None).daas('GET', path)
    assert 'Citrix-InstanceId' not in seen[0][1].headers


def test_site_scoped_call_without_site_id_fails_before_sending(make_client, httpserver):
    with pytest.raises(CitrixCloudError, match='site_id'):
        make_client(site_id=None).daas('GET', '/Machines')
    assert not httpserver.log


def test_transaction_id_fresh_per_request(make_client, token_endpoint, httpserver):
    seen = answers(httpserver, '/cvad/manage/me', [json_response({})])
    client = make_client()
    client.daas('GET', '/me')
    client.daas('GET', '/me')
    ids = [req.headers['Citrix-TransactionId'] for dummy, req in seen]
    assert len(set(ids)) == 2


def test_response_transaction_id_is_the_servers(make_client, token_endpoint, httpserver):
    answers(httpserver, '/resourcelocations', [json_response({'items': []}, headers={'X-Cws-TransactionId': 'srv-1'})])
    assert make_client().request('GET', make_client().endpoints.resource_locations).transaction_id == 'srv-1'


def test_error_reads_as_one_sentence(make_client, token_endpoint, httpserver):
    answers(httpserver, '/cvad/manage/Machines/X/$reboot', [json_response(
        {'ErrorMessage': 'Machine does not support specified power action.', 'ErrorType': 'X'}, 400,
        headers={'Citrix-TransactionId': '1f0c-tid'})])
    with pytest.raises(CitrixCloudError) as err:
        make_client().daas('POST', '/Machines/X/$reboot', params={'force': 'true', 'secret': 'q'})
    assert str(err.value) == ('POST /cvad/manage/Machines/X/$reboot failed with 400: Machine does not support '
                              'specified power action. (Citrix-TransactionId 1f0c-tid)')
    assert (err.value.status, err.value.method, err.value.transaction_id) == (400, 'POST', '1f0c-tid')
    assert err.value.body['ErrorType'] == 'X' and not err.value.uncertain


@pytest.mark.parametrize('body, words', [
    ({'detail': 'Rate limit exceeded'}, 'Rate limit exceeded'),
    ({'error': 'invalid_request'}, 'invalid_request'),
    (None, 'FORBIDDEN'),
])
def test_error_message_shapes(make_client, token_endpoint, httpserver, body, words):
    answers(httpserver, '/cvad/manage/me', [WerkzeugResponse('<html>' if body is None else json.dumps(body), status=403)])
    with pytest.raises(CitrixCloudError) as err:
        make_client().daas('GET', '/me')
    assert words in str(err.value).upper() if body is None else words in str(err.value)
    assert 'permission' in str(err.value)  # 403 tells what to check
    assert len(httpserver.log) == 2  # token + one try: 403 is not retried


def test_expected_status(make_client, token_endpoint, httpserver):
    answers(httpserver, '/resourcelocations/x', [WerkzeugResponse('', status=204)])
    client = make_client()
    url = client.endpoints.resource_locations + '/x'
    assert client.request('GET', url, expected=(200, 204)).body is None
    with pytest.raises(CitrixCloudError, match='failed with 204'):
        client.request('GET', url, expected=(200,))


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_get_is_retried_on_busy_statuses(make_client, token_endpoint, httpserver, sleeps, status):
    seen = answers(httpserver, '/cvad/manage/me', [json_response({}, status), json_response({'ok': 1})])
    assert make_client().daas('GET', '/me').body == {'ok': 1}
    assert len(seen) == 2 and len(sleeps) == 1


def test_retries_are_bounded(make_client, token_endpoint, httpserver, sleeps):
    seen = answers(httpserver, '/cvad/manage/me', [json_response({'detail': 'busy'}, 503)])
    with pytest.raises(CitrixCloudError, match='failed with 503: busy'):
        make_client(retries=3).daas('GET', '/me')
    assert len(seen) == 3 and len(sleeps) == 2


NOT_PROVABLY_UNTAKEN = [(500, {'ErrorMessage': 'boom'}), (502, {}), (504, {}), (503, {'ErrorMessage': 'DaaS is busy'})]


@pytest.mark.parametrize('status, body', NOT_PROVABLY_UNTAKEN)
def test_post_is_not_retried_where_the_service_may_have_taken_it(make_client, token_endpoint, httpserver, status, body):
    seen = answers(httpserver, '/cvad/manage/Machines/m1/$start', [json_response(body, status)])
    with pytest.raises(CitrixCloudError) as err:
        make_client().daas('POST', '/Machines/m1/$start')
    assert len(seen) == 1
    assert err.value.uncertain  # any 5xx but a gateway's 503 may come after the service acted


PROVABLY_UNTAKEN = [json_response(GATEWAY_429, 429), json_response(GATEWAY_503, 503), json_response({}, 429)]


@pytest.mark.parametrize('first', PROVABLY_UNTAKEN)
def test_post_is_retried_where_the_service_provably_did_not_take_it(make_client, token_endpoint, httpserver, first):
    seen = answers(httpserver, '/cvad/manage/Machines/m1/$start', [first, json_response({'Id': 'm1'})])
    assert make_client().daas('POST', '/Machines/m1/$start').body == {'Id': 'm1'}
    assert len(seen) == 2


@pytest.mark.parametrize('refusal', PROVABLY_UNTAKEN[:2])
def test_refusals_are_no_send_of_a_post(make_client, token_endpoint, httpserver, refusal):
    """A POST allowed one send still gets through four refusals: none of them reached the service."""
    seen = answers(httpserver, '/cvad/manage/Machines/m1/$start', [refusal] * 4 + [json_response({'Id': 'm1'})])
    resp = make_client().daas('POST', '/Machines/m1/$start', attempts=1)
    assert resp.body == {'Id': 'm1'} and resp.sends == 1
    assert len(seen) == 5


def test_refusals_end_by_time_as_certainly_not_taken(make_client, token_endpoint, httpserver, sleeps, monkeypatch):
    monkeypatch.setattr(_client, 'THROTTLE_PATIENCE', 0.1)
    seen = answers(httpserver, '/cvad/manage/Machines/m1/$start', [json_response(GATEWAY_503, 503)])
    with pytest.raises(CitrixCloudError, match='still refused after 0 s of waiting, so the service did not act') as err:
        make_client().daas('POST', '/Machines/m1/$start', attempts=1)
    assert not err.value.uncertain and err.value.sends == 0
    assert sleeps == pytest.approx([0.01, 0.02, 0.03, 0.04]) and len(seen) == 5  # the delay grows


def test_a_gateway_503_on_a_get_is_a_try(make_client, token_endpoint, httpserver, sleeps):
    """A GET is safe to repeat: its tries stay counted, so an outage fails it after `retries`."""
    seen = answers(httpserver, '/cvad/manage/me', [json_response(GATEWAY_503, 503)])
    with pytest.raises(CitrixCloudError, match='Service unavailable'):
        make_client(retries=3).daas('GET', '/me')
    assert len(seen) == 3


def test_retry_delay_from_gateway_body(make_client, token_endpoint, httpserver, sleeps):
    answers(httpserver, '/cvad/manage/me', [json_response(GATEWAY_429, 429), json_response({})])
    make_client().daas('GET', '/me')
    assert 4.0 <= sleeps[0] <= 4.4


def test_retry_after_header_wins(make_client, token_endpoint, httpserver, sleeps):
    answers(httpserver, '/cvad/manage/me', [json_response(GATEWAY_429, 429, {'Retry-After': '2'}), json_response({})])
    make_client().daas('GET', '/me')
    assert 2.0 <= sleeps[0] <= 2.2


def test_429_with_retry_after_1_waits_at_least_a_second(make_client, token_endpoint, httpserver):
    """The one test that really sleeps: the delay between the two requests, as the server saw it."""
    seen = answers(httpserver, '/cvad/manage/me', [json_response({}, 429, {'Retry-After': '1'}), json_response({})])
    make_client(sleep=time.sleep).daas('GET', '/me')
    gap = seen[1][0] - seen[0][0]
    assert len(seen) == 2 and 1.0 <= gap < 3.0


def test_retry_after_forms():
    assert retry_after('3') == 3.0
    assert retry_after(None) is None and retry_after('soon') is None
    assert 9 <= retry_after('Wed, 21 Oct 2015 07:28:10 GMT', now=1445412480.0) <= 11
    # a date already past is no hint (normal backoff), not "retry at once"
    assert retry_after('Wed, 21 Oct 2015 07:28:00 GMT', now=1445412490.0) is None
    assert retry_after('-5') is None and retry_after('0') == 0.0


def test_backoff_grows_with_jitter_and_a_cap():
    for attempt, ceiling in ((1, 0.5), (2, 1.0), (3, 2.0), (10, 30.0), (40, 30.0)):
        delays = [backoff_delay(attempt) for dummy in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1


def test_401_gets_exactly_one_new_token(make_client, token_endpoint, httpserver):
    seen = answers(httpserver, '/cvad/manage/me', [json_response({}, 401), json_response({'ok': 1})])
    client = make_client()
    assert client.daas('GET', '/me').body == {'ok': 1}
    assert token_endpoint.count == 2
    assert [req.headers['Authorization'] for dummy, req in seen] == ['CwsAuth Bearer=tok-1', 'CwsAuth Bearer=tok-2']


def test_a_token_revoked_after_it_worked_is_replaced_each_time(make_client, token_endpoint, httpserver):
    """Revoked (or expired early) twice in one run: each time one fresh token, and every call answered."""
    ok, refused = json_response({'ok': 1}), json_response({}, 401)
    seen = answers(httpserver, '/cvad/manage/me', [ok, refused, ok, refused, ok])
    client = make_client()
    assert [client.daas('GET', '/me').body for dummy in range(3)] == [{'ok': 1}] * 3
    assert token_endpoint.count == 3
    assert [req.headers['Authorization'][len('CwsAuth Bearer='):] for dummy, req in seen] == [
        'tok-1', 'tok-1', 'tok-2', 'tok-2', 'tok-3']


def test_only_a_success_proves_a_token(make_client, token_endpoint, httpserver):
    """A 403 or 500 says nothing of the token: a fresh one refused after it still ends the run."""
    answers(httpserver, '/cvad/manage/me', [json_response({}, 403), json_response({}, 401)])
    client = make_client(retries=1)
    with pytest.raises(CitrixCloudError, match='failed with 403'):
        client.daas('GET', '/me')
    for dummy in range(2):  # tok-1 refused: tok-2, refused before it was ever accepted
        with pytest.raises(CitrixCloudError, match='failed with 401'):
            client.daas('GET', '/me')
    assert token_endpoint.count == 2
    with pytest.raises(CitrixCloudError, match='freshly issued token'):
        client.auth.token()


def test_second_401_fails_with_what_to_check(make_client, token_endpoint, httpserver):
    seen = answers(httpserver, '/cvad/manage/Machines/m1/$start', [json_response({}, 401)])
    with pytest.raises(CitrixCloudError, match='check access_token, or client_id / client_secret and customer_id'):
        make_client().daas('POST', '/Machines/m1/$start')
    assert len(seen) == 2 and token_endpoint.count == 2


def test_401_with_a_given_access_token_is_not_retried(make_client, token_endpoint, httpserver):
    seen = answers(httpserver, '/cvad/manage/me', [json_response({}, 401)])
    with pytest.raises(CitrixCloudError, match='failed with 401'):
        make_client(access_token='given-token-value').daas('GET', '/me')
    assert len(seen) == 1 and token_endpoint.count == 0


def test_auth_headers_for_nested_requests(make_client, token_endpoint):
    client = make_client()
    headers = client.auth_headers()
    assert headers == {'Authorization': 'CwsAuth Bearer=tok-1', 'Citrix-CustomerId': CUSTOMER,
                       'Citrix-InstanceId': SITE}
    assert client.auth_headers() == headers and token_endpoint.count == 1  # the same token, reused
    assert 'Citrix-InstanceId' not in client.auth_headers(site_scoped=False)
    with pytest.raises(CitrixCloudError, match='site_id'):
        make_client(site_id=None).auth_headers()


def test_auth_headers_replace_a_rejected_token_once(make_client, token_endpoint):
    client = make_client()
    stale = client.auth_headers()
    fresh = client.auth_headers(rejected=stale)
    assert fresh['Authorization'] == 'CwsAuth Bearer=tok-2'
    # Another worker reporting the same stale headers does not throw the fresh token away.
    assert client.auth_headers(rejected=stale) == fresh and token_endpoint.count == 2


def test_auth_headers_keep_a_given_access_token(make_client, token_endpoint):
    client = make_client(access_token='given-token-value')
    stale = client.auth_headers()
    assert client.auth_headers(rejected=stale)['Authorization'] == 'CwsAuth Bearer=given-token-value'
    assert token_endpoint.count == 0


def closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_post_refused_before_sending_is_retried_and_certain(make_client, sleeps):
    client = make_client(access_token='t0k', url='http://127.0.0.1:%d' % closed_port(), retries=3)
    with pytest.raises(CitrixCloudError) as err:
        client.daas('POST', '/Machines/m1/$start')
    assert len(sleeps) == 2  # refused: the service never saw it, so it was safe to try again
    assert not err.value.uncertain and err.value.status is None
    assert 'could not connect' in str(err.value)


def drop_after_reading(seen):
    def handler(request):
        seen.append(request.get_data())
        sock = request.environ['werkzeug.socket']
        sock.shutdown(socket.SHUT_RDWR)  # the request arrived; no answer will
        sock.close()
        return WerkzeugResponse('')
    return handler


def test_post_dropped_after_sending_is_not_resent(make_client, token_endpoint, httpserver, sleeps):
    seen = []
    httpserver.expect_request('/cvad/manage/Machines/m1/$start').respond_with_handler(drop_after_reading(seen))
    with pytest.raises(CitrixCloudError) as err:
        make_client().daas('POST', '/Machines/m1/$start', json={'a': 1})
    assert len(seen) == 1 and not sleeps
    assert err.value.uncertain and err.value.status is None
    assert 're-read its state' in str(err.value)


def test_get_dropped_after_sending_is_retried(make_client, token_endpoint, httpserver, sleeps):
    seen = []
    httpserver.expect_request('/cvad/manage/me').respond_with_handler(drop_after_reading(seen))
    with pytest.raises(CitrixCloudError):
        make_client(retries=2).daas('GET', '/me')
    assert len(seen) == 2


def test_read_timeout_on_post_is_uncertain(make_client, token_endpoint, httpserver):
    def slow(request):
        time.sleep(0.6)
        return json_response({})
    httpserver.expect_request('/cvad/manage/Machines/m1/$start').respond_with_handler(slow)
    with pytest.raises(CitrixCloudError, match='no answer within 0.2 s') as err:
        make_client(timeout=0.2).daas('POST', '/Machines/m1/$start')
    assert err.value.uncertain


def test_paging_2500_items_takes_3_requests(make_client, token_endpoint, httpserver):
    seen = []

    def page(request):
        seen.append(request.args.to_dict())
        start = int(request.args.get('continuationToken') or 0)
        size = int(request.args['limit'])
        body = {'Items': [{'Id': n} for n in range(start, min(start + size, 2500))]}
        if start + size < 2500:
            body['ContinuationToken'] = str(start + size)
        return json_response(body)
    httpserver.expect_request('/cvad/manage/Machines').respond_with_handler(page)
    items = list(make_client().paginate('/Machines', limit=5000, fields=['Id', 'Name']))
    assert [item['Id'] for item in items] == list(range(2500))
    assert len(seen) == 3
    assert all(q['limit'] == '1000' and q['fields'] == 'Id,Name' for q in seen)
    assert [q.get('continuationToken') for q in seen] == [None, '1000', '2000']


def test_paging_lowercase_and_empty_token(make_client, token_endpoint, httpserver):
    answers(httpserver, '/acme1234/notifications', [json_response({'items': [1, 2], 'continuationToken': ''})])
    client = make_client()
    assert list(client.paginate(client.endpoints.notifications_list, limit=None)) == [1, 2]
    assert 'limit' not in httpserver.log[-1][0].args


def test_paging_stops_on_a_repeated_token(make_client, token_endpoint, httpserver):
    seen = answers(httpserver, '/cvad/manage/Machines', [json_response({'Items': [1], 'ContinuationToken': 'same'})])
    assert list(make_client().paginate('/Machines')) == [1, 1]
    assert len(seen) == 2


def test_parallel_map_keeps_order_and_returns_exceptions(make_client, token_endpoint, httpserver):
    answers(httpserver, '/cvad/manage/me', [json_response({'ok': 1})])
    client = make_client()
    active, peak, lock = [0], [0], threading.Lock()

    def call(n):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.02)
            if n == 3:
                raise ValueError('item 3')
            return client.daas('GET', '/me').body['ok'] + n
        finally:
            with lock:
                active[0] -= 1
    results = client.parallel_map(call, range(12), workers=4)
    assert [r for i, r in enumerate(results) if i != 3] == [1 + n for n in range(12) if n != 3]
    assert isinstance(results[3], ValueError)
    assert peak[0] <= 4
    assert token_endpoint.count == 1
    assert client.parallel_map(call, [], workers=4) == []


def test_pool_grows_with_workers(make_client):
    client = make_client(access_token='t0k')
    client.ensure_pool(32)
    assert client.session.get_adapter('https://x').poolmanager.connection_pool_kw['maxsize'] == 32


def test_tls_failure_says_what_to_set(make_client, httpserver):
    client = make_client(access_token='t0k', url=httpserver.url_for('/').replace('http://', 'https://'))
    with pytest.raises(CitrixCloudError, match='ca_path'):
        client.daas('GET', '/me')


def test_no_secret_token_or_header_in_messages_or_logs(make_client, httpserver, caplog):
    """Every failure path, with the debug log on: neither the secret, the token nor a header leaks."""
    caplog.set_level(logging.DEBUG)
    token = 'tok-very-secret-bearer'
    httpserver.expect_request('/cctrustoauth2/acme1234/tokens/clients').respond_with_response(
        json_response({'access_token': token, 'expires_in': 3600}))
    answers(httpserver, '/cvad/manage/me', [json_response({'ErrorMessage': 'bad token %s for %s' % (token, SECRET)}, 400)])
    answers(httpserver, '/cvad/manage/Sites', [json_response({}, 401)])
    messages = []
    client = make_client()
    for call in (lambda: client.daas('GET', '/me'), lambda: client.daas('GET', '/Sites'),
                 lambda: client.daas('GET', '/Machines', params={'continuationToken': 'opaque-query-value'})):
        with pytest.raises(CitrixCloudError) as err:
            call()
        messages.append(str(err.value))
    text = '\n'.join(messages) + '\n' + caplog.text
    for secret in (SECRET, token, 'CwsAuth', 'Authorization', 'Bearer'):
        assert secret not in text, secret
    assert '********' in messages[0]
    assert 'opaque-query-value' not in '\n'.join(messages)  # errors name the path, never the query


def test_missing_object_500_is_not_retried(make_client, token_endpoint, httpserver, sleeps):
    seen = answers(httpserver, '/cvad/manage/Machines/gone', [json_response({'ErrorMessage': 'Object does not exist.'}, 500)])
    with pytest.raises(CitrixCloudError, match='failed with 500: Object does not exist.'):
        make_client().daas('GET', '/Machines/gone')
    assert len(seen) == 1 and not sleeps


def test_redirect_is_not_followed_silently(make_client, token_endpoint, httpserver):
    answers(httpserver, '/cvad/manage/me', [WerkzeugResponse('', status=302, headers={'Location': 'http://elsewhere/'})])
    with pytest.raises(CitrixCloudError, match='failed with 302'):
        make_client().daas('GET', '/me')


@pytest.fixture
def tls_server():
    ca = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert('localhost', '127.0.0.1').configure_cert(context)
    server = HTTPServer(ssl_context=context)
    server.start()
    server.expect_request('/cvad/manage/me').respond_with_json({'ok': 1})
    with ca.cert_pem.tempfile() as ca_path:
        yield server.url_for('/').rstrip('/'), ca_path
    server.stop()


@pytest.mark.filterwarnings('ignore::urllib3.exceptions.InsecureRequestWarning')
def test_tls_with_ca_path_and_without_validation(make_client, tls_server, monkeypatch):
    url, ca_path = tls_server
    assert make_client(access_token='t0k', url=url, ca_path=ca_path).daas('GET', '/me').body == {'ok': 1}
    with pytest.raises(CitrixCloudError, match='TLS certificate check failed'):
        make_client(access_token='t0k', url=url).daas('GET', '/me')
    # REQUESTS_CA_BUNDLE must not turn validation back on when validate_certs is false
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/nonexistent/bundle.pem')
    assert make_client(access_token='t0k', url=url, validate_certs=False).daas('GET', '/me').body == {'ok': 1}


# ---------------------------------------------------------------- transaction ids without an answer

def test_refused_connection_names_no_transaction_id(make_client, sleeps):
    client = make_client(access_token='t0k', url='http://127.0.0.1:%d' % closed_port(), retries=1)
    with pytest.raises(CitrixCloudError) as err:
        client.daas('GET', '/me')
    assert err.value.transaction_id is None  # Citrix never saw the id: naming it would mislead support
    assert 'TransactionId' not in str(err.value)


def test_tls_failure_names_no_transaction_id(make_client, tls_server):
    url, dummy = tls_server
    with pytest.raises(CitrixCloudError) as err:
        make_client(access_token='t0k', url=url, retries=1).daas('GET', '/me')
    assert err.value.transaction_id is None and 'TransactionId' not in str(err.value)


def test_lost_answer_says_the_id_was_sent_but_not_answered(make_client, token_endpoint, httpserver):
    seen = []

    def handler(request):
        seen.append(request.headers['Citrix-TransactionId'])
        return drop_after_reading([])(request)
    httpserver.expect_request('/cvad/manage/Machines/m1/$start').respond_with_handler(handler)
    with pytest.raises(CitrixCloudError) as err:
        make_client().daas('POST', '/Machines/m1/$start')
    assert err.value.transaction_id == seen[0]
    assert str(err.value).endswith('(Citrix-TransactionId %s was sent, but no answer came)' % seen[0])


def test_an_answer_names_its_transaction_id_plainly():
    err = CitrixCloudError('Bad gateway.', status=502, method='POST', path='/x', transaction_id='t-1', uncertain=True)
    assert str(err) == 'POST /x failed with 502: Bad gateway. (Citrix-TransactionId t-1)'


# ---------------------------------------------------------------- shared answers: missing objects, item lists

@pytest.mark.parametrize('status, message, missing', [
    (404, 'anything', True),
    (500, 'Object does not exist.', True),
    (500, 'Internal error.', False),
    (400, 'Object does not exist.', False),
    (None, None, False),
])
def test_is_missing(status, message, missing):
    assert _client.is_missing(CitrixCloudError(message, status=status)) is missing


@pytest.mark.parametrize('body, items', [
    ({'Items': [1]}, [1]),
    ({'items': [2]}, [2]),
    ({'Items': None, 'items': [3]}, [3]),
    ({'Items': None}, []),
    ([4, 5], [4, 5]),
    (None, []),
    ('text', []),
])
def test_list_items(body, items):
    assert _client.list_items(body) == items


def test_a_header_value_requests_refuses_is_not_retried_as_a_connection_error(make_client, token_endpoint, httpserver,
                                                                              sleeps):
    client = make_client()
    client.customer_id = CUSTOMER + '\n'  # past the option checks (they refuse it): the client still does not retry
    with pytest.raises(CitrixCloudError) as err:
        client.daas('GET', '/me')
    assert 'not sent' in str(err.value) and 'was sent' not in str(err.value)
    assert err.value.transaction_id is None and sleeps == []
    assert not [req for req, _resp in httpserver.log if req.path.endswith('/me')]


def test_retry_after_in_the_past_backs_off_normally(make_client, token_endpoint, httpserver, sleeps):
    answers(httpserver, '/cvad/manage/me', [json_response({}, 503, {'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT'}),
                                            json_response({'ok': 1})])
    assert make_client().daas('GET', '/me').body == {'ok': 1}
    assert sleeps == [0.01]  # the client's own backoff (make_client's is 0.01 * attempt), not 0


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_530_says_the_site_is_frozen_or_being_restored_and_is_sent_once(
        make_client, token_endpoint, httpserver, method):
    """HTTP 530 (a frozen site, one being restored): a sentence a person can act on, and no resend."""
    seen = answers(httpserver, '/cvad/manage/Machines/m1/$start', [WerkzeugResponse('', 530)])
    with pytest.raises(CitrixCloudError) as err:
        make_client().daas(method, '/Machines/m1/$start')
    assert 'failed with 530' in str(err.value) and 'frozen or being restored' in str(err.value)
    assert len(seen) == 1


@pytest.mark.parametrize('status, body, expected', [
    (200, {'Id': 'x'}, {'Id': 'x'}),
    (204, None, None),
    (404, {'ErrorMessage': 'Machine not found'}, None),
])
def test_daas_get_or_none_reads_an_object_or_its_absence(httpserver, make_client, status, body, expected):
    path = '/cvad/manage/Machines/x'
    httpserver.expect_request(path).respond_with_response(json_response(body or {}, status=status))
    assert daas_get_or_none(make_client(access_token='t0k'), '/Machines/x') == expected


def test_daas_get_or_none_raises_what_is_not_absence(httpserver, make_client):
    httpserver.expect_request('/cvad/manage/Machines/x').respond_with_response(
        json_response({'ErrorMessage': 'Access denied'}, status=403))
    with pytest.raises(CitrixCloudError) as err:
        daas_get_or_none(make_client(access_token='t0k'), '/Machines/x')
    assert err.value.status == 403
