"""Tokens and the header checks every service makes."""

import time
import uuid

import requests


def token_request(sim, customer="root", **overrides):
    data = {"grant_type": "client_credentials", "client_id": sim.info["client_id"],
            "client_secret": sim.info["client_secret"], **overrides}
    return requests.post(f"{sim.url}/cctrustoauth2/{customer}/tokens/clients", data=data)


def test_token_for_root_and_for_the_customer(sim):
    for customer in ("root", sim.info["customer_id"]):
        response = token_request(sim, customer)
        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer" and body["access_token"]
        assert body["expires_in"] == "3600"  # a JSON string, as Citrix sends it
        assert response.headers["X-Cws-TransactionId"]
    assert sim.stats()["tokens_issued"] == 2


def test_bad_secret_is_400_invalid_request(sim):
    response = token_request(sim, client_secret="GarbageValue")
    assert response.status_code == 400 and response.reason == "Invalid request"
    assert response.json()["error"] == "invalid_client"
    assert token_request(sim, client_id=str(uuid.uuid4())).status_code == 400
    assert token_request(sim, grant_type="password").status_code == 400
    assert token_request(sim, "someoneelse").status_code == 400
    assert sim.stats()["tokens_issued"] == 0


def test_tokens_really_expire(sim):
    sim.set_faults(token_ttl_s=1)
    response = token_request(sim)
    assert response.json()["expires_in"] == "1"
    headers = {"Authorization": f"CwsAuth Bearer={response.json()['access_token']}",
               "Citrix-CustomerId": sim.info["customer_id"], "Accept": "application/json"}
    assert requests.get(f"{sim.url}/cvad/manage/me", headers=headers).status_code == 200
    time.sleep(1.1)
    expired = requests.get(f"{sim.url}/cvad/manage/me", headers=headers)
    assert expired.status_code == 401 and expired.json()["SdkErrorId"]


def test_authorization_scheme_is_matched_case_insensitively(api):
    for header in (f"CwsAuth Bearer={api.token}", f"CWSAuth bearer={api.token}", f"cwsauth BEARER={api.token}"):
        assert api.daas("GET", "/me", headers={"Authorization": header}).status_code == 200
    for header in (f"Bearer {api.token}", "CwsAuth Bearer=nope", ""):
        response = api.daas("GET", "/me", headers={"Authorization": header})
        assert response.status_code == 401 and "ErrorMessage" in response.json()
    platform = api.platform("GET", "/resourcelocations", headers={
        "Authorization": "Bearer x", "Citrix-CustomerId": api.info["customer_id"]})
    assert platform.status_code == 401 and "type" in platform.json()


def test_customer_instance_and_accept_headers(api):
    assert api.daas("GET", "/Machines", headers={"Citrix-CustomerId": "other1234"}).status_code == 403
    missing_site = api.http.get(f"{api.url}/cvad/manage/Machines")
    assert missing_site.status_code == 400 and "Citrix-InstanceId" in missing_site.json()["ErrorMessage"]
    assert api.daas("GET", "/Machines", headers={"Citrix-InstanceId": str(uuid.uuid4())}).status_code == 404
    assert api.daas("GET", "/me", headers={"Accept": "text/html"}).status_code == 406
    assert api.daas("GET", "/me", headers={"Accept": "*/*"}).status_code == 406
    assert api.daas("GET", "/me", headers={"Accept": "application/json; charset=utf-8"}).status_code == 200
    assert api.platform("GET", f"/{api.info['customer_id']}/serviceStates", headers={"Accept": "*/*"}).ok
    assert api.platform("GET", "/other1234/serviceStates").status_code == 403


def test_transaction_id_is_echoed_on_every_response(api):
    tid = str(uuid.uuid4())
    ok = api.daas("GET", "/me", headers={"Citrix-TransactionId": tid})
    error = api.daas("GET", "/Machines/NOPE", headers={"Citrix-TransactionId": tid})
    platform = api.platform("GET", "/resourcelocations", headers={"Citrix-TransactionId": tid})
    assert ok.headers["Citrix-TransactionId"] == tid
    assert error.status_code == 404 and error.headers["Citrix-TransactionId"] == tid
    assert platform.headers["X-Cws-TransactionId"] == tid
    generated = api.daas("GET", "/me").headers["Citrix-TransactionId"]
    assert str(uuid.UUID(generated)) == generated
