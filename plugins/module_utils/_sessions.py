# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS sessions: select them, message their users, log them off or disconnect them.

Private to the collection; citrix_session_info and citrix_session call it.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, is_missing
from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_names, path_segment
from ansible_collections.citrix.cloud.plugins.module_utils._selection import check_selectors, select_machines
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client

SESSION_STATES = ('Unknown', 'Connected', 'Active', 'Disconnected')
MESSAGE_STYLES = ('Information', 'Exclamation', 'Critical', 'Question')
# citrix_session's state -> the session verb it sends. `messaged` is an action like the others'
# verbs, not a state a session can be in: every run sends it again.
ACTIONS = {'logged_off': 'logoff', 'disconnected': 'disconnect', 'messaged': 'sendMessage'}
MESSAGE = ACTIONS['messaged']
# A 404 from these means the session ended meanwhile, which is what a log-off wants and leaves
# nobody to read a message: unchanged, not failed. A session gone before its disconnect is a failure.
_GONE_IS_FINE = ('logoff', MESSAGE)

# The session selector options, as doc fragment citrix.cloud.common.sessions documents them.
SESSION_SELECTORS = dict(
    id=dict(type='list', elements='str'),
    machine=dict(type='list', elements='str'),
    catalog=dict(type='str'),
    delivery_group=dict(type='str'),
    user=dict(type='list', elements='str'),
)

# Fields of a machine that a session selection needs: which sessions it holds.
_MACHINE_REF_FIELDS = ('Id', 'Name', 'Sid', 'SessionCount')
# What session results read. Machine is not in the service's default field set for sessions:
# without it no session could be matched to the machines selected.
SESSION_FIELDS = (
    'Id', 'Machine', 'User', 'State', 'StartTime', 'StateChangeTime', 'LogoffInProgress', 'LogonInProgress',
    'SessionType', 'AppState', 'Client', 'IsAnonymousUser', 'UntrustedUserName',
)


def user_matches(session, user):
    """`user` is DOMAIN\\name, a UPN or a plain name, case-insensitively."""
    if not user:
        return True
    who = session.get('User') or {}
    wanted = user.lower()
    names = [who.get(k) for k in ('SamName', 'PrincipalName', 'Name', 'DisplayName')]
    names.append(session.get('UntrustedUserName'))
    return any(isinstance(n, str) and n.lower() == wanted for n in names)


def filter_sessions(sessions, machine_ids=None, users=None, states=None, ids=None):
    """Sessions that match every filter given; lists match any of their values."""
    def keep(session):
        if ids is not None and session.get('Id') not in ids:
            return False
        if machine_ids is not None and ((session.get('Machine') or {}).get('Id') not in machine_ids):
            return False
        if users and not any(user_matches(session, u) for u in users):
            return False
        if states and session.get('State') not in states:
            return False
        return True
    return [s for s in sessions if keep(s)]


def select_sessions(client, machines=None, catalog=None, delivery_group=None, users=None,
                    states=None, ids=None, strict=False, workers=10):
    """Sessions on the selected machines (all of the site's when no machine selector is given).

    Sessions are listed once (paged); machine selectors only narrow the set of machine ids,
    so a catalog of thousands of machines costs its machine pages plus the session pages.
    """
    machine_ids = None
    if machines or catalog or delivery_group:
        found = select_machines(client, names=machines, catalog=catalog,
                                delivery_group=delivery_group, fields=_MACHINE_REF_FIELDS,
                                strict=strict, workers=workers)
        machine_ids = set(m['Id'] for m in found)
        if not machine_ids:
            return []
    sessions = list(client.paginate('/Sessions', limit=1000, fields=SESSION_FIELDS))
    return filter_sessions(sessions, machine_ids=machine_ids, users=users, states=states,
                           ids=set(ids) if ids else None)


def selected_sessions(module, states=None, strict=False, workers=10):
    """The sessions a module's selector options (SESSION_SELECTORS) pick, checked before any request.

    A selector given but empty or null is an error, never "all sessions". `strict`: the module
    acts on what it selects (citrix_session, whose `state` is the action; citrix_session_info's
    `state` is a filter like the selectors).
    """
    module.refuse_empty(list(SESSION_SELECTORS) + ([] if strict else ['state']), acting=strict)
    p = module.params
    check_selectors(p['machine'], p['catalog'], p['delivery_group'], names_option='machine')
    # Session ids are plain strings in the API (not GUIDs): refuse only what cannot be one.
    check_names(p['id'], 'session id', 'id')
    return select_sessions(daas_client(module), machines=p['machine'], catalog=p['catalog'],
                           delivery_group=p['delivery_group'], users=p['user'], states=states,
                           ids=p['id'], strict=strict, workers=workers)


def _already_there(session, state):
    """(True, reason) when `session` already is where `state` wants it; `messaged` never is."""
    if state == 'logged_off' and session.get('LogoffInProgress'):
        return True, 'log-off already in progress'
    if state == 'disconnected' and session.get('State') == 'Disconnected':
        return True, None
    return False, None


def plan(sessions, state):
    """One entry per session: act, or unchanged when it already is where `state` wants it."""
    entries = []
    for session in sessions:
        there, reason = _already_there(session, state)
        entries.append(dict(session=session, action=ACTIONS[state], result='unchanged' if there else 'act',
                            reason=reason, message=None, transaction_id=None, delivered=False))
    return entries


def check_message(message):
    """Refuse, before any call, a user_message (None: not given) whose title or text is empty or null."""
    for key in ('title', 'text'):
        if message is not None and (not isinstance(message.get(key), str) or not message[key].strip()):
            raise ValueError('user_message.%s must not be empty or null: users would get a message without it, '
                             'got %r.' % (key, message.get(key)))


def message_body(message):
    """$sendMessage body from the module's message option (Title, Text, Style as in the schema)."""
    return {'Title': message['title'], 'Text': message['text'],
            'Style': message.get('style') or 'Information'}


def _post(client, session_id, verb, body=None):
    path = '/Sessions/%s/$%s' % (path_segment(session_id, 'session id'), verb)
    return client.daas('POST', path, json=body, expected=(200, 202, 204))


def calls(action, message):
    """The (verb, body) requests for one session, in order: the message (when given) comes first,
    so that a log-off or disconnect never reaches a user who was not told."""
    steps = [(MESSAGE, message_body(message))] if message else []
    if action != MESSAGE:
        steps.append((action, None))
    return steps


def _act(client, entry, message):
    """Send the session's requests in order; one that fails stops the rest (no unwarned log-off)."""
    session_id = entry['session']['Id']
    steps, responses = calls(entry['action'], message), []
    try:
        for verb, body in steps:
            responses.append(_post(client, session_id, verb, body))
    except CitrixCloudError as err:
        # A message that reached the user is a change, whatever the log-off after it did.
        entry['delivered'] = bool(responses) and steps[0][0] == MESSAGE
        gone = is_missing(err) and entry['action'] in _GONE_IS_FINE
        text = None if gone else str(err)
        if entry['delivered'] and text:
            text = 'the message was delivered, then ' + text
        entry.update(result='unchanged' if gone else 'failed', transaction_id=err.transaction_id,
                     message=text, reason='session ended meanwhile' if gone else None)
        return entry
    entry.update(result='changed', transaction_id=responses[-1].transaction_id, delivered=bool(message))
    return entry


def any_changed(entries):
    """True when a session was acted on, or its user got the message before a later step failed."""
    return any(e['result'] in ('act', 'changed') or e.get('delivered') for e in entries)


def execute(client, entries, message=None, parallelism=10):
    """Act on the entries planned `act`, in parallel; `message` is required for `sendMessage`."""
    if message is None and any(e['action'] == MESSAGE for e in entries):
        raise ValueError('a message needs user_message (title and text)')
    todo = [e for e in entries if e['result'] == 'act']
    outcomes = client.parallel_map(lambda e: _act(client, e, message), todo, workers=parallelism)
    for entry, outcome in zip(todo, outcomes):
        if isinstance(outcome, Exception):
            entry.update(result='failed', message=str(outcome))
    return entries


def session_view(session):
    """A session, snake_case; the machine and user references kept short."""
    view = snake(session)
    machine = session.get('Machine') or {}
    view['machine'] = snake(dict((k, machine.get(k)) for k in ('Id', 'Name', 'DnsName')
                                 if k in machine))
    return view


def to_results(entries):
    out = []
    for entry in entries:
        session = entry['session']
        user = session.get('User') or {}
        out.append({
            'id': session.get('Id'),
            'machine': (session.get('Machine') or {}).get('Name'),
            'user': user.get('SamName') or user.get('PrincipalName') or user.get('Name'),
            'state': session.get('State'),
            'action': entry['action'],
            'result': 'changed' if entry['result'] == 'act' else entry['result'],
            'reason': entry['reason'],
            'message': entry['message'],
            'transaction_id': entry['transaction_id'],
        })
    return out
