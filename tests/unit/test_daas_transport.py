# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for power action delivery: at most once per machine, whatever the transport.

The client's own behaviour (which POSTs it resends) is tested with it; here a small
stand-in plays the service so that every way an answer can go missing is exercised.
"""
from __future__ import annotations

import itertools
import json
import logging

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _daas_power as power
from ansible_collections.citrix.cloud.plugins.module_utils import _daas_transport as transport
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, Response
from ansible_collections.citrix.cloud.tests.unit.conftest import json_response


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(transport, 'CONFIRM_DELAYS', (0, 0))
    monkeypatch.setattr(transport.time, 'sleep', lambda s: None)


class Service:
    """Machines by id; `script` maps machine id -> what each POST to it does, in order:
    'ok' (taken, answered), 'drop_after' (taken, no answer), 'drop_before' (not taken, no answer),
    'fail' (400), 'unreadable' (taken, no answer, and GETs fail)."""

    def __init__(self, machines, script=None):
        self.machines = dict((m['Id'], dict(m)) for m in machines)
        self.script = dict((k, list(v)) for k, v in (script or {}).items())
        self.unreadable = set(k for k, v in self.script.items() if 'unreadable' in v)
        self.received = []   # (machine id, action) the service acted on
        self.posts = []
        self.batches = []
        self.token = 'tok-1'
        self.expire_after = None  # batch items sent after this many are refused 401 (token expired)
        self.map_calls = []

    def auth_headers(self, site_scoped=True, rejected=None):
        if rejected and rejected['Authorization'] == 'CwsAuth Bearer=' + self.token:
            self.token = 'tok-%d' % (int(self.token[4:]) + 1)
        return {'Authorization': 'CwsAuth Bearer=' + self.token, 'Citrix-CustomerId': 'acme', 'Citrix-InstanceId': 'site'}

    def redact(self, text):
        return text.replace(self.token, '********')

    def parallel_map(self, fn, items, workers=10):
        self.map_calls.append((len(items), workers))
        out = []
        for item in items:
            try:
                out.append(fn(item))
            except Exception as exc:  # pylint: disable=broad-except
                out.append(exc)
        return out

    def _take(self, machine_id, action):
        self.received.append((machine_id, action))
        self.machines[machine_id]['PowerActionPending'] = True

    def daas(self, method, path, params=None, json=None, expected=None, **_kw):
        if method == 'GET':
            machine_id = path.rsplit('/', 1)[1]
            if machine_id in self.unreadable:
                raise CitrixCloudError('down', status=503, method='GET', path=path)
            return Response(200, dict(self.machines[machine_id]), {}, 'tid-get')
        if path == '/$batch':
            return self._batch(json)
        machine_id, verb = path.split('/')[2:]
        self.posts.append((machine_id, verb))
        what = (self.script.get(machine_id) or ['ok']).pop(0) if self.script.get(machine_id) else 'ok'
        if what in ('ok', 'drop_after', 'unreadable'):
            self._take(machine_id, verb[1:])
        if what == 'fail':
            raise CitrixCloudError('Machine does not support specified power action.', status=400,
                                   method='POST', path=path, transaction_id='tid-400')
        if what != 'ok':
            raise CitrixCloudError('no answer', method='POST', path=path, transaction_id='tid-x', uncertain=True)
        return Response(200, None, {}, 'tid-%s' % machine_id)

    def _batch(self, body):
        self.batches.append(body)
        if self.script.get('$batch'):
            what = self.script['$batch'].pop(0)
            if what == 'drop_after':  # the service did every item, the answer got lost
                for item in body['Items']:
                    self._take(item['RelativeUrl'].split('/')[2], 'reboot')
            raise CitrixCloudError('no answer', method='POST', path='/$batch', uncertain=True)
        items = []
        for item in body['Items']:
            machine_id, verb = item['RelativeUrl'].split('?')[0].split('/')[2:]
            if self._refused(item):
                items.append({'Reference': item['Reference'], 'Code': 401,
                              'Body': '{"ErrorMessage": "Invalid or expired bearer token."}'})
                continue
            what = (self.script.get(machine_id) or ['ok']).pop(0) if self.script.get(machine_id) else 'ok'
            if what == 'ok':
                self._take(machine_id, verb[1:])
                items.append({'Reference': item['Reference'], 'Code': 200, 'Body': ''})
            elif what == '429':
                items.append({'Reference': item['Reference'], 'Code': 429, 'Body': ''})
            elif what == 'fail':
                items.append({'Reference': item['Reference'], 'Code': 400,
                              'Body': '{"ErrorMessage": "Machine does not support specified power action."}'})
        return Response(200, {'Items': items}, {}, 'tid-batch')

    def _refused(self, item):
        headers = dict((h['Name'], h['Value']) for h in item['Headers'])
        if self.expire_after is not None:
            if self.expire_after == 0 and headers['Authorization'].endswith('tok-1'):
                return True
            self.expire_after -= 1
        return headers.get('Authorization') != 'CwsAuth Bearer=' + self.token


def machines(n):
    return [{'Id': 'm%d' % i, 'Name': 'D\\M%d' % i, 'PowerState': 'On', 'SessionCount': 0,
             'PowerActionPending': False, 'SupportedPowerActions': ['Restart']} for i in range(n)]


def run(service, how='parallel', force=False):
    entries = power.plan(list(service.machines.values()), 'restarted', force=force)
    power.execute(service, entries, force=force, how=how)
    return dict((e['machine']['Id'], e) for e in entries)


@pytest.mark.parametrize('how', ['parallel', 'batch'])
def test_every_machine_gets_its_action_once(how):
    service = Service(machines(5))
    results = run(service, how)
    assert sorted(service.received) == [('m%d' % i, 'reboot') for i in range(5)]
    assert all(e['result'] == 'changed' for e in results.values())


def test_a_dropped_answer_after_the_action_is_not_resent():
    service = Service(machines(2), {'m0': ['drop_after']})
    results = run(service)
    assert service.received.count(('m0', 'reboot')) == 1
    assert service.posts.count(('m0', '$reboot')) == 1
    assert results['m0']['result'] == 'changed'
    assert 'arrived' in results['m0']['message']


def test_a_send_provably_not_taken_is_sent_again():
    service = Service(machines(1), {'m0': ['drop_before', 'ok']})
    results = run(service)
    assert service.posts.count(('m0', '$reboot')) == 2
    assert service.received == [('m0', 'reboot')]
    assert results['m0']['result'] == 'changed'


def test_sends_stop_after_max_sends_and_fail_honestly():
    service = Service(machines(1), {'m0': ['drop_before'] * 5})
    results = run(service)
    assert service.posts.count(('m0', '$reboot')) == transport.MAX_SENDS
    assert results['m0']['result'] == 'failed' and 'not sent again' in results['m0']['message']


def test_a_machine_that_cannot_be_reread_is_not_sent_again():
    service = Service(machines(1), {'m0': ['unreadable']})
    results = run(service)
    assert service.posts == [('m0', '$reboot')]
    assert results['m0']['result'] == 'failed'
    assert 'could not be re-read' in results['m0']['message']


def test_a_refusal_fails_that_machine_only_with_message_and_transaction_id():
    service = Service(machines(3), {'m1': ['fail']})
    results = run(service)
    assert results['m1']['result'] == 'failed'
    assert 'does not support' in results['m1']['message'] and results['m1']['transaction_id'] == 'tid-400'
    assert [results['m0']['result'], results['m2']['result']] == ['changed', 'changed']


def test_force_goes_in_the_query():
    assert transport.power_params('reboot', True) == {'detailResponseRequired': 'false', 'force': 'true'}
    assert transport.power_params('start', True) == {'detailResponseRequired': 'false'}
    assert transport.power_path('DEMOLAB\\X', 'reboot') == '/Machines/DEMOLAB%7CX/$reboot'


def test_batch_resends_throttled_items_singly_and_reports_refusals():
    service = Service(machines(3), {'m0': ['429'], 'm2': ['fail']})
    results = run(service, 'batch')
    assert sorted(service.received) == [('m0', 'reboot'), ('m1', 'reboot')]
    assert service.posts == [('m0', '$reboot')]
    assert results['m2']['result'] == 'failed' and 'does not support' in results['m2']['message']
    items = service.batches[0]['Items']
    assert items[0]['RelativeUrl'] == '/Machines/m0/$reboot?detailResponseRequired=false'


def test_batch_is_chunked(monkeypatch):
    monkeypatch.setattr(transport, 'BATCH_SIZE', 2)
    service = Service(machines(5))
    run(service, 'batch')
    assert [len(b['Items']) for b in service.batches] == [2, 2, 1]
    assert len(service.received) == 5


def test_transport_is_chosen_by_name():
    service = Service(machines(2))
    run(service, how='batch')
    assert len(service.batches) == 1
    with pytest.raises(ValueError, match='Unknown power transport'):
        run(Service(machines(1)), how='carrier-pigeon')


def test_each_batch_item_carries_its_own_authorization_customer_and_site():
    service = Service(machines(2))
    run(service, 'batch')
    for item in service.batches[0]['Items']:
        assert item['Headers'] == [{'Name': 'Authorization', 'Value': 'CwsAuth Bearer=tok-1'},
                                   {'Name': 'Citrix-CustomerId', 'Value': 'acme'},
                                   {'Name': 'Citrix-InstanceId', 'Value': 'site'}]


def test_items_refused_401_get_a_fresh_token_once_and_only_they_are_resent():
    service = Service(machines(5))
    service.expire_after = 2  # the token expires while the service works through the batch
    results = run(service, 'batch')
    assert sorted(service.received) == [('m%d' % i, 'reboot') for i in range(5)]
    assert [len(b['Items']) for b in service.batches] == [5, 3]
    assert service.batches[1]['Items'][0]['Headers'][0]['Value'] == 'CwsAuth Bearer=tok-2'
    assert service.posts == [] and all(e['result'] == 'changed' for e in results.values())


def test_items_refused_401_twice_fail_without_the_token():
    service = Service(machines(2))
    service.auth_headers = lambda site_scoped=True, rejected=None: {
        'Authorization': 'CwsAuth Bearer=old', 'Citrix-CustomerId': 'acme', 'Citrix-InstanceId': 'site'}
    results = run(service, 'batch')
    assert len(service.batches) == 2 and service.received == [] and service.posts == []
    for entry in results.values():
        assert entry['result'] == 'failed' and 'failed with 401' in entry['message']
        assert 'access token was rejected' in entry['message'] and 'old' not in entry['message']


@pytest.mark.parametrize('before,after,took', [
    ({'PowerState': 'On'}, {'PowerState': 'On', 'PowerActionPending': True}, True),
    ({'PowerState': 'On'}, {'PowerState': 'TurningOff'}, True),
    ({'PowerState': 'On', 'LastDeregistrationTime': 'a'}, {'PowerState': 'On', 'LastDeregistrationTime': 'b'}, True),
    ({'PowerState': 'On', 'LastDeregistrationTime': 'a'}, {'PowerState': 'On', 'LastDeregistrationTime': 'a'}, False),
    ({'PowerState': 'Off'}, {'PowerState': 'Off', 'PowerActionPending': False}, False),
    ({'PowerState': 'Off'}, None, None),
    ({'PowerState': 'On', 'Hosting': {'LastHostingUpdateTime': 't1'}},
     {'PowerState': 'On', 'Hosting': {'LastHostingUpdateTime': 't2'}}, True),
    ({'PowerState': 'On', 'Hosting': {'LastHostingUpdateTime': 't1'}},
     {'PowerState': 'On', 'Hosting': {'LastHostingUpdateTime': 't1'}}, False),
])
def test_action_took(before, after, took):
    assert transport.action_took(before, after) is took


@pytest.mark.parametrize('lost', ['drop_after', 'drop_before'])
def test_a_lost_batch_answer_is_settled_machine_by_machine(lost, monkeypatch):
    slept = []
    monkeypatch.setattr(transport.time, 'sleep', slept.append)
    service = Service(machines(30), {'$batch': [lost]})
    entries = power.plan(list(service.machines.values()), 'restarted')
    power.execute(service, entries, how='batch', parallelism=7)
    assert sorted(service.received) == sorted(('m%d' % i, 'reboot') for i in range(30))
    assert all(e['result'] == 'changed' for e in entries)
    # Taken: nothing resent. Not taken: each resent once, singly.
    assert len(service.posts) == (0 if lost == 'drop_after' else 30)
    # The 30 machines are re-read together, `parallelism` at once: one round per confirm delay
    # (taken: the first round shows it), not one machine after another.
    rounds = 1 if lost == 'drop_after' else len(transport.CONFIRM_DELAYS)
    assert slept == list(transport.CONFIRM_DELAYS[:rounds])
    resend_round = 1 if lost == 'drop_before' else 0
    assert service.map_calls.count((30, 7)) == rounds + resend_round


def test_wait_polls_with_growing_sleeps_until_the_target_then_fails_the_stragglers():
    service = Service(machines(2))
    entries = power.plan(list(service.machines.values()), 'restarted')
    power.execute(service, entries)
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) == 2:  # m0 comes back On with nothing pending; m1 never does
            service.machines['m0']['PowerActionPending'] = False
    power.wait_until_reached(service, entries, 'restarted', timeout=10, sleep=sleep)
    assert [e['result'] for e in entries] == ['changed', 'failed']
    assert 'not On within 10 seconds' in entries[1]['message']
    assert power.any_changed(entries)
    assert slept == [2.0, 3.0, 4.5, 0.5]  # growing, the last one cut to the time left


def test_wait_relists_a_big_catalog_instead_of_reading_each_machine(monkeypatch):
    listed = []

    def select(client, catalog=None, delivery_group=None, fields=None, **_kw):
        listed.append((catalog, fields))
        return [dict(m, PowerActionPending=False) for m in client.machines.values()]
    monkeypatch.setattr(power.daas, 'select_machines', select)
    service = Service(machines(power.RELIST_ABOVE + 1))
    entries = power.plan(list(service.machines.values()), 'restarted')
    power.execute(service, entries)
    power.wait_until_reached(service, entries, 'restarted', 60, catalog='Big', sleep=lambda s: None)
    assert listed == [('Big', power.daas.POLL_FIELDS)]
    assert all(e['result'] == 'changed' for e in entries)


def echo_batch(answer_items):
    """A $batch endpoint that quotes what it was sent: the outer error, or each item's error."""
    def handler(request):
        sent = request.get_json()
        if not answer_items:
            return json_response({'ErrorMessage': 'Bad request: %s' % json.dumps(sent)}, 400)
        return json_response({'Items': [
            {'Reference': i['Reference'], 'Code': code, 'Body': json.dumps({'ErrorMessage': 'refused %s' % json.dumps(i)})}
            for i, code in zip(sent['Items'], itertools.cycle(answer_items))]})
    return handler


@pytest.mark.parametrize('answer_items', [[], [400], [401], [400, 'not json']])
def test_the_token_in_batch_items_never_reaches_a_message_or_log(make_client, token_endpoint, httpserver,
                                                                 caplog, answer_items):
    caplog.set_level(logging.DEBUG)
    httpserver.expect_request('/cvad/manage/$batch', method='POST').respond_with_handler(echo_batch(answer_items))
    client = make_client()
    entries = power.plan(machines(3), 'restarted')
    power.execute(client, entries, how='batch')
    results = power.to_results(entries)
    assert all(r['result'] == 'failed' for r in results)
    assert 'refused' in results[0]['message'] or 'Bad request' in results[0]['message']
    text = json.dumps(results) + caplog.text
    assert '********' in text  # the service did quote it
    for token in ['tok-%d' % n for n in range(1, token_endpoint.count + 1)]:
        assert token not in text
