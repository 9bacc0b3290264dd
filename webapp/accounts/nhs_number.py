"""NHS numbers: ten digits, the last a modulus 11 check digit.

Source: NHS Data Dictionary, "NHS Number" (check digit algorithm).
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]")


class InvalidNHSNumber(ValueError):
    pass


def normalise(raw: str) -> str:
    """Strip the spaces and hyphens people type, leaving the digits as entered."""
    return _SEPARATORS.sub("", raw or "")


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid NHS number can start so."""
    total = sum(int(d) * weight for d, weight in zip(first_nine, range(10, 1, -1), strict=True))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:  # the Data Dictionary says such numbers are never issued
        return None
    return digit


def validate(raw: str) -> str:
    """Return the NHS number as ten digits, or raise InvalidNHSNumber with a message a
    member of practice staff can act on."""
    number = normalise(raw)
    if not number:
        raise InvalidNHSNumber("Enter the NHS number")
    if not number.isascii() or not number.isdigit():
        raise InvalidNHSNumber("NHS number must only include numbers, like 485 777 3456")
    if len(number) != 10:
        raise InvalidNHSNumber("NHS number must be 10 digits, like 485 777 3456")
    if check_digit(number[:9]) != int(number[9]):
        raise InvalidNHSNumber(
            "This is not a valid NHS number. Check the digits and try again"
        )
    return number


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except InvalidNHSNumber:
        return False
    return True
