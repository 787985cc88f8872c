# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP client: headers, retries, errors, paging, bounded parallel calls.

Modules use it through `CitrixCloudModule.client`; see docs/developing.md for the contract.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
import traceback
import uuid

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import NewConnectionError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # reported by CitrixCloudModule through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

# The collection version (User-Agent): galaxy.yml's, which make release sets here too.
COLLECTION_VERSION = '1.0.0'
USER_AGENT = 'citrix.cloud/%s (+https://github.com/citrix/citrix.cloud)' % COLLECTION_VERSION

IDEMPOTENT = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'))
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
TRANSACTION_HEADERS = ('Citrix-TransactionId', 'X-Cws-TransactionId')
MAX_PAGE = 1000
AUTH_SCHEME = 'CwsAuth Bearer='  # Citrix Cloud's form of an OAuth bearer token
# What a person can do about the statuses that are about them rather than the service.
HINTS = {
    401: ' (the access token was rejected: check access_token, or client_id / client_secret and customer_id)',
    403: ' (the API client lacks the permission for this call: check its access policy in Citrix Cloud)',
}
# On-premises the credentials are a domain account, and permissions are the site's administrator roles.
ON_PREMISES_HINTS = {
    401: ' (the token was rejected: check username and password, and that the account is still a Citrix '
         'administrator of the site)',
    403: ' (the account lacks the permission for this call: check its administrator role and scope in Web Studio)',
}
# Statuses that are about the site itself, whoever calls: said in words, not left as a number.
SITE_STATES = {
    530: ('the DaaS site is frozen or being restored (HTTP 530), so it cannot take calls now; Citrix '
          'Cloud wakes a frozen site when it is used: try again in a few minutes, and check the site '
          'in Citrix Cloud if it lasts'),
}
MAX_SERVER_DELAY = 120.0  # a Retry-After beyond this is a service asking for more than a task should wait
# Throttling is honoured by time, not by a count of tries: a call answered 429 is tried again for
# this many seconds of waiting in all, however many tries that takes (a steady rate limit slows a
# task down; it does not fail it).
THROTTLE_PATIENCE = 300.0

log = logging.getLogger('citrix.cloud')


class CitrixCloudError(Exception):
    """A failed call, told as one sentence a person can act on; never holds a header or token.

    `uncertain` is true when the request may have reached the service but no answer came back:
    re-read state before sending it again. `body` is the parsed error body, for callers that
    need `ErrorType` and the like.
    """

    def __init__(self, message, status=None, method=None, path=None, transaction_id=None,
                 uncertain=False, body=None, sends=1):
        super().__init__(message)
        self.sends = sends  # requests sent for this call, throttled ones (429) not counted
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.transaction_id = transaction_id
        self.uncertain = uncertain
        self.body = body

    def __str__(self):
        text = self.message
        if self.method and self.path:
            outcome = 'failed with %s' % self.status if self.status else 'failed'
            text = '%s %s %s: %s' % (self.method, self.path, outcome, self.message)
        if self.transaction_id and self.status is None and self.uncertain:
            # Sent, but no answer: support can look the id up, yet nothing confirms the service saw it.
            text += ' (Citrix-TransactionId %s was sent, but no answer came)' % self.transaction_id
        elif self.transaction_id:
            text += ' (Citrix-TransactionId %s)' % self.transaction_id
        return text


class Response:
    """What a call returns: `status`, `body` (parsed JSON or None), `headers`, `transaction_id`."""

    def __init__(self, status, body, headers, transaction_id, sends=1):
        self.sends = sends  # requests sent for this call, throttled ones (429) not counted
        self.status = status
        self.body = body
        self.headers = headers
        self.transaction_id = transaction_id

    def __repr__(self):
        return 'Response(%s, transaction_id=%s)' % (self.status, self.transaction_id)


def response_tid(resp, sent):
    """The transaction id the service answered with, else the one sent."""
    if resp is not None:
        for name in TRANSACTION_HEADERS:
            if resp.headers.get(name):
                return resp.headers[name]
    return sent


def url_path(url):
    """The path of a URL, without scheme, host or query (queries may hold what errors must not)."""
    return urlsplit(url).path or '/'


def parse_body(resp):
    if not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        return None


def error_message(body, reason):
    """The service's own words: DaaS `ErrorMessage`, gateway `detail`, OAuth `error_description`."""
    if isinstance(body, dict):
        for key in ('ErrorMessage', 'errorMessage', 'detail', 'error_description', 'Message', 'message', 'error'):
            value = body.get(key)
            if value and isinstance(value, str):
                return value
    return reason or 'no error message'


def missing_object(status, message):
    """Citrix answers a call on a missing object with 404, or (DaaS) a 500 "Object does not exist."."""
    return status == 404 or (status == 500 and 'does not exist' in str(message or '').lower())


def is_missing(err):
    """True when the CitrixCloudError `err` says the object it was about does not exist."""
    return missing_object(err.status, err.message)


def daas_get_or_none(client, path, params=None):
    """GET a DaaS object: its body, or None when the service says it does not exist (404, 204)."""
    try:
        resp = client.daas('GET', path, params=params, expected=(200, 204))
    except CitrixCloudError as err:
        if is_missing(err):
            return None
        raise
    return resp.body or None


def list_items(body):
    """The items of a list answer: the body itself when a list, else `Items` or `items` (absent/null = none)."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return []
    return body.get('Items') or body.get('items') or []


def is_gateway_error(body):
    """The Citrix Cloud gateway answers in problem+json with a `type` under errors-api."""
    if not isinstance(body, dict):
        return False
    kind = body.get('type')
    return bool(isinstance(kind, str) and 'errors-api' in kind) or body_retry_delay(body) is not None


def body_retry_delay(body):
    """The gateway's `parameters: [{name: retryDelay, value: "4"}]`, in seconds, or None."""
    params = body.get('parameters') if isinstance(body, dict) else None
    for param in params if isinstance(params, list) else ():
        if isinstance(param, dict) and param.get('name') == 'retryDelay':
            try:
                return max(0.0, float(param.get('value')))
            except (TypeError, ValueError):
                return None
    return None


def retry_after(value, now=None):
    """Seconds from a `Retry-After` header (delta-seconds or HTTP-date), or None when it gives no hint."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    try:
        wait = when.timestamp() - (now if now is not None else time.time())
    except (OverflowError, ValueError):
        return None
    # A date already past (a skewed clock, a cached answer) is no hint: back off as usual.
    return wait if wait > 0 else None


def backoff_delay(attempt, base=0.5, cap=30.0):
    """Exponential backoff with jitter (half fixed, half random), capped."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def not_sent(exc):
    """True when a connection error happened before any byte of the request left (safe to resend)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.SSLError) or not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    reason = getattr(exc.args[0], 'reason', None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def daas_site_scoped(path):
    """DaaS calls carry Citrix-InstanceId except `/me` and those under `/Sites`."""
    first = path.split('?', 1)[0].strip('/').split('/', 1)[0].lower()
    return first not in ('me', 'sites')


class CitrixCloudClient:
    """One requests.Session for one module run; see docs/developing.md for the contract.

    `auth` is a token provider: `token()`, `invalidate(token)`, `accepted(token)`, `can_refresh` (see
    _token_providers).
    `sleep`, `backoff` and `clock` are injectable so tests need not wait.
    """

    def __init__(self, endpoints, auth=None, site_id=None, timeout=30, retries=5, validate_certs=True,
                 ca_path=None, sleep=time.sleep, backoff=backoff_delay, clock=time.monotonic):
        self.endpoints = endpoints
        self.customer_id = endpoints.customer_id
        self.auth = auth
        self.site_id = site_id
        self.timeout = timeout
        self.attempts = max(1, int(retries))  # `retries` counts every try, the first included
        self.sleep = sleep
        self.backoff = backoff
        self.clock = clock
        self.secrets = set()  # values never to show in a message (auth adds its own)
        self.session = requests.Session()  # honours HTTPS_PROXY / NO_PROXY / REQUESTS_CA_BUNDLE
        # Passed on each request: a Session-level value would lose to REQUESTS_CA_BUNDLE, even False.
        self.verify = (ca_path or True) if validate_certs else False
        self._pool_size = 0
        self.ensure_pool(10)

    # -- transport ---------------------------------------------------------------------------

    def ensure_pool(self, size):
        """Keep a connection per worker so parallel calls never queue on, or discard, connections."""
        if size > self._pool_size:
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=size, max_retries=0)
            self.session.mount('https://', adapter)
            self.session.mount('http://', adapter)
            self._pool_size = size

    def redact(self, text):
        for secret in tuple(self.secrets):  # other threads may add a token meanwhile
            if secret and len(secret) > 3:
                text = text.replace(secret, '********')
        return text

    def _headers(self, site_scoped, extra, token):
        headers = {
            'Accept': 'application/json',
            'User-Agent': USER_AGENT,
            'Citrix-TransactionId': str(uuid.uuid4()),
        }
        headers.update(self._identity(site_scoped, token))
        headers.update(extra or {})
        return headers

    def _identity(self, site_scoped, token):
        """Who is calling, for which customer and site: what authenticates and scopes a call."""
        headers = {'Citrix-CustomerId': self.customer_id}
        if site_scoped:
            headers['Citrix-InstanceId'] = self.site_id
        if token:
            headers['Authorization'] = AUTH_SCHEME + token
        return headers

    def auth_headers(self, site_scoped=True, rejected=None):
        """Authorization, Citrix-CustomerId and (site scoped) Citrix-InstanceId for a call made now.

        For requests nested in a body, such as `$batch` items, which the service authenticates by
        their own headers. `rejected`: headers from here that the service answered 401; their
        token is dropped first (a given access_token cannot be), so a fresh one comes back.
        The values hold the token: never put them in a message or a log line.
        """
        if site_scoped and not self.site_id:
            raise CitrixCloudError('no site_id: set site_id (or CITRIX_SITE_ID)')
        if self.auth is None:
            return self._identity(site_scoped, None)
        if rejected and getattr(self.auth, 'can_refresh', False):
            self.auth.invalidate(rejected.get('Authorization', '')[len(AUTH_SCHEME):], nested=True)
        return self._identity(site_scoped, self.auth.token())

    def _error(self, message, method, url, resp=None, sent_tid=None, uncertain=False, body=None):
        return CitrixCloudError(self.redact(message), status=resp.status_code if resp is not None else None,
                                method=method, path=url_path(url), transaction_id=response_tid(resp, sent_tid),
                                uncertain=uncertain, body=body)

    def _delay(self, attempt, resp=None, body=None):
        server = retry_after(resp.headers.get('Retry-After')) if resp is not None else None
        if server is None:
            server = body_retry_delay(body)
        if server is None:
            return self.backoff(attempt)
        # a little jitter, upwards only, so throttled processes do not come back in lockstep
        return min(server, MAX_SERVER_DELAY) * random.uniform(1.0, 1.1)

    @staticmethod
    def _not_taken(idempotent, status, body):
        """A refusal that proves the request was not acted on, waited out by time (see `request`)."""
        return status == 429 or (not idempotent and status == 503 and is_gateway_error(body))

    @staticmethod
    def _retryable(idempotent, status, body):
        # a missing object stays missing: retrying its 500 only delays the answer
        if status not in RETRY_STATUSES or missing_object(status, error_message(body, '')):
            return False
        # POST is retried only where the service provably did not take it.
        return idempotent or status == 429 or (status == 503 and is_gateway_error(body))

    def request(self, method, url, params=None, json=None, site_scoped=False, expected=None,
                headers=None, data=None, auth=True, idempotent=None, attempts=None):
        """Send one logical call, with retries; return a Response or raise CitrixCloudError.

        `idempotent=True` lets a POST that changes nothing (a search, a token) retry like a GET.
        `attempts` caps the tries for this call (default: the client's `retries`). Refusals that
        prove the request was not acted on (429; for a POST also the gateway's 503) are no try:
        they are retried for THROTTLE_PATIENCE seconds of waiting, the delay growing between them.
        So `sends` (on the Response or the error) counts only requests the service may have acted on.
        """
        method = method.upper()
        idempotent = method in IDEMPOTENT if idempotent is None else idempotent
        if site_scoped and not self.site_id:
            raise CitrixCloudError('no site_id: set site_id (or CITRIX_SITE_ID) for %s %s'
                                   % (method, url_path(url)))
        limit = self.attempts if attempts is None else max(1, int(attempts))
        attempt, refreshed, refusals, refused_for = 0, False, 0, 0.0
        while True:
            attempt += 1
            token = self.auth.token() if auth and self.auth is not None else None
            hdrs = self._headers(site_scoped, headers, token)
            tid = hdrs['Citrix-TransactionId']
            try:
                resp = self.session.request(method, url, params=params, json=json, data=data, headers=hdrs,
                                            timeout=self.timeout, verify=self.verify, allow_redirects=False)
            except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL) as exc:
                # refused by requests before sending: nothing to retry and no transaction id to name
                raise self._error('not sent: %s is not valid in a request (%s)' % (
                    'a header value' if isinstance(exc, requests.exceptions.InvalidHeader) else 'the URL',
                    type(exc).__name__), method, url)
            except requests.exceptions.RequestException as exc:
                safe = not_sent(exc)
                if attempt < limit and (safe or idempotent) and not _is_ssl(exc):
                    self._wait(method, url, attempt, 'connection error')
                    continue
                err = self._connection_error(exc, method, url, tid, not safe, idempotent)
                err.sends = attempt
                raise err
            body, status = parse_body(resp), resp.status_code
            log.debug('%s %s -> %s (%s)', method, url_path(url), status, response_tid(resp, tid))
            if token and 200 <= status < 300 and hasattr(self.auth, 'accepted'):
                self.auth.accepted(token)  # valid now: a later 401 to it is a revocation, not a refusal
            if status == 401 and token and not refreshed and getattr(self.auth, 'can_refresh', False):
                refreshed = True  # a token may be revoked or expire early: one fresh one, once
                if self.auth.invalidate(token):
                    attempt -= 1  # refused unread: not a try of the call
                    continue
            wanted = status in expected if expected is not None else status < 300
            if wanted:
                return Response(status, body, resp.headers, response_tid(resp, tid), sends=attempt)
            not_taken = self._not_taken(idempotent, status, body)
            if not_taken and refused_for < THROTTLE_PATIENCE:
                refusals += 1
                refused_for += self._wait(method, url, refusals, status, resp, body)
                attempt -= 1  # not processed, so not a try
                continue
            if attempt < limit and not not_taken and self._retryable(idempotent, status, body):
                self._wait(method, url, attempt, status, resp, body)
                continue
            hints = ON_PREMISES_HINTS if getattr(self.endpoints, 'on_premises', False) else HINTS
            message = SITE_STATES.get(status) or (
                error_message(body, resp.reason) + (hints.get(status, '') if token else ''))
            # A POST answered 5xx (other than a gateway's 503, retried above) may have been acted on.
            uncertain = not idempotent and status >= 500 and not self._retryable(idempotent, status, body) \
                and not missing_object(status, error_message(body, ''))
            if not_taken:
                message += ('; still refused after %d s of waiting, so the service did not act on it: '
                            'run the task again later' % refused_for)
            err = self._error(message, method, url, resp, tid, uncertain, body)
            err.sends = attempt - 1 if not_taken else attempt
            raise err

    def _wait(self, method, url, attempt, why, resp=None, body=None):
        delay = self._delay(attempt, resp, body)
        log.debug('%s %s: %s, again in %.1fs', method, url_path(url), why, delay)
        self.sleep(delay)
        return delay

    def _connection_error(self, exc, method, url, tid, uncertain, idempotent):
        if _is_ssl(exc):
            message = ('TLS certificate check failed (%s): set ca_path to your CA bundle, or validate_certs: false '
                       'for a test endpoint' % type(exc).__name__)
        elif isinstance(exc, requests.exceptions.Timeout):
            message = 'no answer within %s s (timeout)' % self.timeout
        else:
            message = 'could not connect to %s (%s)' % (urlsplit(url).netloc, type(exc).__name__)
        if uncertain and not idempotent:
            message += '; the service may have received the request, so re-read its state before sending it again'
        # Name the transaction id only when the service could have seen it: not for a request
        # refused before sending, nor one that failed the TLS handshake.
        seen = uncertain and not _is_ssl(exc)
        return self._error(message, method, url, sent_tid=tid if seen else None, uncertain=uncertain)

    # -- conveniences ------------------------------------------------------------------------

    def daas_url(self, path):
        """The URL of a DaaS path; reached directly (on-premises, Government) it names the site too."""
        if self.endpoints.direct and daas_site_scoped(path) and not self.site_id:
            raise CitrixCloudError('no site_id: set site_id (or CITRIX_SITE_ID) for %s' % path.split('?', 1)[0])
        return self.endpoints.daas_url(path, self.site_id)

    def daas(self, method, path, **kwargs):
        """`request` on the DaaS API; site-scoped unless the path is `/me` or under `/Sites`."""
        kwargs.setdefault('site_scoped', daas_site_scoped(path))
        return self.request(method, self.daas_url(path), **kwargs)

    def paginate(self, url_or_daas_path, params=None, limit=MAX_PAGE, fields=None, site_scoped=None):
        """Yield every item of a list call, following ContinuationToken (either casing)."""
        url = url_or_daas_path
        if not url.startswith(('http://', 'https://')):
            url = self.daas_url(url_or_daas_path)
            site_scoped = daas_site_scoped(url_or_daas_path) if site_scoped is None else site_scoped
        query = dict(params or {})
        if limit:
            query['limit'] = min(int(limit), MAX_PAGE)
        if fields:
            query['fields'] = fields if isinstance(fields, str) else ','.join(fields)
        seen = set()
        while True:
            body = self.request('GET', url, params=query, site_scoped=bool(site_scoped)).body
            yield from list_items(body)
            token = _continuation(body)
            if not token or token in seen:  # a repeated token would loop forever
                return
            seen.add(token)
            query['continuationToken'] = token

    def parallel_map(self, fn, items, workers=10):
        """`fn` over items with at most `workers` at once; results in input order.

        An exception raised by `fn` is returned in place of its result.
        """
        items = list(items)
        if not items:
            return []
        workers = max(1, min(int(workers), len(items)))
        self.ensure_pool(workers)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(fn, item) for item in items]
        return [_outcome(future) for future in futures]


def _outcome(future):
    try:
        return future.result()
    except Exception as exc:  # pylint: disable=broad-except  # the caller decides, per item
        return exc


def _is_ssl(exc):
    return isinstance(exc, requests.exceptions.SSLError)


def _continuation(body):
    if not isinstance(body, dict):
        return None
    return body.get('ContinuationToken') or body.get('continuationToken') or None
