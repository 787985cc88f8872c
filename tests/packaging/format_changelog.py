# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rewrite changelogs/changelog.yaml with indented lists, as ansible-lint's yamllint wants it.

antsibull-changelog writes lists flush with their key; `make release` runs this after it.
"""
from __future__ import annotations

import sys

import yaml


class IndentedDumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def main(path='changelogs/changelog.yaml'):
    with open(path, encoding='utf-8') as handle:
        data = yaml.safe_load(handle)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('---\n')
        yaml.dump(data, handle, Dumper=IndentedDumper, default_flow_style=False, sort_keys=False,
                  allow_unicode=True, width=100)


if __name__ == '__main__':
    main(*sys.argv[1:])
