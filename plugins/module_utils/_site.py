# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DaaS site a run works on: the given site_id, else the only site /me shows.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import list_items
from ansible_collections.citrix.cloud.plugins.module_utils._module import listed


def sites_from_me(me, customer_id=None):
    """[{Id, Name}] of the sites /me lists, for `customer_id` when /me names it."""
    customers = (me or {}).get('Customers') or []
    own = [c for c in customers if customer_id and str(c.get('Id', '')).lower() == customer_id.lower()]
    sites = []
    for customer in own or customers:
        sites.extend(customer.get('Sites') or [])
    return sites


def only_site(sites):
    """The id of the one site in `sites`, else None: a run picks a site only when there is no choice."""
    return sites[0]['Id'] if len(sites) == 1 else None


def pick_site(sites):
    """The one site id, or ValueError that lists the choices."""
    if len(sites) == 1:
        return only_site(sites)
    if not sites:
        raise ValueError('No DaaS site is visible to this API client; check that the customer has '
                         'Citrix DaaS and that the client has access to it.')
    choices = listed('%s (%s)' % (s.get('Name'), s.get('Id')) for s in sites)
    raise ValueError('This customer has %d DaaS sites: %s. Set site_id (or CITRIX_SITE_ID) to one '
                     'of these ids.' % (len(sites), choices))


def get_me(client):
    return client.daas('GET', '/me').body or {}


def use_site(client, site_id=None, customer_id=None):
    """Make `client` site-scoped: the given site_id, else the only site /me shows."""
    if site_id:
        client.site_id = site_id
    elif not client.site_id:
        client.site_id = pick_site(sites_from_me(get_me(client), customer_id))
    return client.site_id


def daas_client(module):
    """The module's client, scoped to its site: O(site_id), else the only site /me shows.

    Calls /me at most once per run, so modules may call this wherever they need the client.
    """
    client = module.client
    use_site(client, module.params.get('site_id'), module.params.get('customer_id'))
    return client


def list_sites(client):
    return list_items(client.daas('GET', '/Sites').body)
