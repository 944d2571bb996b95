"""Countries and languages written in other languages or as codes resolve to one node each."""

from __future__ import annotations

from mmkg.place_names import canonical_country, canonical_language
from extract.resolver import EntityResolver


def test_country_spellings_of_many_sites_are_one_entity() -> None:
    resolver = EntityResolver()
    ids = {resolver.register("Country", name, f"m{i}") for i, name in
           enumerate(["Germany", "Deutschland", "Allemagne", "德国", "DE"])}
    assert len(ids) == 1 and resolver.name_of(ids.pop()) == "Germany"
    usa = {resolver.register("Country", name) for name in ["United States", "USA", "U.S.", "Estados Unidos", "美国"]}
    assert len(usa) == 1
    assert resolver.resolve("Country", "Vereinigte Staaten") in usa


def test_language_spellings_and_codes_are_one_entity_and_unknown_names_stay_as_written() -> None:
    resolver = EntityResolver()
    english = {resolver.register("Language", name) for name in ["English", "Englisch", "anglais", "en", "英语"]}
    assert len(english) == 1 and resolver.name_of(english.pop()) == "English"
    assert canonical_language("Griechisch") == canonical_language("el") == "Greek"
    assert canonical_country("Atlantis") == "Atlantis" and canonical_language("Elvish") == "Elvish"
    assert canonical_language("pt-BR") == "Portuguese" and canonical_language("zh_Hant") == "Chinese" and canonical_language("en_US") == "English"


def test_historic_countries_and_film_reader_names() -> None:
    assert canonical_country("USSR") == canonical_country("СССР") == "Soviet Union"
    assert canonical_country("Korea, Republic of") == canonical_country("대한민국") == "South Korea"
    assert canonical_country("Czechia") == "Czech Republic"  # the spelling of extract/lead_facts.py's demonyms
    assert canonical_country("world") == "world"  # a CLDR region is no country


def test_people_are_not_canonicalised_as_places() -> None:
    resolver = EntityResolver()
    assert resolver.name_of(resolver.register("Person", "India")) == "India"
