#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine
short_description: Set the properties of one Citrix DaaS machine
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Sets the users a private desktop is assigned to, its published name and its tags, on one machine
    that exists. It never creates or deletes a machine (see M(citrix.cloud.citrix_machine_catalog_machines)).
  - Compares only the options given with the machine as read, and changes only what differs; a second
    identical run changes nothing.
  - Every user and tag named must exist; the task fails before any change, naming those that do not.
options:
  name:
    description:
      - The machine, by name (C(DOMAIN\\NAME)) or id.
    type: str
    required: true
  assigned_users:
    description:
      - The users (C(DOMAIN\\user), a user principal name or a SID) the machine's private desktop is
        assigned to, exactly. V([]) unassigns it.
      - The service assigns users only to machines of a statically allocated catalog that are in a
        delivery group; for others it refuses, and the task fails with its message.
      - Left as they are when not given.
    type: list
    elements: str
  published_name:
    description:
      - The name users see for the machine's desktop; V('') removes it. Private desktops only.
    type: str
  tags:
    description:
      - Tags, by name or id, the machine carries. They must exist (see M(citrix.cloud.citrix_tag)).
      - Added to the tags it has, unless O(purge_tags=true).
    type: list
    elements: str
  purge_tags:
    description:
      - With O(tags), remove every other tag from the machine.
    type: bool
    default: false
  state:
    description:
      - Only V(present); the machine keeps existing and its properties are set.
    type: str
    choices: [present]
    default: present
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Reads and resolves everything, reports what would change, and calls nothing that changes the service.
  diff_mode:
    support: full
    details: Shows the assigned users, published name and tags before and after.
seealso:
  - module: citrix.cloud.citrix_machine_info
  - module: citrix.cloud.citrix_delivery_group_machines
  - module: citrix.cloud.citrix_tag
"""

EXAMPLES = r"""
- name: Give Alice her desktop
  citrix.cloud.citrix_machine:
    name: DEMOLAB\DESK001
    assigned_users: ['DEMOLAB\alice']
    published_name: Alice's desktop

- name: Tag a machine, keeping its other tags
  citrix.cloud.citrix_machine:
    name: DEMOLAB\DESK001
    tags: [Finance]
"""

RETURN = r"""
machine:
  description:
    - The machine as the service holds it after the task, snake_case (in check mode, with the planned
      changes), limited to what this module reads.
  returned: always
  type: dict
  contains:
    id:
      description: Machine id.
      type: str
    name:
      description: Machine name, C(DOMAIN\\NAME).
      type: str
    assigned_users:
      description: The users the desktop is assigned to, as the identity service describes them.
      type: list
      elements: dict
    published_name:
      description: The name users see (absent when none is set).
      type: str
    tags:
      description: Names of its tags.
      type: list
      elements: str
  sample:
    id: 6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a
    name: DEMOLAB\DESK001
    assigned_users:
      - sam_name: DEMOLAB\alice
        principal_name: alice@demolab.local
    published_name: Alice's desktop
    tags: [Finance]
"""

from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import diff
from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _machine_properties as props


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            assigned_users=dict(type='list', elements='str'),
            published_name=dict(type='str'),
            tags=dict(type='list', elements='str'),
            purge_tags=dict(type='bool', default=False),
            state=dict(type='str', choices=['present'], default='present'),
        ),
        supports_check_mode=True,
        daas=True,
    )
    with module.api_errors():
        props.check_options(module.params)
        changed, before, after, machine = props.ensure(daas_client(module), module.params, module.check_mode)
        module.exit_json(changed=changed, machine=machine, diff=diff(before, after))


if __name__ == '__main__':
    main()
