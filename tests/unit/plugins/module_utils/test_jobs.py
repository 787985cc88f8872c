# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Async jobs against a real local server: polling, results, cancelling."""

from __future__ import annotations

import pytest

from werkzeug.wrappers import Response as WerkzeugResponse

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.tests.unit.conftest import SITE, TOKEN_PATH, answers, json_response
from ansible_collections.citrix.cloud.plugins.module_utils import _jobs as jobs


def job_server(httpserver, statuses):
    seen = answers(httpserver, '/cvad/manage/Jobs/j-1', [json_response({'Id': 'j-1', 'Status': s,
                                                                        'ErrorString': 'disk full'})
                                                         for s in statuses])
    cancels = answers(httpserver, '/cvad/manage/Jobs/j-1/$cancel', [WerkzeugResponse('', status=204)])
    return seen, cancels


def test_wait_for_job_polls_with_growing_interval(make_client, token_endpoint, httpserver, sleeps):
    seen, cancels = job_server(httpserver, ['NotStarted', 'InProgress', 'InProgress', 'Complete'])
    job = jobs.wait(make_client(), 'https://api.cloud.com/cvad/manage/Jobs/j-1')
    assert job['Status'] == 'Complete' and len(seen) == 4 and not cancels
    assert sleeps == sorted(sleeps) and sleeps[0] < sleeps[-1]
    assert seen[0][1].headers['Citrix-InstanceId'] == SITE


def test_wait_for_job_failed(make_client, token_endpoint, httpserver):
    job_server(httpserver, ['InProgress', 'Failed'])
    with pytest.raises(CitrixCloudError, match='job j-1 failed: disk full'):
        jobs.wait(make_client(), '/cvad/manage/Jobs/j-1')


def test_wait_for_job_cancels_on_timeout(make_client, token_endpoint, httpserver):
    seen, cancels = job_server(httpserver, ['InProgress'])
    now = [0.0]

    def fake_sleep(seconds):
        now[0] += seconds
    client = make_client(sleep=fake_sleep)
    client.clock = lambda: now[0]
    with pytest.raises(CitrixCloudError, match='did not finish within 60 s'):
        jobs.wait(client, '/cvad/manage/Jobs/j-1', timeout=60)
    assert len(cancels) == 1 and cancels[0][1].method == 'POST'
    assert 3 <= len(seen) <= 12


def test_poll_many_jobs_until_each_ends(make_client, token_endpoint, httpserver, sleeps):
    one = answers(httpserver, '/cvad/manage/Jobs/a', [json_response({'Status': 'InProgress'}),
                                                      json_response({'Status': 'Complete'})])
    two = answers(httpserver, '/cvad/manage/Jobs/b', [json_response({'Status': 'Failed', 'ErrorString': 'x'})])
    last = jobs.poll(make_client(), ['a', 'b'], parallelism=2)
    assert last['a']['Status'] == 'Complete' and last['b']['Status'] == 'Failed'
    assert len(one) == 2 and len(two) == 1  # an ended job is not asked again


def test_job_id_from_location():
    assert jobs.job_id('https://api.cloud.com/cvad/manage/Jobs/j-1') == 'j-1'
    assert jobs.job_id('/cvad/manage/Jobs/j-2/') == 'j-2'
    with pytest.raises(CitrixCloudError, match='no Location'):
        jobs.job_id('')


def test_time_left_from_progress():
    assert jobs.time_left({'Status': 'InProgress', 'OverallProgressPercent': 50}, 2.0) == 2.0
    assert jobs.time_left({'Status': 'InProgress', 'OverallProgressPercent': 80}, 4.0) == pytest.approx(1.0)
    # no progress to go by: the job does not report it, has made none, or says it is done
    for job in ({'Status': 'InProgress'}, {'Status': 'InProgress', 'OverallProgressPercent': None},
                {'Status': 'NotStarted', 'OverallProgressPercent': 0},
                {'Status': 'InProgress', 'OverallProgressPercent': 100},
                {'Status': 'InProgress', 'OverallProgressPercent': True},
                {'Status': 'InProgress', 'OverallProgressPercent': '50'},
                {'Status': 'Complete', 'OverallProgressPercent': 50}, None):
        assert jobs.time_left(job, 2.0) is None
    assert jobs.time_left({'Status': 'InProgress', 'OverallProgressPercent': 50}, 0.0) is None


def test_next_delay_is_the_schedule_or_sooner_never_too_soon():
    half = {'Status': 'InProgress', 'OverallProgressPercent': 50}
    assert jobs.next_delay(0.75, [half], 0.5) == 0.5  # ends in about 0.5 s: ask then
    assert jobs.next_delay(0.75, [half], 3.0) == 0.75  # the schedule is sooner
    assert jobs.next_delay(0.75, [{'Status': 'InProgress', 'OverallProgressPercent': 99}], 1.0) == jobs.SOONEST
    assert jobs.next_delay(0.75, [None, {'Status': 'InProgress'}], 1.0) == 0.75
    # several jobs: the one that ends first decides
    assert jobs.next_delay(2.0, [half, {'Status': 'InProgress', 'OverallProgressPercent': 80}], 1.0) == 0.25


def test_poll_asks_again_when_progress_says_the_job_ends(make_client, token_endpoint, httpserver):
    """A job half done after 0.5 s is asked again 0.5 s later, not at the next step of the schedule."""
    seen = answers(httpserver, '/cvad/manage/Jobs/j-1', [
        json_response({'Status': 'InProgress', 'OverallProgressPercent': 50}),
        json_response({'Status': 'Complete', 'OverallProgressPercent': 100}),
    ])
    now, slept = [0.0], []

    def fake_sleep(seconds):
        slept.append(seconds)
        now[0] += seconds
    client = make_client(sleep=fake_sleep)
    client.clock = lambda: now[0]
    last = jobs.poll(client, ['j-1'], parallelism=1, first=0.5)
    assert last['j-1']['Status'] == 'Complete' and len(seen) == 2
    assert slept == [0.5, 0.5]


def test_poll_stops_at_once_when_the_run_can_get_no_token(make_client, httpserver, sleeps):
    """Polling without a token would wait out the job's life (600 s) without a request: it fails instead."""
    answers(httpserver, TOKEN_PATH, [json_response({'error': 'invalid_client'}, 400)])
    polled = answers(httpserver, '/cvad/manage/Jobs/a', [json_response({'Status': 'InProgress'})])
    with pytest.raises(CitrixCloudError, match='refused the credentials'):
        jobs.poll(make_client(), ['a'])
    assert len(sleeps) == 1 and not polled


def test_poll_asks_again_after_a_failed_call(make_client, token_endpoint, httpserver, sleeps):
    seen = answers(httpserver, '/cvad/manage/Jobs/a', [json_response({}, 403), json_response({'Status': 'Complete'})])
    assert jobs.poll(make_client(), ['a'])['a']['Status'] == 'Complete'
    assert len(seen) == 2
