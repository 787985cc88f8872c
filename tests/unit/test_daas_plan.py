# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests for the pure DaaS planning: power, maintenance, sessions, filters, names, sites."""
from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _daas as daas
from ansible_collections.citrix.cloud.plugins.module_utils import _daas_maintenance as maint
from ansible_collections.citrix.cloud.plugins.module_utils import _daas_power as power
from ansible_collections.citrix.cloud.plugins.module_utils import _daas_sessions as sessions

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


# ---------------------------------------------------------------- power: the state table

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
    assert daas.machine_result(m, 'skipped')['session_count'] is None
    assert daas.filter_machines([m], idle=True) == [] and daas.filter_machines([m], idle=False) == [m]


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
    assert daas.summarize(results) == dict(changed=1, unchanged=0, skipped=3, failed=0, total=4)
    assert set(results[0]) >= {'id', 'name', 'power_state', 'session_count', 'result', 'reason',
                               'message', 'transaction_id', 'in_maintenance_mode'}


def test_maintenance_mode_does_not_block_power_actions():
    assert outcome(machine('On', InMaintenanceMode=True), 'restarted')[0] == 'reboot'


# ---------------------------------------------------------------- power: waiting

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


# ---------------------------------------------------------------- maintenance

def test_maintenance_patches_only_where_it_differs():
    on, off = {'InMaintenanceMode': True}, {'InMaintenanceMode': False}
    assert maint.wanted_body(on, True) is None
    assert maint.wanted_body(off, False) is None
    assert maint.wanted_body(off, True) == {'InMaintenanceMode': True}
    assert maint.wanted_body(on, False) == {'InMaintenanceMode': False}


def test_maintenance_sends_only_the_mode_never_a_reason():
    assert maint.wanted_body({'InMaintenanceMode': False, 'MaintenanceModeReason': 'None'}, True) == {
        'InMaintenanceMode': True}
    assert maint.wanted_body({'InMaintenanceMode': True, 'MaintenanceModeReason': 'Administrator'}, True) is None


def test_maintenance_results_carry_the_machines_own_reason():
    entries = maint.plan([{'Id': 'a', 'InMaintenanceMode': True, 'MaintenanceModeReason': 'MaxFailedRegistrations'},
                          {'Id': 'b', 'InMaintenanceMode': False, 'MaintenanceModeReason': 'None'}], True)
    results = maint.to_results(entries)
    assert [(r['result'], r['maintenance_mode_reason']) for r in results] == [
        ('unchanged', 'MaxFailedRegistrations'), ('changed', None)]


def test_maintenance_results():
    entries = maint.plan([{'Id': 'a', 'InMaintenanceMode': False}, {'Id': 'b', 'InMaintenanceMode': True}], True)
    results = maint.to_results(entries)
    assert [(r['id'], r['result'], r['in_maintenance_mode']) for r in results] == [
        ('a', 'changed', True), ('b', 'unchanged', True)]


# ---------------------------------------------------------------- sessions

SESSIONS = [
    {'Id': 's1', 'State': 'Active', 'Machine': {'Id': 'm1', 'Name': 'DEMOLAB\\A'},
     'User': {'SamName': 'DEMOLAB\\alice', 'PrincipalName': 'alice@demolab.local'}},
    {'Id': 's2', 'State': 'Disconnected', 'Machine': {'Id': 'm2', 'Name': 'DEMOLAB\\B'},
     'User': {'SamName': 'DEMOLAB\\bob'}},
    {'Id': 's3', 'State': 'Active', 'LogoffInProgress': True, 'Machine': {'Id': 'm2'},
     'User': {'SamName': 'DEMOLAB\\carol'}},
]


def ids(found):
    return [s['Id'] for s in found]


def test_session_filters():
    assert ids(sessions.filter_sessions(SESSIONS, machine_ids={'m2'})) == ['s2', 's3']
    assert ids(sessions.filter_sessions(SESSIONS, users=['demolab\\ALICE'])) == ['s1']
    assert ids(sessions.filter_sessions(SESSIONS, users=['alice@demolab.local'])) == ['s1']
    assert ids(sessions.filter_sessions(SESSIONS, states=['Disconnected'])) == ['s2']
    assert ids(sessions.filter_sessions(SESSIONS, ids={'s3'})) == ['s3']
    assert sessions.filter_sessions(SESSIONS, machine_ids=set()) == []


def test_session_plans_are_idempotent():
    off = [e['result'] for e in sessions.plan(SESSIONS, 'logged_off')]
    disc = [e['result'] for e in sessions.plan(SESSIONS, 'disconnected')]
    assert off == ['act', 'act', 'unchanged']
    assert disc == ['act', 'unchanged', 'act']


def test_a_message_is_an_action_every_session_gets():
    entries = sessions.plan(SESSIONS, 'messaged')
    assert [(e['action'], e['result']) for e in entries] == [('sendMessage', 'act')] * len(SESSIONS)
    assert [r['result'] for r in sessions.to_results(entries)] == ['changed'] * len(SESSIONS)


def test_calls_put_the_message_first_and_message_mode_sends_only_it():
    message = {'title': 'T', 'text': 'X', 'style': 'Critical'}
    body = {'Title': 'T', 'Text': 'X', 'Style': 'Critical'}
    assert sessions.calls('sendMessage', message) == [('sendMessage', body)]
    assert sessions.calls('logoff', message) == [('sendMessage', body), ('logoff', None)]
    assert sessions.calls('disconnect', None) == [('disconnect', None)]


def test_message_body_uses_the_schema_field_names():
    assert sessions.message_body({'title': 'T', 'text': 'X', 'style': None}) == {
        'Title': 'T', 'Text': 'X', 'Style': 'Information'}


# ---------------------------------------------------------------- machine filters

MACHINES = [
    {'Id': '1', 'PowerState': 'On', 'RegistrationState': 'Registered', 'InMaintenanceMode': False, 'SessionCount': 0},
    {'Id': '2', 'PowerState': 'On', 'RegistrationState': 'Unregistered', 'InMaintenanceMode': True, 'SessionCount': 2},
    {'Id': '3', 'PowerState': 'Off', 'RegistrationState': 'Unregistered', 'InMaintenanceMode': False},
]


@pytest.mark.parametrize('kwargs,expected', [
    ({}, ['1', '2', '3']),
    ({'power_state': ['On']}, ['1', '2']),
    ({'registration_state': ['Unregistered']}, ['2', '3']),
    ({'in_maintenance_mode': True}, ['2']),
    ({'in_maintenance_mode': False}, ['1', '3']),
    ({'idle': True}, ['1']),  # 3's SessionCount was not reported: unknown is busy, never idle
    ({'idle': False}, ['2', '3']),
    ({'power_state': ['On'], 'idle': True}, ['1']),
])
def test_machine_filters(kwargs, expected):
    assert [m['Id'] for m in daas.filter_machines(MACHINES, **kwargs)] == expected


# ---------------------------------------------------------------- names in paths

@pytest.mark.parametrize('name,segment', [
    ('DEMOLAB\\EAGLE', 'DEMOLAB%7CEAGLE'),
    ('Pool A (test)', 'Pool%20A%20%28test%29'),
    ('x?y#z%', 'x%3Fy%23z%25'),
    ('Zürich', 'Z%C3%BCrich'),
    ('0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9', '0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9'),
])
def test_names_become_one_encoded_segment(name, segment):
    assert daas.path_segment(name) == segment
    assert '/' not in daas.path_segment(name)


@pytest.mark.parametrize('name', ['', '  ', 'a/b', '../x', '..', '.', 'a|b', 'a\nb', 'a\x00b', 'tab\there', None])
def test_names_that_could_escape_their_segment_are_refused(name):
    with pytest.raises(ValueError):
        daas.path_segment(name)


def test_ref_matches_by_name_or_id_case_insensitively():
    ref = {'Id': 'ABC', 'Name': 'DEMOLAB\\Eagle'}
    assert daas.ref_matches(ref, 'demolab\\EAGLE') and daas.ref_matches(ref, 'abc')
    assert not daas.ref_matches(ref, 'EAGLE') and not daas.ref_matches(None, 'x')


# ---------------------------------------------------------------- sites

ME = {'Customers': [
    {'Id': 'acme', 'Name': 'Acme', 'Sites': [{'Id': 'site-1', 'Name': 'Acme Site'}]},
    {'Id': 'other', 'Name': 'Other', 'Sites': [{'Id': 'site-2', 'Name': 'B'}, {'Id': 'site-3', 'Name': 'C'}]},
]}


def test_the_customers_own_site_is_picked():
    assert daas.pick_site(daas.sites_from_me(ME, 'ACME')) == 'site-1'


def test_several_sites_fail_listing_them_by_name_and_id():
    with pytest.raises(ValueError) as err:
        daas.pick_site(daas.sites_from_me(ME, 'other'))
    assert 'B (site-2), C (site-3)' in str(err.value) and 'site_id' in str(err.value)


def test_no_site_fails_saying_so():
    with pytest.raises(ValueError, match='No DaaS site'):
        daas.pick_site(daas.sites_from_me({'Customers': []}, 'acme'))


def test_sites_of_every_customer_when_me_does_not_name_ours():
    assert [s['Id'] for s in daas.sites_from_me(ME, 'unknown')] == ['site-1', 'site-2', 'site-3']
