#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine_catalog_info
short_description: List Citrix DaaS machine catalogs
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the machine catalogs of a Citrix DaaS site, all of them or the one named by O(name).
options:
  name:
    description:
      - Only the machine catalog with this name or id (names are matched as the service does,
        case-insensitively).
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all machine catalogs".
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
  - module: citrix.cloud.citrix_delivery_group_info
"""

EXAMPLES = r"""
- name: Work with one machine catalog
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Look it up by name
      citrix.cloud.citrix_machine_catalog_info:
        name: DEMOLAB Servers
      register: found

    - name: Fail early when it does not exist
      ansible.builtin.assert:
        that: found.machine_catalogs | length == 1
        fail_msg: "No machine catalog called DEMOLAB Servers"

    - name: List them all
      citrix.cloud.citrix_machine_catalog_info:
      register: all_of_them
"""

RETURN = r"""
machine_catalogs:
  description:
    - The matching machine catalogs as the DaaS API returns them, with snake_case keys; C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Machine catalog id.
      type: str
    name:
      description: Machine catalog name.
      type: str
    session_support:
      description: C(SingleSession) or C(MultiSession).
      type: str
    total_count:
      description: How many machines the catalog holds.
      type: int
    is_power_managed:
      description: Whether DaaS manages the power of its machines.
      type: bool
    zone:
      description: The zone, C(id) and C(name).
      type: dict
  sample:
    - id: 4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9
      name: DEMOLAB Servers
      session_support: MultiSession
      total_count: 12
      is_power_managed: true
"""

from ansible_collections.citrix.cloud.plugins.module_utils._listing import objects_info
from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule


def main():
    module = CitrixCloudModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True, daas=True,
                               filters=('name',))
    with module.api_errors():
        module.exit_json(changed=False, machine_catalogs=objects_info(module, 'MachineCatalogs', 'machine catalog'))


if __name__ == '__main__':
    main()
