"""The command line contract others code against."""

import json
import os
import re
import subprocess
import sys
import uuid

import requests

from citrix_cloud_sim.testing import PACKAGE_PARENT, start_simulator, stop


def is_guid(value):
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def test_ready_file_has_the_connection_details(sim_session):
    info = sim_session.info
    assert set(info) == {"url", "customer_id", "client_id", "client_secret", "site_id"}
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", info["url"])
    assert re.fullmatch(r"[a-z0-9]{6,16}", info["customer_id"]) and not is_guid(info["customer_id"])
    assert is_guid(info["site_id"]) and is_guid(info["client_id"])
    assert info["client_secret"]


def test_sigterm_stops_cleanly():
    with start_simulator() as sim:
        assert stop(sim.proc) == 0
        assert "Traceback" not in sim.log()


def test_tls_serves_https_with_its_own_ca(tmp_path):
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"latency_ms": 1}))
    with start_simulator(["--tls", "--faults", f"@{faults}", "--machines", "10"]) as sim:
        assert sim.url.startswith("https://") and sim.info["ca_path"]
        token = requests.post(f"{sim.url}/cctrustoauth2/root/tokens/clients", verify=sim.info["ca_path"], data={
            "grant_type": "client_credentials", "client_id": sim.info["client_id"],
            "client_secret": sim.info["client_secret"]})
        assert token.status_code == 200
        assert sim.control("GET", "faults")["latency_ms"] == 1
        assert sum(1 for m in sim.state()["machines"] if m["MachineCatalog"]["Name"] == "Scale") == 10


def test_bad_faults_are_rejected_at_startup(tmp_path):
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT)
    result = subprocess.run([sys.executable, "-m", "citrix_cloud_sim", "--faults", '{"nope": 1}'],
                            capture_output=True, text=True, timeout=30, check=False, env=env)
    assert result.returncode != 0 and "unknown fault keys" in result.stderr


def test_scale_scenario_is_deterministic():
    names = []
    for _attempt in range(2):
        with start_simulator(["--machines", "200"]) as sim:
            machines = [m for m in sim.state()["machines"] if m["MachineCatalog"]["Name"] == "Scale"]
            names.append([(m["Id"], m["Name"], m["SessionCount"], m["PowerState"]) for m in machines])
    assert names[0] == names[1] and len(names[0]) == 200
    machines = names[0]
    unmanaged = sum(1 for m in machines if m[3] == "Unmanaged")
    busy = sum(1 for m in machines if m[2] > 0)
    assert 0.05 * 200 <= unmanaged <= 0.15 * 200
    assert 0.22 * 200 <= busy <= 0.38 * 200
    assert all(m[3] == "On" for m in machines if m[3] != "Unmanaged")
