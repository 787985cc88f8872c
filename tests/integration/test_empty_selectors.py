# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A selector given but empty or null (a template that matched nothing) never means "everything".

Every such task must fail before any call: the simulator sees no request at all, so nothing
was written, no token fetched, nothing listed.
"""
from __future__ import annotations

from helpers import task, tolerant

CATALOG = "DEMOLAB Servers"
NOTHING = "{{ [] }}"            # what `selectattr(...) | list` gives when nothing matches
NULL = "{{ missing_var }}"      # a variable that is set to null


def empty_cases():
    """(label, module, options) for every module that takes selectors, in each empty form."""
    power = dict(state="restarted")
    return [
        ("power name []", "citrix_machine_power", dict(power, name=NOTHING)),
        ("power name literal []", "citrix_machine_power", dict(power, name=[])),
        ("power catalog null", "citrix_machine_power", dict(state="stopped", catalog=NULL)),
        ("power catalog literal null", "citrix_machine_power", dict(state="stopped", catalog=None)),
        ("power catalog ''", "citrix_machine_power", dict(power, catalog="")),
        ("power group null, name given", "citrix_machine_power", dict(power, name=["DEMOLAB\\KESTREL"],
                                                                      delivery_group=NULL)),
        ("power filter [] widens", "citrix_machine_power", dict(power, catalog=CATALOG, power_state=[])),
        ("power idle null", "citrix_machine_power", dict(power, catalog=CATALOG, idle=NULL)),
        ("power name [null]", "citrix_machine_power", dict(power, name=[None])),
        ("maintenance name []", "citrix_machine_maintenance", dict(enabled=True, name=NOTHING)),
        ("maintenance group null", "citrix_machine_maintenance", dict(enabled=True, delivery_group=NULL)),
        ("session user []", "citrix_session", dict(state="logged_off", user=NOTHING)),
        ("session machine []", "citrix_session", dict(state="disconnected", machine=[])),
        ("session catalog null", "citrix_session", dict(state="logged_off", catalog=NULL)),
        ("session id ['']", "citrix_session", dict(state="logged_off", id=[""])),
        ("machine info name []", "citrix_machine_info", dict(name=NOTHING)),
        ("machine info catalog null", "citrix_machine_info", dict(catalog=NULL)),
        ("session info user []", "citrix_session_info", dict(user=[])),
        ("session info state []", "citrix_session_info", dict(catalog=CATALOG, state=[])),
    ]


def test_empty_or_null_selectors_fail_before_any_call(sim, playbook):
    cases = empty_cases()
    tasks = [tolerant(task(label, module, None, **options)) for label, module, options in cases]
    run = playbook(sim, [{"name": "vars", "ansible.builtin.set_fact": {"missing_var": None}}] + tasks)
    for label, _module, options in cases:
        result = run.results[label]
        assert result.get("_status") == "failed", (label, result)
        option = next(k for k, v in options.items() if v in (NOTHING, NULL, [], None, "", [None])
                      or (isinstance(v, list) and "" in v))
        assert result["msg"].startswith(option + " is "), (label, result["msg"])
        assert "nothing to" in result["msg"], (label, result["msg"])
    assert sim.stats()["by_route"] == {}, "a request was made: %r" % sim.stats()["by_route"]
