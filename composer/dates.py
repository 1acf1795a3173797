"""Dates as a newsroom writes them: "Nov. 9, 2017" (AP style) and "November 9th".

Patterns use {placeholders} so that a publication can set its own title and date line
without a template change. Month names are English; other languages need their own names.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from datetime import date

MONTHS = [
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
]
# The Associated Press abbreviates these months before a day and spells out the rest.
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

PLACEHOLDERS = {
    "name": "the publication's name",
    "year": "2017",
    "month": "November",
    "month_ap": "Nov.",
    "month_number": "11",
    "day": "9",
    "day_ordinal": "9th",
    "weekday": "Thursday",
    "iso": "2017-11-09",
}


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def check_pattern(pattern: str, known: Iterable[str] = PLACEHOLDERS) -> str:
    """Raise ValueError naming any {placeholder} of ``pattern`` that is not in ``known``."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as error:
        raise ValueError(f"{error} (write {{{{ and }}}} for a literal brace)") from None
    for name in names:
        if name not in known:
            listed = ", ".join("{" + each + "}" for each in known)
            raise ValueError(f"unknown placeholder {{{name}}}; use {listed}")
    return pattern


def fill(pattern: str, day: date, name: str = "") -> str:
    return pattern.format(
        name=name,
        year=day.year,
        month=MONTHS[day.month - 1],
        month_ap=AP_MONTHS[day.month - 1],
        month_number=day.month,
        day=day.day,
        day_ordinal=ordinal(day.day),
        weekday=WEEKDAYS[day.weekday()],
        iso=day.isoformat(),
    )
