# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run lock: power actions on one customer's site, one run at a time on this controller.

Private to the collection. Two runs of the same power task started together (a double-clicked
job, two schedules, a re-run while the module of a killed playbook still works) would each read
the machines before either acted, and each send every action. So a run that acts takes this lock
first and only then reads the machines and plans: the second run waits, and plans from what the
first one did (an action pending, a new power state).

The lock is a file in the token cache's folder (E(CITRIX_TOKEN_CACHE_DIR), else
${XDG_CACHE_HOME:-~/.cache}/citrix.cloud), opened with the same checks as the token cache
(_token_cache.acquire_lock: the folder owned by this user and writable by no one else, never
through a symbolic link). Unlike the token cache, a lock that cannot be used is not quietly done
without: a lock another user could remove or hold proves nothing, and without one the promise
never to act twice does not hold, so the run fails before any call that acts, saying why and what
to do (fix the folder, point CITRIX_TOKEN_CACHE_DIR elsewhere, or run_lock=false).
One lock per DaaS API URL and customer: a customer's runs on every site wait for one another,
which costs little (a DaaS customer usually has one site) and holds whatever site_id a task names
or leaves to be discovered.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import time

from ansible_collections.citrix.cloud.plugins.module_utils import _token_cache as cache
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError

LOCK_TIMEOUT = 900  # seconds: longer than a run holds it (sends, throttling, then evidence for late answers)
TELL_AFTER = 1.0  # a wait at least this long is worth a warning: it explains a slow task and its results


def lock_name(daas_url, customer_id):
    """The lock file's name for a DaaS API and customer: a hash, never the customer id itself."""
    return 'power-%s.lock' % cache.cache_key('citrix.cloud power run lock v1', daas_url, customer_id)


def _holder(folder, name):
    """What the lock file says about the process holding it: {'pid', 'since'}, or {} if unreadable."""
    try:
        dir_fd = cache.open_private_dir(folder, create=False)
        try:
            fd = cache.open_private_file(dir_fd, name)
        finally:
            os.close(dir_fd)
        with os.fdopen(fd, 'rb') as f:
            found = json.loads(f.read(512).decode('utf-8'))
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def describe(holder):
    """'process 1234, since 01:02:03 UTC' for a holder record; '' when it names nothing."""
    parts = []
    if isinstance(holder.get('pid'), int):
        parts.append('process %d' % holder['pid'])
    if isinstance(holder.get('since'), (int, float)):
        parts.append('since %s UTC' % time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(holder['since'])))
    return ', '.join(parts)


def _write_holder(fd):
    """Say in the lock file who holds it, for a person (and a message) to find; best effort."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({'pid': os.getpid(), 'since': time.time()}).encode('utf-8'), 0)
    except OSError:
        pass


def _unusable(folder, why):
    return CitrixCloudError(
        'The run lock in %s cannot be used (%s), so no power action was sent: without it, another run '
        'on this controller could act on the same machines at the same time. Make the folder yours '
        'and private (mode 0700), point CITRIX_TOKEN_CACHE_DIR at a private folder, or set '
        'run_lock=false where no other run can act on this site at the same time.' % (folder, why))


class Held:
    """The lock a run holds: its folder and file name (a journal of the run's sends goes beside it)."""

    def __init__(self, folder, name):
        self.folder = folder
        self.name = name


def acquire(daas_url, customer_id, timeout=LOCK_TIMEOUT, folder=None, clock=time.monotonic):
    """(descriptor holding the lock, seconds waited, holder waited for); close the descriptor to unlock.

    Raises CitrixCloudError, before anything is sent, when the lock is held for over `timeout`
    seconds or cannot be used at all.
    """
    folder = folder or cache.default_cache_dir()
    name = lock_name(daas_url, customer_id)
    if not cache.HAS_FCNTL:
        raise _unusable(folder, 'this platform has no file locks')
    started = clock()
    holder = _holder(folder, name)  # read first: once the lock is ours, the file says so
    try:
        fd = cache.acquire_lock(folder, name, timeout)
    except cache.LockTimeout:
        who = describe(_holder(folder, name))
        raise CitrixCloudError(
            'Another run is acting on the machines of this site%s and held the run lock for over %d s, '
            'so no power action was sent. Run the task again when it is done, or give it more '
            'lock_timeout.' % (' (%s)' % who if who else '', timeout))
    except OSError as exc:
        raise _unusable(folder, exc.strerror or os.strerror(exc.errno or errno.EIO))
    _write_holder(fd)
    return fd, clock() - started, holder


@contextlib.contextmanager
def power_run(client, enabled=True, timeout=LOCK_TIMEOUT, warn=None, folder=None):
    """Hold the run lock of `client`'s DaaS API and customer for a `with` block (nothing if not `enabled`).

    Yields a Held (None when not `enabled`). `warn` is told when the run had to wait, since the
    wait explains a slow task and machines that another run had already acted on.
    """
    if not enabled:
        yield None
        return
    folder = folder or cache.default_cache_dir()
    fd, waited, holder = acquire(client.endpoints.daas, client.customer_id, timeout, folder)
    try:
        if waited >= TELL_AFTER and warn:
            who = describe(holder)
            warn('Waited %d s for another run acting on the machines of this site%s; the machines were '
                 'read and planned after it.' % (round(waited), ' (%s)' % who if who else ''))
        yield Held(folder, lock_name(client.endpoints.daas, client.customer_id))
    finally:
        os.close(fd)  # closing releases the lock
