# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The citrix_daas inventory plugin, loaded as Ansible loads it, against the simulator."""
from __future__ import annotations

import atexit
import contextlib
import os
import sys

import pytest
import yaml

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader, inventory_loader
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

from citrix_cloud_sim.testing import start_simulator

PLUGIN = 'citrix.cloud.citrix_daas'
TUTORIAL = ['osprey', 'eagle', 'kestrel', 'falcon', 'condor', 'hawk', 'harrier', 'vulture', 'merlin',
            'buzzard', 'albatross', 'hobby']
TUTORIAL_HOSTS = set(name + '.demolab.local' for name in TUTORIAL)
SCALE_HOSTS = set('scale%05d.demolab.local' % i for i in range(1, 4))
# catalog Lab\\Workers, in admin folder Lab: robin has 2 sessions, finch is not power managed
LAB_HOSTS = {'robin.demolab.local', 'wren.demolab.local', 'finch.demolab.local'}
ALL_HOSTS = TUTORIAL_HOSTS | LAB_HOSTS | SCALE_HOSTS
BUSY = {'osprey.demolab.local', 'falcon.demolab.local', 'harrier.demolab.local', 'buzzard.demolab.local'}
UNMANAGED = {'eagle.demolab.local', 'condor.demolab.local', 'vulture.demolab.local', 'albatross.demolab.local'}
COLLECTION_PACKAGES = ('ansible_collections', 'ansible_collections.citrix', 'ansible_collections.citrix.cloud')


@pytest.fixture(scope='module', autouse=True)
def collection_loader():
    """Ansible's collection loader, as ansible-inventory installs it, so the plugin gets its options.

    The test run imported the collection as a plain package first; the loader needs to import
    the top packages itself to read meta/runtime.yml, so they are handed back afterwards.
    """
    saved = dict((name, sys.modules.pop(name)) for name in COLLECTION_PACKAGES if name in sys.modules)
    init_plugin_loader()
    yield
    _AnsibleCollectionFinder._remove()  # pylint: disable=protected-access
    sys.modules.update(saved)


_SIMULATOR = []


def _stop_simulator(stack, pid):
    if os.getpid() == pid:  # forked test processes inherit this handler; only the starter stops it
        stack.close()


@pytest.fixture
def simulator():
    """One simulator for the module, started once in the process that collected the tests.

    ansible-test units runs every test in a forked child, where a module-scoped fixture is set up
    again and never torn down; so the simulator is started outside any fork and stopped at exit.
    """
    return _SIMULATOR[0]


def _start_shared_simulator():
    # The tutorial's 12 machines plus a catalog "Scale" (delivery group "Scale DG") of 3.
    stack = contextlib.ExitStack()
    _SIMULATOR.append(stack.enter_context(start_simulator(['--machines', '3'])))
    atexit.register(_stop_simulator, stack, os.getpid())


_start_shared_simulator()


@pytest.fixture
def sim(simulator, monkeypatch):
    """The simulator, reset, its CITRIX_* variables set (site_id left to discovery)."""
    simulator.reset()
    for name, value in simulator.env().items():
        if name != 'CITRIX_SITE_ID':
            monkeypatch.setenv(name, value)
    return simulator


@pytest.fixture
def parse(tmp_path):
    """Parse a config (a dict) as ansible-inventory does; returns the InventoryData."""
    def run(config, cache=True, name='test.citrix_daas.yml'):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(dict({'plugin': PLUGIN}, **config)), encoding='utf-8')
        plugin = inventory_loader.get(PLUGIN)
        assert plugin.verify_file(str(path))
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), str(path), cache=cache)
        try:
            plugin.update_cache_if_changed()  # InventoryManager does this after each parse
        except AttributeError:
            pass  # no cache configured
        return inventory
    return run


def hosts_of(inventory, group):
    return set(host.name for host in inventory.groups[group].get_hosts())


def machine_requests(sim):
    return sum(count for route, count in sim.stats()['by_route'].items() if route.endswith('/Machines'))


def failure(parse, config):
    with pytest.raises(AnsibleParserError) as err:
        parse(config)
    return str(err.value)


# ---------------------------------------------------------------- hosts, hostvars, groups

def test_every_machine_is_a_host_named_by_dns_name_with_prefixed_snake_case_vars(sim, parse):
    inventory = parse({})
    assert set(inventory.hosts) == ALL_HOSTS
    hostvars = inventory.get_host('osprey.demolab.local').get_vars()
    assert hostvars['citrix_name'] == 'DEMOLAB\\OSPREY'
    assert hostvars['citrix_dns_name'] == 'osprey.demolab.local'
    assert (hostvars['citrix_power_state'], hostvars['citrix_registration_state']) == ('On', 'Registered')
    assert (hostvars['citrix_session_count'], hostvars['citrix_in_maintenance_mode']) == (2, False)
    assert (hostvars['citrix_catalog'], hostvars['citrix_delivery_group']) == ('DEMOLAB Servers', 'DEMOLAB Desktops')
    assert hostvars['citrix_id'] and hostvars['citrix_catalog_id'] and hostvars['citrix_delivery_group_id']
    assert hostvars['citrix_zone']['name'] == 'Primary Zone'  # nested dicts are snake_case too
    own = [var for var in inventory.get_host('osprey.demolab.local').vars if not var.startswith('inventory_')]
    assert own and all(var.startswith('citrix_') for var in own)


def test_site_is_found_through_me_once_and_machines_are_listed_in_one_page(sim, parse):
    parse({})
    routes = sim.stats()['by_route']
    assert routes['GET /cvad/manage/me'] == 1
    assert machine_requests(sim) == 1


def test_hosts_are_grouped_by_catalog_delivery_group_and_states_with_safe_names(sim, parse):
    inventory = parse({})
    assert hosts_of(inventory, 'catalog_DEMOLAB_Servers') == TUTORIAL_HOSTS
    assert hosts_of(inventory, 'delivery_group_DEMOLAB_Desktops') == TUTORIAL_HOSTS
    assert hosts_of(inventory, 'catalog_Scale') == SCALE_HOSTS
    assert hosts_of(inventory, 'delivery_group_Scale_DG') == SCALE_HOSTS
    assert hosts_of(inventory, 'power_state_Unmanaged') == UNMANAGED | {'finch.demolab.local'}
    assert TUTORIAL_HOSTS - UNMANAGED <= hosts_of(inventory, 'power_state_On')
    assert TUTORIAL_HOSTS <= hosts_of(inventory, 'registration_state_Registered')


def test_compose_groups_and_keyed_groups(sim, parse):
    inventory = parse({
        'compose': {'ansible_host': 'citrix_ip_address'},
        'groups': {'busy': 'citrix_session_count is none or citrix_session_count > 0'},
        'keyed_groups': [{'key': 'citrix_zone.name', 'prefix': 'zone'}],
    })
    osprey = inventory.get_host('osprey.demolab.local').get_vars()
    assert osprey['ansible_host'] == osprey['citrix_ip_address']
    assert hosts_of(inventory, 'busy') & TUTORIAL_HOSTS == BUSY
    assert hosts_of(inventory, 'busy') & LAB_HOSTS == {'robin.demolab.local'}
    assert hosts_of(inventory, 'zone_Primary_Zone') == ALL_HOSTS


def test_strict_fails_on_an_undefined_variable_and_lax_skips_it(sim, parse):
    keyed = [{'key': 'citrix_no_such_var', 'prefix': 'x'}]
    assert 'citrix_no_such_var' in failure(parse, {'keyed_groups': keyed, 'strict': True})
    assert set(parse({'keyed_groups': keyed}).hosts) == ALL_HOSTS


# ---------------------------------------------------------------- narrowing

def test_catalogs_by_name_or_id_list_only_their_machines(sim, parse):
    by_name = parse({'catalogs': ['Scale']})
    assert set(by_name.hosts) == SCALE_HOSTS
    catalog_id = by_name.get_host('scale00001.demolab.local').get_vars()['citrix_catalog_id']
    assert set(parse({'catalogs': [catalog_id, 'DEMOLAB Servers']}).hosts) == SCALE_HOSTS | TUTORIAL_HOSTS
    routes = sim.stats()['by_route']
    assert 'GET /cvad/manage/Machines' not in routes  # the catalogs were listed, not the whole site


def test_catalogs_and_delivery_groups_together_keep_machines_in_both(sim, parse):
    assert set(parse({'catalogs': ['Scale'], 'delivery_groups': ['Scale DG']}).hosts) == SCALE_HOSTS
    assert set(parse({'catalogs': ['Scale'], 'delivery_groups': ['DEMOLAB Desktops']}).hosts) == set()


def test_a_catalog_and_a_delivery_group_in_an_admin_folder(sim, parse):
    """Lab\\Workers by full name, by its plain name (only one catalog has it), and its group too."""
    for config in ({'catalogs': ['Lab\\Workers']}, {'catalogs': ['workers']},
                   {'delivery_groups': ['Lab\\Workers Desktops']},
                   {'catalogs': ['Lab\\Workers'], 'delivery_groups': ['Workers Desktops']}):
        inventory = parse(config)
        assert set(inventory.hosts) == LAB_HOSTS, config
        robin = inventory.get_host('robin.demolab.local').get_vars()
        assert robin['citrix_session_count'] == 2 and robin['citrix_catalog_id']
    routes = sim.stats()['by_route']
    assert 'GET /cvad/manage/MachineCatalogs/{nameOrId}/Machines' in routes
    assert 'GET /cvad/manage/DeliveryGroups/{nameOrId}/Machines' not in routes  # it takes no fields=


def test_a_catalog_that_does_not_exist_fails_the_inventory(sim, parse):
    assert "Machine catalog 'Nope' does not exist" in failure(parse, {'catalogs': ['Nope']})
    assert "Delivery group 'Nope' does not exist" in failure(parse, {'delivery_groups': ['Nope']})


# ---------------------------------------------------------------- cache

def test_a_second_parse_with_the_cache_makes_no_request(sim, parse, tmp_path):
    config = {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': str(tmp_path / 'cache')}
    first = parse(config)
    assert machine_requests(sim) == 1
    sim.reset()
    second = parse(config)
    assert sim.stats()['requests'] == 0  # no token, no /me, no machine list
    assert set(second.hosts) == set(first.hosts)
    assert second.get_host('osprey.demolab.local').get_vars()['citrix_session_count'] == 2
    assert hosts_of(second, 'catalog_Scale') == SCALE_HOSTS


def test_a_refresh_or_other_machines_are_not_served_from_the_cache(sim, parse, tmp_path):
    config = {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': str(tmp_path / 'cache')}
    parse(config)
    parse(config, cache=False)  # ansible-inventory --flush-cache, meta: refresh_inventory
    assert machine_requests(sim) == 2
    assert set(parse(dict(config, catalogs=['Scale'])).hosts) == SCALE_HOSTS
    assert machine_requests(sim) == 3


# ---------------------------------------------------------------- options and secrets

@pytest.mark.parametrize('config, expected', [
    ({'timeout': 0}, 'timeout must be from 1 to 3600'),
    ({'site_id': 'not-a-guid'}, "site_id 'not-a-guid' is not a GUID"),
    ({'catalogs': ['A/B']}, "catalogs item 'A/B' contains '/'"),
    ({'delivery_groups': ['Desktops\n']}, "delivery_groups item 'Desktops\\n' contains a control character"),
    ({'delivery_groups': ['']}, 'delivery_groups is a list with an empty or null item'),
    ({'catalogs': []}, 'catalogs is an empty list: nothing to select'),
    ({'access_token': 'tok', 'client_id': 'x'}, 'mutually exclusive'),
    ({'api_url': 'ftp://example.com'}, 'api_url'),
])
def test_bad_options_fail_before_any_request_without_the_secret(sim, parse, config, expected):
    secret = sim.env()['CITRIX_CLIENT_SECRET']
    message = failure(parse, dict(config, client_secret=secret))
    assert expected in message
    assert PLUGIN in message
    assert secret not in message
    assert sim.stats()['requests'] == 0


def test_missing_credentials_say_what_to_set(sim, parse, monkeypatch):
    monkeypatch.delenv('CITRIX_CLIENT_SECRET')
    assert 'set client_id and client_secret (or CITRIX_CLIENT_ID and CITRIX_CLIENT_SECRET)' in failure(parse, {})
    monkeypatch.delenv('CITRIX_CUSTOMER_ID')
    assert 'customer_id (or set CITRIX_CUSTOMER_ID)' in failure(parse, {'access_token': 'tok'})
    assert sim.stats()['requests'] == 0


def test_a_wrong_secret_fails_clearly_without_showing_it(sim, parse):
    message = failure(parse, {'client_secret': 'Wr0ng-Secret-Value'})
    assert 'refused the credentials of API client' in message
    assert 'Wr0ng-Secret-Value' not in message


def test_credentials_in_the_file_win_over_the_environment(sim, parse, monkeypatch):
    env = sim.env()
    monkeypatch.setenv('CITRIX_ACCESS_TOKEN', 'stale-token-from-env')
    inventory = parse({'client_id': env['CITRIX_CLIENT_ID'], 'client_secret': env['CITRIX_CLIENT_SECRET']})
    assert set(inventory.hosts) == ALL_HOSTS


def test_only_citrix_daas_files_are_taken(tmp_path):
    plugin = inventory_loader.get(PLUGIN)
    for name, taken in (('prod.citrix_daas.yml', True), ('citrix_daas.yaml', True), ('hosts.yml', False),
                        ('citrix_daas.json', False)):
        (tmp_path / name).write_text('plugin: %s\n' % PLUGIN, encoding='utf-8')
        assert plugin.verify_file(str(tmp_path / name)) is taken, name


# ---------------------------------------------------------------- helpers

@pytest.fixture
def helpers():
    """The plugin's module, imported through the collection loader (a plain import first breaks it)."""
    return sys.modules[type(inventory_loader.get(PLUGIN)).__module__]


def test_the_host_name_falls_back_to_the_daas_name(helpers):
    host_name = helpers.host_name
    assert host_name({'Name': 'DEMOLAB\\EAGLE', 'DnsName': 'eagle.demolab.local'}) == 'eagle.demolab.local'
    assert host_name({'Name': 'DEMOLAB\\EAGLE', 'DnsName': ''}) == 'DEMOLAB\\EAGLE'
    assert host_name({'Name': 'DEMOLAB\\EAGLE'}) == 'DEMOLAB\\EAGLE'


def test_a_machine_without_delivery_group_gets_null_group_vars(helpers):
    hostvars = helpers.machine_hostvars({'Id': 'm1', 'Name': 'D\\M', 'MachineCatalog': {'Id': 'c1', 'Name': 'Cat'}})
    assert (hostvars['citrix_catalog'], hostvars['citrix_catalog_id']) == ('Cat', 'c1')
    assert (hostvars['citrix_delivery_group'], hostvars['citrix_delivery_group_id']) == (None, None)
    # the service did not report SessionCount: null (unknown), never 0
    assert (hostvars['citrix_session_count'], hostvars['citrix_in_maintenance_mode']) == (None, False)


# ---------------------------------------------------------------- one host per machine; no unknown keys

def test_two_machines_with_one_dns_name_never_blend(sim, parse, helpers, monkeypatch):
    from ansible.utils.display import Display
    told = []
    monkeypatch.setattr(Display, 'warning', lambda self, msg, *args, **kwargs: told.append(msg))

    def machine(mid, name, catalog, power):
        return {'Id': mid, 'Name': name, 'DnsName': 'same.demolab.local', 'PowerState': power,
                'MachineCatalog': {'Id': 'c-' + catalog, 'Name': catalog}}
    listed = [machine('m1', 'DEMOLAB\\ONE', 'First', 'On'), machine('m2', 'DEMOLAB\\TWO', 'Second', 'Off'),
              machine('m3', 'DEMOLAB\\TWO', 'Third', 'Off')]
    monkeypatch.setattr(helpers, 'select_machines', lambda *args, **kwargs: listed)
    inventory = parse({})
    assert set(inventory.hosts) == {'same.demolab.local', 'DEMOLAB\\TWO'}
    first, second = inventory.hosts['same.demolab.local'], inventory.hosts['DEMOLAB\\TWO']
    assert (first.vars['citrix_id'], first.vars['citrix_power_state']) == ('m1', 'On')
    assert second.vars['citrix_id'] == 'm2'
    assert hosts_of(inventory, 'catalog_First') == {'same.demolab.local'}
    assert hosts_of(inventory, 'catalog_Second') == {'DEMOLAB\\TWO'}
    assert 'catalog_Third' not in inventory.groups  # m3 has no name of its own left: skipped, not blended
    assert any('DEMOLAB\\TWO is host DEMOLAB\\TWO' in t for t in told)
    assert any('(id m3) is skipped' in t for t in told)


def test_a_misspelt_option_is_an_error_before_any_request(sim, parse):
    with pytest.raises(AnsibleParserError, match=r'unknown option in .*: catalogz \(the options are '):
        parse({'catalogz': ['DEMOLAB Servers']})
    assert sim.stats()['requests'] == 0
