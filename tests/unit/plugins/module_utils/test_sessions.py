# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_sessions.py."""

from __future__ import annotations

import json
import re
import pytest

from ansible_collections.citrix.cloud.plugins.module_utils import _sessions as sessions
from ansible_collections.citrix.cloud.tests.unit.conftest import BASE


SESSIONS = [
    {'Id': 's1', 'State': 'Active', 'Machine': {'Id': 'm1', 'Name': 'DEMOLAB\\A'},
     'User': {'SamName': 'DEMOLAB\\alice', 'PrincipalName': 'alice@demolab.local'}},
    {'Id': 's2', 'State': 'Disconnected', 'Machine': {'Id': 'm2', 'Name': 'DEMOLAB\\B'},
     'User': {'SamName': 'DEMOLAB\\bob'}},
    {'Id': 's3', 'State': 'Active', 'LogoffInProgress': True, 'Machine': {'Id': 'm2'},
     'User': {'SamName': 'DEMOLAB\\carol'}},
]


def ids(found):
    return [s['Id'] for s in found]


def test_session_filters():
    assert ids(sessions.filter_sessions(SESSIONS, machine_ids={'m2'})) == ['s2', 's3']
    assert ids(sessions.filter_sessions(SESSIONS, users=['demolab\\ALICE'])) == ['s1']
    assert ids(sessions.filter_sessions(SESSIONS, users=['alice@demolab.local'])) == ['s1']
    assert ids(sessions.filter_sessions(SESSIONS, states=['Disconnected'])) == ['s2']
    assert ids(sessions.filter_sessions(SESSIONS, ids={'s3'})) == ['s3']
    assert sessions.filter_sessions(SESSIONS, machine_ids=set()) == []


def test_session_plans_are_idempotent():
    off = [e['result'] for e in sessions.plan(SESSIONS, 'logged_off')]
    disc = [e['result'] for e in sessions.plan(SESSIONS, 'disconnected')]
    assert off == ['act', 'act', 'unchanged']
    assert disc == ['act', 'unchanged', 'act']


def test_a_message_is_an_action_every_session_gets():
    entries = sessions.plan(SESSIONS, 'messaged')
    assert [(e['action'], e['result']) for e in entries] == [('sendMessage', 'act')] * len(SESSIONS)
    assert [r['result'] for r in sessions.to_results(entries)] == ['changed'] * len(SESSIONS)


def test_calls_put_the_message_first_and_message_mode_sends_only_it():
    message = {'title': 'T', 'text': 'X', 'style': 'Critical'}
    body = {'Title': 'T', 'Text': 'X', 'Style': 'Critical'}
    assert sessions.calls('sendMessage', message) == [('sendMessage', body)]
    assert sessions.calls('logoff', message) == [('sendMessage', body), ('logoff', None)]
    assert sessions.calls('disconnect', None) == [('disconnect', None)]


def test_message_body_uses_the_schema_field_names():
    assert sessions.message_body({'title': 'T', 'text': 'X', 'style': None}) == {
        'Title': 'T', 'Text': 'X', 'Style': 'Information'}


def machine(i, catalog="cat-1", group="dg-1", name=None):
    return {"Id": "m%d" % i, "Name": name or "DEMOLAB\\M%d" % i, "PowerState": "On", "SessionCount": 0,
            "MachineCatalog": {"Id": catalog, "Name": "Cat"}, "DeliveryGroup": {"Id": group, "Name": "Group"}}


def requests_to(httpserver, path):
    return [req for req, _resp in httpserver.log if req.path == path]


def not_found(httpserver, path):
    httpserver.expect_request(path).respond_with_json(
        {"ErrorMessage": "Object does not exist.", "ErrorType": "ObjectNotFound"}, status=404)


def test_sessions_of_a_catalog_are_one_session_listing_filtered_by_machine(httpserver, client):
    httpserver.expect_request(BASE + "/MachineCatalogs/cat-1/Machines").respond_with_json(
        {"Items": [machine(1), machine(2)]})
    httpserver.expect_request(BASE + "/Sessions").respond_with_json({"Items": [
        {"Id": "s1", "State": "Active", "Machine": {"Id": "m1"}, "User": {"SamName": "D\\alice"}},
        {"Id": "s2", "State": "Active", "Machine": {"Id": "m7"}, "User": {"SamName": "D\\bob"}},
        {"Id": "s3", "State": "Disconnected", "Machine": {"Id": "m2"}, "User": {"SamName": "D\\carol"}},
    ]})
    found = sessions.select_sessions(client, catalog="cat-1")
    assert [s["Id"] for s in found] == ["s1", "s3"]
    assert [s["Id"] for s in sessions.select_sessions(client, catalog="cat-1", users=["d\\carol"])] == ["s3"]
    listings = requests_to(httpserver, BASE + "/Sessions")
    # Machine is not in the sessions' default field set: without asking, no session has one
    assert len(listings) == 2 and all("Machine" in r.args["fields"].split(",") for r in listings)


def test_session_actions_message_first_and_log_off_gone_sessions_are_unchanged(httpserver, client):
    httpserver.expect_request(BASE + "/Sessions/s1/$sendMessage", method="POST").respond_with_json({})
    httpserver.expect_request(BASE + "/Sessions/s1/$logoff", method="POST").respond_with_data("", status=204)
    httpserver.expect_request(BASE + "/Sessions/s2/$sendMessage", method="POST").respond_with_json({})
    not_found(httpserver, BASE + "/Sessions/s2/$logoff")
    entries = sessions.plan([{"Id": "s1"}, {"Id": "s2"}], "logged_off")
    sessions.execute(client, entries, message={"title": "T", "text": "X", "style": "Critical"})
    assert [e["result"] for e in entries] == ["changed", "unchanged"]
    paths = [req.path for req, _resp in httpserver.log if req.path.startswith(BASE + "/Sessions/s1")]
    assert paths == [BASE + "/Sessions/s1/$sendMessage", BASE + "/Sessions/s1/$logoff"]
    sent = json.loads(requests_to(httpserver, BASE + "/Sessions/s1/$sendMessage")[0].data)
    assert sent == {"Title": "T", "Text": "X", "Style": "Critical"}


def test_message_mode_sends_only_the_message_and_gone_sessions_are_unchanged(httpserver, client):
    httpserver.expect_request(BASE + "/Sessions/s1/$sendMessage", method="POST").respond_with_json(
        {}, headers={"Citrix-TransactionId": "tx-1"})
    not_found(httpserver, BASE + "/Sessions/s2/$sendMessage")
    httpserver.expect_request(BASE + "/Sessions/s3/$sendMessage", method="POST").respond_with_json(
        {"ErrorMessage": "Session is not connected."}, status=400)
    entries = sessions.plan([{"Id": "s1"}, {"Id": "s2"}, {"Id": "s3"}], "messaged")
    sessions.execute(client, entries, message={"title": "T", "text": "X", "style": "Information"})
    assert [(e["result"], e["reason"]) for e in entries] == [
        ("changed", None), ("unchanged", "session ended meanwhile"), ("failed", None)]
    assert entries[0]["transaction_id"] == "tx-1" and "Session is not connected." in entries[2]["message"]
    # In parallel, so in any order: one $sendMessage each, and nothing else.
    assert sorted(req.path for req, _resp in httpserver.log) == [
        BASE + "/Sessions/%s/$sendMessage" % s for s in ("s1", "s2", "s3")]


def test_message_mode_without_a_message_fails_before_any_call(httpserver, client):
    with pytest.raises(ValueError, match="user_message"):
        sessions.execute(client, sessions.plan([{"Id": "s1"}], "messaged"))
    assert httpserver.log == []


def test_a_message_delivered_then_a_log_off_refused_is_a_change(httpserver, client):
    httpserver.expect_request(BASE + "/Sessions/s1/$sendMessage", method="POST").respond_with_json({})
    httpserver.expect_request(BASE + "/Sessions/s1/$logoff", method="POST").respond_with_json(
        {"ErrorMessage": "Caller is not authorized."}, status=403)
    entries = sessions.plan([{"Id": "s1"}], "logged_off")
    sessions.execute(client, entries, message={"title": "T", "text": "X", "style": "Critical"})
    assert entries[0]["result"] == "failed" and entries[0]["delivered"]
    assert entries[0]["message"].startswith("the message was delivered, then POST")
    assert sessions.any_changed(entries)  # the user was told: that is a change, failed or not
    refused = sessions.plan([{"Id": "s2"}], "logged_off")
    httpserver.expect_request(BASE + "/Sessions/s2/$sendMessage", method="POST").respond_with_json(
        {"ErrorMessage": "Session is not connected."}, status=400)
    sessions.execute(client, refused, message={"title": "T", "text": "X", "style": "Critical"})
    assert not refused[0]["delivered"] and not sessions.any_changed(refused)


@pytest.mark.parametrize('message, words', [
    ({'title': '', 'text': 'x'}, "user_message.title must not be empty or null"),
    ({'title': 'T', 'text': '  '}, "user_message.text must not be empty or null"),
    ({'title': None, 'text': 'x'}, "user_message.title must not be empty or null"),
])
def test_a_message_without_title_or_text_is_refused(message, words):
    with pytest.raises(ValueError, match='^' + re.escape(words)):
        sessions.check_message(message)


def test_a_message_with_title_and_text_or_none_passes():
    sessions.check_message({'title': 'Restart', 'text': 'Save your work.\nThanks', 'style': None})
    sessions.check_message(None)
