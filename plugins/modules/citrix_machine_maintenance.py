#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine_maintenance
short_description: Turn maintenance mode of Citrix DaaS machines on or off
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Puts the selected machines of a Citrix DaaS site in or out of maintenance mode. A machine in
    maintenance mode takes no new sessions; its existing sessions go on.
  - Idempotent per machine - only machines whose mode differs get a C(PATCH /Machines/{id}),
    in parallel; each machine gets one result, V(changed), V(unchanged) or V(failed).
  - The task fails when any machine V(failed), after every other machine was changed and reported.
  - No reason can be given - the API has none to set. The service keeps its own
    C(MaintenanceModeReason) on each machine, returned as RV(machines[].maintenance_mode_reason).
options:
  enabled:
    description:
      - V(true) turns maintenance mode on, V(false) off.
    type: bool
    required: true
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - citrix.cloud.common.parallelism
  - citrix.cloud.common.machines
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Computes the same results and changes nothing.
  diff_mode:
    support: full
    details: Shows which of the selected machines are in maintenance mode before and after the task.
notes:
  - At least one of O(name), O(catalog) and O(delivery_group) is required.
  - A O(name) that matches no machine fails the task before anything is changed.
seealso:
  - module: citrix.cloud.citrix_machine_info
  - module: citrix.cloud.citrix_machine_power
"""

EXAMPLES = r"""
- name: Maintenance around an update
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: No new sessions on two machines
      citrix.cloud.citrix_machine_maintenance:
        name:
          - DEMOLAB\OSPREY
          - DEMOLAB\FALCON
        enabled: true

    - name: Back in service, the whole delivery group
      citrix.cloud.citrix_machine_maintenance:
        delivery_group: DEMOLAB Desktops
        enabled: false
      register: maintenance

    - name: Say how many changed
      ansible.builtin.debug:
        msg: "{{ maintenance.summary.changed }} of {{ maintenance.summary.total }} machines left maintenance mode"
"""

RETURN = r"""
machines:
  description: One result per selected machine.
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
    in_maintenance_mode:
      description: Maintenance mode after the task (in check mode, what it would be).
      type: bool
    maintenance_mode_reason:
      description:
        - The machine's C(MaintenanceModeReason) as the service reported it - V(Unknown), V(None),
          V(Administrator) or V(MaxFailedRegistrations) (the service sets it; no request can).
        - V(null) for a machine this task changed (the service sets a new one with the change) or
          where the service did not report it.
      type: str
    power_state:
      description: Power state.
      type: str
    session_count:
      description:
        - Sessions on the machine; V(null) where the service did not report the count (treat it as
          busy, as O(idle) and M(citrix.cloud.citrix_machine_power) do).
      type: int
    result:
      description: V(changed), V(unchanged) or V(failed).
      type: str
    message:
      description: The service's error for a failed machine; else V(null).
      type: str
    transaction_id:
      description: C(Citrix-TransactionId) of the change, for Citrix support; else V(null).
      type: str
  sample:
    - id: 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b
      name: DEMOLAB\OSPREY
      in_maintenance_mode: true
      maintenance_mode_reason: null
      power_state: 'On'
      session_count: 2
      result: changed
      message: null
      transaction_id: 1f0c9a4e-6b2d-4c8f-9e3a-7d5b1c0f2e4a
summary:
  description: How many machines ended in each result (C(skipped) is always 0 here).
  returned: always
  type: dict
  sample:
    changed: 1
    unchanged: 1
    skipped: 0
    failed: 0
    total: 2
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import PARALLELISM_ARGS, CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._results import exit_with_results
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_SELECTORS, selected_machines
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _maintenance as maintenance


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            MACHINE_SELECTORS,
            enabled=dict(type='bool', required=True),
            **PARALLELISM_ARGS,
        ),
        required_one_of=[('name', 'catalog', 'delivery_group')],
        supports_check_mode=True,
        daas=True,
    )
    p = module.params
    with module.api_errors():
        machines = selected_machines(module, strict=True, workers=p['parallelism'])
        entries = maintenance.plan(machines, p['enabled'])
        if not module.check_mode:
            maintenance.execute(daas_client(module), entries, parallelism=p['parallelism'])
        exit_with_results(module, maintenance.to_results(entries), diff=maintenance.maintenance_diff(entries))


if __name__ == '__main__':
    main()
