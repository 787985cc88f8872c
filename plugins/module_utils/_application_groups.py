# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS application groups: settings, delivery groups, users and member applications,
compared with what is asked and changed only where they differ.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import (
    changes, create_settled, get_object, resolve_all)
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, check_names, path_segment
from ansible_collections.citrix.cloud.plugins.module_utils import _applications as apps

SIMPLE = (('description', 'Description'), ('enabled', 'Enabled'))
REFERENCE_OPTIONS = (('delivery_groups', 'delivery group'), ('included_users', 'user'),
                     ('applications', 'application'))


def check_options(params):
    check_name(params['name'], 'application group name', 'name')
    for key, what in REFERENCE_OPTIONS:
        check_names(params.get(key), what, key)


def get_group(client, name_or_id):
    return get_object(client, 'ApplicationGroups', name_or_id, 'application group')


def members(client, group_id):
    return apps._items(client, '/ApplicationGroups/%s/Applications' % path_segment(group_id),
                       'Id,Name,ApplicationFolder')


def view(group, member_apps):
    """What citrix_application_group manages, names as the service spells them."""
    if not group:
        return {}
    out = dict((key, group.get(api)) for key, api in SIMPLE)
    out['name'] = group.get('FullName') or group.get('Name')
    out['delivery_groups'] = sorted(apps.ref_name(g) for g in group.get('DeliveryGroups') or [])
    # the detail model spells it IncludedUsersFilterEnabled, the request models IncludedUserFilterEnabled
    enabled = group.get('IncludedUsersFilterEnabled', group.get('IncludedUserFilterEnabled'))
    out['included_users'] = sorted(apps.user_name(u) for u in group.get('IncludedUsers') or []) if enabled else []
    out['applications'] = sorted(apps.full_name(a) for a in member_apps)
    return out


def resolve_references(client, params):
    resolved = {
        'delivery_groups': apps.resolve_delivery_groups(client, params.get('delivery_groups')),
        'included_users': apps.resolve_users(client, params.get('included_users')),
        'applications': resolve_all(params.get('applications'), lambda n: apps.get_application(client, n),
                                    'Application(s)'),
    }
    return resolved


def desired_view(params, resolved):
    desired = dict((key, params[key]) for key, _api in SIMPLE if params.get(key) is not None)
    for key, namer in (('delivery_groups', apps.ref_name), ('included_users', apps.user_name),
                       ('applications', apps.full_name)):
        if params.get(key) is not None:
            desired[key] = sorted(namer(obj) for obj in resolved[key])
    return desired


def settings_body(delta, resolved, current_groups):
    """The Create/EditApplicationGroupRequestModel part for the changed settings (members apart)."""
    body = dict((api, delta[key]) for key, api in SIMPLE if key in delta)
    if 'delivery_groups' in delta:
        body['DeliveryGroups'] = apps._priority_refs(resolved['delivery_groups'], current_groups)
    if 'included_users' in delta:
        body['IncludedUsers'] = [apps.user_name(u) for u in resolved['included_users']]
        body['IncludedUserFilterEnabled'] = bool(resolved['included_users'])
    return body


def sync_members(client, group_id, current_apps, wanted_apps):
    """Add the wanted applications missing from the group, remove those not wanted."""
    have = set(a['Id'] for a in current_apps)
    want = [a['Id'] for a in wanted_apps]
    add = [i for i in want if i not in have]
    if add:
        client.daas('POST', '/ApplicationGroups/%s/Applications' % path_segment(group_id),
                    json={'ExistingApplications': add})
    for app_id in sorted(have - set(want)):
        client.daas('DELETE', '/ApplicationGroups/%s/Applications/%s' % (
            path_segment(group_id), path_segment(app_id)))


def result(group, member_apps):
    if not group:
        return {}
    out = snake(group)
    out['applications'] = [dict(snake(a), full_name=apps.full_name(a)) for a in member_apps]
    return out


def ensure_present(client, params, check_mode):
    """(changed, before view, after view, application group)."""
    name = params['name']
    group = get_group(client, name)
    current_apps = members(client, group['Id']) if group else []
    resolved = resolve_references(client, params)
    before = view(group, current_apps)
    desired = desired_view(params, resolved)
    delta = changes(before, desired) if group else dict(desired, name=name)
    if group and not delta:
        return False, before, before, result(group, current_apps)
    after = dict(before, **desired)
    after.setdefault('name', name)
    if check_mode:
        planned = dict(result(group, current_apps), **dict((k, after[k]) for k, _a in SIMPLE if k in after))
        return True, before, after, planned
    if group is None:
        body = dict(settings_body(delta, resolved, []), Name=name)
        group = create_settled(lambda: client.daas('POST', '/ApplicationGroups', json=body).body,
                               lambda: get_group(client, name)) or get_group(client, name)
    else:
        body = settings_body(delta, resolved, group.get('DeliveryGroups'))
        if body:
            client.daas('PATCH', '/ApplicationGroups/' + path_segment(group['Id']), json=body)
    if params.get('applications') is not None:
        sync_members(client, group['Id'], current_apps, resolved['applications'])
    group = get_group(client, group['Id'])
    current_apps = members(client, group['Id'])
    return True, before, view(group, current_apps), result(group, current_apps)


def ensure_absent(client, name, check_mode):
    """(changed, before view): delete the group; its applications stay, outside it."""
    group = get_group(client, name)
    if group is None:
        return False, {}
    before = view(group, members(client, group['Id']))
    if not check_mode:
        client.daas('DELETE', '/ApplicationGroups/' + path_segment(group['Id']), expected=(200, 202, 204, 404))
    return True, before


def check_info_options(names=None):
    """Refuse citrix_application_group_info's malformed names before the first call (site discovery included)."""
    check_names(names, 'application group name', 'name')


def groups_info(client, names=None):
    """Application groups (all, or those named by name or id), each with its member applications."""
    check_info_options(names)
    found = list(client.paginate('/ApplicationGroups'))
    if names is not None:
        keys = [n.lower() for n in names]
        found = [g for g in found if any(str(g.get(k) or '').lower() in keys for k in ('Id', 'Name', 'FullName'))]
    return [result(g, members(client, g['Id'])) for g in found]
