# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token providers: where a module run's bearer token comes from.

A provider is what CitrixCloudClient calls `auth`; it has
  token()            a valid bearer token (thread-safe; fetches when needed)
  invalidate(token)  the service answered 401 to `token`: forget it; True when a fresh token
                     may be had (False: retrying is pointless)
  can_refresh        whether invalidate() can ever lead to a new token
  expires_at         epoch seconds, when known
`GivenToken` hands out a token got elsewhere. `FetchedToken` is the base of providers that get
tokens from an endpoint, reusing them through the shared token cache (_token_cache); a
subclass implements `fetch()`. `ClientCredentials` is Citrix Cloud's API client flow.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
import time

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._token_cache import TokenCache, cache_key

REFRESH_MARGIN = 300  # seconds: a token this close to expiry is not handed out
DEFAULT_LIFETIME = 3600  # Citrix tokens live an hour; used when expires_in is missing or unreadable
CREDENTIALS_HINT = 'check client_id / client_secret and customer_id (and region or api_url)'


def parse_expires_in(value):
    """Seconds from `expires_in`, which Citrix sends as a JSON string ("3600"); ints work too."""
    try:
        seconds = int(float(value))
    except (TypeError, ValueError):
        return DEFAULT_LIFETIME
    return seconds if seconds > 0 else DEFAULT_LIFETIME


def jwt_expiry(token):
    """The `exp` claim of a JWT (unverified: only to report it), or None."""
    try:
        payload = token.split('.')[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + '=' * (-len(payload) % 4)))
        return float(claims['exp'])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def refresh_margin(lifetime):
    # Short-lived tokens (tests, simulators) would never be fresh with a fixed 5 minute margin.
    return min(REFRESH_MARGIN, lifetime / 4.0)


def token_entry(token, lifetime, clock=time.time):
    """What fetch() returns and the cache holds."""
    return {'access_token': token, 'expires_at': clock() + lifetime, 'lifetime': lifetime}


class GivenToken:
    """A token got elsewhere (access_token): handed out as is, never renewed, never cached."""

    can_refresh = False

    def __init__(self, client, access_token):
        self.access_token = access_token
        self.expires_at = jwt_expiry(access_token)
        client.secrets.add(access_token)

    def token(self):
        return self.access_token

    def invalidate(self, token):
        return False


class FetchedToken:
    """Tokens from an endpoint, kept in memory and in the shared cache; thread-safe.

    One run asks for a token one thread at a time, and remembers a failure: a refusal or a
    service that stayed down through the retries fails every later call at once, without another
    request. A 401 gets one fresh token per run: a fresh token refused too fails the run.

    Subclasses implement fetch() -> token_entry(...). `key_parts` identify the caller in the cache
    (hashed; include the secret, so another secret never gets this token) and `secret` encrypts it.
    `warn` is told (once) when the cache cannot be used.
    """

    can_refresh = True

    def __init__(self, client, key_parts, secret, cache=True, cache_dir=None, clock=time.time, warn=None):
        self.client = client
        self.clock = clock
        self.cache = TokenCache(cache_key(*key_parts), secret, cache_dir, warn) if cache else None
        self.expires_at = None
        self._lock = threading.Lock()
        self._token = None
        self._lifetime = DEFAULT_LIFETIME
        self._failure = None  # the CitrixCloudError that ends this run's token requests
        self._renewed = False  # a 401 has already cost a fresh token
        if secret:
            client.secrets.add(secret)

    def fetch(self):
        raise NotImplementedError

    def refused_message(self):
        """What to say when a fresh token is refused too; subclasses name their credentials."""
        return 'the service refused a freshly issued token too: the credentials cannot call this API'

    @property
    def cache_file(self):
        return self.cache.path if self.cache else None

    def token(self):
        with self._lock:
            if self._failure is not None:
                raise copy.copy(self._failure)  # a copy: threads raise it at once
            if not (self._token and self._fresh(self.expires_at, self._lifetime)):
                try:
                    self._use((self._load() or self._fetch_shared()) if self.cache else self.fetch())
                except CitrixCloudError as exc:
                    self._failure = exc
                    raise
            return self._token

    def invalidate(self, token):
        """Forget a token the service refused, unless another thread already replaced it.

        True when a fresh token may be had; False once a fresh token was refused too.
        """
        with self._lock:
            if self._failure is not None:
                return False
            if token != self._token:
                return True  # already replaced (or being replaced) by another thread
            self._token = None
            if self.cache:
                self.cache.locked(lambda: self.cache.drop(token), unlocked=lambda: None)
            if self._renewed:
                self._failure = CitrixCloudError(self.refused_message(), status=401)
                return False
            self._renewed = True
            return True

    def _use(self, entry):
        self._token = entry['access_token']
        self.expires_at = entry['expires_at']
        self._lifetime = entry['lifetime']
        self.client.secrets.add(self._token)

    def _fresh(self, expires_at, lifetime):
        return expires_at is not None and expires_at - self.clock() > refresh_margin(lifetime)

    def _load(self):
        entry = self.cache.load()
        return entry if entry and self._fresh(entry['expires_at'], entry['lifetime']) else None

    def _fetch_shared(self):
        """Fetch under the file lock, so concurrent processes make one token request between them."""
        def locked():
            entry = self._load()  # another process may have fetched while this one waited
            if entry is None:
                entry = self.fetch()
                self.cache.store(entry)
            return entry
        return self.cache.locked(locked, unlocked=self.fetch)


class ClientCredentials(FetchedToken):
    """Citrix Cloud API client credentials (client_id / client_secret) at the trust service."""

    def __init__(self, client, token_url, client_id, client_secret, cache=True, cache_dir=None, clock=time.time,
                 warn=None):
        super().__init__(client, (token_url, client_id, client_secret), client_secret, cache, cache_dir, clock, warn)
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret

    def fetch(self):
        form = {'grant_type': 'client_credentials', 'client_id': self.client_id,
                'client_secret': self.client_secret}
        try:
            resp = self.client.request('POST', self.token_url, data=form, auth=False, idempotent=True)
        except CitrixCloudError as exc:
            if exc.status in (400, 401, 403, 404):
                exc.message = 'Citrix Cloud refused the credentials of API client %s (%s): %s' % (
                    self.client_id, exc.message, CREDENTIALS_HINT)
            raise
        body = resp.body if isinstance(resp.body, dict) else {}
        if not body.get('access_token'):
            raise CitrixCloudError('the token endpoint answered %s without an access_token: %s'
                                   % (resp.status, CREDENTIALS_HINT), status=resp.status,
                                   transaction_id=resp.transaction_id)
        return token_entry(body['access_token'], parse_expires_in(body.get('expires_in')), self.clock)

    def refused_message(self):
        return ('Citrix Cloud refused a freshly issued token of API client %s too (401): check that the client '
                'still exists and has access to this customer_id' % self.client_id)


def token_provider(client, token_url, client_id=None, client_secret=None, access_token=None, cache=True,
                   cache_dir=None, clock=time.time, warn=None):
    """The provider for the shared credential options: a given access_token, else client credentials."""
    if access_token:
        return GivenToken(client, access_token)
    return ClientCredentials(client, token_url, client_id, client_secret, cache, cache_dir, clock, warn)
