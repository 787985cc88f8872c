# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: run playbooks/reboot_idle.yml against the simulator's tutorial world.

Starts the simulator, runs the playbook with the CITRIX_* variables a real tenant would need
(the site is found through /me, as it would be there) and a token cache of its own, shows its
output, stops the simulator (also on failure or Ctrl-C) and exits with the playbook's status.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from citrix_cloud_sim.testing import start_simulator

REPO = Path(__file__).resolve().parents[1]
CATALOG = "DEMOLAB Servers"  # the tutorial's catalog


def main():
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "playbooks/reboot_idle.yml",
               "-e", f"catalog='{CATALOG}'"]
    with start_simulator() as sim, tempfile.TemporaryDirectory(prefix="citrix-demo-") as cache:
        env = dict(os.environ, **sim.env(), CITRIX_TOKEN_CACHE_DIR=cache)
        env.pop("CITRIX_SITE_ID")
        env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / "build" / "collections"))
        # YAML output shows DEMOLAB\OSPREY as written, where JSON would double the backslash.
        env.setdefault("ANSIBLE_CALLBACK_RESULT_FORMAT", "yaml")
        print(f"Simulator at {sim.url} (customer {sim.info['customer_id']}); running:\n"
              f"  {' '.join(['ansible-playbook'] + command[1:3])} \"{command[3]}\"\n", flush=True)
        try:
            return subprocess.run(command, cwd=REPO, env=env, check=False).returncode
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.exit(main())
