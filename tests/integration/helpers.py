# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small builders and checks shared by the integration tests."""
from __future__ import annotations

import copy

WRITES = ("POST", "PUT", "PATCH", "DELETE")
# The token endpoints of Citrix Cloud, Citrix Cloud Government and an on-premises site: a POST there changes nothing.
TOKEN_ROUTES = ("POST /cctrustoauth2/{customerId}/tokens/clients", "POST /{customerId}/tokens/clients",
                "POST /citrix/orchestration/api/tokens")


def task(label, module, register=None, /, **options):
    """A task dict for citrix.cloud.<module>; positional-only so that `name=` or `title=` is a module option."""
    entry = {"name": label, "citrix.cloud." + module: options}
    if register:
        entry["register"] = register
    return entry


def tolerant(entry):
    entry["ignore_errors"] = True
    return entry


def converging(label, module, /, **options):
    """The task three times: in check mode (`<label> (check mode)`), for real (`<label>`) and again
    (`<label> again`); `convergence` reads what each reported."""
    check, real, again = (task(name, module, **copy.deepcopy(options))  # no YAML aliases in the playbook
                          for name in (label + " (check mode)", label, label + " again"))
    check["check_mode"] = True
    return [check, real, again]


def convergence(run, label):
    """`changed` of the converging() tasks of `label`: [True, True, False] when check mode planned the
    change, the real run made it and the next found nothing to do. That check mode and the run again
    wrote nothing shows in `writes`: exactly the requests of the real run."""
    return [run.results[name]["changed"] for name in (label + " (check mode)", label, label + " again")]


def writes(sim):
    """Requests that could change the service (a token endpoint's POST does not)."""
    return {route: n for route, n in sim.stats()["by_route"].items()
            if route.split(" ", 1)[0] in WRITES and route not in TOKEN_ROUTES}
