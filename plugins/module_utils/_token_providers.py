# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token providers: where a module run's bearer token comes from.

A provider is what CitrixCloudClient calls `auth`; it has
  token()            a valid bearer token (thread-safe; fetches when needed)
  invalidate(token, nested=False)
                     the service answered 401 to `token`: forget it; True when a fresh token
                     may be had (False: retrying is pointless); `nested`: the 401 was an item's of
                     a `$batch`, which proves less (see FetchedToken.invalidate)
  accepted(token)    the service answered a call made with `token`: it was valid then, so a
                     later 401 to it means it was revoked or expired early, not refused
  can_refresh        whether invalidate() can ever lead to a new token
  expires_at         epoch seconds, when known
  failed             True once the run can get no token any more: every later call fails at once
`GivenToken` hands out a token got elsewhere. `FetchedToken` is the base of providers that get
tokens from an endpoint, reusing them through the shared token cache (_token_cache); a
subclass implements `fetch()`:
  ClientCredentials            Citrix Cloud's API client flow (cctrustoauth2, a form, `expires_in`)
  GovernmentClientCredentials  Citrix Cloud Government's trust service (a JSON body, `Token` / `ExpiresAt`)
  OnPremisesCredentials        an on-premises Orchestration service's `/tokens` route (HTTP Basic with a
                               domain account, `Token` / `ExpiresAt`)
`token_provider` picks one from the shared credential options.
"""

from __future__ import annotations

import base64
import copy
import datetime
import json
import re
import threading
import time

from urllib.parse import urlsplit

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._token_cache import TokenCache, cache_key

REFRESH_MARGIN = 300  # seconds: a token this close to expiry is not handed out
DEFAULT_LIFETIME = 3600  # Citrix tokens live an hour; used when expires_in is missing or unreadable
CREDENTIALS_HINT = 'check client_id / client_secret and customer_id (and region or api_url)'
ON_PREMISES_HINT = ('check username (DOMAIN\\user or user@domain.example) and password, and that the account is '
                    'a Citrix administrator of the site')
# Fresh tokens one run may get for tokens the service accepted and later refused (revoked, or expired
# early): each is one token request, so a service that keeps refusing good tokens ends the run instead.
RENEWALS = 10
ISO_RE = re.compile(r'^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$', re.IGNORECASE)


def parse_expires_in(value):
    """Seconds from `expires_in`, which Citrix sends as a JSON string ("3600"); ints work too."""
    try:
        seconds = int(float(value))
    except (TypeError, ValueError):
        return DEFAULT_LIFETIME
    return seconds if seconds > 0 else DEFAULT_LIFETIME


def parse_iso_time(value):
    """Epoch seconds of an RFC 3339 time such as .NET writes it (`2026-12-02T01:00:00.1234567Z`), or None.

    A time without an offset is UTC (the Orchestration service documents `ExpiresAt` as a UTC time).
    """
    match = ISO_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    stamp, fraction, zone = match.groups()
    try:
        when = datetime.datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    offset = 0
    if zone and zone.upper() != 'Z':
        digits = zone[1:].replace(':', '')
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60 * (1 if zone[0] == '+' else -1)
    return when.timestamp() - offset + (float('0.' + fraction) if fraction else 0.0)


def parse_expires_at(value, clock=time.time):
    """Seconds a token lives from `ExpiresAt`: an RFC 3339 time (on-premises), or an integer (Government).

    Citrix's client reads Government's integer as seconds from now; one that can only be a time (epoch
    seconds or milliseconds) is read as one. Missing, unreadable or already past: DEFAULT_LIFETIME.
    """
    now = clock()
    if isinstance(value, str) and not re.match(r'^\s*\d+(\.\d+)?\s*$', value):
        when = parse_iso_time(value)
        lifetime = when - now if when is not None else None
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is None:
            lifetime = None
        elif number > 1e12:  # epoch milliseconds
            lifetime = number / 1000.0 - now
        elif number > 1e9:  # epoch seconds
            lifetime = number - now
        else:
            lifetime = number
    return lifetime if lifetime and lifetime > 0 else DEFAULT_LIFETIME


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
    failed = False

    def __init__(self, client, access_token):
        self.access_token = access_token
        self.expires_at = jwt_expiry(access_token)
        client.secrets.add(access_token)

    def token(self):
        return self.access_token

    def invalidate(self, token, nested=False):
        return False

    def accepted(self, token):
        pass


class FetchedToken:
    """Tokens from an endpoint, kept in memory and in the shared cache; thread-safe.

    One run asks for a token one thread at a time, and remembers a failure: a refusal or a
    service that stayed down through the retries fails every later call at once, without another
    request. A 401 gets one fresh token, shared by every thread that was refused the same token.
    A token the service accepted and later refused (revoked, or expired early) is replaced each
    time, up to RENEWALS times a run; a fresh token refused before the service accepted it fails
    the run (the credentials cannot call this API).

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
        self._accepted = set()  # tokens the service accepted in this run (set.add needs no lock)
        self._renewals = 0  # fresh tokens for tokens accepted, then refused
        if secret:
            client.secrets.add(secret)

    def fetch(self):
        raise NotImplementedError

    def refused_message(self):
        """What to say when a fresh token is refused too; subclasses name their credentials."""
        return 'the service refused a freshly issued token too: the credentials cannot call this API'

    @property
    def failed(self):
        """True once this run can get no token (see token()): waiting on the service is waiting for nothing."""
        return self._failure is not None

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

    def invalidate(self, token, nested=False):
        """Forget a token the service refused, unless another thread already replaced it.

        True when a fresh token may be had; False once a fresh token was refused before the
        service accepted it, or after RENEWALS tokens were accepted and then refused.
        `nested`: refused in a `$batch` item. That proves no revocation: a token revoked before the
        job ran its items is refused on the job's own polls too, and replaced there; one still in
        use here was accepted by those polls, so the items were refused for another reason, and
        get one fresh token a run, as a fresh token refused does.
        """
        with self._lock:
            if self._failure is not None:
                return False
            if token != self._token:
                return True  # already replaced (or being replaced) by another thread
            self._token = None
            if self.cache:
                self.cache.locked(lambda: self.cache.drop(token), unlocked=lambda: None)
            if token in self._accepted and not nested:  # it was good: revoked or expired early
                self._renewals += 1
                if self._renewals > RENEWALS:
                    self._failure = CitrixCloudError(
                        'the service refused %d tokens in this run after accepting each of them (revoked, or '
                        'expired early), so the run stopped asking for more: run the task again' % self._renewals,
                        status=401)
                    return False
            elif self._renewed:
                self._failure = CitrixCloudError(self.refused_message(), status=401)
                return False
            self._renewed = True
            return True

    def accepted(self, token):
        """The service answered a call made with `token`: a later 401 to it is a revocation."""
        if token not in self._accepted:
            self._accepted.add(token)

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


class ApiClientToken(FetchedToken):
    """A token for an API client (client_id / client_secret), cached under its token URL and client."""

    def __init__(self, client, token_url, client_id, client_secret, cache=True, cache_dir=None, clock=time.time,
                 warn=None):
        super().__init__(client, (token_url, client_id, client_secret), client_secret, cache, cache_dir, clock, warn)
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret


class ClientCredentials(ApiClientToken):
    """Citrix Cloud API client credentials (client_id / client_secret) at the trust service."""

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


class TrustServiceToken(FetchedToken):
    """Tokens answered as `{Token, Principal, UserId, CustomerId, ExpiresAt}`, as the trust service of
    Citrix Cloud Government and the on-premises Orchestration service answer."""

    def _entry(self, resp, hint):
        body = resp.body if isinstance(resp.body, dict) else {}
        token = body.get('Token') or body.get('token')
        if not token or not isinstance(token, str):
            raise CitrixCloudError('the token endpoint answered %s without a Token: %s' % (resp.status, hint),
                                   status=resp.status, transaction_id=resp.transaction_id)
        return token_entry(token, parse_expires_at(body.get('ExpiresAt', body.get('expiresAt')), self.clock),
                           self.clock)


class GovernmentClientCredentials(TrustServiceToken, ApiClientToken):
    """Citrix Cloud Government API client credentials at its trust service (a JSON body)."""

    def fetch(self):
        body = {'ClientId': self.client_id, 'ClientSecret': self.client_secret}
        try:
            resp = self.client.request('POST', self.token_url, json=body, auth=False, idempotent=True)
        except CitrixCloudError as exc:
            if exc.status in (400, 401, 403, 404):
                exc.message = 'Citrix Cloud Government refused the credentials of API client %s (%s): %s' % (
                    self.client_id, exc.message, CREDENTIALS_HINT)
            raise
        return self._entry(resp, CREDENTIALS_HINT)

    def refused_message(self):
        return ('Citrix Cloud Government refused a freshly issued token of API client %s too (401): check that the '
                'client still exists and has access to this customer_id' % self.client_id)


class OnPremisesCredentials(TrustServiceToken):
    """A domain account at an on-premises Orchestration service (`POST .../tokens`, HTTP Basic).

    Cached like a cloud token: keyed by a hash of the token URL (the server), the user and the
    password, encrypted with a key derived from the password, which the cache never holds.
    """

    def __init__(self, client, token_url, username, password, cache=True, cache_dir=None, clock=time.time,
                 warn=None):
        super().__init__(client, (token_url, username, password), password, cache, cache_dir, clock, warn)
        self.token_url = token_url
        self.username = username
        self.server = urlsplit(token_url).netloc
        self._basic = 'Basic ' + base64.b64encode(('%s:%s' % (username, password)).encode('utf-8')).decode('ascii')
        client.secrets.add(self._basic[len('Basic '):])

    def fetch(self):
        try:
            resp = self.client.request('POST', self.token_url, headers={'Authorization': self._basic}, auth=False,
                                       idempotent=True)
        except CitrixCloudError as exc:
            if exc.status in (400, 401, 403):
                exc.message = 'the Orchestration service at %s refused the credentials of user %s (%s): %s' % (
                    self.server, self.username, exc.message, ON_PREMISES_HINT)
            elif exc.status in (404, 405):
                exc.message = ('%s has no Orchestration service token route (%s): check api_url, the server that runs '
                               'Web Studio (Citrix Virtual Apps and Desktops 2311 or later)' % (self.server, exc.message))
            raise
        return self._entry(resp, ON_PREMISES_HINT)

    def refused_message(self):
        return ('the Orchestration service at %s refused a freshly issued token of user %s too (401): check that the '
                'account is still a Citrix administrator of the site' % (self.server, self.username))


def token_provider(client, token_url, client_id=None, client_secret=None, access_token=None, cache=True,
                   cache_dir=None, clock=time.time, warn=None, username=None, password=None, deployment='cloud'):
    """The provider for the shared credential options: a given access_token; else a domain account
    (on-premises); else API client credentials, in the flow of the deployment ('cloud' or 'gov')."""
    if access_token:
        return GivenToken(client, access_token)
    if username:
        return OnPremisesCredentials(client, token_url, username, password, cache, cache_dir, clock, warn)
    if deployment == 'gov':
        return GovernmentClientCredentials(client, token_url, client_id, client_secret, cache, cache_dir, clock, warn)
    return ClientCredentials(client, token_url, client_id, client_secret, cache, cache_dir, clock, warn)
