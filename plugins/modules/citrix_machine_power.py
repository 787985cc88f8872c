#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: citrix_machine_power
short_description: Start, stop, restart, suspend or resume Citrix DaaS machines, safely and in parallel
version_added: 1.0.0
author:
  - Contributors to the citrix.cloud project (@citrix)
description:
  - Brings the selected machines of a Citrix DaaS site to a power state, with one planned action
    and one result per machine.
  - Each machine ends V(changed) (the action was sent, or in check mode would be),
    V(unchanged) (already in that state), V(skipped) with a RV(machines[].reason) (has sessions,
    power action not supported, action already pending, not in a state the action applies to)
    or V(failed) with the service's message and transaction id.
  - Machines that cannot take the action (C(SupportedPowerActions) lacks it, or C(PowerState) is
    C(Unmanaged), C(NotSupported), C(Unknown), C(Unavailable) or C(VirtualMachineNotFound)) and
    machines with C(PowerActionPending) are skipped before any power call; a machine whose pending
    action is the one this task asks for, sent by a run on this controller, is V(unchanged) instead
    (see the notes).
  - Each machine gets its action at most once. It is sent again only where the service provably
    did not take it. Refused with 401 (then with a fresh token) or a connection refused before
    sending, it is sent again within at most 3 sends; throttled with 429 or turned away by the
    Citrix Cloud gateway with its 503 (C(serviceUnavailable)), it is sent again without counting
    a send. Any other outcome (no answer, a time-out, a 5xx from DaaS itself) is
    settled by evidence - the job's results, then the machine's C(PowerActionPending) and power
    state - for as long as the service can still act on the request (90 seconds after the send, or
    the life of its job). A machine still without evidence then is V(failed) with a message saying
    the action may have been taken; it is never sent twice, and a re-run re-plans from the
    machine's state.
  - Throttling (429) and the gateway's 503 are waited out for up to 300 seconds of waiting, whatever
    the number of tries, so a rate limit or a gateway's hiccup slows the task down rather than
    failing it.
  - At most O(parallelism) requests are in flight at once, in every phase.
  - The task fails when any machine V(failed), after every other machine was acted on and reported.
options:
  state:
    description:
      - V(started) sends C($start) to machines that are C(Off) or C(Suspended); C(On), C(TurningOn)
        and C(Resuming) are V(unchanged).
      - V(stopped) sends C($shutdown) to machines that are C(On) or C(Suspended); C(Off) and
        C(TurningOff) are V(unchanged).
      - V(restarted) sends C($reboot) to machines that are C(On), and only to those. A machine that
        is C(Off) or C(Suspended) is V(skipped), not started; it is not V(unchanged) either, since it
        was not restarted. Use V(started) for those.
      - V(suspended) sends C($suspend) to machines that are C(On); C(Suspended) and C(Suspending)
        are V(unchanged).
      - V(resumed) sends C($resume) to machines that are C(Suspended); C(On), C(TurningOn) and
        C(Resuming) are V(unchanged).
      - Machines in any other power state are V(skipped) with the reason.
    type: str
    required: true
    choices: [started, stopped, restarted, suspended, resumed]
  force:
    description:
      - For V(stopped) and V(restarted), a hard power off or reset through the hypervisor
        (C(force=true)) instead of a shutdown or restart of Windows. Needs C(PowerOff) or C(Reset)
        among the machine's C(SupportedPowerActions).
    type: bool
    default: false
  skip_busy:
    description:
      - Skip machines that have sessions, so no user loses work. A machine whose session count
        the service did not report is skipped too, with reason C(session count unknown), since
        unknown is busy.
      - When not set, V(true) for V(restarted), V(stopped) and V(suspended), V(false) for
        V(started) and V(resumed).
    type: bool
  wait:
    description:
      - Wait until every machine acted on reaches the target power state (for V(restarted),
        C(On) with no power action pending), polling with a growing interval.
      - A machine that does not get there within O(wait_timeout) is V(failed).
      - Without O(wait), V(changed) means the service queued the action.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait in all with O(wait), from 1 to 86400.
    type: int
    default: 600
  transport:
    description:
      - How the power actions reach DaaS.
      - V(batch) sends them as Citrix's own client does, C(POST /cvad/manage/$batch?async=true), up
        to 100 machines a request, follows the job the service answers with and reads each
        machine's answer from the job's results. A machine whose item was throttled or refused 401
        goes in the next batch.
      - V(parallel) sends one call per machine (a power call only queues the action, so it answers
        quickly and needs no job).
      - With V(batch), O(parallelism) is how many batches are in flight.
      - Both follow the same rules for sending again. V(batch) needs about one request per 100
        machines instead of one per machine, so it is the faster, also when the service throttles.
    type: str
    choices: [batch, parallel]
    default: batch
  run_lock:
    description:
      - Take the run lock before reading the machines, so that runs on this controller acting on
        the same customer's site go one at a time (see the notes). Each run then reads and plans
        from the machines' state after the run before it.
      - Set V(false) only where no other run can act on the site at the same time, for example
        when the lock's folder cannot be made private. The journal of sends beside the lock (see
        the notes) is then neither read nor written.
    type: bool
    default: true
  lock_timeout:
    description:
      - Seconds to wait for the run lock while another run holds it, from 0 (do not wait) to
        86400. A run holds it while it reads, plans and sends, and while it waits for evidence
        of late answers (up to 90 seconds after a send, or a job's life), not during O(wait).
      - When it is not free in time, the task fails before any power action is sent.
    type: int
    default: 900
extends_documentation_fragment:
  - citrix.cloud.common.modules
  - citrix.cloud.common.daas
  - citrix.cloud.common.machines
  - citrix.cloud.common.maintenance_filter
  - citrix.cloud.common.parallelism
  - ansible.builtin.action_common_attributes
  - citrix.cloud.attributes.action
attributes:
  check_mode:
    details: Computes the same plan and results, and sends no power action.
notes:
  - At least one of O(name), O(catalog) and O(delivery_group) is required, so a typo can never
    act on every machine of the site.
  - A O(name) that matches no machine fails the task before any action is sent.
  - Maintenance mode itself never stops a power action; O(in_maintenance_mode) only selects machines by it.
  - Hypervisor connections throttle power actions on their own (for example 10 new actions a
    minute); DaaS queues what they cannot start yet.
  - Runs on one controller coordinate. Outside check mode, the module takes a lock for the
    customer's site (a file in the token cache's folder, E(CITRIX_TOKEN_CACHE_DIR), else
    C(${XDG_CACHE_HOME:-~/.cache}/citrix.cloud)) before it reads the machines, and keeps it
    until its actions are sent and settled. A second run of the same task started at the same
    time (a double-clicked job, two schedules, a re-run while the module of a killed playbook
    is still working) waits for it, then finds the machines already acted on (an action
    pending, or already in the state) and does not act on them again; a machine with the same
    action pending that a run on this controller sent is V(unchanged), with a RV(machines[].message)
    saying when it was sent. The task warns when it had to wait.
  - A run killed while its power actions were in flight (the playbook and its module stopped
    together) cannot say what the service did with them, and the service may still act on them
    for a while. So each run records the actions it is about to send in a journal beside the
    lock (machine ids, actions, times, job ids; nothing secret). The next run first waits for
    evidence of those actions (their batch job's end, the machine's C(PowerActionPending) or
    power state), up to 90 seconds. A machine that shows it is planned from its state, so it is
    V(unchanged) while that same action is pending or once the machine is in the state (a
    restart already done shows neither, so V(restarted) acts on the machine again). A machine that still shows
    nothing while the service may act on the earlier request (up to about 6.5 minutes after it
    was sent, or its job's life) is V(failed) unsent, with a message saying when to run the task
    again.
  - The lock's folder must be owned by the user running the module, writable by no one else and
    not a symbolic link, as for the token cache (a missing one is created with mode 0700). When
    it is not, or the file system has no locks, the task fails before any power action, since a
    lock another user could control proves nothing; fix the folder, set
    E(CITRIX_TOKEN_CACHE_DIR), or set O(run_lock=false).
  - The lock coordinates processes of one controller (one host or container) only. Automation
    controller (AWX) jobs that run in separate containers do not share it; keep such a job
    template's concurrent jobs setting off.
seealso:
  - module: citrix.cloud.citrix_machine_info
  - module: citrix.cloud.citrix_machine_maintenance
  - module: citrix.cloud.citrix_session
"""

EXAMPLES = r"""
- name: Power tasks with shared credentials
  module_defaults:
    group/citrix.cloud.all:
      customer_id: "{{ citrix_customer_id }}"
      client_id: "{{ citrix_client_id }}"
      client_secret: "{{ citrix_client_secret }}"
  block:
    - name: Reboot every machine of a catalog that has no sessions (busy ones are skipped)
      citrix.cloud.citrix_machine_power:
        catalog: DEMOLAB Servers
        state: restarted
      register: reboot

    - name: One line per machine, without a task per machine
      ansible.builtin.debug:
        msg: "{{ reboot.machines | map(attribute='name') | zip(reboot.machines | map(attribute='result')) | map('join', ': ') | list }}"

    - name: Start two machines and wait until they are on
      citrix.cloud.citrix_machine_power:
        name:
          - DEMOLAB\KESTREL
          - DEMOLAB\HAWK
        state: started
        wait: true
        wait_timeout: 900

    - name: Hard reset the unregistered machines of a delivery group, sessions or not
      citrix.cloud.citrix_machine_power:
        delivery_group: DEMOLAB Desktops
        registration_state: [Unregistered]
        power_state: ['On']
        state: restarted
        force: true
        skip_busy: false
"""

RETURN = r"""
machines:
  description: One result per selected machine, in the order the service listed them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Machine id.
      type: str
    name:
      description: Machine name, C(DOMAIN\\NAME).
      type: str
    dns_name:
      description: DNS name.
      type: str
    power_state:
      description: Power state when planned; with O(wait), the last one read.
      type: str
    session_count:
      description: Sessions on the machine when planned; V(null) where the service did not report it.
      type: int
    in_maintenance_mode:
      description: Whether the machine is in maintenance mode.
      type: bool
    action:
      description: The power action sent (or that check mode would send) - C(start), C(shutdown),
        C(reboot), C(suspend) or C(resume); V(null) when none.
      type: str
    result:
      description: V(changed), V(unchanged), V(skipped) or V(failed).
      type: str
    reason:
      description: Why the machine was skipped, for example C(has 2 sessions); else V(null).
      type: str
    message:
      description: The service's error for a failed machine, a note on a lost answer, or for an
        V(unchanged) machine the pending action a run on this controller sent; else V(null).
      type: str
    transaction_id:
      description: C(Citrix-TransactionId) of the power call, for Citrix support; else V(null).
      type: str
  sample:
    - id: 8d7c6b5a-4f3e-4d2c-b1a0-9f8e7d6c5b4a
      name: DEMOLAB\KESTREL
      dns_name: kestrel.demolab.local
      power_state: 'On'
      session_count: 0
      in_maintenance_mode: false
      action: reboot
      result: changed
      reason: null
      message: null
      transaction_id: 1f0c9a4e-6b2d-4c8f-9e3a-7d5b1c0f2e4a
    - id: 9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b
      name: DEMOLAB\OSPREY
      dns_name: osprey.demolab.local
      power_state: 'On'
      session_count: 2
      in_maintenance_mode: false
      action: null
      result: skipped
      reason: has 2 sessions
      message: null
      transaction_id: null
summary:
  description: How many machines ended in each result.
  returned: always
  type: dict
  contains:
    changed:
      description: Machines acted on.
      type: int
    unchanged:
      description: Machines already in the state.
      type: int
    skipped:
      description: Machines skipped, each with a reason.
      type: int
    failed:
      description: Machines whose action failed.
      type: int
    total:
      description: Machines selected.
      type: int
  sample:
    changed: 4
    unchanged: 0
    skipped: 8
    failed: 0
    total: 12
"""

from ansible_collections.citrix.cloud.plugins.module_utils._module import PARALLELISM_ARGS, CitrixCloudModule
from ansible_collections.citrix.cloud.plugins.module_utils._power_journal import for_lock, settle_earlier
from ansible_collections.citrix.cloud.plugins.module_utils._results import exit_with_results
from ansible_collections.citrix.cloud.plugins.module_utils._run_lock import LOCK_TIMEOUT, power_run
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_SELECTORS, MAINTENANCE_FILTER, selected_machines
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _power_plan as power
from ansible_collections.citrix.cloud.plugins.module_utils import _power_transport as transport


def main():
    module = CitrixCloudModule(
        argument_spec=dict(
            MACHINE_SELECTORS,
            **MAINTENANCE_FILTER,
            state=dict(type='str', required=True, choices=list(power.STATES)),
            force=dict(type='bool', default=False),
            skip_busy=dict(type='bool'),
            wait=dict(type='bool', default=False),
            wait_timeout=dict(type='int', default=600),
            **PARALLELISM_ARGS,
            transport=dict(type='str', default=transport.DEFAULT_TRANSPORT, choices=sorted(transport.TRANSPORTS)),
            run_lock=dict(type='bool', default=True),
            lock_timeout=dict(type='int', default=LOCK_TIMEOUT),
        ),
        required_one_of=[('name', 'catalog', 'delivery_group')],
        supports_check_mode=True,
        daas=True,
    )
    p = module.params

    with module.api_errors():
        if module.check_mode:
            machines = selected_machines(module, strict=True, workers=p['parallelism'])
            entries = power.plan(machines, p['state'], force=p['force'], skip_busy=p['skip_busy'])
        else:
            # Read and plan only once no other run on this controller is acting on the site, so
            # that the plan starts from what that run did; waiting sends nothing, so it is outside.
            with power_run(module.client, p['run_lock'], p['lock_timeout'], warn=module.warn) as held:
                machines = selected_machines(module, strict=True, workers=p['parallelism'])
                client = daas_client(module)
                journal = for_lock(held, warn=module.warn)
                taken, unsent = settle_earlier(client, journal, machines, p['parallelism'])
                entries = power.plan(machines, p['state'], force=p['force'], skip_busy=p['skip_busy'],
                                     taken=taken, held=unsent)
                power.execute(client, entries, force=p['force'], parallelism=p['parallelism'], how=p['transport'],
                              journal=journal)
            if p['wait']:
                power.wait_until_reached(client, entries, p['state'], p['wait_timeout'], p['parallelism'],
                                         catalog=p['catalog'], delivery_group=p['delivery_group'])
        # A long failure list would bury the message, so it names the first five.
        exit_with_results(module, power.to_results(entries), changed=power.any_changed(entries),
                          limit=5)


if __name__ == '__main__':
    main()
