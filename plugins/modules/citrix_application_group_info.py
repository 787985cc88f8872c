#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_application_group_info
short_description: List Citrix DaaS application groups
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the application groups of a Citrix DaaS site, all of them or those named by O(name), each
    with its delivery groups and member applications.
options:
  name:
    description:
      - Only the groups with these names or ids (case-insensitively).
      - Given but empty or null (V([]), V(['']), V(null)), as a template can produce,
        it fails before any call; it never means "all groups".
    type: list
    elements: str
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches; that is not an error.
  - Costs one paged list of groups and one list of members per group found.
seealso:
  - module: citrix.cloud.citrix_application_group
"""

EXAMPLES = r"""
- name: One application group and its applications
  citrix.cloud.citrix_application_group_info:
    name: [Office]
  register: office
"""

RETURN = r"""
application_groups:
  description: The matching application groups, snake_case; C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Application group id.
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
    applications:
      description: Member applications (C(id), C(name), C(full_name)).
      type: list
      elements: dict
  sample:
    - id: 5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c
      name: Office
      enabled: true
      delivery_groups: []
      applications: []
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _application_groups as groups


def main():
    module = CitrixCloudModule(argument_spec=dict(name=dict(type='list', elements='str')),
                               supports_check_mode=True, daas=True, filters=('name',))
    names = module.params['name']
    with module.api_errors():
        groups.check_info_options(names)
        module.exit_json(changed=False, application_groups=groups.groups_info(daas_client(module), names))


if __name__ == '__main__':
    main()
