"""Publishing: tags, application folders, applications, application groups, identity look-ups."""

GROUP = "DEMOLAB Desktops"


def new_app(name="Notepad", exe="notepad.exe", **extra):
    return dict({"Name": name, "InstalledAppProperties": {"CommandLineExecutable": exe}}, **extra)


def add(api, *apps, **body):
    return api.daas("POST", "/Applications", json=dict({"NewApplications": list(apps)}, **body))


def state(api, key):
    return api.sim.state()[key]


def error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ErrorMessage"] and body["SdkErrorId"]
    return body["ErrorMessage"]


def test_tags_create_conflict_patch_list_delete(api):
    created = api.daas("POST", "/Tags", json={"Name": "Finance", "Description": "Money"})
    assert created.status_code == 201
    tag = created.json()
    assert tag["Name"] == "Finance" and tag["NumApplications"] == 0 and tag["Description"] == "Money"
    assert "already exists" in error(api.daas("POST", "/Tags", json={"Name": "finance"}), 409)
    assert "Name" in error(api.daas("POST", "/Tags", json={"Description": "x"}), 400)
    assert api.daas("PATCH", "/Tags/Finance", json={"Description": "Cash"}).json()["Description"] == "Cash"
    listed = api.daas("GET", "/Tags", params={"fields": "Name,Id"}).json()["Items"]
    assert listed == [{"Name": "Finance", "Id": tag["Id"]}]
    detail = api.daas("GET", f"/Tags/{tag['Id']}").json()
    assert detail["RestrictedApplicationGroups"] == [] and detail["Name"] == "Finance"
    assert api.daas("DELETE", "/Tags/Finance").status_code == 204
    error(api.daas("GET", "/Tags/Finance"), 404)
    error(api.daas("DELETE", "/Tags/Finance"), 404)


def test_tag_in_use_needs_force_and_leaves_its_objects(api):
    api.daas("POST", "/Tags", json={"Name": "Office"})
    assert add(api, new_app()).status_code == 204
    assert api.daas("PUT", "/Applications/Notepad/Tags", json={"Items": ["Office"]}).status_code == 204
    assert api.daas("GET", "/Applications/Notepad").json()["Tags"] == ["Office"]
    assert "force" in error(api.daas("DELETE", "/Tags/Office"), 400)
    assert api.daas("DELETE", "/Tags/Office", params={"force": "true"}).status_code == 204
    assert api.daas("GET", "/Applications/Notepad").json()["Tags"] == []
    error(api.daas("PUT", "/Applications/Notepad/Tags", json={"Items": ["Nope"]}), 400)


def test_application_requires_name_and_executable_and_known_references(api):
    assert "Name" in error(add(api, {"InstalledAppProperties": {"CommandLineExecutable": "a.exe"}}), 400)
    assert "CommandLineExecutable" in error(add(api, {"Name": "A"}), 400)
    assert "Delivery group" in error(add(api, new_app(), DeliveryGroups=[{"Item": "Nope"}]), 400)
    assert "Application group" in error(add(api, new_app(), ApplicationGroups=["Nope"]), 400)
    assert "could not be found" in error(add(api, new_app(IncludedUsers=["DEMOLAB\\mallory"])), 400)
    assert "folder" in error(add(api, new_app(ApplicationFolder="Office")), 400)
    assert state(api, "applications") == []


def test_application_publish_read_conflict_patch_delete(api):
    group = api.daas("GET", f"/DeliveryGroups/{GROUP}").json()
    created = api.daas("POST", "/ApplicationFolders", json={"Path": "Office\\Tools"})
    assert created.status_code == 201 and created.json()["Path"] == "Office\\Tools"
    assert api.daas("GET", "/ApplicationFolders/Office").status_code == 200  # parents are made too
    response = add(api, new_app("Calc", "calc.exe", ApplicationFolder="Office\\Tools",
                                IncludedUsers=["DEMOLAB\\alice", "bob@demolab.local"], IncludedUserFilterEnabled=True),
                   DeliveryGroups=[{"Item": GROUP, "Priority": 0}])
    assert response.status_code == 204 and response.content == b""
    assert "already exists" in error(add(api, new_app("calc", ApplicationFolder="Office\\Tools")), 409)
    assert add(api, new_app("Calc")).status_code == 204  # same name, another folder
    app = api.daas("GET", "/Applications/Office|Tools|Calc").json()
    assert app["ApplicationFolder"]["Name"] == "Office\\Tools" and app["PublishedName"] == "Calc"
    assert app["AssociatedDeliveryGroupUuids"] == [group["Id"]] and app["IncludedUserFilterEnabled"] is True
    assert [u["SamName"] for u in app["IncludedUsers"]] == ["DEMOLAB\\alice", "DEMOLAB\\bob"]
    assert "Description" not in app  # never set: left out
    dgs = api.daas("GET", f"/Applications/{app['Id']}/DeliveryGroups").json()["Items"]
    assert [(d["Id"], d["Priority"]) for d in dgs] == [(group["Id"], 0)]
    by_group = api.daas("GET", f"/DeliveryGroups/{GROUP}/Applications").json()["Items"]
    assert [a["Id"] for a in by_group] == [app["Id"]]
    assert api.daas("GET", f"/DeliveryGroups/{GROUP}", params={"fields": "TotalApplications"}).json()["TotalApplications"] == 1

    patched = api.daas("PATCH", f"/Applications/{app['Id']}", json={
        "Description": "Sums", "DeliveryGroups": [], "InstalledAppProperties": {"CommandLineArguments": "/s"}})
    assert patched.status_code == 204
    app = api.daas("GET", f"/Applications/{app['Id']}").json()
    assert app["Description"] == "Sums" and app["AssociatedDeliveryGroupUuids"] == []
    assert app["InstalledAppProperties"] == {"CommandLineExecutable": "calc.exe", "CommandLineArguments": "/s",
                                             "WorkingDirectory": ""}
    assert "already exists" in error(api.daas("PATCH", f"/Applications/{app['Id']}",
                                              json={"ApplicationFolder": ""}), 409)
    listed = api.daas("GET", "/Applications", params={"applicationFolder": "Office\\Tools"}).json()["Items"]
    assert [a["Id"] for a in listed] == [app["Id"]]
    assert api.daas("DELETE", "/Applications/Office|Tools|Calc").status_code == 204
    error(api.daas("DELETE", "/Applications/Office|Tools|Calc"), 404)
    assert [a["FullName"] for a in state(api, "applications")] == ["Calc"]


def test_application_groups_membership_and_delete_keeps_the_applications(api):
    created = api.daas("POST", "/ApplicationGroups", json={
        "Name": "Office Apps", "DeliveryGroups": [{"Item": GROUP}], "IncludedUsers": ["DEMOLAB\\Finance"],
        "IncludedUserFilterEnabled": True})
    assert created.status_code == 201
    group = created.json()
    assert group["DeliveryGroups"][0]["Name"] == GROUP and group["IncludedUsers"][0]["IsGroup"] is True
    assert "already exists" in error(api.daas("POST", "/ApplicationGroups", json={"Name": "office apps"}), 409)
    assert "Name" in error(api.daas("POST", "/ApplicationGroups", json={}), 400)
    assert add(api, new_app(), ApplicationGroups=["Office Apps"]).status_code == 204
    add(api, new_app("Paint", "mspaint.exe"))
    assert api.daas("POST", "/ApplicationGroups/Office Apps/Applications",
                    json={"ExistingApplications": ["Paint"]}).status_code == 204
    members = api.daas("GET", "/ApplicationGroups/Office Apps/Applications").json()["Items"]
    assert sorted(a["Name"] for a in members) == ["Notepad", "Paint"]
    assert api.daas("DELETE", "/ApplicationGroups/Office Apps/Applications/Paint").status_code == 204
    assert api.daas("GET", "/ApplicationGroups/Office Apps").json()["ApplicationCount"] == 1
    assert api.daas("PATCH", "/ApplicationGroups/Office Apps", json={"Enabled": False}).status_code == 204
    assert api.daas("DELETE", "/ApplicationGroups/Office Apps").status_code == 204
    assert sorted(a["Name"] for a in state(api, "applications")) == ["Notepad", "Paint"]
    assert all(a["AssociatedApplicationGroupUuids"] == [] for a in state(api, "applications"))


def test_identity_users(api):
    alice = api.daas("GET", "/Identity/Users/DEMOLAB|alice").json()
    assert alice["PrincipalName"] == "alice@demolab.local"
    assert api.daas("GET", f"/Identity/Users/{alice['Sid']}").json()["SamName"] == "DEMOLAB\\alice"
    error(api.daas("GET", "/Identity/Users/DEMOLAB|mallory"), 404)
