#!/usr/bin/env python
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put a pip bootstrap script where ansible-test looks before it downloads one.

ansible-test sanity bootstraps pip in each test's virtualenv with get-pip.py, fetched from a
host these machines cannot reach. The stand-in written here uses the venv's own ensurepip.
"""
from __future__ import annotations

import os
import re
import sys

import ansible_test

STUB = '''\
"""Stand-in for get-pip.py: bootstrap pip with ensurepip, then install what was asked."""
import subprocess
import sys

# ensurepip must run in a child: in-process it points PIP_CONFIG_FILE at /dev/null and the
# machine's pip configuration (index, CA bundle) would be lost for the install below.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
'''


def pip_version():
    """The pip version this ansible-test bootstraps, read from its own requirements code."""
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source, encoding="utf-8") as handle:
        return re.search(r"pip='([0-9.]+)'", handle.read()).group(1)


def main():
    path = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % pip_version().replace(".", "_"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(STUB)
    sys.stdout.write("pip bootstrap stand-in: %s\n" % path)


if __name__ == "__main__":
    main()
