#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine_maintenance
short_description: Turn maintenance mode of Citrix DaaS machines on or off
version_added: 0.1.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Puts the selected machines of a Citrix DaaS site in or out of maintenance mode. A machine in
    maintenance mode takes no new sessions; its existing sessions go on.
  - Idempotent per machine - only machines whose mode differs get a C(PATCH /Machines/{id}),
    in parallel; each machine gets one result, V(changed), V(unchanged) or V(failed).
  - The task fails when any machine V(failed), after every other machine was changed and reported.
options:
  name:
    description:
      - Machines by name or id, C(DOMAIN\\NAME) as written. Within O(catalog) or O(delivery_group)
        when those are given too.
      - A name that matches no machine fails the task before anything is changed.
    type: list
    elements: str
  catalog:
    description:
      - Machines of this machine catalog, by name or id.
    type: str
  delivery_group:
    description:
      - Machines of this delivery group, by name or id.
    type: str
  power_state:
    description:
      - Only selected machines in one of these power states.
    type: list
    elements: str
    choices: [Unknown, Unmanaged, Unavailable, 'Off', 'On', Suspended, TurningOn, TurningOff,
              Suspending, Resuming, NotSupported, VirtualMachineNotFound]
  registration_state:
    description:
      - Only selected machines in one of these registration states.
    type: list
    elements: str
    choices: [Unknown, Unregistered, Initializing, Registered, AgentError]
  idle:
    description:
      - Only selected machines without sessions (V(true)) or with sessions (V(false)).
    type: bool
  enabled:
    description:
      - V(true) turns maintenance mode on, V(false) off.
    type: bool
    required: true
  reason:
    description:
      - With O(enabled=true), sent as C(MaintenanceModeReason). It is compared (and a machine
        changed for it) only where the service reports C(MaintenanceModeReason) for machines.
    type: str
  parallelism:
    description:
      - How many requests run at once.
    type: int
    default: 10
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: Computes the same results and changes nothing.
  diff_mode:
    support: none
  platform:
    platforms: all
    details: Runs wherever Python can reach the Citrix Cloud API, usually the controller.
notes:
  - At least one of O(name), O(catalog) and O(delivery_group) is required.
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
      description: The reason, where the service reports one.
      type: str
    power_state:
      description: Power state.
      type: str
    session_count:
      description: Sessions on the machine.
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

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils import _daas as daas
from ansible_collections.citrix.cloud.plugins.module_utils import _daas_maintenance as maintenance


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='list', elements='str'),
            catalog=dict(type='str'),
            delivery_group=dict(type='str'),
            power_state=dict(type='list', elements='str', choices=list(daas.POWER_STATES)),
            registration_state=dict(type='list', elements='str', choices=list(daas.REGISTRATION_STATES)),
            idle=dict(type='bool'),
            enabled=dict(type='bool', required=True),
            reason=dict(type='str'),
            parallelism=dict(type='int', default=10),
        ),
        required_one_of=[('name', 'catalog', 'delivery_group')],
        supports_check_mode=True,
        daas=True,
    )
    p = module.params
    with module.api_errors():
        daas.check_selectors(p['name'], p['catalog'], p['delivery_group'])
        if p['parallelism'] < 1:
            raise ValueError('parallelism must be 1 or more')
        client = module.client
        daas.use_site(client, p['site_id'], p['customer_id'])
        machines = daas.select_machines(client, names=p['name'], catalog=p['catalog'],
                                        delivery_group=p['delivery_group'], strict=True,
                                        workers=p['parallelism'])
        machines = daas.filter_machines(machines, p['power_state'], p['registration_state'], None, p['idle'])
        entries = maintenance.plan(machines, p['enabled'], p['reason'])
        if not module.check_mode:
            maintenance.execute(client, entries, parallelism=p['parallelism'])
        results = maintenance.to_results(entries)
        summary = daas.summarize(results)
        if summary['failed']:
            module.fail_json(msg='%d of %d machines failed: %s' % (
                summary['failed'], summary['total'],
                '; '.join('%s: %s' % (r['name'], r['message']) for r in results if r['result'] == 'failed')),
                changed=summary['changed'] > 0, machines=results, summary=summary)
        module.exit_json(changed=summary['changed'] > 0, machines=results, summary=summary)


if __name__ == '__main__':
    main()
