# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One existing machine's properties: the users its private desktop is assigned to, its published
name and its tags, compared with what is asked and changed only where they differ.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils import _tags
from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import changes, get_object
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, check_names, path_segment
from ansible_collections.citrix.cloud.plugins.module_utils import _applications as apps

# Asked for by name: the default field set of a machine leaves Tags out.
FIELDS = ('Id', 'Name', 'DnsName', 'MachineCatalog', 'DeliveryGroup', 'AllocationType', 'SessionSupport',
          'AssignedUsers', 'PublishedName', 'Tags', 'IsAssigned')


def check_options(params):
    check_name(params['name'], 'machine name', 'name')
    check_names(params.get('assigned_users'), 'user', 'assigned_users')
    check_names(params.get('tags'), 'tag', 'tags')


def get_machine(client, name):
    return get_object(client, 'Machines', name, 'machine', params={'fields': ','.join(FIELDS)})


def view(machine):
    """What citrix_machine manages, names as the service spells them."""
    return {
        'name': machine.get('Name'),
        'assigned_users': sorted(apps.user_name(u) for u in machine.get('AssignedUsers') or []),
        'published_name': machine.get('PublishedName') or '',
        'tags': sorted(machine.get('Tags') or []),
    }


def desired_view(params, before, resolved):
    desired = {}
    if params.get('assigned_users') is not None:
        desired['assigned_users'] = sorted(apps.user_name(u) for u in resolved['assigned_users'])
    if params.get('published_name') is not None:
        desired['published_name'] = params['published_name']
    if params.get('tags') is not None:
        wanted = [t['Name'] for t in resolved['tags']]
        if not params.get('purge_tags'):
            have = before['tags']
            wanted = have + [t for t in wanted if t.lower() not in [h.lower() for h in have]]
        desired['tags'] = sorted(wanted)
    return desired


def patch_body(delta, resolved):
    """UpdateMachineRequestModel for the changed properties (tags have their own calls)."""
    body = {}
    if 'assigned_users' in delta:
        body['AssignedUsers'] = [apps.user_name(u) for u in resolved['assigned_users']]
    if 'published_name' in delta:
        body['PublishedName'] = delta['published_name']
    return body


def tag_calls(before_tags, desired_tags, resolved_tags, purge):
    """[(method, tag name or id)] adding the missing tags, and with `purge` removing the others."""
    have = [t.lower() for t in before_tags]
    want = [t.lower() for t in desired_tags]
    by_name = dict((t['Name'].lower(), t['Id']) for t in resolved_tags)
    calls = [('POST', by_name.get(t, t)) for t in want if t not in have]
    if purge:
        calls += [('DELETE', t) for t in before_tags if t.lower() not in want]
    return calls


def planned(machine, delta, resolved):
    """In check mode, the module's `machine` with the changes it would make."""
    out = dict(snake(machine), **delta)
    if 'assigned_users' in delta:
        out['assigned_users'] = [snake(u) for u in resolved['assigned_users']]
    return out


def ensure(client, params, check_mode):
    """(changed, before view, after view, machine) for one existing machine."""
    name = params['name']
    machine = get_machine(client, name)
    if machine is None:
        raise ValueError('Machine %r does not exist; citrix_machine changes existing machines only. '
                         'Nothing was changed.' % name)
    resolved = {'assigned_users': apps.resolve_users(client, params.get('assigned_users')),
                'tags': _tags.resolve_tags(client, params.get('tags'))}
    before = view(machine)
    delta = changes(before, desired_view(params, before, resolved))
    if not delta:
        return False, before, before, snake(machine)
    after = dict(before, **delta)
    if check_mode:
        return True, before, after, planned(machine, delta, resolved)
    machine_path = '/Machines/' + path_segment(machine['Id'])
    body = patch_body(delta, resolved)
    if body:
        client.daas('PATCH', machine_path, json=body)
    if 'tags' in delta:
        for method, tag in tag_calls(before['tags'], delta['tags'], resolved['tags'], params.get('purge_tags')):
            client.daas(method, '%s/Tags/%s' % (machine_path, path_segment(tag, 'tag')))
    machine = get_machine(client, machine['Id'])
    return True, before, view(machine), snake(machine)
