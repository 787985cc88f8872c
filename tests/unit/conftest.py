# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: an isolated token cache and environment per test, and a client on httpserver."""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path

import pytest

try:
    import citrix_cloud_sim  # noqa: F401  pylint: disable=unused-import
except ImportError:  # ansible-test units: the simulator is not installed, import it from the tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'simulator'))

from werkzeug.wrappers import Response as WerkzeugResponse

from ansible_collections.citrix.cloud.plugins.module_utils._token_providers import token_provider
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudClient
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import Endpoints
from ansible_collections.citrix.cloud.plugins.module_utils._module import refuse_empty
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_SELECTORS
from ansible_collections.citrix.cloud.plugins.module_utils._sessions import SESSION_SELECTORS

CUSTOMER = 'acme1234'
CLIENT_ID = 'c0ffee00-client-id'
SECRET = 'S3cr3t-Client-Secret-Value=='
SITE = '0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9'
TOKEN_PATH = '/cctrustoauth2/%s/tokens/clients' % CUSTOMER
USER = 'DEMOLAB\\ansible'  # an on-premises administrator
PASSWORD = 'Pa55-word-of-the-admin'
ORCHESTRATION = '/citrix/orchestration/api'


def shared_params(**given):
    """The shared options as a module has them before check_options: unset ones None."""
    params = dict(customer_id=None, client_id=None, client_secret=None, access_token=None, username=None,
                  password=None, region=None, api_url=None, site_id=None, ca_path=None, timeout=30, retries=5,
                  token_cache=True, validate_certs=True)
    params.update(given)
    return params


BASE = '/cvad/manage'


@pytest.fixture
def client(httpserver):
    """A client on httpserver for module_utils tests: site-scoped, no token, no sleeping."""
    return CitrixCloudClient(Endpoints(CUSTOMER, api_url=httpserver.url_for('/')), auth=None, site_id=SITE,
                             retries=2, sleep=lambda s: None)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No CITRIX_* from the caller's shell, and a token cache folder of this test's own."""
    for name in list(os.environ):
        if name.startswith('CITRIX_'):
            monkeypatch.delenv(name)
    monkeypatch.setenv('CITRIX_TOKEN_CACHE_DIR', str(tmp_path / 'token-cache'))
    return tmp_path / 'token-cache'


def json_response(body, status=200, headers=None):
    return WerkzeugResponse(json.dumps(body), status=status, headers=headers or {},
                            content_type='application/json')


class TokenEndpoint:
    """A token endpoint on httpserver that counts requests and issues tok-1, tok-2, ..."""

    def __init__(self, httpserver, expires_in='3600'):
        self.count = 0
        self.expires_in = expires_in
        self.forms = []
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_handler(self.handle)

    def handle(self, request):
        with self._lock:
            self.count += 1
            self.forms.append(request.form.to_dict())
            token = 'tok-%d' % next(self._numbers)
        return json_response({'token_type': 'bearer', 'access_token': token, 'expires_in': self.expires_in})


@pytest.fixture
def token_endpoint(httpserver):
    return TokenEndpoint(httpserver)


@pytest.fixture
def sleeps():
    """Delays the client asked for, instead of sleeping them."""
    return []


@pytest.fixture
def api_url(httpserver):
    return httpserver.url_for('/').rstrip('/')


@pytest.fixture
def make_client(api_url, sleeps):
    def factory(access_token=None, secret=SECRET, cache=True, site_id=SITE, sleep=None, **kwargs):
        kwargs.setdefault('retries', 5)
        kwargs.setdefault('timeout', 5)
        endpoints = Endpoints(CUSTOMER, api_url=kwargs.pop('url', api_url))
        client = CitrixCloudClient(endpoints, site_id=site_id, sleep=sleep or sleeps.append,
                                   backoff=lambda attempt: 0.01 * attempt, **kwargs)
        client.auth = token_provider(client, endpoints.token, None if access_token else CLIENT_ID,
                                     None if access_token else secret, access_token, cache=cache)
        return client
    return factory


def answers(httpserver, path, responses, method=None):
    """Serve `responses` in turn on `path` (the last one repeats); return the list of requests seen."""
    seen = []

    def handler(request):
        seen.append((time.monotonic(), request))
        return responses[min(len(seen), len(responses)) - 1]
    kwargs = {'method': method} if method else {}
    httpserver.expect_request(path, **kwargs).respond_with_handler(handler)
    return seen


class FakeModule:
    """What the DaaS module_utils use of CitrixCloudModule: params, client, exit/fail_json."""

    def __init__(self, client, **params):
        self.client = client
        self.params = dict(dict.fromkeys(MACHINE_SELECTORS), site_id=None, customer_id=CUSTOMER)
        self.params.update(dict.fromkeys(SESSION_SELECTORS), **params)
        self.given = dict(params)  # as the task wrote them
        self.exited = None

    def refuse_empty(self, names, acting=True):
        refuse_empty(self.given, names, acting)

    def exit_json(self, **result):
        self.exited = dict(result, failed=False)
        raise SystemExit(0)

    def fail_json(self, msg, **result):
        self.exited = dict(result, failed=True, msg=msg)
        raise SystemExit(1)
