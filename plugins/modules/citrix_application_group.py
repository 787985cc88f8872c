#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_application_group
short_description: Create, update or delete a Citrix DaaS application group
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Makes sure an application group exists with the given settings, delivery groups, users and
    member applications; or that it does not exist.
  - Compares only the options given with the group as read, and changes only what differs; a second
    identical run changes nothing.
  - Every delivery group, user and application named must exist; the task fails before any change,
    naming those that do not.
options:
  name:
    description:
      - Name or id of the application group. A new group gets this name.
    type: str
    required: true
  description:
    description:
      - Description of the group (administrators see it, users do not).
    type: str
  enabled:
    description:
      - Whether users can launch the group's applications.
    type: bool
  delivery_groups:
    description:
      - The delivery groups, by name or id, the group is published to, exactly. V([]) publishes it to none.
      - Left as they are when not given.
    type: list
    elements: str
  included_users:
    description:
      - Limits who sees the group's applications to these users and groups (C(DOMAIN\\name), a user
        principal name or a SID), exactly. V([]) lifts the limit.
      - Left as they are when not given.
    type: list
    elements: str
  applications:
    description:
      - The member applications, each by id or full name (C(Folder\\Name)), exactly; others are taken
        out of the group (they are not deleted). V([]) empties the group.
      - Left as they are when not given.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it. Deleting a group keeps its
        applications; they only leave it.
    type: str
    choices: [present, absent]
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
    details: Shows the settings, delivery groups, users and member applications before and after.
seealso:
  - module: citrix.cloud.citrix_application_group_info
  - module: citrix.cloud.citrix_application
"""

EXAMPLES = r"""
- name: Office applications for the finance team
  citrix.cloud.citrix_application_group:
    name: Office
    delivery_groups: [DEMOLAB Desktops]
    included_users: ['DEMOLAB\Finance']
    applications: ['Office\Word', 'Office\Excel']

- name: Remove the group, keeping its applications
  citrix.cloud.citrix_application_group:
    name: Office
    state: absent
"""

RETURN = r"""
application_group:
  description:
    - The group as the service holds it after the task, snake_case (in check mode, as it is with the
      planned settings); C({}) after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Application group id (absent in check mode for one not yet created).
      type: str
    name:
      description: Name of the group.
      type: str
    enabled:
      description: Whether users can launch its applications.
      type: bool
    delivery_groups:
      description: Delivery groups it is published to (C(id), C(name), C(priority)).
      type: list
      elements: dict
    included_users:
      description: The users and groups the visibility is limited to.
      type: list
      elements: dict
    applications:
      description: Member applications (C(id), C(name), C(full_name)).
      type: list
      elements: dict
  sample:
    id: 5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c
    name: Office
    enabled: true
    delivery_groups:
      - id: 4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9
        name: DEMOLAB Desktops
        priority: 0
    applications:
      - id: 9b2f6c1e-5d4a-4b3c-8e2f-1a0b9c8d7e6f
        name: Word
        full_name: Office\Word
"""

from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import diff
from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _application_groups as groups


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            description=dict(type='str'),
            enabled=dict(type='bool'),
            delivery_groups=dict(type='list', elements='str'),
            included_users=dict(type='list', elements='str'),
            applications=dict(type='list', elements='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        supports_check_mode=True,
        daas=True,
    )
    p = module.params
    with module.api_errors():
        groups.check_options(p)
        client = daas_client(module)
        if p['state'] == 'absent':
            changed, before = groups.ensure_absent(client, p['name'], module.check_mode)
            module.exit_json(changed=changed, application_group={}, diff=diff(before, {}))
        changed, before, after, group = groups.ensure_present(client, p, module.check_mode)
        module.exit_json(changed=changed, application_group=group, diff=diff(before, after))


if __name__ == '__main__':
    main()
