"""Render world objects as the DaaS API returns them.

Field names and enums follow Citrix's schemas (../shared/openapi/cvad-techpreview-subset.json).
Where a value would be null on a non-nullable field, the field is left out rather than sent as null.
"""

import time

from .power import MANAGED_ACTIONS
from .world import now_iso

# Default response field sets: what /cvad/manage returns when a call names no ``fields=``, or on a
# route that takes no ``fields`` (GET /DeliveryGroups/{nameOrId}/Machines, power actions). Copied
# from the descriptions of Citrix's response models ("Default response field (Only return the
# fields specified there if supported in API): ...", citrix-daas-rest-go citrixorchestration
# model_*_response_model.go, which the Detail models share). Not in them: machines' SessionCount,
# SessionSupport, Hosting, Zone, Tags, LastDeregistrationTime; sessions' Machine; catalogs'
# TotalCount; delivery groups' TotalDesktops, TotalMachines and SessionCount.
MACHINE_DEFAULT_FIELDS = frozenset((
    "Uid", "AgentVersion", "AllocationType", "DeliveryGroup", "DnsName", "FunctionalLevel",
    "InMaintenanceMode", "MaintenanceModeReason", "DrainingUntilShutdown", "IPAddress", "IsAssigned",
    "MachineType", "MachineUnavailableReason", "OSType", "OSVersion", "PersistUserChanges",
    "PowerActionPending", "PowerState", "ProvisioningType", "PublishedName", "RegistrationState",
    "ScheduledReboot", "Sid", "SummaryState", "WillShutdownAfterUse", "SupportedPowerActions",
    "FaultState", "Id", "MachineCatalog", "Name"))
SESSION_DEFAULT_FIELDS = frozenset((
    "Id", "Uid", "AppState", "AppStateLastChangeTime", "FormattedAppStateLastChangeTime", "Client",
    "EstablishmentDurationMilliseconds", "EstablishmentTime", "FormattedEstablishmentTime",
    "IsAnonymousUser", "IsHidden", "LogoffInProgress", "LogonInProgress", "SessionType", "StartTime",
    "FormattedStartTime", "State", "StateChangeTime", "FormattedStateChangeTime", "UntrustedUserName",
    "User"))
CATALOG_DEFAULT_FIELDS = frozenset((
    "Name", "FullName", "Id", "Uid", "AllocationType", "Description", "IsPowerManaged", "IsRemotePC",
    "MachineType", "MinimumFunctionalLevel", "HasBeenPromoted", "HasBeenPromotedFrom", "PersistChanges",
    "ProvisioningType", "SessionSupport", "SharingKind", "Zone", "AdminFolder", "HypervisorVMTagging"))
GROUP_DEFAULT_FIELDS = frozenset((
    "Id", "Uid", "Delivering", "DeliveryType", "Description", "DesktopsDisconnected",
    "DesktopsUnregistered", "Enabled", "InMaintenanceMode", "IsRemotePC", "MachineLogOnType",
    "MinimumFunctionalLevel", "Name", "FullName", "PublishedName", "SessionSupport", "SharingKind",
    "DefaultDesktopIconId"))

# UpdateMachineRequestModel: everything PATCH /Machines/{nameOrId} takes. No maintenance reason.
UPDATE_MACHINE_FIELDS = frozenset((
    "AssignedClientName", "AssignedIPAddress", "AssignedUsers", "HostedMachineId", "HypervisorConnection",
    "InMaintenanceMode", "PublishedName", "Icon", "Metadata"))
# SendMessageRequestModel.
SEND_MESSAGE_FIELDS = frozenset(("Style", "Title", "Text"))


def default_view(model, names):
    """The part of a full model a call without ``fields=`` gets."""
    return {k: v for k, v in model.items() if k in names}


def ref(obj):
    """RefResponseModel. For a catalog or delivery group in an admin folder, Name is its own name
    without the folder (the reading hardest on clients: it is not unique; Id is)."""
    return {"Id": obj.id, "Name": obj.name, "Uid": obj.uid}


def maintenance_reason(machine):
    """MaintenanceModeReason, an enum the service sets; no request can set it."""
    return "Administrator" if machine.in_maintenance else "None"


def folder_fields(obj):
    """FullName (``Folder1\\Folder2\\Name``) and AdminFolder of a catalog or delivery group."""
    fields = {"FullName": obj.full_name}
    if obj.folder is not None:
        fields["AdminFolder"] = {"Id": obj.folder.id, "Name": obj.folder.name, "Uid": obj.folder.uid}
    return fields


def registration_state(machine):
    if not machine.power_managed:
        return "Registered"
    return "Registered" if machine.power_state == "On" else "Unregistered"


def summary_state(machine, registered):
    if machine.power_state == "Off":
        return "Off"
    if registered != "Registered":
        return "Unregistered"
    return "InUse" if machine.session_ids else "Available"


def machine_model(world, machine):
    """MachineResponseModel: what machine lists return."""
    catalog = world.catalogs[machine.catalog_id]
    registered = registration_state(machine)
    sessions = world.machine_sessions(machine)
    model = {
        "Id": machine.id,
        "Uid": machine.uid,
        "Name": machine.name,
        "DnsName": machine.dns_name,
        "Sid": machine.sid,
        "MachineCatalog": ref(catalog),
        "AgentVersion": machine.agent_version,
        "AllocationType": catalog.allocation_type,
        "ControllerDnsName": "cc01.demolab.local",
        "DeliveryType": "DesktopsAndApps",
        "Description": "",
        "DrainingUntilShutdown": False,
        "FaultState": "None",
        "FunctionalLevel": "L7_20",
        "IPAddress": machine.ip_address,
        "InMaintenanceMode": machine.in_maintenance,
        "MaintenanceModeReason": maintenance_reason(machine),
        "IsAssigned": bool(machine.assigned_users),
        "AssignedUsers": list(machine.assigned_users),
        "LoadIndex": min(10000, 2500 * len(sessions)),
        "MachineType": "Virtual" if machine.power_managed else "Physical",
        "OSType": "Windows",
        "OSVersion": machine.os_version,
        "PersistUserChanges": "Discard",
        "PowerActionPending": bool(machine.steps),
        "PowerState": machine.power_state,
        "ProvisioningType": "MCS" if machine.power_managed else "Manual",
        "RegistrationState": registered,
        "SessionCount": len(sessions),
        "SessionSupport": machine.session_support,
        "SummaryState": summary_state(machine, registered),
        "SupportedPowerActions": list(MANAGED_ACTIONS) if machine.power_managed else [],
        "Tags": [world.tags[t].name for t in machine.tags if t in world.tags],
        "WillShutdownAfterUse": False,
        "Zone": ref(machine.zone or world.zone),
    }
    if machine.published_name:
        model["PublishedName"] = machine.published_name
    if machine.dg_id:
        model["DeliveryGroup"] = ref(world.delivery_groups[machine.dg_id])
    if machine.power_managed:
        model["Hosting"] = {
            "HostedMachineId": machine.hosted_machine_id,
            "HostedMachineName": machine.short_name,
            "HostingServerName": "esx01.demolab.local",
            "HypervisorConnection": ref(machine.hypervisor or world.hypervisor),
            "ImageOutOfDate": False,
            "LastHostingUpdateTime": now_iso(machine.last_change),
            "FormattedLastHostingUpdateTime": now_iso(machine.last_change),
        }
    if sessions:
        first = sessions[0]
        model.update({
            "SessionUserName": first.user,
            "SessionState": first.state,
            "SessionStartTime": now_iso(first.start_time),
            "FormattedSessionStartTime": now_iso(first.start_time),
            "SessionClientName": first.client_name,
            "SessionClientAddress": first.client_ip,
            "SessionProtocol": "Hdx",
        })
    return model


def machine_detail_model(world, machine):
    """MachineDetailResponseModel: GET /Machines/{id} and power actions."""
    model = machine_model(world, machine)
    sessions = world.machine_sessions(machine)
    model.update({
        "IsReserved": False,
        "SessionsEstablished": sum(1 for s in sessions if s.state != "Connected"),
        "SessionsPending": 0,
        "SecureIcaRequired": False,
        "ColorDepth": "TwentyFourBit",
        "LoadIndexes": [model["LoadIndex"]],
    })
    return model


def session_model(world, session, machine_defaults=False):
    """SessionResponseModel; its Machine is itself a MachineResponseModel, in its default field set
    where the call's own answer is (``machine_defaults``)."""
    machine = world.machines[session.machine_id]
    nested = machine_model(world, machine)
    if machine_defaults:
        nested = default_view(nested, MACHINE_DEFAULT_FIELDS)
    domain, user = session.user.partition("\\")[::2]
    return {
        "Id": session.id,
        "Uid": session.uid,
        "AppState": "Desktop",
        "Brokering": {"AutonomouslyBrokered": False, "UserName": session.user},
        "Client": {"Name": session.client_name, "IPAddress": session.client_ip, "Platform": "Windows",
                   "Version": "23.11.0.1"},
        "Connection": {"Protocol": "Hdx", "ConnectionMode": "Brokered", "SecureIcaActive": False},
        "IsAnonymousUser": False,
        "IsHidden": False,
        "LogoffInProgress": False,
        "LogonInProgress": False,
        "Machine": nested,
        "SessionType": "Desktop",
        "StartTime": now_iso(session.start_time),
        "FormattedStartTime": now_iso(session.start_time),
        "State": session.state,
        "StateChangeTime": now_iso(session.state_change_time),
        "FormattedStateChangeTime": now_iso(session.state_change_time),
        "User": {"DisplayName": session.display_name, "PropertiesFetched": 0, "SamName": session.user,
                 "Domain": domain, "Name": user, "PrincipalName": f"{user}@{domain.lower()}.local"},
    }


def catalog_model(world, catalog, detail=False):
    machines = [m for m in world.machines.values() if m.catalog_id == catalog.id]
    in_group = [m for m in machines if m.dg_id]
    model = {
        "Id": catalog.id,
        "Uid": catalog.uid,
        "Name": catalog.name,
        **folder_fields(catalog),
        "Description": catalog.description,
        "AllocationType": catalog.allocation_type,
        "AssignedCount": sum(1 for m in machines if m.assigned_users),
        "AvailableAssignedCount": 0,
        "AvailableCount": len(machines) - len(in_group),
        "AvailableUnassignedCount": len(machines) - len(in_group),
        "CanRecreateCatalog": False,
        "CanRollbackVMImage": False,
        "HasBeenPromoted": False,
        "IsBroken": False,
        "IsPowerManaged": any(m.power_managed for m in machines) if machines else catalog.power_managed,
        "IsRemotePC": False,
        "MachineType": "Virtual",
        "MinimumFunctionalLevel": "L7_20",
        "PersistChanges": "Discard",
        "ProvisioningType": catalog.provisioning_type,
        "SessionSupport": catalog.session_support,
        "SharingKind": "Shared",
        "TotalCount": len(machines),
        "UnassignedCount": len(machines),
        "UsedCount": len(in_group),
        "Zone": ref(catalog.zone or world.zone),
    }
    if detail:
        groups = {}
        for m in in_group:
            groups.setdefault(m.dg_id, 0)
            groups[m.dg_id] += 1
        model["DeliveryGroups"] = [
            dict(ref(world.delivery_groups[g]), NumAssigned=0, Total=n) for g, n in groups.items()
        ]
        model["OSType"] = "Windows"
        model["OSVersion"] = "Windows Server 2022"
    return model


def delivery_group_model(world, group, detail=False):
    machines = [m for m in world.machines.values() if m.dg_id == group.id]
    registered = [m for m in machines if registration_state(m) == "Registered"]
    model = {
        "Id": group.id,
        "Uid": group.uid,
        "Name": group.name,
        **folder_fields(group),
        "PublishedName": group.name,
        "Description": group.description,
        "ApplicationCompatibility": "Compatible",
        "ApplicationGroupCompatibility": "Compatible",
        "Delivering": "DesktopsAndApps",
        "DeliveryType": "DesktopsAndApps",
        "DesktopCompatibility": "Compatible",
        "DesktopsAvailable": sum(1 for m in registered if not m.session_ids),
        "DesktopsDisconnected": sum(
            1 for m in machines if any(world.sessions[s].state == "Disconnected" for s in m.session_ids)),
        "DesktopsFaulted": 0,
        "DesktopsUnregistered": len(machines) - len(registered),
        "Enabled": True,
        "HasBeenPromoted": False,
        "InMaintenanceMode": group.in_maintenance,
        "IsBroken": False,
        "IsRemotePC": False,
        "MinimumFunctionalLevel": "L7_20",
        "RequireUserHomeZone": False,
        "Scopes": [{"Id": "00000000-0000-0000-0000-000000000000", "Name": "All", "IsAllScope": True,
                    "IsBuiltIn": True, "IsTenantScope": False}],
        "SessionCount": sum(len(m.session_ids) for m in machines),
        "SessionSupport": group.session_support,
        "SharingKind": "Shared",
        "TotalApplications": sum(1 for a in world.applications.values() if group.id in a.delivery_groups),
        "TotalDesktops": len(machines),
    }
    if detail:
        model.update({
            "DesktopsInUse": sum(1 for m in machines if m.session_ids),
            "DesktopsNeverRegistered": 0,
            "DesktopsPreparing": 0,
            "MachineOperatingSystems": [{"Name": "Windows Server 2022", "Value": len(machines)}],
            "MachineType": "Virtual",
            "MachinesInMaintenanceMode": sum(1 for m in machines if m.in_maintenance),
            "OffMachines": sum(1 for m in machines if m.power_state == "Off"),
            "RegisteredMachines": len(registered),
            "SecureIcaRequired": False,
            "TotalApplicationGroups": 0,
            "TotalMachines": len(machines),
            "IsPowerManaged": any(m.power_managed for m in machines),
        })
    return model


def job_status(job, now=None):
    """(Status, percent) from the job's age: NotStarted, then InProgress, then done."""
    if job.canceled:
        return "Canceled", 100
    age = (time.monotonic() if now is None else now) - job.created_mono
    if age < job.duration * 0.2:
        return "NotStarted", 0
    if age < job.duration:
        return "InProgress", min(99, int(100 * age / job.duration))
    return ("Failed" if job.error else "Complete"), 100


def job_model(job):
    status, percent = job_status(job)
    model = {
        "Id": job.id,
        "Type": job.type,
        "Status": status,
        "OverallProgressPercent": percent,
        "IsCancellable": status in ("NotStarted", "InProgress"),
        "Parameters": job.parameters,
        "SubJobs": [],
        "CreationTime": now_iso(job.created),
        "FormattedCreationTime": now_iso(job.created),
    }
    if status != "NotStarted":
        model["StartTime"] = model["FormattedStartTime"] = now_iso(job.created + job.duration * 0.2)
    if status in ("Complete", "Failed", "Canceled"):
        model["EndTime"] = model["FormattedEndTime"] = now_iso(job.created + job.duration)
    if status == "Failed":
        model.update({"ErrorString": job.error, "ErrorCode": "UnknownError", "ErrorParameters": []})
    if status == "Complete" and job.result_location:
        model["ResultLocation"] = job.result_location
    return model
