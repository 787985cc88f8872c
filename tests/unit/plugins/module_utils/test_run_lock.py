# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run lock: one acting run per customer's site on a controller, safe folder or no lock at all."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
import types

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _run_lock as run_lock
from ansible_collections.citrix.cloud.plugins.module_utils import _token_cache
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError

DAAS = 'https://api.cloud.com/cvad/manage'
CUSTOMER = 'acme1234'


def client(daas=DAAS, customer=CUSTOMER):
    return types.SimpleNamespace(endpoints=types.SimpleNamespace(daas=daas), customer_id=customer)


def test_one_lock_per_api_and_customer_named_by_a_hash():
    name = run_lock.lock_name(DAAS, CUSTOMER)
    assert name.startswith('power-') and name.endswith('.lock') and CUSTOMER not in name
    assert name == run_lock.lock_name(DAAS, CUSTOMER)
    assert name != run_lock.lock_name(DAAS, 'other5678')
    assert name != run_lock.lock_name('https://ddc.example/citrix/orchestration/api', CUSTOMER)
    # never the token cache's own lock of any key
    assert not name.startswith(_token_cache.cache_key(DAAS, CUSTOMER))


def test_held_for_the_block_and_names_its_holder(isolated_env):
    with run_lock.power_run(client(), timeout=0):
        folder = str(isolated_env)
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
        assert run_lock._holder(folder, run_lock.lock_name(DAAS, CUSTOMER))['pid'] == os.getpid()
        with pytest.raises(CitrixCloudError) as caught:
            with run_lock.power_run(client(), timeout=0):
                pytest.fail('two runs held the lock at once')
        message = str(caught.value)
        assert 'process %d' % os.getpid() in message and 'no power action was sent' in message
        assert 'lock_timeout' in message
        # another customer's runs do not wait
        with run_lock.power_run(client(customer='other5678'), timeout=0):
            pass
    with run_lock.power_run(client(), timeout=0):  # released on leaving
        pass


def test_released_when_the_block_fails(isolated_env):
    with pytest.raises(RuntimeError):
        with run_lock.power_run(client(), timeout=0):
            raise RuntimeError('boom')
    with run_lock.power_run(client(), timeout=0):
        pass


def test_a_run_that_waited_says_so(isolated_env, monkeypatch):
    monkeypatch.setattr(run_lock, 'TELL_AFTER', 0.1)
    folder = str(isolated_env)
    fd, waited, holder = run_lock.acquire(DAAS, CUSTOMER, folder=folder)
    assert holder == {}
    assert waited < 1
    threading.Timer(0.4, os.close, (fd,)).start()
    told = []
    with run_lock.power_run(client(), timeout=10, warn=told.append):
        pass
    assert len(told) == 1 and 'Waited' in told[0] and 'process %d' % os.getpid() in told[0]
    told.clear()
    with run_lock.power_run(client(), timeout=10, warn=told.append):
        pass
    assert told == []  # no wait, nothing to say


def test_another_process_holding_it_makes_a_run_wait_then_fail(isolated_env, tmp_path):
    """flock is per open file: a second process is kept out just as a second open is."""
    ready = tmp_path / 'ready'
    holder = subprocess.Popen([sys.executable, '-c', textwrap.dedent('''
        import sys, time
        from ansible_collections.citrix.cloud.plugins.module_utils import _run_lock
        fd = _run_lock.acquire(%r, %r, folder=%r)[0]
        open(%r, 'w').close()
        time.sleep(30)
    ''' % (DAAS, CUSTOMER, str(isolated_env), str(ready)))], env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(CitrixCloudError) as caught:
            with run_lock.power_run(client(), timeout=1):
                pytest.fail('the lock of another process was not honoured')
        assert time.monotonic() - started >= 1
        assert 'process %d' % holder.pid in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
    with run_lock.power_run(client(), timeout=5):  # a killed holder's lock is free: the kernel drops it
        pass


def test_a_folder_others_can_write_is_refused_and_left_alone(isolated_env):
    isolated_env.mkdir(mode=0o700)
    os.chmod(isolated_env, 0o777)
    with pytest.raises(CitrixCloudError) as caught:
        with run_lock.power_run(client()):
            pytest.fail('acted without a trustworthy lock')
    message = str(caught.value)
    assert str(isolated_env) in message and 'mode 0777' in message and 'no power action was sent' in message
    assert 'run_lock=false' in message and 'CITRIX_TOKEN_CACHE_DIR' in message
    assert os.listdir(isolated_env) == [] and stat.S_IMODE(os.stat(isolated_env).st_mode) == 0o777


def test_a_symlinked_folder_is_refused(isolated_env, tmp_path):
    target = tmp_path / 'elsewhere'
    target.mkdir(mode=0o700)
    isolated_env.symlink_to(target)
    with pytest.raises(CitrixCloudError, match='symbolic link'):
        with run_lock.power_run(client()):
            pass
    assert os.listdir(target) == []


def test_a_planted_lock_file_is_refused(isolated_env):
    isolated_env.mkdir(mode=0o700)
    planted = isolated_env / run_lock.lock_name(DAAS, CUSTOMER)
    planted.write_text('')
    os.chmod(planted, 0o666)
    with pytest.raises(CitrixCloudError, match='cannot be used'):
        with run_lock.power_run(client()):
            pass


def test_a_file_system_without_locks_is_refused(isolated_env, monkeypatch):
    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
    monkeypatch.setattr(_token_cache.fcntl, 'flock', no_locks)
    with pytest.raises(CitrixCloudError, match=os.strerror(errno.ENOLCK)):
        with run_lock.power_run(client()):
            pass


def test_a_platform_without_file_locks_is_refused(isolated_env, monkeypatch):
    monkeypatch.setattr(_token_cache, 'HAS_FCNTL', False)
    with pytest.raises(CitrixCloudError, match='no file locks'):
        with run_lock.power_run(client()):
            pass
    assert not isolated_env.exists()


def test_an_unwritable_folder_is_refused(isolated_env, tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    with pytest.raises(CitrixCloudError, match='cannot be used'):
        with run_lock.power_run(client(), folder=str(blocker / 'cache')):
            pass


def test_turned_off_it_touches_nothing(isolated_env):
    with run_lock.power_run(client(), enabled=False):
        with run_lock.power_run(client(), enabled=False):
            pass
    assert not isolated_env.exists()


def test_holder_descriptions():
    assert run_lock.describe({}) == ''
    assert run_lock.describe({'pid': 'x', 'since': None}) == ''
    assert run_lock.describe({'pid': 42, 'since': 0}) == 'process 42, since 1970-01-01 00:00:00 UTC'
