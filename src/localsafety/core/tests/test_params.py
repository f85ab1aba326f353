"""Ids from query strings (finding 11): whole numbers within what a database id can be."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from localsafety.core.params import MAX_ID, MAX_IDS, BadParameter, int_list_param, int_param


@pytest.mark.parametrize("raw", ["1", " 42 ", "+7", str(MAX_ID)])
def test_ids_within_bounds_are_read(raw):
    assert int_param(QueryDict(f"parent={raw.replace('+', '%2B')}"), "parent") == int(raw)


@pytest.mark.parametrize(
    "raw",
    ["99999999999999999999999", str(MAX_ID + 1), "0", "-1", "abc", "1e3", "1.0", "0x10", "١٢"],
)
def test_anything_else_is_a_400_naming_the_parameter(raw):
    with pytest.raises(BadParameter) as refused:
        int_param({"parent": raw}, "parent")
    assert refused.value.status_code == 400
    assert refused.value.field == "parent" and "parent" in refused.value.message


def test_absent_or_empty_is_none():
    assert int_param({}, "parent") is None
    assert int_param({"parent": "  "}, "parent") is None


def test_lists_are_read_and_capped():
    assert int_list_param({"ids": "1, 2,,3"}, "ids") == [1, 2, 3]
    assert int_list_param({}, "ids") == []
    with pytest.raises(BadParameter):
        int_list_param({"ids": f"1,{MAX_ID + 1}"}, "ids")
    with pytest.raises(BadParameter):
        int_list_param({"ids": ",".join(["1"] * (MAX_IDS + 1))}, "ids")


@given(st.text(max_size=40))
def test_any_text_gives_an_id_in_bounds_or_a_400(raw):
    try:
        value = int_param({"id": raw}, "id")
    except BadParameter:
        return
    assert value is None or 1 <= value <= MAX_ID
