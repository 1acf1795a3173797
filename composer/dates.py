"""Dates as a newsroom writes them: "Nov. 9, 2017" (AP style) and "November 9th".

Patterns use {placeholders} so that a publication can set its own title and date line
without a template change. Month names are English; other languages need their own names.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from datetime import date

from .limits import MAX_FORMAT_WIDTH

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


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# A format spec composer accepts after a placeholder's ':' (Python's mini-language without nested
# fields): fill and alignment, sign, '#', '0', width, grouping, precision, type.
_SPEC = re.compile(
    r"(?:(?P<fill>[^{}])?(?P<align>[<>=^]))?[-+ ]?z?#?0?(?P<width>\d+)?[_,]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?"
)
SAMPLE_DAY = date(2017, 11, 9)


def check_pattern(pattern: str, samples: Mapping[str, object] | None = None) -> str:
    """Raise ValueError, in an editor's words, unless ``pattern`` fills cleanly from ``samples`` (by
    default the date placeholders): known names only, no '!' conversions, no '{name.attribute}' or
    '{name[0]}', and specs whose width and precision stay small (limits.MAX_FORMAT_WIDTH), so that
    no pattern can take minutes or gigabytes to fill."""
    values = samples if samples is not None else _date_values(SAMPLE_DAY, "The Daily")
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(pattern)]
    except ValueError as error:
        raise ValueError(f"{error} (write {{{{ and }}}} for a literal brace)") from None
    for name, spec, conversion in fields:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name not in values:
            listed = ", ".join("{" + each + "}" for each in values)
            raise ValueError(f"unknown placeholder {shown}; use {listed}")
        if conversion:
            raise ValueError(f"{shown}: a '!' conversion is not allowed; write {{{name}}}")
        if spec:
            checked = _SPEC.fullmatch(spec)
            if checked is None:
                raise ValueError(f"{shown}: '{spec}' is not a format composer accepts; write {{{name}}}")
            for part in ("width", "precision"):
                if int(checked.group(part) or 0) > MAX_FORMAT_WIDTH:
                    raise ValueError(
                        f"{shown}: a {part} of {checked.group(part)} is more than {MAX_FORMAT_WIDTH}; "
                        f"write a small number, e.g. {{{name}:02}}"
                    )
            try:
                ("{" + name + ":" + spec + "}").format(**values)
            except (ValueError, TypeError):
                kind = "a number" if isinstance(values[name], int) else "text"
                raise ValueError(
                    f"{shown}: ':{spec}' does not suit {{{name}}}, which is {kind}; write {{{name}}}"
                ) from None
    return pattern


def fill(pattern: str, day: date, name: str = "") -> str:
    """``pattern`` (checked by check_pattern) with the placeholders of ``day`` and the publication's ``name``."""
    return pattern.format(**_date_values(day, name))


def _date_values(day: date, name: str) -> dict[str, object]:
    return {
        "name": name,
        "year": day.year,
        "month": MONTHS[day.month - 1],
        "month_ap": AP_MONTHS[day.month - 1],
        "month_number": day.month,
        "day": day.day,
        "day_ordinal": ordinal(day.day),
        "weekday": WEEKDAYS[day.weekday()],
        "iso": day.isoformat(),
    }
