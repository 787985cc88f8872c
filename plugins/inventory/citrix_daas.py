# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory plugin: Citrix DaaS machines as hosts."""

from __future__ import annotations

DOCUMENTATION = r"""
name: citrix_daas
short_description: Citrix DaaS machines as inventory hosts
version_added: 1.0.0
description:
  - Reads the machines of a Citrix DaaS site and adds each one as a host, named by its DNS name
    (C(DnsName)), or by its DaaS name (C(DOMAIN\NAME)) when it has none.
  - Every host gets the machine's properties as variables, snake_case and prefixed with C(citrix_), so
    that they never clash with Ansible's own variables such as C(name) or C(tags) - C(citrix_id),
    C(citrix_name) (C(DOMAIN\NAME)), C(citrix_dns_name), C(citrix_ip_address), C(citrix_power_state),
    C(citrix_registration_state), C(citrix_session_count), C(citrix_in_maintenance_mode), C(citrix_zone),
    C(citrix_hosting) and the other properties M(citrix.cloud.citrix_machine_info) returns.
  - The machine's catalog and delivery group are given by name, as O(catalogs) and the modules'
    C(catalog) and C(delivery_group) options take them, in C(citrix_catalog) and
    C(citrix_delivery_group), and by id in C(citrix_catalog_id) and C(citrix_delivery_group_id).
    The delivery group ones are null for a machine in none. For a catalog or delivery group in an
    admin folder the name is the one the machine's reference carries, which may be the plain name
    without the folder; the id is always exact.
  - C(citrix_session_count) is null where the service did not return the count; treat it as busy.
  - Hosts are put in groups C(catalog_<name>), C(delivery_group_<name>), C(power_state_<state>) and
    C(registration_state_<state>). Characters not valid in a group name become C(_), whatever
    C(TRANSFORM_INVALID_GROUP_CHARS) says, so C(DEMOLAB Servers) gives C(catalog_DEMOLAB_Servers).
  - The configuration file name must end in C(citrix_daas.yml) or C(citrix_daas.yaml).
  - With O(cache), the machine list the API returned is cached, so later runs make no request
    until O(cache_timeout) passes or C(ansible-inventory --flush-cache) is used.
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - citrix.cloud.common.plugins
options:
  plugin:
    description: The name of this plugin; it marks the file as its configuration.
    type: str
    required: true
    choices: [citrix.cloud.citrix_daas]
  catalogs:
    description:
      - Only machines of these machine catalogs, each by id, by full name (V(Folder\\Name) for a
        catalog in an admin folder) or by a plain name that only one catalog has.
      - A catalog that does not exist fails the inventory, rather than silently giving no hosts.
      - Leave it out for every catalog; an empty list or null written here is an error, never
        "every machine".
    type: list
    elements: str
    default: []
  delivery_groups:
    description:
      - Only machines of these delivery groups, each by id, full name (V(Folder\\Name)) or a plain
        name that only one delivery group has.
      - With O(catalogs) too, only machines that are in one of the catalogs and in one of the
        delivery groups.
      - A delivery group that does not exist fails the inventory; an empty list or null written
        here is an error.
    type: list
    elements: str
    default: []
notes:
  - Credentials are read where the inventory is built, the controller. Explicit options in the
    configuration file win over the E(CITRIX_*) environment variables.
  - Each machine is listed with the properties M(citrix.cloud.citrix_machine_info) returns, one
    page of up to 1000 machines per request.
"""

EXAMPLES = r"""
# demo.citrix_daas.yml: credentials from the CITRIX_* environment variables, every machine:
#   plugin: citrix.cloud.citrix_daas

# prod.citrix_daas.yml: two catalogs, cached for an hour, connect by IP address.
plugin: citrix.cloud.citrix_daas
catalogs:
  - DEMOLAB Servers
  - 6a1c3e1a-2f4b-4f3e-9f1e-0b1a2c3d4e5f
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/citrix_daas_inventory
cache_timeout: 3600
compose:
  ansible_host: citrix_ip_address
groups:
  # an unknown session count (null) is busy, never idle
  busy: citrix_session_count is none or citrix_session_count > 0
  maintenance: citrix_in_maintenance_mode
keyed_groups:
  - key: citrix_zone.name
    prefix: zone
  - key: citrix_os_type | lower
    prefix: os

# Then, for example:
#   ansible-inventory -i prod.citrix_daas.yml --graph
#   ansible-playbook -i prod.citrix_daas.yml site.yml --limit catalog_DEMOLAB_Servers
"""


import hashlib
import json

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.group import to_safe_group_name
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.citrix.cloud.plugins.module_utils._client import HAS_REQUESTS, CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._module import (
    CREDENTIALS,
    SHARED_ARGSPEC,
    build_client,
    check_options,
    listed,
    refuse_empty,
)
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name
from ansible_collections.citrix.cloud.plugins.module_utils._selection import MACHINE_FIELDS, select_machines, session_count
from ansible_collections.citrix.cloud.plugins.module_utils._site import use_site

HOSTVAR_PREFIX = 'citrix_'

# (group name prefix, hostvar holding the value): the groups every host is put in.
BUILTIN_GROUPS = (
    ('catalog', 'citrix_catalog'),
    ('delivery_group', 'citrix_delivery_group'),
    ('power_state', 'citrix_power_state'),
    ('registration_state', 'citrix_registration_state'),
)

# The options that pick the tenant and the machines: a cached list is only reused for the same ones.
CACHE_SCOPE = ('customer_id', 'region', 'api_url', 'username', 'site_id', 'catalogs', 'delivery_groups')


def host_name(machine):
    """The inventory hostname: the DNS name, else the DaaS name (DOMAIN\\NAME)."""
    return machine.get('DnsName') or machine.get('Name')


def machine_hostvars(machine):
    """The machine's properties as prefixed snake_case variables; catalog and group as name and id."""
    machine = dict(machine)
    refs = {'catalog': machine.pop('MachineCatalog', None) or {},
            'delivery_group': machine.pop('DeliveryGroup', None) or {}}
    hostvars = dict((HOSTVAR_PREFIX + key, value) for key, value in camel_dict_to_snake_dict(machine).items())
    for key, ref in refs.items():
        hostvars[HOSTVAR_PREFIX + key] = ref.get('Name')
        hostvars[HOSTVAR_PREFIX + key + '_id'] = ref.get('Id')
    # null when the service did not say: an unknown count is never 0
    hostvars[HOSTVAR_PREFIX + 'session_count'] = session_count(machine)
    hostvars[HOSTVAR_PREFIX + 'in_maintenance_mode'] = bool(machine.get('InMaintenanceMode'))
    return hostvars


def builtin_group_names(hostvars):
    """catalog_<name>, delivery_group_<name>, ...: always valid group names, whatever the config says."""
    names = []
    for prefix, var in BUILTIN_GROUPS:
        if hostvars.get(var):
            names.append(to_safe_group_name('%s_%s' % (prefix, hostvars[var]), force=True, silent=True))
    return names


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'citrix.cloud.citrix_daas'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('citrix_daas.yml', 'citrix_daas.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        if not HAS_REQUESTS:
            raise AnsibleError(missing_required_lib('requests'))
        config = self._read_config_data(path)
        self._refuse_unknown_keys(config, path)
        params = self._checked_params(config)
        self._add_machines(self._cached_machines(self._cache_key(path, params), params, cache))

    def _refuse_unknown_keys(self, config, path):
        """A misspelt option (catalogz:) would otherwise be ignored and the whole site listed."""
        unknown = sorted(set(config) - set(self._options) - {'plugin'})
        if unknown:
            raise AnsibleParserError('%s: unknown option%s in %s: %s (the options are %s)' % (
                self.NAME, 's' if len(unknown) > 1 else '', path, listed(unknown), ', '.join(sorted(self._options))))

    def _checked_params(self, config):
        """The shared options, resolved and checked as modules do; bad ones fail before any call."""
        params = dict((name, self.get_option(name)) for name in SHARED_ARGSPEC)
        params.update((name, self.get_option(name)) for name in ('site_id', 'catalogs', 'delivery_groups'))
        # Credentials written in the file win over those from the environment (or ansible.cfg),
        # as a task's options win over the environment for modules.
        from_env = frozenset(name for name in CREDENTIALS + ('region',) if name not in config)
        try:
            # `catalogs: []` or null written in the file (or templated) is a mistake, not "all machines"
            refuse_empty(config, ('catalogs', 'delivery_groups'), acting=False)
            check_options(params, from_env)
            for value in params['catalogs']:
                check_name(value, 'catalog', 'catalogs item')
            for value in params['delivery_groups']:
                check_name(value, 'delivery group', 'delivery_groups item')
        except ValueError as exc:
            raise AnsibleParserError('%s: %s' % (self.NAME, exc))
        return params

    def _cache_key(self, path, params):
        scope = json.dumps([params.get(name) for name in CACHE_SCOPE])
        return '%s_%s' % (self.get_cache_key(path), hashlib.sha256(scope.encode()).hexdigest()[:12])

    def _cached_machines(self, key, params, cache):
        """The raw machine list: from the cache when allowed and present, else from the API."""
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        if use_cache:
            try:
                return self._cache[key]
            except KeyError:
                update_cache = True
        machines = self._fetch_machines(params)
        if update_cache:
            self._cache[key] = machines
        return machines

    def _fetch_machines(self, params):
        try:
            client = build_client(params, warn=self.display.warning)
            use_site(client, params['site_id'], params['customer_id'])
            # machines in one of the catalogs and in one of the delivery groups; none given: all
            return select_machines(client, catalog=params['catalogs'], delivery_group=params['delivery_groups'],
                                   fields=MACHINE_FIELDS, strict=True)
        except (CitrixCloudError, ValueError) as exc:
            raise AnsibleParserError('%s: %s' % (self.NAME, exc))

    def _add_machines(self, machines):
        owners = {}  # host name -> the DaaS name of the machine that has it
        for machine in machines:
            name = self._host_for(machine, owners)
            if name:
                owners[name] = machine.get('Name')
                self._add_machine(name, machine)

    def _host_for(self, machine, owners):
        """The machine's host name; its DaaS name when another machine has its DNS name; None to skip it.

        Two machines never share a host: that would blend their groups and variables.
        """
        name = host_name(machine)
        if not name or name not in owners:
            return name
        fallback = machine.get('Name')
        if fallback and fallback not in owners:
            self.display.warning('%s: machines %s and %s both have DNS name %s; %s is host %s.' % (
                self.NAME, owners[name], fallback, name, fallback, fallback))
            return fallback
        self.display.warning('%s: machine %s (id %s) is skipped: its host name %s is already machine %s\'s.' % (
            self.NAME, fallback, machine.get('Id'), name, owners[name]))
        return None

    def _add_machine(self, name, machine):
        self.inventory.add_host(name)
        # Machine data comes from the API (tags, maintenance reasons): never template it.
        hostvars = wrap_var(machine_hostvars(machine))
        for var, value in hostvars.items():
            self.inventory.set_variable(name, var, value)
        for group in builtin_group_names(hostvars):
            self.inventory.add_group(group)
            self.inventory.add_child(group, name)
        self._construct(name, hostvars)

    def _construct(self, name, hostvars):
        strict = self.get_option('strict')
        self._set_composite_vars(self.get_option('compose'), hostvars, name, strict=strict)
        self._add_host_to_composed_groups(self.get_option('groups'), hostvars, name, strict=strict)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, name, strict=strict)
