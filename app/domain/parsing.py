"""Reading the cells of an import file: dates, CRNs, numbers, times and days.

Every parser is total: for any text it returns a value or raises
:class:`ParseError`, whose message is written for the person who made the
file ("'31/02/2026' is not a date"). Blank cells (nothing, spaces or ``N/A``)
read as ``None`` (SPEC.md 5). Coded values (RoSH, grades ...) are read by
:mod:`app.domain.coded`, column headers by :mod:`app.domain.columns`.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time
from typing import Literal, overload

MAX_SHOWN = 40
NO_END_DATE = date(9999, 12, 31)
"""NDelius writes 31/12/9999 for "no end date" (SPEC.md 5)."""
FIRST_YEAR, LAST_YEAR = 1900, 2100
"""Dates outside these years are no probation record's (except 31/12/9999)."""
TWO_DIGIT_YEAR_PIVOT = 70
"""Two-digit years 00-69 are 2000-2069, 70-99 are 1970-1999 (as Oracle's RR format)."""


class ParseError(ValueError):
    """A cell that cannot be read; the message is shown to the user as it is."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_OR_LINES = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, keep_lines: bool = True) -> str:
    """Text safe to print on a terminal: control characters (ESC, BEL, bidirectional
    overrides) are written as visible escapes such as ``\\x1b``, never sent raw.

    ``keep_lines``: line breaks and tabs stay as they are.
    """
    pattern = _CONTROL if keep_lines else _CONTROL_OR_LINES
    return pattern.sub(_escaped, text)


def has_control_characters(text: str) -> bool:
    return _CONTROL_OR_LINES.search(text) is not None


def show(value: object) -> str:
    """A cell's value quoted for a message, shortened when long, control characters escaped."""
    text = str(value)[: MAX_SHOWN * 4].strip()
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    return f"'{printable(text, keep_lines=False)}'"


def is_blank(value: object) -> bool:
    """True for None, empty text, only spaces, or ``N/A`` in any case (SPEC.md 5)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text == "" or text.casefold() == "n/a"


def normalise_key(text: str) -> str:
    """Text folded for matching names and codes: lower case, letters and digits only.

    Ignores case, spaces, underscores, hyphens and other punctuation (and a
    byte order mark), so ``Very-High``, ``very high`` and ``VERY_HIGH`` agree.
    """
    return "".join(ch for ch in text.casefold() if ch.isalnum() or ch == "%")


def clean_text(value: object) -> str | None:
    """Free text with its spaces tidied (runs of spaces made one), or None when blank."""
    if is_blank(value):
        return None
    return " ".join(str(value).split())


NAME_LENGTH = 100
"""The longest name, team or POD the store keeps (its columns hold 100 or 200 characters)."""


def parse_name(value: object) -> str | None:
    """A name: free text of at most :data:`NAME_LENGTH` characters, or None when blank.

    Control characters (ESC, BEL, bidirectional overrides) are refused: they
    have no place in a name and could rewrite a terminal or a report.
    """
    if isinstance(value, str) and len(value) > NAME_LENGTH * 10:
        raise ParseError(f"is {len(value):,} characters long: at most {NAME_LENGTH} fit")
    if isinstance(value, str) and has_control_characters(" ".join(value.split())):
        raise ParseError(
            "holds a control character (such as ESC or a text-direction override): "
            "names take letters, spaces and punctuation only"
        )
    text = clean_text(value)
    if text is not None and len(text) > NAME_LENGTH:
        raise ParseError(f"is {len(text):,} characters long: at most {NAME_LENGTH} fit")
    return text


# -- dates ------------------------------------------------------------------------------

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME_PART = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DMY = re.compile(rf"([0-9]{{1,2}})([/.-])([0-9]{{1,2}})\2([0-9]{{2,4}}){_TIME_PART}")
_ISO = re.compile(rf"([0-9]{{4}})-([0-9]{{1,2}})-([0-9]{{1,2}}){_TIME_PART}")
_DMONY = re.compile(
    rf"([0-9]{{1,2}})([ /-])([A-Za-z]{{3,9}})\.?\2([0-9]{{2}}|[0-9]{{4}}){_TIME_PART}"
)
_DATE_HINT = "use dd/mm/yyyy, e.g. 31/01/2026"


def _two_digit_year(year: int) -> int:
    return year + (2000 if year < TWO_DIGIT_YEAR_PIVOT else 1900)


def _make_date(text: str, year: int, month: int, day: int) -> date | None:
    """The date, None for the 'no end date' 31/12/9999, or a ParseError saying why not."""
    if not 1 <= year <= 9999:
        raise ParseError(f"{show(text)} is not a date: the year {year} is not possible")
    if not 1 <= month <= 12:
        raise ParseError(f"{show(text)} is not a date: there is no month {month}")
    try:
        found = date(year, month, day)
    except ValueError:
        month_name = _MONTH_NAMES[month - 1]
        raise ParseError(
            f"{show(text)} is not a date: there is no {day} {month_name} {year}"
        ) from None
    return _plausible(text, found)


def _plausible(text: object, found: date) -> date | None:
    """None for the "no end date" 31/12/9999; a date outside 1900-2100 is refused."""
    if found == NO_END_DATE:
        return None
    if not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise ParseError(
            f"{show(text)} is not a plausible date: dates from {FIRST_YEAR} to {LAST_YEAR} "
            "are read (31/12/9999 means no end date)"
        )
    return found


def _parse_date_text(text: str) -> date | None:
    if match := _ISO.fullmatch(text):
        return _make_date(text, int(match[1]), int(match[2]), int(match[3]))
    if match := _DMY.fullmatch(text):
        if len(match[4]) != 4:
            raise ParseError(f"{show(text)} is not a date: write the year in full, e.g. 31/01/2026")
        return _make_date(text, int(match[4]), int(match[3]), int(match[1]))
    if match := _DMONY.fullmatch(text):
        month = _MONTHS.get(match[3].casefold())
        if month is None:
            raise ParseError(f"{show(text)} is not a date: {show(match[3])} is not a month")
        year = int(match[4])
        year = _two_digit_year(year) if len(match[4]) == 2 else year
        return _make_date(text, year, month, int(match[1]))
    raise ParseError(f"{show(text)} is not a date: {_DATE_HINT}")


def parse_date(value: str | date | datetime | None) -> date | None:
    """A date from a cell: dd/mm/yyyy, d/m/yyyy, ISO yyyy-mm-dd, DD-MON-YY(YY) or an Excel date.

    ``31/12/9999`` (NDelius for "no end date") and blanks read as None; a time
    after the date (``2024-01-05 00:00:00``) is ignored. Two-digit years use
    the pivot 70: 05-JAN-24 is 2024, 05-JAN-75 is 1975 (SPEC.md 5).
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _plausible(format_date(value), value)
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise ParseError(f"{show(value)} is not a date: {_DATE_HINT}")
    return _parse_date_text(value.strip())


def format_date(value: date | None) -> str:
    """A date as the user reads it: dd/mm/yyyy, blank for None."""
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


# -- identifiers ------------------------------------------------------------------------

_CRN = re.compile(r"[A-Za-z][0-9]{6}")
_STAFF_CODE = re.compile(r"[A-Za-z0-9]{1,20}")


def parse_crn(text: str | None) -> str:
    """A case reference number: one letter then six digits, e.g. X123456 (SPEC.md 3)."""
    if is_blank(text):
        raise ParseError("The CRN is missing (one letter then six digits, e.g. X123456)")
    cleaned = str(text).strip()
    if not _CRN.fullmatch(cleaned):
        raise ParseError(f"{show(cleaned)} is not a CRN (one letter then six digits, e.g. X123456)")
    return cleaned.upper()


def parse_staff_code(text: str | None) -> str | None:
    """A staff code (NDelius ``OM_Key``): letters and digits, upper-cased; None when blank."""
    if is_blank(text):
        return None
    cleaned = str(text).strip()
    if not _STAFF_CODE.fullmatch(cleaned):
        raise ParseError(f"{show(cleaned)} is not a staff code (letters and digits, e.g. N07A123)")
    return cleaned.upper()


def is_unallocated_code(code: str) -> bool:
    """NDelius gives unallocated cases a staff code ending in ``U`` (SPEC.md 5)."""
    return code.strip().upper().endswith("U")


# -- numbers ------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")


def _number_from(value: str | float) -> float:
    if isinstance(value, bool):
        raise ParseError(f"{show(value)} is not a number")
    if isinstance(value, int | float):
        if math.isnan(value) or math.isinf(value):
            raise ParseError(f"{show(value)} is not a number")
        return float(value)
    text = value.strip()
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise ParseError(f"{show(value)} is not a number")
    return float(text)


@overload
def parse_number(
    value: str | float | None, *, minimum: float | None = None, allow_decimal: Literal[False]
) -> int | None: ...
@overload
def parse_number(
    value: str | float | None, *, minimum: float | None = None, allow_decimal: Literal[True] = True
) -> float | None: ...
def parse_number(
    value: str | float | None, *, minimum: float | None = None, allow_decimal: bool = True
) -> float | None:
    """A number from a cell (text or an Excel number); None when blank.

    With ``allow_decimal=False`` the number must be whole and is returned as
    an int. ``minimum=0`` refuses negative numbers (hours, places).
    """
    if value is None or is_blank(value):
        return None
    number = _number_from(value)
    if minimum is not None and number < minimum:
        if minimum == 0:
            raise ParseError(f"{show(value)} cannot be negative")
        raise ParseError(f"{show(value)} is less than the lowest allowed, {minimum:g}")
    if not allow_decimal:
        if not number.is_integer():
            raise ParseError(f"{show(value)} is not a whole number")
        return int(number)
    return number


def parse_percent(value: str | float | None) -> float | None:
    """A percentage from 0 to 100, with or without ``%`` (``7.5`` or ``7.5%``); None when blank."""
    if value is None or is_blank(value):
        return None
    if isinstance(value, str):
        value = value.strip().removesuffix("%")
        if value == "":
            raise ParseError("'%' is not a percentage")
    number = parse_number(value)
    if number is not None and not 0 <= number <= 100:
        raise ParseError(f"{show(value)} is not a percentage from 0 to 100")
    return number


# -- times and days ----------------------------------------------------------------------

_TIME = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))?(?::([0-9]{2}))?\s*([ap]\.?m\.?)?", re.I)
_TIME_DIGITS = re.compile(r"([0-9]{2})([0-9]{2})")
_TIME_HINT = "use the 24-hour clock, e.g. 09:00 or 17:30"


def _time_from_match(text: str, hour: int, minute: int, second: int, meridiem: str) -> time:
    if meridiem:
        if not 1 <= hour <= 12:
            raise ParseError(f"{show(text)} is not a time: {_TIME_HINT}")
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ParseError(f"{show(text)} is not a time: {_TIME_HINT}")
    return time(hour, minute, second)


def parse_time(value: str | time | datetime | None) -> time | None:
    """A time of day: ``09:00``, ``9.30``, ``0930``, ``5:30pm`` or an Excel time; blank None."""
    if isinstance(value, datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, time):
        return value.replace(microsecond=0, tzinfo=None)
    if value is None or is_blank(value):
        return None
    text = str(value).strip()
    if match := _TIME_DIGITS.fullmatch(text):
        return _time_from_match(text, int(match[1]), int(match[2]), 0, "")
    match = _TIME.fullmatch(text)
    if match is None or (match[2] is None and match[4] is None):
        raise ParseError(f"{show(text)} is not a time: {_TIME_HINT}")
    meridiem = (match[4] or "").casefold()
    minute, second = int(match[2] or 0), int(match[3] or 0)
    return _time_from_match(text, int(match[1]), minute, second, meridiem)


_DAY_NAMES = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)
_DAYS = {name: number for number, names in enumerate(_DAY_NAMES) for name in names}
_DAY_GROUPS = {
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
    "daily": frozenset(range(7)),
}
_DAY_HINT = "use day names such as Sat,Sun or Mon-Fri"


def _day(text: str, whole: str) -> int:
    number = _DAYS.get(normalise_key(text))
    if number is None:
        raise ParseError(f"{show(text)} in {show(whole)} is not a day: {_DAY_HINT}")
    return number


def _days_of(token: str, whole: str) -> frozenset[int]:
    group = _DAY_GROUPS.get(normalise_key(token))
    if group is not None:
        return group
    if "-" not in token:
        return frozenset({_day(token, whole)})
    first_text, _, last_text = token.partition("-")
    first, last = _day(first_text, whole), _day(last_text, whole)
    span = (last - first) % 7
    return frozenset((first + i) % 7 for i in range(span + 1))


def parse_days(value: str | None) -> frozenset[int]:
    """Days of the week, Monday 0 to Sunday 6 (as ``date.weekday()``); empty when blank.

    Accepts ``Sat,Sun``, ``Mon;Wed``, ``Monday Friday``, ranges ``Mon-Fri``,
    ``weekdays``, ``weekends`` and ``daily``.
    """
    if value is None or is_blank(value):
        return frozenset()
    text = re.sub(r"\s*(?:[-–—]|\bto\b)\s*", "-", str(value).strip(), flags=re.I)
    days: set[int] = set()
    for token in re.split(r"[,;/|&+\s]+", text):
        if token and normalise_key(token) != "and":
            days |= _days_of(token, str(value))
    if not days:
        raise ParseError(f"{show(value)} names no days: {_DAY_HINT}")
    return frozenset(days)
