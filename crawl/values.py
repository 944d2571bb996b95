"""Clean and type-check the values pages give, whatever markup they came in.

Real markup puts URLs, numbers and escaped HTML where a name belongs; a value that cannot
name a thing is refused with a reason (the caller records it) instead of becoming an entity.
"""

from __future__ import annotations

import html
import re
from typing import Any

SPACES_RE = re.compile(r"\s+")
TAG_RE = re.compile(r"<[^>]{0,500}>")
URL_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//|^(?:https?|ftp|mailto):|^/[^\s]*$|^www\.", re.IGNORECASE)
LETTER_RE = re.compile(r"[^\W\d_]")
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
TITLE_YEAR_RE = re.compile(r"\((?:[^()]*?\b)?(1[89]\d\d|20\d\d)(?:\b[^()]*)?\)")
ISO_DURATION_RE = re.compile(r"^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$", re.IGNORECASE)
MINUTES_RE = re.compile(r"(\d+)\s*(?:min|minutes|mins|minuten|minutos|minuti|minuut|minuter|minut|dakika|мин|分钟|分鐘|分|분)",
                        re.IGNORECASE)
HOURS_MINUTES_RE = re.compile(r"(\d+)\s*(?:h(?:ours?|rs?)?|godz\.?|ч\.?|時間|小时|小時|시간)\s*(\d+)\s*(?:m|мин|分|분)", re.IGNORECASE)
MAX_NAME_CHARS = 120


class ValueRejected(ValueError):
    """A value that cannot stand for what the field expects; the message is the reason."""


def clean_text(value: Any) -> str:
    """Entities decoded (twice-escaped ones too), tags dropped, whitespace collapsed."""
    text = str(value)
    for _ in range(2):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return SPACES_RE.sub(" ", TAG_RE.sub(" ", text)).strip()


def checked_name(value: Any) -> str:
    """A value that names a thing (person, company, genre, …), or ``ValueRejected``."""
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise ValueRejected(f"a number ({value!r}) where a name is expected")
    if not isinstance(value, str):
        raise ValueRejected(f"a {type(value).__name__} where a name is expected")
    name = clean_text(value)
    if not name:
        raise ValueRejected("an empty name")
    if URL_RE.search(name):
        raise ValueRejected(f"a URL ({name[:80]!r}) where a name is expected")
    if not LETTER_RE.search(name):
        raise ValueRejected(f"no letters in {name[:80]!r}, where a name is expected")
    if len(name) > MAX_NAME_CHARS:
        raise ValueRejected(f"a {len(name)}-character text where a name is expected")
    return name


def year_of(value: Any) -> int | None:
    """The first plausible year (1880-2099) in a date or text, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1880 <= value <= 2099 else None
    if not isinstance(value, str):
        return None
    match = YEAR_RE.search(value)
    return int(match.group(1)) if match else None


def year_in_title(title: str | None) -> int | None:
    """The year a title carries in parentheses: "Heat (1995)", "Heat (1995 film)"."""
    match = TITLE_YEAR_RE.search(title or "")
    return int(match.group(1)) if match else None


def title_without_year(title: str) -> str:
    """ "Toy Story (1995)" -> "Toy Story"; other parentheses stay."""
    return SPACES_RE.sub(" ", TITLE_YEAR_RE.sub("", title)).strip(" -–|") or title


def minutes_of(value: Any) -> int | None:
    """Running time in minutes from ISO 8601 (``PT1H21M``), "81 min", "1h 21m" or a number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if 0 < value < 2000 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if match := ISO_DURATION_RE.match(text):
        days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        total = days * 1440 + hours * 60 + minutes + seconds // 60
        return total or None
    if match := HOURS_MINUTES_RE.search(text):
        return int(match.group(1)) * 60 + int(match.group(2))
    if match := MINUTES_RE.search(text):
        return int(match.group(1))
    return None


def number_of(value: Any) -> float | None:
    """A number from a number or a numeric string ("7.8", "1,234"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None
