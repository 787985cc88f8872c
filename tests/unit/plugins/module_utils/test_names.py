# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_names.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._names import check_name, check_names, path_segment, ref_matches


@pytest.mark.parametrize('name,segment', [
    ('DEMOLAB\\EAGLE', 'DEMOLAB%7CEAGLE'),
    ('Pool A (test)', 'Pool%20A%20%28test%29'),
    ('x?y#z%', 'x%3Fy%23z%25'),
    ('Zürich', 'Z%C3%BCrich'),
    ('0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9', '0b1a2c3d-4e5f-6071-8293-a4b5c6d7e8f9'),
])
def test_names_become_one_encoded_segment(name, segment):
    assert path_segment(name) == segment
    assert '/' not in path_segment(name)


@pytest.mark.parametrize('name', ['', '  ', 'a/b', '../x', '..', '.', 'a|b', 'a\nb', 'a\x00b', 'tab\there', None])
def test_names_that_could_escape_their_segment_are_refused(name):
    with pytest.raises(ValueError):
        path_segment(name)


def test_ref_matches_by_name_or_id_case_insensitively():
    ref = {'Id': 'ABC', 'Name': 'DEMOLAB\\Eagle'}
    assert ref_matches(ref, 'demolab\\EAGLE') and ref_matches(ref, 'abc')
    assert not ref_matches(ref, 'EAGLE') and not ref_matches(None, 'x')


@pytest.mark.parametrize('value, words', [
    ('', "catalog must be a non-empty string, got ''"),
    ('A/B', "catalog 'A/B' contains '/' or '|'"),
    ('A\nB', "catalog 'A\\nB' contains a control character"),
    ('..', "catalog '..' is not a name"),
])
def test_a_name_from_an_option_is_refused_naming_the_option(value, words):
    with pytest.raises(ValueError) as err:
        check_name(value, 'catalog', 'catalog')
    assert str(err.value).startswith(words)
    with pytest.raises(ValueError, match="^Catalog "):  # no option: the object's kind, as before
        check_name(value, 'catalog')


def test_an_item_of_a_list_option_is_refused_naming_the_option():
    check_names(['Gold', 'DEMOLAB\\Silver'], 'tag', 'tags')
    check_names(None, 'tag', 'tags')
    with pytest.raises(ValueError, match="^tags item 'a/b' contains '/'"):
        check_names(['Gold', 'a/b'], 'tag', 'tags')
