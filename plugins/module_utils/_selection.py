# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Machine selection: by name, catalog or delivery group, never broader than asked; filters.

A SessionCount the service did not return is unknown, and unknown is busy (session_count).

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, is_missing
from ansible_collections.citrix.cloud.plugins.module_utils._module import listed
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, check_names, path_segment, ref_matches
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _folders as folders


POWER_STATES = (
    'Unknown', 'Unmanaged', 'Unavailable', 'Off', 'On', 'Suspended', 'TurningOn', 'TurningOff',
    'Suspending', 'Resuming', 'NotSupported', 'VirtualMachineNotFound',
)
REGISTRATION_STATES = ('Unknown', 'Unregistered', 'Initializing', 'Registered', 'AgentError')
# The machine selector options, as doc fragment citrix.cloud.common.machines documents them.
# in_maintenance_mode is not one: citrix_machine_maintenance sets that mode, so it cannot select
# by it; citrix_machine_info and citrix_machine_power add it themselves.
MACHINE_SELECTORS = dict(
    name=dict(type='list', elements='str'),
    catalog=dict(type='str'),
    delivery_group=dict(type='str'),
    power_state=dict(type='list', elements='str', choices=list(POWER_STATES)),
    registration_state=dict(type='list', elements='str', choices=list(REGISTRATION_STATES)),
    idle=dict(type='bool'),
)
# Doc fragment citrix.cloud.common.maintenance_filter; not a selector of citrix_machine_maintenance.
MAINTENANCE_FILTER = dict(in_maintenance_mode=dict(type='bool'))

# What citrix_machine_info returns, and everything power/maintenance planning reads.
# Listing only these (fields=) keeps pages of 1000 machines small.
MACHINE_FIELDS = (
    'Id', 'Name', 'Sid', 'DnsName', 'IPAddress', 'PowerState', 'PowerActionPending', 'SupportedPowerActions',
    'RegistrationState', 'SummaryState', 'FaultState', 'SessionCount', 'SessionSupport',
    'InMaintenanceMode', 'MaintenanceModeReason', 'MachineCatalog', 'DeliveryGroup', 'Zone',
    'Hosting', 'Tags', 'AllocationType', 'MachineType', 'OSType', 'LastDeregistrationTime',
)
# SessionCount, SessionSupport, Hosting, Zone, Tags and LastDeregistrationTime are not in the
# service's default field set: every machine call names the fields it reads, on a route that takes
# fields= (GET /DeliveryGroups/{nameOrId}/Machines does not, so delivery groups are never listed there).
# Cheap subset for polling while waiting on power actions.
POLL_FIELDS = ('Id', 'Name', 'PowerState', 'PowerActionPending', 'SessionCount',
               'RegistrationState', 'LastDeregistrationTime')


def check_selectors(names=None, catalog=None, delivery_group=None, names_option='name'):
    """Check every selector before the first call, so bad input never costs a request; a message names
    the option (`names_option`: the option of the machine names, citrix_session's is `machine`)."""
    check_names(names, 'machine name', names_option)
    if catalog is not None:
        check_name(catalog, 'catalog', 'catalog')
    if delivery_group is not None:
        check_name(delivery_group, 'delivery group', 'delivery_group')


def _fields(fields):
    return ','.join(fields) if fields else None


def _catalog_machines(client, key, fields):
    """Machines of one catalog (id, full name or a plain name only one has), or None when there is none."""
    machines = _catalog_page(client, key, fields)
    if machines is None:
        match = folders.by_plain_name(client, 'MachineCatalogs', key)
        if match and match.get('Id'):
            machines = _catalog_page(client, match['Id'], fields)
    return machines


def _catalog_page(client, key, fields):
    path = '/MachineCatalogs/%s/Machines' % path_segment(key, 'catalog')
    try:
        return list(client.paginate(path, limit=1000, fields=_fields(fields)))
    except CitrixCloudError as err:
        if is_missing(err):
            return None
        raise


def _in_groups(machines, group_ids):
    wanted = set(i.lower() for i in group_ids)
    return [m for m in machines if str((m.get('DeliveryGroup') or {}).get('Id') or '').lower() in wanted]


def _group_machines(client, group_ids, fields, within=None):
    """Machines of these delivery groups, from `within` (a catalog's machines) or the site's list.

    Never GET /DeliveryGroups/{id}/Machines: it takes no fields=, so it answers without SessionCount.
    """
    if within is None:
        within = client.paginate('/Machines', limit=1000, fields=_fields(fields))
    return _in_groups(within, group_ids)


def _lookup_machine(client, name, fields):
    """(the machine or None, transaction id of the answer): a miss keeps its id for the error."""
    try:
        resp = client.daas('GET', '/Machines/' + path_segment(name), expected=(200, 204),
                           params={'fields': _fields(fields)} if fields else None)
    except CitrixCloudError as err:
        if is_missing(err):
            return None, err.transaction_id
        raise
    return resp.body or None, resp.transaction_id


def _get_machine(client, name, fields):
    return _lookup_machine(client, name, fields)[0]


def _machines_by_name(client, names, fields, workers):
    """The machines found by name, id or SID, and {name: transaction id} of those not found."""
    found = client.parallel_map(lambda name: _lookup_machine(client, name, fields), names, workers=workers)
    for result in found:
        if isinstance(result, Exception):
            raise result
    misses = dict((name, tid) for name, (machine, tid) in zip(names, found) if not machine)
    return [machine for machine, _tid in found], misses


def _unique(machines):
    seen, out = set(), []
    for machine in machines:
        if machine and machine.get('Id') not in seen:
            seen.add(machine.get('Id'))
            out.append(machine)
    return out


def _keys(selector):
    """A catalog or delivery group selector as a list: one name or id, or a list of them."""
    if selector is None:
        return []
    return [selector] if isinstance(selector, str) else list(selector)


def _container_pools(client, catalog, delivery_group, fields, strict):
    """One pool per selector given: the machines of any of its catalogs (or delivery groups).

    None when one does not exist and not `strict`: then nothing matches, so stop calling.
    """
    group_ids = []
    for key in _keys(delivery_group):  # first: a group that does not exist costs no machine list
        group_id = folders.resolve_id(client, 'DeliveryGroups', key)
        if group_id is None:
            return _none_such(strict, 'Delivery group', key)
        group_ids.append(group_id)
    if group_ids and fields and 'DeliveryGroup' not in fields:
        fields = tuple(fields) + ('DeliveryGroup',)  # what tells a machine's delivery group
    pools = []
    if _keys(catalog):
        pool = []
        for key in _keys(catalog):
            machines = _catalog_machines(client, key, fields)
            if machines is None:
                return _none_such(strict, 'Machine catalog', key)
            pool.extend(machines)
        pools.append(_unique(pool))
    if group_ids:
        pools.append(_unique(_group_machines(client, group_ids, fields, pools[0] if pools else None)))
    return pools


def _none_such(strict, label, key):
    if strict:
        raise ValueError('%s %r does not exist.' % (label, key))
    return None


def _check_all_found(names, machines, in_pools, misses):
    """Raise ValueError naming each name that matches no machine, with the answer's transaction id."""
    missing = [n for n in names if not any(ref_matches(m, n) for m in machines)]
    if missing:
        # the 404's transaction id lets Citrix support find the call that answered "no such machine"
        shown = [n + (' (Citrix-TransactionId %s)' % misses[n] if misses.get(n) else '') for n in missing]
        raise ValueError('No machine %s: %s.' % (
            'of that catalog/delivery group matches' if in_pools else 'exists with name or id', listed(shown)))


def select_machines(client, names=None, catalog=None, delivery_group=None, fields=MACHINE_FIELDS,
                    strict=False, workers=10):
    """Machines matching every selector given (none given: all machines of the site).

    `names` take names or ids; `catalog`, `delivery_group` a name or id, or a list of them
    (machines of any). Containers are listed a page of 1000 at a time; names within a
    container are matched locally, so they cost no call. With `strict`, a catalog, delivery
    group or name that matches nothing raises ValueError (before anything is changed);
    without it, it just matches nothing.
    """
    check_names(names, 'machine name')
    pools = _container_pools(client, catalog, delivery_group, fields, strict)
    if pools is None:
        return []
    misses = {}
    if pools:
        ids = set.intersection(*[set(m.get('Id') for m in pool) for pool in pools])
        machines = [m for m in pools[0] if m.get('Id') in ids]
        if names:
            machines = [m for m in machines if any(ref_matches(m, n) for n in names)]
    elif names:
        machines, misses = _machines_by_name(client, names, fields, workers)
    else:
        machines = list(client.paginate('/Machines', limit=1000, fields=_fields(fields)))
    machines = _unique(machines)
    if strict and names:
        _check_all_found(names, machines, bool(pools), misses)
    return machines


def filter_machines(machines, power_state=None, registration_state=None, in_maintenance_mode=None,
                    idle=None):
    """Machines matching every filter given; lists match any of their values."""
    def keep(machine):
        if power_state and machine.get('PowerState') not in power_state:
            return False
        if registration_state and machine.get('RegistrationState') not in registration_state:
            return False
        if in_maintenance_mode is not None and bool(machine.get('InMaintenanceMode')) != in_maintenance_mode:
            return False
        if idle is not None and is_idle(machine) != idle:
            return False
        return True
    return [m for m in machines if keep(m)]


def session_count(machine):
    """The machine's SessionCount, or None when the service did not say (never read as 0)."""
    count = machine.get('SessionCount')
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def is_idle(machine):
    """True only for a machine known to have no session: an unknown count is busy."""
    return session_count(machine) == 0


def selected_machines(module, strict=False, workers=10):
    """The machines a module's selector options (MACHINE_SELECTORS) pick, filters applied.

    Checks the selectors before the first request: one given but empty or null is an error,
    never "all machines". `strict` (the module acts on what it selects): as for select_machines.
    """
    module.refuse_empty(list(MACHINE_SELECTORS) + ['in_maintenance_mode'], acting=strict)
    p = module.params
    check_selectors(p['name'], p['catalog'], p['delivery_group'])
    machines = select_machines(daas_client(module), names=p['name'], catalog=p['catalog'],
                               delivery_group=p['delivery_group'], strict=strict, workers=workers)
    return filter_machines(machines, p['power_state'], p['registration_state'],
                           p.get('in_maintenance_mode'), p['idle'])


def refresh_machines(client, ids, fields=POLL_FIELDS, workers=10):
    """Fresh copies of the machines with these ids, by id; a machine gone is left out."""
    found = client.parallel_map(lambda i: _get_machine(client, i, fields), list(ids), workers=workers)
    return dict((m['Id'], m) for m in found if isinstance(m, dict) and m.get('Id'))
