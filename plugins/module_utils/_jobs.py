# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DaaS async jobs: the job a 202 points at, polled until it ends, and its results.

Private to the collection. A call made with `async=true` answers 202 with `Location:
.../Jobs/{id}`; `GET /Jobs/{id}` tells its Status, `GET /Jobs/{id}/Results` what it did
(for `$batch`, one `{Reference, Code, Headers, Body}` per item).
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, Response, url_path

DONE = ('Complete', 'CompleteWithWarning', 'NonTerminatingError')
ENDED = DONE + ('Failed', 'Canceled')
# How long a job may take before it is given up on (and cancelled). Citrix's client waits as long.
JOB_LIFE = 600.0
# Never poll a job again sooner than this, whatever its progress suggests.
SOONEST = 0.1


def job_id(location):
    """The job id: the last segment of a Location (header value, or a Response carrying one)."""
    if isinstance(location, Response):
        location = location.headers.get('Location', '')
    found = url_path(location or '').split('?', 1)[0].rstrip('/').rsplit('/', 1)[-1]
    if not found or found.lower() == 'jobs':
        raise CitrixCloudError('the service started a job but gave no Location to follow')
    return found


def intervals(first=0.5, factor=1.5, longest=10.0):
    """Growing sleeps between polls: quick for short jobs, gentle for long ones."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, longest)


def time_left(job, elapsed):
    """Seconds until `job` should end, from its OverallProgressPercent after `elapsed` s; None if it cannot tell.

    A job that reports progress (the field is documented, and null where a job does not report
    it) and has made some is expected to go on at the pace it went so far.
    """
    percent = (job or {}).get('OverallProgressPercent')
    if job is None or job.get('Status') in ENDED or isinstance(percent, bool) or not isinstance(percent, int):
        return None
    if not 0 < percent < 100 or elapsed <= 0:
        return None
    return elapsed * (100 - percent) / percent


def next_delay(scheduled, jobs_left, elapsed):
    """The sleep before the next round of polls: the schedule's, or sooner where the pending jobs'
    progress says the first of them ends sooner; never less than SOONEST."""
    estimates = [left for left in (time_left(job, elapsed) for job in jobs_left) if left is not None]
    if not estimates:
        return scheduled
    return max(SOONEST, min([scheduled] + estimates))


def gave_up(client):
    """True once the run can get no token any more: every later call fails at once, unsent."""
    return bool(getattr(client.auth, 'failed', False))


def _get_job(client, jid):
    try:
        return client.daas('GET', '/Jobs/%s' % jid).body or {}
    except CitrixCloudError:
        if gave_up(client):
            raise  # asking again would only wait out the job's life without a request
        return None  # unknown this round; asked again next round


def poll(client, ids, life=JOB_LIFE, parallelism=10, first=0.5):
    """Poll each job until it ends or `life` seconds pass; {id: last job body, or None if never read}.

    At most `parallelism` requests at once. The sleeps grow (`intervals`); a job whose progress
    says it ends sooner is asked then (`next_delay`), so a short job costs no long wait. A call that
    fails is asked again next round, unless the run can get no token any more (`gave_up`): then its
    CitrixCloudError is raised at once.
    """
    last = dict((jid, None) for jid in ids)
    started = client.clock()
    deadline = started + life
    for delay in intervals(first):
        pending = [j for j, body in last.items() if (body or {}).get('Status') not in ENDED]
        now = client.clock()
        remaining = deadline - now
        if not pending or remaining <= 0:
            return last
        client.sleep(min(next_delay(delay, [last[j] for j in pending], now - started), remaining))
        for jid, body in zip(pending, client.parallel_map(lambda j: _get_job(client, j), pending,
                                                          workers=parallelism)):
            if isinstance(body, CitrixCloudError):
                raise body
            if isinstance(body, dict):
                last[jid] = body
    return last


def results(client, jid):
    """The body of `GET /Jobs/{id}/Results`; raises CitrixCloudError."""
    return client.daas('GET', '/Jobs/%s/Results' % jid).body


def cancel(client, jid):
    """Ask the service to cancel a job; True when it says the job is cancelled."""
    try:
        body = client.daas('POST', '/Jobs/%s/$cancel' % jid).body
    except CitrixCloudError:
        return False
    return isinstance(body, dict) and body.get('Status') == 'Canceled'


def failure(job):
    """The reason a job that ended without doing its work gives, in the service's words."""
    return job.get('ErrorString') or job.get('ErrorCode') or 'no error given'


def wait(client, location, timeout=JOB_LIFE):
    """Poll one job until it ends; return its body, raise on Failed, cancel on timeout."""
    jid = job_id(location)
    job = poll(client, [jid], life=timeout, parallelism=1, first=2.0)[jid] or {}
    status = job.get('Status')
    if status in DONE:
        return job
    if status in ('Failed', 'Canceled'):
        raise CitrixCloudError('job %s %s: %s' % (jid, status.lower(), failure(job)), body=job)
    cancel(client, jid)
    raise CitrixCloudError('job %s did not finish within %s s (last status %s); it was cancelled'
                           % (jid, timeout, status), body=job)
