#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_delivery_group_info
short_description: List Citrix DaaS delivery groups
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the delivery groups of a Citrix DaaS site, all of them or the one named by O(name).
options:
  name:
    description:
      - Only the delivery group with this name or id (names are matched as the service does,
        case-insensitively).
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all delivery groups".
    type: str
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches; that is not an error.
  - Lists are read a page of 1000 at a time.
seealso:
  - module: citrix.cloud.citrix_machine_info
  - module: citrix.cloud.citrix_machine_catalog_info
"""

EXAMPLES = r"""
- name: Work with one delivery group
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Look it up by name
      citrix.cloud.citrix_delivery_group_info:
        name: DEMOLAB Desktops
      register: found

    - name: Fail early when it does not exist
      ansible.builtin.assert:
        that: found.delivery_groups | length == 1
        fail_msg: "No delivery group called DEMOLAB Desktops"

    - name: List them all
      citrix.cloud.citrix_delivery_group_info:
      register: all_of_them
"""

RETURN = r"""
delivery_groups:
  description:
    - The matching delivery groups as the DaaS API returns them, with snake_case keys; C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Delivery group id.
      type: str
    name:
      description: Delivery group name.
      type: str
    session_support:
      description: C(SingleSession) or C(MultiSession).
      type: str
    total_desktops:
      description: How many machines the delivery group holds.
      type: int
    session_count:
      description: Sessions on its machines.
      type: int
    in_maintenance_mode:
      description: Whether the whole delivery group is in maintenance mode.
      type: bool
    enabled:
      description: Whether the delivery group is enabled.
      type: bool
  sample:
    - id: 4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9
      name: DEMOLAB Desktops
      session_support: MultiSession
      total_desktops: 12
      session_count: 7
      in_maintenance_mode: false
      enabled: true
"""

from ansible_collections.citrix.cloud.plugins.module_utils._listing import objects_info
from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule


def main():
    module = CitrixCloudModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True, daas=True,
                               filters=('name',))
    with module.api_errors():
        module.exit_json(changed=False, delivery_groups=objects_info(module, 'DeliveryGroups', 'delivery group'))


if __name__ == '__main__':
    main()
