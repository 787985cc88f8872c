# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: writes every task's result to the JSON file named by RESULTS_FILE."""
from __future__ import annotations

DOCUMENTATION = r"""
name: results_file
type: aggregate
short_description: Write task results to a JSON file for the integration tests
description:
  - Records each task's result under the task's name and writes them all to the file
    named by the E(RESULTS_FILE) environment variable when the playbook ends.
requirements:
  - enabled through C(ANSIBLE_CALLBACKS_ENABLED)
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "results_file"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.results = {}

    def _record(self, result, status):
        data = {k: v for k, v in result._result.items() if not k.startswith("_ansible")}
        data["_status"] = status
        self.results[result._task.get_name()] = data

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("RESULTS_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(self.results, handle, default=str)
