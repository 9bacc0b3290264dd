import pytest

from webapp.accounts import nhs_number


@pytest.mark.parametrize("raw", ["9434765919", "943 476 5919", "943-476-5919", " 9434765919 ",
                                 "4010232137"])
def test_valid_nhs_numbers_are_accepted_and_normalised(raw):
    assert nhs_number.validate(raw) == nhs_number.normalise(raw).strip()
    assert nhs_number.is_valid(raw)


def test_a_check_digit_of_eleven_becomes_zero():
    # 999000001 weighs to a remainder of 0, so 11 - 0 = 11, which the algorithm writes as 0.
    assert nhs_number.check_digit("999000001") == 8
    assert nhs_number.check_digit("401023213") == 7
    first_nine = next(f"{n:09d}" for n in range(100000000, 100001000)
                      if sum(int(d) * w for d, w in zip(f"{n:09d}", range(10, 1, -1),
                                                         strict=True)) % 11 == 0)
    assert nhs_number.check_digit(first_nine) == 0
    assert nhs_number.is_valid(first_nine + "0")


def test_a_wrong_check_digit_is_refused():
    with pytest.raises(nhs_number.InvalidNHSNumber, match="not a valid NHS number"):
        nhs_number.validate("9434765918")


@pytest.mark.parametrize("raw", ["943476591", "94347659190", "1"])
def test_the_wrong_length_is_refused(raw):
    with pytest.raises(nhs_number.InvalidNHSNumber, match="must be 10 digits"):
        nhs_number.validate(raw)


FULL_WIDTH_DIGITS = "".join(chr(0xFF10 + int(d)) for d in "9434765919")
ARABIC_INDIC_NINE = "\u0669"


@pytest.mark.parametrize("raw", ["94347659A9", FULL_WIDTH_DIGITS, "943476591" + ARABIC_INDIC_NINE])
def test_anything_but_ascii_digits_is_refused(raw):
    with pytest.raises(nhs_number.InvalidNHSNumber, match="only include numbers"):
        nhs_number.validate(raw)


def test_an_empty_nhs_number_asks_for_one():
    with pytest.raises(nhs_number.InvalidNHSNumber, match="Enter the NHS number"):
        nhs_number.validate("   ")


def test_nine_digits_whose_check_digit_would_be_ten_make_no_valid_number():
    first_nine = next(f"{n:09d}" for n in range(100000000, 100001000)
                      if nhs_number.check_digit(f"{n:09d}") is None)
    weighted = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    assert 11 - weighted % 11 == 10
    for last in "0123456789":
        assert not nhs_number.is_valid(first_nine + last)
