# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for power action delivery: each machine's action sent once, whatever the service does.

The client's own behaviour (which POSTs it resends) is tested with it; here a small stand-in
plays the service (async $batch, jobs, machines) on a fake clock, so that every way an answer can
go missing is exercised without waiting.
"""
from __future__ import annotations

import itertools
import json
import logging

import pytest

from werkzeug.wrappers import Response as WerkzeugResponse

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient, CitrixCloudError, Response
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
from ansible_collections.citrix.cloud.tests.unit.conftest import CUSTOMER, SITE, answers, json_response
from ansible_collections.citrix.cloud.plugins.module_utils import _power_plan as power
from ansible_collections.citrix.cloud.plugins.module_utils import _power_transport as transport


class Auth:
    can_refresh = True

    def __init__(self):
        self.n = 1

    def token(self):
        return 'tok-%d' % self.n

    def invalidate(self, token, nested=False):
        if token == self.token():
            self.n += 1


class Service:
    """Machines by id and a fake clock; `script` maps machine id (or '$batch') -> what each POST
    to it does, in order: 'ok' (taken, answered), 'drop_after' (taken, no answer), 'lost' (no
    answer, and the service never acts), 'refused' (connection refused before sending), 'fail'
    (400), '401' and '429' (item refused), 'late' (no answer; the service acts `late` s later),
    'job_fails' (item answered 202, its job then fails), 'unreadable' (taken, no answer, GETs fail)."""

    def __init__(self, machines, script=None, late=5.0):
        self.machines = dict((m['Id'], dict(m)) for m in machines)
        self.script = dict((k, list(v)) for k, v in (script or {}).items())
        self.unreadable = set(k for k, v in self.script.items() if 'unreadable' in v)
        self.received = []   # (machine id, action) the service acted on
        self.posts = []      # single power calls sent
        self.batches = []    # $batch bodies sent
        self.jobs = {}       # id -> (status, results)
        self.auth = Auth()
        self.now = 0.0
        self.late = late
        self.scheduled = []  # (time, machine id, action): the service acts late
        self.workers = []    # `workers` of every parallel_map
        self.gets = 0
        self.endpoints = Endpoints('acme1234')  # behind the gateway: $batch items carry the path as is
        self.site_id = None

    # -- the client's surface ----------------------------------------------------------------
    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        for when, machine_id, action in list(self.scheduled):
            if when <= self.now:
                self.scheduled.remove((when, machine_id, action))
                self._take(machine_id, action)

    @staticmethod
    def backoff(attempt):
        return 0.5 * attempt

    @staticmethod
    def redact(text):
        return text

    def parallel_map(self, fn, items, workers=10):
        self.workers.append(workers)
        out = []
        for item in items:
            try:
                out.append(fn(item))
            except Exception as exc:  # pylint: disable=broad-except
                out.append(exc)
        return out

    def daas(self, method, path, params=None, json=None, expected=None, attempts=None):
        if method == 'GET' and path.startswith('/Jobs/'):
            return self._job(path)
        if method == 'GET':
            self.gets += 1
            machine_id = path.split('?')[0].rsplit('/', 1)[1]
            if machine_id in self.unreadable:
                raise CitrixCloudError('down', status=503, method='GET', path=path)
            return Response(200, dict(self.machines[machine_id]), {}, 'tid-get')
        if path == '/$batch':
            return self._batch(json, params)
        if path.endswith('$cancel'):
            return Response(200, {'Status': 'Canceled'}, {}, 'tid-c')
        machine_id, verb = path.split('/')[2:]
        for sends in range(1, (attempts or 5) + 1):
            self.posts.append((machine_id, verb))
            what = self._next(machine_id)
            if what != 'refused':
                break
        else:
            raise CitrixCloudError('could not connect', method='POST', path=path, sends=sends)
        return self._single(machine_id, verb[1:], what, path, sends)

    # -- the service -------------------------------------------------------------------------
    def _next(self, key):
        return self.script[key].pop(0) if self.script.get(key) else 'ok'

    def _take(self, machine_id, action):
        self.received.append((machine_id, action))
        self.machines[machine_id]['PowerActionPending'] = True

    def _single(self, machine_id, action, what, path, sends):
        if what in ('ok', 'drop_after', 'unreadable'):
            self._take(machine_id, action)
        if what == 'late':
            self.scheduled.append((self.now + self.late, machine_id, action))
        if what == 'fail':
            raise CitrixCloudError('Machine does not support specified power action.', status=400,
                                   method='POST', path=path, transaction_id='tid-400', sends=sends)
        if what == '429':
            raise CitrixCloudError('Rate limit exceeded', status=429, method='POST', path=path, sends=sends)
        if what not in ('ok',):
            raise CitrixCloudError('no answer', method='POST', path=path, transaction_id='tid-x',
                                   uncertain=True, sends=sends)
        return Response(200, None, {}, 'tid-%s' % machine_id, sends=sends)

    def _batch(self, body, params):
        assert params == {'async': 'true'}
        self.batches.append(body)
        what = self._next('$batch')
        items = [self._item(item, what) for item in body['Items']]
        if what in ('drop_after', 'lost', 'late'):
            raise CitrixCloudError('no answer', method='POST', path='/$batch', uncertain=True)
        if what == 'job_failed':
            return self._new_job('Failed', None)
        return self._new_job('Complete', {'Items': items})

    def _item(self, item, batch_what):
        machine_id, verb = item['RelativeUrl'].split('?')[0].split('/')[2:]
        ref = item['Reference']
        if item['Headers'] != [{'Name': 'Authorization', 'Value': 'Bearer ' + self.auth.token()}]:
            return {'Reference': ref, 'Code': 401, 'Body': '{"ErrorMessage": "Invalid or expired bearer token."}'}
        if batch_what in ('lost', 'job_failed'):
            return None
        if batch_what == 'late':
            self.scheduled.append((self.now + self.late, machine_id, verb[1:]))
            return None
        what = self._next(machine_id)
        if what in ('ok', 'drop_after', 'job_fails'):
            self._take(machine_id, verb[1:])
        if what in ('401', '429'):
            return {'Reference': ref, 'Code': int(what), 'Body': '', 'Headers': [{'Name': 'Retry-After', 'Value': '2'}]}
        if what == 'fail':
            return {'Reference': ref, 'Code': 400, 'Body': '{"ErrorMessage": "Machine does not support specified power action."}'}
        if what == 'job_fails':
            location = self._new_job('Failed', None).headers['Location']
            return {'Reference': ref, 'Code': 202, 'Headers': [{'Name': 'Location', 'Value': location}]}
        if what == '500':
            return {'Reference': ref, 'Code': 500, 'Body': '{"ErrorMessage": "boom"}'}
        return {'Reference': ref, 'Code': 200, 'Body': ''}

    def _new_job(self, status, results):
        jid = 'job-%d' % (len(self.jobs) + 1)
        self.jobs[jid] = (status, results)
        return Response(202, None, {'Location': 'https://api/cvad/manage/Jobs/' + jid}, 'tid-batch')

    def _job(self, path):
        parts = path.split('/')
        status, results = self.jobs[parts[2]]
        if len(parts) > 3:
            return Response(200, results, {}, 'tid-r')
        return Response(200, {'Id': parts[2], 'Status': status, 'ErrorString': 'hypervisor refused'}, {}, 'tid-j')


def machines(n):
    return [{'Id': 'm%d' % i, 'Name': 'D\\M%d' % i, 'PowerState': 'On', 'SessionCount': 0,
             'PowerActionPending': False, 'SupportedPowerActions': ['Restart']} for i in range(n)]


def run(service, how='parallel', force=False, parallelism=10):
    entries = power.plan(list(service.machines.values()), 'restarted', force=force)
    power.execute(service, entries, force=force, how=how, parallelism=parallelism)
    return dict((e['machine']['Id'], e) for e in entries)


def once_each(service, n):
    return sorted(service.received) == [('m%d' % i, 'reboot') for i in range(n)]


@pytest.mark.parametrize('how', ['parallel', 'batch'])
def test_every_machine_gets_its_action_once(how):
    service = Service(machines(5))
    results = run(service, how)
    assert once_each(service, 5)
    assert all(e['result'] == 'changed' for e in results.values())
    assert len(service.batches) == (1 if how == 'batch' else 0)


@pytest.mark.parametrize('how', ['parallel', 'batch'])
def test_a_lost_answer_after_the_action_is_settled_by_the_machine_not_resent(how):
    service = Service(machines(3), {'m0' if how == 'parallel' else '$batch': ['drop_after']})
    results = run(service, how)
    assert once_each(service, 3)
    assert len(service.posts) == (3 if how == 'parallel' else 0) and len(service.batches) <= 1
    assert results['m0']['result'] == 'changed' and 'arrived' in results['m0']['message']


@pytest.mark.parametrize('how', ['parallel', 'batch'])
def test_a_slow_service_that_acts_late_is_waited_for_never_resent(how):
    """The answer is lost and the service acts 40 s later: the machine shows it, then it is changed."""
    service = Service(machines(2), {'m0' if how == 'parallel' else '$batch': ['late']}, late=40.0)
    results = run(service, how)
    assert once_each(service, 2) if how == 'batch' else sorted(service.received) == [('m0', 'reboot'), ('m1', 'reboot')]
    assert results['m0']['result'] == 'changed' and 40.0 <= service.now < transport.SERVICE_LIMIT


@pytest.mark.parametrize('how', ['parallel', 'batch'])
def test_no_evidence_until_the_service_can_no_longer_act_fails_without_a_resend(how):
    service = Service(machines(2), {'m0' if how == 'parallel' else '$batch': ['lost']})
    results = run(service, how)
    assert ('m0', 'reboot') not in service.received
    assert len(service.posts) == (2 if how == 'parallel' else 0) and len(service.batches) <= 1
    assert service.now >= transport.SERVICE_LIMIT  # waited as long as the service could still act
    message = results['m0']['message']
    assert results['m0']['result'] == 'failed' and 'may have taken the reboot' in message and 're-run' in message
    assert not power.any_changed([results['m0']])


def test_a_connection_refused_before_sending_is_sent_again_within_the_budget():
    service = Service(machines(2), {'m0': ['refused', 'ok'], 'm1': ['refused'] * 5})
    results = run(service)
    assert service.posts.count(('m0', '$reboot')) == 2 and results['m0']['result'] == 'changed'
    assert service.posts.count(('m1', '$reboot')) == transport.MAX_SENDS
    assert results['m1']['result'] == 'failed' and 'could not connect' in results['m1']['message']


def test_a_machine_that_cannot_be_reread_is_not_sent_again():
    service = Service(machines(1), {'m0': ['unreadable']})
    results = run(service)
    assert service.posts == [('m0', '$reboot')]
    assert results['m0']['result'] == 'failed' and 'could not be re-read' in results['m0']['message']


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


def test_batch_items_carry_exactly_one_header_the_bearer_token():
    service = Service(machines(2))
    run(service, 'batch')
    item = service.batches[0]['Items'][0]
    assert item['Headers'] == [{'Name': 'Authorization', 'Value': 'Bearer tok-1'}]
    assert item['RelativeUrl'] == '/Machines/m0/$reboot?detailResponseRequired=false' and item['Method'] == 'POST'


def test_batch_throttled_items_go_in_the_next_batch_after_the_delay_and_refusals_are_reported():
    service = Service(machines(3), {'m0': ['429', '429'], 'm2': ['fail']})
    results = run(service, 'batch')
    assert sorted(service.received) == [('m0', 'reboot'), ('m1', 'reboot')]
    assert [len(b['Items']) for b in service.batches] == [3, 1, 1] and service.posts == []
    assert service.now >= 4.0  # Retry-After: 2, twice
    assert results['m0']['result'] == 'changed'
    assert results['m2']['result'] == 'failed' and 'does not support' in results['m2']['message']


def test_steady_throttling_is_waited_out_by_time_then_fails_as_not_sent():
    service = Service(machines(1), {'m0': ['429'] * 1000})
    results = run(service, 'batch')
    assert service.received == [] and service.now >= transport.THROTTLE_PATIENCE
    assert len(service.batches) > transport.MAX_SENDS  # throttled sends are not counted
    assert results['m0']['result'] == 'failed' and 'was not sent' in results['m0']['message']


def test_items_refused_401_get_a_fresh_token_and_only_they_are_resent():
    service = Service(machines(3), {'m1': ['401']})
    results = run(service, 'batch')
    assert once_each(service, 3)
    assert [len(b['Items']) for b in service.batches] == [3, 1]
    assert service.batches[1]['Items'][0]['Headers'] == [{'Name': 'Authorization', 'Value': 'Bearer tok-2'}]
    assert all(e['result'] == 'changed' for e in results.values())


def test_items_refused_401_every_time_stop_at_the_budget():
    service = Service(machines(1), {'m0': ['401'] * 10})
    results = run(service, 'batch')
    assert len(service.batches) == transport.MAX_SENDS and service.received == []
    assert results['m0']['result'] == 'failed' and 'failed with 401' in results['m0']['message']


def test_an_item_taken_as_its_own_job_that_fails_is_reported():
    service = Service(machines(2), {'m0': ['job_fails']})
    results = run(service, 'batch')
    assert results['m0']['result'] == 'failed' and 'hypervisor refused' in results['m0']['message']
    assert results['m1']['result'] == 'changed'


def test_a_failed_batch_job_or_an_item_5xx_is_settled_by_the_machines():
    service = Service(machines(2), {'$batch': ['job_failed']})
    results = run(service, 'batch')
    assert service.received == [] and len(service.batches) == 1
    assert all(e['result'] == 'failed' and 'ended Failed' in e['message'] for e in results.values())
    assert service.now < 5  # the job is over: the service can no longer act, no long wait
    service = Service(machines(2), {'m0': ['500']})
    results = run(service, 'batch')
    assert results['m0']['result'] == 'failed' and 'boom' in results['m0']['message']


def test_batch_is_chunked_and_every_phase_stays_within_parallelism(monkeypatch):
    monkeypatch.setattr(transport, 'BATCH_SIZE', 2)
    service = Service(machines(5), {'$batch': ['ok', 'lost']})
    run(service, 'batch', parallelism=3)
    assert [len(b['Items']) for b in service.batches] == [2, 2, 1]
    assert service.workers and max(service.workers) <= 3


def test_transport_is_chosen_by_name():
    with pytest.raises(ValueError, match='Unknown power transport'):
        run(Service(machines(1)), how='carrier-pigeon')


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
    monkeypatch.setattr(power, 'select_machines', select)
    service = Service(machines(power.RELIST_ABOVE + 1))
    entries = power.plan(list(service.machines.values()), 'restarted')
    power.execute(service, entries)
    power.wait_until_reached(service, entries, 'restarted', 60, catalog='Big', sleep=lambda s: None)
    assert listed == [('Big', power.POLL_FIELDS)]
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
    if answer_items == [401]:  # a fresh token refused too ends the run: one fresh token, not one a send
        assert token_endpoint.count == 2 and 'freshly issued token' in results[0]['message']
    else:
        assert '********' in text  # the service did quote it
    for token in ['tok-%d' % n for n in range(1, token_endpoint.count + 1)]:
        assert token not in text


def test_a_batch_job_that_cannot_be_followed_without_a_token_fails_at_once(make_client, token_endpoint,
                                                                           httpserver, sleeps):
    """The batch was taken, then every token is refused: its machines fail (never sent again) within
    seconds, instead of polling a job and re-reading machines without a request for minutes."""
    batches = answers(httpserver, '/cvad/manage/$batch', [WerkzeugResponse('', status=202, headers={
        'Location': 'https://api.cloud.com/cvad/manage/Jobs/j-1'})], method='POST')
    polls = answers(httpserver, '/cvad/manage/Jobs/j-1', [json_response({'ErrorMessage': 'Invalid token.'}, 401)])
    client = make_client()
    entries = power.plan(machines(3), 'restarted')
    power.execute(client, entries, how='batch')
    results = power.to_results(entries)
    assert [r['result'] for r in results] == ['failed'] * 3
    assert all('its batch job j-1 could not be followed' in r['message'] and 'not sent again' in r['message']
               for r in results)
    assert len(batches) == 1 and token_endpoint.count == 2 and len(polls) == 3  # tok-1, tok-2 refused
    assert sum(sleeps) < 10


def test_batch_items_carry_the_prefix_where_daas_is_direct():
    entry = {'action': 'reboot', 'machine': {'Id': 'm-1'}}
    direct = CitrixCloudClient(Endpoints(None, api_url='https://ddc1', on_premises=True), site_id=SITE)
    gateway = CitrixCloudClient(Endpoints(CUSTOMER), site_id=SITE)
    item = transport.batch_item(direct, 0, entry, False, 'tok')
    assert item['RelativeUrl'] == 'CitrixOnPremises/%s/Machines/m-1/$reboot?detailResponseRequired=false' % SITE
    assert item['Headers'] == [{'Name': 'Authorization', 'Value': 'Bearer tok'}]
    assert transport.batch_item(gateway, 0, entry, False, 'tok')['RelativeUrl'] == '/Machines/m-1/$reboot?detailResponseRequired=false'
