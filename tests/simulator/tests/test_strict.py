"""Where the simulator is as strict as Citrix's current API reference (issue 10): default response
field sets, parameters a route does not take, maintenance reason, admin folders, HTTP 530, names in
paths, request bodies with properties their model does not have."""

from citrix_cloud_sim import models

LAB = "Lab|Workers"
LAB_GROUP = "Lab|Workers%20Desktops"


def test_machines_without_fields_get_the_default_set(api):
    for path in ("/Machines", "/MachineCatalogs/DEMOLAB%20Servers/Machines"):
        items = api.daas("GET", path).json()["Items"]
        assert items and all(set(m) <= models.MACHINE_DEFAULT_FIELDS for m in items), path
        assert all("SessionCount" not in m and "Hosting" not in m and "Zone" not in m for m in items)
        assert {"Id", "Name", "PowerState", "MachineCatalog", "InMaintenanceMode"} <= set(items[0])
    one = api.daas("GET", "/Machines/DEMOLAB|OSPREY").json()
    assert "SessionCount" not in one and "SessionSupport" not in one and one["Name"] == "DEMOLAB\\OSPREY"
    asked = api.daas("GET", "/Machines/DEMOLAB|OSPREY", params={"fields": "Id,SessionCount"}).json()
    assert asked == {"Id": one["Id"], "SessionCount": 2}


def test_power_actions_answer_with_the_default_set(api):
    body = api.daas("POST", "/Machines/DEMOLAB|KESTREL/$reboot", params={"fields": "SessionCount"}).json()
    assert body["PowerActionPending"] is True and "SessionCount" not in body


def test_sessions_catalogs_and_groups_without_fields_get_their_default_sets(api):
    sessions = api.daas("GET", "/Sessions").json()["Items"]
    assert sessions and all("Machine" not in s and set(s) <= models.SESSION_DEFAULT_FIELDS for s in sessions)
    on_osprey = api.daas("GET", "/Machines/DEMOLAB|OSPREY/Sessions").json()["Items"]
    assert len(on_osprey) == 2 and all("Machine" not in s for s in on_osprey)
    with_machine = api.daas("GET", "/Sessions", params={"fields": "Id,Machine"}).json()["Items"]
    # the nested machine is a MachineResponseModel in its own default set: no SessionCount there either
    assert all(set(s) == {"Id", "Machine"} and "SessionCount" not in s["Machine"] for s in with_machine)
    assert all(s["Machine"]["Id"] and s["Machine"]["Name"] for s in with_machine)
    for path, defaults, absent in (("/MachineCatalogs", models.CATALOG_DEFAULT_FIELDS, "TotalCount"),
                                   ("/DeliveryGroups", models.GROUP_DEFAULT_FIELDS, "TotalDesktops")):
        items = api.daas("GET", path).json()["Items"]
        assert all(set(i) <= defaults and absent not in i for i in items), path
        detail = api.daas("GET", f"{path}/{items[0]['Id']}").json()
        assert absent not in detail and api.daas("GET", f"{path}/{items[0]['Id']}",
                                                 params={"fields": absent}).json()[absent] > 0


def test_group_machines_ignore_fields_the_route_does_not_take(api):
    """GET /DeliveryGroups/{nameOrId}/Machines takes only limit and continuationToken."""
    items = api.daas("GET", "/DeliveryGroups/DEMOLAB%20Desktops/Machines",
                     params={"fields": "Id,Name,SessionCount"}).json()["Items"]
    assert len(items) == 12 and all("SessionCount" not in m for m in items)
    assert all(set(m) <= models.MACHINE_DEFAULT_FIELDS and "PowerState" in m for m in items)
    paged = api.daas("GET", "/DeliveryGroups/DEMOLAB%20Desktops/Machines", params={"limit": 5}).json()
    assert len(paged["Items"]) == 5 and paged["ContinuationToken"]


def test_the_retired_preview_routes_keep_whole_objects(api):
    site = api.info["site_id"]
    items = api.http.get(f"{api.url}/cvadapis/{site}/MachineCatalogs/DEMOLAB%20Servers/Machines").json()["Items"]
    assert items[0]["SessionCount"] == 2 and "Hosting" in items[0]
    sessions = api.http.get(f"{api.url}/cvadapis/{site}/Sessions").json()["Items"]
    assert all("SessionCount" in s["Machine"] for s in sessions)


def test_maintenance_reason_is_the_services_enum_and_no_request_sets_it(api):
    assert api.machine("DEMOLAB\\HAWK")["MaintenanceModeReason"] == "None"
    refused = api.daas("PATCH", "/Machines/DEMOLAB|HAWK",
                       json={"InMaintenanceMode": True, "MaintenanceModeReason": "patching"})
    assert refused.status_code == 400 and "MaintenanceModeReason" in refused.json()["ErrorMessage"]
    assert refused.json()["SdkErrorId"] and api.machine("DEMOLAB\\HAWK")["InMaintenanceMode"] is False
    assert api.daas("PATCH", "/Machines/DEMOLAB|HAWK", json={"inmaintenancemode": True}).status_code == 204
    hawk = api.machine("DEMOLAB\\HAWK")
    assert hawk["InMaintenanceMode"] is True and hawk["MaintenanceModeReason"] == "Administrator"


def test_a_message_body_takes_only_style_title_and_text(api):
    session = api.daas("GET", "/Machines/DEMOLAB|OSPREY/Sessions").json()["Items"][0]
    wrong = {"Title": "t", "Text": "x", "MessageStyle": "Critical"}  # an earlier, wrong name for Style
    response = api.daas("POST", f"/Sessions/{session['Id']}/$sendMessage", json=wrong)
    assert response.status_code == 400 and "MessageStyle" in response.json()["ErrorMessage"]
    assert api.sim.state()["messages_sent"] == []


def test_a_catalog_and_a_group_live_in_an_admin_folder(api):
    catalog = api.daas("GET", f"/MachineCatalogs/{LAB}").json()
    assert catalog["Name"] == "Workers" and catalog["FullName"] == "Lab\\Workers"
    assert catalog["AdminFolder"]["Name"] == "Lab"
    group = api.daas("GET", f"/DeliveryGroups/{LAB_GROUP}").json()
    assert group["FullName"] == "Lab\\Workers Desktops"
    # the plain name of an object in a folder is not unique, so it names nothing
    assert api.daas("GET", "/MachineCatalogs/Workers").status_code == 404
    assert api.daas("GET", "/DeliveryGroups/Workers%20Desktops/Machines").status_code == 404
    machines = api.daas("GET", f"/MachineCatalogs/{LAB}/Machines", params={"fields": "Name,MachineCatalog,DeliveryGroup"})
    items = machines.json()["Items"]
    assert [m["Name"] for m in items] == ["DEMOLAB\\ROBIN", "DEMOLAB\\WREN", "DEMOLAB\\FINCH"]
    assert all(m["MachineCatalog"]["Id"] == catalog["Id"] and m["DeliveryGroup"]["Id"] == group["Id"] for m in items)
    by_id = api.daas("GET", f"/DeliveryGroups/{group['Id']}/Machines").json()["Items"]
    assert len(by_id) == 3


def test_http_530_a_frozen_site(api, sim):
    sim.set_faults(error_rates={"530": 1.0})
    assert api.daas("GET", "/Machines").status_code == 530
    assert api.get_token()  # the identity service is not the frozen site
    sim.set_faults()
    assert api.daas("GET", "/Machines").status_code == 200
