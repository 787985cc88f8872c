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


def revoke(sim, **spec):
    return requests.post(f"{sim.url}/_sim/tokens/revoke", json=spec)


def me(sim, token):
    headers = {"Authorization": f"CwsAuth Bearer={token}", "Citrix-CustomerId": sim.info["customer_id"],
               "Accept": "application/json"}
    return requests.get(f"{sim.url}/cvad/manage/me", headers=headers)


def test_revoking_now_refuses_every_token_issued_so_far_and_no_later_one(sim):
    first, second = (token_request(sim).json()["access_token"] for _n in range(2))
    response = revoke(sim)
    revoked = response.json()["revoked"]  # these two, and any an earlier test left valid
    assert response.status_code == 200 and revoked >= 2
    assert me(sim, first).status_code == 401 and me(sim, second).status_code == 401
    assert me(sim, token_request(sim).json()["access_token"]).status_code == 200
    stats = sim.stats()
    assert stats["revocations"] == 1 and stats["tokens_revoked"] == revoked and stats["tokens_issued"] == 3
    assert "POST /_sim/tokens/revoke" not in stats["by_route"]  # the control room is not counted


def test_a_revocation_scheduled_after_a_routes_nth_request(sim):
    token = token_request(sim).json()["access_token"]
    scheduled = revoke(sim, after="GET /cvad/manage/me", count=2)
    assert scheduled.json() == {"scheduled": {"after": "GET /cvad/manage/me", "count": 2}}
    sites = requests.get(f"{sim.url}/cvad/manage/Sites", headers={
        "Authorization": f"CwsAuth Bearer={token}", "Citrix-CustomerId": sim.info["customer_id"],
        "Accept": "application/json"})
    assert sites.status_code == 200  # another route does not count
    assert me(sim, token).status_code == 200
    assert sim.stats()["revocations"] == 0
    assert me(sim, token).status_code == 200  # the second is answered, then every token is revoked
    assert sim.stats()["revocations"] == 1 and sim.stats()["tokens_revoked"] >= 1  # earlier tests left some
    assert me(sim, token).status_code == 401
    fresh = token_request(sim).json()["access_token"]
    assert me(sim, fresh).status_code == 200 and me(sim, fresh).status_code == 200  # once, not every 2
    assert sim.stats()["revocations"] == 1


def test_scheduled_revocations_are_independent_and_reset_drops_pending_ones(sim):
    token = token_request(sim).json()["access_token"]
    revoke(sim, after="GET /cvad/manage/me")
    revoke(sim, after="GET /cvad/manage/me", count=3)
    assert me(sim, token).status_code == 200
    token = token_request(sim).json()["access_token"]
    assert [me(sim, token).status_code for _n in range(3)] == [200, 200, 401]
    assert sim.stats()["revocations"] == 2
    revoke(sim, after="GET /cvad/manage/me")
    sim.reset()
    token = token_request(sim).json()["access_token"]
    assert [me(sim, token).status_code for _n in range(2)] == [200, 200]
    assert sim.stats()["revocations"] == 0


def test_revoking_between_an_async_batch_and_its_job_refuses_its_items(api, sim):
    """The job runs its items after the batch was answered: by then their token is revoked."""
    auth = {"Authorization": f"Bearer {api.token}"}
    body = {"Items": [{"Reference": "r", "Method": "POST", "RelativeUrl": "/Machines/DEMOLAB|KESTREL/$reboot",
                       "Headers": [{"Name": "Authorization", "Value": auth["Authorization"]}]}]}
    revoke(sim, after="POST /cvad/manage/$batch")
    answer = requests.post(f"{sim.url}/cvad/manage/$batch", params={"async": "true"}, json=body, headers={
        "Authorization": f"CwsAuth Bearer={api.token}", "Citrix-CustomerId": sim.info["customer_id"],
        "Citrix-InstanceId": sim.info["site_id"], "Accept": "application/json"})
    assert answer.status_code == 202
    job = answer.headers["Location"].rsplit("/", 1)[1]
    fresh = api.get_token()
    api.http.headers["Authorization"] = f"CwsAuth Bearer={fresh}"
    deadline = time.monotonic() + 5
    while api.daas("GET", f"/Jobs/{job}").json()["Status"] != "Complete" and time.monotonic() < deadline:
        time.sleep(0.05)
    items = api.daas("GET", f"/Jobs/{job}/Results").json()["Items"]
    assert [i["Code"] for i in items] == [401]
    assert sim.stats()["power_actions"] == {}


def test_bad_revocations_are_refused(sim):
    for spec in ({"after": "GET /cvad/manage/Nope"}, {"after": "GET /_sim/stats"}, {"count": 2},
                 {"after": "GET /cvad/manage/me", "count": 0}, {"after": "GET /cvad/manage/me", "count": True},
                 {"after": "GET /cvad/manage/me", "count": 1.5}, {"after": "GET /cvad/manage/me", "when": 1}):
        response = revoke(sim, **spec)
        assert response.status_code == 400 and response.json()["error"], spec
    for body in (b"[]", b"not json"):
        assert requests.post(f"{sim.url}/_sim/tokens/revoke", data=body).status_code == 400
    token = token_request(sim).json()["access_token"]
    assert [me(sim, token).status_code for _n in range(3)] == [200] * 3  # nothing was scheduled
    assert sim.stats()["revocations"] == 0
