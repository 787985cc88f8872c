# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token cache: one owner-only file a key, shared by every process on the controller.

Every Ansible task is a new process and token endpoints are rate limited, so a token is fetched
once and reused through this cache (see design.md "Tokens"). It never holds a secret; where
`cryptography` imports, each entry is encrypted with a key derived from the caller's secret.
Token providers (_token_providers) use it; they decide what is fresh.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import functools
import hashlib
import json
import os
import secrets
import stat
import time
import types

try:
    import fcntl
    HAS_FCNTL = True
except ImportError:  # not POSIX: the cache still works, without the cross-process lock
    HAS_FCNTL = False

LOCK_TIMEOUT = 30.0  # seconds; a lock held longer is not worth waiting for: go on without the cache
# Never through a symlink, never inherited by a child process.
NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0)
HAS_DIR_FD = os.open in os.supports_dir_fd and bool(getattr(os, 'O_NOFOLLOW', 0))


class UnsafeFolder(OSError):
    """A folder, or a file in it, that another user could control: never used."""


class UnsafeFile(OSError):
    """A file in the private folder that is a symlink, not a regular file, or not this user's alone."""


class LockTimeout(OSError):
    """Another process held the lock for longer than the timeout."""


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


def open_private_dir(path, create=True):
    """A descriptor of folder `path`, checked as OpenSSH checks its own: raise UnsafeFolder otherwise.

    Safe means a real folder (not a symlink), owned by this user and writable by no one else.
    A missing folder is created 0700 (with `create`); an existing one is never chmod'ed, since
    the collection did not make it so. Files in it are opened relative to the descriptor, so the
    folder checked is the folder used, whatever happens to its path meanwhile.
    """
    if not HAS_DIR_FD:
        raise UnsafeFolder(errno.ENOTSUP, 'this platform cannot open files without following symlinks')
    if create and not os.path.lexists(path):
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:  # another process made it first; it is checked below like any other
            pass
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | NOFOLLOW)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeFolder(exc.errno, 'it is a symbolic link or not a folder')
        raise
    try:
        _check_owned(os.fstat(fd), 0o022, 'folder')
    except UnsafeFolder:
        os.close(fd)
        raise
    return fd


def _check_owned(st, forbidden, what, error=UnsafeFolder):
    if st.st_uid != os.geteuid():
        raise error(errno.EPERM, 'the %s is owned by uid %d, not this user (uid %d)'
                    % (what, st.st_uid, os.geteuid()))
    if st.st_mode & forbidden:
        raise error(errno.EPERM, 'the %s has mode %04o: not private to this user'
                    % (what, stat.S_IMODE(st.st_mode)))


def open_private_file(dir_fd, name, flags=os.O_RDONLY):
    """A descriptor of `name` in the folder `dir_fd`: never through a symlink, created 0600, and only
    a regular file of this user's that no one else can read or write (else UnsafeFile)."""
    try:
        fd = os.open(name, flags | NOFOLLOW, 0o600, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeFile(exc.errno, '%s is a symbolic link' % name)
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFile(errno.EPERM, '%s is not a regular file' % name)
        _check_owned(st, 0o077, 'file %s' % name, UnsafeFile)
    except UnsafeFile:
        os.close(fd)
        raise
    return fd


def lock_fd(fd, timeout=LOCK_TIMEOUT, sleep=time.sleep, clock=time.monotonic):
    """Take an exclusive flock on `fd` within `timeout` seconds (0: try once), else raise LockTimeout.

    Other OSErrors, such as ENOLCK from a file system without locks, are the caller's to handle.
    """
    if not HAS_FCNTL:
        return
    deadline = clock() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if clock() >= deadline:
                raise LockTimeout(errno.ETIMEDOUT, 'the lock was held by another process for over %g s' % timeout)
            sleep(0.05)


def acquire_lock(folder, name, timeout=LOCK_TIMEOUT, create=True):
    """A descriptor of file `name` in the private folder `folder`, exclusively locked; close it to unlock.

    For any lock on the controller shared by processes (the token cache; a run lock). Raises
    UnsafeFolder or UnsafeFile (what another user could control), LockTimeout, or OSError
    (ENOLCK: the file system has no locks).
    """
    dir_fd = open_private_dir(folder, create)
    try:
        fd = open_private_file(dir_fd, name, os.O_RDWR | os.O_CREAT)
    finally:
        os.close(dir_fd)
    try:
        lock_fd(fd, timeout)
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def private_lock(folder, name, timeout=LOCK_TIMEOUT, create=True):
    """acquire_lock() held for a `with` block."""
    fd = acquire_lock(folder, name, timeout, create)
    try:
        yield fd
    finally:
        os.close(fd)


class TokenCache:
    """The cache entry of one key: `{access_token, expires_at, lifetime}`, or nothing.

    `secret` is what the entry is encrypted with (the client secret): only its owner can read it.
    A problem with the folder or a file is never an error: `warn` (a callable) is told once, and
    the cache is not used for the rest of the run.
    """

    def __init__(self, key, secret, cache_dir=None, warn=None, lock_timeout=LOCK_TIMEOUT):
        self.key = key
        self.secret = secret or ''
        self.cache_dir = cache_dir or default_cache_dir()
        self.warn = warn or (lambda message: None)
        self.lock_timeout = lock_timeout
        self.usable = True
        self._lockless = False  # the file system has no locks (ENOLCK): use the cache unlocked
        self._told = set()

    @property
    def path(self):
        return os.path.join(self.cache_dir, self.key + '.token')

    def _problem(self, exc):
        """The cache cannot be used: say so once, and do without it for the rest of the run."""
        if self.usable:
            self.usable = False
            self._notice('The token cache in %s is not used (%s); tokens are fetched without it.'
                         % (self.cache_dir, exc.strerror or exc))

    def _notice(self, message):
        if message not in self._told:
            self._told.add(message)
            self.warn(message)

    def locked(self, fn, unlocked):
        """fn() under an exclusive lock on this key's lock file; unlocked() when the cache cannot be used."""
        if not self.usable:
            return unlocked()
        if self._lockless:
            return fn()
        try:
            fd = acquire_lock(self.cache_dir, self.key + '.lock', self.lock_timeout)
        except OSError as exc:
            if exc.errno != errno.ENOLCK:
                self._problem(exc)
                return unlocked()
            # NFS without a lock daemon: the cache stays safe unlocked, as writes are atomic renames
            self._lockless = True
            self._notice('The token cache in %s cannot be locked (%s); concurrent tasks may each fetch a token.'
                         % (self.cache_dir, os.strerror(errno.ENOLCK)))
            return fn()
        try:
            return fn()
        finally:
            os.close(fd)  # closing releases the lock

    @contextlib.contextmanager
    def _folder(self):
        dir_fd = open_private_dir(self.cache_dir)
        try:
            yield dir_fd
        finally:
            os.close(dir_fd)

    def load(self):
        """The entry if it is ours and readable (fresh or not), else None."""
        if not self.usable:
            return None
        try:
            with self._folder() as dir_fd:
                fd = open_private_file(dir_fd, self.key + '.token')
                with os.fdopen(fd, 'rb') as f:
                    data = f.read()
        except FileNotFoundError:
            return None
        except UnsafeFile as exc:  # not trusted; the next store replaces it (a rename, never through it)
            self._notice('The token cache file in %s was ignored: %s.' % (self.cache_dir, exc.strerror))
            return None
        except UnsafeFolder as exc:
            self._problem(exc)
            return None
        except OSError:
            return None  # unreadable: as good as absent
        return self._entry(data)

    def _entry(self, data):
        try:
            entry = json.loads(self._decode(data))
            if not isinstance(entry.get('access_token'), str):
                return None
            return {'access_token': entry['access_token'], 'expires_at': float(entry['expires_at']),
                    'lifetime': float(entry['lifetime'])}
        except (ValueError, TypeError, KeyError, AttributeError):
            return None  # corrupt, foreign or another key's: ignored, and replaced on the next store

    def store(self, entry):
        if not self.usable:
            return
        tmp = '.tmp-%s' % secrets.token_hex(8)
        try:
            with self._folder() as dir_fd:
                fd = open_private_file(dir_fd, tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
                try:
                    with os.fdopen(fd, 'wb') as f:
                        f.write(self._encode(json.dumps(entry).encode('utf-8')))
                    # atomic: readers see the old file or the new one
                    os.replace(tmp, self.key + '.token', src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
                except OSError:
                    _unlink(tmp, dir_fd)
                    raise
        except OSError as exc:  # not cached this time; the token itself is fine
            self._problem(exc)

    def drop(self, token):
        """Remove the entry if it holds `token` (or is unreadable), not one another process renewed."""
        entry = self.load()
        if self.usable and (entry is None or entry['access_token'] == token):
            try:
                with self._folder() as dir_fd:
                    _unlink(self.key + '.token', dir_fd)
            except OSError as exc:
                self._problem(exc)

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
        crypto = load_cryptography()
        if data.startswith(b'fernet:'):
            if not crypto:
                raise ValueError('encrypted cache and no cryptography')
            try:
                return self._fernet(crypto).decrypt(data[len('fernet:'):])
            except crypto.InvalidToken:
                raise ValueError('cache written with another key')
        if crypto:
            # Entries are always encrypted where they can be: a plain one was planted, not written here.
            raise ValueError('unencrypted cache entry')
        return data


def _unlink(name, dir_fd):
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass
