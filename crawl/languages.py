"""Language and country codes as the names pages usually give ("en" -> "English", "US" -> "United States").

Names come from the CLDR data that babel ships, so one film reads the same whether its
page says ``inLanguage: "en"`` or ``"English"``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

LANGUAGE_CODE_RE = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z]{2,4})?$")
COUNTRY_CODE_RE = re.compile(r"^[A-Z]{2}$")


@lru_cache(maxsize=1)
def _english() -> Locale:
    return Locale("en")


def language_name(value: str) -> str:
    """The English name of a BCP 47 code; any other value unchanged."""
    match = LANGUAGE_CODE_RE.match(value)
    if not match:
        return value
    try:
        return Locale.parse(match.group(1)).get_display_name("en") or value
    except (UnknownLocaleError, ValueError):
        return value


def country_name(value: str) -> str:
    """The English name of an ISO 3166 alpha-2 code; any other value unchanged."""
    if COUNTRY_CODE_RE.match(value):
        return _english().territories.get(value, value)
    return value
