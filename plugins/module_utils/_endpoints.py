# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Region -> hosts, and the URL of every Citrix Cloud service the collection calls."""

from __future__ import annotations

import re

from urllib.parse import urlsplit

# The API gateway host of each region (api.cloud.com is Citrix's recommended global host). Only
# api.cloud.com and Japan's api.citrixcloud.jp are documented for DaaS and resource locations; the
# other regional names are kept as aliases for hosts that serve the same API.
REGION_HOSTS = {
    'global': 'api.cloud.com',
    'us': 'api-us.cloud.com',
    'eu': 'api-eu.cloud.com',
    'ap-s': 'api-ap-s.cloud.com',
    'jp': 'api.citrixcloud.jp',
}
REGIONS = tuple(REGION_HOSTS)

# The platform services (service states, notifications) are documented only on the global
# *.citrixworkspacesapi.net hosts, which serve the US, EU and AP-S regions alike. Japan runs a
# separate control plane; its .jp host is unconfirmed. `api_url` overrides every host.
WORKSPACES_API_DOMAIN = {'jp': 'citrixworkspacesapi.jp'}
DEFAULT_WORKSPACES_API_DOMAIN = 'citrixworkspacesapi.net'

CUSTOMER_ID_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$')


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


class Endpoints:
    """Every service URL for one customer; `api_url` puts them all on one base URL.

    With `api_url`, each URL is `api_url` + the path the service has on its own host.
    """

    def __init__(self, customer_id, region='global', api_url=None):
        self.customer_id = check_customer_id(customer_id)
        if region not in REGION_HOSTS:
            raise ValueError('region %r is not one of %s' % (region, ', '.join(REGIONS)))
        self.region = region
        self.api_url = check_api_url(api_url) if api_url else None

    def _url(self, host, path):
        return (self.api_url or 'https://' + host) + path

    def _workspaces(self, service, path):
        domain = WORKSPACES_API_DOMAIN.get(self.region, DEFAULT_WORKSPACES_API_DOMAIN)
        return self._url('%s.%s' % (service, domain), '/%s%s' % (self.customer_id, path))

    @property
    def host(self):
        """The regional API gateway host."""
        return REGION_HOSTS[self.region]

    @property
    def token(self):
        return self._url(self.host, '/cctrustoauth2/%s/tokens/clients' % self.customer_id)

    @property
    def resource_locations(self):
        # The api.cloud.com form, scoped by the Citrix-CustomerId header.
        return self._url(self.host, '/resourcelocations')

    @property
    def service_states(self):
        return self._workspaces('core', '/serviceStates')

    @property
    def notifications(self):
        """POST a notification here."""
        return self._workspaces('notifications', '/notifications/items')

    @property
    def notifications_list(self):
        return self._workspaces('notifications', '/notifications')

    @property
    def daas(self):
        """Base URL of the DaaS REST API; append paths such as `/Machines`."""
        return self._url(self.host, '/cvad/manage')
