"""Start a simulator process from Python (tests, benchmarks) and drive its control room.

    with start_simulator(["--machines", "100"]) as sim:
        sim.env()      # CITRIX_* variables for ansible-playbook
        sim.stats()    # GET /_sim/stats
"""

import contextlib
import json
import os
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

import citrix_cloud_sim

# Run the child from the same source tree this module was imported from.
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(citrix_cloud_sim.__file__)))


class RunningSimulator:
    def __init__(self, proc, info, log_path):
        self.proc = proc
        self.info = info
        self.log_path = log_path
        self.url = info["url"]
        self._ssl = ssl.create_default_context(cafile=info["ca_path"]) if "ca_path" in info else None
        self.government = False  # set by start_simulator for --government

    def env(self):
        """The connection details as the CITRIX_* variables the collection reads."""
        if "username" in self.info:  # --on-premises: a domain account, the server in CITRIX_API_URL
            env = {"CITRIX_API_URL": self.url, "CITRIX_USERNAME": self.info["username"],
                   "CITRIX_PASSWORD": self.info["password"], "CITRIX_SITE_ID": self.info["site_id"]}
        else:
            env = {
                "CITRIX_API_URL": self.url,
                "CITRIX_CUSTOMER_ID": self.info["customer_id"],
                "CITRIX_CLIENT_ID": self.info["client_id"],
                "CITRIX_CLIENT_SECRET": self.info["client_secret"],
                "CITRIX_SITE_ID": self.info["site_id"],
            }
        if self.government:
            env["CITRIX_REGION"] = "gov"
        if "ca_path" in self.info:
            env["CITRIX_CA_PATH"] = self.info["ca_path"]
        return env

    def control(self, method, name, payload=None):
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(f"{self.url}/_sim/{name}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=30, context=self._ssl) as response:
            return json.loads(response.read() or b"null")

    def stats(self):
        return self.control("GET", "stats")

    def state(self):
        return self.control("GET", "state")

    def reset(self):
        return self.control("POST", "reset")

    def set_faults(self, **faults):
        return self.control("PUT", "faults", faults)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()


@contextlib.contextmanager
def start_simulator(args=(), timeout=20):
    """Run ``python -m citrix_cloud_sim`` with ``args`` until the block ends (then SIGTERM)."""
    with tempfile.TemporaryDirectory(prefix="citrix-sim-") as workdir:
        ready = os.path.join(workdir, "ready.json")
        log_path = os.path.join(workdir, "sim.log")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_PARENT, os.environ.get("PYTHONPATH")])))
        cmd = [sys.executable, "-m", "citrix_cloud_sim", "--port", "0", "--ready-file", ready, *args]
        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            info = wait_ready(proc, ready, timeout, log_path)
            running = RunningSimulator(proc, info, log_path)
            running.government = "--government" in args
            yield running
        finally:
            stop(proc)


def wait_ready(proc, ready, timeout, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(ready):
            with open(ready, encoding="utf-8") as handle:
                return json.load(handle)
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        raise RuntimeError(f"simulator did not start (exit {proc.poll()}):\n{handle.read()}")


def stop(proc, timeout=10):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode
