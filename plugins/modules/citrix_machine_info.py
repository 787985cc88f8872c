#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine_info
short_description: List Citrix DaaS machines, by name, catalog or delivery group, with filters
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the machines of a Citrix DaaS site that match every selector and filter given;
    with none given, every machine of the site.
  - Machines are listed a page of 1000 at a time and only with the fields this module returns,
    so a catalog of 10,000 machines costs 10 list requests.
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - citrix.cloud.common.machines
  - citrix.cloud.common.maintenance_filter
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches (also for a catalog, delivery group or name that
    does not exist); that is not an error.
seealso:
  - module: citrix.cloud.citrix_machine_power
  - module: citrix.cloud.citrix_machine_maintenance
"""

EXAMPLES = r"""
- name: Machines of the tutorial's catalog
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Idle machines that are on
      citrix.cloud.citrix_machine_info:
        catalog: DEMOLAB Servers
        power_state: ['On']
        idle: true
      register: idle

    - name: Two machines by name
      citrix.cloud.citrix_machine_info:
        name:
          - DEMOLAB\OSPREY
          - DEMOLAB\KESTREL
      register: two

    - name: Unregistered machines in maintenance mode
      citrix.cloud.citrix_machine_info:
        delivery_group: DEMOLAB Desktops
        registration_state: [Unregistered]
        in_maintenance_mode: true
      register: broken

    - name: Print their names
      ansible.builtin.debug:
        msg: "{{ idle.machines | map(attribute='name') | list }}"
"""

RETURN = r"""
machines:
  description: The matching machines, with snake_case keys; C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Machine id.
      type: str
    name:
      description: Machine name, C(DOMAIN\\NAME).
      type: str
    sid:
      description: The machine's SID, which selects it like its name or id.
      type: str
    dns_name:
      description: DNS name.
      type: str
    power_state:
      description: Power state, for example C(On), C(Off), C(Unmanaged).
      type: str
    power_action_pending:
      description: Whether a power action is queued for the machine.
      type: bool
    supported_power_actions:
      description: Power actions the machine accepts.
      type: list
      elements: str
    registration_state:
      description: Registration state of its VDA.
      type: str
    session_count:
      description:
        - Sessions on the machine; V(null) where the service did not report the count (treat it as
          busy, as O(idle) and M(citrix.cloud.citrix_machine_power) do).
      type: int
    in_maintenance_mode:
      description: Whether the machine is in maintenance mode.
      type: bool
    machine_catalog:
      description: Its catalog, C(id) and C(name).
      type: dict
    delivery_group:
      description: Its delivery group, C(id) and C(name); absent when it is in none.
      type: dict
  sample:
    - id: 8d7c6b5a-4f3e-4d2c-b1a0-9f8e7d6c5b4a
      name: DEMOLAB\KESTREL
      dns_name: kestrel.demolab.local
      power_state: 'On'
      power_action_pending: false
      supported_power_actions: [PowerOn, PowerOff, Shutdown, Restart, Reset, SuspendResume]
      registration_state: Registered
      session_count: 0
      in_maintenance_mode: false
      machine_catalog:
        id: 4c3b2a19-0f8e-4d7c-a6b5-c4d3e2f1a0b9
        name: DEMOLAB Servers
      delivery_group:
        id: 5d4c3b2a-1f0e-4d8c-b7a6-d5e4f3a2b1c0
        name: DEMOLAB Desktops
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake_in_place
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_SELECTORS, MAINTENANCE_FILTER, selected_machines


def main():
    module = CitrixCloudModule(argument_spec=dict(MACHINE_SELECTORS, **MAINTENANCE_FILTER),
                               supports_check_mode=True, daas=True)
    with module.api_errors():
        module.exit_json(changed=False, machines=snake_in_place(selected_machines(module)))


if __name__ == '__main__':
    main()
