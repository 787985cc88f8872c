# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Catalogs and delivery groups, all or the one a name names, for their info modules.

Private to the collection.
"""

from __future__ import annotations

from ansible_collections.citrix.cloud.plugins.module_utils._module import snake
from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name
from ansible_collections.citrix.cloud.plugins.module_utils._site import daas_client
from ansible_collections.citrix.cloud.plugins.module_utils import _folders as folders


def list_objects(client, collection, name=None):
    """Catalogs or delivery groups (`collection`), all or the one `name` names ([] if none): an id,
    a full name (Folder\\Name) or a plain name only one of them has."""
    fields = folders.FIELDS[collection]
    if name is None:
        return list(client.paginate('/' + collection, fields=fields))
    found = folders.resolve(client, collection, name, fields)
    return [found] if found else []


def objects_info(module, collection, what):
    """For the _info modules of catalogs and delivery groups: all, or the one O(name) names."""
    name = module.params['name']
    if name is not None:
        check_name(name, what + ' name', 'name')
    return [snake(item) for item in list_objects(daas_client(module), collection, name)]
