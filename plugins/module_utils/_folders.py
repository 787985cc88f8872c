# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Citrix DaaS catalogs and delivery groups by id, full name or plain name.

A catalog or delivery group in an admin folder is named by its path, ``Folder1\\Folder2\\Name``
(its ``FullName``), which goes into URL paths as ``Folder1|Folder2|Name``. Its plain ``Name`` is not
unique, and the service need not accept it in a path; users may still give it where only one
object has it. Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._client import daas_get_or_none
from ansible_collections.citrix.cloud.plugins.module_utils._names import path_segment

# What the *_info modules return (their RETURN docs), asked for by name: several are not in the
# service's default field set (TotalCount, TotalDesktops, SessionCount).
CATALOG_FIELDS = (
    'Id', 'Name', 'FullName', 'AdminFolder', 'Description', 'SessionSupport', 'TotalCount',
    'AvailableCount', 'UsedCount', 'IsPowerManaged', 'IsRemotePC', 'AllocationType', 'ProvisioningType',
    'PersistChanges', 'MachineType', 'MinimumFunctionalLevel', 'SharingKind', 'Zone',
)
GROUP_FIELDS = (
    'Id', 'Name', 'FullName', 'AdminFolder', 'Description', 'PublishedName', 'SessionSupport',
    'TotalDesktops', 'SessionCount', 'DesktopsAvailable', 'DesktopsDisconnected', 'DesktopsUnregistered',
    'InMaintenanceMode', 'Enabled', 'DeliveryType', 'Delivering', 'IsRemotePC', 'MinimumFunctionalLevel',
    'SharingKind',
)
FIELDS = {'MachineCatalogs': CATALOG_FIELDS, 'DeliveryGroups': GROUP_FIELDS}
LABELS = {'MachineCatalogs': 'machine catalog', 'DeliveryGroups': 'delivery group'}
# Enough to tell objects apart by name.
_NAME_FIELDS = ('Id', 'Name', 'FullName')


def _segment(value, collection):
    return path_segment(value, LABELS[collection])


def get_by_key(client, collection, key, fields=None):
    """The object `key` (an id or a full name) names, or None when the service has none."""
    path = '/%s/%s' % (collection, _segment(key, collection))
    return daas_get_or_none(client, path, {'fields': ','.join(fields)} if fields else None)


def by_plain_name(client, collection, name):
    """The one object whose plain Name (in whatever admin folder) is `name`, or None.

    ValueError when objects in several folders have it: only the full name can tell them apart.
    """
    if '\\' in name:
        return None  # a path is a full name: the service already said it names nothing
    wanted = name.lower()
    found = [o for o in client.paginate('/' + collection, fields=_NAME_FIELDS)
             if isinstance(o.get('Name'), str) and o['Name'].lower() == wanted]
    if len(found) > 1:
        raise ValueError('%s name %r is in more than one admin folder (%s): give the full name, '
                         'Folder\\Name, or the id.' % (LABELS[collection].capitalize(), name,
                                                       ', '.join(sorted(str(o.get('FullName')) for o in found))))
    return found[0] if found else None


def resolve(client, collection, key, fields=None):
    """The catalog or delivery group `key` names: by id or full name (``Folder\\Name``), else by a
    plain name that only one of them has. None when there is none."""
    found = get_by_key(client, collection, key, fields)
    if found is not None:
        return found
    match = by_plain_name(client, collection, key)
    if match is None or not match.get('Id'):
        return None
    return get_by_key(client, collection, match['Id'], fields)


def resolve_id(client, collection, key):
    """The id of the catalog or delivery group `key` names, or None."""
    found = resolve(client, collection, key, fields=_NAME_FIELDS)
    return found.get('Id') if found else None
