from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from localsafety.territory.codes import DISTRICT_NAMES, is_dico, is_dicofre, normalise_code

districts = st.sampled_from(sorted(DISTRICT_NAMES))
two_digits = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")


@given(districts, two_digits)
def test_every_well_formed_dico_is_accepted(district, municipality):
    assert is_dico(district + municipality)


@given(districts, two_digits, two_digits)
def test_dicofre_is_dico_plus_two_digits(district, municipality, parish):
    code = district + municipality + parish
    assert is_dicofre(code)
    assert not is_dico(code)
    assert not is_dicofre(code[:4])


@given(st.text(max_size=8))
def test_anything_else_is_refused(text):
    if is_dico(text):
        assert len(text) == 4 and text.isascii() and text.isdigit()
        assert text[:2] in DISTRICT_NAMES
    if is_dicofre(text):
        assert len(text) == 6 and text.isascii() and text.isdigit() and is_dico(text[:4])


@given(st.integers(min_value=0, max_value=9999))
def test_numeric_codes_get_their_leading_zeros_back(number):
    assert normalise_code(number, 4) == f"{number:04d}"
    assert normalise_code(float(number), 4) == f"{number:04d}"
    assert normalise_code(f" {number} ", 4) == f"{number:04d}"


def test_known_codes():
    assert is_dico("1106") and is_dico("0213")
    assert not is_dico("1100") and not is_dico("2001") and not is_dico("213")
    assert not is_dico("１１０６")  # full-width digits are not INE codes
    assert is_dicofre("110658") and not is_dicofre("110600") and not is_dicofre("99990l")
    assert normalise_code(None, 4) == "" and normalise_code(1.5, 4) == "1.5"
