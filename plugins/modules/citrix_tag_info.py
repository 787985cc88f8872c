#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_tag_info
short_description: List Citrix DaaS tags
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Lists the tags of a Citrix DaaS site, all of them or those named by O(name), with how many
    objects of each kind carry them.
options:
  name:
    description:
      - Only the tags with these names or ids (case-insensitively).
      - Given but empty or null (V([]), V(['']), V(null)), as a template can produce,
        it fails before any call; it never means "all tags".
    type: list
    elements: str
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.info
notes:
  - Returns an empty list when nothing matches; that is not an error.
seealso:
  - module: citrix.cloud.citrix_tag
"""

EXAMPLES = r"""
- name: Every tag
  citrix.cloud.citrix_tag_info:
  register: all_tags

- name: Two of them
  citrix.cloud.citrix_tag_info:
    name: [Finance, Engineering]
  register: some
"""

RETURN = r"""
tags:
  description: The matching tags, snake_case; C([]) when none match.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Tag id.
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
    num_application_groups:
      description: Application groups the tag is applied to.
      type: int
  sample:
    - id: 3f0e8f1b-9a4c-4c6e-8a55-5b0f7a1d2c3e
      name: Finance
      num_machines: 3
      num_applications: 2
      num_application_groups: 0
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_names
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _tags as tags


def main():
    module = CitrixCloudModule(argument_spec=dict(name=dict(type='list', elements='str')),
                               supports_check_mode=True, daas=True, filters=('name',))
    names = module.params['name']
    with module.api_errors():
        check_names(names, 'tag name', 'name')
        found = tags.select_tags(tags.list_tags(daas_client(module)), names)
        module.exit_json(changed=False, tags=[snake(t) for t in found])


if __name__ == '__main__':
    main()
