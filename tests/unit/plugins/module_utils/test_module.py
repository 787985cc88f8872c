# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CitrixCloudModule: shared options, env fallbacks, checks before any call, failures; citrix_token."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible.module_utils.testing import patch_module_args

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils._module import (
    CitrixCloudModule,
    build_client,
    check_guid,
    check_options,
    refuse_empty,
    snake,
    snake_in_place,
)
from ansible_collections.citrix.cloud.plugins.module_utils._token_providers import GovernmentClientCredentials
from ansible_collections.citrix.cloud.plugins.modules import (
    citrix_application_group_info, citrix_application_info, citrix_resource_location, citrix_resource_location_info,
    citrix_service_state_info, citrix_tag_info,
)
from ansible_collections.citrix.cloud.tests.unit.conftest import (
    CLIENT_ID, CUSTOMER, PASSWORD, SECRET, SITE, TOKEN_PATH, USER, json_response, shared_params,
)

CREDS = dict(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET)

MACHINE = {
    'Id': 'm-1', 'Name': 'DEMOLAB\\KESTREL', 'DnsName': 'kestrel.demolab.local', 'IPAddress': '10.0.0.5',
    'SessionCount': 0, 'PowerActionPending': None, 'SupportedPowerActions': ['PowerOn', 'Restart'],
    'MachineCatalog': {'Id': 'c-1', 'Name': 'DEMOLAB Servers'}, 'DeliveryGroup': None,
    'Hosting': {'HostedMachineId': 'vm-1', 'HypervisorConnection': {'Id': 'h-1', 'Name': 'XenServer'}},
    'Tags': [], 'Metadata': [{'Name': 'Owner', 'Value': 'IT'}], 'TargetGroupARNs': ['a'], 'HTTPEndpoint': 'x',
    'Nested': [[{'InnerKey': 1}, 'plain'], 3], 'LastDeregistrationTime': '2026-12-01T00:00:00Z', 'SID': 'S-1-5',
}


def make_module(args, **kwargs):
    with patch_module_args(args):
        return CitrixCloudModule(argument_spec=dict(name=dict(type='str')), supports_check_mode=True, **kwargs)


def failure(capsys, args, **kwargs):
    with pytest.raises(SystemExit):
        make_module(args, **kwargs)
    return json.loads(capsys.readouterr().out)


def test_defaults_and_module_options():
    module = make_module(dict(CREDS, name='x'))
    p = module.params
    assert (p['region'], p['validate_certs'], p['timeout'], p['retries'], p['token_cache']) == ('global', True, 30, 5, True)
    assert p['name'] == 'x' and 'site_id' not in p
    assert 'site_id' in make_module(dict(CREDS), daas=True).params


def test_env_fallbacks(monkeypatch):
    for name, value in (('CUSTOMER_ID', CUSTOMER), ('CLIENT_ID', CLIENT_ID), ('CLIENT_SECRET', SECRET),
                        ('REGION', 'eu'), ('API_URL', 'http://127.0.0.1:9/'), ('VALIDATE_CERTS', 'false'),
                        ('TOKEN_CACHE', 'no'), ('SITE_ID', SITE)):
        monkeypatch.setenv('CITRIX_' + name, value)
    p = make_module({}, daas=True).params
    assert (p['customer_id'], p['client_id'], p['client_secret'], p['region']) == (CUSTOMER, CLIENT_ID, SECRET, 'eu')
    assert (p['api_url'], p['validate_certs'], p['token_cache'], p['site_id']) == ('http://127.0.0.1:9', False, False, SITE)


def test_explicit_options_win_over_env(monkeypatch):
    monkeypatch.setenv('CITRIX_REGION', 'eu')
    monkeypatch.setenv('CITRIX_ACCESS_TOKEN', 'env-token')
    p = make_module(dict(CREDS, region='jp')).params
    assert p['region'] == 'jp' and p['access_token'] is None and p['client_id'] == CLIENT_ID


def test_explicit_access_token_wins_over_env_credentials(monkeypatch):
    monkeypatch.setenv('CITRIX_CLIENT_ID', CLIENT_ID)
    monkeypatch.setenv('CITRIX_CLIENT_SECRET', SECRET)
    p = make_module(dict(customer_id=CUSTOMER, access_token='task-token')).params
    assert p['access_token'] == 'task-token' and p['client_id'] is None and p['client_secret'] is None


@pytest.mark.parametrize('args, words', [
    (dict(CREDS, access_token='given-token'), 'mutually exclusive'),
    (dict(customer_id=CUSTOMER), 'set client_id and client_secret'),
    (dict(customer_id=CUSTOMER, client_id=CLIENT_ID), 'set client_id and client_secret'),
    (dict(CREDS, customer_id='bad id!'), 'not a Citrix Cloud customer id'),
    (dict(CREDS, region='mars'), 'value of region must be one of: global, us, eu, ap-s, jp'),
    (dict(CREDS, api_url='ftp://example.com'), 'must be an http:// or https:// base URL'),
    (dict(CREDS, site_id='my-site'), "site_id 'my-site' is not a GUID (like 0b1a2c3d-"),
    (dict(CREDS, site_id=SITE + '\n'), 'site_id'),
    (dict(customer_id=CUSTOMER, client_id='', client_secret=''), 'set client_id and client_secret'),
    (dict(CREDS, timeout=0), 'timeout must be from 1 to 3600'),
    (dict(CREDS, ca_path='/nonexistent/ca.pem'), 'ca_path /nonexistent/ca.pem does not exist'),
    (dict(client_id=CLIENT_ID, client_secret=SECRET), 'customer_id'),
])
def test_bad_input_fails_before_any_call(capsys, httpserver, args, words):
    result = failure(capsys, dict(args, api_url=args.get('api_url', httpserver.url_for('/'))), daas=True)
    assert result['failed'] and words in result['msg']
    assert SECRET not in json.dumps(result)
    assert not httpserver.log


def test_both_credentials_in_env_is_an_error(capsys, monkeypatch):
    monkeypatch.setenv('CITRIX_ACCESS_TOKEN', 'env-token')
    monkeypatch.setenv('CITRIX_CLIENT_ID', CLIENT_ID)
    monkeypatch.setenv('CITRIX_CLIENT_SECRET', SECRET)
    assert 'both set' in failure(capsys, dict(customer_id=CUSTOMER))['msg']


def test_client_is_built_once_from_the_options(httpserver):
    module = make_module(dict(CREDS, region='us', site_id=SITE, timeout=7, retries=2), daas=True)
    client = module.client
    assert client is module.client
    assert client.endpoints.daas == 'https://api-us.cloud.com/cvad/manage'
    assert (client.site_id, client.timeout, client.attempts) == (SITE, 7, 2)
    assert client.auth.can_refresh and client.verify is True


def test_api_errors_fail_with_status_and_transaction_id(capsys):
    with patch_module_args(dict(CREDS)):
        module = CitrixCloudModule(argument_spec={})
        with pytest.raises(SystemExit):
            with module.api_errors():
                raise CitrixCloudError('Machine busy.', status=409, method='POST', path='/cvad/manage/Machines/m',
                                       transaction_id='tid-9')
    result = json.loads(capsys.readouterr().out)
    assert result['msg'] == 'POST /cvad/manage/Machines/m failed with 409: Machine busy. (Citrix-TransactionId tid-9)'
    assert (result['status'], result['transaction_id']) == (409, 'tid-9')
    assert 'exception' not in result


def test_api_errors_turn_value_error_into_a_message(capsys):
    with patch_module_args(dict(CREDS)):
        module = CitrixCloudModule(argument_spec={})
        with pytest.raises(SystemExit):
            with module.api_errors():
                raise ValueError('catalog "x" not found')
    assert json.loads(capsys.readouterr().out)['msg'] == 'catalog "x" not found'


def run_token_module(api_url, tmp_path, **extra):
    """citrix_token as Ansible runs it: its own process, arguments in a file."""
    args = tmp_path / 'args.json'
    args.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': dict(CREDS, api_url=api_url, **extra)}))
    module = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'plugins', 'modules', 'citrix_token.py')
    proc = subprocess.run([sys.executable, module, str(args)], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), timeout=60)
    return json.loads(proc.stdout)


def test_citrix_token_end_to_end(httpserver, api_url, tmp_path, token_endpoint):
    first = run_token_module(api_url, tmp_path, _ansible_check_mode=True)
    second = run_token_module(api_url, tmp_path)
    assert first['access_token'] == second['access_token'] == 'tok-1'
    assert first['changed'] is False and token_endpoint.count == 1
    assert first['expires_at'].endswith('Z') and first['expires_at'][:2] == '20'
    assert SECRET not in json.dumps(first)


def test_citrix_token_bad_secret(httpserver, api_url, tmp_path):
    httpserver.expect_request(TOKEN_PATH, method='POST').respond_with_response(
        json_response({'error': 'invalid_client'}, 401))
    result = run_token_module(api_url, tmp_path)
    assert result['failed'] and result['status'] == 401
    assert 'check client_id / client_secret and customer_id' in result['msg']
    assert SECRET not in json.dumps(result) and 'Traceback' not in json.dumps(result)


# ---------------------------------------------------------------- empty credentials

def test_empty_credentials_count_as_unset(monkeypatch):
    # as AWX templates with default('') write them: the token from the environment is used
    monkeypatch.setenv('CITRIX_ACCESS_TOKEN', 'env-token')
    p = make_module(dict(customer_id=CUSTOMER, client_id='', client_secret='')).params
    assert (p['access_token'], p['client_id'], p['client_secret']) == ('env-token', None, None)


def test_an_empty_access_token_leaves_the_env_client_credentials(monkeypatch):
    monkeypatch.setenv('CITRIX_CLIENT_ID', CLIENT_ID)
    monkeypatch.setenv('CITRIX_CLIENT_SECRET', SECRET)
    p = check_options(dict(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET, access_token='',
                           timeout=30, retries=5), from_env=frozenset(('client_id', 'client_secret')))
    assert (p['client_id'], p['access_token']) == (CLIENT_ID, None)


# ---------------------------------------------------------------- ids that are GUIDs

def test_check_guid():
    assert check_guid(SITE, 'id') == SITE
    assert check_guid(SITE.upper(), 'id') == SITE.upper()
    for bad in ('notaguid', '', SITE + '\n', '{%s}' % SITE, SITE.replace('-', ''), None):
        with pytest.raises(ValueError, match=r"^id .* is not a GUID \(like 0b1a2c3d-"):
            check_guid(bad, 'id')


@pytest.mark.parametrize('module, args', [
    (citrix_resource_location, dict(id='notaguid')),
    (citrix_resource_location, dict(id='notaguid', name='Lab', state='absent')),
    (citrix_resource_location_info, dict(id='notaguid')),
    (citrix_resource_location_info, dict(id='../serviceStates')),
])
def test_resource_location_ids_are_checked_before_any_call(capsys, httpserver, module, args):
    with patch_module_args(dict(CREDS, api_url=httpserver.url_for('/'), **args)):
        with pytest.raises(SystemExit):
            module.main()
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['msg'] == "id %r is not a GUID (like 0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9)" % args['id']
    assert not httpserver.log


@pytest.mark.parametrize('value, how', [
    (None, 'null'), ('', 'an empty string'), ('  ', 'an empty string'), ([], 'an empty list'),
    ([None], 'a list with an empty or null item'), (['a', ''], 'a list with an empty or null item'),
])
def test_refuse_empty_names_the_option_and_how_it_is_empty(value, how):
    with pytest.raises(ValueError, match=r'^catalog is %s: nothing to act on' % how):
        refuse_empty({'catalog': value}, ('name', 'catalog'))
    with pytest.raises(ValueError, match='nothing to select; leave the option out'):
        refuse_empty({'catalog': value}, ('catalog',), acting=False)


def test_refuse_empty_lets_absent_and_real_selectors_through():
    refuse_empty({}, ('name', 'catalog'))
    refuse_empty({'name': ['DEMOLAB\\EAGLE'], 'catalog': 'DEMOLAB Servers', 'idle': False, 'other': None},
                 ('name', 'catalog', 'idle'))


def test_module_tells_a_given_null_from_an_absent_option():
    module = make_module(dict(CREDS, name=None))
    assert 'name' in module.given and module.params['name'] is None
    with pytest.raises(ValueError, match='^name is null'):
        module.refuse_empty(['name'])
    make_module(dict(CREDS)).refuse_empty(['name'])  # absent: no error


# -- values that would reach a header, a URL or the clock: refused before any call -------------

@pytest.mark.parametrize('option, value', [
    ('customer_id', CUSTOMER + '\n'), ('customer_id', CUSTOMER + '\r\nX-Injected: 1'),
    ('client_id', CLIENT_ID + '\n'), ('client_secret', SECRET + '\x00'), ('access_token', 'tok\x00en'),
    ('api_url', 'http://127.0.0.1:9/\n'), ('site_id', SITE + '\r'),
])
def test_control_characters_are_refused_naming_the_option(capsys, httpserver, option, value):
    args = dict(CREDS, api_url=httpserver.url_for('/'))
    if option == 'access_token':
        args = dict(customer_id=CUSTOMER, api_url=httpserver.url_for('/'))
    args[option] = value
    result = failure(capsys, args, daas=True)
    assert result['msg'].startswith(option) and 'control character' in result['msg']
    assert SECRET not in result['msg'] and 'tok\x00en' not in result['msg']
    assert not httpserver.log


@pytest.mark.parametrize('option, value, words', [
    ('timeout', 100000000000000000000, 'timeout must be from 1 to 3600'),
    ('timeout', 0, 'timeout must be from 1 to 3600'),
    ('retries', -1, 'retries must be from 0 to 20'),
    ('retries', 10 ** 30, 'retries must be from 0 to 20'),
    ('wait_timeout', 10 ** 20, 'wait_timeout must be from 1 to 86400'),
    ('parallelism', 0, 'parallelism must be from 1 to 100'),
    ('parallelism', 10 ** 6, 'parallelism must be from 1 to 100'),
])
def test_numbers_out_of_range_fail_clearly(capsys, httpserver, option, value, words):
    spec = dict(name=dict(type='str'), wait_timeout=dict(type='int', default=600),
                parallelism=dict(type='int', default=10))
    with patch_module_args(dict(CREDS, api_url=httpserver.url_for('/'), **{option: value})):
        with pytest.raises(SystemExit):
            CitrixCloudModule(argument_spec=spec, daas=True)
    result = json.loads(capsys.readouterr().out)
    assert words in result['msg'] and 'Traceback' not in json.dumps(result)
    assert not httpserver.log


@pytest.mark.parametrize('retries', [0, 1])
def test_retries_0_and_1_are_one_try(httpserver, retries):
    module = make_module(dict(CREDS, retries=retries, access_token=None))
    assert module.client.attempts == 1


def test_empty_client_id_in_the_task_takes_the_environment(monkeypatch):
    monkeypatch.setenv('CITRIX_CLIENT_ID', CLIENT_ID)
    p = make_module(dict(customer_id=CUSTOMER, client_id='', client_secret=SECRET)).params
    assert p['client_id'] == CLIENT_ID and p['client_secret'] == SECRET


def test_empty_client_id_without_environment_says_what_is_missing(capsys):
    message = failure(capsys, dict(customer_id=CUSTOMER, client_id='', client_secret=SECRET))['msg']
    assert message.startswith('client_id not set')


def test_listed_names_ten_and_counts_the_rest():
    from ansible_collections.citrix.cloud.plugins.module_utils._module import listed
    assert listed(['a', 'b']) == 'a, b'
    text = listed(['m%d' % n for n in range(10000)])
    assert text == ', '.join('m%d' % n for n in range(10)) + ' and 9990 more'


def test_snake_is_camel_dict_to_snake_dict():
    """snake() works each key name out once, and gives exactly what camel_dict_to_snake_dict gives."""
    assert snake(MACHINE) == camel_dict_to_snake_dict(MACHINE)
    assert snake(MACHINE)['ip_address'] == '10.0.0.5' and snake(MACHINE)['nested'] == [[{'inner_key': 1}, 'plain'], 3]
    assert snake(None) == {} and snake({}) == {}


def test_snake_in_place_replaces_each_item():
    items = [dict(MACHINE), dict(MACHINE, Id='m-2')]
    same = snake_in_place(items)
    assert same is items and [i['id'] for i in items] == ['m-1', 'm-2'] and items[0] == snake(MACHINE)


# ---------------------------------------------------------------- options, before any call

@pytest.mark.parametrize('given, words', [
    (dict(username=USER), 'username is set but password is not'),
    (dict(password=PASSWORD), 'password is set but username is not'),
    (dict(username=USER, password=PASSWORD, client_id=CLIENT_ID, client_secret=SECRET),
     r'username and password \(on-premises\) and client_id and client_secret \(Citrix Cloud\) are both set'),
    (dict(username=USER, password=PASSWORD, access_token='tok'), 'are both set in the task'),
    (dict(username=USER, password=PASSWORD, region='eu'), 'region .eu. is for Citrix Cloud'),
    (dict(username=USER, password=PASSWORD, region='gov'), 'leave region out'),
    (dict(username=USER, password=PASSWORD, api_url=None), 'api_url is required'),
    (dict(username=USER, password=PASSWORD, api_url='http://ddc1.example.com'), 'not https: the password would'),
    (dict(username=USER, password=PASSWORD, api_url='http://10.0.0.5:8080'), 'not https'),
    (dict(username='DEMOLAB\\a:b', password=PASSWORD), 'HTTP Basic'),
])
def test_bad_on_premises_input_fails_before_any_call(given, words):
    given.setdefault('api_url', 'https://ddc1.example.com')
    with pytest.raises(ValueError, match=words) as err:
        check_options(shared_params(**given))
    assert PASSWORD not in str(err.value)


def test_both_kinds_from_the_environment_is_an_error():
    with pytest.raises(ValueError, match='CITRIX_USERNAME and CITRIX_PASSWORD and CITRIX_CLIENT_ID'):
        check_options(shared_params(username=USER, password=PASSWORD, client_id=CLIENT_ID, client_secret=SECRET,
                                    customer_id=CUSTOMER, api_url='https://ddc1'),
                      frozenset(('username', 'password', 'client_id', 'client_secret')))


def test_from_the_environment_the_complete_kind_wins_and_a_stray_value_is_ignored():
    # an AWX credential of the collection's type injects every field, empty or not
    cloud = check_options(shared_params(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET, password=PASSWORD),
                          frozenset(('client_id', 'client_secret', 'password')))
    assert (cloud['password'], cloud['client_id']) == (None, CLIENT_ID)
    onprem = check_options(shared_params(username=USER, password=PASSWORD, client_id=CLIENT_ID, api_url='https://ddc1',
                                         region='global'), frozenset(('username', 'password', 'client_id', 'region')))
    assert (onprem['client_id'], onprem['region'], onprem['customer_id']) == (None, None, 'CitrixOnPremises')
    with pytest.raises(ValueError, match='username is set but password is not'):
        check_options(shared_params(username=USER, api_url='https://ddc1'), frozenset(('username',)))


def test_a_region_from_the_environment_other_than_global_is_still_an_error_on_premises():
    with pytest.raises(ValueError, match='region .jp. is for Citrix Cloud'):
        check_options(shared_params(username=USER, password=PASSWORD, api_url='https://ddc1', region='jp'),
                      frozenset(('region',)))
    with pytest.raises(ValueError, match='region .global. is for Citrix Cloud'):  # written in the task
        check_options(shared_params(username=USER, password=PASSWORD, api_url='https://ddc1', region='global'))


def test_the_task_kind_wins_over_the_environment_kind():
    onprem = check_options(shared_params(username=USER, password=PASSWORD, client_id=CLIENT_ID, client_secret=SECRET,
                                         api_url='https://ddc1'), frozenset(('client_id', 'client_secret')))
    assert (onprem['client_id'], onprem['client_secret'], onprem['username']) == (None, None, USER)
    cloud = check_options(shared_params(username=USER, password=PASSWORD, client_id=CLIENT_ID, client_secret=SECRET,
                                        customer_id=CUSTOMER), frozenset(('username', 'password')))
    assert (cloud['username'], cloud['password'], cloud['client_id']) == (None, None, CLIENT_ID)


@pytest.mark.parametrize('url', ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:8', 'https://ddc1'])
def test_on_premises_defaults_customer_and_allows_http_only_on_loopback(url):
    checked = check_options(shared_params(username=USER, password=PASSWORD, api_url=url))
    assert checked['customer_id'] == 'CitrixOnPremises'
    assert checked['region'] is None


def test_cloud_region_defaults_to_global_and_gov_is_a_region():
    assert check_options(shared_params(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET))['region'] == 'global'
    checked = check_options(shared_params(customer_id=CUSTOMER, client_id=CLIENT_ID, client_secret=SECRET, region='gov'))
    assert isinstance(build_client(checked).auth, GovernmentClientCredentials)


# -- empty values that would otherwise mean something else than the task meant ----------------

def test_an_empty_api_url_takes_citrix_api_url(monkeypatch, httpserver):
    monkeypatch.setenv('CITRIX_API_URL', httpserver.url_for('/'))
    assert make_module(dict(CREDS, api_url='')).params['api_url'] == httpserver.url_for('/').rstrip('/')


@pytest.mark.parametrize('value', ['', '   '])
def test_an_empty_api_url_without_citrix_api_url_is_an_error_not_citrix_cloud(capsys, monkeypatch, value):
    monkeypatch.delenv('CITRIX_API_URL', raising=False)
    result = failure(capsys, dict(CREDS, api_url=value))
    assert result['msg'].startswith('api_url is an empty string: set it')


@pytest.mark.parametrize('value, how', [(None, 'null'), ('', 'an empty string'), ([], 'an empty list'),
                                        ([''], 'a list with an empty or null item')])
def test_a_filter_given_empty_or_null_fails_before_any_call(capsys, httpserver, value, how):
    with patch_module_args(dict(CREDS, api_url=httpserver.url_for('/'), name=value)):
        with pytest.raises(SystemExit):
            CitrixCloudModule(argument_spec=dict(name=dict(type='raw')), filters=('name',))
    result = json.loads(capsys.readouterr().out)
    assert result['msg'] == 'name is %s: nothing to select; leave the option out to list all' % how
    assert not httpserver.log


def test_a_filter_left_out_lists_all():
    with patch_module_args(dict(CREDS)):
        module = CitrixCloudModule(argument_spec=dict(name=dict(type='list', elements='str')), filters=('name',))
    assert module.params['name'] is None


@pytest.mark.parametrize('module, args, words', [
    (citrix_application_info, dict(folder=''), 'folder is an empty string: nothing to select'),
    (citrix_application_info, dict(delivery_group=None), 'delivery_group is null: nothing to select'),
    (citrix_application_info, dict(folder='Office\n'), "folder 'Office\\n' contains a control character"),
    (citrix_application_info, dict(application_group='a|b'), "application_group 'a|b' contains '/' or '|'"),
    (citrix_application_group_info, dict(name=['Office/x']), "name item 'Office/x' contains '/' or '|'"),
    (citrix_application_group_info, dict(name=None), 'name is null: nothing to select'),
    (citrix_tag_info, dict(name=[]), 'name is an empty list: nothing to select'),
    (citrix_resource_location_info, dict(name=''), 'name is an empty string: nothing to select'),
    (citrix_resource_location_info, dict(name='Lab\t1'), "name 'Lab\\t1' contains a control character"),
    (citrix_service_state_info, dict(service_name=[]), 'service_name is an empty list: nothing to select'),
    (citrix_service_state_info, dict(state=[]), 'state is an empty list: nothing to select'),
])
def test_info_filters_are_checked_before_any_call_site_discovery_included(capsys, httpserver, module, args, words):
    with patch_module_args(dict(CREDS, api_url=httpserver.url_for('/'), **args)):
        with pytest.raises(SystemExit):
            module.main()
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['msg'].startswith(words), result['msg']
    assert not httpserver.log
