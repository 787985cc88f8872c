# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix Cloud platform services: resource locations, service states, notifications.

Private to the collection. The modules citrix_resource_location(_info),
citrix_service_state_info and citrix_notification stay thin and call these helpers.
"""

from __future__ import annotations

import datetime
import uuid

from urllib.parse import quote, urlparse

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, is_missing, list_items
from ansible_collections.citrix.cloud.plugins.module_utils._module import check_guid, listed

# Characters the Resource Locations API refuses in a name (its schema pattern).
FORBIDDEN_NAME_CHARS = '/\\#?%|[]{}<>$^&+'

SERVICE_STATES = (
    'NotOnboarded', 'Expired', 'Default', 'ProductionTrialDenied', 'ProductionTrialPending',
    'ProductionTrialApproved', 'ProductionTrial', 'ProductionTrialDeleted', 'ProductionPending',
    'Production', 'PartnerProductionPending', 'PartnerProduction', 'NotOnboardedTrialPending',
)
SEVERITIES = ('Information', 'Warning', 'Error')
PRIORITIES = ('Normal', 'High')

# Module option -> resource location field, for the fields a user may set.
_RL_FIELDS = (('name', 'name'), ('internal_only', 'internalOnly'), ('time_zone', 'timeZone'))


# ---------------------------------------------------------------- resource locations

def check_resource_location_name(name):
    """Raise ValueError when the service would refuse this name, saying why."""
    if not name or not name.strip():
        raise ValueError('Resource location name must not be empty.')
    bad = sorted(set(c for c in name if c in FORBIDDEN_NAME_CHARS))
    if bad:
        raise ValueError(
            'Resource location name %r contains %s; Citrix Cloud refuses names with any of %s.'
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


# ---------------------------------------------------------------- service states

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


# ---------------------------------------------------------------- notifications

def new_event_id():
    return str(uuid.uuid4())


def check_event_id(value):
    """Return the GUID in canonical form, or raise ValueError."""
    try:
        parsed = uuid.UUID(str(value))
    except ValueError:
        parsed = None
    # uuid.UUID also accepts braces, urn: and no hyphens; the service wants the plain form.
    if parsed is None or str(parsed) != str(value).lower():
        raise ValueError(
            'event_id must be a GUID such as 3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04, got %r.' % (value,))
    return str(parsed)


def check_detail_uri(value):
    if value is not None and urlparse(value).scheme not in ('http', 'https'):
        raise ValueError('detail_uri must be an http or https URL, got %r.' % (value,))


def rfc3339_now(now=None):
    """Current UTC time as RFC 3339 with milliseconds and a Z, as Citrix's samples show."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')


def notification_body(params, event_id, created=None):
    """The POST body for one notification from the module's options."""
    content = {
        'languageTag': params['language_tag'],
        'title': params['title'],
        'description': params['description'],
    }
    if params.get('detail_uri'):
        content['detailUri'] = params['detail_uri']
    return {
        'destinationAdmin': params['destination_admin'],
        'component': params['component'],
        'createdDate': created or rfc3339_now(),
        'eventId': event_id,
        'severity': params['severity'],
        'priority': params['priority'],
        'content': [content],
    }


def find_notification(client, event_id):
    """The stored notification with this event id, or None; stops paging once found.

    ValueError when an item is not of the shape seen so far (the listing is undocumented).
    """
    wanted = event_id.lower()
    # No limit: the listing is unofficial, so let the service pick its page size (100).
    for item in client.paginate(client.endpoints.notifications_list, limit=None):
        if not isinstance(item, dict):
            raise ValueError('the listing answered with a %s where a notification was expected'
                             % type(item).__name__)
        if str(item.get('eventId', '')).lower() == wanted:
            return item
    return None


def lookup_notification(client, event_id, warn):
    """find_notification, except that a listing that fails or has another shape is a warning (it is
    undocumented): the caller then sends the notification rather than not at all."""
    try:
        return find_notification(client, event_id)
    except (CitrixCloudError, ValueError) as err:
        warn('Could not check whether event_id %s was already sent: listing the notifications (an '
             'undocumented call) failed: %s. Sending it; if it was sent before, administrators see '
             'it twice.' % (event_id, err))
        return None


def send_notification(client, body):
    """POST one notification; returns the item as the service echoed it."""
    try:
        resp = client.request('POST', client.endpoints.notifications, json=body)
    except CitrixCloudError as err:
        # Sent but unanswered: if it is stored, it was sent; never send it twice.
        if err.uncertain:
            found = lookup_notification(client, body['eventId'], lambda _msg: None)
            if found:
                return found
        raise
    return resp.body if isinstance(resp.body, dict) else body


def notification_event_id(params):
    """Check the options (before any call) and return (event_id, given_by_user)."""
    check_detail_uri(params.get('detail_uri'))
    if params.get('event_id'):
        return check_event_id(params['event_id']), True
    return new_event_id(), False


def ensure_notification(client, params, event_id, given, check_mode, warn=None):
    """Send the notification the options describe. Returns (changed, notification).

    `event_id, given` come from notification_event_id(). A given event id that is already
    stored returns the stored notification: the event was sent. Where the listing cannot tell,
    `warn` is told and the notification is sent.
    """
    if given:
        sent = lookup_notification(client, event_id, warn or (lambda _msg: None))
        if sent:
            return False, sent
    body = notification_body(params, event_id)
    if check_mode:
        return True, body
    return True, send_notification(client, body)
