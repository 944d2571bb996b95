"""Countries and languages under one name, whatever language or code a page writes them in.

Shared by the crawl (a page's ``inLanguage: "en"`` is stored as English) and entity
resolution (every spelling the text and the fields use is one node).

Sites in many languages state the same facts: "Deutschland", "Allemagne", "德国", "DE" and
"Germany" are one country, "Englisch", "anglais", "en" and "English" one language, so each
is one node of the graph. The names are CLDR's (through Babel) in English and in the
languages the crawl reads, plus the historic countries of old films and the everyday names
and codes sites use ("USA", "UK", "USSR"). A value that is none of them is kept as written.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale

# A BCP 47 tag with a region or script ("pt-BR", "zh_Hant"): its language is the part before.
LANGUAGE_TAG_RE = re.compile(r"^([a-z]{2,3})[-_][A-Za-z]{2,4}$")
# The languages of crawl/fact_labels.toml.
LOCALES = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "sv", "tr", "zh", "zh_Hant", "ja", "ko")
# The English name a film reader expects where CLDR's differs ("Czechia", "Hong Kong SAR China"):
# the same spellings as the demonyms of extract/lead_facts.py. Codes with no CLDR name are historic.
COUNTRY_DISPLAY = {
    "CZ": "Czech Republic", "TR": "Turkey", "HK": "Hong Kong", "MO": "Macau", "PS": "Palestine",
    "SU": "Soviet Union", "DD": "East Germany", "YU": "Yugoslavia", "CS": "Czechoslovakia", "MM": "Myanmar",
    "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo", "CI": "Ivory Coast",
}
# The English name of a language where CLDR's is not the one film credits use.
LANGUAGE_DISPLAY = {"bn": "Bengali"}
COUNTRY_ALIASES = {
    "USA": "US", "U.S.": "US", "U.S.A.": "US", "United States of America": "US", "America": "US",
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "Czechia": "CZ", "Türkiye": "TR", "Republic of Korea": "KR", "Korea, Republic of": "KR",
    "Russian Federation": "RU", "Holland": "NL", "USSR": "SU", "Soviet Union": "SU", "СССР": "SU", "Sowjetunion": "SU",
    "Union soviétique": "SU", "Unión Soviética": "SU", "苏联": "SU", "ソビエト連邦": "SU", "East Germany": "DD",
    "Burma": "MM", "GDR": "DD", "DDR": "DD", "Yugoslavia": "YU", "Jugoslawien": "YU", "Czechoslovakia": "CS", "Tschechoslowakei": "CS",
}
LANGUAGE_ALIASES = {"Farsi": "fa", "Castilian": "es", "Flemish": "nl", "Mandarin Chinese": "zh"}
# Region-like codes CLDR names beside the countries ("world", "European Union", "Latin America").
NOT_COUNTRIES = frozenset({"001", "002", "003", "005", "009", "011", "013", "014", "015", "017", "018", "019", "021",
                           "029", "030", "034", "035", "039", "053", "054", "057", "061", "142", "143", "145", "150",
                           "151", "154", "155", "202", "419", "EU", "EZ", "UN", "QO", "ZZ"})


def canonical_country(value: str) -> str:
    """The country's one name ("Deutschland" -> "Germany"), or ``value`` when it names none."""
    return _countries().get(_key(value), value)


def canonical_language(value: str) -> str:
    """The language's one name ("Englisch", "en", "pt-BR" -> "English", …), or ``value`` when it names none."""
    tagged = LANGUAGE_TAG_RE.match(value.strip())
    return _languages().get(_key(value)) or (tagged and _languages().get(tagged.group(1))) or value


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


@functools.cache
def _countries() -> dict[str, str]:
    english = Locale("en").territories
    display = {code: COUNTRY_DISPLAY.get(code, name.replace(" & ", " and ").replace("St. ", "Saint "))
               for code, name in english.items() if code not in NOT_COUNTRIES and not code.isdigit()}
    display.update({code: name for code, name in COUNTRY_DISPLAY.items() if code not in display})
    names = {_key(code): name for code, name in display.items()}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if code in display:
                names.setdefault(_key(name), display[code])
    names.update({_key(alias): display[code] for alias, code in COUNTRY_ALIASES.items()})
    names.update({_key(name): name for name in display.values()})
    return names


@functools.cache
def _languages() -> dict[str, str]:
    # Base languages only: "American English" and "Traditional Chinese" are English and Chinese here.
    english = {code: LANGUAGE_DISPLAY.get(code, name) for code, name in Locale("en").languages.items() if "_" not in code}
    names = {_key(code): name for code, name in english.items()}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).languages.items():
            if code in english:
                names.setdefault(_key(name), english[code])
    names.update({_key(alias): english[code] for alias, code in LANGUAGE_ALIASES.items()})
    names.update({_key(name): name for name in english.values()})
    return names
