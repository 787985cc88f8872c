# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The power journal: what a killed run may have sent is never sent again while the service may act on it."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _power_plan as power
from ansible_collections.citrix.cloud.plugins.module_utils import _power_journal as pj
from ansible_collections.citrix.cloud.plugins.module_utils import _run_lock as run_lock
from ansible_collections.citrix.cloud.tests.unit.plugins.module_utils.test_power_transport import Service, machines

T0 = 1_800_000_000.0


def journal_for(folder, service=None, warn=None):
    clock = (lambda: T0 + service.now) if service is not None else (lambda: T0)
    return pj.Journal(str(folder), 'power-x.journal', warn=warn, clock=clock)


def entry(machine_id, action='reboot', state='On', **extra):
    return dict(machine={'Id': machine_id, 'PowerState': state, 'PowerActionPending': False,
                         'Hosting': {'LastHostingUpdateTime': '2026-12-01T00:00:00Z', 'Other': 'x'}},
                action=action, **extra)


def test_records_fold_by_machine_and_forget_what_is_settled(tmp_path):
    journal = journal_for(tmp_path / 'j')
    journal.sending([entry('m0'), entry('m1'), entry('m2')])
    journal.job([entry('m1')], 'job-7')
    journal.mark(['m2'], False)
    journal.close()
    path = tmp_path / 'j' / 'power-x.journal'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    live = journal.load()
    assert sorted(live) == ['m0', 'm1']
    assert live['m0'] == dict(action='reboot', at=T0, job=None, job_at=None, taken=None,
                              before={'Id': 'm0', 'PowerState': 'On', 'PowerActionPending': False,
                                      'Hosting': {'LastHostingUpdateTime': '2026-12-01T00:00:00Z'}})
    assert live['m1']['job'] == 'job-7'
    # compacted: m2 is gone from the file, and reading again gives the same
    assert 'm2' not in path.read_text() and journal.load() == live
    journal.sending([entry('m0', 'shutdown')])  # a later send replaces the earlier record
    assert journal.load()['m0']['action'] == 'shutdown'


def test_records_expire_when_the_service_can_no_longer_act(tmp_path):
    now = [T0]
    journal = pj.Journal(str(tmp_path), 'power-x.journal', clock=lambda: now[0])
    journal.sending([entry('flight'), entry('job'), entry('taken')])
    journal.job([entry('job')], 'job-1')
    journal.mark(['taken'], True)
    now[0] = T0 + pj.IN_FLIGHT_FOR + 1
    assert sorted(journal.load()) == ['job', 'taken']
    now[0] = T0 + max(pj.JOB_FOR, pj.TAKEN_FOR) + 1
    assert journal.load() == {}
    assert (tmp_path / 'power-x.journal').read_text() == ''


def test_lines_not_written_here_are_ignored(tmp_path):
    journal = journal_for(tmp_path)
    journal.sending([entry('m0')])
    journal.close()
    with open(tmp_path / 'power-x.journal', 'a') as f:
        f.write('not json\n[1, 2]\n{"machine": "m9", "taken": true}\n{"machine": "m1", "action": "reboot"}\n{"mach')
    assert sorted(journal.load()) == ['m0']


def test_settled_keeps_what_was_taken_and_forgets_the_rest(tmp_path):
    journal = journal_for(tmp_path)
    entries = [entry('ok', sent=True, sends=1), entry('refused', sends=1), entry('never', sends=0)]
    journal.sending(entries)
    journal.settled(entries)
    live = journal.load()
    assert sorted(live) == ['ok'] and live['ok']['taken'] is True


def test_an_unwritable_journal_warns_once_and_the_run_goes_on(tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    told = []
    journal = pj.Journal(str(blocker / 'cache'), 'power-x.journal', warn=told.append)
    journal.sending([entry('m0')])
    journal.sending([entry('m1')])
    journal.settled([entry('m0', sent=True)])
    assert len(told) == 1 and 'cannot be written' in told[0]
    assert journal.load() == {}


def test_the_journal_sits_beside_the_lock(tmp_path):
    held = run_lock.Held(str(tmp_path), run_lock.lock_name('https://x/cvad/manage', 'acme'))
    journal = pj.for_lock(held)
    assert journal.folder == str(tmp_path) and journal.name == held.name[:-len('.lock')] + '.journal'
    assert isinstance(pj.for_lock(None), pj.NoJournal) and pj.for_lock(None).load() == {}


# ---------------------------------------------------------------- a re-run after a killed run

def killed_run(service, journal, ids, action='reboot', job=None):
    """What a run killed right after sending leaves: the journal's records, and the service's work to come."""
    journal.sending([dict(machine=dict(service.machines[i]), action=action) for i in ids])
    if job:
        journal.job([dict(machine=dict(service.machines[i])) for i in ids], job)
    journal.close()


def rerun(service, journal, state='restarted'):
    ms = [dict(m) for m in service.machines.values()]
    taken, held = pj.settle_earlier(service, journal, ms)
    entries = power.plan(ms, state, taken=taken, held=held)
    power.execute(service, entries, how='parallel', journal=journal)
    return dict((e['machine']['Id'], e) for e in entries)


def test_a_send_the_service_acts_on_late_is_waited_for_then_unchanged(tmp_path):
    service = Service(machines(3))
    journal = journal_for(tmp_path, service)
    killed_run(service, journal, ['m0', 'm1'])
    service.scheduled += [(30.0, 'm0', 'reboot'), (45.0, 'm1', 'reboot')]  # held by a slow gateway
    results = rerun(service, journal)
    assert sorted(service.received) == [('m0', 'reboot'), ('m1', 'reboot'), ('m2', 'reboot')]
    assert 45.0 <= service.now < pj.SETTLE_WAIT
    for machine_id in ('m0', 'm1'):
        assert results[machine_id]['result'] == 'unchanged', results[machine_id]
        assert 'reboot a run on this controller sent at' in results[machine_id]['message']
        assert 'pending' in results[machine_id]['message']
    assert results['m2']['result'] == 'changed'
    assert journal.load()['m0']['taken'] is True


def test_no_evidence_while_the_service_may_still_act_holds_the_machine_unsent(tmp_path):
    service = Service(machines(2))
    journal = journal_for(tmp_path, service)
    killed_run(service, journal, ['m0'])  # the request never arrives: nothing will ever show
    results = rerun(service, journal)
    assert service.received == [('m1', 'reboot')] and service.posts == [('m1', '$reboot')]
    assert service.now >= pj.SETTLE_WAIT
    assert results['m0']['result'] == 'failed' and results['m0']['action'] is None
    assert 'no action was sent' in results['m0']['message'] and 'run the task again after' in results['m0']['message']
    assert journal.load()['m0']['taken'] is None  # still in doubt for the next run


def test_once_the_service_can_no_longer_act_the_machine_is_planned_from_its_state(tmp_path):
    service = Service(machines(1))
    journal = journal_for(tmp_path, service)
    killed_run(service, journal, ['m0'])
    service.now = pj.IN_FLIGHT_FOR - 20.0  # the killed run's send is old: 20 s of its life remain
    results = rerun(service, journal)
    assert service.now >= pj.IN_FLIGHT_FOR  # waited out the rest, no evidence
    assert results['m0']['result'] == 'changed' and service.received == [('m0', 'reboot')]


def test_a_batch_job_that_ended_is_the_answer(tmp_path):
    service = Service(machines(2))
    journal = journal_for(tmp_path, service)
    job = service._new_job('Complete', {'Items': []}).headers['Location'].rsplit('/', 1)[1]
    killed_run(service, journal, ['m0', 'm1'], job=job)
    service._take('m0', 'reboot')  # the job did m0's reboot only
    results = rerun(service, journal)
    assert service.now < 10
    assert results['m0']['result'] == 'unchanged' and results['m1']['result'] == 'changed'
    assert sorted(service.received) == [('m0', 'reboot'), ('m1', 'reboot')]


def test_a_pending_action_another_run_sent_names_it_only_when_it_is_this_request(tmp_path):
    service = Service(machines(2))
    journal = journal_for(tmp_path, service)
    for machine_id in ('m0', 'm1'):
        service._take(machine_id, 'shutdown')
    journal.sending([dict(machine=dict(service.machines[i], PowerActionPending=False), action='shutdown')
                     for i in ('m0', 'm1')])
    journal.mark(['m0', 'm1'], True)
    stopped = rerun(service, journal, state='stopped')
    assert {e['result'] for e in stopped.values()} == {'unchanged'}
    restarted = rerun(service, journal, state='restarted')  # a shutdown is not a restart
    assert {(e['result'], e['reason']) for e in restarted.values()} == {('skipped', power.PENDING)}
    assert service.posts == []


def test_records_of_machines_not_selected_are_left_for_their_runs(tmp_path):
    service = Service(machines(2))
    journal = journal_for(tmp_path, service)
    journal.sending([dict(machine={'Id': 'other-machine', 'PowerState': 'On'}, action='reboot')])
    results = rerun(service, journal)
    assert service.now < 1 and {e['result'] for e in results.values()} == {'changed'}
    assert journal.load()['other-machine']['taken'] is None


@pytest.mark.parametrize('how', ['parallel', 'batch'])
def test_the_transports_record_each_send_before_it_goes(tmp_path, how):
    service = Service(machines(3))
    journal = journal_for(tmp_path, service)
    seen = []
    original = journal.sending

    def sending(entries):
        seen.append((len(service.received), [e['machine']['Id'] for e in entries]))
        original(entries)
    journal.sending = sending
    entries = power.plan(list(service.machines.values()), 'restarted')
    power.execute(service, entries, how=how, journal=journal)
    assert sorted(i for received, ids in seen for i in ids) == ['m0', 'm1', 'm2']
    assert seen[0][0] == 0  # recorded before the service got anything
    lines = [json.loads(line) for line in (tmp_path / 'power-x.journal').read_text().splitlines()]
    assert ('job' in {k for line in lines for k in line}) == (how == 'batch')
    assert {i: r['taken'] for i, r in journal.load().items()} == {'m0': True, 'm1': True, 'm2': True}


def test_held_machines_fail_only_where_this_run_would_act():
    ms = [{'Id': 'idle', 'PowerState': 'On', 'SessionCount': 0, 'PowerActionPending': False},
          {'Id': 'busy', 'PowerState': 'On', 'SessionCount': 2, 'PowerActionPending': False},
          {'Id': 'off', 'PowerState': 'Off', 'SessionCount': 0, 'PowerActionPending': False}]
    held = dict((m['Id'], 'may still act') for m in ms)
    results = dict((e['machine']['Id'], e) for e in power.plan(ms, 'stopped', held=held))
    assert (results['idle']['result'], results['idle']['message'], results['idle']['action']) == ('failed', 'may still act', None)
    assert results['busy']['result'] == 'skipped' and results['off']['result'] == 'unchanged'
