# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How power actions reach DaaS: parallel single calls (default) or POST /$batch.

Private to the collection. Both transports keep one promise: a power action reaches a
machine at most once. The client never resends a POST that may have arrived (it raises
CitrixCloudError with `uncertain`); here the machine is re-read, and the action is sent
again only when the machine shows it did not take it.
"""

from __future__ import annotations

import json
import os
import time

from ansible_collections.citrix.cloud.plugins.module_utils import _daas as daas
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError

# 'parallel' or 'batch'. Benchmarks switch with CITRIX_DAAS_POWER_TRANSPORT; users need not.
DEFAULT_TRANSPORT = 'parallel'
TRANSPORT_ENV = 'CITRIX_DAAS_POWER_TRANSPORT'

MAX_SENDS = 3             # one send, then at most two more that were provably not taken
# Re-reads after an unanswered send: one soon (before a fast action completes and its traces
# fade), one later (for a request the service was still processing when the answer was lost).
CONFIRM_DELAYS = (0.2, 2.0)
BATCH_SIZE = 100


def power_path(machine_id, action):
    return '/Machines/%s/$%s' % (daas.path_segment(machine_id, 'machine id'), action)


def power_params(action, force):
    # detailResponseRequired=false: the service skips building the machine detail (faster).
    params = {'detailResponseRequired': 'false'}
    if force and action in ('reboot', 'shutdown'):
        params['force'] = 'true'
    return params


def action_took(before, after):
    """True when a re-read machine shows the action arrived, False when it shows it did not.

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


def _confirm(client, machine, sleep=time.sleep):
    """action_took after the re-reads of CONFIRM_DELAYS; None if the machine cannot be read."""
    took = None
    for delay in CONFIRM_DELAYS:
        sleep(delay)
        try:
            after = daas.refresh_machines(client, [machine['Id']], fields=daas.MACHINE_FIELDS,
                                          workers=1).get(machine['Id'])
        except CitrixCloudError:
            after = None
        took = action_took(machine, after)
        if took:
            return True
    return took


def _changed(entry, transaction_id=None, message=None):
    # `sent` outlives a later wait time-out, which turns the result to failed: it still changed.
    entry.update(result='changed', transaction_id=transaction_id, message=message, sent=True)


def _failed(entry, message, transaction_id=None):
    entry.update(result='failed', message=message, transaction_id=transaction_id)


def resolve_uncertain(client, entry, err, resend, sleep=time.sleep):
    """After an unanswered send: mark changed, fail, or return True when it is safe to resend."""
    took = _confirm(client, entry['machine'], sleep=sleep)
    if took:
        _changed(entry, err.transaction_id,
                 'no answer came back, but the machine shows the %s arrived' % entry['action'])
        return False
    if took is None:
        _failed(entry, '%s; the machine could not be re-read to tell whether the %s arrived, so it '
                'was not sent again' % (err, entry['action']), err.transaction_id)
        return False
    if not resend:
        _failed(entry, '%s; the machine shows no sign of the %s after %d sends; not sent again'
                % (err, entry['action'], MAX_SENDS), err.transaction_id)
        return False
    return True


def send_one(client, entry, force, sleep=time.sleep):
    """One machine's action by a single POST; fills the entry's result."""
    action, machine = entry['action'], entry['machine']
    for attempt in range(1, MAX_SENDS + 1):
        try:
            resp = client.daas('POST', power_path(machine['Id'], action),
                               params=power_params(action, force), expected=(200, 202, 204))
        except CitrixCloudError as err:
            if err.uncertain and resolve_uncertain(client, entry, err, attempt < MAX_SENDS, sleep):
                continue
            if not err.uncertain:
                _failed(entry, str(err), err.transaction_id)
            return entry
        _changed(entry, resp.transaction_id)
        return entry
    return entry


def _send_parallel(client, entries, force, parallelism):
    outcomes = client.parallel_map(lambda e: send_one(client, e, force), entries, workers=parallelism)
    for entry, outcome in zip(entries, outcomes):
        if isinstance(outcome, Exception):  # a bug or a failure outside HTTP: report, do not stop
            _failed(entry, str(outcome))


# ---------------------------------------------------------------- $batch

def _batch_item(index, entry, force):
    query = '&'.join('%s=%s' % kv for kv in sorted(power_params(entry['action'], force).items()))
    return {'Reference': str(index), 'Method': 'POST',
            'RelativeUrl': power_path(entry['machine']['Id'], entry['action']) + '?' + query,
            'Headers': [], 'Body': ''}


def _batch_message(item):
    try:
        body = json.loads(item.get('Body') or '{}')
    except ValueError:
        body = {}
    text = body.get('ErrorMessage') or body.get('detail') or item.get('Body') or 'no detail'
    return 'batch item failed with %s: %s' % (item.get('Code'), text)


def _send_batch_chunk(client, chunk, force):
    """One POST /$batch; items the service did not take (429/503) go back as single calls."""
    body = {'Items': [_batch_item(i, e, force) for i, e in enumerate(chunk)]}
    try:
        resp = client.daas('POST', '/$batch', json=body, expected=(200,))
    except CitrixCloudError as err:
        if not err.uncertain:
            for entry in chunk:
                _failed(entry, str(err), err.transaction_id)
            return []
        # The whole batch may or may not have arrived: decide machine by machine.
        return [e for e in chunk if resolve_uncertain(client, e, err, True)]
    retry = []
    answered = dict((str(i.get('Reference')), i) for i in (resp.body or {}).get('Items') or [])
    for index, entry in enumerate(chunk):
        item = answered.get(str(index))
        if item is None:
            retry.append(entry)  # no answer for it: treated like an unanswered single send
        elif 200 <= int(item.get('Code') or 0) < 300:
            _changed(entry, resp.transaction_id)
        elif int(item.get('Code') or 0) in (429, 503):
            retry.append(entry)  # throttled: not processed, safe to send again
        else:
            _failed(entry, _batch_message(item), resp.transaction_id)
    return retry


def _send_batch(client, entries, force, parallelism):
    chunks = [entries[i:i + BATCH_SIZE] for i in range(0, len(entries), BATCH_SIZE)]
    leftovers = client.parallel_map(lambda c: _send_batch_chunk(client, c, force), chunks,
                                    workers=max(1, min(parallelism, len(chunks))))
    for chunk, left in zip(chunks, leftovers):
        if isinstance(left, Exception):
            for entry in chunk:
                _failed(entry, str(left))
            continue
        # Items the batch did not settle go one by one, with the same at-most-once rules.
        # Those without an answer are re-read first by send_one's own uncertainty handling.
        _send_parallel(client, [e for e in left if not _unanswered_took(client, e)], force, parallelism)


def _unanswered_took(client, entry):
    """For a batch item with no answer: True (and marked changed) when the machine shows it arrived."""
    after = daas.refresh_machines(client, [entry['machine']['Id']], fields=daas.MACHINE_FIELDS,
                                  workers=1).get(entry['machine']['Id'])
    if action_took(entry['machine'], after):
        _changed(entry, None, 'the batch gave no answer for it, but the machine shows the %s arrived'
                 % entry['action'])
        return True
    return False


TRANSPORTS = {'parallel': _send_parallel, 'batch': _send_batch}


def send_power_actions(client, entries, force=False, parallelism=10, how=None):
    """Send the planned actions of `entries` with the chosen transport (default: parallel)."""
    how = how or os.environ.get(TRANSPORT_ENV) or DEFAULT_TRANSPORT
    if how not in TRANSPORTS:
        raise ValueError('Unknown power transport %r; use one of %s.' % (how, ', '.join(TRANSPORTS)))
    TRANSPORTS[how](client, entries, force, parallelism)
