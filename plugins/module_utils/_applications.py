# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS published applications: names with folder paths, references (delivery groups,
application groups, users, tags) resolved before any write, compare-and-patch, and listing.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils import _tags
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, is_missing
from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import (
    changes, create_settled, get_object, resolve_all, text)
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, check_names, path_segment

# What application lists are asked for (fields=): everything citrix_application_info returns.
LIST_FIELDS = ('Id', 'Name', 'PublishedName', 'Description', 'Enabled', 'Visible', 'ApplicationFolder',
               'ApplicationType', 'InstalledAppProperties', 'Tags', 'AssociatedDeliveryGroupUuids',
               'AssociatedApplicationGroupUuids')
REF_FIELDS = 'Id,Name,FullName'
INSTALLED = (('command_line_executable', 'CommandLineExecutable'),
             ('command_line_arguments', 'CommandLineArguments'),
             ('working_directory', 'WorkingDirectory'))
SIMPLE = (('published_name', 'PublishedName'), ('description', 'Description'),
          ('enabled', 'Enabled'), ('visible', 'Visible'))


# ---------------------------------------------------------------- names

def check_application_name(name, option=None):
    r"""`Folder\Sub\Name` or `Name`: every part non-empty, nothing that could leave its path segment."""
    check_name(name, 'application name', option)
    if any(not part.strip() for part in name.split('\\')):
        raise ValueError('%s %r has an empty folder or name part; write Folder\\Name.'
                         % (option or 'Application name', name))
    return name


REFERENCE_OPTIONS = (('delivery_groups', 'delivery group'), ('application_groups', 'application group'),
                     ('included_users', 'user'), ('tags', 'tag'))


def check_options(params):
    """Refuse malformed names before the first call."""
    check_application_name(params['name'], 'name')
    for key, what in REFERENCE_OPTIONS:
        check_names(params.get(key), what, key)
    executable = params.get('command_line_executable')
    if executable is not None and not executable.strip():
        raise ValueError('command_line_executable must not be empty.')


def split_path(name):
    r"""'Folder\Sub\Name' -> ('Folder\Sub', 'Name'); no folder -> ('', name)."""
    folder, _sep, simple = name.rpartition('\\')
    return folder, simple


def ref_name(ref):
    """The unique name of a {Id, Name, FullName} reference."""
    return (ref or {}).get('FullName') or (ref or {}).get('Name') or (ref or {}).get('Id')


def full_name(app):
    r"""Folder\Name of an application as read (its folder reference names the folder's path)."""
    folder = ref_name(app.get('ApplicationFolder')) if app.get('ApplicationFolder') else ''
    name = app.get('Name') or ''
    return '%s\\%s' % (folder, name) if folder and not name.lower().startswith(folder.lower() + '\\') else name


# ---------------------------------------------------------------- reading

def get_application(client, name_or_id):
    return get_object(client, 'Applications', name_or_id, 'application')


def _items(client, path, fields=None):
    try:
        return list(client.paginate(path, fields=fields))
    except CitrixCloudError as err:
        if is_missing(err):
            return []
        raise


def application_delivery_groups(client, app_id):
    """[{Id, Name, Priority}] of the delivery groups an application is published to."""
    return _items(client, '/Applications/%s/DeliveryGroups' % path_segment(app_id), 'Id,Name,FullName,Priority')


def resolve_delivery_groups(client, names):
    return resolve_all(names, lambda n: get_object(client, 'DeliveryGroups', n, 'delivery group'),
                       'Delivery group(s)')


def resolve_application_groups(client, names):
    return resolve_all(names, lambda n: get_object(client, 'ApplicationGroups', n, 'application group'),
                       'Application group(s)')


def resolve_users(client, names):
    r"""Identity objects of these users or groups (DOMAIN\name, UPN or SID); ValueError naming the unknown."""
    for name in names or ():
        check_name(name, 'user')
    return resolve_all(names, lambda n: get_object(client, 'Identity/Users', n, 'user'), 'User(s) or group(s)')


def user_name(user):
    return user.get('SamName') or user.get('PrincipalName') or user.get('Sid') or user.get('Name')


# ---------------------------------------------------------------- the state compared

def view(app, delivery_groups=None, application_groups=None):
    """What citrix_application manages, with names as the service spells them (--diff, comparison)."""
    if not app:
        return {}
    props = app.get('InstalledAppProperties') or {}
    out = dict((key, props.get(api)) for key, api in INSTALLED)
    out.update((key, app.get(api)) for key, api in SIMPLE)
    out['name'] = full_name(app)
    out['published_name'] = app.get('PublishedName')
    out['included_users'] = sorted(user_name(u) for u in app.get('IncludedUsers') or []) \
        if app.get('IncludedUserFilterEnabled') else []
    out['tags'] = sorted(app.get('Tags') or [])
    if delivery_groups is not None:
        out['delivery_groups'] = sorted(ref_name(g) for g in delivery_groups)
    if application_groups is not None:
        out['application_groups'] = sorted(ref_name(g) for g in application_groups)
    return out


def desired_view(params, current_view, resolved):
    """The options given, in the terms of view(); lists from what the references resolved to."""
    desired = {}
    for key, _api in INSTALLED + SIMPLE:
        if params.get(key) is not None:
            desired[key] = params[key]
    for key, namer in (('delivery_groups', ref_name), ('application_groups', ref_name),
                       ('included_users', user_name)):
        if params.get(key) is not None:
            desired[key] = sorted(namer(obj) for obj in resolved[key])
    if params.get('tags') is not None:
        wanted = [t['Name'] for t in resolved['tags']]
        if not params.get('purge_tags'):
            have = current_view.get('tags') or []
            wanted = have + [t for t in wanted if t.lower() not in [h.lower() for h in have]]
        desired['tags'] = sorted(wanted)
    return desired


def resolve_references(client, params):
    """Every delivery group, application group, user and tag the options name, before any write."""
    resolved = {}
    for key, resolve in (('delivery_groups', resolve_delivery_groups),
                         ('application_groups', resolve_application_groups),
                         ('included_users', resolve_users), ('tags', _tags.resolve_tags)):
        resolved[key] = resolve(client, params[key]) if params.get(key) is not None else []
    return resolved


# ---------------------------------------------------------------- request bodies

def _priority_refs(groups, current_groups):
    """DeliveryGroups as [{Item, Priority}]: a group already published to keeps its priority."""
    kept = dict((g.get('Id'), g.get('Priority') or 0) for g in current_groups or ())
    return [{'Item': g['Id'], 'Priority': kept.get(g['Id'], 0)} for g in groups]


def edit_body(delta, resolved, current_groups):
    """EditApplicationRequestModel for the changed keys (tags excluded: they have their own call)."""
    body = dict((api, delta[key]) for key, api in SIMPLE if key in delta)
    installed = dict((api, delta[key]) for key, api in INSTALLED if key in delta)
    if installed:
        body['InstalledAppProperties'] = installed
    if 'delivery_groups' in delta:
        body['DeliveryGroups'] = _priority_refs(resolved['delivery_groups'], current_groups)
    if 'application_groups' in delta:
        body['ApplicationGroups'] = [g['Id'] for g in resolved['application_groups']]
    if 'included_users' in delta:
        body['IncludedUsers'] = [user_name(u) for u in resolved['included_users']]
        body['IncludedUserFilterEnabled'] = bool(resolved['included_users'])
    return body


def create_body(name, params, resolved):
    """AddApplicationsRequestModel publishing one new installed application."""
    folder, simple = split_path(name)
    new = {'Name': simple, 'InstalledAppProperties': dict(
        (api, params[key]) for key, api in INSTALLED if params.get(key) is not None)}
    new.update((api, params[key]) for key, api in SIMPLE if params.get(key) is not None)
    if folder:
        new['ApplicationFolder'] = folder
    if params.get('included_users'):
        new['IncludedUsers'] = [user_name(u) for u in resolved['included_users']]
        new['IncludedUserFilterEnabled'] = True
    if params.get('application_groups'):
        new['ApplicationGroups'] = [g['Id'] for g in resolved['application_groups']]
    body = {'NewApplications': [new]}
    if resolved['delivery_groups']:
        body['DeliveryGroups'] = _priority_refs(resolved['delivery_groups'], [])
    return body


# ---------------------------------------------------------------- writing

def ensure_folder(client, folder):
    """Make the application folder (and its parents) unless it exists; creating an application needs it."""
    if not folder or get_object(client, 'ApplicationFolders', folder, 'application folder') is not None:
        return
    create_settled(lambda: client.daas('POST', '/ApplicationFolders', json={'Path': folder}),
                   lambda: get_object(client, 'ApplicationFolders', folder, 'application folder'))


def set_tags(client, app_id, resolved_tags, desired_names):
    ids = [t['Id'] for t in resolved_tags if t['Name'].lower() in [n.lower() for n in desired_names]]
    kept = [n for n in desired_names if n.lower() not in [t['Name'].lower() for t in resolved_tags]]
    # tags already on the application that were not named again keep their name as the reference
    client.daas('PUT', '/Applications/%s/Tags' % path_segment(app_id), json={'Items': ids + kept})


def read_state(client, name):
    """(application detail or None, its delivery groups, its application groups)."""
    app = get_application(client, name)
    if app is None:
        return None, [], []
    groups = application_delivery_groups(client, app['Id'])
    app_groups = _items(client, '/Applications/%s/ApplicationGroups' % path_segment(app['Id']), REF_FIELDS)
    return app, groups, app_groups


def result(app, groups, app_groups):
    """The module's `application`: the detail, snake_case, with its delivery and application groups."""
    if not app:
        return {}
    out = snake(app)
    out['full_name'] = full_name(app)
    out['delivery_groups'] = [snake(g) for g in groups]
    out['application_groups'] = [snake(g) for g in app_groups]
    return out


def _planned(name, before, desired):
    """The view of the application as it would be."""
    after = dict(before, **desired)
    after['name'] = name
    return after


def planned_result(current, after):
    """In check mode, the module's `application` with the changes it would make."""
    out = dict(current, full_name=after['name'])
    out.update((key, after[key]) for key, _api in SIMPLE if key in after)
    props = dict(out.get('installed_app_properties') or {})
    props.update((key, after[key]) for key, _api in INSTALLED if key in after)
    out['installed_app_properties'] = props
    return out


def ensure_present(client, name, params, check_mode):
    """(changed, before view, after view, application) for state=present."""
    app, groups, app_groups = read_state(client, name)
    if app is None and not params.get('command_line_executable'):
        raise ValueError('Application %r does not exist, and command_line_executable is required to create it. '
                         'Nothing was changed.' % name)
    resolved = resolve_references(client, params)
    before = view(app, groups, app_groups) if app else {}
    desired = desired_view(params, before, resolved)
    delta = changes(before, desired) if app else dict(desired, name=name)
    if app and not delta:
        return False, before, before, result(app, groups, app_groups)
    after = _planned(name, before, desired)
    if check_mode:
        return True, before, after, planned_result(result(app, groups, app_groups), after)
    if app is None:
        ensure_folder(client, split_path(name)[0])
        create_settled(lambda: client.daas('POST', '/Applications', json=create_body(name, params, resolved)),
                       lambda: get_application(client, name))
        app = get_application(client, name)
        if app is None:
            raise ValueError('Application %r was accepted but cannot be read back.' % name)
        delta = changes(view(app), {'tags': desired['tags']}) if 'tags' in desired else {}
    else:
        body = edit_body(delta, resolved, groups)
        if body:
            client.daas('PATCH', '/Applications/' + path_segment(app['Id']), json=body)
    if 'tags' in delta:
        set_tags(client, app['Id'], resolved['tags'], desired['tags'])
    app, groups, app_groups = read_state(client, app['Id'])
    return True, before, view(app, groups, app_groups), result(app, groups, app_groups)


def ensure_absent(client, name, check_mode):
    """(changed, before view): delete the application; its delivery and application group links go with it."""
    app, groups, app_groups = read_state(client, name)
    if app is None:
        return False, {}
    if not check_mode:
        client.daas('DELETE', '/Applications/' + path_segment(app['Id']), expected=(200, 202, 204, 404))
    return True, view(app, groups, app_groups)


# ---------------------------------------------------------------- listing

def _ref_map(client, collection):
    return dict((g.get('Id'), g) for g in _items(client, '/' + collection, REF_FIELDS))


def _matching_ref(refs, key):
    key = key.lower()
    return next((r for r in refs.values() if key in [str(r.get(k) or '').lower() for k in ('Id', 'Name', 'FullName')]),
                None)


def _named(app, names):
    keys = [n.lower() for n in names]
    return str(app.get('Id') or '').lower() in keys or full_name(app).lower() in keys


def check_info_options(names=None, delivery_group=None, application_group=None, folder=None):
    """Refuse citrix_application_info's malformed filters before the first call (site discovery included)."""
    check_names(names, 'application name', 'name')
    for value, what, option in ((delivery_group, 'delivery group', 'delivery_group'),
                                (application_group, 'application group', 'application_group'),
                                (folder, 'application folder', 'folder')):
        if value is not None:
            check_name(value, what, option)


def applications_info(client, names=None, delivery_group=None, application_group=None, folder=None):
    """Applications matching every filter given, snake_case, each with its delivery and application groups."""
    check_info_options(names, delivery_group, application_group, folder)
    params = {'applicationFolder': folder} if folder else None
    try:
        apps = list(client.paginate('/Applications', params=params, fields=','.join(LIST_FIELDS)))
    except CitrixCloudError as err:
        if folder and is_missing(err):
            return []
        raise
    if names:
        apps = [a for a in apps if _named(a, names)]
    dgs = _ref_map(client, 'DeliveryGroups') if apps and (delivery_group or any(
        a.get('AssociatedDeliveryGroupUuids') for a in apps)) else {}
    ags = _ref_map(client, 'ApplicationGroups') if apps and (application_group or any(
        a.get('AssociatedApplicationGroupUuids') for a in apps)) else {}
    for key, refs, field in ((delivery_group, dgs, 'AssociatedDeliveryGroupUuids'),
                             (application_group, ags, 'AssociatedApplicationGroupUuids')):
        if key is not None:
            wanted = _matching_ref(refs, key)
            apps = [a for a in apps if wanted and wanted['Id'] in (a.get(field) or [])]
    out = []
    for app in apps:
        item = snake(app)
        item['full_name'] = full_name(app)
        item['delivery_groups'] = [snake(_ref(dgs, i)) for i in app.get('AssociatedDeliveryGroupUuids') or []]
        item['application_groups'] = [snake(_ref(ags, i)) for i in app.get('AssociatedApplicationGroupUuids') or []]
        item.setdefault('description', text(app.get('Description')))
        item.setdefault('application_folder', {})
        out.append(item)
    return out


def _ref(refs, ref_id):
    found = refs.get(ref_id) or {'Id': ref_id}
    return dict((k, found[k]) for k in ('Id', 'Name', 'FullName') if k in found)
