"""The simulator's ready data handed to ansible-playbook as CITRIX_* variables, the way the
integration tests run the collection (here with a plain uri task, so it needs no collection)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Token from the simulator, with the connection details from the environment
      ansible.builtin.uri:
        url: "{{ lookup('env', 'CITRIX_API_URL') }}/cctrustoauth2/{{ lookup('env', 'CITRIX_CUSTOMER_ID') }}/tokens/clients"
        method: POST
        body_format: form-urlencoded
        body:
          grant_type: client_credentials
          client_id: "{{ lookup('env', 'CITRIX_CLIENT_ID') }}"
          client_secret: "{{ lookup('env', 'CITRIX_CLIENT_SECRET') }}"
      register: token
    - name: The token is a string with a string lifetime
      ansible.builtin.assert:
        that: token.json.expires_in == '3600'
"""


def ansible_playbook():
    local = Path(sys.executable).with_name("ansible-playbook")
    return str(local) if local.exists() else shutil.which("ansible-playbook")


@pytest.mark.skipif(ansible_playbook() is None, reason="ansible-playbook not installed")
def test_ansible_playbook_reaches_the_simulator_through_env(sim, tmp_path):
    playbook = tmp_path / "token.yml"
    playbook.write_text(PLAYBOOK)
    env = dict(os.environ, **sim.env(), ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_NOCOWS="1")
    result = subprocess.run([ansible_playbook(), "-i", "localhost,", "-c", "local",
                             "-e", f"ansible_python_interpreter={sys.executable}", str(playbook)],
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sim.stats()["tokens_issued"] == 1
