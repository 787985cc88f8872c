# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The floor bench/run.py holds reboot_idle.yml to: what no implementation of it can avoid.

Two parts, each measured against the same simulator in the same run as the playbook:

- `write_floor_playbook`: a playbook of reboot_idle.yml's shape (the same four tasks, two of them
  module tasks) whose tasks do nothing: its module does what any module of this collection must
  (start, read its options, import `requests`, exit) and makes no call. Its wall time is Ansible's
  own cost: starting `ansible-playbook`, and starting each module.
- `round_trips`: the requests that must follow one another, made by the simplest client that
  gets the same work done: the token, /me, the catalog's pages (one after the other: each needs
  the last one's ContinuationToken), the `$batch?async=true` requests in waves of `parallelism`
  (as the module sends them), each job read once, at the moment it ends (an oracle: it knows the
  simulator's job duration and latency, where a real client must poll), then its results; then
  the notification. It plans nothing, checks nothing and reports nothing, and it is no safer
  than that: it is a yardstick, not a client.

The floor is the sum of the two.
"""
from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import requests

# The fields reboot_idle.yml's power task asks for (module_utils MACHINE_FIELDS): the server's
# work on a page depends on them, so the floor pays for the same pages.
BATCH_SIZE = 100

NOOP_MODULE = '''#!/usr/bin/python
# The floor's module task: start, read the options, import requests, exit. No call.
from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

import requests  # noqa: F401  (every module of the collection imports it)


def main():
    module = AnsibleModule(argument_spec=dict(catalog=dict(type='str')), supports_check_mode=True)
    module.exit_json(changed=False)


if __name__ == '__main__':
    main()
'''

FLOOR_PLAYBOOK = '''# reboot_idle.yml's shape, with tasks that do nothing.
- name: Floor of reboot_idle.yml
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Check that a catalog was given
      ansible.builtin.assert:
        that: catalog | default('') | string | length > 0
        quiet: true
    - name: The power task's module, doing nothing
      floor_noop:
        catalog: "{{ catalog }}"
    - name: The print task, printing nothing
      ansible.builtin.debug:
        msg: []
    - name: The notification task's module, doing nothing
      floor_noop:
        catalog: "{{ catalog }}"
'''


def write_floor_playbook(folder):
    """Write the floor playbook and its module (library/ beside it); return the playbook's path."""
    folder = Path(folder)
    (folder / 'library').mkdir(parents=True, exist_ok=True)
    (folder / 'library' / 'floor_noop.py').write_text(NOOP_MODULE, encoding='utf-8')
    playbook = folder / 'floor.yml'
    playbook.write_text(FLOOR_PLAYBOOK, encoding='utf-8')
    return playbook


def _due(machine):
    return (machine.get('PowerState') == 'On' and machine.get('SessionCount') == 0
            and 'Restart' in (machine.get('SupportedPowerActions') or []) and not machine.get('PowerActionPending'))


def round_trips(info, catalog, fields, job_seconds, latency, parallelism=10, timeout=60):
    """Make the unavoidable requests of reboot_idle.yml against the simulator `info` describes.

    `job_seconds` and `latency` (seconds) are the simulator's job duration and added latency.

    Returns {wall (seconds), requests, pages, batches}.
    """
    base, customer = info['url'], info['customer_id']
    http = requests.Session()
    http.mount('http://', requests.adapters.HTTPAdapter(pool_maxsize=parallelism))
    count = [0]

    def call(method, url, **kwargs):
        count[0] += 1
        answer = http.request(method, url, timeout=timeout, **kwargs)
        answer.raise_for_status()
        return answer

    start = time.monotonic()
    token = call('POST', '%s/cctrustoauth2/%s/tokens/clients' % (base, customer), data={
        'grant_type': 'client_credentials', 'client_id': info['client_id'], 'client_secret': info['client_secret'],
    }, headers={'Accept': 'application/json'}).json()['access_token']
    http.headers.update({'Authorization': 'CwsAuth Bearer=' + token, 'Citrix-CustomerId': customer,
                         'Accept': 'application/json'})
    daas = base + '/cvad/manage'
    site = call('GET', daas + '/me').json()['Customers'][0]['Sites'][0]['Id']
    http.headers['Citrix-InstanceId'] = site

    due, params, pages = [], {'limit': 1000, 'fields': ','.join(fields)}, 0
    while True:
        pages += 1
        page = call('GET', '%s/MachineCatalogs/%s/Machines' % (daas, quote(catalog, safe='')), params=params).json()
        due += [m['Id'] for m in page['Items'] if _due(m)]
        if not page.get('ContinuationToken'):
            break
        params = dict(params, continuationToken=page['ContinuationToken'])

    def one_batch(ids):
        items = [{'Reference': str(i), 'Method': 'POST', 'Body': '',
                  'Headers': [{'Name': 'Authorization', 'Value': 'Bearer ' + token}],
                  'RelativeUrl': '/Machines/%s/$reboot?detailResponseRequired=false' % machine}
                 for i, machine in enumerate(ids)]
        job = call('POST', daas + '/$batch', params={'async': 'true'}, json={'Items': items}).headers['Location']
        # The oracle. The job began as the service took the request, which it answered at once
        # (the simulator adds its latency before it handles a request, none after), so it ends
        # job_seconds from now; the one read is sent `latency` earlier, so that it reaches the
        # service as the job ends. Read again only if the simulator's clock says not quite yet.
        ends = time.monotonic() + job_seconds
        job = job.rstrip('/').rsplit('/', 1)[-1]
        time.sleep(max(0.0, ends - latency - time.monotonic()))
        while call('GET', '%s/Jobs/%s' % (daas, job)).json().get('Status') != 'Complete':
            time.sleep(0.005)
        return call('GET', '%s/Jobs/%s/Results' % (daas, job)).json()

    chunks = [due[i:i + BATCH_SIZE] for i in range(0, len(due), BATCH_SIZE)]
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        list(pool.map(one_batch, chunks))

    call('POST', '%s/%s/notifications/items' % (base, customer), data=json.dumps({
        'destinationAdmin': '*', 'component': 'Citrix Cloud', 'createdDate': '2026-12-02T00:00:00.000Z',
        'eventId': str(uuid.uuid4()), 'severity': 'Information', 'priority': 'Normal',
        'content': [{'languageTag': 'en-US', 'title': 'Floor', 'description': 'Floor'}],
    }), headers={'Content-Type': 'application/json'})
    return {'wall': time.monotonic() - start, 'requests': count[0], 'pages': pages, 'batches': len(chunks)}
