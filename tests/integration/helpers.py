# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small builders and checks shared by the integration tests."""
from __future__ import annotations

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def task(label, module, register=None, /, **options):
    """A task dict for citrix.cloud.<module>; positional-only so that `name=` or `title=` is a module option."""
    entry = {"name": label, "citrix.cloud." + module: options}
    if register:
        entry["register"] = register
    return entry


def tolerant(entry):
    entry["ignore_errors"] = True
    return entry


def writes(sim):
    """Requests that could change the service (the token endpoint's POST does not)."""
    return {route: n for route, n in sim.stats()["by_route"].items()
            if route.split(" ", 1)[0] in WRITES and "/cctrustoauth2/" not in route}
