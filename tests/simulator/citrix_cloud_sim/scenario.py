"""The starting world.

By default: the world of Citrix's "How to call a Citrix cloud services API" tutorial. Its catalog
lists DEMOLAB\\OSPREY (2 sessions), DEMOLAB\\EAGLE (not power managed) and DEMOLAB\\KESTREL (idle)
first, then a few more machines of each of those kinds, all in one delivery group. In admin folder
"Lab": catalog ``Lab\\Workers`` and delivery group ``Lab\\Workers Desktops`` with three machines
(DEMOLAB\\ROBIN busy, DEMOLAB\\WREN idle, DEMOLAB\\FINCH not power managed). ``machines=N`` adds a
catalog "Scale" and delivery group "Scale DG" of N generated machines.

Everything is drawn from seeded RNGs, so ids are the same on every run and benchmarks repeat.
"""

import random
import time

from .world import Catalog, DeliveryGroup, Machine, Ref, Session, World, new_guid

CUSTOMER_ID = "dmlab7x2kq9w"  # short alphanumeric, like real Citrix Cloud customer ids
SCENARIO_SEED = 20240603
SCALE_SEED = 7
FOLDER_SEED = 11
FOLDER = "Lab"
# (short name, power managed, number of sessions) of the catalog in the admin folder.
FOLDER_MACHINES = [("ROBIN", True, 2), ("WREN", True, 0), ("FINCH", False, 0)]

# (short name, power managed, number of sessions); the first three are the tutorial's.
TUTORIAL_MACHINES = [
    ("OSPREY", True, 2), ("EAGLE", False, 0), ("KESTREL", True, 0),
    ("FALCON", True, 1), ("CONDOR", False, 0), ("HAWK", True, 0),
    ("HARRIER", True, 3), ("VULTURE", False, 0), ("MERLIN", True, 0),
    ("BUZZARD", True, 1), ("ALBATROSS", False, 0), ("HOBBY", True, 0),
]
USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]

# The tutorial prints these six as the services in ProductionTrial.
SERVICE_STATES = [
    ("cas", "ProductionTrial"), ("itsm", "ProductionTrial"), ("microapps", "ProductionTrial"),
    ("netscalergateway", "ProductionTrial"), ("wem", "ProductionTrial"), ("xendesktop", "ProductionTrial"),
    ("licensing", "Production"), ("aggregation", "Production"), ("browserservice", "Production"),
    ("applayering", "NotOnboarded"), ("sharefile", "NotOnboarded"), ("xenmobile", "NotOnboarded"),
    ("lifecyclemanagement", "Expired"),
]
STATE_TYPE = {"ProductionTrial": "ProductionTrial", "Production": "Production"}


def build_world(scale_machines=0, private_desktops=0, customer_id=CUSTOMER_ID):
    rng = random.Random(SCENARIO_SEED)
    world = World(
        customer_id=customer_id,
        customer_name="Demo Lab",
        site=Ref(new_guid(rng), "cloudxdsite", 1),
        zone=Ref(new_guid(rng), "Primary Zone", 1),
        hypervisor=Ref(new_guid(rng), "DEMOLAB vSphere", 1),
    )
    catalog = Catalog(new_guid(rng), "DEMOLAB Servers", world.uid(), description="Tutorial catalog")
    group = DeliveryGroup(new_guid(rng), "DEMOLAB Desktops", world.uid(), description="Tutorial delivery group")
    world.catalogs[catalog.id] = catalog
    world.delivery_groups[group.id] = group
    for short, managed, sessions in TUTORIAL_MACHINES:
        add_machine(world, rng, f"DEMOLAB\\{short}", catalog, group, managed, sessions)
    add_platform_objects(world, rng)
    add_folder_objects(world)
    if scale_machines:
        add_scale(world, scale_machines)
    if private_desktops:
        add_private(world, private_desktops)
    return world


def add_folder_objects(world):
    """A catalog and a delivery group inside an admin folder: FullName ``Lab\\Workers``."""
    rng = random.Random(FOLDER_SEED)
    folder = Ref(new_guid(rng), FOLDER, world.uid())
    catalog = Catalog(new_guid(rng), "Workers", world.uid(), description="Catalog in an admin folder",
                      folder=folder)
    group = DeliveryGroup(new_guid(rng), "Workers Desktops", world.uid(),
                          description="Delivery group in an admin folder", folder=folder)
    world.catalogs[catalog.id] = catalog
    world.delivery_groups[group.id] = group
    for short, managed, sessions in FOLDER_MACHINES:
        add_machine(world, rng, f"DEMOLAB\\{short}", catalog, group, managed, sessions)


def add_machine(world, rng, name, catalog, group, managed, sessions):
    uid = world.uid()
    machine = Machine(
        id=new_guid(rng),
        uid=uid,
        name=name,
        sid=f"S-1-5-21-1004336348-1177238915-682003330-{uid}",
        catalog_id=catalog.id,
        dg_id=group.id if group else None,
        power_managed=managed,
        power_state="On" if managed else "Unmanaged",
        hosted_machine_id=f"vm-{uid}" if managed else "",
        ip_address=f"10.1.{uid // 250 % 250}.{uid % 250 + 1}",
    )
    world.add_machine(machine)
    now = time.time()
    for _session in range(sessions):
        user = rng.choice(USERS)
        started = now - rng.randint(600, 6 * 3600)
        world.add_session(Session(
            id=new_guid(rng), uid=world.uid(), machine_id=machine.id, user=f"DEMOLAB\\{user}",
            display_name=user.capitalize(), state=rng.choice(["Active", "Active", "Disconnected"]),
            start_time=started, state_change_time=started,
        ))
    return machine


def add_scale(world, count):
    """About 60% idle and On, 30% with sessions, 10% not power managed; seeded."""
    rng = random.Random(SCALE_SEED)
    catalog = Catalog(new_guid(rng), "Scale", world.uid(), description="Generated by --machines")
    group = DeliveryGroup(new_guid(rng), "Scale DG", world.uid(), description="Generated by --machines")
    world.catalogs[catalog.id] = catalog
    world.delivery_groups[group.id] = group
    for i in range(1, count + 1):
        draw = rng.random()
        managed, sessions = (True, 0) if draw < 0.6 else (True, rng.randint(1, 3)) if draw < 0.9 else (False, 0)
        add_machine(world, rng, f"DEMOLAB\\SCALE{i:05d}", catalog, group, managed, sessions)


def add_platform_objects(world, rng):
    location_id = new_guid(rng)
    world.resource_locations[location_id] = {
        "id": location_id, "name": "My Resource Location", "internalOnly": False,
        "timeZone": "GMT Standard Time", "readOnly": False,
    }
    for name, state in SERVICE_STATES:
        trial = state == "ProductionTrial"
        world.service_states.append({
            "serviceName": name,
            "state": state,
            "type": STATE_TYPE.get(state, "Default"),
            "quantity": 0 if state in ("NotOnboarded", "Expired") else (25 if trial else 1000),
            "daysToExpiration": 30 if trial else (365 if state == "Production" else 0),
            "futureEntitlementStartDate": None,
        })


def add_private(world, count):
    """Private (statically allocated) single-session desktops DEMOLAB\\DESK001...: the first half in
    delivery group "DEMOLAB Private Desktops", the rest free; and an empty manual catalog of
    power-managed machines, "DEMOLAB Manual"."""
    rng = random.Random(SCALE_SEED + 1)
    catalog = Catalog(new_guid(rng), "DEMOLAB Private", world.uid(), session_support="SingleSession",
                      description="Private desktops", allocation_type="Static")
    group = DeliveryGroup(new_guid(rng), "DEMOLAB Private Desktops", world.uid(), session_support="SingleSession",
                          description="Private desktops")
    manual = Catalog(new_guid(rng), "DEMOLAB Manual", world.uid(), session_support="SingleSession",
                     description="Machines added by name", allocation_type="Static", provisioning_type="Manual")
    for obj, table in ((catalog, world.catalogs), (manual, world.catalogs), (group, world.delivery_groups)):
        table[obj.id] = obj
    for i in range(1, count + 1):
        machine = add_machine(world, rng, f"DEMOLAB\\DESK{i:03d}", catalog, group if i <= count // 2 else None,
                              True, 0)
        machine.session_support = "SingleSession"
