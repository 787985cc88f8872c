# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of plugins/module_utils/_names.py."""

from __future__ import annotations

import pytest

from ansible_collections.citrix.cloud.plugins.module_utils._names import path_segment, ref_matches


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
