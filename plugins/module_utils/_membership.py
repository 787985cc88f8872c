# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which machines a delivery group or a manual catalog holds: plan per machine (changed,
unchanged, skipped with a reason), check everything before the first write, then add (async
jobs where the API offers them) and remove.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import get_object, resolve_all
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, check_names, path_segment, ref_matches
from ansible_collections.citrix.cloud.plugins.module_utils._results import machine_result, names_diff
from ansible_collections.citrix.cloud.plugins.module_utils import _jobs as jobs


def ref_name(ref):
    return (ref or {}).get('Name') or (ref or {}).get('Id')


# SessionCount is not in a machine's default field set: ask for it, and read its absence as busy.
FIELDS = 'Id,Name,DnsName,MachineCatalog,DeliveryGroup,SessionCount,PowerState,InMaintenanceMode'


def get_machine(client, name):
    return get_object(client, 'Machines', name, 'machine', params={'fields': FIELDS})


def resolve_machines(client, names):
    check_names(names, 'machine name')
    return resolve_all(names, lambda n: get_machine(client, n), 'Machine(s)')


def busy(machine):
    """A machine whose session count the service did not give is taken as busy (never spared by accident)."""
    count = machine.get('SessionCount')
    return count is None or count > 0


def _unique(machines):
    seen, out = set(), []
    for machine in machines:
        if machine['Id'] not in seen:
            seen.add(machine['Id'])
            out.append(machine)
    return out


def membership_diff(results, where):
    """Which of the named machines were members of `where` before the task, and are after it.

    Read from each result: an add left unchanged was a member; a remove that was not unchanged
    (done, skipped or failed) was one; what a task did, or would do in check mode, toggles it.
    """
    def before(r):
        return r['result'] == 'unchanged' if r['action'] == 'add' else r['result'] != 'unchanged'

    def after(r):
        return r['result'] in (('unchanged', 'changed') if r['action'] == 'add' else ('skipped', 'failed'))
    return names_diff(where, [r['name'] for r in results if before(r)], [r['name'] for r in results if after(r)])


# ---------------------------------------------------------------- delivery groups

def check_group_options(params):
    check_name(params['delivery_group'], 'delivery group', 'delivery_group')
    check_names(params.get('machines'), 'machine name', 'machines')
    if params.get('catalog') is not None:
        check_name(params['catalog'], 'catalog', 'catalog')
    if params.get('machines') is not None and not params['machines']:
        raise ValueError('machines is an empty list; name the machines to add or remove.')
    if params.get('count') is not None and params['count'] < 1:
        raise ValueError('count must be 1 or more, got %d.' % params['count'])
    if params['state'] == 'absent' and params.get('catalog') is not None:
        raise ValueError('catalog and count only add machines (state=present); name the machines to remove.')


def plan_group(group, machines, state, force):
    """[(machine, result entry)] for each machine: what happens to it, decided before any write."""
    plan = []
    for machine in machines:
        in_group = ref_matches(machine.get('DeliveryGroup'), group['Id'])
        if state == 'present':
            if in_group:
                plan.append((machine, machine_result(machine, 'unchanged', 'add')))
            elif machine.get('DeliveryGroup'):
                plan.append((machine, machine_result(machine, 'failed', 'add', message=(
                    'is in delivery group %s; remove it from there first' % ref_name(machine['DeliveryGroup'])))))
            else:
                plan.append((machine, machine_result(machine, 'changed', 'add')))
        elif not in_group:
            plan.append((machine, machine_result(machine, 'unchanged', 'remove')))
        elif busy(machine) and not force:
            reason = 'has sessions' if machine.get('SessionCount') else 'session count unknown'
            plan.append((machine, machine_result(machine, 'skipped', 'remove', reason=reason + '; force=true removes it')))
        else:
            plan.append((machine, machine_result(machine, 'changed', 'remove')))
    return plan


def free_machines(catalog, machines, count, already):
    """Machines of the catalog in no delivery group, as many as `count` minus the `already` there.

    ValueError, before any write, when the catalog has too few."""
    free = [m for m in machines if not m.get('DeliveryGroup')]
    wanted = max(0, count - already)
    if wanted > len(free):
        raise ValueError('Catalog %r has %d machine(s) in no delivery group; %d more are needed to reach %d. '
                         'Nothing was changed.' % (catalog.get('Name'), len(free), wanted, count))
    return free[:wanted]


def _catalog_of(machine):
    return (machine.get('MachineCatalog') or {}).get('Id')


def add_to_group(client, group_id, machines, timeout):
    """One POST per catalog (async=true, then its job): the machines are named, so exactly they are added."""
    by_catalog = {}
    for machine in machines:
        by_catalog.setdefault(_catalog_of(machine), []).append(machine)
    for catalog_id, members in by_catalog.items():
        body = {'MachineCatalog': catalog_id, 'Count': len(members),
                'AssignMachinesToUsers': [{'Machine': m['Id']} for m in members]}
        resp = client.daas('POST', '/DeliveryGroups/%s/Machines' % path_segment(group_id), json=body,
                           params={'async': 'true', 'detailResponseRequired': 'false'})
        if resp.status == 202 and resp.headers.get('Location'):
            jobs.wait(client, resp.headers['Location'], timeout=timeout)


def remove_from_group(client, group_id, machine):
    client.daas('DELETE', '/DeliveryGroups/%s/Machines/%s' % (path_segment(group_id), path_segment(machine['Id'])))


def group_machines(client, params, check_mode):
    """Results, one per machine, for citrix_delivery_group_machines."""
    group = get_object(client, 'DeliveryGroups', params['delivery_group'], 'delivery group')
    if group is None:
        raise ValueError('Delivery group %r does not exist. Nothing was changed.' % params['delivery_group'])
    if params.get('catalog') is not None:
        catalog = get_object(client, 'MachineCatalogs', params['catalog'], 'catalog')
        if catalog is None:
            raise ValueError('Machine catalog %r does not exist. Nothing was changed.' % params['catalog'])
        in_catalog = list(client.paginate('/MachineCatalogs/%s/Machines' % path_segment(catalog['Id']), fields=FIELDS))
        already = [m for m in in_catalog if ref_matches(m.get('DeliveryGroup'), group['Id'])]
        picks = free_machines(catalog, in_catalog, params['count'], len(already))
        plan = plan_group(group, already + picks, 'present', False)
    else:
        machines = _unique(resolve_machines(client, params['machines']))
        plan = plan_group(group, machines, params['state'], params['force'])
    todo = [m for m, r in plan if r['result'] == 'changed']
    if todo and not check_mode:
        if params['state'] == 'present':
            add_to_group(client, group['Id'], todo, params['wait_timeout'])
        else:
            _remove_each(client, group['Id'], plan)
    return [r for _m, r in plan]


def _remove_each(client, group_id, plan):
    """Remove one by one; a failure is that machine's result, the others still go."""
    for machine, entry in plan:
        if entry['result'] != 'changed':
            continue
        try:
            remove_from_group(client, group_id, machine)
        except CitrixCloudError as err:
            entry.update(result='failed', message=str(err), transaction_id=err.transaction_id)


# ---------------------------------------------------------------- manual catalogs

def normalize_machines(items):
    """`machines` as [{name, hosted_machine_id, hypervisor_connection}]: a plain string is a name."""
    out = []
    for item in items or ():
        entry = {'name': item} if isinstance(item, str) else item
        if not isinstance(entry, dict) or not isinstance(entry.get('name'), str):
            raise ValueError('Each of machines is a name, or a dict with name (and hosted_machine_id, '
                             'hypervisor_connection); got %r.' % (item,))
        unknown = set(entry) - {'name', 'hosted_machine_id', 'hypervisor_connection'}
        if unknown:
            raise ValueError('machines: unknown key(s) %s for machine %r.' % (', '.join(sorted(unknown)), entry['name']))
        check_name(entry['name'], 'machine name', 'machines item name')
        if '\\' not in entry['name'].strip('\\'):
            raise ValueError('machines item %r must be written DOMAIN\\NAME to be added to a catalog.' % entry['name'])
        out.append(entry)
    if not out:
        raise ValueError('machines is an empty list; name the machines to add or remove.')
    return out


def check_catalog(catalog, entries, state):
    """Refuse, before any write, a catalog that takes no machines by name or entries it cannot take."""
    if not (catalog.get('ProvisioningType') == 'Manual' or catalog.get('IsRemotePC')):
        raise ValueError('Catalog %r is provisioned by %s; machines are added to and removed from it by its '
                         'provisioning, not by name. Nothing was changed.' % (
                             catalog.get('Name'), catalog.get('ProvisioningType')))
    if state == 'present' and catalog.get('IsPowerManaged'):
        lacking = [e['name'] for e in entries if not e.get('hosted_machine_id') or not e.get('hypervisor_connection')]
        if lacking:
            raise ValueError('Catalog %r is power managed: give hosted_machine_id and hypervisor_connection for %s. '
                             'Nothing was changed.' % (catalog.get('Name'), ', '.join(lacking)))


def plan_catalog(catalog, entries, found, state):
    plan = []
    for entry, machine in zip(entries, found):
        shown = machine or {'Name': entry['name']}
        if state == 'present':
            if machine is None:
                plan.append((entry, machine, machine_result(shown, 'changed', 'add')))
            elif ref_matches(machine.get('MachineCatalog'), catalog['Id']):
                plan.append((entry, machine, machine_result(shown, 'unchanged', 'add')))
            else:
                plan.append((entry, machine, machine_result(shown, 'failed', 'add', message=(
                    'is in catalog %s; a machine belongs to one catalog' % ref_name(machine.get('MachineCatalog'))))))
        elif machine is None or not ref_matches(machine.get('MachineCatalog'), catalog['Id']):
            plan.append((entry, machine, machine_result(shown, 'unchanged', 'remove')))
        elif machine.get('DeliveryGroup'):
            plan.append((entry, machine, machine_result(shown, 'failed', 'remove', message=(
                'is in delivery group %s; remove it from there first' % ref_name(machine['DeliveryGroup'])))))
        else:
            plan.append((entry, machine, machine_result(shown, 'changed', 'remove')))
    return plan


def catalog_machines(client, params, check_mode):
    """Results, one per machine, for citrix_machine_catalog_machines."""
    entries = normalize_machines(params['machines'])
    catalog = get_object(client, 'MachineCatalogs', params['catalog'], 'catalog')
    if catalog is None:
        raise ValueError('Machine catalog %r does not exist. Nothing was changed.' % params['catalog'])
    check_catalog(catalog, entries, params['state'])
    found = [get_machine(client, e['name']) for e in entries]
    plan = plan_catalog(catalog, entries, found, params['state'])
    if not check_mode:
        for entry, machine, result in plan:
            if result['result'] != 'changed':
                continue
            try:
                if params['state'] == 'present':
                    _add_to_catalog(client, catalog['Id'], entry, params['wait_timeout'])
                else:
                    client.daas('DELETE', '/MachineCatalogs/%s/Machines/%s' % (
                        path_segment(catalog['Id']), path_segment(machine['Id'])))
            except CitrixCloudError as err:
                result.update(result='failed', message=str(err), transaction_id=err.transaction_id)
    return [r for _e, _m, r in plan]


def _add_to_catalog(client, catalog_id, entry, timeout):
    body = {'MachineName': entry['name']}
    if entry.get('hosted_machine_id'):
        body['HostedMachineId'] = entry['hosted_machine_id']
    if entry.get('hypervisor_connection'):
        body['HypervisorConnection'] = entry['hypervisor_connection']
    resp = client.daas('POST', '/MachineCatalogs/%s/Machines' % path_segment(catalog_id), json=body,
                       params={'async': 'true'})
    if resp.status == 202 and resp.headers.get('Location'):
        jobs.wait(client, resp.headers['Location'], timeout=timeout)
