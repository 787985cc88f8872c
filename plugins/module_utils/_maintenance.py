# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS maintenance mode: PATCH only the machines where it differs.

Private to the collection; citrix_machine_maintenance is its caller.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._names import path_segment
from ansible_collections.citrix.cloud.plugins.module_utils._results import machine_result, names_diff


def wanted_body(machine, enabled):
    """The PATCH body that brings `machine` to the wanted mode, or None when it is there already.

    Only InMaintenanceMode: no request model sets MaintenanceModeReason (the service does).
    """
    if bool(machine.get('InMaintenanceMode')) == enabled:
        return None
    return {'InMaintenanceMode': enabled}


def plan(machines, enabled):
    entries = []
    for machine in machines:
        body = wanted_body(machine, enabled)
        entries.append(dict(machine=machine, body=body, result='act' if body else 'unchanged',
                            message=None, transaction_id=None))
    return entries


def _patch(client, entry):
    path = '/Machines/' + path_segment(entry['machine']['Id'], 'machine id')
    try:
        resp = client.daas('PATCH', path, json=entry['body'], expected=(200, 202, 204))
    except CitrixCloudError as err:
        entry.update(result='failed', message=str(err), transaction_id=err.transaction_id)
        return entry
    entry.update(result='changed', transaction_id=resp.transaction_id)
    return entry


def execute(client, entries, parallelism=10):
    """PATCH the planned machines in parallel; a failure never stops the others."""
    todo = [e for e in entries if e['result'] == 'act']
    outcomes = client.parallel_map(lambda e: _patch(client, e), todo, workers=parallelism)
    for entry, outcome in zip(todo, outcomes):
        if isinstance(outcome, Exception):
            entry.update(result='failed', message=str(outcome))
    return entries


def to_results(entries):
    out = []
    for entry in entries:
        result = 'changed' if entry['result'] == 'act' else entry['result']
        item = machine_result(entry['machine'], result, message=entry['message'],
                              transaction_id=entry['transaction_id'])
        del item['action'], item['reason']  # no power action here
        # the service's own enum, as read; after a change it sets a new one, not known until re-read
        item['maintenance_mode_reason'] = entry['machine'].get('MaintenanceModeReason')
        if entry['body'] and result != 'failed':  # report the state the machine is now in
            item['in_maintenance_mode'] = entry['body']['InMaintenanceMode']
            item['maintenance_mode_reason'] = None
        out.append(item)
    return out


def maintenance_diff(entries):
    """The machines in maintenance mode before the task, and after it (or after it, planned)."""
    def now_on(entry):
        done = entry['body'] and entry['result'] in ('act', 'changed')
        return entry['body']['InMaintenanceMode'] if done else bool(entry['machine'].get('InMaintenanceMode'))
    return names_diff('machines in maintenance mode',
                      [e['machine'].get('Name') for e in entries if e['machine'].get('InMaintenanceMode')],
                      [e['machine'].get('Name') for e in entries if now_on(e)])
