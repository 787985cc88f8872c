#!/usr/bin/env python
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage: check_no_simulator.py DIR -- fail if a simulator started from DIR is still running.

ansible-test runs the tests with DIR (the collection's copy) as the working directory, so a
simulator that outlived its test has its working directory there.
"""
from __future__ import annotations

import os
import sys


def leftover_simulators(directory):
    directory = os.path.realpath(directory) + os.sep
    found = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as handle:
                cmdline = handle.read().split(b'\0')
            cwd = os.readlink('/proc/%s/cwd' % pid) + os.sep
        except OSError:
            continue  # ended meanwhile, or not ours to read
        if b'citrix_cloud_sim' in cmdline and cwd.startswith(directory):
            found.append(int(pid))
    return found


def main(directory):
    left = leftover_simulators(directory)
    if left:
        sys.stderr.write('simulator processes left running by the tests in %s: %s\n' % (directory, left))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
