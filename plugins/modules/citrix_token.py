#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_token
short_description: Get a Citrix Cloud bearer token to share
version_added: 1.0.0
description:
  - Gets a bearer token for a Citrix Cloud API client (or reuses a cached one), so that later tasks,
    other tools or many parallel processes can use it through O(access_token) or E(CITRIX_ACCESS_TOKEN)
    instead of each asking the rate-limited token endpoint.
  - Works for every deployment the shared options reach - Citrix Cloud, Citrix Cloud Government
    (O(region=gov), its trust service) and on-premises Citrix Virtual Apps and Desktops (O(username) and
    O(password), the Orchestration service's token), whose token is sent as C(CWSAuth bearer=<token>) too.
  - With a given O(access_token) (or E(CITRIX_ACCESS_TOKEN)) there is nothing to get, so the module returns
    RV(given=true) and RV(expires_at) when the token tells it, but not the token itself. Ansible would
    hide it anyway (as C(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER)), and the play already holds it.
  - Changes nothing in Citrix Cloud.
author:
  - Contributors to the citrix.cloud project (@citrix)
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
"""

EXAMPLES = r"""
- name: Get a token once for the whole play
  citrix.cloud.citrix_token:
    customer_id: "{{ citrix_customer_id }}"
    client_id: "{{ citrix_client_id }}"
    client_secret: "{{ citrix_client_secret }}"
  delegate_to: localhost
  run_once: true
  no_log: true
  register: citrix

- name: Use it in every later task of the group
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      access_token: "{{ citrix.access_token }}"
  block:
    - name: List resource locations
      citrix.cloud.citrix_resource_location_info:
      delegate_to: localhost
"""

RETURN = r"""
access_token:
  description:
    - "The bearer token, sent as C(Authorization: CwsAuth Bearer=<token>)."
    - Sensitive, like a password for about an hour; register it with C(no_log) on the task.
  returned: when the token was got with O(client_id) and O(client_secret), or O(username) and O(password)
  type: str
  sample: eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl
expires_at:
  description:
    - When the token expires, ISO 8601 in UTC. V(null) when a given O(access_token) does not tell.
  returned: success
  type: str
  sample: "2025-11-28T03:41:07Z"
given:
  description: Whether the token was given (O(access_token)) rather than got from client credentials.
  returned: success
  type: bool
  sample: false
"""

import datetime

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule


def iso_utc(epoch):
    if epoch is None:
        return None
    moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def main():
    module = CitrixCloudModule(argument_spec={}, supports_check_mode=True)
    with module.api_errors():
        auth = module.client.auth
        token = auth.token()  # read-only, so check mode fetches it too
        result = dict(changed=False, given=not auth.can_refresh, expires_at=iso_utc(auth.expires_at))
        if auth.can_refresh:  # a given token would come back masked: never return the placeholder
            result['access_token'] = token
        module.exit_json(**result)


if __name__ == '__main__':
    main()
