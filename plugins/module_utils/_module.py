# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CitrixCloudModule: the shared options, the client factory, and failures a person can act on."""

from __future__ import annotations

import contextlib
import copy
import os
import re

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.common.parameters import env_fallback

from ansible_collections.citrix.cloud.plugins.module_utils._token_providers import token_provider
from ansible_collections.citrix.cloud.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    CitrixCloudClient,
    CitrixCloudError,
)
from ansible_collections.citrix.cloud.plugins.module_utils._endpoints import (
    DEFAULT_REGION,
    ON_PREMISES_CUSTOMER,
    REGIONS,
    Endpoints,
    check_api_url,
    check_customer_id,
    is_loopback,
)
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_guid


def snake(item):
    """An API object with snake_case keys ({} for None), as modules return it.

    The same as camel_dict_to_snake_dict (which names each key), only each key name is worked out
    once: 10,000 machines have some 400,000 keys, but only a few dozen names.
    """
    return _snake_dict(item or {})


def snake_in_place(items):
    """snake() each object of the list `items`, in place; returns `items`.

    Each raw object goes as its snake_case copy comes, so the two lists are never both whole in
    memory (a 10,000-machine listing is tens of megabytes each).
    """
    for index, item in enumerate(items):
        items[index] = snake(item)
    return items


_SNAKE_KEYS = {}


def _snake_key(name):
    try:
        return _SNAKE_KEYS[name]
    except KeyError:
        if len(_SNAKE_KEYS) > 10000:  # names from the API are few; free-form keys must not grow it for ever
            _SNAKE_KEYS.clear()
        key = _SNAKE_KEYS[name] = next(iter(camel_dict_to_snake_dict({name: None})))
        return key


def _snake_dict(item):
    return dict((_snake_key(key), _snake_value(value)) for key, value in item.items())


def _snake_value(value):
    # as camel_dict_to_snake_dict: dicts, also in lists (of lists), get snake_case keys; all else stays
    if isinstance(value, dict):
        return _snake_dict(value)
    if isinstance(value, list):
        return [_snake_value(item) for item in value]
    return value


# Options filled from the environment, so that explicit credentials can win over env ones.
_FROM_ENV = set()


class _Env:
    """env_fallback that remembers which option it filled."""

    def __init__(self, option):
        self.option = option

    def __call__(self, *names):
        value = env_fallback(*names)  # raises AnsibleFallbackNotFound when unset
        _FROM_ENV.add(self.option)
        return value


def _env(option, var):
    return (_Env(option), [var])


SHARED_ARGSPEC = dict(
    # Required, but checked in check_options: required=True would make linters demand it in every
    # task that gets it from CITRIX_CUSTOMER_ID, as AWX credentials provide it.
    customer_id=dict(type='str', fallback=(env_fallback, ['CITRIX_CUSTOMER_ID'])),
    client_id=dict(type='str', fallback=_env('client_id', 'CITRIX_CLIENT_ID')),
    client_secret=dict(type='str', no_log=True, fallback=_env('client_secret', 'CITRIX_CLIENT_SECRET')),
    access_token=dict(type='str', no_log=True, fallback=_env('access_token', 'CITRIX_ACCESS_TOKEN')),
    username=dict(type='str', fallback=_env('username', 'CITRIX_USERNAME')),
    password=dict(type='str', no_log=True, fallback=_env('password', 'CITRIX_PASSWORD')),
    # No default: `global` when unset, for Citrix Cloud; set with username / password it is an error.
    region=dict(type='str', choices=list(REGIONS), fallback=_env('region', 'CITRIX_REGION')),
    api_url=dict(type='str', fallback=(env_fallback, ['CITRIX_API_URL'])),
    validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['CITRIX_VALIDATE_CERTS'])),
    ca_path=dict(type='path', fallback=(env_fallback, ['CITRIX_CA_PATH'])),
    timeout=dict(type='int', default=30),
    retries=dict(type='int', default=5),
    token_cache=dict(type='bool', default=True, no_log=False, fallback=(env_fallback, ['CITRIX_TOKEN_CACHE'])),
)
DAAS_ARGSPEC = dict(
    site_id=dict(type='str', fallback=(env_fallback, ['CITRIX_SITE_ID'])),
)
CLOUD_CREDENTIALS = ('client_id', 'client_secret', 'access_token')
ON_PREMISES_CREDENTIALS = ('username', 'password')
CREDENTIALS = CLOUD_CREDENTIALS + ON_PREMISES_CREDENTIALS


def shared_argspec(daas=False):
    spec = copy.deepcopy(SHARED_ARGSPEC)
    if daas:
        spec.update(copy.deepcopy(DAAS_ARGSPEC))
    return spec


# Options whose values go into a header or a URL: a control character there would split a header
# (CR, LF), be cut short or sent raw (NUL), so it is refused before any call.
WIRE_OPTIONS = ('customer_id', 'client_id', 'client_secret', 'access_token', 'api_url', 'site_id',
                'region', 'username', 'password')
SECRET_OPTIONS = ('client_secret', 'access_token', 'password')
ENV_VARS = dict(client_id='CITRIX_CLIENT_ID', client_secret='CITRIX_CLIENT_SECRET', access_token='CITRIX_ACCESS_TOKEN',
                username='CITRIX_USERNAME', password='CITRIX_PASSWORD')
CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')
# (lowest, highest, unit) of the numeric options: beyond them a value is a mistake, not a wish.
# Options several modules share; doc fragments citrix.cloud.common.parallelism and .jobs.
PARALLELISM_ARGS = dict(parallelism=dict(type='int', default=10))
JOB_WAIT_ARGS = dict(wait_timeout=dict(type='int', default=600))

BOUNDS = dict(
    timeout=(1, 3600, 'seconds per request'),
    retries=(0, 20, 'tries in all; 0 and 1 both mean one try'),
    wait_timeout=(1, 86400, 'seconds'),
    lock_timeout=(0, 86400, 'seconds'),
    parallelism=(1, 100, 'requests at once'),
)
LISTED = 10  # a message names this many items of a list, and counts the rest


def listed(items, limit=LISTED):
    """'a, b, c' for a few items; 'a, ... j and 990 more' beyond `limit`, so a message stays readable."""
    items = [str(item) for item in items]
    text = ', '.join(items[:limit])
    if len(items) > limit:
        text += ' and %d more' % (len(items) - limit)
    return text


def check_no_control(params, names=WIRE_OPTIONS):
    """Raise ValueError naming the first option in `names` whose value holds a control character."""
    for name in names:
        value = params.get(name)
        if isinstance(value, str) and CONTROL_RE.search(value):
            shown = '' if name in SECRET_OPTIONS else ' (%r)' % value
            raise ValueError('%s%s contains a control character (CR, LF, NUL or the like), which cannot go into '
                             'a header or URL: check for a line break from a file or a paste' % (name, shown))


def check_bounds(params, bounds=None):
    """Raise ValueError for a numeric option outside BOUNDS (only those the module has)."""
    for name, (low, high, unit) in (bounds or BOUNDS).items():
        value = params.get(name)
        if value is not None and not low <= value <= high:
            raise ValueError('%s must be from %d to %d (%s), got %s' % (name, low, high, unit, value))


def _empty_credentials(params, from_env):
    """AWX templates write `client_id: "{{ x | default('') }}"`: an empty value is no value, so the
    environment variable fills it as it would an option left out."""
    for name in CREDENTIALS:
        if params.get(name) == '':
            params[name] = os.environ.get(ENV_VARS[name]) or None
            if params[name] is not None:
                from_env.add(name)


def _empty_api_url(params):
    """An empty api_url is no value either, so CITRIX_API_URL fills it; without that it is an error: left out,
    api_url means Citrix Cloud's own hosts, which a template that came out empty hardly meant."""
    if params.get('api_url') is not None and not params['api_url'].strip():
        params['api_url'] = os.environ.get('CITRIX_API_URL') or None
        if params['api_url'] is None:
            raise ValueError('api_url is an empty string: set it to the base URL to call (or set CITRIX_API_URL), '
                             "or leave it out for the region's Citrix Cloud hosts")


def check_options(params, from_env=frozenset()):
    """Resolve credentials (explicit options win over env) and check formats; raise ValueError.

    Done here rather than with AnsibleModule's mutually_exclusive, which cannot tell an option
    from its environment fallback. Changes `params` in place.
    """
    check_no_control(params)
    check_bounds(params)
    from_env = set(from_env)
    _empty_credentials(params, from_env)
    _empty_api_url(params)
    explicit = set(k for k in CREDENTIALS if params.get(k) is not None and k not in from_env)
    if _on_premises(params, explicit):
        return _check_on_premises(params, from_env)
    if 'access_token' in explicit and explicit & {'client_id', 'client_secret'}:
        raise ValueError('parameters are mutually exclusive: access_token|client_id, client_secret')
    if 'access_token' in explicit:
        params['client_id'] = params['client_secret'] = None
    elif explicit:
        params['access_token'] = None
    elif params.get('access_token') and (params.get('client_id') or params.get('client_secret')):
        raise ValueError('CITRIX_ACCESS_TOKEN and CITRIX_CLIENT_ID / CITRIX_CLIENT_SECRET are both set: '
                         'unset one, or set access_token or client_id and client_secret in the task')
    if not params.get('access_token') and not (params.get('client_id') and params.get('client_secret')):
        missing = [name for name in ('client_id', 'client_secret') if not params.get(name)]
        raise ValueError('%s not set: set client_id and client_secret (or CITRIX_CLIENT_ID and '
                         'CITRIX_CLIENT_SECRET), or access_token (or CITRIX_ACCESS_TOKEN); for an on-premises site, '
                         'username and password (or CITRIX_USERNAME and CITRIX_PASSWORD)' % ' and '.join(missing))
    if not params.get('customer_id'):
        raise ValueError('missing required argument: customer_id (or set CITRIX_CUSTOMER_ID)')
    check_customer_id(params['customer_id'])
    if params.get('api_url'):
        params['api_url'] = check_api_url(params['api_url'])
    params['region'] = params.get('region') or DEFAULT_REGION
    return _check_common(params)


def _check_common(params):
    if params.get('site_id'):
        check_guid(params['site_id'], 'site_id')
    if params.get('ca_path') and not os.path.exists(params['ca_path']):
        raise ValueError('ca_path %s does not exist' % params['ca_path'])
    return params


def _on_premises(params, explicit):
    """Whether the credentials are an on-premises domain account; drops the other kind where it came from
    the environment (the task's own win). Raises ValueError when both kinds are set alike."""
    cloud_given = explicit.intersection(CLOUD_CREDENTIALS)
    on_prem_given = explicit.intersection(ON_PREMISES_CREDENTIALS)
    if cloud_given and on_prem_given:
        raise ValueError('%s (on-premises) and %s (Citrix Cloud) are both set in the task: give one kind of '
                         'credentials' % (' and '.join(n for n in ON_PREMISES_CREDENTIALS if n in on_prem_given),
                                          ' and '.join(n for n in CLOUD_CREDENTIALS if n in cloud_given)))
    if on_prem_given or cloud_given:
        on_premises = bool(on_prem_given)
    else:
        # All from the environment (an AWX credential injects every field, empty or not): the kind that
        # is complete wins, a stray value of the other kind is ignored; both complete is ambiguous.
        cloud_set = [name for name in CLOUD_CREDENTIALS if params.get(name)]
        on_prem_set = [name for name in ON_PREMISES_CREDENTIALS if params.get(name)]
        cloud_complete = bool(params.get('access_token') or (params.get('client_id') and params.get('client_secret')))
        if cloud_complete and len(on_prem_set) == 2:
            raise ValueError('%s and %s are both set: unset one kind of credentials, or set the credentials in the '
                             'task' % (' and '.join(ENV_VARS[n] for n in on_prem_set),
                                       ' and '.join(ENV_VARS[n] for n in cloud_set)))
        on_premises = len(on_prem_set) == 2 or bool(on_prem_set and not cloud_set)
    for name in CLOUD_CREDENTIALS if on_premises else ON_PREMISES_CREDENTIALS:
        params[name] = None
    return on_premises


def _check_on_premises(params, from_env=frozenset()):
    """username / password: the Orchestration service named by api_url, over https unless on this machine."""
    for name, other in (('username', 'password'), ('password', 'username')):
        if not params.get(other):
            raise ValueError('%s is set but %s is not: an on-premises site needs both (or %s and %s)'
                             % (name, other, ENV_VARS['username'], ENV_VARS['password']))
    if ':' in params['username']:
        raise ValueError('username %r contains ":", which HTTP Basic authentication cannot carry: write it as '
                         'DOMAIN\\user or user@domain.example' % params['username'])
    if params.get('region') == DEFAULT_REGION and 'region' in from_env:
        params['region'] = None  # CITRIX_REGION=global, as an AWX credential injects by default: no choice made
    if params.get('region'):
        raise ValueError('region (%s) is for Citrix Cloud; with username and password (an on-premises site) '
                         'api_url names the server: leave region out (and unset CITRIX_REGION)' % params['region'])
    if not params.get('api_url'):
        raise ValueError('api_url is required with username and password: set it (or CITRIX_API_URL) to the '
                         'server that runs the Orchestration service, like https://ddc1.example.com')
    params['api_url'] = check_api_url(params['api_url'])
    if not params['api_url'].lower().startswith('https://') and not is_loopback(params['api_url']):
        raise ValueError('api_url %s is not https: the password would cross the network in clear. Use https:// '
                         '(with ca_path for a private CA); http:// is allowed only for this machine (localhost, '
                         '127.0.0.1, ::1)' % params['api_url'])
    params['customer_id'] = params.get('customer_id') or ON_PREMISES_CUSTOMER
    check_customer_id(params['customer_id'])
    return _check_common(params)


def _emptiness(value):
    """How a given selector value is empty ('null', 'an empty list', ...), or None when it is not."""
    if value is None:
        return 'null'
    if isinstance(value, str) and not value.strip():
        return 'an empty string'
    if isinstance(value, (list, tuple)):
        if not value:
            return 'an empty list'
        if any(item is None or (isinstance(item, str) and not item.strip()) for item in value):
            return 'a list with an empty or null item'
    return None


def refuse_empty(given, names, acting=True):
    """Raise ValueError when a selector in `names` was given (a key of `given`) but is empty or null.

    `given`: the options as the task wrote them, before validation (which turns a null list item
    into 'None'). A selector that a template computes can come out empty; read as "no filter", it
    would widen the selection to every object of the site, so it is an error before any call.
    """
    for name in names:
        how = _emptiness(given[name]) if name in given else None
        if how:
            what = ('nothing to act on; leave the task out or skip it with `when:`' if acting
                    else 'nothing to select; leave the option out to list all')
            raise ValueError('%s is %s: %s' % (name, how, what))


def build_client(params, warn=None):
    """A CitrixCloudClient from checked shared options (also for plugins, which have no module).

    `warn`: a callable told what a person should know but that does not fail the run (an unusable token cache).
    """
    on_premises = bool(params.get('username'))
    endpoints = Endpoints(params['customer_id'], params.get('region'), params.get('api_url'), on_premises=on_premises)
    client = CitrixCloudClient(endpoints, site_id=params.get('site_id'), timeout=params.get('timeout', 30),
                               retries=params.get('retries', 5), validate_certs=params.get('validate_certs', True),
                               ca_path=params.get('ca_path'))
    client.auth = token_provider(client, endpoints.token, params.get('client_id'), params.get('client_secret'),
                                 params.get('access_token'), cache=params.get('token_cache', True), warn=warn,
                                 username=params.get('username'), password=params.get('password'),
                                 deployment=endpoints.deployment)
    return client


class CitrixCloudModule(AnsibleModule):
    """AnsibleModule with the shared Citrix Cloud options and a lazily built `client`."""

    def __init__(self, argument_spec=None, daas=False, filters=(), **kwargs):
        """`filters`: the options that narrow what an _info module lists; one given but empty or null
        fails before any call (refuse_empty), as it would otherwise list everything."""
        _FROM_ENV.clear()
        spec = shared_argspec(daas)
        spec.update(argument_spec or {})
        super().__init__(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        try:
            check_options(self.params, frozenset(_FROM_ENV))
            self.refuse_empty(filters, acting=False)
        except ValueError as exc:
            self.fail_json(msg=str(exc))

    def _load_params(self):
        super()._load_params()
        # The options the task gave, null ones included: validation later fills every absent
        # option with None too, and a given null must not read as "not given" (see refuse_empty).
        self.given = dict((k, copy.deepcopy(v)) for k, v in self.params.items() if not k.startswith('_ansible_'))

    def refuse_empty(self, names, acting=True):
        """refuse_empty for this task's options, as the task gave them."""
        refuse_empty(self.given, names, acting)

    @property
    def client(self):
        """The CitrixCloudClient for this run, built on first use."""
        if self._client is None:
            self._client = build_client(self.params, warn=self.warn)
        return self._client

    @contextlib.contextmanager
    def api_errors(self):
        """Turn CitrixCloudError and ValueError into fail_json, never a traceback."""
        try:
            yield
        except CitrixCloudError as exc:
            self.fail_json(msg=str(exc), status=exc.status, transaction_id=exc.transaction_id)
        except ValueError as exc:
            self.fail_json(msg=str(exc))
