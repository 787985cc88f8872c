#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_session_info
short_description: List Citrix DaaS sessions by machine, catalog, delivery group, user or state
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the sessions of a Citrix DaaS site that match every selector given; with none given,
    every session of the site.
  - Sessions are listed a page of 1000 at a time; machine selectors cost their machine list pages.
options:
  state:
    description:
      - Only sessions in one of these states.
    type: list
    elements: str
    choices: [Unknown, Connected, Active, Disconnected]
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - citrix.cloud.common.sessions
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches (also for a machine, catalog or delivery group
    that does not exist); that is not an error.
seealso:
  - module: citrix.cloud.citrix_session
  - module: citrix.cloud.citrix_machine_info
"""

EXAMPLES = r"""
- name: Who is still working
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Disconnected sessions in a delivery group
      citrix.cloud.citrix_session_info:
        delivery_group: DEMOLAB Desktops
        state: [Disconnected]
      register: disconnected

    - name: Sessions of one user
      citrix.cloud.citrix_session_info:
        user: [DEMOLAB\alice]
      register: alice

    - name: Print machine and user of each
      ansible.builtin.debug:
        msg: "{{ disconnected.sessions | map(attribute='machine.name') | list }}"
"""

RETURN = r"""
sessions:
  description:
    - The matching sessions as the DaaS API returns them, with snake_case keys; C([]) when none match.
    - C(machine) is shortened to its C(id), C(name) and C(dns_name).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Session id, for M(citrix.cloud.citrix_session).
      type: str
    state:
      description: C(Active), C(Connected), C(Disconnected) or C(Unknown).
      type: str
    machine:
      description: The machine it runs on, C(id), C(name) and C(dns_name).
      type: dict
    user:
      description: The user, with C(sam_name), C(principal_name), C(display_name) and more.
      type: dict
    start_time:
      description: When the session started.
      type: str
    logoff_in_progress:
      description: Whether a log-off is under way.
      type: bool
  sample:
    - id: 6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d
      state: Active
      machine:
        id: 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b
        name: DEMOLAB\OSPREY
        dns_name: osprey.demolab.local
      user:
        sam_name: DEMOLAB\alice
        principal_name: alice@demolab.local
        display_name: Alice
      start_time: '2024-06-03T08:12:44Z'
      logoff_in_progress: false
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils import _sessions as sessions


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            sessions.SESSION_SELECTORS,
            state=dict(type='list', elements='str', choices=list(sessions.SESSION_STATES)),
        ),
        supports_check_mode=True,
        daas=True,
    )
    with module.api_errors():
        found = sessions.selected_sessions(module, states=module.params['state'])
        module.exit_json(changed=False, sessions=[sessions.session_view(s) for s in found])


if __name__ == '__main__':
    main()
