#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_tag
short_description: Create, update or delete a Citrix DaaS tag
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Makes sure a tag exists with the given description, or does not exist.
  - Tags label machines, applications, application groups, catalogs and delivery groups; apply them
    with C(citrix.cloud.citrix_machine) and M(citrix.cloud.citrix_application).
  - Changes only what differs from what is asked; a second identical run changes nothing.
options:
  name:
    description:
      - Name or id of the tag. A new tag gets this name.
      - Names are matched as the service matches them, case-insensitively.
    type: str
    required: true
  description:
    description:
      - Description of the tag. Left as it is when not given.
    type: str
  state:
    description:
      - V(present) creates or updates the tag, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete a tag that is still applied to objects; deleting it removes it
        from every one of them.
      - Without it, such a tag is not deleted and the task fails, saying how many objects carry it.
    type: bool
    default: false
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Finds what would change and reports it, calling nothing that changes the service.
  diff_mode:
    support: full
    details: Shows the tag's name and description before and after.
seealso:
  - module: citrix.cloud.citrix_tag_info
  - module: citrix.cloud.citrix_application
  - module: citrix.cloud.citrix_machine
"""

EXAMPLES = r"""
- name: A tag for the finance team's machines and applications
  citrix.cloud.citrix_tag:
    name: Finance
    description: Used by the finance team

- name: Delete it, also where it is still applied
  citrix.cloud.citrix_tag:
    name: Finance
    state: absent
    force: true
"""

RETURN = r"""
tag:
  description:
    - The tag as the service holds it after the task (in check mode, as it would be); C({}) after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Tag id (absent in check mode for a tag not yet created).
      type: str
    name:
      description: Tag name.
      type: str
    description:
      description: Tag description (absent when never set).
      type: str
    num_machines:
      description: Machines the tag is applied to.
      type: int
    num_applications:
      description: Applications the tag is applied to.
      type: int
  sample:
    id: 3f0e8f1b-9a4c-4c6e-8a55-5b0f7a1d2c3e
    name: Finance
    description: Used by the finance team
    num_machines: 0
    num_applications: 2
"""

from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import diff
from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _tags as tags


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            description=dict(type='str'),
            state=dict(type='str', choices=['present', 'absent'], default='present'),
            force=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
        daas=True,
    )
    p = module.params
    with module.api_errors():
        check_name(p['name'], 'tag name', 'name')
        client = daas_client(module)
        current = tags.get_tag(client, p['name'])
        if p['state'] == 'absent':
            changed, before = tags.ensure_absent(client, current, p['force'], module.check_mode)
            module.exit_json(changed=changed, tag={}, diff=diff(before, {}))
        changed, before, after, tag = tags.ensure_present(client, current, p['name'], p['description'],
                                                          module.check_mode)
        module.exit_json(changed=changed, tag=snake(tag), diff=diff(before, after))


if __name__ == '__main__':
    main()
