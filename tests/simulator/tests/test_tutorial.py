"""The seed tutorial's flow ("How to call a Citrix cloud services API", reboot idle machines of a
catalog) against the default scenario, through the retired /cvadapis paths it uses; written
afresh here, then checked against what the simulator's stats recorded."""

import requests


def reboot_idle(url, customer_id, client_id, client_secret, catalog_id):
    """Reboot every machine of the catalog without sessions; one printed line per machine."""
    token = requests.post(f"{url}/cctrustoauth2/root/tokens/clients", data={
        "grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret})
    token.raise_for_status()
    http = requests.Session()
    http.headers.update({"Authorization": f"CwsAuth Bearer={token.json()['access_token']}",
                         "Citrix-CustomerId": customer_id, "Accept": "application/json"})
    me = http.get(f"{url}/cvadapis/me")
    me.raise_for_status()
    site_id = me.json()["Customers"][0]["Sites"][0]["Id"]
    machines = http.get(f"{url}/cvadapis/{site_id}/MachineCatalogs/{catalog_id}/Machines")
    machines.raise_for_status()
    lines = []
    for machine in machines.json()["Items"]:
        if machine["SessionCount"]:
            lines.append(f"{machine['SessionCount']} sessions on {machine['Name']} - skipping")
            continue
        reboot = http.post(f"{url}/cvadapis/{site_id}/Machines/{machine['Id']}/$reboot")
        outcome = "success" if reboot.ok else f"failure: {reboot.json()['ErrorMessage']}"
        lines.append(f"Requesting reboot for {machine['Name']}... {outcome}")
    return lines


def test_tutorial_flow_and_stats_agree(sim):
    info = sim.info
    catalog = next(c for c in sim.state()["catalogs"] if any(
        m["Name"] == "DEMOLAB\\KESTREL" for m in sim.state()["machines"] if m["MachineCatalog"]["Id"] == c["Id"]))
    lines = reboot_idle(info["url"], info["customer_id"], info["client_id"], info["client_secret"], catalog["Id"])
    assert lines[:3] == [
        "2 sessions on DEMOLAB\\OSPREY - skipping",
        "Requesting reboot for DEMOLAB\\EAGLE... failure: Machine does not support specified power action.",
        "Requesting reboot for DEMOLAB\\KESTREL... success",
    ]
    skipped = [line for line in lines if line.endswith("- skipping")]
    succeeded = [line for line in lines if line.endswith("... success")]
    failed = [line for line in lines if "failure: Machine does not support" in line]
    assert len(skipped) + len(succeeded) + len(failed) == len(lines)

    stats = sim.stats()
    ids = {m["Name"]: m["Id"] for m in sim.state()["machines"]}
    rebooted = {line.split(" for ")[1].split("...")[0] for line in succeeded}
    assert stats["power_actions"] == {ids[name]: ["reboot"] for name in rebooted}
    assert stats["by_route"]["POST /cvadapis/{siteId}/Machines/{nameOrId}/$reboot"] == len(succeeded) + len(failed)
    assert stats["by_route"]["GET /cvadapis/me"] == 1
    assert stats["by_route"]["GET /cvadapis/{siteId}/MachineCatalogs/{nameOrId}/Machines"] == 1
    assert stats["by_status"] == {"200": 3 + len(succeeded), "400": len(failed)}
    assert stats["tokens_issued"] == 1
