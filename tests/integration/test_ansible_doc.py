# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every plugin as `ansible-doc` shows it to a user: listed, rendered with its doc fragments, its
examples runnable YAML that name the module by its full name, its check and diff support declared."""
from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from conftest import REPO

MODULES = sorted("citrix.cloud." + p.stem for p in (REPO / "plugins" / "modules").glob("citrix_*.py"))
INVENTORY = ["citrix.cloud.citrix_daas"]


def ansible_doc(*args):
    run = subprocess.run(["ansible-doc", *args], capture_output=True, text=True, check=False)
    assert run.returncode == 0 and "WARNING" not in run.stderr and "ERROR" not in run.stderr, run.stderr
    return run.stdout


@pytest.fixture(scope="module")
def module_docs():
    return json.loads(ansible_doc("--json", *MODULES))


def test_every_plugin_is_listed():
    assert sorted(json.loads(ansible_doc("--list", "--json", "citrix.cloud"))) == MODULES
    assert sorted(json.loads(ansible_doc("-t", "inventory", "--list", "--json", "citrix.cloud"))) == INVENTORY


def test_text_form_renders_every_plugin():
    shown = ansible_doc(*MODULES) + ansible_doc("-t", "inventory", *INVENTORY)
    for name in MODULES + INVENTORY:
        assert name in shown


def test_each_module_documents_its_options_examples_and_results(module_docs):
    assert sorted(module_docs) == MODULES
    for name, doc in module_docs.items():
        assert doc["doc"]["short_description"] and doc["doc"]["description"], name
        # the shared connection options come from the doc fragment, resolved
        assert {"customer_id", "client_secret", "timeout"} <= set(doc["doc"]["options"]), name
        assert doc["return"], name
        tasks = list(each_task(yaml.safe_load(doc["examples"])))
        assert tasks and all(isinstance(t, dict) for t in tasks), name
        assert any(name in t for t in tasks), "%s: no example names the module by its full name" % name


def each_task(tasks):
    for one in tasks:
        yield one
        for section in ("block", "rescue", "always"):
            yield from each_task(one.get(section) or [])


def test_check_mode_everywhere_and_diff_where_a_state_is_converged(module_docs):
    for name, doc in module_docs.items():
        attributes, options = doc["doc"]["attributes"], doc["doc"]["options"]
        assert attributes["check_mode"]["support"] == "full", name
        # a state the module converges to: present/absent, or maintenance mode's `enabled`
        if "present" in options.get("state", {}).get("choices", []) or name.endswith("_maintenance"):
            assert attributes["diff_mode"]["support"] == "full", name
