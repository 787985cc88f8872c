# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWX / Automation Controller: the credential type in docs/awx injects what the collection reads,
an ansible-runner job with it runs playbooks/reboot_idle.yml against the simulator without showing
a secret, and ansible-builder accepts the example execution environment."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import ansible_runner
import jinja2
import yaml

from conftest import REPO

AWX = REPO / "docs" / "awx"
BUILDER = Path(sys.executable).with_name("ansible-builder")


def credential_type():
    return yaml.safe_load((AWX / "credential_type.yml").read_text(encoding="utf-8"))


def injected_env(inputs):
    """The environment AWX gives a job: each injector rendered with the credential's inputs
    (a field left empty renders as an empty string, a field with a default has it)."""
    fields = credential_type()["inputs"]["fields"]
    values = dict((f["id"], f.get("default", "")) for f in fields)
    values.update(inputs)
    return dict((name, jinja2.Template(template).render(**values))
                for name, template in credential_type()["injectors"]["env"].items())


def test_the_credential_type_has_the_fields_and_injects_citrix_variables():
    fields = dict((f["id"], f) for f in credential_type()["inputs"]["fields"])
    assert set(fields) == {"customer_id", "client_id", "client_secret", "region", "api_url", "username", "password"}
    assert set(name for name, f in fields.items() if f.get("secret")) == {"client_secret", "password"}
    env = credential_type()["injectors"]["env"]
    assert env["CITRIX_CLIENT_SECRET"] == "{{ client_secret }}" and env["CITRIX_PASSWORD"] == "{{ password }}"
    documented = (REPO / "plugins" / "doc_fragments" / "common.py").read_text(encoding="utf-8")
    on_premises = {"CITRIX_USERNAME", "CITRIX_PASSWORD"}
    assert [name for name in set(env) - on_premises if name not in documented] == []


def run_reboot_job(sim, tmp_path, env):
    """playbooks/reboot_idle.yml as a job template runs it: ansible-runner with the injected `env`."""
    env = dict(env, CITRIX_TOKEN_CACHE_DIR=str(sim.cache_dir), ANSIBLE_COLLECTIONS_PATH=str(REPO / "build" / "collections"),
               ANSIBLE_CONFIG=str(REPO / "tests" / "ansible.cfg"))
    project = tmp_path / "project"
    project.mkdir()
    (project / "reboot_idle.yml").write_text((REPO / "playbooks" / "reboot_idle.yml").read_text(encoding="utf-8"))
    job = ansible_runner.run(private_data_dir=str(tmp_path), playbook="reboot_idle.yml", envvars=env,
                             extravars={"catalog": "DEMOLAB Servers"}, verbosity=3, quiet=True,
                             settings={"suppress_env_files": True})
    assert job.status == "successful", job.stdout.read()[-3000:]
    return job


def test_a_runner_job_with_the_credential_reboots_idle_machines_and_shows_no_secret(sim, tmp_path):
    env = injected_env(dict(customer_id=sim.customer_id, client_id=sim.client_id,
                            client_secret=sim.client_secret, api_url=sim.url, password="On-Prem-Pa55word"))
    job = run_reboot_job(sim, tmp_path, env)
    assert len(sim.stats()["power_actions"]) == 4  # the 4 idle machines, once each
    assert len(sim.state()["notifications"]) == 1  # the summary to the administrators
    stdout = job.stdout.read()
    events = json.dumps(list(job.events))
    for secret in (sim.client_secret, "On-Prem-Pa55word"):
        assert secret not in stdout
        assert secret not in events
    assert "Requesting reboot for DEMOLAB" in stdout


def test_ansible_builder_accepts_the_example_execution_environment(tmp_path):
    context = tmp_path / "context"
    proc = subprocess.run([str(BUILDER), "create", "-f", str(AWX / "execution-environment.yml"),
                           "--context", str(context)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Containerfile for podman, Dockerfile where only docker (or neither) is found.
    build_file = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists())
    assert "ansible-galaxy collection install" in build_file.read_text(encoding="utf-8")
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert requirements["collections"] == [{"name": "citrix.cloud", "version": ">=1.0.0"}]


def test_ansible_builder_introspect_finds_the_collections_python_requirements():
    proc = subprocess.run([str(BUILDER), "introspect", str(REPO / "build" / "collections")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    python = yaml.safe_load(proc.stdout)["python"]
    assert [line for line in python if line.startswith("requests") and "citrix.cloud" in line], proc.stdout


def test_a_runner_job_with_on_premises_credentials_reboots_idle_machines_and_shows_no_password(start_sim, tmp_path):
    # The fields an on-premises admin fills: username, password, API URL; region keeps its default
    # (global, injected as CITRIX_REGION and ignored on-premises), the client fields stay empty.
    sim = start_sim(extra_args=["--on-premises"])
    env = injected_env(dict(username=sim.username, password=sim.password, api_url=sim.url))
    assert env["CITRIX_REGION"] == "global" and env["CITRIX_CUSTOMER_ID"] == "" and env["CITRIX_CLIENT_ID"] == ""
    job = run_reboot_job(sim, tmp_path, env)
    stats = sim.stats()
    assert len(stats["power_actions"]) == 4 and stats["by_route"]["POST /citrix/orchestration/api/tokens"] == 1
    assert sim.state()["notifications"] == []  # none on-premises
    stdout, events = job.stdout.read(), json.dumps(list(job.events))
    assert sim.password not in stdout and sim.password not in events
