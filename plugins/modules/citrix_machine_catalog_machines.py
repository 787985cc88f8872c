#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine_catalog_machines
short_description: Add machines to or remove them from a manual or Remote PC Citrix DaaS catalog
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Makes sure the machines named are in the catalog (V(present)) or not (V(absent)). Only manual and
    Remote PC catalogs take machines by name; for others the task fails before any change.
  - Each machine gets one result (C(changed), C(unchanged), C(failed) with the reason or the service's
    message); the task fails when any failed.
options:
  catalog:
    description:
      - The catalog, by name or id.
    type: str
    required: true
  machines:
    description:
      - The machines, each a name (C(DOMAIN\\NAME)), or a dict with C(name), and C(hosted_machine_id)
        and C(hypervisor_connection) (the machine's id on the hypervisor and the connection's name or id),
        which a power-managed catalog needs for each machine added.
      - A machine in another catalog, or (to remove) still in a delivery group, is left alone and its
        result is C(failed).
    type: list
    elements: raw
    required: true
  state:
    description:
      - V(present) adds, V(absent) removes (the machine then no longer exists in the site).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - citrix.cloud.common.jobs
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Plans the same results and sends nothing that changes the service.
  diff_mode:
    support: full
    details: Shows which of the named machines are in the catalog before and after the task.
seealso:
  - module: citrix.cloud.citrix_delivery_group_machines
"""

EXAMPLES = r"""
- name: Two power-managed machines into a manual catalog
  citrix.cloud.citrix_machine_catalog_machines:
    catalog: DEMOLAB Manual
    machines:
      - name: DEMOLAB\PC001
        hosted_machine_id: vm-2001
        hypervisor_connection: DEMOLAB vSphere
      - name: DEMOLAB\PC002
        hosted_machine_id: vm-2002
        hypervisor_connection: DEMOLAB vSphere

- name: Remove one
  citrix.cloud.citrix_machine_catalog_machines:
    catalog: DEMOLAB Manual
    machines: ['DEMOLAB\PC002']
    state: absent
"""

RETURN = r"""
machines:
  description: One result per machine.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Machine id (absent for a machine not yet added).
      type: str
    name:
      description: Machine name.
      type: str
    action:
      description: C(add) or C(remove).
      type: str
    result:
      description: C(changed), C(unchanged) or C(failed).
      type: str
    message:
      description: Why it failed.
      type: str
  sample:
    - name: DEMOLAB\PC001
      action: add
      result: changed
summary:
  description: Counts of C(changed), C(unchanged), C(skipped), C(failed) and C(total).
  returned: always
  type: dict
  sample: {changed: 1, unchanged: 0, skipped: 0, failed: 0, total: 1}
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import JOB_WAIT_ARGS, CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name
from ansible_collections.citrix.cloud.plugins.module_utils._results import exit_with_results
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _membership as membership


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            catalog=dict(type='str', required=True),
            machines=dict(type='list', elements='raw', required=True),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            **JOB_WAIT_ARGS,
        ),
        supports_check_mode=True,
        daas=True,
    )
    with module.api_errors():
        check_name(module.params['catalog'], 'catalog', 'catalog')
        membership.normalize_machines(module.params['machines'])
        results = membership.catalog_machines(daas_client(module), module.params, module.check_mode)
        exit_with_results(module, results, diff=membership.membership_diff(
            results, 'catalog %s' % module.params['catalog']))


if __name__ == '__main__':
    main()
