# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The algorithm of Citrix's tutorial "reboot every machine of a catalog that has no sessions".

The baseline bench/run.py times the playbook against: one token, the catalog's machines listed
page by page following ContinuationToken, then one $reboot at a time for each machine without
sessions. Like the tutorial, it calls the retired /cvadapis preview paths (site id in the path),
which answer with whole machines: it reads SessionCount without asking for it, which /cvad/manage
would leave out of its default field set. It reads the same CITRIX_* variables as the collection.

    python bench/tutorial.py 'DEMOLAB Servers'
"""
from __future__ import annotations

import os
import sys
from urllib.parse import quote

import requests


def main(catalog):
    base = os.environ["CITRIX_API_URL"].rstrip("/")
    customer = os.environ["CITRIX_CUSTOMER_ID"]
    http = requests.Session()

    token = http.post(f"{base}/cctrustoauth2/root/tokens/clients", headers={"Accept": "application/json"}, data={
        "grant_type": "client_credentials",
        "client_id": os.environ["CITRIX_CLIENT_ID"],
        "client_secret": os.environ["CITRIX_CLIENT_SECRET"],
    }, timeout=30)
    token.raise_for_status()
    # DaaS wants all three; Accept must name application/json (406 otherwise).
    http.headers.update({
        "Authorization": "CwsAuth Bearer=" + token.json()["access_token"],
        "Citrix-CustomerId": customer,
        "Accept": "application/json",
    })

    me = http.get(f"{base}/cvadapis/me", timeout=30)
    me.raise_for_status()
    site = next(c for c in me.json()["Customers"] if c["Id"] == customer)["Sites"][0]["Id"]

    machines, params = [], {}
    while True:
        page = http.get(f"{base}/cvadapis/{site}/MachineCatalogs/{quote(catalog, safe='')}/Machines",
                        params=params, timeout=30)
        page.raise_for_status()
        body = page.json()
        machines += body["Items"]
        if not body.get("ContinuationToken"):
            break
        params = {"continuationToken": body["ContinuationToken"]}

    for machine in machines:
        if machine["SessionCount"] > 0:
            print(f"{machine['SessionCount']} sessions on {machine['Name']} - skipping")
            continue
        print(f"Requesting reboot for {machine['Name']}... ", end="", flush=True)
        answer = http.post(f"{base}/cvadapis/{site}/Machines/{machine['Id']}/$reboot", timeout=90)
        if answer.ok:
            print("success")
        else:
            print("failure: " + answer.json().get("ErrorMessage", answer.text))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "DEMOLAB Servers")
