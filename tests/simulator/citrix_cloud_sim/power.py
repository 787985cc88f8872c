"""Power actions: which machines accept them and the PowerState sequence each one walks through.

A 200 from DaaS means the action was *queued*: the machine keeps its state with
PowerActionPending true, then moves one state every ``power_seconds`` (On -> TurningOff -> Off ->
TurningOn -> On for a reboot). Actions sent while another is pending queue behind it, as the
broker does.
"""

import time

from .errors import daas_error

# DaaS verb -> the SupportedPowerActions entry it needs.
ACTION_NEEDS = {
    "start": "PowerOn",
    "shutdown": "Shutdown",
    "reboot": "Restart",
    "suspend": "SuspendResume",
    "resume": "SuspendResume",
}
# Hard variants (?force=true) use the hypervisor's power off / reset.
FORCED_NEEDS = {"shutdown": "PowerOff", "reboot": "Reset"}

MANAGED_ACTIONS = ["PowerOn", "PowerOff", "Shutdown", "Restart", "Reset", "SuspendResume"]
UNSUPPORTED_MESSAGE = "Machine does not support specified power action."


def transitions(action, state):
    """The states a machine in ``state`` goes through for ``action``; [] when already there."""
    if action == "start":
        return {"Off": ["TurningOn", "On"], "Suspended": ["Resuming", "On"]}.get(state, [])
    if action == "shutdown":
        return ["TurningOff", "Off"] if state in ("On", "Suspended") else []
    if action == "reboot":
        if state == "On":
            return ["TurningOff", "Off", "TurningOn", "On"]
        return ["TurningOn", "On"] if state == "Off" else []
    if action == "suspend":
        return ["Suspending", "Suspended"] if state == "On" else []
    if action == "resume":
        return ["Resuming", "On"] if state == "Suspended" else []
    raise ValueError(action)


def check_supported(machine, action, force=False):
    needed = (FORCED_NEEDS.get(action) if force else None) or ACTION_NEEDS[action]
    if not machine.power_managed or needed not in MANAGED_ACTIONS:
        raise daas_error(400, UNSUPPORTED_MESSAGE, "PowerActionsNotSupported")


def queue_action(world, machine, action, step_seconds, force=False):
    """Validate and queue ``action`` on ``machine``; the caller records it in the stats."""
    check_supported(machine, action, force)
    now = time.monotonic()
    # Plan from the state the machine will be in once earlier queued actions are done.
    start_at = machine.steps[-1][0] if machine.steps else now
    final_state = machine.steps[-1][1] if machine.steps else machine.power_state
    for i, state in enumerate(transitions(action, final_state), start=1):
        machine.steps.append((start_at + i * step_seconds, state))
    if machine.steps:
        world.busy.add(machine.id)
