# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS tags: find, create, update, delete; resolve tag names for the objects that carry them.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._desired_state import (
    changes, create_settled, get_object, resolve_all)
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, path_segment

# The counts of TagResponseModel that say a tag is applied to something.
USAGE_FIELDS = ('NumMachines', 'NumApplications', 'NumApplicationGroups', 'NumMachineCatalogs',
                'NumDeliveryGroups', 'NumUnknownObjects')
TAG_FIELDS = ('Id', 'Name', 'Description') + USAGE_FIELDS


def get_tag(client, name_or_id):
    return get_object(client, 'Tags', name_or_id, 'tag')


def list_tags(client):
    return list(client.paginate('/Tags', fields=','.join(TAG_FIELDS)))


def matches(tag, key):
    """True when `key` is this tag's id or name (case-insensitively)."""
    key = key.lower()
    return any(str(tag.get(k) or '').lower() == key for k in ('Id', 'Name'))


def select_tags(tags, names=None):
    """The tags named (by name or id) in `names`, in the service's order; all when `names` is None."""
    if names is None:
        return list(tags)
    return [t for t in tags if any(matches(t, n) for n in names)]


def resolve_tags(client, names):
    """The tag objects for these names or ids; ValueError naming each one that does not exist."""
    for name in names or ():
        check_name(name, 'tag')
    return resolve_all(names, lambda n: get_tag(client, n), 'Tag(s)')


def in_use(tag):
    """How many objects carry the tag (those the caller may not see included)."""
    return sum(int(tag.get(k) or 0) for k in USAGE_FIELDS)


def view(tag):
    """What citrix_tag manages, as compared and shown in --diff."""
    if not tag:
        return {}
    return {'name': tag.get('Name'), 'description': tag.get('Description') or ''}


def ensure_present(client, current, name, description, check_mode):
    """(changed, before, after, tag): create the tag, or update its description if it differs."""
    before = view(current)
    desired = {'name': name} if current is None else {}
    if description is not None:
        desired['description'] = description
    delta = changes(before, desired)
    if current is not None and not delta:
        return False, before, before, current
    after = dict(before, **delta)
    if check_mode:
        return True, before, after, dict(current or {}, Name=name, Description=after.get('description'))
    body = {'Description': description} if description is not None else {}
    if current is None:
        body['Name'] = name
        tag = create_settled(lambda: client.daas('POST', '/Tags', json=body).body,
                             lambda: get_tag(client, name))
    else:
        tag = client.daas('PATCH', '/Tags/' + path_segment(current['Id']), json=body).body
    tag = get_tag(client, (tag or {}).get('Id') or name) or tag
    return True, before, view(tag), tag


def ensure_absent(client, current, force, check_mode):
    """(changed, before): delete the tag; one still applied to objects only with `force`."""
    if current is None:
        return False, {}
    count = in_use(current)
    if count and not force:
        raise ValueError('Tag %r is applied to %d object(s) (machines %s, applications %s, application groups %s, '
                         'catalogs %s, delivery groups %s, not visible to you %s); deleting it removes it from all '
                         'of them. Set force=true to do that. Nothing was changed.' % (
                             current.get('Name'), count, *[int(current.get(k) or 0) for k in USAGE_FIELDS]))
    if not check_mode:
        client.daas('DELETE', '/Tags/' + path_segment(current['Id']),
                    params={'force': 'true'} if count else None, expected=(200, 202, 204, 404))
    return True, view(current)
