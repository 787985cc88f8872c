# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_maintenance.py."""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils import _maintenance as maint


def test_maintenance_patches_only_where_it_differs():
    on, off = {'InMaintenanceMode': True}, {'InMaintenanceMode': False}
    assert maint.wanted_body(on, True) is None
    assert maint.wanted_body(off, False) is None
    assert maint.wanted_body(off, True) == {'InMaintenanceMode': True}
    assert maint.wanted_body(on, False) == {'InMaintenanceMode': False}


def test_maintenance_sends_only_the_mode_never_a_reason():
    assert maint.wanted_body({'InMaintenanceMode': False, 'MaintenanceModeReason': 'None'}, True) == {
        'InMaintenanceMode': True}
    assert maint.wanted_body({'InMaintenanceMode': True, 'MaintenanceModeReason': 'Administrator'}, True) is None


def test_maintenance_results_carry_the_machines_own_reason():
    entries = maint.plan([{'Id': 'a', 'InMaintenanceMode': True, 'MaintenanceModeReason': 'MaxFailedRegistrations'},
                          {'Id': 'b', 'InMaintenanceMode': False, 'MaintenanceModeReason': 'None'}], True)
    results = maint.to_results(entries)
    assert [(r['result'], r['maintenance_mode_reason']) for r in results] == [
        ('unchanged', 'MaxFailedRegistrations'), ('changed', None)]


def test_maintenance_results():
    entries = maint.plan([{'Id': 'a', 'InMaintenanceMode': False}, {'Id': 'b', 'InMaintenanceMode': True}], True)
    results = maint.to_results(entries)
    assert [(r['id'], r['result'], r['in_maintenance_mode']) for r in results] == [
        ('a', 'changed', True), ('b', 'unchanged', True)]


def test_maintenance_diff_before_and_after_planned_and_failed():
    entries = maint.plan([{'Name': 'A', 'InMaintenanceMode': False}, {'Name': 'B', 'InMaintenanceMode': True},
                          {'Name': 'C', 'InMaintenanceMode': False}], True)
    entries[2]['result'] = 'failed'  # its PATCH failed: still out of maintenance
    diff = maint.maintenance_diff(entries)
    assert diff['before'] == {'machines': ['B']} and diff['after'] == {'machines': ['A', 'B']}
