"""The evaluation documents hold what the crawl keeps of a film article: every plot- and cast-
headed section, subsections included (``crawl.wiki_article`` keeps them too)."""

from __future__ import annotations

from pathlib import Path

from extract.gold import parse_film

ARTICLE = """<mediawiki><page><title>Harbour Lights (1987 film)</title><revision><text>{{Infobox film
| name = Harbour Lights
| director = [[Elena Voss]]
| starring = {{plainlist|
* [[Tomas Berg]]
* [[Ines Duarte]]
}}
}}
'''Harbour Lights''' is a 1987 Portuguese drama film.

== Synopsis ==
A fisherman's daughter runs the lighthouse after her father falls ill.

== Voice cast ==
=== Main ===
* Tomas Berg as Rui
* Ines Duarte as Marta
=== Supporting ===
* Paulo Reis as the harbour master

== Reception ==
Critics written about by nobody.
</text></revision></page></mediawiki>
"""


def test_synopsis_and_cast_subsections_are_read_and_other_sections_are_not(tmp_path: Path) -> None:
    path = tmp_path / "Harbour Lights (1987 film).xml"
    path.write_text(ARTICLE, encoding="utf-8")
    film = parse_film(path)
    assert film is not None
    assert "runs the lighthouse" in film.text and "Critics" not in film.text
    assert film.cast.splitlines() == ["Tomas Berg as Rui", "Ines Duarte as Marta", "Paulo Reis as the harbour master"]
    assert film.gold_names("starring") == ("Tomas Berg", "Ines Duarte")


def test_a_based_on_field_written_as_title_by_author_is_the_title(tmp_path: Path) -> None:
    """The infobox gives the source as {{based on|Title|Author}} or as free text "''Title'' by Author";
    both are the work Title (the author is no source work)."""
    for field in ("{{based on|''Adhobha''|Mahasweta Devi}}", "''Adhobha'' by Mahasweta Devi"):
        path = tmp_path / "Harbour Lights (1987 film).xml"
        path.write_text(ARTICLE.replace("| director =", f"| based_on = {field}\n| director ="), encoding="utf-8")
        film = parse_film(path)
        assert film is not None and film.gold_names("based_on") == ("Adhobha",)
