#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_delivery_group_machines
short_description: Add machines to or remove them from a Citrix DaaS delivery group
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Makes sure the machines named are in the delivery group (V(present)) or not (V(absent)); or that
    the delivery group holds at least O(count) machines of O(catalog), adding free ones of it.
  - Each machine gets one result (C(changed), C(unchanged), C(skipped) with a reason, C(failed) with
    the reason or the service's message); the task fails when any failed.
  - The delivery group, the catalog and every machine named must exist; the task fails before any
    change, naming those that do not.
options:
  delivery_group:
    description:
      - The delivery group, by name or id.
    type: str
    required: true
  machines:
    description:
      - The machines, each by name (C(DOMAIN\\NAME)) or id.
      - A machine in another delivery group is not moved; its result is C(failed).
      - Exclusive with O(catalog).
    type: list
    elements: str
  catalog:
    description:
      - With O(count), the catalog, by name or id, whose machines in no delivery group are added.
      - Exclusive with O(machines); only with O(state=present).
    type: str
  count:
    description:
      - How many machines of O(catalog) the delivery group holds at least; the missing ones are added
        from the catalog's machines in no delivery group. A second run adds none.
      - When the catalog has too few free machines, nothing is added and the task fails.
    type: int
  state:
    description:
      - V(present) adds, V(absent) removes.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), also remove machines with sessions (and machines whose session count the
        service did not give). Without it they are C(skipped).
    type: bool
    default: false
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
    details: Shows which of the machines the task names or picks are in the delivery group before and after it.
notes:
  - Machines are added with one request a catalog; removed one request a machine.
seealso:
  - module: citrix.cloud.citrix_machine_catalog_machines
  - module: citrix.cloud.citrix_machine
"""

EXAMPLES = r"""
- name: Two named machines into the private desktops
  citrix.cloud.citrix_delivery_group_machines:
    delivery_group: DEMOLAB Private Desktops
    machines: ['DEMOLAB\DESK003', 'DEMOLAB\DESK004']

- name: At least 10 machines of the catalog in the group
  citrix.cloud.citrix_delivery_group_machines:
    delivery_group: DEMOLAB Private Desktops
    catalog: DEMOLAB Private
    count: 10

- name: Take a machine out, even with sessions
  citrix.cloud.citrix_delivery_group_machines:
    delivery_group: DEMOLAB Private Desktops
    machines: ['DEMOLAB\DESK004']
    state: absent
    force: true
"""

RETURN = r"""
machines:
  description: One result per machine.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Machine id.
      type: str
    name:
      description: Machine name.
      type: str
    action:
      description: C(add) or C(remove).
      type: str
    result:
      description: C(changed), C(unchanged), C(skipped) or C(failed).
      type: str
    reason:
      description: Why it was skipped.
      type: str
    message:
      description: Why it failed.
      type: str
  sample:
    - id: 6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a
      name: DEMOLAB\DESK003
      action: add
      result: changed
summary:
  description: Counts of C(changed), C(unchanged), C(skipped), C(failed) and C(total).
  returned: always
  type: dict
  sample: {changed: 1, unchanged: 1, skipped: 0, failed: 0, total: 2}
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import JOB_WAIT_ARGS, CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._results import exit_with_results
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _membership as membership


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            delivery_group=dict(type='str', required=True),
            machines=dict(type='list', elements='str'),
            catalog=dict(type='str'),
            count=dict(type='int'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            force=dict(type='bool', default=False),
            **JOB_WAIT_ARGS,
        ),
        supports_check_mode=True,
        daas=True,
        mutually_exclusive=[('machines', 'catalog')],
        required_one_of=[('machines', 'catalog')],
        required_together=[('catalog', 'count')],
    )
    with module.api_errors():
        membership.check_group_options(module.params)
        results = membership.group_machines(daas_client(module), module.params, module.check_mode)
        exit_with_results(module, results, diff=membership.membership_diff(
            results, 'delivery group %s' % module.params['delivery_group']))


if __name__ == '__main__':
    main()
