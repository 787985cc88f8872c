# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tags and applications through real ansible-playbook runs, checked against the simulator's state.

Each run costs about two seconds, so the steps of one lifecycle share one playbook and the state
is read between playbooks.
"""
from __future__ import annotations

from helpers import task, tolerant, writes

GROUP = "DEMOLAB Desktops"
NOTEPAD = "Office\\Notepad"


def tags_state(sim):
    return {t["Name"]: t for t in sim.state()["tags"]}


def apps_state(sim):
    return {a["FullName"]: a for a in sim.state()["applications"]}


def group_id(sim, name=GROUP):
    return next(g["Id"] for g in sim.state()["delivery_groups"] if g["Name"] == name)


# ---------------------------------------------------------------- citrix_tag

def test_tag_check_mode_writes_nothing(sim, playbook):
    run = playbook(sim, [task("create", "citrix_tag", "r", name="Finance", description="Money")], check=True, diff=True)
    assert run.rc == 0, run.stdout
    assert run.results["create"]["changed"] is True
    assert run.results["create"]["diff"] == {"before": {}, "after": {"name": "Finance", "description": "Money"}}
    assert writes(sim) == {} and sim.state()["tags"] == []


def test_tag_lifecycle(sim, playbook):
    run = playbook(sim, [
        task("create", "citrix_tag", name="Finance", description="Money"),
        task("again", "citrix_tag", name="finance", description="Money"),
        task("info", "citrix_tag_info", name=["FINANCE"]),
    ])
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("create", "again")] == [True, False]
    tag = tags_state(sim)["Finance"]
    assert tag["Description"] == "Money" and res["create"]["tag"]["id"] == tag["Id"]
    assert [t["id"] for t in res["info"]["tags"]] == [tag["Id"]]
    assert writes(sim) == {"POST /cvad/manage/Tags": 1}

    run = playbook(sim, [
        task("update", "citrix_tag", name=tag["Id"], description="Cash"),
        task("no description given", "citrix_tag", name="Finance"),
    ], diff=True)
    assert run.rc == 0, run.stdout
    assert run.results["update"]["diff"] == {"before": {"name": "Finance", "description": "Money"},
                                             "after": {"name": "Finance", "description": "Cash"}}
    assert run.results["no description given"]["changed"] is False
    assert tags_state(sim)["Finance"]["Description"] == "Cash"

    run = playbook(sim, [
        task("check delete", "citrix_tag", name="Finance", state="absent"),
    ], check=True)
    assert run.results["check delete"]["changed"] is True and "Finance" in tags_state(sim)
    run = playbook(sim, [
        task("delete", "citrix_tag", name="Finance", state="absent"),
        task("delete again", "citrix_tag", name="Finance", state="absent"),
        task("info after", "citrix_tag_info"),
    ])
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("delete", "delete again")] == [True, False]
    assert run.results["info after"]["tags"] == [] and sim.state()["tags"] == []


def test_tag_in_use_is_deleted_only_with_force(sim, playbook):
    run = playbook(sim, [
        task("tag", "citrix_tag", name="Office"),
        task("app", "citrix_application", name="Notepad", command_line_executable="notepad.exe", tags=["Office"]),
        tolerant(task("delete", "citrix_tag", name="Office", state="absent")),
    ])
    assert run.failed == ["delete"], run.stdout
    assert "applied to 1 object" in run.results["delete"]["msg"] and "force" in run.results["delete"]["msg"]
    assert "DELETE /cvad/manage/Tags/{nameOrId}" not in writes(sim)
    run = playbook(sim, [task("force", "citrix_tag", name="Office", state="absent", force=True)])
    assert run.rc == 0 and run.results["force"]["changed"] is True
    assert sim.state()["tags"] == [] and apps_state(sim)["Notepad"]["Tags"] == []


def test_tag_bad_input_fails_before_any_call(sim, playbook):
    run = playbook(sim, [
        tolerant(task("empty", "citrix_tag", name="")),
        tolerant(task("pipe", "citrix_tag", name="a|b")),
        tolerant(task("empty list", "citrix_tag_info", name=[])),
    ])
    assert run.failed == ["empty", "pipe", "empty list"], run.stdout
    assert "empty list" in run.results["empty list"]["msg"]
    assert not any("/Tags" in route for route in sim.stats()["by_route"])


# ---------------------------------------------------------------- citrix_application

def publish(**options):
    """citrix_application options publishing Office\\Notepad to the tutorial's delivery group."""
    options.setdefault("name", NOTEPAD)
    options.setdefault("command_line_executable", "notepad.exe")
    options.setdefault("delivery_groups", [GROUP])
    return options


def test_application_check_mode_writes_nothing(sim, playbook):
    run = playbook(sim, [
        task("create", "citrix_application", **publish(included_users=["DEMOLAB\\alice"], description="Edit")),
    ], check=True, diff=True)
    assert run.rc == 0, run.stdout
    result = run.results["create"]
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["delivery_groups"] == [GROUP]
    assert result["diff"]["after"]["included_users"] == ["DEMOLAB\\alice"]
    assert result["application"]["full_name"] == NOTEPAD
    assert writes(sim) == {} and sim.state()["applications"] == [] and sim.state()["application_folders"] == []


def test_application_lifecycle(sim, playbook):
    run = playbook(sim, [
        task("tag", "citrix_tag", name="Office"),
        task("create", "citrix_application", **publish(
            included_users=["DEMOLAB\\alice", "bob@demolab.local"], tags=["Office"], published_name="Notepad")),
        task("again", "citrix_application", **publish(
            included_users=["demolab\\bob", "DEMOLAB\\ALICE"], tags=["office"], published_name="Notepad")),
        task("info", "citrix_application_info", delivery_group=GROUP),
    ], diff=True)
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("create", "again")] == [True, False]
    app = apps_state(sim)[NOTEPAD]
    assert app["InstalledAppProperties"]["CommandLineExecutable"] == "notepad.exe"
    assert app["AssociatedDeliveryGroupUuids"] == [group_id(sim)]
    assert app["IncludedUserFilterEnabled"] is True
    assert sorted(u["SamName"] for u in app["IncludedUsers"]) == ["DEMOLAB\\alice", "DEMOLAB\\bob"]
    assert app["Tags"] == ["Office"] and app["ApplicationFolder"]["Name"] == "Office"
    assert res["create"]["application"]["id"] == app["Id"]
    assert res["create"]["application"]["delivery_groups"][0]["name"] == GROUP
    assert [a["id"] for a in res["info"]["applications"]] == [app["Id"]]
    info = res["info"]["applications"][0]
    assert info["full_name"] == NOTEPAD
    assert info["delivery_groups"] == [{"id": group_id(sim), "name": GROUP, "full_name": GROUP}]
    assert info["installed_app_properties"]["command_line_executable"] == "notepad.exe"
    assert writes(sim) == {"POST /cvad/manage/Tags": 1, "POST /cvad/manage/ApplicationFolders": 1,
                           "POST /cvad/manage/Applications": 1, "PUT /cvad/manage/Applications/{nameOrId}/Tags": 1}

    run = playbook(sim, [
        task("update", "citrix_application", name=NOTEPAD, description="Edit text", visible=False,
             delivery_groups=[], included_users=[], command_line_arguments="/A"),
        task("update again", "citrix_application", name=app["Id"], description="Edit text", visible=False,
             delivery_groups=[], included_users=[]),
    ], diff=True)
    assert run.rc == 0, run.stdout
    res = run.results
    assert [res[t]["changed"] for t in ("update", "update again")] == [True, False]
    diff = res["update"]["diff"]
    assert diff["before"]["delivery_groups"] == [GROUP] and diff["after"]["delivery_groups"] == []
    assert diff["before"]["visible"] is True and diff["after"]["visible"] is False
    app = apps_state(sim)[NOTEPAD]
    assert app["Description"] == "Edit text" and app["Visible"] is False
    assert app["AssociatedDeliveryGroupUuids"] == [] and app["IncludedUserFilterEnabled"] is False
    assert app["InstalledAppProperties"]["CommandLineArguments"] == "/A"
    assert app["Tags"] == ["Office"]  # tags not given: kept

    run = playbook(sim, [task("check delete", "citrix_application", name=NOTEPAD, state="absent")], check=True)
    assert run.results["check delete"]["changed"] is True and NOTEPAD in apps_state(sim)
    run = playbook(sim, [
        task("delete", "citrix_application", name=NOTEPAD, state="absent"),
        task("delete again", "citrix_application", name=NOTEPAD, state="absent"),
    ])
    assert run.rc == 0, run.stdout
    assert [run.results[t]["changed"] for t in ("delete", "delete again")] == [True, False]
    assert sim.state()["applications"] == []
    assert sim.state()["tags"][0]["NumApplications"] == 0


def test_application_unknown_references_fail_before_any_write(sim, playbook):
    run = playbook(sim, [
        tolerant(task("group", "citrix_application", **publish(delivery_groups=[GROUP, "No Such Group"]))),
        tolerant(task("user", "citrix_application", **publish(included_users=["DEMOLAB\\mallory"]))),
        tolerant(task("tag", "citrix_application", **publish(tags=["Nope"]))),
        tolerant(task("app group", "citrix_application", **publish(application_groups=["Nope Apps"]))),
        tolerant(task("no executable", "citrix_application", name="Paint")),
        tolerant(task("bad name", "citrix_application", name="Office\\\\Paint", command_line_executable="a.exe")),
    ])
    res = run.results
    assert run.failed == ["group", "user", "tag", "app group", "no executable", "bad name"], run.stdout
    assert "No Such Group" in res["group"]["msg"] and "mallory" in res["user"]["msg"]
    assert "Nope" in res["tag"]["msg"] and "Nope Apps" in res["app group"]["msg"]
    assert "command_line_executable" in res["no executable"]["msg"]
    assert writes(sim) == {} and sim.state()["applications"] == []


def test_application_groups_option_and_info_filters(sim, playbook):
    run = playbook(sim, [
        task("paint", "citrix_application", name="Paint", command_line_executable="mspaint.exe"),
        task("notepad", "citrix_application", **publish()),
        task("all", "citrix_application_info"),
        task("by name", "citrix_application_info", name=["paint", "OFFICE\\NOTEPAD", "nothing"]),
        task("by folder", "citrix_application_info", folder="Office"),
        task("no such folder", "citrix_application_info", folder="Nope"),
        task("no such group", "citrix_application_info", delivery_group="Nope"),
    ])
    assert run.rc == 0, run.stdout
    res = run.results
    assert sorted(a["full_name"] for a in res["all"]["applications"]) == [NOTEPAD, "Paint"]
    assert sorted(a["full_name"] for a in res["by name"]["applications"]) == [NOTEPAD, "Paint"]
    assert [a["full_name"] for a in res["by folder"]["applications"]] == [NOTEPAD]
    assert res["no such folder"]["applications"] == [] and res["no such group"]["applications"] == []
    paint = next(a for a in res["all"]["applications"] if a["name"] == "Paint")
    assert paint["delivery_groups"] == [] and paint["application_folder"] == {} and paint["description"] == ""


# ---------------------------------------------------------------- playbooks/publish_app.yml

def test_publish_app_playbook_publishes_once_and_notifies_once(sim, playbook):
    from conftest import REPO

    extra = {"app_name": NOTEPAD, "executable": "notepad.exe", "delivery_group": GROUP,
             "users": ["DEMOLAB\\Finance", "DEMOLAB\\alice"]}
    book = REPO / "playbooks" / "publish_app.yml"
    dry = playbook(sim, book, extra_vars=extra, check=True)
    assert dry.rc == 0, dry.stdout[-3000:]
    assert writes(sim) == {} and sim.state()["applications"] == []

    first = playbook(sim, book, extra_vars=extra)
    second = playbook(sim, book, extra_vars=extra)
    assert first.rc == 0 and second.rc == 0, first.stdout[-3000:] + second.stdout[-3000:]
    app = apps_state(sim)[NOTEPAD]
    assert app["AssociatedDeliveryGroupUuids"] == [group_id(sim)]
    assert sorted(u["SamName"] for u in app["IncludedUsers"]) == ["DEMOLAB\\Finance", "DEMOLAB\\alice"]
    notifications = sim.state()["notifications"]
    assert len(notifications) == 1 and notifications[0]["content"][0]["title"] == "Published " + NOTEPAD
    assert second.results["Print what was done"]["msg"] == NOTEPAD + " already published to " + GROUP
    assert writes(sim)["POST /cvad/manage/Applications"] == 1

    missing = playbook(sim, book, extra_vars=dict(extra, users=["DEMOLAB\\mallory"]))
    assert missing.rc != 0 and "mallory" in missing.stdout
    assert len(sim.state()["notifications"]) == 1
