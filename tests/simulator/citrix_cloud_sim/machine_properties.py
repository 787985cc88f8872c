"""Machine properties and membership: assigned users and published names (PATCH /Machines),
machine tags, adding machines to and removing them from delivery groups and manual catalogs, as
``MachinesAPIsDAAS.md``, ``DeliveryGroupsAPIsDAAS.md`` and ``MachineCatalogsAPIsDAAS.md`` of
../shared/openapi/daas-current/ describe them.

Readings hardest on a client: users can be assigned only to machines of a statically allocated
(private) catalog that are in a delivery group; a published name only to such private desktops;
a machine with sessions is not removed from its delivery group; only a manual catalog takes
machines added by name; and an unknown user, tag, catalog or machine is 400 or 404.
"""

import time

from . import daas, models
from .applications import find_tag, resolve_users, tag_model, set_tags, tags_of
from .daas import catalog_or_404, group_or_404, json_body, run_maybe_async, site_scoped
from .errors import bad_request_daas, daas_error, not_found_daas
from .routing import SimResponse
from .world import Job, Machine, new_guid


def assignable(world, machine, what):
    catalog = world.catalogs[machine.catalog_id]
    if catalog.allocation_type != "Static":
        raise daas_error(400, f"{what} can only be set on machines of a catalog with static allocation.",
                         "InvalidOperation")
    if not machine.dg_id:
        raise daas_error(400, f"{what} can only be set on a machine in a delivery group.", "InvalidOperation")


def patch_fields(world, machine, body):
    """Check AssignedUsers and PublishedName of an UpdateMachineRequestModel; return what applies them."""
    users, published = None, None
    if body.get("AssignedUsers") is not None:
        assignable(world, machine, "AssignedUsers")
        users = resolve_users(world, body["AssignedUsers"], "AssignedUsers")
    if body.get("PublishedName") is not None:
        if not isinstance(body["PublishedName"], str):
            raise bad_request_daas("PublishedName must be a string.")
        assignable(world, machine, "PublishedName")
        published = body["PublishedName"]

    def apply():
        if users is not None:
            machine.assigned_users = users
        if published is not None:
            machine.published_name = published or None
    return apply


def body_machine(world, name):
    """A machine named in a request body, where DOMAIN\\NAME is written with its backslash."""
    return world.find_machine(name.replace("\\", "|"))


def machine_or_404(sim, key):
    machine = sim.world.find_machine(key)
    if machine is None:
        raise not_found_daas("Machine")
    return machine


@site_scoped
def machine_tags(sim, req):
    return tags_of(sim, req, machine_or_404(sim, req.params["nameOrId"]))


@site_scoped
def set_machine_tags(sim, req):
    return set_tags(sim, req, machine_or_404(sim, req.params["nameOrId"]), "SetTagMachines")


@site_scoped
def add_machine_tag(sim, req):
    machine = machine_or_404(sim, req.params["nameOrId"])
    tag = find_tag(sim.world, req.params["tagNameOrId"])
    if tag is None:
        raise not_found_daas("Tag")

    def work():
        if tag.id not in machine.tags:
            machine.tags.append(tag.id)
        return SimResponse(200, {"Items": [tag_model(sim.world, sim.world.tags[t]) for t in machine.tags]})
    return run_maybe_async(sim, req, "SetTagMachines", [{"Name": "Id", "Value": machine.id}], work)


@site_scoped
def remove_machine_tag(sim, req):
    machine = machine_or_404(sim, req.params["nameOrId"])
    tag = find_tag(sim.world, req.params["tagNameOrId"])
    if tag is None:
        raise not_found_daas("Tag")

    def work():
        if tag.id in machine.tags:
            machine.tags.remove(tag.id)
        return SimResponse(204)
    return run_maybe_async(sim, req, "SetTagMachines", [{"Name": "Id", "Value": machine.id}], work)


# -- delivery group membership ---------------------------------------------------------------------
@site_scoped
def add_group_machines(sim, req):
    world = sim.world
    group = group_or_404(sim, req)
    body = json_body(req)
    key = body.get("MachineCatalog")
    if not isinstance(key, str) or not key:
        raise bad_request_daas("MachineCatalog is required.")
    catalog = world.find_catalog(key)
    if catalog is None:
        raise daas_error(400, f"Machine catalog {key!r} not found.", "MachineCatalogNotFound")
    if catalog.session_support != group.session_support:
        raise daas_error(400, "The catalog's session support does not match the delivery group's.",
                         "SessionSupportMismatch")
    count = body.get("Count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise bad_request_daas("Count must be a positive integer.")
    free = [m for m in world.machines.values() if m.catalog_id == catalog.id and not m.dg_id]
    picks = body.get("AssignMachinesToUsers")
    if picks is not None:
        if not isinstance(picks, list) or not all(isinstance(p, dict) and isinstance(p.get("Machine"), str)
                                                  for p in picks):
            raise bad_request_daas("AssignMachinesToUsers must be a list of {Machine, Users}.")
        chosen = []
        for pick in picks:
            machine = body_machine(world, pick["Machine"])
            if machine is None or machine.catalog_id != catalog.id:
                raise daas_error(400, f"Machine {pick['Machine']!r} is not in catalog {catalog.name!r}.",
                                 "MachineNotInCatalog")
            if machine.dg_id:
                raise daas_error(400, f"Machine {machine.name!r} is already in a delivery group.",
                                 "MachineAlreadyInDeliveryGroup")
            users = resolve_users(world, pick["Users"], "Users") if pick.get("Users") else []
            chosen.append((machine, users))
        if count is not None and count != len(chosen):
            raise bad_request_daas("Count must match the number of machines in AssignMachinesToUsers.")
    else:
        if count is None:
            raise bad_request_daas("Count or AssignMachinesToUsers is required.")
        if count > len(free):
            raise daas_error(400, f"Catalog {catalog.name!r} has {len(free)} free machines; {count} were asked for.",
                             "NotEnoughMachines")
        chosen = [(m, []) for m in free[:count]]

    def work():
        for machine, users in chosen:
            machine.dg_id = group.id
            if users:
                machine.assigned_users = users
        return SimResponse(200, models.delivery_group_model(world, group, detail=True))
    return run_maybe_async(sim, req, "AddMachinesToDeliveryGroup", [{"Name": "Id", "Value": group.id}], work)


@site_scoped
def remove_group_machine(sim, req):
    group = group_or_404(sim, req)
    machine = machine_or_404(sim, req.params["machineNameOrId"])
    if machine.dg_id != group.id:
        raise daas_error(400, f"Machine {machine.name!r} is not in delivery group {group.name!r}.",
                         "MachineNotInDeliveryGroup")

    def work():
        # Sessions are not the service's concern here: they stay on the machine.
        machine.dg_id = None
        machine.assigned_users = []
        machine.published_name = None
        return SimResponse(204)
    return run_maybe_async(sim, req, "RemoveMachineFromDeliveryGroup", [{"Name": "Id", "Value": machine.id}], work)


# -- catalog membership -----------------------------------------------------------------------------
@site_scoped
def add_catalog_machine(sim, req):
    world = sim.world
    catalog = catalog_or_404(sim, req)
    body = json_body(req)
    if catalog.provisioning_type != "Manual":
        raise daas_error(400, "Machines can be added by name only to a manual or Remote PC catalog.",
                         "InvalidOperation")
    name = body.get("MachineName")
    if not isinstance(name, str) or "\\" not in name.strip("\\"):
        raise bad_request_daas("MachineName is required, as DOMAIN\\machine.")
    if body_machine(world, name) is not None:
        raise daas_error(409, f"Machine {name!r} is already in a catalog.", "ObjectAlreadyExists")
    hosted, hypervisor = body.get("HostedMachineId"), body.get("HypervisorConnection")
    if catalog.power_managed and (not hosted or not hypervisor):
        raise bad_request_daas("HostedMachineId and HypervisorConnection are required for a power-managed catalog.")
    if hypervisor and hypervisor.lower() not in (world.hypervisor.id.lower(), world.hypervisor.name.lower()):
        raise daas_error(400, f"Hypervisor connection {hypervisor!r} not found.", "HypervisorConnectionNotFound")
    users = resolve_users(world, body.get("AssignedUsers") or [], "AssignedUsers")

    def work():
        uid = world.uid()
        machine = Machine(id=new_guid(), uid=uid, name=name, sid=f"S-1-5-21-1004336348-1177238915-682003330-{uid}",
                          catalog_id=catalog.id, dg_id=None, power_managed=bool(hosted),
                          power_state="Off" if hosted else "Unmanaged", session_support=catalog.session_support,
                          hosted_machine_id=hosted or "", in_maintenance=bool(body.get("InMaintenanceMode")))
        machine.assigned_users = users
        world.add_machine(machine)
        return SimResponse(200, finished_job("AddMachineCatalogMachine", name))
    return run_maybe_async(sim, req, "AddMachineCatalogMachine", [{"Name": "NameOrId", "Value": name}], work)


def finished_job(job_type, name):
    now = time.time()
    job = Job(id=new_guid(), type=job_type, created=now, created_mono=time.monotonic() - 1, duration=0,
              parameters=[{"Name": "NameOrId", "Value": name}])
    return models.job_model(job)


@site_scoped
def remove_catalog_machine(sim, req):
    world = sim.world
    catalog = catalog_or_404(sim, req)
    machine = machine_or_404(sim, req.params["machine"])
    if machine.catalog_id != catalog.id:
        raise daas_error(400, f"Machine {machine.name!r} is not in catalog {catalog.name!r}.", "MachineNotInCatalog")
    if machine.dg_id:
        raise daas_error(400, f"Machine {machine.name!r} is in a delivery group; remove it from there first.",
                         "MachineInDeliveryGroup")

    def work():
        for session_id in list(machine.session_ids):
            world.end_session(session_id)
        world.remove_machine(machine)
        return SimResponse(204)
    return run_maybe_async(sim, req, "RemoveMachineCatalogMachine", [{"Name": "Id", "Value": machine.id}], work)


ROUTES = [
    ("GET", "/Machines/{nameOrId}/Tags", machine_tags),
    ("PUT", "/Machines/{nameOrId}/Tags", set_machine_tags),
    ("POST", "/Machines/{nameOrId}/Tags/{tagNameOrId}", add_machine_tag),
    ("DELETE", "/Machines/{nameOrId}/Tags/{tagNameOrId}", remove_machine_tag),
    ("POST", "/DeliveryGroups/{nameOrId}/Machines", add_group_machines),
    ("DELETE", "/DeliveryGroups/{nameOrId}/Machines/{machineNameOrId}", remove_group_machine),
    ("POST", "/MachineCatalogs/{nameOrId}/Machines", add_catalog_machine),
    ("DELETE", "/MachineCatalogs/{nameOrId}/Machines/{machine}", remove_catalog_machine),
]


def register(router, direct=False):
    if patch_fields not in daas.PATCH_HOOKS:
        daas.PATCH_HOOKS.append(patch_fields)
    for method, path, handler in ROUTES:
        for prefix in daas.route_prefixes(direct)[2]:
            router.add(method, prefix + path, handler)
