#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_resource_location
short_description: Create, update or delete a Citrix Cloud resource location
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Makes sure a resource location exists with the given settings, or does not exist.
  - Changes only the settings that differ from what is asked; a second identical run changes nothing.
  - Uses the Resource Locations API (C(https://api.cloud.com/resourcelocations); in Citrix Cloud Government
    C(https://registry.citrixworkspacesapi.us/{customerId}/resourcelocations)).
  - Resource locations are a Citrix Cloud service, so with on-premises credentials (O(username)) the task
    fails before any call.
options:
  name:
    description:
      - Name of the resource location. Required to create one.
      - Without O(id), the resource location is found by this exact name (case-sensitive).
      - With O(id), the desired name; a different one renames the resource location.
      - "Must not contain any of C(/ \\ # ? % | [ ] { } < > $ ^ & +): the module refuses such a name
        before it calls the service."
    type: str
  id:
    description:
      - Id of an existing resource location to update or delete, a GUID; anything else fails
        before any call.
      - The module never creates a resource location with a given id; with O(state=present), an
        unknown id fails.
    type: str
  internal_only:
    description:
      - Whether connectivity to the resource location is internal only.
      - Left as it is when not given.
    type: bool
  time_zone:
    description:
      - Time zone of the resource location, as the service names it (for example C(GMT Standard Time)).
      - Left as it is when not given.
    type: str
  state:
    description:
      - V(present) creates or updates the resource location, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Finds what would change and reports it, calling nothing that changes the service.
  diff_mode:
    support: full
    details: Shows the resource location before and after.
notes:
  - Resource locations that Citrix manages (RV(resource_location.read_only)) cannot be changed or
    deleted; the module fails instead of trying.
seealso:
  - module: citrix.cloud.citrix_resource_location_info
"""

EXAMPLES = r"""
# Credentials from CITRIX_CUSTOMER_ID, CITRIX_CLIENT_ID and CITRIX_CLIENT_SECRET.
- name: A resource location for the London data centre
  citrix.cloud.citrix_resource_location:
    name: London DC
    time_zone: GMT Standard Time
    internal_only: false
  register: london

- name: Rename it, by id
  citrix.cloud.citrix_resource_location:
    id: "{{ london.resource_location.id }}"
    name: London DC 2

- name: Remove it
  citrix.cloud.citrix_resource_location:
    name: London DC 2
    state: absent

- name: Credentials from module_defaults
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  citrix.cloud.citrix_resource_location:
    name: Lab
    internal_only: true
"""

RETURN = r"""
resource_location:
  description:
    - The resource location as the service holds it after the task (in check mode, as it would be).
    - C({}) after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Resource location id (absent in check mode for one not yet created).
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
      description: Whether Citrix manages the resource location.
      type: bool
      sample: false
  sample:
    id: 0f6a2f6e-3c3a-4a5b-9a53-8f0c2a6f1d11
    name: London DC
    internal_only: false
    time_zone: GMT Standard Time
    read_only: false
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._resource_locations import (
    check_resource_location_id,
    check_resource_location_name,
    ensure_absent,
    ensure_present,
    locate_resource_location,
)


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='str'),
            id=dict(type='str'),
            internal_only=dict(type='bool'),
            time_zone=dict(type='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
        ),
        supports_check_mode=True,
        required_one_of=[('name', 'id')],
    )
    params = module.params
    with module.api_errors():
        if params['name'] is not None:
            check_resource_location_name(params['name'])
        check_resource_location_id(params['id'])
        client = module.client
        current = locate_resource_location(client, params['name'], params['id'])
        if params['state'] == 'absent':
            changed, before, after = ensure_absent(client, current, module.check_mode)
        else:
            changed, before, after = ensure_present(client, current, params, module.check_mode)
        module.exit_json(
            changed=changed,
            resource_location=snake(after),
            diff=dict(before=snake(before), after=snake(after)),
        )


if __name__ == '__main__':
    main()
