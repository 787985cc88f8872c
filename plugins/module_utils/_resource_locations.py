# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix Cloud resource locations (the registry service): find, create, update, delete.

Private to the collection.
"""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, is_missing, list_items
from ansible_collections.citrix.cloud.plugins.module_utils._module import CONTROL_RE, listed
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_guid


# Characters the Resource Locations API refuses in a name (its schema pattern).
FORBIDDEN_NAME_CHARS = '/\\#?%|[]{}<>$^&+'
# Module option -> resource location field, for the fields a user may set.
_RL_FIELDS = (('name', 'name'), ('internal_only', 'internalOnly'), ('time_zone', 'timeZone'))


def check_resource_location_name(name):
    """Raise ValueError naming the option `name` when the service would refuse this name, saying why."""
    if not name or not name.strip():
        raise ValueError('name (of the resource location) must not be empty.')
    if CONTROL_RE.search(name):
        raise ValueError('name %r contains a control character (CR, LF, tab, NUL or the like), which no resource '
                         'location name holds: check for a line break from a file or a paste.' % (name,))
    bad = sorted(set(c for c in name if c in FORBIDDEN_NAME_CHARS))
    if bad:
        raise ValueError(
            'name %r contains %s; Citrix Cloud refuses resource location names with any of %s.'
            % (name, ' '.join(bad), ' '.join(FORBIDDEN_NAME_CHARS)))


def check_resource_location_id(rl_id):
    """Raise ValueError unless `rl_id` (None: not given) is a GUID, as resource location ids are."""
    if rl_id is not None:
        check_guid(rl_id, 'id')


def _rl_url(client, rl_id=None):
    base = client.endpoints.resource_locations
    if rl_id is None:
        return base
    # Ids are GUIDs, but quote anyway so that a stray character cannot change the path.
    return base.rstrip('/') + '/' + quote(str(rl_id), safe='')


def list_resource_locations(client):
    return list_items(client.request('GET', _rl_url(client)).body)


def get_resource_location(client, rl_id):
    """One resource location by id, or None: a missing id may also come back as 204."""
    try:
        resp = client.request('GET', _rl_url(client, rl_id), expected=(200, 204))
    except CitrixCloudError as err:
        if is_missing(err):
            return None
        raise
    return resp.body if isinstance(resp.body, dict) and resp.body.get('id') else None


def find_resource_locations(client, name=None, rl_id=None):
    """Resource locations matching every given filter; all of them when none is given."""
    if rl_id:
        found = get_resource_location(client, rl_id)
        items = [found] if found else []
    else:
        items = list_resource_locations(client)
    if name is not None:
        items = [i for i in items if i.get('name') == name]
    return items


def locate_resource_location(client, name=None, rl_id=None):
    """The one resource location the task is about, or None.

    With an id, the id decides (a name beside it is the desired new name); otherwise the
    name, which must not match more than one.
    """
    if rl_id:
        return get_resource_location(client, rl_id)
    found = find_resource_locations(client, name=name)
    if len(found) > 1:
        raise ValueError('%d resource locations are named %r; give the id of the one to manage (ids: %s).'
                         % (len(found), name, listed(i.get('id') for i in found)))
    return found[0] if found else None


def resource_location_changes(current, params):
    """API fields (camelCase) whose desired value differs from `current` ({} = absent)."""
    changes = {}
    for option, field in _RL_FIELDS:
        want = params.get(option)
        if want is not None and (not current or current.get(field) != want):
            changes[field] = want
    return changes


def resource_location_update_body(current, changes):
    """PUT body: the current writable fields with the changes applied.

    Sent whole so that fields the user left alone keep their value whether the service
    treats PUT as a replacement or a patch.
    """
    body = dict((f, current[f]) for _o, f in _RL_FIELDS if current.get(f) is not None)
    body.update(changes)
    return body


def create_resource_location(client, body):
    try:
        resp = client.request('POST', _rl_url(client), json=body)
    except CitrixCloudError as err:
        # The POST may have landed: look before reporting a failure that is not one.
        if err.uncertain:
            found = find_resource_locations(client, name=body['name'])
            if len(found) == 1:
                return found[0]
        raise
    return resp.body if isinstance(resp.body, dict) else dict(body)


def update_resource_location(client, current, body):
    resp = client.request('PUT', _rl_url(client, current['id']), json=body)
    if isinstance(resp.body, dict) and resp.body.get('id'):
        return resp.body
    merged = dict(current)
    merged.update(body)
    return merged


def _refuse_read_only(current, action):
    if current.get('readOnly'):
        raise ValueError('Resource location %r (%s) is managed by Citrix (read_only) and cannot be %s.'
                         % (current.get('name'), current.get('id'), action))


def ensure_absent(client, current, check_mode):
    """Delete `current` if there is one. Returns (changed, before, after) in API casing."""
    if not current:
        return False, {}, {}
    _refuse_read_only(current, 'deleted')
    if not check_mode:
        delete_resource_location(client, current['id'])
    return True, current, {}


def ensure_present(client, current, params, check_mode):
    """Create or update so that the options hold. Returns (changed, before, after)."""
    if not current:
        if params.get('id'):
            raise ValueError('No resource location has id %r; to create one, give its name and no id.'
                             % params['id'])
        body = resource_location_changes({}, params)
        after = body if check_mode else create_resource_location(client, body)
        return True, {}, after
    changes = resource_location_changes(current, params)
    if not changes:
        return False, current, current
    _refuse_read_only(current, 'changed')
    body = resource_location_update_body(current, changes)
    if check_mode:
        after = dict(current)
        after.update(changes)
    else:
        after = update_resource_location(client, current, body)
    return True, current, after


def delete_resource_location(client, rl_id):
    try:
        client.request('DELETE', _rl_url(client, rl_id), expected=(200, 202, 204))
    except CitrixCloudError as err:
        # Gone already (another run, or a retried DELETE that had landed) is what we want.
        if not is_missing(err):
            raise
