# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Integration harness: a real simulator process and real ansible-playbook runs against it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


class Sim:
    """A running `python -m citrix_cloud_sim`, driven through its /_sim/ control room."""

    def __init__(self, workdir, machines=0, faults=None, latency_ms=0, token_ttl=None, extra_args=(),
                 job_seconds=0.2):
        ready = Path(workdir) / "ready.json"
        # Jobs (async $batch) short, so that tests stay fast; their length is the simulator's to vary.
        cmd = [sys.executable, "-m", "citrix_cloud_sim", "--port", "0", "--ready-file", str(ready),
               "--job-seconds", str(job_seconds)]
        if machines:
            cmd += ["--machines", str(machines)]
        if latency_ms:
            cmd += ["--latency-ms", str(latency_ms)]
        if token_ttl:
            cmd += ["--token-ttl", str(token_ttl)]
        if faults:
            cmd += ["--faults", json.dumps(faults)]
        self.log = open(Path(workdir) / "sim.log", "w+", encoding="utf-8")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(cmd + list(extra_args), stdout=self.log, stderr=subprocess.STDOUT)  # pylint: disable=consider-using-with
        self.ready = self._wait_ready(ready)
        self.url = self.ready["url"]
        self.on_premises = "username" in self.ready  # --on-premises: a domain account, no API client
        self.government = "--government" in extra_args
        self.customer_id = self.ready.get("customer_id", "CitrixOnPremises")
        self.client_id = self.ready.get("client_id")
        self.client_secret = self.ready.get("client_secret")
        self.username = self.ready.get("username")
        self.password = self.ready.get("password")
        self.site_id = self.ready["site_id"]
        self.cache_dir = Path(workdir) / "token-cache"
        self.http = requests.Session()

    def _wait_ready(self, ready, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready.exists():
                return json.loads(ready.read_text(encoding="utf-8"))
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        self.log.seek(0)
        raise RuntimeError("simulator did not start:\n" + self.log.read())

    @property
    def env(self):
        """CITRIX_* variables for ansible-playbook, as AWX would inject them."""
        if self.on_premises:
            return {
                "CITRIX_API_URL": self.url,
                "CITRIX_USERNAME": self.username,
                "CITRIX_PASSWORD": self.password,
                "CITRIX_TOKEN_CACHE_DIR": str(self.cache_dir),
            }
        env = {
            "CITRIX_API_URL": self.url,
            "CITRIX_CUSTOMER_ID": self.customer_id,
            "CITRIX_CLIENT_ID": self.client_id,
            "CITRIX_CLIENT_SECRET": self.client_secret,
            "CITRIX_TOKEN_CACHE_DIR": str(self.cache_dir),
        }
        if self.government:
            env["CITRIX_REGION"] = "gov"
        return env

    def _control(self, method, name, payload=None):
        response = self.http.request(method, self.url + "/_sim/" + name, json=payload, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def stats(self):
        return self._control("GET", "stats")

    def state(self):
        return self._control("GET", "state")

    def reset(self):
        self._control("POST", "reset")

    def set_faults(self, faults):
        return self._control("PUT", "faults", faults)

    def revoke_tokens(self, after=None, count=1):
        """Revoke every token issued so far: now, or once route `after` has handled `count` more requests."""
        return self._control("POST", "tokens/revoke", {"after": after, "count": count} if after else {})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@dataclass
class Run:
    rc: int
    stdout: str
    stderr: str
    results: dict = field(default_factory=dict)

    @property
    def failed(self):
        return [name for name, result in self.results.items() if result.get("_status") == "failed"]


@pytest.fixture(scope="session")
def _shared_sim(tmp_path_factory):
    sim = Sim(tmp_path_factory.mktemp("sim"))
    yield sim
    sim.stop()


@pytest.fixture
def sim(_shared_sim, tmp_path):
    """The default (tutorial) scenario, reset, with a token cache of this test's own."""
    _shared_sim.reset()
    _shared_sim.cache_dir = tmp_path / "token-cache"
    return _shared_sim


@pytest.fixture
def start_sim(tmp_path):
    """Factory for a simulator of the test's own (a Scale catalog, faults, latency)."""
    started = []

    def start(**kwargs):
        workdir = tmp_path / ("sim%d" % len(started))
        workdir.mkdir()
        started.append(Sim(workdir, **kwargs))
        return started[-1]

    yield start
    for sim in started:
        sim.stop()


def _playbook_file(tasks, workdir):
    if isinstance(tasks, (str, Path)):
        return Path(tasks)
    play = [{"name": "test", "hosts": "localhost", "gather_facts": False, "tasks": tasks}]
    path = Path(workdir) / "playbook.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False), encoding="utf-8")
    return path


def playbook_command(sim, tasks, workdir, extra_vars=None, check=False, diff=False, env=None, verbosity=0):
    """(argv, environment, results file) of an ansible-playbook run against `sim`."""
    results_file = Path(workdir) / ("results-%d.json" % time.monotonic_ns())
    cmd = ["ansible-playbook", str(_playbook_file(tasks, workdir))]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    cmd += ["--check"] * check + ["--diff"] * diff + (["-" + "v" * verbosity] if verbosity else [])
    run_env = dict(os.environ, **sim.env)
    run_env.setdefault("ANSIBLE_COLLECTIONS_PATH", str(REPO / "build" / "collections"))
    run_env.setdefault("ANSIBLE_CONFIG", str(REPO / "tests" / "ansible.cfg"))
    run_env.update(
        PATH=os.path.dirname(sys.executable) + os.pathsep + run_env.get("PATH", ""),
        RESULTS_FILE=str(results_file),
        ANSIBLE_CALLBACK_PLUGINS=str(HERE / "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="results_file",
        ANSIBLE_NOCOLOR="1",
    )
    run_env.update(env or {})
    run_env = {name: value for name, value in run_env.items() if value is not None}  # None unsets
    return cmd, run_env, results_file


def read_results(results_file):
    return json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else {}


@pytest.fixture
def playbook(tmp_path):
    """Run ansible-playbook against a simulator; results are keyed by task name."""

    def run(sim, tasks, **kwargs):
        cmd, run_env, results_file = playbook_command(sim, tasks, tmp_path, **kwargs)
        proc = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=600, check=False)
        return Run(proc.returncode, proc.stdout, proc.stderr, read_results(results_file))

    return run
