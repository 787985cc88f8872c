"""--on-premises and --government: the Orchestration service as Citrix's client reaches it
(tokens, /citrix/orchestration/api/{customerId}/{siteId}/..., $batch items with that prefix),
and no route of a service the deployment does not have."""

import base64
import datetime
import time

import pytest
import requests

from citrix_cloud_sim.testing import start_simulator

ORCH = "/citrix/orchestration/api"


@pytest.fixture(scope="module")
def onprem():
    with start_simulator(["--on-premises", "--job-seconds", "0.2", "--power-seconds", "0.05"]) as sim:
        yield sim


@pytest.fixture(scope="module")
def gov():
    with start_simulator(["--government", "--job-seconds", "0.2", "--power-seconds", "0.05"]) as sim:
        yield sim


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def onprem_token(sim, user=None, password=None):
    return requests.post(sim.url + ORCH + "/tokens", timeout=10, headers={
        "Accept": "application/json",
        "Authorization": basic(user or sim.info["username"], password or sim.info["password"])})


def onprem_headers(sim):
    token = onprem_token(sim).json()["Token"]
    return {"Authorization": f"CWSAuth bearer={token}", "Citrix-CustomerId": "CitrixOnPremises",
            "Citrix-InstanceId": sim.info["site_id"], "Accept": "application/json"}


def test_on_premises_ready_file_is_a_domain_account(onprem):
    assert set(onprem.info) == {"url", "username", "password", "site_id"}
    assert onprem.info["username"] == "DEMOLAB\\ansible"
    assert set(onprem.env()) == {"CITRIX_API_URL", "CITRIX_USERNAME", "CITRIX_PASSWORD", "CITRIX_SITE_ID"}


def test_on_premises_token_with_basic_auth_by_either_name(onprem):
    for user in ("DEMOLAB\\ansible", "demolab\\ANSIBLE", "ansible@demolab.local"):
        response = onprem_token(onprem, user=user)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"Token", "Principal", "UserId", "CustomerId", "ExpiresAt"}
        assert body["CustomerId"] == "CitrixOnPremises"
        expires = datetime.datetime.strptime(body["ExpiresAt"][:19], "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=datetime.timezone.utc)
        assert body["ExpiresAt"].endswith("Z") and 3500 < expires.timestamp() - time.time() < 3601


@pytest.mark.parametrize("user, password", [("DEMOLAB\\ansible", "wrong"), ("DEMOLAB\\other", None)])
def test_on_premises_wrong_credentials_are_401(onprem, user, password):
    response = onprem_token(onprem, user=user, password=password or onprem.info["password"])
    assert response.status_code == 401
    assert "ErrorMessage" in response.json()
    assert requests.post(onprem.url + ORCH + "/tokens", timeout=10).status_code == 401  # no Basic at all


def test_on_premises_daas_below_customer_and_site_me_at_the_root(onprem):
    headers = onprem_headers(onprem)
    site = onprem.info["site_id"]
    me = requests.get(onprem.url + ORCH + "/me", headers=headers, timeout=10).json()
    assert me["Customers"][0]["Id"] == "CitrixOnPremises" and me["Customers"][0]["Sites"][0]["Id"] == site
    sites = requests.get(onprem.url + ORCH + "/CitrixOnPremises/Sites", headers=headers, timeout=10)
    assert sites.status_code == 200 and sites.json()["Items"][0]["Id"] == site
    machines = requests.get(f"{onprem.url}{ORCH}/CitrixOnPremises/{site}/Machines", headers=headers, timeout=10)
    assert machines.status_code == 200 and len(machines.json()["Items"]) == 15
    assert "Citrix-TransactionId" in machines.headers
    # the path names customer and site: another customer is refused like another header
    other = requests.get(f"{onprem.url}{ORCH}/acme/{site}/Machines", headers=headers, timeout=10)
    assert other.status_code == 403


@pytest.mark.parametrize("method, path", [
    ("GET", ORCH + "/Machines"),  # not below customer and site
    ("GET", "/cvad/manage/Machines"),
    ("POST", "/cctrustoauth2/root/tokens/clients"),
    ("GET", "/resourcelocations"),
    ("GET", "/CitrixOnPremises/serviceStates"),
    ("GET", "/CitrixOnPremises/notifications"),
])
def test_on_premises_has_no_citrix_cloud_route(onprem, method, path):
    response = requests.request(method, onprem.url + path, headers=onprem_headers(onprem), timeout=10)
    assert response.status_code == 404


def batch(sim, url, headers, items):
    response = requests.post(url, params={"async": "true"}, json={"Items": items}, headers=headers, timeout=10)
    assert response.status_code == 202, response.text
    location = response.headers["Location"]
    for dummy in range(100):
        job = requests.get(location, headers=headers, timeout=10).json()
        if job["Status"] == "Complete":
            break
        time.sleep(0.05)
    return location, requests.get(location + "/Results", headers=headers, timeout=10).json()["Items"]


def test_on_premises_batch_items_are_relative_to_the_root_with_customer_and_site(onprem):
    onprem.reset()
    headers = onprem_headers(onprem)
    site = onprem.info["site_id"]
    idle = [m for m in onprem.state()["machines"] if m["PowerState"] == "On" and not m["SessionCount"]][:2]
    token = headers["Authorization"].split("=", 1)[1]
    items = [{"Reference": "0", "Method": "POST", "Headers": [{"Name": "Authorization", "Value": f"Bearer {token}"}],
              "RelativeUrl": f"CitrixOnPremises/{site}/Machines/{idle[0]['Id']}/$reboot?detailResponseRequired=false"},
             {"Reference": "1", "Method": "POST", "Headers": [{"Name": "Authorization", "Value": f"Bearer {token}"}],
              "RelativeUrl": f"/Machines/{idle[1]['Id']}/$reboot?detailResponseRequired=false"}]
    location, results = batch(onprem, f"{onprem.url}{ORCH}/CitrixOnPremises/{site}/$batch", headers, items)
    assert location.startswith(f"{onprem.url}{ORCH}/CitrixOnPremises/{site}/Jobs/")
    codes = {item["Reference"]: item["Code"] for item in results}
    assert codes == {"0": 200, "1": 404}  # an item without the prefix names no route there
    assert onprem.stats()["power_actions"] == {idle[0]["Id"]: ["reboot"]}


def gov_token(sim, body=None):
    return requests.post(f"{sim.url}/{sim.info['customer_id']}/tokens/clients", timeout=10,
                         json=body if body is not None else {"ClientId": sim.info["client_id"],
                                                             "ClientSecret": sim.info["client_secret"]})


def test_government_token_is_json_with_an_integer_expires_at(gov):
    body = gov_token(gov).json()
    assert set(body) == {"Token", "Principal", "UserId", "CustomerId", "ExpiresAt"}
    assert body["ExpiresAt"] == 3600 and body["CustomerId"] == gov.info["customer_id"]
    assert gov.env()["CITRIX_REGION"] == "gov"
    assert gov_token(gov, {"ClientId": gov.info["client_id"], "ClientSecret": "wrong"}).status_code == 401
    assert gov_token(gov, {}).status_code == 400
    form = requests.post(f"{gov.url}/cctrustoauth2/{gov.info['customer_id']}/tokens/clients", timeout=10, data={
        "grant_type": "client_credentials", "client_id": gov.info["client_id"],
        "client_secret": gov.info["client_secret"]})
    assert form.status_code == 404


def test_government_daas_resource_locations_and_nothing_else(gov):
    token = gov_token(gov).json()["Token"]
    customer, site = gov.info["customer_id"], gov.info["site_id"]
    headers = {"Authorization": f"CwsAuth Bearer={token}", "Citrix-CustomerId": customer,
               "Citrix-InstanceId": site, "Accept": "application/json"}
    machines = requests.get(f"{gov.url}{ORCH}/{customer}/{site}/Machines", headers=headers, timeout=10)
    assert machines.status_code == 200
    locations = requests.get(f"{gov.url}/{customer}/resourcelocations", headers=headers, timeout=10)
    assert locations.status_code == 200 and locations.json()["items"]
    for path in ("/cvad/manage/Machines", "/resourcelocations", f"/{customer}/serviceStates",
                 f"/{customer}/notifications"):
        assert requests.get(gov.url + path, headers=headers, timeout=10).status_code == 404, path
