# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokens: the client-credentials request, access_token, and the cache shared by processes."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _auth
from ansible_collections.citrix.cloud.plugins.module_utils._auth import jwt_expiry, parse_expires_in
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError

from ansible_collections.citrix.cloud.tests.unit.conftest import CLIENT_ID, SECRET, TOKEN_PATH, TokenEndpoint, json_response


@pytest.mark.parametrize('value, seconds', [('3600', 3600), (3600, 3600), ('120.0', 120), (None, 3600),
                                            ('soon', 3600), ('0', 3600)])
def test_expires_in_string_or_int(value, seconds):
    assert parse_expires_in(value) == seconds


def test_token_request_is_a_client_credentials_form(make_client, token_endpoint, httpserver):
    client = make_client()
    before = time.time()
    assert client.auth.token() == 'tok-1'
    assert token_endpoint.forms == [{'grant_type': 'client_credentials', 'client_id': CLIENT_ID,
                                     'client_secret': SECRET}]
    request = httpserver.log[0][0]
    assert request.headers['Content-Type'] == 'application/x-www-form-urlencoded'
    assert request.headers['Accept'] == 'application/json'
    assert 'Authorization' not in request.headers
    # "3600" (a JSON string, as Citrix sends it) became an hour from now
    assert before + 3600 <= client.auth.expires_at <= time.time() + 3600


def test_token_is_reused_within_and_across_clients(make_client, token_endpoint):
    first = make_client()
    assert [first.auth.token() for dummy in range(3)] == ['tok-1'] * 3
    assert make_client().auth.token() == 'tok-1'  # a later task (new process) reads the cache
    assert token_endpoint.count == 1


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
    monkeypatch.setattr(_auth, 'load_cryptography', lambda: None)
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


def test_token_near_expiry_is_not_reused(httpserver, make_client):
    endpoint = TokenEndpoint(httpserver, expires_in='3600')
    client = make_client()
    client.auth.token()
    # the cached token as seen 56 minutes later: within 5 minutes of expiry
    later = make_client()
    later.auth.clock = lambda: time.time() + 3600 - 240
    assert later.auth.token() == 'tok-2'
    assert endpoint.count == 2


def test_invalidate_drops_memory_and_cache(make_client, token_endpoint):
    client = make_client()
    client.auth.token()
    client.auth.invalidate('tok-1')
    assert client.auth.token() == 'tok-2'
    assert make_client().auth.token() == 'tok-2'
    client.auth.invalidate('tok-1')  # a stale 401 never throws away the newer token
    assert client.auth.token() == 'tok-2'
    assert token_endpoint.count == 2


def test_access_token_bypasses_endpoint_and_cache(make_client, token_endpoint, isolated_env, httpserver):
    payload = base64.urlsafe_b64encode(json.dumps({'exp': 1900000000}).encode()).decode().rstrip('=')
    given = 'eyJhbGciOiJub25lIn0.%s.sig' % payload
    client = make_client(access_token=given)
    assert client.auth.token() == given
    assert client.auth.expires_at == 1900000000
    assert not client.auth.can_refresh
    client.auth.invalidate(given)
    assert client.auth.token() == given
    assert token_endpoint.count == 0 and not isolated_env.exists()


def test_jwt_expiry_of_non_jwt_is_none():
    assert jwt_expiry('opaque-token') is None


def test_bad_secret_says_what_to_check(httpserver, make_client):
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_response(json_response(
        {'error': 'invalid_client', 'error_description': 'Invalid client secret %s' % SECRET}, status=400))
    with pytest.raises(CitrixCloudError) as err:
        make_client().auth.token()
    text = str(err.value)
    assert 'check client_id / client_secret and customer_id' in text
    assert 'failed with 400' in text and 'Invalid client secret' in text
    assert SECRET not in text
    assert len(httpserver.log) == 1  # a refusal is not retried


def test_token_endpoint_429_and_5xx_are_retried(httpserver, make_client, sleeps):
    answers = [json_response({'detail': 'slow down'}, 429), json_response({}, 502),
               json_response({'access_token': 'tok-ok', 'expires_in': 3600})]
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_handler(lambda request: answers.pop(0))
    assert make_client().auth.token() == 'tok-ok'
    assert len(sleeps) == 2


def test_unusable_cache_folder_still_gives_a_token(make_client, token_endpoint, tmp_path, monkeypatch):
    blocker = tmp_path / 'a-file'
    blocker.write_text('')
    monkeypatch.setenv('CITRIX_TOKEN_CACHE_DIR', str(blocker / 'cache'))
    assert make_client().auth.token() == 'tok-1'


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv('CITRIX_TOKEN_CACHE_DIR')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path))
    assert _auth.default_cache_dir() == str(tmp_path / 'citrix.cloud')
    monkeypatch.delenv('XDG_CACHE_HOME')
    assert _auth.default_cache_dir() == os.path.join(os.path.expanduser('~'), '.cache', 'citrix.cloud')


PROCESS = textwrap.dedent('''
    import os, sys, time
    from ansible_collections.citrix.cloud.plugins.module_utils import _auth
    from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient
    from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
    endpoints = Endpoints('acme1234', api_url=sys.argv[1])
    client = CitrixCloudClient(endpoints, timeout=10, retries=3)
    client.auth = _auth.TokenProvider(client, endpoints.token, sys.argv[2], sys.argv[3])
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
