# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where each service lives: region or deployment -> hosts, and the URL of every service the collection calls.

Three kinds of deployment, as Citrix's own client (Terraform provider, Go SDK) reaches them:

- Citrix Cloud (`region` global, us, eu, ap-s, jp): the API gateway of the region; DaaS at `/cvad/manage`,
  scoped by the Citrix-CustomerId / Citrix-InstanceId headers.
- Citrix Cloud Government (`region: gov`): the trust service for tokens, the customer's own DaaS host
  `{customerId}.xendesktop.us` at `/citrix/orchestration/api` (not behind a gateway), the registry for
  resource locations; no service states or notifications service.
- On-premises Citrix Virtual Apps and Desktops (`on_premises`): the server named by `api_url` that runs the
  Orchestration service, at `/citrix/orchestration/api`; no Citrix Cloud service at all.

Not behind the gateway ("direct"), Citrix's client puts the customer and site in the path of every
site-scoped call and of every `$batch` item (`{customerId}/{siteId}/Machines/...`), `/me` at the root.
"""

from __future__ import annotations

import ipaddress
import re

from urllib.parse import quote, urlsplit

# The API gateway host of each Citrix Cloud region (api.cloud.com is Citrix's recommended global host).
# Only api.cloud.com and Japan's api.citrixcloud.jp are documented for DaaS and resource locations (Citrix's
# client uses api.citrixcloud.jp for tokens, DaaS and resource locations alike); the other regional names
# are kept as aliases for hosts that serve the same API.
REGION_HOSTS = {
    'global': 'api.cloud.com',
    'us': 'api-us.cloud.com',
    'eu': 'api-eu.cloud.com',
    'ap-s': 'api-ap-s.cloud.com',
    'jp': 'api.citrixcloud.jp',
}
GOV = 'gov'
REGIONS = tuple(REGION_HOSTS) + (GOV,)
DEFAULT_REGION = 'global'

# Citrix Cloud Government, as Citrix's client reaches it.
GOV_TRUST_HOST = 'trust.citrixworkspacesapi.us'
GOV_REGISTRY_HOST = 'registry.citrixworkspacesapi.us'
GOV_DAAS_HOST = '%s.xendesktop.us'  # the customer's own DaaS host

# The platform services (service states, notifications) are documented only on the global
# *.citrixworkspacesapi.net hosts, which serve the US, EU and AP-S regions alike. Japan runs a
# separate control plane on citrixworkspacesapi.jp (Citrix's client reaches its workspace service at
# cws.citrixworkspacesapi.jp). `api_url` overrides every host.
WORKSPACES_API_DOMAIN = {'jp': 'citrixworkspacesapi.jp'}
DEFAULT_WORKSPACES_API_DOMAIN = 'citrixworkspacesapi.net'

ORCHESTRATION_PATH = '/citrix/orchestration/api'  # the Orchestration service's API root (on-premises, Government)
GATEWAY_DAAS_PATH = '/cvad/manage'
ON_PREMISES_CUSTOMER = 'CitrixOnPremises'  # the customer id of every on-premises site

CUSTOMER_ID_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$')


class ServiceUnavailable(ValueError):
    """A service that the deployment does not have: raised before any call is made."""


def check_customer_id(customer_id):
    """Raise ValueError unless customer_id looks like a Citrix Cloud customer id."""
    # fullmatch: `$` would let a trailing newline through into the Citrix-CustomerId header
    if not isinstance(customer_id, str) or not CUSTOMER_ID_RE.fullmatch(customer_id):
        raise ValueError(
            'customer_id %r is not a Citrix Cloud customer id: expected letters, digits, "-" or "_" '
            '(the "CCID" shown under Identity and Access Management > API Access)' % (customer_id,))
    return customer_id


def check_api_url(api_url):
    """Return api_url without a trailing slash; raise ValueError unless it is an http(s) base URL."""
    if re.search(r'[\x00-\x1f\x7f]', api_url or ''):  # urlsplit would drop CR, LF and tab silently
        raise ValueError('api_url %r contains a control character' % (api_url,))
    parts = urlsplit(api_url or '')
    if parts.scheme not in ('http', 'https') or not parts.netloc or parts.query or parts.fragment:
        raise ValueError('api_url %r must be an http:// or https:// base URL without query or fragment'
                         % (api_url,))
    return api_url.rstrip('/')


def is_loopback(url):
    """True when the URL's host is this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or '').lower()
    if host == 'localhost' or host.endswith('.localhost'):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_site_path(path):
    """DaaS paths scoped to a site: all but `/me` and those under `/Sites`."""
    first = path.split('?', 1)[0].strip('/').split('/', 1)[0].lower()
    return first not in ('me', 'sites')


class Endpoints:
    """Every service URL for one customer; `api_url` puts them all on one base URL.

    With `api_url`, each URL is `api_url` + the path the service has on its own host. On-premises,
    `api_url` is required: it names the server that runs the Orchestration service.
    """

    def __init__(self, customer_id, region=None, api_url=None, on_premises=False):
        self.on_premises = bool(on_premises)
        region = region or DEFAULT_REGION
        if region not in REGIONS:
            raise ValueError('region %r is not one of %s' % (region, ', '.join(REGIONS)))
        self.region = region
        self.customer_id = check_customer_id(customer_id or (ON_PREMISES_CUSTOMER if self.on_premises else None))
        self.api_url = check_api_url(api_url) if api_url else None
        if self.on_premises and not self.api_url:
            raise ValueError('api_url is required with username and password: set it (or CITRIX_API_URL) to the '
                             'server that runs the Orchestration service, like https://ddc1.example.com')

    def _url(self, host, path):
        return (self.api_url or 'https://' + host) + path

    def _workspaces(self, service, path):
        domain = WORKSPACES_API_DOMAIN.get(self.region, DEFAULT_WORKSPACES_API_DOMAIN)
        return self._url('%s.%s' % (service, domain), '/%s%s' % (self.customer_id, path))

    @property
    def deployment(self):
        """'on-premises', 'gov' or 'cloud'."""
        if self.on_premises:
            return 'on-premises'
        return 'gov' if self.region == GOV else 'cloud'

    @property
    def direct(self):
        """True where DaaS is reached without the API gateway: customer and site go in the path."""
        return self.deployment != 'cloud'

    def _unavailable(self, what):
        if self.on_premises:
            return ServiceUnavailable(
                '%s are a Citrix Cloud service, which an on-premises Citrix Virtual Apps and Desktops site (username '
                'and password) does not have, so nothing was sent' % what)
        return ServiceUnavailable(
            '%s are not available in Citrix Cloud Government (region gov): Citrix publishes no Government host for '
            'this service, so nothing was sent' % what)

    @property
    def host(self):
        """The regional API gateway host (Citrix Cloud regions only)."""
        return REGION_HOSTS.get(self.region)

    @property
    def token(self):
        if self.on_premises:
            return self.api_url + ORCHESTRATION_PATH + '/tokens'
        if self.region == GOV:
            return self._url(GOV_TRUST_HOST, '/%s/tokens/clients' % self.customer_id)
        return self._url(self.host, '/cctrustoauth2/%s/tokens/clients' % self.customer_id)

    @property
    def resource_locations(self):
        if self.on_premises:
            raise self._unavailable('resource locations')
        if self.region == GOV:
            return self._url(GOV_REGISTRY_HOST, '/%s/resourcelocations' % self.customer_id)
        # The api.cloud.com form, scoped by the Citrix-CustomerId header.
        return self._url(self.host, '/resourcelocations')

    @property
    def service_states(self):
        if self.direct:
            raise self._unavailable('service states')
        return self._workspaces('core', '/serviceStates')

    @property
    def notifications(self):
        """POST a notification here."""
        if self.direct:
            raise self._unavailable('notifications')
        return self._workspaces('notifications', '/notifications/items')

    @property
    def notifications_list(self):
        if self.direct:
            raise self._unavailable('notifications')
        return self._workspaces('notifications', '/notifications')

    @property
    def daas(self):
        """Base URL of the DaaS REST API; `daas_url` appends paths such as `/Machines`."""
        if self.on_premises:
            return self.api_url + ORCHESTRATION_PATH
        if self.region == GOV:
            return self._url(GOV_DAAS_HOST % self.customer_id.lower(), ORCHESTRATION_PATH)
        return self._url(self.host, GATEWAY_DAAS_PATH)

    def site_prefix(self, site_id):
        """`{customerId}/{siteId}` where DaaS is reached directly; '' behind the gateway."""
        if not self.direct:
            return ''
        return '%s/%s' % (quote(self.customer_id, safe=''), quote(str(site_id), safe=''))

    def daas_url(self, path, site_id=None):
        """The URL of DaaS `path` (`/Machines`, `/me`, ...) for the site `site_id`.

        Behind the gateway the path goes below the base as it is (the headers scope it). Reached
        directly, Citrix's client calls `/me` at the root, `/Sites` below the customer and every
        other route below customer and site.
        """
        if not self.direct:
            return self.daas + path
        if not is_site_path(path):
            first = path.split('?', 1)[0].strip('/').split('/', 1)[0].lower()
            if first == 'me':
                return self.daas + path
            return '%s/%s%s' % (self.daas, quote(self.customer_id, safe=''), path)
        return '%s/%s%s' % (self.daas, self.site_prefix(site_id), path)

    def batch_relative_url(self, path, site_id=None):
        """A `$batch` item's RelativeUrl for DaaS `path`: prefixed with `{customerId}/{siteId}/` where
        DaaS is reached directly, as Citrix's client does (only the gateway takes the path as it is)."""
        if not self.direct:
            return path
        return '%s/%s' % (self.site_prefix(site_id), path.lstrip('/'))
