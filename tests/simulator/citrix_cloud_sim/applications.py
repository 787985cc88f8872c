"""Publishing: tags, application folders, applications, application groups, and the identity
look-ups they need (``/Identity/Users``), as ``ApplicationsAPIsDAAS.md``,
``ApplicationGroupsAPIsDAAS.md``, ``ApplicationFoldersAPIsDAAS.md``, ``TagsAPIsDAAS.md`` and
``IdentityAPIsDAAS.md`` of ../shared/openapi/daas-current/ describe them.

Where the reference leaves a reading open, the one hardest on a client is taken: creating an
application in a folder that does not exist is refused (only PATCH documents creating the folder),
deleting a tag that is still applied needs ``force=true``, names are unique case-insensitively
(409), every user named must exist (400), and nullable fields never set are left out.
"""

from dataclasses import dataclass, field
from typing import Optional

from . import models
from .daas import group_or_404, json_body, route_prefixes, run_maybe_async, site_scoped
from .errors import bad_request_daas, daas_error, not_found_daas
from .paging import page, project
from .routing import SimResponse
from .scenario import USERS
from .world import new_guid

DOMAIN = "DEMOLAB"
GROUPS = ["Domain Users", "Finance", "Engineering"]


# -- data -----------------------------------------------------------------------------------------
@dataclass
class Tag:
    id: str
    uid: int
    name: str
    description: Optional[str] = None


@dataclass
class Folder:
    id: str
    uid: int
    path: str  # Parent\Child

    @property
    def name(self):
        return self.path.rsplit("\\", 1)[-1]


@dataclass
class Application:
    id: str
    uid: int
    name: str
    folder_id: Optional[str]
    executable: str
    arguments: str = ""
    working_directory: str = ""
    published_name: Optional[str] = None
    description: Optional[str] = None
    enabled: bool = True
    visible: bool = True
    user_filter: bool = False
    included_users: list = field(default_factory=list)  # user dicts
    delivery_groups: dict = field(default_factory=dict)  # delivery group id -> priority
    application_groups: list = field(default_factory=list)  # application group ids
    tags: list = field(default_factory=list)  # tag ids


@dataclass
class ApplicationGroup:
    id: str
    uid: int
    name: str
    description: Optional[str] = None
    enabled: bool = True
    session_sharing: bool = True
    user_filter: bool = False
    included_users: list = field(default_factory=list)
    delivery_groups: dict = field(default_factory=dict)  # delivery group id -> priority
    tags: list = field(default_factory=list)


# -- identity -------------------------------------------------------------------------------------
def directory(world):
    """The users and groups of the DEMOLAB domain, keyed by every spelling the service accepts."""
    entries = [(u, False) for u in USERS] + [(g, True) for g in GROUPS]
    found = {}
    for index, (name, is_group) in enumerate(entries):
        sid = f"S-1-5-21-1004336348-1177238915-682003330-{5000 + index}"
        user = {"Name": name, "SamName": f"{DOMAIN}\\{name}", "Domain": DOMAIN, "Sid": sid,
                "DisplayName": name.capitalize() if not is_group else name, "IsGroup": is_group,
                "SamAccountName": name, "PropertiesFetched": 0}
        if not is_group:
            user["PrincipalName"] = f"{name}@{DOMAIN.lower()}.local"
        for key in (user["SamName"], sid, user.get("PrincipalName")):
            if key:
                found[key.lower()] = user
    return found


def find_user(world, name):
    return directory(world).get(str(name).strip().replace("|", "\\").lower())


def resolve_users(world, names, what="IncludedUsers"):
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise bad_request_daas(f"{what} must be a list of strings.")
    users = []
    for name in names:
        user = find_user(world, name)
        if user is None:
            raise daas_error(400, f"User or group {name!r} could not be found.", "IdentityObjectNotFound")
        if user not in users:
            users.append(user)
    return users


@site_scoped
def get_identity_user(sim, req):
    user = find_user(sim.world, req.params["userOrGroup"])
    if user is None:
        raise not_found_daas("User or group")
    return SimResponse(200, user)


# -- lookups --------------------------------------------------------------------------------------
def _key(value):
    return str(value).strip().replace("|", "\\").lower()


def find_tag(world, name_or_id):
    key = _key(name_or_id)
    return world.tags.get(key) or next((t for t in world.tags.values() if t.name.lower() == key), None)


def find_folder(world, path_or_id):
    key = _key(path_or_id).strip("\\")
    return world.application_folders.get(key) or next(
        (f for f in world.application_folders.values() if f.path.lower() == key), None)


def app_path(world, app):
    folder = world.application_folders.get(app.folder_id) if app.folder_id else None
    return f"{folder.path}\\{app.name}" if folder else app.name


def find_application(world, name_or_id):
    """By id or by full path, Folder\\Name (``Folder|Name`` in URLs)."""
    key = _key(name_or_id)
    return world.applications.get(key) or next(
        (a for a in world.applications.values() if app_path(world, a).lower() == key), None)


def find_app_group(world, name_or_id):
    key = _key(name_or_id)
    return world.application_groups.get(key) or next(
        (g for g in world.application_groups.values() if g.name.lower() == key), None)


def _or_404(found, what):
    if found is None:
        raise not_found_daas(what)
    return found


# -- rendering ------------------------------------------------------------------------------------
def ref(obj, name=None):
    return {"Id": obj.id, "Uid": obj.uid, "Name": name if name is not None else obj.name}


def _optional(model, key, value):
    if value is not None:
        model[key] = value
    return model


def tag_model(world, tag, detail=False):
    apps = [a for a in world.applications.values() if tag.id in a.tags]
    groups = [g for g in world.application_groups.values() if tag.id in g.tags]
    machines = [m for m in world.machines.values() if tag.id in getattr(m, "tags", [])]
    model = {"Name": tag.name, "Id": tag.id, "Uid": tag.uid, "IsUsedByGpo": False,
             "NumMachines": len(machines), "NumApplications": len(apps), "NumApplicationGroups": len(groups),
             "NumMachineCatalogs": 0, "NumDeliveryGroups": 0, "NumAutoscale": 0, "NumUnknownObjects": 0}
    _optional(model, "Description", tag.description)
    if detail:
        model.update({"RestrictedDesktops": [], "RestrictedApplicationGroups": [], "RestrictedDeliveryGroups": [],
                      "RestrictedRebootSchedules": [], "RestrictedAutoscale": [], "NumUnknownRestrictedObjects": 0})
    return model


def tag_names(world, ids):
    return [world.tags[t].name for t in ids if t in world.tags]


def application_model(world, app, detail=False):
    """ApplicationResponseModel (lists), ApplicationDetailResponseModel (one)."""
    model = {
        "Id": app.id, "Uid": app.uid, "Name": app.name,
        "ApplicationType": "HostedOnDesktop", "ClientFolder": "", "DoNotEnumerate": False,
        "Enabled": app.enabled, "Visible": app.visible, "IconId": "1",
        "InstalledAppProperties": {"CommandLineExecutable": app.executable, "CommandLineArguments": app.arguments,
                                   "WorkingDirectory": app.working_directory},
        "PublishedName": app.published_name if app.published_name is not None else app.name,
        "SharingKind": "Shared", "Tags": tag_names(world, app.tags), "CloudWorkspaceManaged": False,
        "NumAssociatedDeliveryGroups": len(app.delivery_groups),
        "NumAssociatedApplicationGroups": len(app.application_groups),
        "AssociatedDeliveryGroupUuids": list(app.delivery_groups),
        "AssociatedApplicationGroupUuids": list(app.application_groups),
    }
    _optional(model, "Description", app.description)
    if app.folder_id:
        folder = world.application_folders[app.folder_id]
        model["ApplicationFolder"] = ref(folder, folder.path)
    if detail:
        model.update({
            "BrowserName": app.name[:38], "Categories": [], "ConfiguredFtas": [], "CpuPriorityLevel": "Normal",
            "HomeZoneMode": "Prefer", "IncludedUserFilterEnabled": app.user_filter,
            "IncludedUsers": list(app.included_users), "MaxPerUserInstances": 0, "MaxTotalInstances": 0,
            "ShortcutAddedToDesktop": False, "ShortcutAddedToStartMenu": False, "WaitForPrinterCreation": False,
            "ZoneList": [],
        })
    return model


def app_group_model(world, group, detail=False):
    members = [a for a in world.applications.values() if group.id in a.application_groups]
    dgs = [world.delivery_groups[d] for d in group.delivery_groups if d in world.delivery_groups]
    machines = [m for m in world.machines.values() if m.dg_id in group.delivery_groups]
    model = {
        "Id": group.id, "Uid": group.uid, "Name": group.name, "FullName": group.name, "Enabled": group.enabled,
        "Scopes": [], "Metadata": [], "Tags": tag_names(world, group.tags), "NumApplications": len(members),
        "NumMachines": len(machines), "NumMachinesWithTag": 0,
        "DeliveryGroups": [dict(ref(d), Priority=group.delivery_groups[d.id],
                                NumMachines=sum(1 for m in machines if m.dg_id == d.id), NumTaggedMachines=0,
                                SessionSupport=d.session_support) for d in dgs],
        "AssociatedDeliveryGroupUids": [d.uid for d in dgs],
    }
    _optional(model, "Description", group.description)
    if detail:
        model.update({"ApplicationCount": len(members), "IncludedUsersFilterEnabled": group.user_filter,
                      "IncludedUsers": list(group.included_users), "SessionSharingEnabled": group.session_sharing,
                      "TotalMachines": len(machines)})
    return model


def folder_model(world, folder):
    prefix = folder.path.lower() + "\\"
    children = [f for f in world.application_folders.values()
                if f.path.lower().startswith(prefix) and "\\" not in f.path[len(prefix):]]
    model = {"Id": folder.id, "Uid": folder.uid, "Name": folder.name, "Path": folder.path,
             "Children": [ref(c) for c in children],
             "TotalApplications": sum(1 for a in world.applications.values() if a.folder_id == folder.id)}
    if "\\" in folder.path:
        parent = find_folder(world, folder.path.rsplit("\\", 1)[0])
        model["Parent"] = ref(parent)
    return model


# -- validation -----------------------------------------------------------------------------------
def _string(body, key, required=False, what=None):
    value = body.get(key)
    if value is None:
        if required:
            raise bad_request_daas(f"{what or key} is required.")
        return None
    if not isinstance(value, str):
        raise bad_request_daas(f"{what or key} must be a string.")
    if required and not value.strip():
        raise bad_request_daas(f"{what or key} is required.")
    return value


def _bool(body, key):
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise bad_request_daas(f"{key} must be a boolean.")
    return value


def _refs(body, key):
    value = body.get(key)
    if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
        raise bad_request_daas(f"{key} must be a list of strings.")
    return value


def check_object_name(name, what):
    if not name.strip() or any(c in name for c in "\\/;:#*?=<>|[]\"") or name != name.strip():
        raise bad_request_daas(f"The {what} name {name!r} contains characters that are not allowed.")


def priority_refs(world, items):
    """DeliveryGroups as [PriorityRefRequestModel] -> {delivery group id: priority}."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise bad_request_daas("DeliveryGroups must be a list of {Item, Priority}.")
    out = {}
    for item in items:
        key, priority = item.get("Item"), item.get("Priority", 0)
        if not isinstance(key, str) or not key:
            raise bad_request_daas("Each delivery group needs Item.")
        if priority is None:
            priority = 0
        if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
            raise bad_request_daas("Priority must be a non-negative integer.")
        group = world.find_delivery_group(key.replace("|", "\\"))
        if group is None:
            raise daas_error(400, f"Delivery group {key!r} not found.", "DeliveryGroupNotFound")
        out[group.id] = priority
    return out


def _ids(world, names, find, what, error):
    """The ids of the objects `names` name; 400 for the first one that does not exist."""
    ids = []
    for name in names:
        found = find(world, name)
        if found is None:
            raise daas_error(400, f"{what} {name!r} not found.", error)
        ids.append(found.id)
    return ids


def app_group_ids(world, names):
    return _ids(world, names, find_app_group, "Application group", "ApplicationGroupNotFound")


def application_ids(world, names):
    return _ids(world, names, find_application, "Application", "ApplicationNotFound")


def tag_ids(world, names):
    return _ids(world, names, find_tag, "Tag", "TagNotFound")


# -- tags -----------------------------------------------------------------------------------------
@site_scoped
def list_tags(sim, req):
    world = sim.world
    return SimResponse(200, page(req, list(world.tags.values()), lambda t: tag_model(world, t)))


@site_scoped
def get_tag(sim, req):
    return SimResponse(200, tag_model(sim.world, _or_404(find_tag(sim.world, req.params["nameOrId"]), "Tag"), True))


def _tag_name_free(world, name, own=None):
    other = find_tag(world, name)
    if other is not None and other is not own:
        raise daas_error(409, f"A tag named {name!r} already exists.", "ObjectAlreadyExists")


@site_scoped
def create_tag(sim, req):
    world, body = sim.world, json_body(req)
    name = _string(body, "Name", required=True)
    description = _string(body, "Description")
    check_object_name(name, "tag")
    _tag_name_free(world, name)

    def work():
        tag = Tag((body.get("Uuid") or new_guid()).lower(), world.uid(), name, description)
        world.tags[tag.id] = tag
        return SimResponse(201, tag_model(world, tag))
    return run_maybe_async(sim, req, "CreateTag", [{"Name": "Name", "Value": name}], work)


@site_scoped
def patch_tag(sim, req):
    world = sim.world
    tag = _or_404(find_tag(world, req.params["nameOrId"]), "Tag")
    body = json_body(req)
    name, description = _string(body, "Name"), _string(body, "Description")
    if name is not None:
        check_object_name(name, "tag")
        _tag_name_free(world, name, tag)

    def work():
        if name is not None:
            tag.name = name
        if description is not None:
            tag.description = description
        return SimResponse(200, tag_model(world, tag))
    return run_maybe_async(sim, req, "UpdateTag", [{"Name": "Id", "Value": tag.id}], work)


@site_scoped
def delete_tag(sim, req):
    world = sim.world
    tag = _or_404(find_tag(world, req.params["nameOrId"]), "Tag")
    model = tag_model(world, tag)
    in_use = sum(model[k] for k in ("NumMachines", "NumApplications", "NumApplicationGroups"))
    if in_use and req.query.get("force", "false").lower() != "true":
        raise daas_error(400, f"Tag {tag.name!r} is applied to {in_use} objects; delete it with force.",
                         "TagInUse")

    def work():
        for obj in list(world.applications.values()) + list(world.application_groups.values()) + \
                list(world.machines.values()):
            if tag.id in getattr(obj, "tags", []):
                obj.tags.remove(tag.id)
        del world.tags[tag.id]
        return SimResponse(204)
    return run_maybe_async(sim, req, "DeleteTag", [{"Name": "Id", "Value": tag.id}], work)


def set_tags(sim, req, obj, job_type):
    body = json_body(req)
    items = _refs(body, "Items") or []
    ids = tag_ids(sim.world, items)

    def work():
        obj.tags = list(dict.fromkeys(ids))
        return SimResponse(204)
    return run_maybe_async(sim, req, job_type, [{"Name": "Id", "Value": obj.id}], work)


def tags_of(sim, req, obj):
    items = [tag_model(sim.world, sim.world.tags[t]) for t in obj.tags if t in sim.world.tags]
    return SimResponse(200, {"Items": [project(req, i) for i in items]})


# -- application folders --------------------------------------------------------------------------
def ensure_folder(world, path):
    """The folder at `path`, made with its parents when missing (as PATCH and POST /ApplicationFolders do)."""
    parts = [p for p in path.replace("|", "\\").split("\\") if p]
    if not parts:
        return None
    folder = None
    for depth in range(1, len(parts) + 1):
        sub = "\\".join(parts[:depth])
        check_object_name(parts[depth - 1], "folder")
        folder = find_folder(world, sub)
        if folder is None:
            folder = Folder(new_guid(), world.uid(), sub)
            world.application_folders[folder.id] = folder
    return folder


@site_scoped
def list_folders(sim, req):
    world = sim.world
    return SimResponse(200, {"Items": [folder_model(world, f) for f in world.application_folders.values()]})


@site_scoped
def get_folder(sim, req):
    folder = _or_404(find_folder(sim.world, req.params["pathOrId"]), "Application folder")
    return SimResponse(200, folder_model(sim.world, folder))


@site_scoped
def create_folder(sim, req):
    world, body = sim.world, json_body(req)
    name, path, parent_id = _string(body, "Name"), _string(body, "Path"), _string(body, "ParentId")
    if path and parent_id:
        raise bad_request_daas("Path and ParentId are exclusive.")
    if not name and not path:
        raise bad_request_daas("Name is required when Path is not given.")
    base = path or ""
    if parent_id:
        base = _or_404(find_folder(world, parent_id), "Parent folder").path
    full = "\\".join(p for p in (base.strip("\\"), name or "") if p)
    if find_folder(world, full) is not None:
        raise daas_error(409, f"An application folder {full!r} already exists.", "ObjectAlreadyExists")

    def work():
        return SimResponse(201, folder_model(world, ensure_folder(world, full)))
    return run_maybe_async(sim, req, "CreateApplicationFolder", [{"Name": "Name", "Value": full}], work)


# -- applications ---------------------------------------------------------------------------------
def _app_name_free(world, name, folder_id, own=None):
    for app in world.applications.values():
        if app is not own and app.folder_id == folder_id and app.name.lower() == name.lower():
            raise daas_error(409, f"An application named {name!r} already exists in that folder.",
                             "ObjectAlreadyExists")


def _installed(body, required):
    props = body.get("InstalledAppProperties")
    if props is None:
        if required:
            raise bad_request_daas("InstalledAppProperties.CommandLineExecutable is required.")
        return {}
    if not isinstance(props, dict):
        raise bad_request_daas("InstalledAppProperties must be an object.")
    return {
        "executable": _string(props, "CommandLineExecutable", required=required,
                              what="InstalledAppProperties.CommandLineExecutable"),
        "arguments": _string(props, "CommandLineArguments"),
        "working_directory": _string(props, "WorkingDirectory"),
    }


def new_application(world, spec, pending):
    """A CreateApplicationRequestModel checked and turned into an Application (not yet stored)."""
    if not isinstance(spec, dict):
        raise bad_request_daas("Each new application must be an object.")
    name = _string(spec, "Name", required=True)
    check_object_name(name, "application")
    folder_id = None
    if spec.get("ApplicationFolder"):
        folder = find_folder(world, _string(spec, "ApplicationFolder"))
        if folder is None:
            raise daas_error(400, f"Application folder {spec['ApplicationFolder']!r} not found.",
                             "ApplicationFolderNotFound")
        folder_id = folder.id
    _app_name_free(world, name, folder_id)
    if any(p.folder_id == folder_id and p.name.lower() == name.lower() for p in pending):
        raise daas_error(409, f"Application {name!r} is named twice.", "ObjectAlreadyExists")
    props = _installed(spec, required=spec.get("ApplicationType", "HostedOnDesktop") == "HostedOnDesktop")
    users = resolve_users(world, spec.get("IncludedUsers") or [])
    return Application(
        id=new_guid(), uid=world.uid(), name=name, folder_id=folder_id, executable=props.get("executable") or "",
        arguments=props.get("arguments") or "", working_directory=props.get("working_directory") or "",
        published_name=_string(spec, "PublishedName"), description=_string(spec, "Description"),
        enabled=_bool(spec, "Enabled") is not False, visible=_bool(spec, "Visible") is not False,
        user_filter=bool(_bool(spec, "IncludedUserFilterEnabled")), included_users=users,
        application_groups=app_group_ids(world, _refs(spec, "ApplicationGroups") or []),
    )


@site_scoped
def list_applications(sim, req):
    world = sim.world
    apps = list(world.applications.values())
    if req.query.get("applicationFolder"):
        folder = _or_404(find_folder(world, req.query["applicationFolder"]), "Application folder")
        apps = [a for a in apps if a.folder_id == folder.id]
    return SimResponse(200, page(req, apps, lambda a: application_model(world, a)))


@site_scoped
def get_application(sim, req):
    app = _or_404(find_application(sim.world, req.params["nameOrId"]), "Application")
    return SimResponse(200, project(req, application_model(sim.world, app, detail=True)))


@site_scoped
def add_applications(sim, req):
    world, body = sim.world, json_body(req)
    specs = body.get("NewApplications") or []
    existing = application_ids(world, _refs(body, "ExistingApplications") or [])
    if not isinstance(specs, list):
        raise bad_request_daas("NewApplications must be a list.")
    if not specs and not existing:
        raise bad_request_daas("NewApplications or ExistingApplications is required.")
    groups = app_group_ids(world, _refs(body, "ApplicationGroups") or [])
    dgs = priority_refs(world, body.get("DeliveryGroups") or [])
    new = []
    for spec in specs:
        new.append(new_application(world, spec, new))

    def work():
        for app in new:
            world.applications[app.id] = app
        for app in new + [world.applications[i] for i in existing]:
            app.delivery_groups.update(dgs)
            app.application_groups = list(dict.fromkeys(app.application_groups + groups))
        return SimResponse(204)
    params = [{"Name": "NumApplications", "Value": str(len(new) + len(existing))}]
    return run_maybe_async(sim, req, "AddApplications", params, work)


def edit_application(world, app, body):
    """Check EditApplicationRequestModel against `app`; return the function that applies it."""
    name = _string(body, "Name")
    folder_path = _string(body, "ApplicationFolder")
    if name is not None:
        check_object_name(name, "application")
    target_folder = app.folder_id
    if folder_path is not None:
        found = find_folder(world, folder_path) if folder_path.strip("\\|") else None
        target_folder = found.id if found else (None if not folder_path.strip("\\|") else "new")
    if target_folder != "new":
        _app_name_free(world, name or app.name, target_folder, own=app)
    props = _installed(body, required=False)
    if props.get("executable") is not None and not props["executable"].strip():
        raise bad_request_daas("InstalledAppProperties.CommandLineExecutable cannot be empty.")
    users = resolve_users(world, body["IncludedUsers"]) if body.get("IncludedUsers") is not None else None
    dgs = priority_refs(world, body["DeliveryGroups"]) if body.get("DeliveryGroups") is not None else None
    groups = _refs(body, "ApplicationGroups")
    group_ids = app_group_ids(world, groups) if groups is not None else None
    values = {k: _string(body, k) for k in ("PublishedName", "Description")}
    flags = {k: _bool(body, k) for k in ("Enabled", "Visible", "IncludedUserFilterEnabled")}

    def apply():
        if name is not None:
            app.name = name
        if folder_path is not None:
            app.folder_id = ensure_folder(world, folder_path).id if folder_path.strip("\\|") else None
        for key, attr in (("executable", "executable"), ("arguments", "arguments"),
                          ("working_directory", "working_directory")):
            if props.get(key) is not None:
                setattr(app, attr, props[key])
        if values["PublishedName"] is not None:
            app.published_name = values["PublishedName"]
        if values["Description"] is not None:
            app.description = values["Description"]
        for key, attr in (("Enabled", "enabled"), ("Visible", "visible"), ("IncludedUserFilterEnabled", "user_filter")):
            if flags[key] is not None:
                setattr(app, attr, flags[key])
        if users is not None:
            app.included_users = users
        if dgs is not None:
            app.delivery_groups = dgs
        if group_ids is not None:
            app.application_groups = list(dict.fromkeys(group_ids))
    return apply


@site_scoped
def patch_application(sim, req):
    world = sim.world
    app = _or_404(find_application(world, req.params["nameOrId"]), "Application")
    apply = edit_application(world, app, json_body(req))

    def work():
        apply()
        return SimResponse(204)
    return run_maybe_async(sim, req, "UpdateApplication", [{"Name": "Id", "Value": app.id}], work)


@site_scoped
def delete_application(sim, req):
    world = sim.world
    app = _or_404(find_application(world, req.params["nameOrId"]), "Application")

    def work():
        # Its delivery group and application group associations and tag links go with it.
        del world.applications[app.id]
        return SimResponse(204)
    return run_maybe_async(sim, req, "DeleteApplication", [{"Name": "Id", "Value": app.id}], work)


@site_scoped
def application_delivery_groups(sim, req):
    world = sim.world
    app = _or_404(find_application(world, req.params["nameOrId"]), "Application")
    items = [dict(models.delivery_group_model(world, world.delivery_groups[d]), Priority=p)
             for d, p in app.delivery_groups.items() if d in world.delivery_groups]
    return SimResponse(200, page(req, items, lambda i: i))


@site_scoped
def application_app_groups(sim, req):
    world = sim.world
    app = _or_404(find_application(world, req.params["nameOrId"]), "Application")
    groups = [world.application_groups[g] for g in app.application_groups if g in world.application_groups]
    return SimResponse(200, page(req, groups, lambda g: app_group_model(world, g)))


@site_scoped
def application_tags(sim, req):
    return tags_of(sim, req, _or_404(find_application(sim.world, req.params["nameOrId"]), "Application"))


@site_scoped
def set_application_tags(sim, req):
    app = _or_404(find_application(sim.world, req.params["nameOrId"]), "Application")
    return set_tags(sim, req, app, "SetTagApplications")


@site_scoped
def delivery_group_applications(sim, req):
    world = sim.world
    group = group_or_404(sim, req)
    apps = [a for a in world.applications.values() if group.id in a.delivery_groups]
    return SimResponse(200, page(req, apps, lambda a: application_model(world, a)))


# -- application groups ---------------------------------------------------------------------------
def _group_name_free(world, name, own=None):
    other = find_app_group(world, name)
    if other is not None and other is not own:
        raise daas_error(409, f"An application group named {name!r} already exists.", "ObjectAlreadyExists")


@site_scoped
def list_app_groups(sim, req):
    world = sim.world
    return SimResponse(200, page(req, list(world.application_groups.values()), lambda g: app_group_model(world, g)))


@site_scoped
def get_app_group(sim, req):
    group = _or_404(find_app_group(sim.world, req.params["nameOrId"]), "Application group")
    return SimResponse(200, project(req, app_group_model(sim.world, group, detail=True)))


@site_scoped
def create_app_group(sim, req):
    world, body = sim.world, json_body(req)
    name = _string(body, "Name", required=True)
    check_object_name(name, "application group")
    _group_name_free(world, name)
    dgs = priority_refs(world, body.get("DeliveryGroups") or [])
    users = resolve_users(world, body.get("IncludedUsers") or [])
    group = ApplicationGroup(
        id=new_guid(), uid=world.uid(), name=name, description=_string(body, "Description"),
        enabled=_bool(body, "Enabled") is not False, session_sharing=_bool(body, "SessionSharingEnabled") is not False,
        user_filter=bool(_bool(body, "IncludedUserFilterEnabled")), included_users=users, delivery_groups=dgs)

    def work():
        world.application_groups[group.id] = group
        return SimResponse(201, app_group_model(world, group, detail=True))
    return run_maybe_async(sim, req, "CreateApplicationGroup", [{"Name": "Name", "Value": name}], work)


@site_scoped
def patch_app_group(sim, req):
    world = sim.world
    group = _or_404(find_app_group(world, req.params["nameOrId"]), "Application group")
    body = json_body(req)
    name = _string(body, "Name")
    if name is not None:
        check_object_name(name, "application group")
        _group_name_free(world, name, group)
    description = _string(body, "Description")
    flags = {k: _bool(body, k) for k in ("Enabled", "SessionSharingEnabled", "IncludedUserFilterEnabled")}
    users = resolve_users(world, body["IncludedUsers"]) if body.get("IncludedUsers") is not None else None
    dgs = priority_refs(world, body["DeliveryGroups"]) if body.get("DeliveryGroups") is not None else None

    def work():
        if name is not None:
            group.name = name
        if description is not None:
            group.description = description
        for key, attr in (("Enabled", "enabled"), ("SessionSharingEnabled", "session_sharing"),
                          ("IncludedUserFilterEnabled", "user_filter")):
            if flags[key] is not None:
                setattr(group, attr, flags[key])
        if users is not None:
            group.included_users = users
        if dgs is not None:
            group.delivery_groups = dgs
        return SimResponse(204)
    return run_maybe_async(sim, req, "UpdateApplicationGroup", [{"Name": "Id", "Value": group.id}], work)


@site_scoped
def delete_app_group(sim, req):
    world = sim.world
    group = _or_404(find_app_group(world, req.params["nameOrId"]), "Application group")

    def work():
        # Its applications stay; they only leave the group.
        for app in world.applications.values():
            if group.id in app.application_groups:
                app.application_groups.remove(group.id)
        del world.application_groups[group.id]
        return SimResponse(204)
    return run_maybe_async(sim, req, "DeleteApplicationGroup", [{"Name": "Id", "Value": group.id}], work)


@site_scoped
def app_group_applications(sim, req):
    world = sim.world
    group = _or_404(find_app_group(world, req.params["nameOrId"]), "Application group")
    apps = [a for a in world.applications.values() if group.id in a.application_groups]
    return SimResponse(200, page(req, apps, lambda a: application_model(world, a)))


@site_scoped
def app_group_add_applications(sim, req):
    world = sim.world
    group = _or_404(find_app_group(world, req.params["nameOrId"]), "Application group")
    body = json_body(req)
    existing = application_ids(world, _refs(body, "ExistingApplications") or [])
    specs = body.get("NewApplications") or []
    if not isinstance(specs, list):
        raise bad_request_daas("NewApplications must be a list.")
    new = []
    for spec in specs:
        new.append(new_application(world, spec, new))

    def work():
        for app in new:
            world.applications[app.id] = app
        for app in new + [world.applications[i] for i in existing]:
            if group.id not in app.application_groups:
                app.application_groups.append(group.id)
        return SimResponse(204)
    return run_maybe_async(sim, req, "AddApplications", [{"Name": "Id", "Value": group.id}], work)


@site_scoped
def app_group_remove_application(sim, req):
    world = sim.world
    group = _or_404(find_app_group(world, req.params["nameOrId"]), "Application group")
    app = _or_404(find_application(world, req.params["appNameOrId"]), "Application")
    if group.id not in app.application_groups:
        raise daas_error(400, "The application is not in that application group.", "InvalidArgument")

    def work():
        app.application_groups.remove(group.id)
        return SimResponse(204)
    return run_maybe_async(sim, req, "RemoveApplicationFromApplicationGroup", [{"Name": "Id", "Value": group.id}],
                           work)


@site_scoped
def app_group_delivery_groups(sim, req):
    world = sim.world
    group = _or_404(find_app_group(world, req.params["nameOrId"]), "Application group")
    items = [dict(models.delivery_group_model(world, world.delivery_groups[d]), Priority=p)
             for d, p in group.delivery_groups.items() if d in world.delivery_groups]
    return SimResponse(200, page(req, items, lambda i: i))


@site_scoped
def app_group_tags(sim, req):
    return tags_of(sim, req, _or_404(find_app_group(sim.world, req.params["nameOrId"]), "Application group"))


@site_scoped
def set_app_group_tags(sim, req):
    group = _or_404(find_app_group(sim.world, req.params["nameOrId"]), "Application group")
    return set_tags(sim, req, group, "SetTagApplicationGroups")


# -- state and routes -----------------------------------------------------------------------------
def state(world):
    """For /_sim/state: every publishing object in its detail form."""
    return {
        "tags": [tag_model(world, t, detail=True) for t in world.tags.values()],
        "application_folders": [folder_model(world, f) for f in world.application_folders.values()],
        "applications": [dict(application_model(world, a, detail=True), FullName=app_path(world, a))
                         for a in world.applications.values()],
        "application_groups": [app_group_model(world, g, detail=True) for g in world.application_groups.values()],
    }


ROUTES = [
    ("GET", "/Identity/Users/{userOrGroup}", get_identity_user),
    ("GET", "/Tags", list_tags),
    ("POST", "/Tags", create_tag),
    ("GET", "/Tags/{nameOrId}", get_tag),
    ("PATCH", "/Tags/{nameOrId}", patch_tag),
    ("DELETE", "/Tags/{nameOrId}", delete_tag),
    ("GET", "/ApplicationFolders", list_folders),
    ("POST", "/ApplicationFolders", create_folder),
    ("GET", "/ApplicationFolders/{pathOrId}", get_folder),
    ("GET", "/Applications", list_applications),
    ("POST", "/Applications", add_applications),
    ("GET", "/Applications/{nameOrId}", get_application),
    ("PATCH", "/Applications/{nameOrId}", patch_application),
    ("DELETE", "/Applications/{nameOrId}", delete_application),
    ("GET", "/Applications/{nameOrId}/DeliveryGroups", application_delivery_groups),
    ("GET", "/Applications/{nameOrId}/ApplicationGroups", application_app_groups),
    ("GET", "/Applications/{nameOrId}/Tags", application_tags),
    ("PUT", "/Applications/{nameOrId}/Tags", set_application_tags),
    ("GET", "/DeliveryGroups/{nameOrId}/Applications", delivery_group_applications),
    ("GET", "/ApplicationGroups", list_app_groups),
    ("POST", "/ApplicationGroups", create_app_group),
    ("GET", "/ApplicationGroups/{nameOrId}", get_app_group),
    ("PATCH", "/ApplicationGroups/{nameOrId}", patch_app_group),
    ("DELETE", "/ApplicationGroups/{nameOrId}", delete_app_group),
    ("GET", "/ApplicationGroups/{nameOrId}/Applications", app_group_applications),
    ("POST", "/ApplicationGroups/{nameOrId}/Applications", app_group_add_applications),
    ("DELETE", "/ApplicationGroups/{nameOrId}/Applications/{appNameOrId}", app_group_remove_application),
    ("GET", "/ApplicationGroups/{nameOrId}/DeliveryGroups", app_group_delivery_groups),
    ("GET", "/ApplicationGroups/{nameOrId}/Tags", app_group_tags),
    ("PUT", "/ApplicationGroups/{nameOrId}/Tags", set_app_group_tags),
]


def register(router, direct=False):
    for method, path, handler in ROUTES:
        for prefix in route_prefixes(direct)[2]:
            router.add(method, prefix + path, handler)
