# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_desired_state.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError
from ansible_collections.citrix.cloud.plugins.module_utils import _desired_state as ds


def test_changes_compares_only_what_is_given():
    before = {"description": None, "enabled": True, "delivery_groups": ["A", "b"], "visible": True}
    assert ds.changes(before, {"description": ""}) == {}
    assert ds.changes(before, {"delivery_groups": ["B", "a"]}) == {}
    assert ds.changes(before, {"enabled": False, "visible": True}) == {"enabled": False}
    assert ds.changes(before, {"delivery_groups": []}) == {"delivery_groups": []}
    assert ds.changes({}, {"enabled": None}) == {}


def test_resolve_all_names_every_missing_one():
    known = {"a": {"Id": "1"}}
    assert ds.resolve_all(["a"], known.get, "Thing(s)") == [{"Id": "1"}]
    with pytest.raises(ValueError, match="Thing\\(s\\) not found: b, c. Nothing was changed."):
        ds.resolve_all(["a", "b", "c"], known.get, "Thing(s)")


def test_an_uncertain_create_is_settled_by_reading_not_by_resending():
    sent = []

    def send():
        sent.append(1)
        raise CitrixCloudError("lost", uncertain=True)

    assert ds.create_settled(send, lambda: {"Id": "x"}) == {"Id": "x"}
    with pytest.raises(CitrixCloudError):
        ds.create_settled(send, lambda: None)

    def refused():
        raise CitrixCloudError("no", status=400)

    with pytest.raises(CitrixCloudError):
        ds.create_settled(refused, lambda: {"Id": "x"})
    assert len(sent) == 2
