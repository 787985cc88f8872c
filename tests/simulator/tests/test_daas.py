"""DaaS behaviour: lookups, paging, projection, maintenance, power over time, sessions, jobs, batch."""

import json
import time

import pytest
import requests

from conftest import POWER_SECONDS


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_me_and_sites(api):
    me = api.daas("GET", "/me", headers={"Citrix-InstanceId": ""}).json()
    assert me["Customers"][0]["Id"] == api.info["customer_id"]
    assert me["Customers"][0]["Sites"][0]["Id"] == api.info["site_id"]
    sites = api.daas("GET", "/Sites").json()["Items"]
    assert sites == [{"Id": api.info["site_id"], "Name": "cloudxdsite"}]
    assert api.daas("GET", f"/Sites/{api.info['site_id']}").status_code == 200


def test_machine_lookup_by_id_name_pipe_and_sid(api):
    kestrel = api.machine("DEMOLAB\\KESTREL")
    for key in (kestrel["Id"], kestrel["Id"].upper(), "DEMOLAB|KESTREL", "demolab%7Ckestrel", kestrel["Sid"]):
        response = api.daas("GET", f"/Machines/{key}")
        assert response.status_code == 200 and response.json()["Id"] == kestrel["Id"], key
    missing = api.daas("GET", "/Machines/DEMOLAB|NOPE")
    assert missing.status_code == 404 and missing.json()["ErrorMessage"]


def test_a_backslash_in_a_path_names_nothing(api):
    """The reference writes DOMAIN\\NAME as DOMAIN|NAME in paths; DOMAIN%5CNAME is not documented."""
    for path in ("/Machines/DEMOLAB%5CKESTREL", "/Machines/demolab%5Ckestrel/Sessions",
                 "/MachineCatalogs/Lab%5CWorkers", "/DeliveryGroups/Lab%5CWorkers%20Desktops/Machines"):
        assert api.daas("GET", path).status_code == 404, path
    assert api.daas("POST", "/Machines/DEMOLAB%5CKESTREL/$reboot").status_code == 404


def test_tutorial_machines(api):
    assert api.machine("DEMOLAB\\OSPREY")["SessionCount"] == 2
    eagle = api.machine("DEMOLAB\\EAGLE")
    assert eagle["PowerState"] == "Unmanaged" and eagle["SupportedPowerActions"] == []
    kestrel = api.machine("DEMOLAB\\KESTREL")
    assert kestrel["SessionCount"] == 0 and kestrel["PowerState"] == "On" and kestrel["PowerActionPending"] is False


def test_catalog_and_group_machines(api):
    catalog = api.daas("GET", "/MachineCatalogs").json()["Items"][0]
    group = api.daas("GET", "/DeliveryGroups").json()["Items"][0]
    by_catalog = api.daas("GET", f"/MachineCatalogs/{catalog['Name']}/Machines").json()["Items"]
    by_group = api.daas("GET", f"/DeliveryGroups/{group['Id']}/Machines").json()["Items"]
    assert [m["Name"] for m in by_catalog][:3] == ["DEMOLAB\\OSPREY", "DEMOLAB\\EAGLE", "DEMOLAB\\KESTREL"]
    assert {m["Id"] for m in by_catalog} == {m["Id"] for m in by_group}
    detail = api.daas("GET", f"/MachineCatalogs/{catalog['Id']}", params={"fields": "TotalCount,DeliveryGroups"}).json()
    assert detail["TotalCount"] == len(by_catalog) and detail["DeliveryGroups"][0]["Id"] == group["Id"]
    assert api.daas("GET", "/MachineCatalogs/nope/Machines").status_code == 404


def test_paging_limit_and_continuation(api):
    seen, token, pages = [], None, 0
    while True:
        params = {"limit": 5, **({"continuationToken": token} if token else {})}
        body = api.daas("GET", "/Machines", params=params).json()
        seen += [m["Id"] for m in body["Items"]]
        pages += 1
        token = body.get("ContinuationToken")
        if not token:
            break
    everything = api.daas("GET", "/Machines").json()
    assert "ContinuationToken" not in everything
    assert seen == [m["Id"] for m in everything["Items"]] and pages == 3
    assert api.daas("GET", "/Machines", params={"limit": 1001}).status_code == 400
    assert api.daas("GET", "/Machines", params={"limit": 0}).status_code == 400
    assert api.daas("GET", "/Machines", params={"continuationToken": "garbage"}).status_code == 400


def test_fields_projection(api):
    items = api.daas("GET", "/Machines", params={"fields": "Id,Name,sessioncount"}).json()["Items"]
    assert all(set(m) == {"Id", "Name", "SessionCount"} for m in items)


def test_patch_maintenance_mode(api):
    assert api.daas("PATCH", "/Machines/DEMOLAB|HAWK", json={"InMaintenanceMode": True}).status_code == 204
    assert api.machine("DEMOLAB\\HAWK")["InMaintenanceMode"] is True
    assert api.daas("PATCH", "/Machines/DEMOLAB|HAWK", json={"InMaintenanceMode": "yes"}).status_code == 400
    assert api.daas("PATCH", "/Machines/DEMOLAB|HAWK", data="x",
                    headers={"Content-Type": "text/plain"}).status_code == 415
    response = api.daas("PATCH", "/Machines/DEMOLAB|HAWK", params={"async": "true"}, json={"InMaintenanceMode": False})
    assert response.status_code == 202 and "/cvad/manage/Jobs/" in response.headers["Location"]
    # The job does the work when it starts, not when the request arrives.
    assert api.machine("DEMOLAB\\HAWK")["InMaintenanceMode"] is True
    assert wait_until(lambda: api.machine("DEMOLAB\\HAWK")["InMaintenanceMode"] is False)


def test_reboot_walks_through_the_power_states(api, sim):
    response = api.daas("POST", "/Machines/DEMOLAB|KESTREL/$reboot")
    assert response.status_code == 200
    assert response.json()["PowerActionPending"] is True and response.json()["PowerState"] == "On"
    states = []
    deadline = time.monotonic() + 20 * POWER_SECONDS
    while time.monotonic() < deadline:
        machine = api.machine("DEMOLAB\\KESTREL")
        if not states or states[-1] != machine["PowerState"]:
            states.append(machine["PowerState"])
        if not machine["PowerActionPending"]:
            break
        time.sleep(POWER_SECONDS / 5)
    assert states == ["On", "TurningOff", "Off", "TurningOn", "On"]
    assert sim.stats()["power_actions"] == {response.json()["Id"]: ["reboot"]}


def test_shutdown_ends_sessions_and_start_brings_it_back(api, sim):
    osprey = api.machine("DEMOLAB\\OSPREY")
    assert api.daas("POST", "/Machines/DEMOLAB|OSPREY/$shutdown").status_code == 200
    assert wait_until(lambda: api.machine("DEMOLAB\\OSPREY")["PowerState"] == "Off")
    off = api.machine("DEMOLAB\\OSPREY")
    assert off["SessionCount"] == 0 and off["RegistrationState"] == "Unregistered"
    assert api.daas("POST", "/Machines/DEMOLAB|OSPREY/$start", params={"detailResponseRequired": "false"}).ok
    assert wait_until(lambda: not api.machine("DEMOLAB\\OSPREY")["PowerActionPending"])
    assert api.machine("DEMOLAB\\OSPREY")["PowerState"] == "On"
    assert sim.stats()["power_actions"][osprey["Id"]] == ["shutdown", "start"]


def test_unmanaged_machine_refuses_power_actions(api, sim):
    for verb in ("reboot", "start", "shutdown", "suspend", "resume"):
        response = api.daas("POST", f"/Machines/DEMOLAB|EAGLE/${verb}")
        assert response.status_code == 400
        assert response.json()["ErrorMessage"] == "Machine does not support specified power action."
    assert sim.stats()["power_actions"] == {}


def test_async_power_action_runs_as_a_job(api, sim):
    response = api.daas("POST", "/Machines/DEMOLAB|MERLIN/$reboot", params={"async": "true"})
    assert response.status_code == 202
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    first = api.daas("GET", f"/Jobs/{job_id}").json()
    assert first["Type"] == "RebootMachines" and first["Status"] in ("NotStarted", "InProgress")
    assert wait_until(lambda: api.daas("GET", f"/Jobs/{job_id}").json()["Status"] == "Complete")
    assert api.daas("GET", f"/Jobs/{job_id}/Results").json()["Name"] == "DEMOLAB\\MERLIN"
    failed = api.daas("POST", "/Machines/DEMOLAB|EAGLE/$reboot", params={"async": "true"})
    failed_id = failed.headers["Location"].rsplit("/", 1)[1]
    assert wait_until(lambda: api.daas("GET", f"/Jobs/{failed_id}").json()["Status"] == "Failed")
    assert "does not support" in api.daas("GET", f"/Jobs/{failed_id}").json()["ErrorString"]
    assert list(sim.stats()["power_actions"].values()) == [["reboot"]]


def test_sessions_logoff_disconnect_and_message(api, sim):
    osprey = api.machine("DEMOLAB\\OSPREY")
    sessions = api.daas("GET", "/Machines/DEMOLAB|OSPREY/Sessions", params={"fields": "Id,Machine"}).json()["Items"]
    assert len(sessions) == 2 and all(s["Machine"]["Id"] == osprey["Id"] for s in sessions)
    first, second = sessions
    message = {"Title": "Maintenance", "Text": "Rebooting in 5 minutes", "Style": "Exclamation"}
    assert api.daas("POST", f"/Sessions/{first['Id']}/$sendMessage", json=message).status_code == 200
    assert api.daas("POST", f"/Sessions/{first['Id']}/$disconnect").json()["State"] == "Disconnected"
    assert api.daas("POST", f"/Sessions/{second['Id']}/$logoff").status_code == 204
    assert api.machine("DEMOLAB\\OSPREY")["SessionCount"] == 1
    assert api.daas("GET", f"/Sessions/{second['Id']}").status_code == 404
    sent = sim.state()["messages_sent"]
    assert sent[0]["Title"] == "Maintenance" and sent[0]["Machine"] == "DEMOLAB\\OSPREY"
    total = len(api.daas("GET", "/Sessions").json()["Items"])
    assert total == len(sim.state()["sessions"])


def item(reference, url, method="POST", **headers):
    """A $batch item carrying the given headers, e.g. Authorization="Bearer ..."."""
    return {"Reference": reference, "Method": method, "RelativeUrl": url,
            "Headers": [{"Name": k.replace("_", "-"), "Value": v} for k, v in headers.items()]}


def test_batch_runs_each_item(api, sim):
    kestrel = api.machine("DEMOLAB\\KESTREL")
    auth = {"Authorization": f"Bearer {api.token}"}
    body = {"Items": [
        item("a", "/Machines/DEMOLAB|OSPREY?fields=Id,SessionCount", "GET", **auth),
        item("b", f"/Machines/{kestrel['Id']}/$reboot", **auth),
        item("c", "/Machines/DEMOLAB|EAGLE/$reboot", **auth),
    ]}
    response = api.daas("POST", "/$batch", json=body)
    assert response.status_code == 200
    results = {item["Reference"]: item for item in response.json()["Items"]}
    assert results["a"]["Code"] == 200 and json.loads(results["a"]["Body"])["SessionCount"] == 2
    assert results["b"]["Code"] == 200 and results["c"]["Code"] == 400
    stats = sim.stats()
    assert stats["power_actions"] == {kestrel["Id"]: ["reboot"]}
    assert stats["by_route"]["POST /cvad/manage/$batch"] == 1


def test_batch_items_are_authorised_by_their_own_headers_only(api, sim):
    """The outer request's Authorization is not passed on: an item without its own is 401."""
    kestrel, hawk = api.machine("DEMOLAB\\KESTREL"), api.machine("DEMOLAB\\HAWK")
    body = {"Items": [item("none", f"/Machines/{kestrel['Id']}/$reboot"),
                      item("bad", f"/Machines/{hawk['Id']}/$reboot", Authorization="Bearer nope"),
                      item("outer-form-elsewhere", "/Machines/DEMOLAB|OSPREY", "GET", Authorization="CwsAuth x")]}
    response = api.daas("POST", "/$batch", json=body)
    assert response.status_code == 200
    for result in response.json()["Items"]:
        assert result["Code"] == 401, result
        assert json.loads(result["Body"])["ErrorMessage"] and json.loads(result["Body"])["SdkErrorId"]
    assert sim.stats()["power_actions"] == {}


def test_batch_item_authorization_forms(api, sim):
    """Inside items only the form Citrix's client sends, `Bearer <token>`; CwsAuth there is 401."""
    forms = [f"Bearer {api.token}", f"bearer  {api.token}", f"CwsAuth Bearer={api.token}", f"CWSAUTH bearer={api.token}"]
    body = {"Items": [item(str(i), "/Machines/DEMOLAB|KESTREL", "GET", Authorization=f) for i, f in enumerate(forms)]}
    assert [r["Code"] for r in api.daas("POST", "/$batch", json=body).json()["Items"]] == [200, 200, 401, 401]
    plain = api.daas("GET", "/Machines/DEMOLAB|KESTREL", headers={"Authorization": f"Bearer {api.token}"})
    assert plain.status_code == 401  # and outside items only CwsAuth


def job_of(response):
    assert response.status_code == 202, response.text
    return response.headers["Location"].rsplit("/", 1)[1]


def finished(api, job_id):
    return api.daas("GET", f"/Jobs/{job_id}").json()["Status"] not in ("NotStarted", "InProgress")


def test_async_batch_acts_during_the_job_and_its_results_hold_each_item(api, sim):
    kestrel = api.machine("DEMOLAB\\KESTREL")
    auth = {"Authorization": f"Bearer {api.token}"}
    body = {"Items": [item("r", f"/Machines/{kestrel['Id']}/$reboot?detailResponseRequired=false", **auth),
                      item("u", "/Machines/DEMOLAB|EAGLE/$reboot", **auth),
                      item("j", "/Machines/DEMOLAB|HAWK/$reboot?async=true", **auth)]}
    job_id = job_of(api.daas("POST", "/$batch", params={"async": "true"}, json=body))
    assert sim.stats()["power_actions"] == {}  # accepted, not yet acted on
    early = api.daas("GET", f"/Jobs/{job_id}/Results")
    assert early.status_code == 400  # no results before the job is done
    assert wait_until(lambda: finished(api, job_id))
    job = api.daas("GET", f"/Jobs/{job_id}").json()
    assert job["Type"] == "Batch" and job["Status"] == "Complete"
    results = {i["Reference"]: i for i in api.daas("GET", f"/Jobs/{job_id}/Results").json()["Items"]}
    assert results["r"]["Code"] == 200 and results["u"]["Code"] == 400
    # An item that asked for async answers 202 with its own job, which does the work later.
    assert results["j"]["Code"] == 202
    location = next(h["Value"] for h in results["j"]["Headers"] if h["Name"] == "Location")
    hawk_job = location.rsplit("/", 1)[1]
    assert wait_until(lambda: finished(api, hawk_job))
    actions = sim.stats()["power_actions"]
    assert actions == {kestrel["Id"]: ["reboot"], api.machine("DEMOLAB\\HAWK")["Id"]: ["reboot"]}


def test_a_job_canceled_before_it_starts_never_acts(api, sim):
    job_id = job_of(api.daas("POST", "/Machines/DEMOLAB|KESTREL/$reboot", params={"async": "true"}))
    canceled = api.daas("POST", f"/Jobs/{job_id}/$cancel")
    assert canceled.status_code == 200 and canceled.json()["Status"] == "Canceled"
    time.sleep(0.3)
    assert sim.stats()["power_actions"] == {}


def test_a_synchronous_batch_takes_a_jobs_time_to_answer(api, sim):
    body = {"Items": [item("a", "/Machines/DEMOLAB|KESTREL", "GET", Authorization=f"Bearer {api.token}")]}
    start = time.monotonic()
    assert api.daas("POST", "/$batch", json=body).status_code == 200
    assert time.monotonic() - start >= 0.2


def test_a_slow_service_acts_after_the_client_gave_up(api, sim):
    """process_delay_ms: the POST is processed late, and still processed when nobody waits."""
    sim.set_faults(process_delay_ms=600)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.daas("POST", "/Machines/DEMOLAB|KESTREL/$reboot", timeout=0.2)
    assert sim.stats()["power_actions"] == {}
    kestrel = api.machine("DEMOLAB\\KESTREL")
    assert wait_until(lambda: sim.stats()["power_actions"] == {kestrel["Id"]: ["reboot"]})


def test_batch_item_customer_and_site(api, sim):
    """Citrix-CustomerId and Citrix-InstanceId: the item's own are checked, else the outer request's apply."""
    auth = {"Authorization": f"Bearer {api.token}"}
    body = {"Items": [
        item("inherited", "/Machines/DEMOLAB|KESTREL", "GET", **auth),
        item("own", "/Machines/DEMOLAB|KESTREL", "GET", Citrix_CustomerId=api.info["customer_id"].upper(),
             Citrix_InstanceId=api.info["site_id"], **auth),
        item("customer", "/Machines/DEMOLAB|KESTREL", "GET", Citrix_CustomerId="other1234", **auth),
        item("site", "/Machines/DEMOLAB|KESTREL", "GET", Citrix_InstanceId="nosuchsite", **auth),
    ]}
    codes = {r["Reference"]: r["Code"] for r in api.daas("POST", "/$batch", json=body).json()["Items"]}
    assert codes == {"inherited": 200, "own": 200, "customer": 403, "site": 404}


def test_batch_itself_still_needs_authorization(api, sim):
    body = {"Items": [item("a", "/Machines/DEMOLAB|KESTREL", Authorization=f"Bearer {api.token}")]}
    response = api.daas("POST", "/$batch", json=body, headers={"Authorization": ""})
    assert response.status_code == 401 and response.json()["ErrorMessage"]
    assert sim.stats()["power_actions"] == {}


def test_batch_item_with_an_expired_token_is_401(api, sim):
    sim.set_faults(token_ttl_s=1)
    short = api.get_token()
    time.sleep(1.1)
    body = {"Items": [item("a", "/Machines/DEMOLAB|KESTREL/$reboot", Authorization=f"Bearer {short}")]}
    response = api.daas("POST", "/$batch", json=body)  # the outer token is the long-lived one
    assert response.status_code == 200 and response.json()["Items"][0]["Code"] == 401
    assert sim.stats()["power_actions"] == {}
