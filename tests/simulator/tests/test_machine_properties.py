"""Machine properties and membership: assignment, published names, machine tags, delivery group and
manual catalog membership (the --private-desktops scenario)."""

import pytest

from citrix_cloud_sim.testing import start_simulator
from conftest import Api

PRIVATE = "DEMOLAB Private Desktops"


@pytest.fixture(scope="module")
def private_sim():
    with start_simulator(["--private-desktops", "6", "--power-seconds", "0.05"]) as sim:
        yield sim


@pytest.fixture
def api(private_sim):
    private_sim.reset()
    return Api(private_sim)


def machine(api, name, fields="Name,AssignedUsers,PublishedName,IsAssigned,Tags,DeliveryGroup,MachineCatalog"):
    response = api.daas("GET", "/Machines/" + name.replace("\\", "|"), params={"fields": fields})
    response.raise_for_status()
    return response.json()


def error(response, status):
    assert response.status_code == status, response.text
    return response.json()["ErrorMessage"]


def test_private_scenario(api):
    listed = api.daas("GET", "/MachineCatalogs", params={"fields": "Name,AllocationType,ProvisioningType,TotalCount"})
    catalogs = {c["Name"]: c for c in listed.json()["Items"]}
    assert catalogs["DEMOLAB Private"]["AllocationType"] == "Static"
    assert catalogs["DEMOLAB Manual"]["ProvisioningType"] == "Manual" and catalogs["DEMOLAB Manual"]["TotalCount"] == 0
    members = api.daas("GET", f"/DeliveryGroups/{PRIVATE}/Machines").json()["Items"]
    assert [m["Name"] for m in members] == ["DEMOLAB\\DESK001", "DEMOLAB\\DESK002", "DEMOLAB\\DESK003"]


def test_assigned_users_and_published_name(api):
    assert api.daas("PATCH", "/Machines/DEMOLAB|DESK001", json={
        "AssignedUsers": ["DEMOLAB\\alice", "bob@demolab.local"], "PublishedName": "Alice"}).status_code == 204
    desk = machine(api, "DEMOLAB\\DESK001")
    assert [u["SamName"] for u in desk["AssignedUsers"]] == ["DEMOLAB\\alice", "DEMOLAB\\bob"]
    assert desk["PublishedName"] == "Alice" and desk["IsAssigned"] is True
    assert "could not be found" in error(api.daas("PATCH", "/Machines/DEMOLAB|DESK001",
                                                  json={"AssignedUsers": ["DEMOLAB\\mallory"]}), 400)
    assert "static" in error(api.daas("PATCH", "/Machines/DEMOLAB|KESTREL", json={"AssignedUsers": []}), 400)
    assert "delivery group" in error(api.daas("PATCH", "/Machines/DEMOLAB|DESK004",
                                              json={"PublishedName": "x"}), 400)
    assert api.daas("PATCH", "/Machines/DEMOLAB|DESK001", json={"PublishedName": ""}).status_code == 204
    assert "PublishedName" not in machine(api, "DEMOLAB\\DESK001")


def test_machine_tags(api):
    api.daas("POST", "/Tags", json={"Name": "Finance"})
    api.daas("POST", "/Tags", json={"Name": "Lab"})
    assert api.daas("POST", "/Machines/DEMOLAB|DESK001/Tags/Finance").status_code == 200
    assert api.daas("PUT", "/Machines/DEMOLAB|DESK002/Tags", json={"Items": ["Lab", "Finance"]}).status_code == 204
    assert machine(api, "DEMOLAB\\DESK001")["Tags"] == ["Finance"]
    assert api.daas("DELETE", "/Machines/DEMOLAB|DESK002/Tags/Lab").status_code == 204
    assert [t["Name"] for t in api.daas("GET", "/Machines/DEMOLAB|DESK002/Tags").json()["Items"]] == ["Finance"]
    assert api.daas("GET", "/Tags/Finance").json()["NumMachines"] == 2
    error(api.daas("POST", "/Machines/DEMOLAB|DESK001/Tags/Nope"), 404)


def test_delivery_group_membership(api):
    add = api.daas("POST", f"/DeliveryGroups/{PRIVATE}/Machines", json={
        "MachineCatalog": "DEMOLAB Private", "AssignMachinesToUsers": [{"Machine": "DEMOLAB\\DESK004"}]})
    assert add.status_code == 200 and add.json()["TotalDesktops"] == 4
    by_count = api.daas("POST", f"/DeliveryGroups/{PRIVATE}/Machines", json={"MachineCatalog": "DEMOLAB Private",
                                                                             "Count": 1})
    assert by_count.status_code == 200 and machine(api, "DEMOLAB\\DESK005")["DeliveryGroup"]["Name"] == PRIVATE
    assert "free machines" in error(api.daas("POST", f"/DeliveryGroups/{PRIVATE}/Machines",
                                             json={"MachineCatalog": "DEMOLAB Private", "Count": 2}), 400)
    assert "MachineCatalog" in error(api.daas("POST", f"/DeliveryGroups/{PRIVATE}/Machines", json={"Count": 1}), 400)
    assert "session support" in error(api.daas("POST", f"/DeliveryGroups/{PRIVATE}/Machines", json={
        "MachineCatalog": "DEMOLAB Servers", "Count": 1}), 400)
    assert api.daas("DELETE", f"/DeliveryGroups/{PRIVATE}/Machines/DEMOLAB|DESK004").status_code == 204
    assert "DeliveryGroup" not in machine(api, "DEMOLAB\\DESK004")
    error(api.daas("DELETE", f"/DeliveryGroups/{PRIVATE}/Machines/DEMOLAB|DESK004"), 400)
    started = api.daas("POST", f"/DeliveryGroups/{PRIVATE}/Machines", params={"async": "true"}, json={
        "MachineCatalog": "DEMOLAB Private", "Count": 1})
    assert started.status_code == 202 and "/Jobs/" in started.headers["Location"]


def test_manual_catalog_membership(api):
    path = "/MachineCatalogs/DEMOLAB Manual/Machines"
    assert "HostedMachineId" in error(api.daas("POST", path, json={"MachineName": "DEMOLAB\\PC001"}), 400)
    assert "MachineName" in error(api.daas("POST", path, json={}), 400)
    added = api.daas("POST", path, json={"MachineName": "DEMOLAB\\PC001", "HostedMachineId": "vm-1",
                                         "HypervisorConnection": "DEMOLAB vSphere"})
    assert added.status_code == 200 and added.json()["Status"] == "Complete"
    assert machine(api, "DEMOLAB\\PC001")["MachineCatalog"]["Name"] == "DEMOLAB Manual"
    assert "already" in error(api.daas("POST", path, json={"MachineName": "DEMOLAB\\PC001", "HostedMachineId": "v",
                                                           "HypervisorConnection": "DEMOLAB vSphere"}), 409)
    assert "manual" in error(api.daas("POST", "/MachineCatalogs/DEMOLAB Servers/Machines",
                                      json={"MachineName": "DEMOLAB\\PC002"}), 400)
    assert "delivery group" in error(api.daas("DELETE", "/MachineCatalogs/DEMOLAB Private/Machines/DEMOLAB|DESK001"),
                                     400)
    assert api.daas("DELETE", path + "/DEMOLAB|PC001").status_code == 204
    error(api.daas("GET", "/Machines/DEMOLAB|PC001"), 404)
