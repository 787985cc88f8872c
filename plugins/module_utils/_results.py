# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Per-item results of the DaaS modules, their summary and the failure message.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._module import LISTED
from ansible_collections.citrix.cloud.plugins.module_utils._selection import session_count


def machine_result(machine, result, action=None, reason=None, message=None, transaction_id=None):
    """One entry of a module's `machines` list, already snake_case."""
    return {
        'id': machine.get('Id'),
        'name': machine.get('Name'),
        'dns_name': machine.get('DnsName'),
        'power_state': machine.get('PowerState'),
        'session_count': session_count(machine),
        'in_maintenance_mode': bool(machine.get('InMaintenanceMode')),
        'action': action,
        'result': result,
        'reason': reason,
        'message': message,
        'transaction_id': transaction_id,
    }


def summarize(results):
    summary = dict(changed=0, unchanged=0, skipped=0, failed=0, total=len(results))
    for entry in results:
        summary[entry['result']] += 1
    return summary


def failure_message(results, summary, noun='machines', label='name', limit=LISTED):
    """'2 of 5 machines failed: A: why; B: why', naming at most `limit` of them."""
    failed = [r for r in results if r['result'] == 'failed']
    shown = failed[:limit]
    text = '; '.join('%s: %s' % (r[label], r['message']) for r in shown)
    if len(failed) > len(shown):
        text += ' (and %d more)' % (len(failed) - len(shown))
    return '%d of %d %s failed: %s' % (summary['failed'], summary['total'], noun, text)


def names_diff(where, before, after):
    """--diff of a task over many machines: the names of those in `where` before and after it."""
    return {'before': {'machines': sorted(before)}, 'after': {'machines': sorted(after)},
            'before_header': where, 'after_header': where}


def exit_with_results(module, results, noun='machines', label='name', changed=None, limit=LISTED, diff=None):
    """Report per-item results and their summary: fail_json (same keys) when any failed.

    `changed` defaults to whether any item changed. `diff` is returned under --diff only: over
    thousands of machines it would double the results for nothing.
    """
    summary = summarize(results)
    if changed is None:
        changed = summary['changed'] > 0
    report = {'changed': changed, noun: results, 'summary': summary}
    if diff is not None and getattr(module, '_diff', False):
        report['diff'] = diff
    if summary['failed']:
        module.fail_json(msg=failure_message(results, summary, noun, label, limit), **report)
    module.exit_json(**report)
