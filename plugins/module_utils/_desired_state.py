# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Compare-and-patch for the modules that keep one DaaS object as asked (tags, applications,
application groups, machines): read one object, look it up by name or id, compare only the
options given, settle an uncertain create by reading again instead of sending it twice.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError, daas_get_or_none
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, path_segment


def get_object(client, collection, name_or_id, what, params=None):
    """GET /{collection}/{name_or_id} -> the object, or None when the service says it does not exist."""
    check_name(name_or_id, what)
    return daas_get_or_none(client, '/%s/%s' % (collection, path_segment(name_or_id, what)), params)


def resolve_all(names, lookup, what):
    """[lookup(name)] for each name, or ValueError naming every one that does not exist.

    Meant to run before any write, so that a typo in a list changes nothing.
    """
    found, missing = [], []
    for name in names or ():
        obj = lookup(name)
        if obj is None:
            missing.append(name)
        else:
            found.append(obj)
    if missing:
        raise ValueError('%s not found: %s. Nothing was changed.' % (what, ', '.join(missing)))
    return found


def text(value):
    """Unset and empty strings compare equal: the service leaves an unset nullable string out."""
    return '' if value is None else value


def folded(values):
    """A list of names as a sorted, case-insensitive set, for comparing memberships."""
    return sorted(set(v.lower() for v in values or ()))


def changes(before, desired):
    """{key: desired value} for each key of `desired` (the options given) that differs from `before`.

    Strings compare with None as ''; lists of names compare as case-insensitive sets.
    """
    out = {}
    for key, want in desired.items():
        have = before.get(key)
        if isinstance(want, list):
            differ = folded(want) != folded(have)
        elif isinstance(want, str) or isinstance(have, str):
            differ = text(want) != text(have)
        else:
            differ = want != have
        if differ:
            out[key] = want
    return out


def create_settled(send, reread):
    """Send a create once; when its answer was lost (uncertain), read again rather than resend.

    Returns what `send` returned, or the object `reread` found. Raises the error when the object
    is not there after all, or when the failure was not uncertain.
    """
    try:
        return send()
    except CitrixCloudError as err:
        if not err.uncertain:
            raise
        found = reread()
        if found is None:
            raise
        return found


def diff(before, after):
    return dict(before=before or {}, after=after or {})
