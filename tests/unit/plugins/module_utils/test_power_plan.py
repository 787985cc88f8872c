# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_power_plan.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._results import machine_result, summarize
from ansible_collections.citrix.cloud.plugins.module_utils._selection import filter_machines
from ansible_collections.citrix.cloud.plugins.module_utils import _power_plan as power


ALL_ACTIONS = ['PowerOn', 'PowerOff', 'SuspendResume', 'Restart', 'Reset', 'Shutdown']


def machine(power_state='On', sessions_=0, pending=False, supported=None, **extra):
    item = dict(Id='id-%s' % power_state, Name='DEMOLAB\\VDA1', PowerState=power_state,
                SessionCount=sessions_, PowerActionPending=pending,
                SupportedPowerActions=ALL_ACTIONS if supported is None else supported)
    item.update(extra)
    return item


def outcome(m, state, force=False, skip_busy=None):
    action, result, reason = power.plan_machine(m, state, force, power.resolve_skip_busy(state, skip_busy))
    return action, result, reason


@pytest.mark.parametrize('state,power_state,action', [
    ('started', 'Off', 'start'), ('started', 'Suspended', 'start'),
    ('stopped', 'On', 'shutdown'), ('stopped', 'Suspended', 'shutdown'),
    ('restarted', 'On', 'reboot'),
    ('suspended', 'On', 'suspend'),
    ('resumed', 'Suspended', 'resume'),
])
def test_machines_that_need_it_get_exactly_the_one_action(state, power_state, action):
    assert outcome(machine(power_state), state) == (action, 'act', None)


@pytest.mark.parametrize('state,power_state', [
    ('started', 'On'), ('started', 'TurningOn'), ('started', 'Resuming'),
    ('stopped', 'Off'), ('stopped', 'TurningOff'),
    ('suspended', 'Suspended'), ('suspended', 'Suspending'),
    ('resumed', 'On'), ('resumed', 'Resuming'), ('resumed', 'TurningOn'),
])
def test_machines_already_there_are_unchanged(state, power_state):
    assert outcome(machine(power_state), state) == (None, 'unchanged', None)


@pytest.mark.parametrize('power_state', ['Off', 'Suspended', 'TurningOn', 'TurningOff'])
def test_restarted_acts_only_on_machines_that_are_on(power_state):
    action, result, reason = outcome(machine(power_state), 'restarted')
    assert (action, result) == (None, 'skipped')
    assert 'power state is %s' % power_state in reason and 'acts only on machines that are On' in reason


@pytest.mark.parametrize('power_state', power.UNMANAGED)
@pytest.mark.parametrize('state', power.STATES)
def test_unmanaged_power_states_are_skipped_before_anything_else(state, power_state):
    action, result, reason = outcome(machine(power_state, sessions_=3, pending=True), state)
    assert (action, result) == (None, 'skipped')
    assert reason == 'power action not supported: power state is %s' % power_state


@pytest.mark.parametrize('state', power.STATES)
def test_a_pending_power_action_is_never_followed_by_another(state):
    for power_state in ('On', 'Off', 'Suspended'):
        assert outcome(machine(power_state, pending=True), state) == (
            None, 'skipped', 'a power action is already pending')


@pytest.mark.parametrize('state,power_state,needed', [
    ('restarted', 'On', 'Restart'), ('started', 'Off', 'PowerOn'), ('stopped', 'On', 'Shutdown'),
    ('suspended', 'On', 'SuspendResume'), ('resumed', 'Suspended', 'SuspendResume'),
])
def test_actions_missing_from_supported_power_actions_are_skipped(state, power_state, needed):
    supported = [a for a in ALL_ACTIONS if a != needed]
    action, result, reason = outcome(machine(power_state, supported=supported), state)
    assert (action, result) == (None, 'skipped')
    assert reason.startswith('power action not supported: %s is not among' % needed)


@pytest.mark.parametrize('state,needed', [('restarted', 'Reset'), ('stopped', 'PowerOff')])
def test_force_needs_the_hard_variant(state, needed):
    supported = [a for a in ALL_ACTIONS if a != needed]
    assert outcome(machine('On', supported=supported), state)[0] is not None
    assert outcome(machine('On', supported=supported), state, force=True)[1] == 'skipped'


@pytest.mark.parametrize('supported', [None, ['Unknown']])
def test_an_unknown_supported_list_leaves_it_to_the_service(supported):
    m = machine('On')
    m['SupportedPowerActions'] = supported
    assert outcome(m, 'restarted')[0] == 'reboot'


def test_an_empty_supported_list_means_none_supported():
    assert outcome(machine('On', supported=[]), 'restarted')[1] == 'skipped'


@pytest.mark.parametrize('state', ['restarted', 'stopped', 'suspended'])
def test_busy_machines_are_skipped_by_default_where_sessions_would_end(state):
    assert outcome(machine('On', sessions_=2), state) == (None, 'skipped', 'has 2 sessions')
    assert outcome(machine('On', sessions_=1), state)[2] == 'has 1 session'
    assert outcome(machine('On', sessions_=2), state, skip_busy=False)[1] == 'act'


@pytest.mark.parametrize('state', ['restarted', 'stopped', 'suspended'])
@pytest.mark.parametrize('count', ['absent', None, '0', True])
def test_a_machine_whose_session_count_is_unknown_is_busy_never_idle(state, count):
    m = machine('On')
    if count == 'absent':
        del m['SessionCount']
    else:
        m['SessionCount'] = count
    action, result, reason = outcome(m, state)
    assert (action, result) == (None, 'skipped') and reason.startswith('session count unknown')
    assert outcome(m, state, skip_busy=False)[1] == 'act'
    assert machine_result(m, 'skipped')['session_count'] is None
    assert filter_machines([m], idle=True) == [] and filter_machines([m], idle=False) == [m]


def test_skip_busy_defaults_by_state():
    assert [power.resolve_skip_busy(s) for s in power.STATES] == [False, True, True, True, False]
    assert power.resolve_skip_busy('started', True) is True
    assert power.resolve_skip_busy('restarted', False) is False


def test_plan_and_check_mode_results_report_every_machine_once():
    machines = [machine('On'), machine('On', sessions_=1, Id='busy'), machine('Off', Id='off'),
                machine('Unmanaged', Id='um')]
    entries = power.plan(machines, 'restarted')
    results = power.to_results(entries)
    assert [r['result'] for r in results] == ['changed', 'skipped', 'skipped', 'skipped']
    assert [r['action'] for r in results] == ['reboot', None, None, None]
    assert summarize(results) == dict(changed=1, unchanged=0, skipped=3, failed=0, total=4)
    assert set(results[0]) >= {'id', 'name', 'power_state', 'session_count', 'result', 'reason',
                               'message', 'transaction_id', 'in_maintenance_mode'}


def test_maintenance_mode_does_not_block_power_actions():
    assert outcome(machine('On', InMaintenanceMode=True), 'restarted')[0] == 'reboot'


def test_reached_needs_no_pending_action():
    assert power.reached({'PowerState': 'On'}, 'restarted')
    assert not power.reached({'PowerState': 'On', 'PowerActionPending': True}, 'restarted')
    assert not power.reached({'PowerState': 'TurningOn'}, 'started')
    assert power.reached({'PowerState': 'Off'}, 'stopped')


def test_poll_intervals_grow_and_stay_within_the_timeout():
    steps = list(power.poll_intervals(60))
    assert abs(sum(steps) - 60) < 1e-9
    assert steps[0] == 2.0 and all(b >= a or b == steps[-1] for a, b in zip(steps, steps[1:]))
    assert max(steps) <= 30.0
