#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_service_state_info
short_description: List the Citrix Cloud service entitlements of a customer
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the customer's service entitlements (service states), optionally filtered by service
    name and/or state.
  - Service states are a Citrix Cloud service with no Government host, so in Citrix Cloud Government
    (O(region=gov)) and with on-premises credentials (O(username)) the task fails before any call.
options:
  service_name:
    description:
      - Only these services, for example C(xendesktop), C(wem), C(netscalergateway).
      - Matched without regard to case.
      - Given but empty or null (V([]), V(['']), V(null)), as a template can produce,
        it fails before any call; it never means "all services".
    type: list
    elements: str
  state:
    description:
      - Only services in one of these states.
      - Given but empty or null (V([]), V(null)), as a template can produce,
        it fails before any call; it never means "all services".
    type: list
    elements: str
    choices:
      - NotOnboarded
      - Expired
      - Default
      - ProductionTrialDenied
      - ProductionTrialPending
      - ProductionTrialApproved
      - ProductionTrial
      - ProductionTrialDeleted
      - ProductionPending
      - Production
      - PartnerProductionPending
      - PartnerProduction
      - NotOnboardedTrialPending
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns empty lists when nothing matches; that is not an error.
"""

EXAMPLES = r"""
- name: Services on a production trial
  citrix.cloud.citrix_service_state_info:
    state: ProductionTrial
  register: trials
  environment:
    CITRIX_CUSTOMER_ID: "{{ citrix_customer_id }}"
    CITRIX_CLIENT_ID: "{{ citrix_client_id }}"
    CITRIX_CLIENT_SECRET: "{{ citrix_client_secret }}"

- name: Print one service a line
  ansible.builtin.debug:
    msg: "{{ trials.service_names }}"

- name: Is DaaS in production?
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  citrix.cloud.citrix_service_state_info:
    service_name: xendesktop
    state: [Production, PartnerProduction]
  register: daas
"""

RETURN = r"""
service_states:
  description: The matching entitlements, C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    service_name:
      description: Service name.
      type: str
      sample: xendesktop
    state:
      description: Entitlement state.
      type: str
      sample: ProductionTrial
    type:
      description: Entitlement type (Production, ProductionTrial, PartnerProduction, Default).
      type: str
      sample: ProductionTrial
    quantity:
      description: Number of licences.
      type: int
      sample: 25
    days_to_expiration:
      description: Days until the entitlement expires.
      type: int
      sample: 30
    future_entitlement_start_date:
      description: Start date of a future entitlement, or null.
      type: str
      sample: null
  sample:
    - service_name: xendesktop
      state: ProductionTrial
      type: ProductionTrial
      quantity: 25
      days_to_expiration: 30
      future_entitlement_start_date: null
service_names:
  description: The names of the matching services, in the service's order, without repeats.
  returned: always
  type: list
  elements: str
  sample: [xendesktop, wem]
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._service_states import SERVICE_STATES, service_states, unique_names


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            service_name=dict(type='list', elements='str'),
            state=dict(type='list', elements='str', choices=list(SERVICE_STATES)),
        ),
        supports_check_mode=True,
        filters=('service_name', 'state'),
    )
    with module.api_errors():
        items = service_states(
            module.client, module.params['service_name'], module.params['state'])
        module.exit_json(
            changed=False,
            service_states=[snake(i) for i in items],
            service_names=unique_names(items),
        )


if __name__ == '__main__':
    main()
