# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attribute support shared by the modules: INFO (read-only) and ACTION (changes something).

Use with ansible.builtin.action_common_attributes, which describes the attributes. A module adds
its own check_mode details (or overrides diff_mode) under its `attributes:`; Ansible merges
those keys over these.
"""

from __future__ import annotations


class ModuleDocFragment(object):

    INFO = r"""
attributes:
  check_mode:
    support: full
    details: Only reads; runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
    details: Runs wherever Python can reach the Citrix Cloud API, usually the controller.
"""

    ACTION = r"""
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: all
    details: Runs wherever Python can reach the Citrix Cloud API, usually the controller.
"""
