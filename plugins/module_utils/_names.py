# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Names and ids in DaaS paths: refuse what could change a URL, escape the rest.

Private to the collection.
"""

from __future__ import annotations

import re
from urllib.parse import quote


# A path segment must never be able to become two segments or a relative step.
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')


def check_name(value, what='name', option=None):
    """Raise ValueError when `value` cannot safely name one object in a URL path.

    `option`: the module option `value` came from; the message then names it (``catalog 'A/B' ...``),
    so that a person sees which option to correct.
    """
    label = option or what.capitalize()
    if not isinstance(value, str) or not value.strip():
        raise ValueError('%s must be a non-empty string, got %r.' % (label, value))
    if _CONTROL.search(value):
        raise ValueError('%s %r contains a control character.' % (label, value))
    if '/' in value or '|' in value:
        raise ValueError(
            "%s %r contains '/' or '|', which no Citrix object name or id holds; "
            "write domain names with a backslash, e.g. DOMAIN\\NAME." % (label, value))
    if value.strip() in ('.', '..'):
        raise ValueError('%s %r is not a name.' % (label, value))
    return value


def path_segment(value, what='name'):
    """One URL path segment for a name or id: `DOMAIN\\NAME` becomes `DOMAIN|NAME`, all else encoded."""
    check_name(value, what)
    return quote(value.replace('\\', '|'), safe='')


def check_names(values, what='name', option=None):
    """check_name for each item of a list; with `option`, the message names the option's item."""
    for value in values or ():
        check_name(value, what, option and '%s item' % option)


def ref_matches(ref, value):
    """True when a {Id, Name} reference (or a machine, also by its SID) is `value`, case-insensitively.

    The API takes a machine's name, id or SID wherever it names one, so a selection must too.
    """
    if not isinstance(ref, dict) or value is None:
        return False
    wanted = value.lower()
    return any(isinstance(ref.get(key), str) and ref[key].lower() == wanted for key in ('Id', 'Name', 'Sid'))


GUID_RE = re.compile(r'^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')


def check_guid(value, what):
    """Return `value` when it is a GUID, else raise ValueError naming `what`: ids fail before any call."""
    # fullmatch: `$` alone would let a trailing newline through into a header or a path
    if not isinstance(value, str) or not GUID_RE.fullmatch(value):
        raise ValueError('%s %r is not a GUID (like 0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9)' % (what, value))
    return value
