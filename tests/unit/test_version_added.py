# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every plugin's version_added names a release users can have: one in changelogs/changelog.yaml
or the next one (galaxy.yml's version). antsibull-changelog lists a plugin as new in the release
its version_added names, so a version never released would leave it out of every changelog."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def releases():
    changes = yaml.safe_load((ROOT / 'changelogs' / 'changelog.yaml').read_text(encoding='utf-8'))
    galaxy = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
    return set(changes.get('releases') or {}) | {galaxy['version']}


def test_every_plugin_version_added_is_a_release():
    wrong = {}
    for path in sorted((ROOT / 'plugins').rglob('*.py')):
        for version in re.findall(r'^version_added: *["\']?([^"\'\s]+)', path.read_text(encoding='utf-8'), re.M):
            if version not in releases():
                wrong[str(path.relative_to(ROOT))] = version
    assert wrong == {}, 'version_added must be one of %s' % sorted(releases())


def test_modules_and_inventory_plugins_have_a_version_added():
    plugins = list((ROOT / 'plugins' / 'modules').glob('*.py')) + list((ROOT / 'plugins' / 'inventory').glob('*.py'))
    assert plugins
    assert [str(p.name) for p in plugins if not re.search(r'^version_added:', p.read_text(encoding='utf-8'), re.M)] == []
