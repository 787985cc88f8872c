"""The simulated world: customer, site, catalogs, delivery groups, machines, sessions, jobs and the
platform objects. Plain data plus lookups; rendering to API JSON lives in models.py and power
timelines in power.py.

Time-dependent state (power transitions, job progress) is stored as timestamps and applied lazily
by ``tick()``, which the server calls before each request: no background tasks, and every request
sees one consistent world.
"""

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional


def now_iso(ts=None):
    """RFC 3339 UTC timestamp as DaaS writes them."""
    dt = datetime.fromtimestamp(ts if ts is not None else time.time(), timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Ref:
    id: str
    name: str
    uid: int


@dataclass
class Catalog:
    id: str
    name: str
    uid: int
    session_support: str = "MultiSession"
    description: str = ""
    zone: Optional[Ref] = None
    folder: Optional[Ref] = None  # admin folder; its name is its path, e.g. "Lab" or "Lab\Pool"
    allocation_type: str = "Random"  # Static: private desktops, users assigned to machines
    provisioning_type: str = "MCS"  # Manual: machines are added to it by name
    power_managed: bool = True

    @property
    def full_name(self):
        return _full_name(self)


@dataclass
class DeliveryGroup:
    id: str
    name: str
    uid: int
    session_support: str = "MultiSession"
    description: str = ""
    in_maintenance: bool = False
    folder: Optional[Ref] = None

    @property
    def full_name(self):
        return _full_name(self)


def _full_name(obj):
    """``Folder1\\Folder2\\Name``, the unique administrative name of an object in an admin folder."""
    return f"{obj.folder.name}\\{obj.name}" if obj.folder is not None else obj.name


@dataclass
class Machine:
    id: str
    uid: int
    name: str  # DOMAIN\NAME
    sid: str
    catalog_id: str
    dg_id: Optional[str]
    power_managed: bool
    power_state: str
    session_support: str = "MultiSession"
    in_maintenance: bool = False
    hosted_machine_id: str = ""
    hypervisor: Optional[Ref] = None
    zone: Optional[Ref] = None
    ip_address: str = ""
    os_version: str = "Windows Server 2022"
    agent_version: str = "2311.0.0.1234"
    session_ids: list = field(default_factory=list)
    tags: list = field(default_factory=list)  # tag ids
    assigned_users: list = field(default_factory=list)  # identity dicts (machine_properties.py)
    published_name: Optional[str] = None
    # Future power transitions [(monotonic due time, PowerState)], applied by World.tick().
    steps: list = field(default_factory=list)
    last_change: float = field(default_factory=time.time)

    @property
    def short_name(self):
        return self.name.split("\\", 1)[-1]

    @property
    def dns_name(self):
        domain, host = self.name.partition("\\")[::2]
        return f"{host}.{domain}.local".lower() if host else self.name.lower()


@dataclass
class Session:
    id: str
    uid: int
    machine_id: str
    user: str  # DOMAIN\user
    display_name: str
    state: str  # Active, Connected, Disconnected
    start_time: float
    state_change_time: float
    client_name: str = "CLIENT01"
    client_ip: str = "10.0.0.10"


@dataclass
class Job:
    id: str
    type: str
    created: float  # wall clock, for timestamps
    created_mono: float  # monotonic, for progress
    duration: float
    parameters: list  # [{"Name", "Value"}]
    error: Optional[str] = None  # ErrorString when the work failed
    result: object = None  # body for /Jobs/{id}/Results
    result_location: str = ""
    canceled: bool = False
    # What the job does, run once when it starts (NotStarted -> InProgress): the service acts
    # during the job's life, not when the request arrives. Returns (result body, error string).
    work: object = None

    @property
    def starts_at(self):
        return self.created_mono + self.duration * 0.2


@dataclass
class World:
    customer_id: str
    customer_name: str
    site: Ref
    zone: Ref
    hypervisor: Ref
    catalogs: dict = field(default_factory=dict)  # id -> Catalog, in creation order
    delivery_groups: dict = field(default_factory=dict)
    machines: dict = field(default_factory=dict)  # id -> Machine, in catalog order
    sessions: dict = field(default_factory=dict)
    jobs: dict = field(default_factory=dict)
    resource_locations: dict = field(default_factory=dict)  # id -> dict (API shape)
    service_states: list = field(default_factory=list)
    notifications: list = field(default_factory=list)
    messages_sent: list = field(default_factory=list)
    # Publishing (applications.py): id -> Tag, Folder, Application, ApplicationGroup.
    tags: dict = field(default_factory=dict)
    application_folders: dict = field(default_factory=dict)
    applications: dict = field(default_factory=dict)
    application_groups: dict = field(default_factory=dict)
    busy: set = field(default_factory=set)  # ids of machines with pending power steps
    _by_name: dict = field(default_factory=dict)
    next_uid: int = 1000

    # -- building ---------------------------------------------------------------------------
    def uid(self):
        self.next_uid += 1
        return self.next_uid

    def add_machine(self, machine):
        self.machines[machine.id] = machine
        self._by_name[machine.name.lower()] = machine

    def remove_machine(self, machine):
        self.machines.pop(machine.id, None)
        self._by_name.pop(machine.name.lower(), None)

    def add_session(self, session):
        self.sessions[session.id] = session
        self.machines[session.machine_id].session_ids.append(session.id)

    # -- lookups ----------------------------------------------------------------------------
    def find_machine(self, name_or_id):
        """By id, by SID, or by name in DaaS's ``DOMAIN|NAME`` spelling of ``DOMAIN\\NAME``, the only
        one the reference documents: a backslash in the path (``DOMAIN%5CNAME``) names nothing."""
        key = name_or_id.strip().lower()
        if "\\" in key:
            return None
        machine = self.machines.get(key) or self._by_name.get(key.replace("|", "\\"))
        if machine is None and key.startswith("s-1-"):
            machine = next((m for m in self.machines.values() if m.sid.lower() == key), None)
        return machine

    def find_catalog(self, name_or_id):
        return _find_named(self.catalogs, name_or_id)

    def find_delivery_group(self, name_or_id):
        return _find_named(self.delivery_groups, name_or_id)

    def machine_sessions(self, machine):
        return [self.sessions[s] for s in machine.session_ids]

    # -- changes ----------------------------------------------------------------------------
    def end_session(self, session_id):
        session = self.sessions.pop(session_id, None)
        if session is not None:
            machine = self.machines.get(session.machine_id)
            if machine is not None and session_id in machine.session_ids:
                machine.session_ids.remove(session_id)
        return session

    def tick(self, now=None):
        """Start every job that is due, then apply every power transition that is due."""
        now = time.monotonic() if now is None else now
        for job in list(self.jobs.values()):
            if job.work is not None and not job.canceled and job.starts_at <= now:
                work, job.work = job.work, None
                job.result, job.error = work()
        for machine_id in list(self.busy):
            machine = self.machines[machine_id]
            while machine.steps and machine.steps[0][0] <= now:
                state = machine.steps.pop(0)[1]
                self.set_power_state(machine, state)
            if not machine.steps:
                self.busy.discard(machine_id)

    def set_power_state(self, machine, state):
        machine.power_state = state
        machine.last_change = time.time()
        if state == "Off":
            # A machine that powers off takes its users' sessions with it.
            for session_id in list(machine.session_ids):
                self.end_session(session_id)


def _find_named(objects, name_or_id):
    """By id, or by FullName with ``|`` for each ``\\`` (``Folder|Name``). The plain name of an object
    in a folder names nothing (it is not unique), and neither does a backslash in the path."""
    key = name_or_id.strip().lower()
    if key in objects:
        return objects[key]
    if "\\" in key:
        return None
    wanted = key.replace("|", "\\")
    return next((o for o in objects.values() if o.full_name.lower() == wanted), None)


def new_guid(rng=None):
    """A GUID; from rng when the scenario must be reproducible."""
    if rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
