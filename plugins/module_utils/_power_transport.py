# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How power actions reach DaaS, and the one rule for ever sending one again.

Private to the collection. Two transports:

- 'batch' (default), Citrix's own pattern: `POST /$batch?async=true` with up to BATCH_SIZE items,
  follow the job in `Location`, read `GET /Jobs/{id}/Results` for each item's answer; an item that
  itself answered 202 has its own job, followed for its outcome.
- 'parallel': one `POST /Machines/{id}/$action` per machine. A power call only queues the action,
  so it answers quickly and needs no job of its own.

The rule, for both: an action goes to a machine again only where the service provably did not
take it (an item refused 401, then with a fresh token; throttled, 429; a connection refused before
sending; a request the gateway refused as unavailable, 503). Every other outcome is in doubt and is
settled by evidence (the job's results, then the machine's PowerActionPending / power state), for
as long as the service can still act on the request; a machine still without evidence then is
failed, never sent again. Each machine has one budget of MAX_SENDS across rounds and transports;
throttling and the gateway's 503 are waited out by time (THROTTLE_PATIENCE), not counted. Every
phase runs at most `parallelism` requests at once.
"""

from __future__ import annotations

import json
import random

from ansible_collections.citrix.cloud.plugins.module_utils._client import (
    HINTS, MAX_SERVER_DELAY, THROTTLE_PATIENCE, CitrixCloudError, body_retry_delay, retry_after,
)
from ansible_collections.citrix.cloud.plugins.module_utils._names import path_segment
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_FIELDS, refresh_machines
from ansible_collections.citrix.cloud.plugins.module_utils import _jobs as jobs

# citrix_machine_power's `transport` option (bench/RESULTS.md compares them).
DEFAULT_TRANSPORT = 'batch'

MAX_SENDS = 3  # requests carrying one machine's action; those refused unread (429, gateway 503) not counted
# The service may still act on a request this long after it was sent: the spec's limit for a
# synchronous call ("more than 90 seconds ... may time out, and results may be lost").
SERVICE_LIMIT = 90.0
BATCH_SIZE = 100


# ---------------------------------------------------------------- requests

def power_path(machine_id, action):
    return '/Machines/%s/$%s' % (path_segment(machine_id, 'machine id'), action)


def power_params(action, force):
    # detailResponseRequired=false: the service skips building the machine detail (faster).
    params = {'detailResponseRequired': 'false'}
    if force and action in ('reboot', 'shutdown'):
        params['force'] = 'true'
    return params


def batch_relative_url(client, path, params):
    """A $batch item's RelativeUrl: the API path below the base, with its query.

    The one place it is built. Where DaaS is reached directly (on-premises, Government) it starts with
    `{customerId}/{siteId}/`, as Citrix's client writes it; behind the gateway it is the path as is.
    """
    return client.endpoints.batch_relative_url(path, client.site_id) + '?' + '&'.join(
        '%s=%s' % kv for kv in sorted(params.items()))


def batch_item(client, reference, entry, force, token):
    # Each item carries exactly one header, as Citrix's client sends it; customer and site come
    # from the batch request itself.
    headers = [{'Name': 'Authorization', 'Value': 'Bearer %s' % token}] if token else []
    action = entry['action']
    return {'Reference': str(reference), 'Method': 'POST', 'Headers': headers, 'Body': '',
            'RelativeUrl': batch_relative_url(client, power_path(entry['machine']['Id'], action),
                                              power_params(action, force))}


# ---------------------------------------------------------------- outcomes of one send

def _changed(entry, transaction_id=None, message=None):
    # `sent` outlives a later wait time-out, which turns the result to failed: it still changed.
    entry.update(result='changed', transaction_id=transaction_id, message=message, sent=True)
    entry.pop('doubt', None)


def _failed(entry, message, transaction_id=None):
    entry.update(result='failed', message=message, transaction_id=transaction_id or entry.get('transaction_id'))
    entry.pop('doubt', None)


def _again(entry, why):
    """Provably not taken: send again next round, within the budget."""
    entry['next'] = ('again', why)


def _throttled(entry, delay):
    entry['next'] = ('throttled', delay)


def _doubt(client, entry, why, transaction_id=None, acting_for=SERVICE_LIMIT):
    """No proof either way: wait for evidence while the service may still act (`acting_for` s)."""
    entry['doubt'] = dict(why=why, until=client.clock() + acting_for)
    entry['transaction_id'] = transaction_id


def _error_outcome(client, entry, err):
    """What a CitrixCloudError on a send says about that machine's action."""
    if err.uncertain:
        _doubt(client, entry, str(err), err.transaction_id)
    else:  # refused by the service (throttled past patience included), or never sent: not taken
        _failed(entry, str(err), err.transaction_id)


# ---------------------------------------------------------------- parallel single calls

def _send_single(client, entry, force, journal):
    journal.sending([entry])
    try:
        resp = client.daas('POST', power_path(entry['machine']['Id'], entry['action']),
                           params=power_params(entry['action'], force), expected=(200, 202, 204),
                           attempts=MAX_SENDS - entry['sends'])
    except CitrixCloudError as err:
        entry['sends'] += err.sends
        _error_outcome(client, entry, err)
        return
    entry['sends'] += resp.sends
    _changed(entry, resp.transaction_id)
    if resp.status == 202 and resp.headers.get('Location'):
        entry['job'] = jobs.job_id(resp)


def _send_parallel(client, entries, force, parallelism, journal):
    _report_crashes(client, entries, client.parallel_map(lambda e: _send_single(client, e, force, journal), entries,
                                                         workers=parallelism))


def _report_crashes(client, entries, outcomes):
    for entry, outcome in zip(entries, outcomes):
        if isinstance(outcome, Exception):  # no token, or a bug: report, never send again
            for one in entry if isinstance(entry, list) else [entry]:
                if one['result'] == 'act' and not one.get('doubt') and not one.get('next'):
                    _failed(one, client.redact(str(outcome)))


# ---------------------------------------------------------------- $batch?async=true

def _item_code(item):
    try:
        return int(item.get('Code') or 0)
    except (TypeError, ValueError):
        return 0


def _item_header(item, name):
    for header in item.get('Headers') or []:
        if isinstance(header, dict) and str(header.get('Name', '')).lower() == name.lower():
            return header.get('Value')
    return None


def _item_body(item):
    try:
        body = json.loads(item.get('Body') or '{}')
    except (TypeError, ValueError):
        body = {}
    return body if isinstance(body, dict) else {}


def _batch_message(client, item):
    """The item's error in the service's words; redacted, as a service may echo what it was sent."""
    body = _item_body(item)
    text = body.get('ErrorMessage') or body.get('detail') or item.get('Body') or 'no detail'
    hint = HINTS.get(401, '') if _item_code(item) == 401 else ''
    return client.redact('batch item failed with %s: %s%s' % (item.get('Code'), text, hint))


def _throttle_delay(client, item, sends):
    server = retry_after(_item_header(item, 'Retry-After'))
    if server is None:
        server = body_retry_delay(_item_body(item))
    if server is None:
        return client.backoff(sends + 1)
    return min(server, MAX_SERVER_DELAY) * random.uniform(1.0, 1.1)


def _item_outcome(client, entry, item, tid, job):
    """Settle one machine from its item of the batch's results."""
    code = _item_code(item) if isinstance(item, dict) else None
    if code is None:
        _doubt(client, entry, 'the batch job %s gave no answer for it' % job, tid, acting_for=0)
    elif code == 202:
        _changed(entry, tid)
        location = _item_header(item, 'Location')
        entry['job'] = jobs.job_id(location) if location else None
    elif 200 <= code < 300:
        _changed(entry, tid)
    elif code == 401:
        _again(entry, _batch_message(client, item))  # not authenticated, so not acted on
    elif code == 429:
        _throttled(entry, _throttle_delay(client, item, entry['sends']))
    elif code >= 500 or code == 0:
        _doubt(client, entry, '%s (batch job %s)' % (_batch_message(client, item), job), tid, acting_for=0)
    else:
        _failed(entry, _batch_message(client, item), tid)


def _batch_items(client, resp, chunk, journal):
    """(items of the batch's answer, job id) for a batch that was taken; None when in doubt."""
    if resp.status != 202:  # answered synchronously after all
        body = resp.body if isinstance(resp.body, dict) else {}
        return body.get('Items') or [], None
    jid = jobs.job_id(resp)
    journal.job(chunk, jid)
    try:
        job = jobs.poll(client, [jid], parallelism=1)[jid] or {}
    except CitrixCloudError as err:  # no token for the rest of the run: nothing more can be read
        for entry in chunk:
            _doubt(client, entry, 'its batch job %s could not be followed (%s)' % (jid, err), resp.transaction_id,
                   acting_for=0)
        return None
    status = job.get('Status')
    if status in jobs.DONE:
        try:
            body = jobs.results(client, jid)
            return (body.get('Items') if isinstance(body, dict) else None) or [], jid
        except CitrixCloudError as err:
            why, acting = 'its batch job %s ended, but its results could not be read (%s)' % (jid, err), 0
    elif status in ('Failed', 'Canceled'):
        why, acting = 'its batch job %s ended %s: %s' % (jid, status, jobs.failure(job)), 0
    else:  # the job outlived its life here: stop it, then go by the machines
        acting = 0 if jobs.cancel(client, jid) else SERVICE_LIMIT
        why = 'its batch job %s did not end within %d s (last status %s)' % (jid, jobs.JOB_LIFE, status)
    for entry in chunk:
        _doubt(client, entry, why, resp.transaction_id, acting_for=acting)
    return None


def _send_chunk(client, chunk, force, journal):
    """POST one batch and settle what its job's results settle."""
    token = client.auth.token() if client.auth is not None else None
    body = {'Items': [batch_item(client, i, e, force, token) for i, e in enumerate(chunk)]}
    journal.sending(chunk)
    try:
        resp = client.daas('POST', '/$batch', params={'async': 'true'}, json=body, expected=(200, 202),
                           attempts=min(MAX_SENDS - e['sends'] for e in chunk))
    except CitrixCloudError as err:
        for entry in chunk:
            entry['sends'] += err.sends
            _error_outcome(client, entry, err)
        return
    for entry in chunk:
        entry['sends'] += resp.sends
    answer = _batch_items(client, resp, chunk, journal)
    if answer is None:
        return
    items, jid = answer
    by_ref = dict((str(i.get('Reference')), i) for i in items if isinstance(i, dict))
    for index, entry in enumerate(chunk):
        _item_outcome(client, entry, by_ref.get(str(index)), resp.transaction_id, jid or 'answer')
    if token and any(e.get('next', ('',))[0] == 'again' for e in chunk) and getattr(client.auth, 'can_refresh', False):
        client.auth.invalidate(token, nested=True)  # items refused 401: one fresh token (see invalidate)


def _send_batch(client, entries, force, parallelism, journal):
    chunks = [entries[i:i + BATCH_SIZE] for i in range(0, len(entries), BATCH_SIZE)]
    # One request at a time per chunk (its POST, then its job), so at most `parallelism` in flight.
    _report_crashes(client, chunks, client.parallel_map(lambda c: _send_chunk(client, c, force, journal), chunks,
                                                        workers=parallelism))


TRANSPORTS = {'batch': _send_batch, 'parallel': _send_parallel}


# ---------------------------------------------------------------- rounds, evidence, item jobs

def _next_round(client, entries, throttled_for):
    """The entries to send again (provably not taken, within budget) and how long to wait first."""
    again, wait = [], 0.0
    for entry in entries:
        kind, detail = entry.pop('next', (None, None))
        if kind == 'throttled' and throttled_for >= THROTTLE_PATIENCE:
            _failed(entry, 'still throttled (429) after %d s of waiting, so the %s was not sent (the service did '
                    'not take it): run the task again later' % (THROTTLE_PATIENCE, entry['action']))
        elif kind == 'throttled':
            again.append(entry)
            wait = max(wait, detail)
        elif kind == 'again' and entry['sends'] >= MAX_SENDS:
            _failed(entry, '%s; the service did not take the %s in %d sends, so it was not sent again'
                    % (detail, entry['action'], MAX_SENDS))
        elif kind == 'again':
            again.append(entry)
    return again, wait


def action_took(before, after):
    """True when a re-read machine shows the action arrived, False when it shows nothing yet.

    Any sign counts: an action pending, another power state, a newer hosting update (the
    hypervisor connection reported a power change: a reboot that already went through), a new
    deregistration. A machine that cannot be re-read gives None: unknown.
    """
    if after is None:
        return None
    if after.get('PowerActionPending'):
        return True
    if after.get('PowerState') != before.get('PowerState'):
        return True
    if _hosting_update(before) != _hosting_update(after):
        return True
    for key in ('LastDeregistrationTime', 'RegistrationState'):
        if key in before and key in after and before[key] != after[key]:
            return True
    return False


def _hosting_update(machine):
    return (machine.get('Hosting') or {}).get('LastHostingUpdateTime')


def _no_evidence(entry, took):
    seen = ('the machine shows no sign of it' if took is False else 'the machine could not be re-read')
    return ('%s; %s, yet the service may have taken the %s, so it was not sent again: a re-run re-plans '
            'from the machine\'s state' % (entry['doubt']['why'], seen, entry['action']))


def settle_doubts(client, entries, parallelism):
    """Re-read each machine in doubt until it shows the action, or the service can no longer act."""
    waiting = [e for e in entries if e.get('doubt')]
    for delay in jobs.intervals(first=1.0, longest=10.0):
        if not waiting:
            return
        fresh = refresh_machines(client, [e['machine']['Id'] for e in waiting], fields=MACHINE_FIELDS,
                                 workers=parallelism)
        now, still, blind = client.clock(), [], jobs.gave_up(client)  # blind: no token, nothing to re-read
        for entry in waiting:
            took = action_took(entry['machine'], fresh.get(entry['machine']['Id']))
            if took:
                _changed(entry, entry.get('transaction_id'), '%s, but the machine shows the %s arrived'
                         % (entry['doubt']['why'], entry['action']))
            elif entry['doubt']['until'] <= now or blind:
                _failed(entry, _no_evidence(entry, took))
            else:
                still.append(entry)
        waiting = still
        if waiting:
            client.sleep(max(0.0, min(delay, min(e['doubt']['until'] for e in waiting) - now)))


def follow_item_jobs(client, entries, parallelism):
    """Actions the service took as jobs of their own: report those whose job failed."""
    by_job = dict((e['job'], e) for e in entries if e.get('job') and e['result'] == 'changed')
    if not by_job:
        return
    try:
        polled = jobs.poll(client, list(by_job), parallelism=parallelism)
    except CitrixCloudError:
        return  # no token for the rest of the run: the actions stay reported as taken (queued)
    for jid, job in polled.items():
        status = (job or {}).get('Status')
        if status in ('Failed', 'Canceled'):
            entry = by_job[jid]
            entry.update(result='failed', message='the service took the %s as job %s, which ended %s: %s'
                         % (entry['action'], jid, status, jobs.failure(job)))


class _NoJournal:
    def sending(self, entries):
        pass

    def job(self, entries, jid):
        pass


def send_power_actions(client, entries, force=False, parallelism=10, how=DEFAULT_TRANSPORT, journal=None):
    """Send the planned actions of `entries` by `how` ('batch' or 'parallel'); fill each result.

    `journal` (a _power_journal.Journal) is told of each send before it goes, and of each batch's job.
    """
    journal = journal or _NoJournal()
    if how not in TRANSPORTS:
        raise ValueError('Unknown power transport %r; use one of %s.' % (how, ', '.join(TRANSPORTS)))
    for entry in entries:
        entry.setdefault('sends', 0)
    todo, throttled_for = list(entries), 0.0
    while todo:
        TRANSPORTS[how](client, todo, force, parallelism, journal)
        todo, wait = _next_round(client, todo, throttled_for)
        if todo and wait:
            client.sleep(wait)
            throttled_for += wait
    settle_doubts(client, entries, parallelism)
    follow_item_jobs(client, entries, parallelism)
