# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache: owner-only, encrypted, shared by processes, never fatal."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _token_cache
from ansible_collections.citrix.cloud.tests.unit.conftest import CLIENT_ID, SECRET, TOKEN_PATH, json_response


def test_cache_off_fetches_per_client(make_client, token_endpoint, isolated_env):
    assert make_client(cache=False).auth.token() == 'tok-1'
    assert make_client(cache=False).auth.token() == 'tok-2'
    assert not isolated_env.exists()


def test_cache_file_is_owner_only_encrypted_and_keyed_by_secret(make_client, token_endpoint, isolated_env):
    client = make_client()
    client.auth.token()
    assert stat.S_IMODE(os.stat(isolated_env).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(client.auth.cache_file).st_mode) == 0o600
    with open(client.auth.cache_file, 'rb') as f:
        raw = f.read()
    assert raw.startswith(b'fernet:') and b'tok-1' not in raw and SECRET.encode() not in raw
    assert os.path.basename(client.auth.cache_file).split('.')[0] not in (CLIENT_ID, SECRET)
    # another secret means another key and file: never this token
    assert make_client(secret='another-secret-value').auth.token() == 'tok-2'


def test_plain_json_cache_without_cryptography(make_client, token_endpoint, monkeypatch):
    monkeypatch.setattr(_token_cache, 'load_cryptography', lambda: None)
    client = make_client()
    client.auth.token()
    with open(client.auth.cache_file) as f:
        assert json.load(f)['access_token'] == 'tok-1'
    assert stat.S_IMODE(os.stat(client.auth.cache_file).st_mode) == 0o600
    assert make_client().auth.token() == 'tok-1'
    assert token_endpoint.count == 1


@pytest.mark.parametrize('content', [b'', b'{not json', b'fernet:garbage', b'[1, 2]', b'{"access_token": 5}'])
def test_corrupt_cache_file_is_ignored(make_client, token_endpoint, content):
    client = make_client()
    os.makedirs(os.path.dirname(client.auth.cache_file), mode=0o700)
    fd = os.open(client.auth.cache_file, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, content)
    os.close(fd)
    assert client.auth.token() == 'tok-1'
    assert make_client().auth.token() == 'tok-1'  # and it was replaced by a good one


def test_loosened_cache_file_is_not_trusted(make_client, token_endpoint):
    make_client().auth.token()
    path = make_client().auth.cache_file
    os.chmod(path, 0o644)
    assert make_client().auth.token() == 'tok-2'


def test_unusable_cache_folder_still_gives_a_token(make_client, token_endpoint, tmp_path, monkeypatch):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    monkeypatch.setenv('CITRIX_TOKEN_CACHE_DIR', str(blocker / 'cache'))
    assert make_client().auth.token() == 'tok-1'


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv('CITRIX_TOKEN_CACHE_DIR')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    assert _token_cache.default_cache_dir() == str(tmp_path / 'citrix.cloud')
    monkeypatch.delenv('XDG_CACHE_HOME')
    assert _token_cache.default_cache_dir() == os.path.join(os.path.expanduser('~'), '.cache', 'citrix.cloud')


PROCESS = textwrap.dedent('''
    import os, sys, time
    from ansible_collections.citrix.cloud.plugins.module_utils import _token_providers as _auth
    from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient
    from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
    endpoints = Endpoints('acme1234', api_url=sys.argv[1])
    client = CitrixCloudClient(endpoints, timeout=10, retries=3)
    client.auth = _auth.ClientCredentials(client, endpoints.token, sys.argv[2], sys.argv[3])
    open(sys.argv[4] + '.ready', 'w').close()
    while not os.path.exists(sys.argv[5]):
        time.sleep(0.02)
    print(client.auth.token())
''')


def test_twenty_processes_make_one_token_request(httpserver, api_url, tmp_path):
    """Concurrent tasks on one controller share one token request (the endpoint is rate limited)."""
    count = []

    def slow_token(request):
        count.append(1)
        time.sleep(0.5)  # a slow endpoint widens the window in which processes race
        return json_response({'access_token': 'tok-shared', 'expires_in': '3600'})

    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_handler(slow_token)
    go = str(tmp_path / 'go')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    procs = [subprocess.Popen([sys.executable, '-c', PROCESS, api_url, CLIENT_ID, SECRET,
                               str(tmp_path / str(n)), go], stdout=subprocess.PIPE, env=env)
             for n in range(20)]
    deadline = time.time() + 30
    while sum(os.path.exists(str(tmp_path / ('%d.ready' % n))) for n in range(20)) < 20 and time.time() < deadline:
        time.sleep(0.01)
    open(go, 'w').close()  # all 20 ask at once
    outputs = [p.communicate(timeout=30)[0].decode().strip() for p in procs]
    assert outputs == ['tok-shared'] * 20
    assert len(count) == 1


def test_cryptography_is_imported_only_when_the_cache_needs_it(make_client, token_endpoint):
    # A fresh interpreter: importing the module base must not load cryptography (start-up cost).
    code = ('import sys; import ansible_collections.citrix.cloud.plugins.module_utils._module; '
            'print("cryptography" in sys.modules)')
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    assert subprocess.check_output([sys.executable, '-c', code], env=env).decode().strip() == 'False'
    client = make_client()
    client.auth.token()
    with open(client.auth.cache_file, 'rb') as f:
        assert f.read().startswith(b'fernet:')


# -- the folder, the lock and the files, as OpenSSH treats its own ------------------------------

def warned_client(make_client):
    """A client whose cache warnings are collected in `client.warnings`."""
    client = make_client()
    client.warnings = []
    client.auth.cache.warn = client.warnings.append
    return client


def entries(folder):
    return sorted(os.listdir(folder))


def test_folder_writable_by_others_is_not_used(make_client, token_endpoint, isolated_env):
    isolated_env.mkdir(mode=0o700)
    os.chmod(isolated_env, 0o777)  # as another user's world-writable folder would be
    client = warned_client(make_client)
    assert client.auth.token() == 'tok-1'
    assert entries(isolated_env) == []  # nothing created, nothing read
    assert stat.S_IMODE(os.stat(isolated_env).st_mode) == 0o777  # and never chmod'ed
    assert len(client.warnings) == 1 and 'mode 0777' in client.warnings[0]


def test_folder_of_another_user_is_not_used(make_client, token_endpoint, isolated_env, monkeypatch):
    isolated_env.mkdir(mode=0o700)
    client = warned_client(make_client)
    monkeypatch.setattr(os, 'geteuid', lambda: os.stat(isolated_env).st_uid + 1)
    assert client.auth.token() == 'tok-1'
    assert entries(isolated_env) == []
    assert 'not this user' in client.warnings[0]


def test_symlinked_folder_is_not_followed(make_client, token_endpoint, isolated_env, tmp_path):
    target = tmp_path / 'elsewhere'
    target.mkdir(mode=0o755)
    os.chmod(target, 0o755)
    isolated_env.symlink_to(target)
    client = warned_client(make_client)
    assert client.auth.token() == 'tok-1'
    assert entries(target) == [] and stat.S_IMODE(os.stat(target).st_mode) == 0o755
    assert 'symbolic link' in client.warnings[0]


def test_dangling_symlink_at_the_lock_creates_nothing(make_client, token_endpoint, isolated_env, tmp_path):
    client = warned_client(make_client)
    isolated_env.mkdir(mode=0o700)
    lock = isolated_env / (client.auth.cache.key + '.lock')
    lock.symlink_to(tmp_path / 'planted')
    assert client.auth.token() == 'tok-1'
    assert not (tmp_path / 'planted').exists()
    assert len(client.warnings) == 1 and 'symbolic link' in client.warnings[0]


def test_symlinked_cache_file_is_not_read_and_is_replaced_not_written_through(make_client, token_endpoint, tmp_path):
    first = make_client()
    first.auth.token()
    outside = tmp_path / 'outside.token'
    os.rename(first.auth.cache_file, outside)  # a valid entry, but reached through a link
    os.symlink(outside, first.auth.cache_file)
    before = outside.read_bytes()
    client = warned_client(make_client)
    assert client.auth.token() == 'tok-2'
    assert outside.read_bytes() == before and not os.path.islink(client.auth.cache_file)
    assert make_client().auth.token() == 'tok-2'  # the new entry is a file of its own


def test_own_group_shared_folder_is_used_and_never_chmoded(make_client, token_endpoint, isolated_env):
    isolated_env.mkdir()
    os.chmod(isolated_env, 0o2750)  # group may read the folder, not the 0600 files in it
    client = warned_client(make_client)
    assert client.auth.token() == 'tok-1'
    assert make_client().auth.token() == 'tok-1'
    assert stat.S_IMODE(os.stat(isolated_env).st_mode) == 0o2750
    assert client.warnings == [] and token_endpoint.count == 1


def test_held_lock_times_out_and_the_task_goes_on(make_client, token_endpoint, isolated_env):
    client = warned_client(make_client)
    client.auth.cache.lock_timeout = 0.2
    holder = _token_cache.acquire_lock(str(isolated_env), client.auth.cache.key + '.lock')
    try:
        assert client.auth.token() == 'tok-1'
    finally:
        os.close(holder)
    assert len(client.warnings) == 1 and 'held by another process' in client.warnings[0]
    assert not os.path.exists(client.auth.cache_file)  # fetched without the cache


def test_no_locks_on_the_file_system_still_caches(make_client, token_endpoint, monkeypatch):
    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
    monkeypatch.setattr(_token_cache.fcntl, 'flock', no_locks)
    client = warned_client(make_client)
    assert client.auth.token() == 'tok-1'
    assert make_client().auth.token() == 'tok-1'  # the cache still works, unlocked
    assert len(client.warnings) == 1 and 'cannot be locked' in client.warnings[0]


def test_planted_plain_entry_is_refused_where_encryption_is_available(make_client, token_endpoint, isolated_env):
    client = make_client()
    isolated_env.mkdir(mode=0o700)
    fd = os.open(client.auth.cache_file, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, json.dumps({'access_token': 'planted', 'expires_at': time.time() + 3600,
                             'lifetime': 3600}).encode())
    os.close(fd)
    assert client.auth.token() == 'tok-1'


def test_problems_are_told_once_per_run(make_client, token_endpoint, isolated_env):
    isolated_env.mkdir(mode=0o700)
    os.chmod(isolated_env, 0o777)
    client = warned_client(make_client)
    client.auth.token()
    client.auth.invalidate('tok-1')
    client.auth.token()
    assert len(client.warnings) == 1


def test_module_warns_and_does_not_fail(isolated_env, token_endpoint, api_url, capsys, monkeypatch):
    from ansible.module_utils.testing import patch_module_args
    from ansible_collections.citrix.cloud.plugins.module_utils._module import CitrixCloudModule
    from ansible_collections.citrix.cloud.plugins.modules import citrix_token
    told = []
    monkeypatch.setattr(CitrixCloudModule, 'warn', lambda self, message: told.append(message))
    isolated_env.mkdir(mode=0o700)
    os.chmod(isolated_env, 0o777)
    args = dict(customer_id='acme1234', client_id=CLIENT_ID, client_secret=SECRET, api_url=api_url)
    with patch_module_args(args), pytest.raises(SystemExit):
        citrix_token.main()
    result = json.loads(capsys.readouterr().out)
    assert not result.get('failed') and result['access_token'] == 'tok-1'
    assert len(told) == 1 and 'token cache' in told[0]


def test_private_lock_for_other_locks(tmp_path):
    """The folder check and lock, for a controller-wide lock beside the token cache."""
    folder = str(tmp_path / 'private')
    with _token_cache.private_lock(folder, 'run.lock', timeout=0):
        with pytest.raises(_token_cache.LockTimeout):
            _token_cache.acquire_lock(folder, 'run.lock', timeout=0)
    os.close(_token_cache.acquire_lock(folder, 'run.lock', timeout=0))  # released on leaving
    os.chmod(folder, 0o770)
    with pytest.raises(_token_cache.UnsafeFolder):
        _token_cache.acquire_lock(folder, 'run.lock')
