# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache: owner-only, encrypted, shared by processes, never fatal."""

from __future__ import annotations

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
    from ansible_collections.citrix.cloud.plugins.module_utils import _auth
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
