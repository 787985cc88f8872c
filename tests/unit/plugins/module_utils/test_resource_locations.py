# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_resource_locations.py."""

from __future__ import annotations

import json
import pytest
from werkzeug import Response as WResponse

from ansible_collections.citrix.cloud.plugins.module_utils._resource_locations import (
    check_resource_location_id,
    check_resource_location_name,
    create_resource_location,
    delete_resource_location,
    ensure_absent,
    ensure_present,
    find_resource_locations,
    FORBIDDEN_NAME_CHARS,
    get_resource_location,
    locate_resource_location,
    resource_location_changes,
    resource_location_update_body,
)
from ansible_collections.citrix.cloud.plugins.module_utils._client import CitrixCloudError


RL = {"id": "11111111-1111-4111-8111-111111111111", "name": "London DC", "internalOnly": False,
      "timeZone": "GMT Standard Time", "readOnly": False}
RL_PATH = "/resourcelocations"


def posted(httpserver, path):
    return [json.loads(req.data) for req, _resp in httpserver.log if req.method == "POST" and req.path == path]


def methods(httpserver):
    return [req.method for req, _resp in httpserver.log]


@pytest.mark.parametrize("char", list(FORBIDDEN_NAME_CHARS))
def test_every_forbidden_character_is_refused_with_the_reason(char):
    with pytest.raises(ValueError, match="refuses resource location names with any of") as err:
        check_resource_location_name("Lab%sOne" % char)
    assert char in str(err.value)


@pytest.mark.parametrize("name", ["London DC", "Lab-1 (test)", "Zürich_2", "a.b,c;d'e\"f@g!~=*"])
def test_allowed_names_pass(name):
    check_resource_location_name(name)


@pytest.mark.parametrize("name", ["Lab\n", "Lab\r1", "La\tb", "Lab\x00", "Lab\x7f"])
def test_control_characters_are_refused_naming_the_option(name):
    with pytest.raises(ValueError, match="^name .* contains a control character"):
        check_resource_location_name(name)


@pytest.mark.parametrize("name", ["", "   "])
def test_empty_name_is_refused(name):
    with pytest.raises(ValueError, match="must not be empty"):
        check_resource_location_name(name)


def test_forbidden_set_is_the_schema_pattern():
    # The OpenAPI pattern is [^\/\\#?%|\[\]{}<>$^&+]+ : keep the two in step.
    assert set(FORBIDDEN_NAME_CHARS) == set("/\\#?%|[]{}<>$^&+")


def test_changes_only_what_differs():
    assert resource_location_changes(RL, dict(name="London DC", internal_only=None, time_zone=None)) == {}
    assert resource_location_changes(RL, dict(name="London DC", internal_only=True, time_zone="UTC")) == {
        "internalOnly": True, "timeZone": "UTC"}


def test_changes_for_a_new_one_hold_only_given_fields():
    assert resource_location_changes({}, dict(name="New", internal_only=None, time_zone=None)) == {
        "name": "New"}


def test_update_body_keeps_untouched_fields_and_never_sends_read_only_or_id():
    body = resource_location_update_body(RL, {"timeZone": "UTC"})
    assert body == {"name": "London DC", "internalOnly": False, "timeZone": "UTC"}


def test_find_by_name_and_all(httpserver, client):
    other = dict(RL, id="22222222-2222-4222-8222-222222222222", name="Paris")
    httpserver.expect_request(RL_PATH, method="GET").respond_with_json({"items": [RL, other]})
    assert find_resource_locations(client) == [RL, other]
    assert find_resource_locations(client, name="Paris") == [other]
    assert find_resource_locations(client, name="paris") == []


@pytest.mark.parametrize("status", [204, 404])
def test_missing_id_is_none_whether_204_or_404(httpserver, client, status):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_response(
        WResponse(status=status))
    assert get_resource_location(client, RL["id"]) is None
    assert find_resource_locations(client, rl_id=RL["id"]) == []


def test_missing_id_as_a_500_object_does_not_exist(httpserver, client):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_json(
        {"detail": "Object does not exist."}, status=500)
    assert get_resource_location(client, RL["id"]) is None


def test_other_500s_are_raised(httpserver, client):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_json(
        {"detail": "Database unavailable"}, status=500)
    with pytest.raises(CitrixCloudError, match="Database unavailable"):
        get_resource_location(client, RL["id"])


def test_find_by_id_and_name_needs_both_to_match(httpserver, client):
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="GET").respond_with_json(RL)
    assert find_resource_locations(client, name="London DC", rl_id=RL["id"]) == [RL]
    assert find_resource_locations(client, name="Paris", rl_id=RL["id"]) == []


def test_duplicate_names_ask_for_the_id(httpserver, client):
    twin = dict(RL, id="33333333-3333-4333-8333-333333333333")
    httpserver.expect_request(RL_PATH, method="GET").respond_with_json({"items": [RL, twin]})
    with pytest.raises(ValueError, match="2 resource locations are named 'London DC'"):
        locate_resource_location(client, name="London DC")


def test_present_creates_once_and_reports_before_after(httpserver, client):
    created = dict(RL, id="44444444-4444-4444-8444-444444444444", name="New")
    httpserver.expect_request(RL_PATH, method="POST").respond_with_json(created)
    wanted = dict(name="New", id=None, internal_only=None, time_zone=None)
    assert ensure_present(client, None, wanted, check_mode=False) == (True, {}, created)
    assert posted(httpserver, RL_PATH) == [{"name": "New"}]


def test_present_in_check_mode_sends_nothing(httpserver, client):
    wanted = dict(name="New", id=None, internal_only=True, time_zone=None)
    assert ensure_present(client, None, wanted, check_mode=True) == (
        True, {}, {"name": "New", "internalOnly": True})
    updated = dict(RL, timeZone="UTC")
    assert ensure_present(client, RL, dict(wanted, name="London DC", internal_only=None, time_zone="UTC"),
                          check_mode=True) == (True, RL, updated)
    assert httpserver.log == []


def test_present_updates_with_put_only_when_something_differs(httpserver, client):
    updated = dict(RL, timeZone="UTC")
    httpserver.expect_request(RL_PATH + "/" + RL["id"], method="PUT").respond_with_json(updated)
    same = dict(name="London DC", id=None, internal_only=False, time_zone="GMT Standard Time")
    assert ensure_present(client, RL, same, check_mode=False) == (False, RL, RL)
    assert httpserver.log == []
    changed = ensure_present(client, RL, dict(same, time_zone="UTC"), check_mode=False)
    assert changed == (True, RL, updated)
    req = httpserver.log[0][0]
    assert json.loads(req.data) == {"name": "London DC", "internalOnly": False, "timeZone": "UTC"}


def test_unknown_id_is_not_created(client):
    with pytest.raises(ValueError, match="No resource location has id 'nope'"):
        ensure_present(client, None, dict(name="X", id="nope", internal_only=None, time_zone=None), False)


def test_read_only_locations_are_left_alone(httpserver, client):
    managed = dict(RL, readOnly=True)
    with pytest.raises(ValueError, match="managed by Citrix"):
        ensure_absent(client, managed, check_mode=False)
    with pytest.raises(ValueError, match="managed by Citrix"):
        ensure_present(client, managed, dict(name=None, id=RL["id"], internal_only=True, time_zone=None),
                       False)
    assert httpserver.log == []


def test_absent_deletes_and_tolerates_already_gone(httpserver, client):
    httpserver.expect_ordered_request(RL_PATH + "/" + RL["id"], method="DELETE").respond_with_response(
        WResponse(status=204))
    httpserver.expect_ordered_request(RL_PATH + "/" + RL["id"], method="DELETE").respond_with_json(
        {"detail": "not found"}, status=404)
    assert ensure_absent(client, RL, check_mode=False) == (True, RL, {})
    delete_resource_location(client, RL["id"])
    assert ensure_absent(client, None, check_mode=False) == (False, {}, {})
    assert methods(httpserver) == ["DELETE", "DELETE"]


def test_absent_in_check_mode_sends_nothing(httpserver, client):
    assert ensure_absent(client, RL, check_mode=True) == (True, RL, {})
    assert httpserver.log == []


def test_create_that_may_have_landed_is_looked_up_not_resent(httpserver, client):
    # A 502 on a POST is `uncertain`: the location may exist; find it instead of failing or resending.
    httpserver.expect_ordered_request(RL_PATH, method="POST").respond_with_json({"detail": "bad gateway"}, status=502)
    httpserver.expect_ordered_request(RL_PATH, method="GET").respond_with_json({"items": [RL]})
    assert create_resource_location(client, {"name": "London DC"}) == RL
    assert methods(httpserver) == ["POST", "GET"]


def test_other_errors_are_raised(httpserver, client):
    httpserver.expect_request(RL_PATH, method="POST").respond_with_json({"detail": "Name is invalid"}, status=400)
    with pytest.raises(CitrixCloudError, match="Name is invalid"):
        create_resource_location(client, {"name": "x"})


def test_resource_location_ids_must_be_guids():
    check_resource_location_id(None)
    check_resource_location_id(RL["id"])
    with pytest.raises(ValueError, match=r"^id 'notaguid' is not a GUID \(like 0b1a2c3d-"):
        check_resource_location_id("notaguid")
