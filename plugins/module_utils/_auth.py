# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bearer tokens: client credentials or a given access_token, and the token cache shared by processes.

Every Ansible task is a new process and the token endpoint is rate limited, so a token is fetched
once and reused through an owner-only cache file (see design.md "Tokens"). The cache never holds
the secret; where `cryptography` imports, it is encrypted with a key derived from the secret.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import tempfile
import threading
import time
import types

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not POSIX: the cache still works, without the cross-process lock
    HAS_FCNTL = False

REFRESH_MARGIN = 300  # seconds: a token this close to expiry is not handed out
DEFAULT_LIFETIME = 3600  # Citrix tokens live an hour; used when expires_in is missing or unreadable
CREDENTIALS_HINT = 'check client_id / client_secret and customer_id (and region or api_url)'


def default_cache_dir():
    """$CITRIX_TOKEN_CACHE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/citrix.cloud."""
    if os.environ.get('CITRIX_TOKEN_CACHE_DIR'):
        return os.environ['CITRIX_TOKEN_CACHE_DIR']
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'citrix.cloud')


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


@functools.lru_cache(maxsize=None)
def load_cryptography():
    """The parts of `cryptography` the cache uses, or None when it does not import.

    Imported on first use, not with this module: only reading or writing the cache file needs it,
    and a task that uses access_token or token_cache=false should not pay for it.
    Without it the cache is plain JSON, still 0600 in a 0700 folder.
    """
    try:
        from cryptography.fernet import Fernet, InvalidToken
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    except ImportError:
        return None
    return types.SimpleNamespace(Fernet=Fernet, InvalidToken=InvalidToken, hashes=hashes, HKDF=HKDF)


def refresh_margin(lifetime):
    # Short-lived tokens (tests, simulators) would never be fresh with a fixed 5 minute margin.
    return min(REFRESH_MARGIN, lifetime / 4.0)


class TokenProvider:
    """Hands out a valid bearer token; thread-safe; `invalidate(token)` after a 401.

    `client` is the CitrixCloudClient whose retries the token request uses.
    """

    def __init__(self, client, token_url, client_id=None, client_secret=None, access_token=None,
                 cache=True, cache_dir=None, clock=time.time):
        self.client = client
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token = access_token
        self.cache = bool(cache) and not access_token
        self.cache_dir = cache_dir or default_cache_dir()
        self.clock = clock
        self._lock = threading.Lock()
        self._token = None
        self.expires_at = None  # epoch seconds, when known
        self._lifetime = DEFAULT_LIFETIME
        key = '\0'.join((token_url, client_id or '', client_secret or ''))
        self._key = hashlib.sha256(key.encode('utf-8')).hexdigest()
        client.secrets.update(s for s in (client_secret, access_token) if s)

    @property
    def can_refresh(self):
        """A given access_token cannot be renewed; client credentials can."""
        return not self.access_token

    @property
    def cache_file(self):
        return os.path.join(self.cache_dir, self._key + '.token')

    def token(self):
        with self._lock:
            if self.access_token:
                self.expires_at = self.expires_at or jwt_expiry(self.access_token)
                return self.access_token
            if not (self._token and self._fresh(self.expires_at, self._lifetime)):
                entry = (self._load() or self._fetch_shared()) if self.cache else self._fetch()
                self._use(entry)
            return self._token

    def invalidate(self, token):
        """Forget a token the service refused, unless another thread already replaced it."""
        with self._lock:
            if not self.can_refresh or token != self._token:
                return
            self._token = None
            if self.cache:
                self._with_file_lock(lambda: self._drop_cached(token), unlocked=lambda: None)

    # -- the token endpoint ------------------------------------------------------------------

    def _fetch(self):
        form = {'grant_type': 'client_credentials', 'client_id': self.client_id,
                'client_secret': self.client_secret}
        try:
            resp = self.client.request('POST', self.token_url, data=form, auth=False, idempotent=True)
        except CitrixCloudError as exc:
            if exc.status in (400, 401, 403, 404):
                exc.message = 'Citrix Cloud refused the API client credentials (%s): %s' % (
                    exc.message, CREDENTIALS_HINT)
            raise
        body = resp.body if isinstance(resp.body, dict) else {}
        if not body.get('access_token'):
            raise CitrixCloudError('the token endpoint answered %s without an access_token: %s'
                                   % (resp.status, CREDENTIALS_HINT), status=resp.status,
                                   transaction_id=resp.transaction_id)
        lifetime = parse_expires_in(body.get('expires_in'))
        return {'access_token': body['access_token'], 'expires_at': self.clock() + lifetime, 'lifetime': lifetime}

    def _use(self, entry):
        self._token = entry['access_token']
        self.expires_at = entry['expires_at']
        self._lifetime = entry['lifetime']
        self.client.secrets.add(self._token)

    def _fresh(self, expires_at, lifetime):
        return expires_at is not None and expires_at - self.clock() > refresh_margin(lifetime)

    # -- the cache file ----------------------------------------------------------------------

    def _fetch_shared(self):
        """Fetch under the file lock, so concurrent processes make one token request between them."""
        def locked():
            entry = self._load()  # another process may have fetched while this one waited
            if entry is None:
                entry = self._fetch()
                self._store(entry)
            return entry
        return self._with_file_lock(locked, unlocked=self._fetch)

    def _with_file_lock(self, fn, unlocked):
        """fn() under an exclusive lock on this key's lock file; unlocked() if there can be none."""
        try:
            self._ensure_dir()
            fd = os.open(os.path.join(self.cache_dir, self._key + '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:  # an unusable cache folder costs a token request, nothing more
            return unlocked()
        try:
            if HAS_FCNTL:
                fcntl.flock(fd, fcntl.LOCK_EX)
            return fn()
        finally:
            os.close(fd)  # closing releases the lock

    def _ensure_dir(self):
        os.makedirs(self.cache_dir, mode=0o700, exist_ok=True)
        st = os.stat(self.cache_dir)
        if st.st_mode & 0o077 and st.st_uid == os.geteuid():
            os.chmod(self.cache_dir, 0o700)  # owner-only, even if something loosened it

    def _load(self):
        """The cached entry if it is ours, readable and fresh; anything else is ignored."""
        try:
            with open(self.cache_file, 'rb') as f:
                st = os.fstat(f.fileno())
                if st.st_uid != os.geteuid() or st.st_mode & 0o077:
                    return None  # foreign or loosened: do not trust it
                entry = json.loads(self._decode(f.read()))
            if not isinstance(entry.get('access_token'), str):
                return None
            expires_at, lifetime = float(entry['expires_at']), float(entry['lifetime'])
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if not self._fresh(expires_at, lifetime):
            return None
        return {'access_token': entry['access_token'], 'expires_at': expires_at, 'lifetime': lifetime}

    def _store(self, entry):
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix='.tmp-')  # mkstemp makes it 0600
            with os.fdopen(fd, 'wb') as f:
                f.write(self._encode(json.dumps(entry).encode('utf-8')))
            os.replace(tmp, self.cache_file)  # atomic: readers see the old file or the new one
        except OSError:  # not cached this time; the token itself is fine
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)

    def _drop_cached(self, token):
        entry = self._load()
        if entry is None or entry['access_token'] == token:
            try:
                os.unlink(self.cache_file)
            except OSError:
                pass

    def _fernet(self, crypto):
        # The secret is a high-entropy API key, so HKDF (fast) is enough; no password stretching.
        kdf = crypto.HKDF(algorithm=crypto.hashes.SHA256(), length=32, salt=self._key.encode('ascii'),
                          info=b'citrix.cloud token cache v1')
        return crypto.Fernet(base64.urlsafe_b64encode(kdf.derive((self.client_secret or '').encode('utf-8'))))

    def _encode(self, data):
        crypto = load_cryptography()
        if crypto:
            return b'fernet:' + self._fernet(crypto).encrypt(data)
        return data

    def _decode(self, data):
        if data.startswith(b'fernet:'):
            crypto = load_cryptography()
            if not crypto:
                raise ValueError('encrypted cache and no cryptography')
            try:
                return self._fernet(crypto).decrypt(data[len('fernet:'):])
            except crypto.InvalidToken:
                raise ValueError('cache written with another key')
        return data
