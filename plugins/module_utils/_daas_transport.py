# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How power actions reach DaaS: POST /$batch (default) or parallel single calls.

Private to the collection. Both transports keep one promise: a power action reaches a
machine at most once. The client never resends a POST that may have arrived (it raises
CitrixCloudError with `uncertain`); here the machine is re-read, and the action is sent
again only when the machine shows it did not take it.
"""

from __future__ import annotations

import json
import time

from ansible_collections.citrix.cloud.plugins.module_utils import _daas as daas
from ansible_collections.citrix.cloud.plugins.module_utils._client import HINTS, CitrixCloudError

# citrix_machine_power's `transport` option. 'batch': faster than 'parallel' with and without
# faults, and as safe (bench/RESULTS.md).
DEFAULT_TRANSPORT = 'batch'

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

def _batch_item(index, entry, force, headers):
    # The service authenticates each item by its own Headers, not by the batch's.
    query = '&'.join('%s=%s' % kv for kv in sorted(power_params(entry['action'], force).items()))
    return {'Reference': str(index), 'Method': 'POST',
            'RelativeUrl': power_path(entry['machine']['Id'], entry['action']) + '?' + query,
            'Headers': [{'Name': k, 'Value': v} for k, v in sorted(headers.items())], 'Body': ''}


def _item_code(item):
    try:
        return int(item.get('Code') or 0)
    except (TypeError, ValueError):
        return 0


def _batch_message(client, item):
    """The item's error in the service's words; redacted, as a service may echo what it was sent."""
    try:
        body = json.loads(item.get('Body') or '{}')
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    text = body.get('ErrorMessage') or body.get('detail') or item.get('Body') or 'no detail'
    hint = HINTS.get(401, '') if _item_code(item) == 401 else ''
    return client.redact('batch item failed with %s: %s%s' % (item.get('Code'), text, hint))


def _post_batch(client, chunk, force, headers):
    """POST one batch; (each entry's answer item or None, transaction id). Raises CitrixCloudError."""
    body = {'Items': [_batch_item(i, e, force, headers) for i, e in enumerate(chunk)]}
    resp = client.daas('POST', '/$batch', json=body, expected=(200,))
    items = (resp.body or {}).get('Items') if isinstance(resp.body, dict) else None
    answered = dict((str(i.get('Reference')), i) for i in items or [] if isinstance(i, dict))
    return [answered.get(str(i)) for i in range(len(chunk))], resp.transaction_id


def _batch_round(client, chunk, force, headers, refused_ok=True):
    """POST one batch and settle what its answer settles.

    Returns (to resend: provably not acted on, in doubt: (entry, why) pairs, refused with 401).
    """
    try:
        items, tid = _post_batch(client, chunk, force, headers)
    except CitrixCloudError as err:
        if err.uncertain:  # the whole batch may or may not have arrived
            return [], [(e, str(err)) for e in chunk], []
        for entry in chunk:
            _failed(entry, str(err), err.transaction_id)
        return [], [], []
    resend, doubt, refused = [], [], []
    for entry, item in zip(chunk, items):
        code = _item_code(item) if item else None
        if item is None or code == 503:  # no answer, or one that does not prove it was not done
            doubt.append((entry, 'the batch (Citrix-TransactionId %s) gave no clear answer for it' % tid))
        elif 200 <= code < 300:
            _changed(entry, tid)
        elif code == 429:
            resend.append(entry)  # throttled: not processed
        elif code == 401 and refused_ok:
            refused.append(entry)  # not authenticated, so not acted on
        else:
            _failed(entry, _batch_message(client, item), tid)
    return resend, doubt, refused


def _settle_doubts(client, doubts, parallelism):
    """Re-read every machine in doubt at once, after each of CONFIRM_DELAYS; return those safe to resend.

    A lost batch leaves up to BATCH_SIZE machines in doubt: reading them in parallel keeps its
    cost near one re-read round rather than one per machine.
    """
    pending = [(entry, why, None) for entry, why in doubts]
    for delay in CONFIRM_DELAYS:
        if not pending:
            break
        time.sleep(delay)
        fresh = daas.refresh_machines(client, [e['machine']['Id'] for e, _why, _took in pending],
                                      fields=daas.MACHINE_FIELDS, workers=parallelism)
        pending = [(e, why, action_took(e['machine'], fresh.get(e['machine']['Id']))) for e, why, _took in pending]
        for entry, why, took in pending:
            if took:
                _changed(entry, None, '%s, but the machine shows the %s arrived' % (why, entry['action']))
        pending = [p for p in pending if not p[2]]
    for entry, why, took in pending:
        if took is None:
            _failed(entry, '%s; the machine could not be re-read to tell whether the %s arrived, so it was '
                    'not sent again' % (why, entry['action']))
    return [entry for entry, _why, took in pending if took is False]


def _send_batch_chunk(client, chunk, force, parallelism):
    """One batch of up to BATCH_SIZE; returns the entries to send again singly."""
    headers = client.auth_headers()
    resend, doubt, refused = _batch_round(client, chunk, force, headers)
    if refused:
        # Like a single call's 401: the token expired meanwhile; a fresh one, once, for those items.
        fresh = client.auth_headers(rejected=headers)
        more = _batch_round(client, refused, force, fresh, refused_ok=False)
        resend, doubt = resend + more[0], doubt + more[1]
    return resend + _settle_doubts(client, doubt, parallelism)


def _send_batch(client, entries, force, parallelism):
    chunks = [entries[i:i + BATCH_SIZE] for i in range(0, len(entries), BATCH_SIZE)]
    leftovers = client.parallel_map(lambda c: _send_batch_chunk(client, c, force, parallelism), chunks,
                                    workers=max(1, min(parallelism, len(chunks))))
    resend = []
    for chunk, left in zip(chunks, leftovers):
        if isinstance(left, Exception):  # no token, or a bug: report, never send again
            for entry in chunk:
                if entry['result'] == 'act':
                    _failed(entry, client.redact(str(left)))
            continue
        resend.extend(left)
    # Items the batch did not take go one by one, with the same at-most-once rules.
    _send_parallel(client, resend, force, parallelism)


TRANSPORTS = {'batch': _send_batch, 'parallel': _send_parallel}


def send_power_actions(client, entries, force=False, parallelism=10, how=DEFAULT_TRANSPORT):
    """Send the planned actions of `entries` by `how`: 'batch' or 'parallel'."""
    if how not in TRANSPORTS:
        raise ValueError('Unknown power transport %r; use one of %s.' % (how, ', '.join(TRANSPORTS)))
    TRANSPORTS[how](client, entries, force, parallelism)
