#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_notification
short_description: Send a notification to Citrix Cloud administrators
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Sends one notification to the Citrix Cloud console (the bell) of the customer's administrators,
    and by e-mail to those who receive them.
  - With O(event_id) the task is idempotent; an event that was already sent is not sent again and
    the task reports no change. Without O(event_id) each run sends a new notification with a
    new GUID, which it returns.
  - Notifications are a Citrix Cloud service with no Government host, so in Citrix Cloud Government
    (O(region=gov)) and with on-premises credentials (O(username)) the task fails before any call.
options:
  title:
    description:
      - Title of the notification.
    type: str
    required: true
  description:
    description:
      - Text of the notification.
    type: str
    required: true
  severity:
    description:
      - How serious the event is.
    type: str
    choices: [Information, Warning, Error]
    default: Information
  priority:
    description:
      - V(High) puts the notification in front of the administrators.
    type: str
    choices: [Normal, High]
    default: Normal
  destination_admin:
    description:
      - Who receives it; V(*) is every administrator of the customer.
    type: str
    default: '*'
  component:
    description:
      - Where the notification says it comes from.
    type: str
    default: Citrix Cloud
  language_tag:
    description:
      - Language of O(title) and O(description), as an IETF language tag.
    type: str
    default: en-US
  detail_uri:
    description:
      - An http or https link the notification points to for details.
    type: str
  event_id:
    description:
      - A GUID that identifies this event, for example C(3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04).
      - When a notification with this event id was already sent, nothing is sent and the task
        reports no change.
      - When not given, a fresh GUID is made for each run. Given but empty (a template that came out
        empty), it fails before any call, rather than send the notification again on every run.
    type: str
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details:
      - Sends nothing. Reports a change unless O(event_id) names an event already sent (it reads
        the sent notifications to find out).
notes:
  - Citrix Cloud keeps notifications for 90 days; an O(event_id) sent longer ago is sent again.
  - To find an O(event_id), the module pages through the customer's notifications (100 a call)
    until it meets it, so a first send reads them all. That listing is not documented by Citrix;
    where it fails or answers in a shape the module does not know, the task warns and sends the
    notification (once), rather than leave the administrators without it.
  - The time of the notification (C(createdDate)) is the current UTC time.
"""

EXAMPLES = r"""
- name: Tell every administrator that maintenance starts
  citrix.cloud.citrix_notification:
    title: Maintenance tonight
    description: The London catalog is rebooted at 22:00 UTC.
    severity: Warning
  environment:
    CITRIX_CUSTOMER_ID: "{{ citrix_customer_id }}"
    CITRIX_CLIENT_ID: "{{ citrix_client_id }}"
    CITRIX_CLIENT_SECRET: "{{ citrix_client_secret }}"

- name: Once only, however often the playbook runs
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  citrix.cloud.citrix_notification:
    title: Reboot finished
    description: "{{ summary }}"
    priority: High
    detail_uri: https://status.example.com/reboots
    event_id: 3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04
  register: sent

- name: The event id it was sent with
  ansible.builtin.debug:
    var: sent.notification.event_id
"""

RETURN = r"""
notification:
  description:
    - The notification as the service stored it, with snake_case keys.
    - In check mode, the notification that would be sent.
    - When O(event_id) was already sent, the notification sent then.
  returned: always
  type: dict
  contains:
    destination_admin:
      description: Who receives it.
      type: str
      sample: '*'
    component:
      description: Where it says it comes from.
      type: str
      sample: Citrix Cloud
    created_date:
      description: When it was created (RFC 3339, UTC).
      type: str
      sample: '2025-01-31T21:00:00.000Z'
    event_id:
      description: The event's GUID.
      type: str
      sample: 3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04
    severity:
      description: Information, Warning or Error.
      type: str
      sample: Warning
    priority:
      description: Normal or High.
      type: str
      sample: Normal
    content:
      description: Title, description and link, one entry a language.
      type: list
      elements: dict
      sample:
        - language_tag: en-US
          title: Maintenance tonight
          description: The London catalog is rebooted at 22:00 UTC.
          detail_uri: null
    categories:
      description: Categories, as the service filled them in.
      type: list
      sample: null
    data:
      description: Extra data, as the service filled it in.
      type: dict
      sample: null
    external_id:
      description: External id, as the service filled it in.
      type: str
      sample: null
    suppress_email:
      description: Whether e-mail was suppressed.
      type: bool
      sample: false
  sample:
    destination_admin: '*'
    component: Citrix Cloud
    created_date: '2025-01-31T21:00:00.000Z'
    event_id: 3f2b8c1e-6d4a-4f0e-9b7c-2a1d5e8f9c04
    severity: Warning
    priority: Normal
    content:
      - language_tag: en-US
        title: Maintenance tonight
        description: The London catalog is rebooted at 22:00 UTC.
        detail_uri: null
    categories: null
    data: null
    external_id: null
    suppress_email: false
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule, snake
from ansible_collections.citrix.cloud.plugins.module_utils._notifications import ensure_notification, notification_event_id, PRIORITIES, SEVERITIES


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            title=dict(type='str', required=True),
            description=dict(type='str', required=True),
            severity=dict(type='str', choices=list(SEVERITIES), default='Information'),
            priority=dict(type='str', choices=list(PRIORITIES), default='Normal'),
            destination_admin=dict(type='str', default='*'),
            component=dict(type='str', default='Citrix Cloud'),
            language_tag=dict(type='str', default='en-US'),
            detail_uri=dict(type='str'),
            event_id=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    with module.api_errors():
        # Bad options fail here, before the client fetches a token.
        event_id, given = notification_event_id(module.params)
        changed, notification = ensure_notification(
            module.client, module.params, event_id, given, module.check_mode, warn=module.warn)
        module.exit_json(changed=changed, notification=snake(notification))


if __name__ == '__main__':
    main()
