#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_site_info
short_description: Show the API client and the Citrix DaaS sites it can reach
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Reads C(/me) (the API client, its customers and their sites) and C(/Sites) of Citrix DaaS.
  - Shows which site the other DaaS modules use when O(site_id) is not set, in RV(site_id).
    They find it the same way, through C(/me), when the customer has exactly one site.
    When it has several, they fail and list them by name and id, and O(site_id) must be set.
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
seealso:
  - module: citrix.cloud.citrix_machine_info
"""

EXAMPLES = r"""
- name: Find the site id once, then use it everywhere
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Read the sites
      citrix.cloud.citrix_site_info:
      register: daas

    - name: Show them
      ansible.builtin.debug:
        msg: "{{ daas.sites | map(attribute='name') | list }} (using {{ daas.site_id }})"
"""

RETURN = r"""
me:
  description: The API client and what it can reach, from C(/me), snake_case.
  returned: always
  type: dict
  contains:
    user_id:
      description: Id of the API client (or admin) the token belongs to.
      type: str
    display_name:
      description: Its display name.
      type: str
    customers:
      description: Customers it can reach, each with C(id), C(name) and C(sites) (C(id), C(name)).
      type: list
      elements: dict
  sample:
    user_id: 2b1c7f3e-0d9a-4a6b-8c41-5e3f2a1b0c9d
    display_name: ansible-automation
    customers:
      - id: dmlab7x2kq9w
        name: Demo Lab
        sites:
          - id: 3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9
            name: cloudxdsite
sites:
  description: The sites of the customer, from C(/Sites); C([]) when there are none.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Site id, the value for O(site_id).
      type: str
    name:
      description: Site name.
      type: str
  sample:
    - id: 3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9
      name: cloudxdsite
site_id:
  description:
    - The site the DaaS modules use with these options - O(site_id) when set, else the only site
      of the customer; V(null) when the customer has several sites and O(site_id) is not set.
  returned: always
  type: str
  sample: 3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._site import get_me, list_sites, only_site, sites_from_me


def main():
    module = CitrixCloudModule(argument_spec={}, supports_check_mode=True, daas=True)
    with module.api_errors():
        client = module.client
        me = get_me(client)
        sites = list_sites(client)
        site_id = module.params['site_id']
        if not site_id:
            site_id = only_site(sites_from_me(me, module.params['customer_id']))
        module.exit_json(changed=False, me=snake(me), sites=[snake(s) for s in sites],
                         site_id=site_id)


if __name__ == '__main__':
    main()
