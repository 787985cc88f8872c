#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_application_info
short_description: List Citrix DaaS applications
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the published applications of a Citrix DaaS site, each with the delivery groups and
    application groups it is published through. Filters given are all applied.
options:
  name:
    description:
      - Only these applications, each by id or full name (C(Folder\\Name); C(Name) alone for one
        outside any folder), case-insensitively.
      - Given but empty or null (V([]), V(['']), V(null)), as a template can produce,
        it fails before any call; it never means "all applications".
    type: list
    elements: str
  delivery_group:
    description:
      - Only applications published to this delivery group, by name or id.
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all applications".
    type: str
  application_group:
    description:
      - Only applications of this application group, by name or id.
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all applications".
    type: str
  folder:
    description:
      - Only applications directly in this application folder (C(Folder\\Sub)).
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all applications".
    type: str
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches (also for a delivery group, application group or folder
    that does not exist); that is not an error.
  - Costs one paged list of applications, plus one list of delivery groups and one of application
    groups when the applications found are published through any.
seealso:
  - module: citrix.cloud.citrix_application
"""

EXAMPLES = r"""
- name: Applications of a delivery group
  citrix.cloud.citrix_application_info:
    delivery_group: DEMOLAB Desktops
  register: published

- name: Print their names
  ansible.builtin.debug:
    msg: "{{ published.applications | map(attribute='full_name') | list }}"
"""

RETURN = r"""
applications:
  description: The matching applications, snake_case; C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Application id.
      type: str
    name:
      description: Name within its folder.
      type: str
    full_name:
      description: C(Folder\\Name).
      type: str
    published_name:
      description: The name users see.
      type: str
    description:
      description: Description (C('') when never set).
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
      description: Its folder (C(id), C(name)); C({}) outside any folder.
      type: dict
    delivery_groups:
      description: Delivery groups it is published to (C(id), C(name)).
      type: list
      elements: dict
    application_groups:
      description: Application groups it belongs to (C(id), C(name)).
      type: list
      elements: dict
    tags:
      description: Names of its tags.
      type: list
      elements: str
  sample:
    - id: 9b2f6c1e-5d4a-4b3c-8e2f-1a0b9c8d7e6f
      name: Notepad
      full_name: Office\Notepad
      published_name: Notepad
      description: ''
      enabled: true
      visible: true
      installed_app_properties:
        command_line_executable: notepad.exe
        command_line_arguments: ''
        working_directory: ''
      application_folder:
        id: 1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d
        name: Office
      delivery_groups:
        - id: 4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9
          name: DEMOLAB Desktops
      application_groups: []
      tags: []
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _applications as apps


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='list', elements='str'),
            delivery_group=dict(type='str'),
            application_group=dict(type='str'),
            folder=dict(type='str'),
        ),
        supports_check_mode=True,
        daas=True,
        filters=('name', 'delivery_group', 'application_group', 'folder'),
    )
    p = module.params
    with module.api_errors():
        apps.check_info_options(p['name'], p['delivery_group'], p['application_group'], p['folder'])
        found = apps.applications_info(daas_client(module), p['name'], p['delivery_group'],
                                       p['application_group'], p['folder'])
        module.exit_json(changed=False, applications=found)


if __name__ == '__main__':
    main()
