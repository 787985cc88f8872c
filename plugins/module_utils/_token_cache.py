# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache: one owner-only file a key, shared by every process on the controller.

Every Ansible task is a new process and token endpoints are rate limited, so a token is fetched
once and reused through this cache (see design.md "Tokens"). It never holds a secret; where
`cryptography` imports, each entry is encrypted with a key derived from the caller's secret.
Token providers (_auth) use it; they decide what is fresh.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import tempfile
import types

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not POSIX: the cache still works, without the cross-process lock
    HAS_FCNTL = False


def default_cache_dir():
    """$CITRIX_TOKEN_CACHE_DIR, else ${XDG_CACHE_HOME:-~/.cache}/citrix.cloud."""
    if os.environ.get('CITRIX_TOKEN_CACHE_DIR'):
        return os.environ['CITRIX_TOKEN_CACHE_DIR']
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'citrix.cloud')


@functools.lru_cache(maxsize=None)
def load_cryptography():
    """The parts of `cryptography` the cache uses, or None when it does not import.

    Imported on first use, not with this module: only reading or writing a cache file needs it,
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


def cache_key(*parts):
    """The file name stem for an identity (token URL, client id, secret...): a hash, never the parts."""
    return hashlib.sha256('\0'.join(p or '' for p in parts).encode('utf-8')).hexdigest()


class TokenCache:
    """The cache entry of one key: `{access_token, expires_at, lifetime}`, or nothing.

    `secret` is what the entry is encrypted with (the client secret): only its owner can read it.
    Every problem with the folder or a file means "no entry", never an error.
    """

    def __init__(self, key, secret, cache_dir=None):
        self.key = key
        self.secret = secret or ''
        self.cache_dir = cache_dir or default_cache_dir()

    @property
    def path(self):
        return os.path.join(self.cache_dir, self.key + '.token')

    def locked(self, fn, unlocked):
        """fn() under an exclusive lock on this key's lock file; unlocked() if there can be none."""
        try:
            self._ensure_dir()
            fd = os.open(os.path.join(self.cache_dir, self.key + '.lock'), os.O_RDWR | os.O_CREAT, 0o600)
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

    def load(self):
        """The entry if it is ours and readable (fresh or not), else None."""
        try:
            with open(self.path, 'rb') as f:
                st = os.fstat(f.fileno())
                if st.st_uid != os.geteuid() or st.st_mode & 0o077:
                    return None  # foreign or loosened: do not trust it
                entry = json.loads(self._decode(f.read()))
            if not isinstance(entry.get('access_token'), str):
                return None
            return {'access_token': entry['access_token'], 'expires_at': float(entry['expires_at']),
                    'lifetime': float(entry['lifetime'])}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def store(self, entry):
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix='.tmp-')  # mkstemp makes it 0600
            with os.fdopen(fd, 'wb') as f:
                f.write(self._encode(json.dumps(entry).encode('utf-8')))
            os.replace(tmp, self.path)  # atomic: readers see the old file or the new one
        except OSError:  # not cached this time; the token itself is fine
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)

    def drop(self, token):
        """Remove the entry if it holds `token` (or is unreadable), not one another process renewed."""
        entry = self.load()
        if entry is None or entry['access_token'] == token:
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def _fernet(self, crypto):
        # The secret is a high-entropy API key, so HKDF (fast) is enough; no password stretching.
        kdf = crypto.HKDF(algorithm=crypto.hashes.SHA256(), length=32, salt=self.key.encode('ascii'),
                          info=b'citrix.cloud token cache v1')
        return crypto.Fernet(base64.urlsafe_b64encode(kdf.derive(self.secret.encode('utf-8'))))

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
