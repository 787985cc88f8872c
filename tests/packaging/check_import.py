#!/usr/bin/env python
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check a built collection tarball the way Galaxy and Automation Hub do (make importer).

1. What the tarball holds: nothing that development leaves in the tree (caches, venvs, build
   output, a second copy of the collection under .ansible/), and the files a release needs.
2. galaxy-importer, with the settings GALAXY_IMPORTER_CONFIG names: it must import the tarball
   with no warning and no error (ansible-lint, flake8, changelog, tags, version >= 1.0.0).
"""
from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tarfile

# Patterns (fnmatch, against each member's path) that must not be shipped.
FORBIDDEN = (
    '.ansible', '.ansible/*', '*/.ansible/*',
    '.venv*', 'build', 'build/*', 'bench', 'bench/*', '.ci', '.ci/*', '.git', '.git/*',
    '*.pyc', '*__pycache__*', '*.pytest_cache*', '*.egg-info*', 'tests/output*', '*.tar.gz',
    'Makefile', 'requirements-*.txt', 'changelogs/.plugin-cache.yaml',
)
REQUIRED = (
    'MANIFEST.json', 'FILES.json', 'README.md', 'COPYING', 'requirements.txt', 'meta/runtime.yml',
    'meta/execution-environment.yml', 'changelogs/changelog.yaml', 'changelogs/config.yaml',
)


def tarball_problems(path):
    with tarfile.open(path) as tar:
        names = [member.name[2:] if member.name.startswith('./') else member.name for member in tar.getmembers()]
    problems = ['shipped but should not be: %s' % name for name in names
                if any(fnmatch.fnmatch(name, pattern) for pattern in FORBIDDEN)]
    problems += ['missing from the tarball: %s' % name for name in REQUIRED if name not in names]
    return problems


def importer_problems(path):
    # It writes importer_result.json into its working directory: the tarball's, not the tree.
    proc = subprocess.run([sys.executable, '-m', 'galaxy_importer.main', os.path.abspath(path)],
                          capture_output=True, text=True, check=False, cwd=os.path.dirname(os.path.abspath(path)))
    output = proc.stdout + proc.stderr
    problems = [line for line in output.splitlines() if line.startswith(('WARNING', 'ERROR', 'CRITICAL'))]
    if proc.returncode or 'Importer processing completed successfully' not in output:
        problems.append('galaxy-importer failed (exit %d):\n%s' % (proc.returncode, output[-3000:]))
    return problems


def main(path):
    problems = tarball_problems(path)
    if not problems:  # the importer takes a minute or two: only for a tarball worth importing
        problems = importer_problems(path)
    for problem in problems:
        sys.stdout.write(problem + '\n')
    sys.stdout.write('%s: %s\n' % (path, '%d problem(s)' % len(problems) if problems else 'galaxy-importer clean'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
