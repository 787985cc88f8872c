# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix Cloud service states (the serviceStates service).

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import list_items


SERVICE_STATES = (
    'NotOnboarded', 'Expired', 'Default', 'ProductionTrialDenied', 'ProductionTrialPending',
    'ProductionTrialApproved', 'ProductionTrial', 'ProductionTrialDeleted', 'ProductionPending',
    'Production', 'PartnerProductionPending', 'PartnerProduction', 'NotOnboardedTrialPending',
)


def select_service_states(items, service_names=None, states=None):
    """Filter entitlements by service name (case-insensitive) and state (exact)."""
    names = set(n.lower() for n in service_names or [])
    wanted = set(states or [])
    return [
        i for i in items
        if (not names or str(i.get('serviceName', '')).lower() in names) and (not wanted or i.get('state') in wanted)
    ]


def service_states(client, service_names=None, states=None):
    resp = client.request('GET', client.endpoints.service_states)
    return select_service_states(list_items(resp.body), service_names, states)


def unique_names(items, key='serviceName'):
    """Names in first-seen order, without repeats."""
    seen = []
    for i in items:
        if i.get(key) not in seen:
            seen.append(i.get(key))
    return seen
