#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_application
short_description: Publish, update or remove a Citrix DaaS application
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Makes sure an installed application is published with the given settings, to the given delivery
    groups and application groups, for the given users; or that it does not exist.
  - Compares only the options given with the application as read, and changes only what differs;
    a second identical run changes nothing.
  - Every delivery group, application group, user and tag named must exist; the task fails before
    any change, naming those that do not.
options:
  name:
    description:
      - Name of the application, or its id. C(Folder\\Name) (C(Folder\\Sub\\Name)) places it in an
        application folder, which is created when it does not exist.
      - An application is found by its full path; C(Name) alone is an application outside any folder.
    type: str
    required: true
  published_name:
    description:
      - The name users see. The service uses the application's name when it is not set.
    type: str
  description:
    description:
      - Description of the application.
    type: str
  command_line_executable:
    description:
      - The executable to launch, for example C(C:\\Windows\\System32\\notepad.exe); environment
        variables can be used.
      - Required to create an application.
    type: str
  command_line_arguments:
    description:
      - Command-line arguments for the executable.
    type: str
  working_directory:
    description:
      - The working directory the executable starts in.
    type: str
  delivery_groups:
    description:
      - The delivery groups, by name or id, the application is published to, exactly; it is removed
        from any other. V([]) publishes it to none.
      - Left as it is when not given.
    type: list
    elements: str
  application_groups:
    description:
      - The application groups, by name or id, the application belongs to, exactly. V([]) takes it
        out of every application group.
      - Left as it is when not given.
    type: list
    elements: str
  enabled:
    description:
      - Whether users can launch the application.
    type: bool
  visible:
    description:
      - Whether users see the application.
    type: bool
  included_users:
    description:
      - Limits who sees the application to these users and groups (C(DOMAIN\\name), a user principal
        name or a SID), exactly, within those the delivery groups admit.
      - V([]) lifts the limit, so that every user of the delivery groups sees it.
      - Left as it is when not given.
    type: list
    elements: str
  tags:
    description:
      - Tags, by name or id, the application carries. They must exist (see M(citrix.cloud.citrix_tag)).
      - Added to the tags it has, unless O(purge_tags=true).
    type: list
    elements: str
  purge_tags:
    description:
      - With O(tags), remove every other tag from the application.
    type: bool
    default: false
  state:
    description:
      - V(present) publishes or updates the application, V(absent) deletes it (which also removes it
        from its delivery groups and application groups).
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
    details: Shows the settings this module manages (those above) before and after.
notes:
  - Only installed applications (C(HostedOnDesktop)) are created; other kinds can be updated or deleted.
seealso:
  - module: citrix.cloud.citrix_application_info
  - module: citrix.cloud.citrix_application_group
  - module: citrix.cloud.citrix_tag
"""

EXAMPLES = r"""
- name: Publish Notepad to a delivery group for the finance team
  citrix.cloud.citrix_application:
    name: Office\Notepad
    published_name: Notepad
    command_line_executable: C:\Windows\System32\notepad.exe
    delivery_groups: [DEMOLAB Desktops]
    included_users: ['DEMOLAB\Finance']
  register: notepad

- name: Hide it for a while
  citrix.cloud.citrix_application:
    name: Office\Notepad
    visible: false

- name: Remove it
  citrix.cloud.citrix_application:
    name: Office\Notepad
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application as the service holds it after the task, snake_case (in check mode, as it is with
      the planned changes); C({}) after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Application id (absent in check mode for one not yet created).
      type: str
    name:
      description: Name of the application within its folder.
      type: str
    full_name:
      description: C(Folder\\Name), as O(name) takes it.
      type: str
    published_name:
      description: The name users see.
      type: str
    enabled:
      description: Whether users can launch it.
      type: bool
    visible:
      description: Whether users see it.
      type: bool
    installed_app_properties:
      description: C(command_line_executable), C(command_line_arguments), C(working_directory).
      type: dict
    application_folder:
      description: The folder (C(id), C(name)), absent outside any folder.
      type: dict
    delivery_groups:
      description: Delivery groups it is published to (C(id), C(name), C(priority)).
      type: list
      elements: dict
    application_groups:
      description: Application groups it belongs to (C(id), C(name)).
      type: list
      elements: dict
    included_users:
      description: The users and groups the visibility is limited to, as the identity service describes them.
      type: list
      elements: dict
    tags:
      description: Names of its tags.
      type: list
      elements: str
  sample:
    id: 9b2f6c1e-5d4a-4b3c-8e2f-1a0b9c8d7e6f
    name: Notepad
    full_name: Office\Notepad
    published_name: Notepad
    enabled: true
    visible: true
    installed_app_properties:
      command_line_executable: C:\Windows\System32\notepad.exe
      command_line_arguments: ''
      working_directory: ''
    delivery_groups:
      - id: 4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9
        name: DEMOLAB Desktops
        priority: 0
    application_groups: []
    tags: []
"""

from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import diff
from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _applications as apps


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            published_name=dict(type='str'),
            description=dict(type='str'),
            command_line_executable=dict(type='str'),
            command_line_arguments=dict(type='str'),
            working_directory=dict(type='str'),
            delivery_groups=dict(type='list', elements='str'),
            application_groups=dict(type='list', elements='str'),
            enabled=dict(type='bool'),
            visible=dict(type='bool'),
            included_users=dict(type='list', elements='str'),
            tags=dict(type='list', elements='str'),
            purge_tags=dict(type='bool', default=False),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        supports_check_mode=True,
        daas=True,
    )
    p = module.params
    with module.api_errors():
        apps.check_options(p)
        client = daas_client(module)
        if p['state'] == 'absent':
            changed, before = apps.ensure_absent(client, p['name'], module.check_mode)
            module.exit_json(changed=changed, application={}, diff=diff(before, {}))
        changed, before, after, application = apps.ensure_present(client, p['name'], p, module.check_mode)
        module.exit_json(changed=changed, application=application, diff=diff(before, after))


if __name__ == '__main__':
    main()
