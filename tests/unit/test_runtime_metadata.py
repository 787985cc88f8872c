# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collection metadata: the action group holds every module; the User-Agent names galaxy.yml's version."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_action_group_lists_every_module():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    modules = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("citrix_*.py"))
    assert sorted(runtime["action_groups"]["all"]) == modules


def test_user_agent_names_the_galaxy_version():
    from ansible_collections.citrix.cloud.plugins.module_utils._client import COLLECTION_VERSION

    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))
    assert COLLECTION_VERSION == galaxy["version"]
