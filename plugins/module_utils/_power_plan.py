# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS power actions: plan one action per machine, send each at most once, wait.

Private to the collection; citrix_machine_power is its only caller. Planning is pure
(machines in, plan out) so that every rule is unit-tested without HTTP.
"""

from __future__ import annotations

import time

from ansible_collections.citrix.cloud.plugins.module_utils._results import machine_result
from ansible_collections.citrix.cloud.plugins.module_utils._selection import POLL_FIELDS, refresh_machines, select_machines, session_count
from ansible_collections.citrix.cloud.plugins.module_utils import _power_transport as transport

STATES = ('started', 'stopped', 'restarted', 'suspended', 'resumed')

# Power states in which the broker does not manage the machine's power: never send anything.
UNMANAGED = ('Unknown', 'Unmanaged', 'Unavailable', 'NotSupported', 'VirtualMachineNotFound')

UNCHANGED = 'unchanged'

# state -> {PowerState: action to send, or UNCHANGED}; a PowerState not listed is skipped.
# restarted acts on On only: an Off machine is skipped, never started (see the module docs).
TRANSITIONS = {
    'started': {'Off': 'start', 'Suspended': 'start',
                'On': UNCHANGED, 'TurningOn': UNCHANGED, 'Resuming': UNCHANGED},
    'stopped': {'On': 'shutdown', 'Suspended': 'shutdown', 'Off': UNCHANGED, 'TurningOff': UNCHANGED},
    'restarted': {'On': 'reboot'},
    'suspended': {'On': 'suspend', 'Suspended': UNCHANGED, 'Suspending': UNCHANGED},
    'resumed': {'Suspended': 'resume', 'On': UNCHANGED, 'Resuming': UNCHANGED, 'TurningOn': UNCHANGED},
}

# action -> the SupportedPowerActions entry it needs, without and with force.
NEEDS = {
    'start': ('PowerOn', 'PowerOn'),
    'shutdown': ('Shutdown', 'PowerOff'),
    'reboot': ('Restart', 'Reset'),
    'suspend': ('SuspendResume', 'SuspendResume'),
    'resume': ('SuspendResume', 'SuspendResume'),
}

# Where an acted-on machine is done, for wait: true.
TARGET_POWER_STATE = {'started': 'On', 'stopped': 'Off', 'restarted': 'On',
                      'suspended': 'Suspended', 'resumed': 'On'}

BUSY_BY_DEFAULT = ('restarted', 'stopped', 'suspended')


def resolve_skip_busy(state, skip_busy=None):
    """skip_busy unset means: protect users' sessions for the actions that end them."""
    return state in BUSY_BY_DEFAULT if skip_busy is None else skip_busy


def supports(machine, action, force=False):
    """False when SupportedPowerActions shows the service would refuse `action`.

    A missing list (None, or only 'Unknown') says nothing, so the service decides.
    """
    supported = machine.get('SupportedPowerActions')
    if supported is None or (supported and set(supported) <= {'Unknown'}):
        return True
    return NEEDS[action][1 if force else 0] in supported


def _listed(states):
    return ' or '.join(states)


def plan_machine(machine, state, force=False, skip_busy=True):
    """(action or None, result, reason) for one machine; result is 'act', 'unchanged' or 'skipped'."""
    power = machine.get('PowerState') or 'Unknown'
    if power in UNMANAGED:
        return None, 'skipped', 'power action not supported: power state is %s' % power
    if machine.get('PowerActionPending'):
        return None, 'skipped', PENDING
    outcome = TRANSITIONS[state].get(power)
    if outcome == UNCHANGED:
        return None, 'unchanged', None
    if outcome is None:
        actionable = [p for p, a in TRANSITIONS[state].items() if a != UNCHANGED]
        return None, 'skipped', 'power state is %s; state=%s acts only on machines that are %s' % (
            power, state, _listed(actionable))
    if not supports(machine, outcome, force):
        return None, 'skipped', 'power action not supported: %s is not among SupportedPowerActions (%s)' % (
            NEEDS[outcome][1 if force else 0], ', '.join(machine.get('SupportedPowerActions') or []) or 'none')
    sessions = session_count(machine)
    if skip_busy and sessions is None:
        # not told is not zero: a machine whose sessions are unknown is treated as busy
        return None, 'skipped', 'session count unknown: the service did not return SessionCount'
    if skip_busy and sessions:
        return None, 'skipped', 'has %d session%s' % (sessions, '' if sessions == 1 else 's')
    return outcome, 'act', None


PENDING = 'a power action is already pending'


def same_request(sent, state):
    """True when an action another run sent (a journal record) is the one `state` sends, from the
    power state the machine was in then."""
    return TRANSITIONS[state].get((sent.get('before') or {}).get('PowerState')) == sent.get('action')


def plan(machines, state, force=False, skip_busy=None, taken=None, held=None):
    """One plan entry per machine: {'machine', 'action', 'result', 'reason', ...}.

    `taken` ({id: journal record}): actions runs on this controller sent and the service took; a
    machine with that same action pending is unchanged (this run asks for what is under way), not
    skipped. `held` ({id: message}): machines an earlier run may still have acted on; where this
    run would act, they fail unsent.
    """
    skip_busy = resolve_skip_busy(state, skip_busy)
    taken, held = taken or {}, held or {}
    entries = []
    for machine in machines:
        action, result, reason = plan_machine(machine, state, force, skip_busy)
        message, sent = None, taken.get(machine.get('Id'))
        if machine.get('Id') in held and result == 'act':  # only where this run would act
            action, result, reason, message = None, 'failed', None, held[machine['Id']]
        elif reason == PENDING and sent and same_request(sent, state):
            result, reason = 'unchanged', None
            message = 'the %s a run on this controller sent at %s is pending' % (
                sent['action'], time.strftime('%H:%M:%S UTC', time.gmtime(sent['at'])))
        entries.append(dict(machine=machine, action=action, result=result, reason=reason,
                            message=message, transaction_id=None))
    return entries


def to_results(entries):
    """The module's `machines`: planned 'act' entries count as changed in check mode."""
    out = []
    for entry in entries:
        result = 'changed' if entry['result'] == 'act' else entry['result']
        out.append(machine_result(entry['machine'], result, action=entry['action'],
                                  reason=entry['reason'], message=entry['message'],
                                  transaction_id=entry['transaction_id']))
    return out


# ---------------------------------------------------------------- act and wait

def execute(client, entries, force=False, parallelism=10, how=transport.DEFAULT_TRANSPORT, journal=None):
    """Send every planned action; fills each entry's result ('changed' or 'failed').

    `journal` (_power_journal) records each send before it goes and, at the end, what was taken.
    """
    todo = [e for e in entries if e['result'] == 'act']
    if todo:
        transport.send_power_actions(client, todo, force=force, parallelism=parallelism, how=how, journal=journal)
        if journal is not None:  # not after an exception: what was in flight then stays in doubt for the next run
            journal.settled(todo)
    return entries


def any_changed(entries):
    """True when any action was sent (or in check mode would be), even if its wait then failed."""
    return any(e['result'] in ('act', 'changed') or e.get('sent') for e in entries)


def reached(machine, state):
    """True when a re-read machine is where `state` wants it (restart: On and nothing pending)."""
    if machine.get('PowerActionPending'):
        return False
    return machine.get('PowerState') == TARGET_POWER_STATE[state]


def poll_intervals(timeout, first=2.0, factor=1.5, cap=30.0):
    """Growing sleeps that add up to no more than `timeout`."""
    left, delay = float(timeout), first
    while left > 0:
        step = min(delay, left)
        yield step
        left -= step
        delay = min(delay * factor, cap)


# Above this many machines to watch, re-listing their catalog/delivery group (a request per
# 1000 machines) is cheaper than re-reading each machine (a request per machine).
RELIST_ABOVE = 20


def _fresh(client, ids, parallelism, catalog=None, delivery_group=None):
    if (catalog or delivery_group) and len(ids) > RELIST_ABOVE:
        found = select_machines(client, catalog=catalog, delivery_group=delivery_group,
                                fields=POLL_FIELDS)
        return dict((m['Id'], m) for m in found if m.get('Id') in ids)
    return refresh_machines(client, ids, workers=parallelism)


def wait_until_reached(client, entries, state, timeout, parallelism=10, catalog=None,
                       delivery_group=None, sleep=time.sleep):
    """Poll the changed machines until each reaches its target; the rest fail on time-out."""
    waiting = dict((e['machine']['Id'], e) for e in entries if e['result'] == 'changed')
    for step in poll_intervals(timeout):
        if not waiting:
            return
        sleep(step)
        fresh = _fresh(client, set(waiting), parallelism, catalog, delivery_group)
        for machine_id, machine in fresh.items():
            waiting[machine_id]['machine'] = dict(waiting[machine_id]['machine'], **machine)
            if reached(machine, state):
                del waiting[machine_id]
    for entry in waiting.values():
        entry['result'] = 'failed'
        entry['message'] = 'the %s was sent but the machine was not %s within %s seconds' % (
            entry['action'], TARGET_POWER_STATE[state], timeout)
