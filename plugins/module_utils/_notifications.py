# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix Cloud notifications: build, find by event id, send once.

Private to the collection.
"""

from __future__ import annotations

import datetime
import uuid
from urllib.parse import urlparse

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError


SEVERITIES = ('Information', 'Warning', 'Error')
PRIORITIES = ('Normal', 'High')


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


# Options the service needs a text in (it refuses the notification with 400 without one).
TEXT_OPTIONS = ('title', 'description', 'destination_admin', 'component', 'language_tag')


def notification_event_id(params):
    """Check the options (before any call) and return (event_id, given_by_user)."""
    for name in TEXT_OPTIONS:
        value = params.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError('%s must not be empty or null: a notification needs a %s, got %r.'
                             % (name, name.replace('_', ' '), value))
    check_detail_uri(params.get('detail_uri'))
    if params.get('event_id') is not None:
        # an empty one (a template that came out empty) would send the notification again on every run
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
