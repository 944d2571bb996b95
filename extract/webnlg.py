"""A second, non-Wikipedia evaluation set: the Film entries of the WebNLG 3.0 (2020) test data.

WebNLG pairs DBpedia triples with crowd-written texts that say exactly those triples, so its gold
is complete for its text (unlike an infobox, which lists more than the lead says and fewer
stars than the cast section). The committed sample ``extract/data/webnlg_film/films.json`` keeps,
per entry, its first English text and the triples whose subject is the entry's one film and whose
property maps to an ontology relation (``PROPERTIES``); entries about two films are left out.
Licence and attribution: ``extract/data/webnlg_film/README.md``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from extract.gold import FilmArticle
from extract.relations import (
    CINEMATOGRAPHY_BY, DIRECTED_BY, DISTRIBUTED_BY, EDITED_BY, IN_LANGUAGE, MUSIC_BY, PRODUCED_BY, PRODUCED_IN,
    STARRING, WRITTEN_BY,
)

SAMPLE_PATH = Path(__file__).parent / "data" / "webnlg_film" / "films.json"
DBPEDIA_BASE = "http://dbpedia.org/resource/"
PROPERTIES = {
    "director": DIRECTED_BY, "starring": STARRING, "writer": WRITTEN_BY, "producer": PRODUCED_BY,
    "musicComposer": MUSIC_BY, "cinematography": CINEMATOGRAPHY_BY, "editing": EDITED_BY, "editor": EDITED_BY,
    "distributor": DISTRIBUTED_BY, "country": PRODUCED_IN, "language": IN_LANGUAGE,
}


def _name(resource: str) -> str:
    """DBpedia resource -> plain name: "Tom_Sizemore" -> "Tom Sizemore", quotes dropped."""
    return re.sub(r"\s+", " ", resource.strip().strip('"').replace("_", " ")).strip()


def sample_from_xml(xml_text: str) -> list[dict]:
    """The sample rows of one WebNLG file (``semantic-parsing-test-data-with-refs-en.xml``)."""
    rows = []
    for entry in ET.fromstring(xml_text).iter("entry"):
        if entry.get("category") != "Film":
            continue
        triples = [t.text.split(" | ") for t in entry.find("modifiedtripleset") or () if t.text]
        mapped = [(s, PROPERTIES[p], o) for s, p, o in triples if p in PROPERTIES]
        films = {s for s, _, _ in mapped}
        lex = next((x.text for x in entry.iter("lex") if x.get("lang", "en") == "en" and x.text), None)
        if len(films) != 1 or lex is None:
            continue
        film = films.pop()
        gold: dict[str, list[str]] = {}
        for _, relation, obj in mapped:
            gold.setdefault(relation, []).append(_name(obj))
        rows.append({"eid": entry.get("eid"), "film": film, "text": lex.strip(), "gold": gold})
    return rows


def load_sample(path: Path = SAMPLE_PATH) -> list[FilmArticle]:
    """The committed sample as film articles (text only; gold used only to score)."""
    rows = json.loads(path.read_text(encoding="utf-8"))["entries"]
    return [
        FilmArticle(movie_id=f"webnlg-{row['eid'].lower()}", title=re.sub(r"\s*\([^)]*\)$", "", _name(row["film"])), url=DBPEDIA_BASE + row["film"],
                    year=None, text=row["text"],
                    gold=tuple((relation, tuple(dict.fromkeys(names))) for relation, names in sorted(row["gold"].items())))
        for row in rows
    ]
