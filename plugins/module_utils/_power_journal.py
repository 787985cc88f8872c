# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The power journal: the power actions runs on this controller sent, kept while a later run needs them.

Private to the collection. One file per customer beside the run lock (_run_lock), read and written
only by the run that holds the lock. The service's own evidence (PowerActionPending, a new power
state, the job) is what every decision rests on; the journal covers the two things that evidence
cannot tell:

- A run killed while its requests were in flight (the playbook and its module stopped, a
  container gone): the service may still act on those requests later (up to 90 seconds after a
  call, or within the life of a batch's job), and until it does the machine shows nothing. A
  re-run that planned from the machine's state then would send a second action. The journal says
  which machines such a run may have sent to, when, and its job; the re-run waits for evidence,
  and never sends while the service may still act on the earlier request.
- PowerActionPending says that an action is pending, not which. The journal names the one a run on
  this controller sent, so a second run of the same task reports the machine unchanged, not skipped.

Records are JSON lines, appended with one write each (so a killed process leaves whole lines),
folded by machine id (the last record wins) and compacted by each run. Nothing secret is in it:
machine ids, actions, times, job ids.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import threading
import time

from ansible_collections.citrix.cloud.plugins.module_utils._client import THROTTLE_PATIENCE
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_FIELDS, refresh_machines
from ansible_collections.citrix.cloud.plugins.module_utils import _jobs as jobs
from ansible_collections.citrix.cloud.plugins.module_utils import _power_transport as transport
from ansible_collections.citrix.cloud.plugins.module_utils import _token_cache as cache

# How long after a send with no known outcome the service may still act on it: the sending run may
# have waited out throttling (429) before the request went, then the service's own 90 s limit.
IN_FLIGHT_FOR = THROTTLE_PATIENCE + transport.SERVICE_LIMIT
# A batch that became a job may be acted on while the job lives.
JOB_FOR = jobs.JOB_LIFE
# How long a taken action names a machine's pending action for later runs.
TAKEN_FOR = jobs.JOB_LIFE
# A run waits at most this long for evidence of an earlier run's sends before it plans.
SETTLE_WAIT = transport.SERVICE_LIMIT

# What a later run compares with the machine's state to see whether the action arrived
# (_power_transport.action_took).
SNAPSHOT = ('Id', 'PowerState', 'PowerActionPending', 'RegistrationState', 'LastDeregistrationTime')


def snapshot(machine):
    """The parts of a machine (as planned) that show, later, whether an action arrived."""
    snap = dict((k, machine[k]) for k in SNAPSHOT if k in machine)
    update = (machine.get('Hosting') or {}).get('LastHostingUpdateTime')
    if update is not None:
        snap['Hosting'] = {'LastHostingUpdateTime': update}
    return snap


def when(epoch):
    return time.strftime('%H:%M:%S UTC', time.gmtime(epoch))


class NoJournal:
    """What a run without the run lock uses: records nothing, knows nothing."""

    def load(self):
        return {}

    def sending(self, entries):
        pass

    def job(self, entries, jid):
        pass

    def mark(self, machine_ids, taken):
        pass

    def settled(self, entries):
        pass


def for_lock(held, warn=None):
    """The journal beside a held run lock (_run_lock.Held); NoJournal without one."""
    if held is None:
        return NoJournal()
    return Journal(held.folder, held.name[:-len('.lock')] + '.journal', warn)


class Journal(NoJournal):
    """The journal file `name` in the private folder `folder`. Use it only while holding the run lock.

    A file that cannot be read is as good as empty; one that cannot be written makes `warn` say so
    once, and the run goes on (the lock still keeps live runs apart; only a run killed with requests
    in flight would then be unknown to the next).
    """

    def __init__(self, folder, name, warn=None, clock=time.time):
        self.folder = folder
        self.name = name
        self.warn = warn or (lambda message: None)
        self.clock = clock
        self._fd = None
        self._write_lock = threading.Lock()
        self._broken = False

    # -- records ------------------------------------------------------------------------------
    def sending(self, entries):
        """About to send each entry's action (or to send it again): a later run must not act blindly."""
        now = self.clock()
        self._append([dict(machine=e['machine']['Id'], action=e['action'], at=now, before=snapshot(e['machine']))
                      for e in entries])

    def job(self, entries, jid):
        """The batch carrying these entries became the service's job `jid`."""
        now = self.clock()
        self._append([dict(machine=e['machine']['Id'], job=jid, at=now) for e in entries])

    def mark(self, machine_ids, taken):
        """The outcome of these machines' last send is known: taken, or not (then forgotten)."""
        now = self.clock()
        self._append([dict(machine=m, taken=bool(taken), at=now) for m in machine_ids])

    def settled(self, entries):
        """When a run's sends are over: what the service took is kept, to name it; the rest is forgotten
        (refused, never sent, or no evidence until the service could no longer act)."""
        self.mark([e['machine']['Id'] for e in entries if e.get('sent')], True)
        self.mark([e['machine']['Id'] for e in entries if not e.get('sent')], False)
        self.close()

    # -- reading ------------------------------------------------------------------------------
    def load(self):
        """{machine id: record} of what is still live; the file is compacted to just that.

        A record: {'action', 'at', 'before', 'job' (or None), 'job_at', 'taken' (None: unknown)}.
        """
        folded = {}
        lines = self._read().splitlines()
        for line in lines:
            try:
                rec = json.loads(line)
                machine_id = rec['machine']
                if 'action' in rec:
                    folded[machine_id] = dict(action=str(rec['action']), at=float(rec['at']),
                                              before=dict(rec['before']), job=None, job_at=None, taken=None)
                elif machine_id in folded and 'job' in rec:
                    folded[machine_id].update(job=str(rec['job']), job_at=float(rec['at']))
                elif machine_id in folded and 'taken' in rec:
                    folded[machine_id].update(taken=bool(rec['taken']), taken_at=float(rec['at']))
            except (ValueError, TypeError, KeyError, AttributeError):
                continue  # a line not written by this code: ignored
        now = self.clock()
        live = dict((m, r) for m, r in folded.items() if self.live_until(r) > now)
        if live != folded or len(lines) > 3 * len(live):  # expired, or superseded lines piling up
            self._rewrite(live)
        return live

    @staticmethod
    def live_until(rec):
        if rec['taken'] is False:
            return 0.0
        if rec['taken']:
            return rec['at'] + TAKEN_FOR
        if rec['job']:
            return max(rec['at'] + IN_FLIGHT_FOR, rec['job_at'] + JOB_FOR)
        return rec['at'] + IN_FLIGHT_FOR

    # -- the file -----------------------------------------------------------------------------
    def _problem(self, exc):
        if not self._broken:
            self._broken = True
            self.warn('The power journal in %s cannot be written (%s); a run killed while its power actions '
                      'are in flight may then not be known to the next run.' % (self.folder, exc.strerror or exc))

    def _read(self):
        try:
            dir_fd = cache.open_private_dir(self.folder, create=False)
            try:
                fd = cache.open_private_file(dir_fd, self.name)
            finally:
                os.close(dir_fd)
            with os.fdopen(fd, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except FileNotFoundError:
            return ''
        except OSError as exc:
            self._problem(exc)
            return ''

    def _lines(self, records):
        return ''.join(json.dumps(r, separators=(',', ':')) + '\n' for r in records).encode('utf-8')

    def _append(self, records):
        if not records or self._broken:
            return
        with self._write_lock:
            try:
                if self._fd is None:
                    dir_fd = cache.open_private_dir(self.folder)
                    try:
                        self._fd = cache.open_private_file(dir_fd, self.name, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
                    finally:
                        os.close(dir_fd)
                data = self._lines(records)
                written = os.write(self._fd, data)
                if written != len(data):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            except OSError as exc:
                self._problem(exc)

    def _rewrite(self, live):
        self.close()
        records = []
        for machine_id, rec in live.items():
            records.append(dict(machine=machine_id, action=rec['action'], at=rec['at'], before=rec['before']))
            if rec['job']:
                records.append(dict(machine=machine_id, job=rec['job'], at=rec['job_at']))
            if rec['taken'] is not None:
                records.append(dict(machine=machine_id, taken=rec['taken'], at=rec.get('taken_at', rec['at'])))
        tmp = '.tmp-%s' % secrets.token_hex(8)
        try:
            dir_fd = cache.open_private_dir(self.folder)
            try:
                fd = cache.open_private_file(dir_fd, tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                try:
                    with os.fdopen(fd, 'wb') as f:
                        f.write(self._lines(records))
                    os.replace(tmp, self.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                except OSError:
                    try:
                        os.unlink(tmp, dir_fd=dir_fd)
                    except OSError:
                        pass
                    raise
            finally:
                os.close(dir_fd)
        except OSError as exc:
            self._problem(exc)

    def close(self):
        with self._write_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


# ---------------------------------------------------------------- what a run does with it

def settle_earlier(client, journal, machines, parallelism=10, wait=SETTLE_WAIT):
    """What earlier runs on this controller sent to `machines`: (taken, held).

    `taken`: {id: record} of actions the service took, to name a pending action. `held`: {id:
    message} of machines to leave alone, unsent: an earlier run sent them an action without seeing
    the outcome (it was killed), the machine shows no sign of it yet, and the service may still act
    on it. For each such send, its job, if it had one, is followed until it ends; then the machine
    is re-read until it shows the action arrived or the service can no longer act on the request,
    `wait` seconds at most in all. Machines that show it are re-read into `machines`, so the plan
    starts from their state now.
    """
    records = journal.load()
    by_id = dict((m.get('Id'), m) for m in machines)
    unknown = dict((m, r) for m, r in records.items() if m in by_id and r['taken'] is None)
    held = {}
    if unknown:
        doubts = _doubts(client, journal, unknown, parallelism, wait)
        transport.settle_doubts(client, doubts, parallelism)
        took = [d['machine']['Id'] for d in doubts if d['result'] == 'changed']
        journal.mark(took, True)
        journal.mark([d['machine']['Id'] for d in doubts if d['result'] != 'changed' and d['final']], False)
        for machine_id in took:
            records[machine_id]['taken'] = True
        if took:
            fresh = refresh_machines(client, took, fields=MACHINE_FIELDS, workers=parallelism)
            for machine_id, machine in fresh.items():
                by_id[machine_id].update(machine)
        for d in doubts:
            if d['result'] != 'changed' and not d['final']:
                rec = d['record']
                facts = (rec['action'], when(rec['at']), when(Journal.live_until(rec)))
                held[d['machine']['Id']] = (
                    'a run on this controller that ended before it saw the answer sent this machine a %s at %s, '
                    'and the service may act on it until %s; the machine shows no sign of it yet, so no action '
                    'was sent: run the task again after that' % facts)
    taken = dict((m, r) for m, r in records.items() if m in by_id and r['taken'])
    return taken, held


def _doubts(client, journal, unknown, parallelism, wait):
    """Transport entries in doubt, one per unknown send, for _power_transport.settle_doubts."""
    ended, started = set(), client.clock()
    job_ids = sorted(set(r['job'] for r in unknown.values() if r['job']))
    if job_ids:
        polled = jobs.poll(client, job_ids, life=wait, parallelism=parallelism)
        ended = set(j for j, body in polled.items() if (body or {}).get('Status') in jobs.ENDED)
    wait = max(0.0, wait - (client.clock() - started))
    now = journal.clock()
    doubts = []
    for rec in unknown.values():
        # A job that ended will do nothing more: the machine's state now is the whole answer.
        left = 0.0 if rec['job'] in ended else max(0.0, Journal.live_until(rec) - now)
        why = 'a run on this controller that did not see the answer sent it a %s at %s' % (rec['action'], when(rec['at']))
        doubts.append(dict(machine=dict(rec['before']), action=rec['action'], result='act', record=rec,
                           final=left <= wait, doubt=dict(why=why, until=client.clock() + min(left, wait))))
    return doubts
