#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_resource_location_info
short_description: List Citrix Cloud resource locations
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the resource locations of a Citrix Cloud customer, all of them or those matching
    O(name) and/or O(id).
  - Uses the Resource Locations API (C(https://api.cloud.com/resourcelocations); in Citrix Cloud Government
    C(https://registry.citrixworkspacesapi.us/{customerId}/resourcelocations)).
  - Resource locations are a Citrix Cloud service, so with on-premises credentials (O(username)) the task
    fails before any call.
options:
  name:
    description:
      - Only the resource location with exactly this name (case-sensitive).
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all resource locations".
    type: str
  id:
    description:
      - Only the resource location with this id, a GUID; anything else fails before any call.
      - When both O(name) and O(id) are given, a resource location must match both.
      - Given but empty or null (V(''), V(null)), as a template can produce,
        it fails before any call; it never means "all resource locations".
    type: str
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches; that is not an error.
seealso:
  - module: citrix.cloud.citrix_resource_location
"""

EXAMPLES = r"""
- name: List every resource location
  citrix.cloud.citrix_resource_location_info:
    customer_id: "{{ citrix_customer_id }}"
    client_id: "{{ citrix_client_id }}"
    client_secret: "{{ citrix_client_secret }}"
  register: locations

- name: Print their names
  ansible.builtin.debug:
    msg: "{{ locations.resource_locations | map(attribute='name') | list }}"

- name: Look one up by name, credentials from module_defaults
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  citrix.cloud.citrix_resource_location_info:
    name: London DC
  register: london
"""

RETURN = r"""
resource_locations:
  description: The matching resource locations, C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Resource location id, used in API calls.
      type: str
      sample: 0f6a2f6e-3c3a-4a5b-9a53-8f0c2a6f1d11
    name:
      description: Resource location name.
      type: str
      sample: London DC
    internal_only:
      description: Whether connectivity is internal only.
      type: bool
      sample: false
    time_zone:
      description: Time zone of the resource location.
      type: str
      sample: GMT Standard Time
    read_only:
      description: Whether the resource location is managed by Citrix and cannot be changed.
      type: bool
      sample: false
  sample:
    - id: 0f6a2f6e-3c3a-4a5b-9a53-8f0c2a6f1d11
      name: London DC
      internal_only: false
      time_zone: GMT Standard Time
      read_only: false
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._resource_locations import (
    check_resource_location_id, check_resource_location_name, find_resource_locations)


def main():
    module = CitrixCloudModule(
        argument_spec=dict(name=dict(type='str'), id=dict(type='str')),
        supports_check_mode=True,
        filters=('name', 'id'),
    )
    with module.api_errors():
        if module.params['name'] is not None:
            check_resource_location_name(module.params['name'])
        check_resource_location_id(module.params['id'])
        found = find_resource_locations(
            module.client, name=module.params['name'], rl_id=module.params['id'])
        module.exit_json(changed=False, resource_locations=[snake(i) for i in found])


if __name__ == '__main__':
    main()
