#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_session
short_description: Message the users of Citrix DaaS sessions, log the sessions off or disconnect them
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Sends a message to the users of the selected sessions of a Citrix DaaS site, logs the sessions
    off or disconnects them, in parallel, with one result per session - V(changed), V(unchanged) or
    V(failed).
  - Idempotent for O(state=logged_off) and O(state=disconnected) - a session already C(Disconnected)
    is V(unchanged) for O(state=disconnected), one with a log-off in progress or gone meanwhile is
    V(unchanged) for O(state=logged_off).
  - O(state=messaged) only sends O(user_message). A message is an action, not a state - every run
    sends it again to every selected session (V(changed)); a session that ended meanwhile is V(unchanged).
  - With O(user_message) and O(state=logged_off) or O(state=disconnected), the users of the sessions
    acted on get the message first (C($sendMessage)); when it cannot be sent, that session is not
    logged off or disconnected and is V(failed).
  - The task fails when any session V(failed), after every other session was acted on.
options:
  state:
    description:
      - V(logged_off) ends the sessions (C($logoff)); V(disconnected) disconnects them
        (C($disconnect)) and leaves them running.
      - V(messaged) sends O(user_message) (C($sendMessage)) and leaves the sessions as they are, for
        example to warn users some time before they are logged off.
    type: str
    required: true
    choices: [logged_off, disconnected, messaged]
  user_message:
    description:
      - A message shown to the user of each selected session (C($sendMessage)); with
        O(state=logged_off) or O(state=disconnected), before their session is acted on.
      - Required with O(state=messaged).
      - Named O(user_message) because Ansible reserves C(message) for itself.
    type: dict
    suboptions:
      title:
        description: Title of the message box.
        type: str
        required: true
      text:
        description: The message.
        type: str
        required: true
      style:
        description: Icon of the message box.
        type: str
        default: Information
        choices: [Information, Exclamation, Critical, Question]
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - citrix.cloud.common.parallelism
  - citrix.cloud.common.sessions
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Computes the same results, and sends neither messages nor actions.
notes:
  - At least one of O(id), O(machine), O(catalog), O(delivery_group) and O(user) is required, so
    that a typo can never end every session of the site.
seealso:
  - module: citrix.cloud.citrix_session_info
  - module: citrix.cloud.citrix_machine_maintenance
"""

EXAMPLES = r"""
- name: End the sessions on a machine before its update
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Warn the users that their desktop restarts in 10 minutes
      citrix.cloud.citrix_session:
        machine: [DEMOLAB\OSPREY]
        state: messaged
        user_message:
          title: Maintenance
          text: This desktop restarts in 10 minutes. Please save your work and log off.

    - name: Give them the time
      ansible.builtin.pause:
        minutes: 10

    - name: Log off the sessions left, with a last word
      citrix.cloud.citrix_session:
        machine: [DEMOLAB\OSPREY]
        state: logged_off
        user_message:
          title: Maintenance
          text: This desktop restarts now. Please save your work and log on again in 10 minutes.
          style: Exclamation
      register: logoff

    - name: Disconnect one user everywhere
      citrix.cloud.citrix_session:
        user: [DEMOLAB\alice]
        state: disconnected
"""

RETURN = r"""
sessions:
  description: One result per selected session.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Session id.
      type: str
    machine:
      description: Name of the machine it runs on.
      type: str
    user:
      description: The user, C(DOMAIN\\user).
      type: str
    state:
      description: Session state when selected.
      type: str
    action:
      description: C(logoff), C(disconnect) or C(sendMessage) (O(state=messaged)).
      type: str
    result:
      description: V(changed), V(unchanged) or V(failed).
      type: str
    reason:
      description: Why a session was unchanged, where that is not plain; else V(null).
      type: str
    message:
      description: The service's error for a failed session; else V(null).
      type: str
    transaction_id:
      description: C(Citrix-TransactionId) of the action, for Citrix support; else V(null).
      type: str
  sample:
    - id: 6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d
      machine: DEMOLAB\OSPREY
      user: DEMOLAB\alice
      state: Active
      action: logoff
      result: changed
      reason: null
      message: null
      transaction_id: 1f0c9a4e-6b2d-4c8f-9e3a-7d5b1c0f2e4a
summary:
  description: How many sessions ended in each result (C(skipped) is always 0 here).
  returned: always
  type: dict
  sample:
    changed: 2
    unchanged: 0
    skipped: 0
    failed: 0
    total: 2
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import PARALLELISM_ARGS, CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._results import exit_with_results
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _sessions as sessions


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            sessions.SESSION_SELECTORS,
            state=dict(type='str', required=True, choices=list(sessions.ACTIONS)),
            user_message=dict(type='dict', options=dict(
                title=dict(type='str', required=True),
                text=dict(type='str', required=True),
                style=dict(type='str', default='Information', choices=list(sessions.MESSAGE_STYLES)),
            )),
            **PARALLELISM_ARGS,
        ),
        required_one_of=[('id', 'machine', 'catalog', 'delivery_group', 'user')],
        required_if=[('state', 'messaged', ['user_message'])],
        supports_check_mode=True,
        daas=True,
    )
    p = module.params
    with module.api_errors():
        sessions.check_message(p['user_message'])
        found = sessions.selected_sessions(module, strict=True, workers=p['parallelism'])
        entries = sessions.plan(found, p['state'])
        if not module.check_mode:
            sessions.execute(daas_client(module), entries, message=p['user_message'],
                             parallelism=p['parallelism'])
        exit_with_results(module, sessions.to_results(entries), noun='sessions', label='id',
                          changed=sessions.any_changed(entries))


if __name__ == '__main__':
    main()
