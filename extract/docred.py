"""A tuning set of real film leads: the film documents of Re-DocRED (revised DocRED).

DocRED annotates relations over Wikipedia lead sections (with Wikidata relation ids); Re-DocRED
re-annotated its documents so that the relations the text states are (nearly) all labelled. Its
film leads are real, varied Wikipedia prose - the kind of text the extractor meets - with gold
for what the text says, unlike an infobox. The committed sample
``extract/data/docred_film/films.json`` keeps, per film document, the detokenised text and the
relations whose head is the document's film and whose Wikidata property maps to an ontology
relation (``PROPERTIES``); each tail is named by its longest mention (a one-word one by the one longer
name of the document ending with it, where DocRED split a person in two). Films that are also in the
Wikipedia evaluation articles are left out. It is a *tuning* set (rules may be tuned on it),
reported apart from the blind test half. Licence and attribution:
``extract/data/docred_film/README.md``.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable
from pathlib import Path

from extract.gold import WIKI_BASE_URL, FilmArticle, parse_film
from extract.relations import (
    CINEMATOGRAPHY_BY, DIRECTED_BY, DISTRIBUTED_BY, EDITED_BY, MADE_BY, MUSIC_BY, PRODUCED_BY, STARRING, WRITTEN_BY,
)

SAMPLE_PATH = Path(__file__).parent / "data" / "docred_film" / "films.json"
PREFIX = "docred-"
LICENCE = "text: CC BY-SA 3.0 (English Wikipedia contributors); annotations: MIT (DocRED, Re-DocRED)"
PROPERTIES = {  # Wikidata property -> ontology relation (country / language mentions are demonyms: left out)
    "P57": DIRECTED_BY, "P58": WRITTEN_BY, "P161": STARRING, "P162": PRODUCED_BY, "P86": MUSIC_BY,
    "P344": CINEMATOGRAPHY_BY, "P1040": EDITED_BY, "P272": MADE_BY, "P750": DISTRIBUTED_BY,
}
_NO_SPACE_BEFORE = {".", ",", ";", ":", "!", "?", ")", "]", "%", "'s", "'", "n't", "’s", "’", "-"}
_NO_SPACE_AFTER = {"(", "[", "$", "-"}
_FILM = re.compile(r"\bfilm\b", re.I)
_FILM_TITLE = re.compile(r"\((?:[^)]* )?film\)$")  # "(film)", "(1994 film)"; not "(film series)"


def detokenise(tokens: Iterable[str]) -> str:
    """DocRED's tokens back to plain text ("Robeson 's film ( 1936 )" -> "Robeson's film (1936)")."""
    out: list[str] = []
    previous = ""
    quote_open = False  # inside "...": the token after the opening quote and the closing one glue
    for token in tokens:
        glue = not out or token in _NO_SPACE_BEFORE or previous in _NO_SPACE_AFTER or (previous == '"' and quote_open)
        if token == '"':
            glue = glue or quote_open
            quote_open = not quote_open
        out.append(token if glue else " " + token)
        previous = token
    return "".join(out)


def _longest(mentions: list[dict]) -> str:
    return max((detokenise(m["name"].split()) for m in mentions), key=len)


def _full_name(name: str, names: list[str]) -> str:
    """A one-word tail ("Huyck": DocRED sometimes splits one person into two entities) named by
    the one longer entity name of the document that ends with it ("Willard Huyck")."""
    if len(name.split()) > 1:
        return name
    longer = {n for n in names if len(n.split()) > 1 and n.split()[-1] == name}
    return longer.pop() if len(longer) == 1 else name


def _film_entities(doc: dict) -> set[int]:
    """The document's own film: the entity named by the title (disambiguator dropped) or opening
    the first sentence ("Ocean Waves, also known as ..., is a 1993 ... film")."""
    title = re.sub(r"\s*\([^)]*\)$", "", doc["title"]).casefold()
    return {i for i, vertex in enumerate(doc["vertexSet"])
            if any(detokenise(m["name"].split()).casefold() == title or (m["sent_id"] == 0 and m["pos"][0] <= 1)
                   for m in vertex)}


def sample_from_docs(docs: Iterable[dict], skip_titles: set[str] = frozenset()) -> list[dict]:
    """The sample rows of Re-DocRED documents: film leads (the title entity is a film whose
    first sentence says "film", or whose title says "(film)": DocRED cuts a sentence at a title's
    "?") that state at least one person credit of that film."""
    rows = []
    for doc in docs:
        title = doc["title"]
        first = " ".join(doc["sents"][0]) if doc["sents"] else ""
        if title.casefold() in skip_titles or not (_FILM.search(first) or _FILM_TITLE.search(title)):
            continue
        heads = _film_entities(doc)
        names = [_longest(vertex) for vertex in doc["vertexSet"]]
        gold: dict[str, list[str]] = {}
        for label in doc["labels"]:
            if label["h"] in heads and label["r"] in PROPERTIES:
                gold.setdefault(PROPERTIES[label["r"]], []).append(_full_name(names[label["t"]], names))
        if not any(r in gold for r in (DIRECTED_BY, WRITTEN_BY, STARRING)):
            continue
        text = " ".join(detokenise(sent) for sent in doc["sents"])
        rows.append({"title": title, "text": text,
                     "gold": {r: list(dict.fromkeys(names)) for r, names in sorted(gold.items())}})
    return rows


def evaluation_titles(films_dir: Path) -> set[str]:
    """The casefolded titles (with and without their "(film)" disambiguator) of the Wikipedia
    evaluation articles, which the tuning sample must not contain."""
    films = [f for f in (parse_film(p) for p in sorted(films_dir.glob("*.xml"))) if f is not None]
    return {f.title.casefold() for f in films} | {f.url.rsplit("/", 1)[-1].replace("_", " ").casefold() for f in films}


def write_sample(split_files: Iterable[Path], films_dir: Path, source: str, path: Path = SAMPLE_PATH) -> int:
    """Rebuild the committed sample from Re-DocRED split files (``data/<split>_revised.json``),
    the evaluation articles of ``films_dir`` left out; ``source`` names the splits and commit."""
    docs = [doc for split in split_files for doc in json.loads(split.read_text(encoding="utf-8"))]
    rows = sample_from_docs(docs, evaluation_titles(films_dir))
    sample = {"source": source, "licence": LICENCE, "documents": rows}
    path.write_text(json.dumps(sample, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    """``python -m extract.docred --films-dir DIR --source TEXT SPLIT.json ...`` (see the sample's README)."""
    parser = argparse.ArgumentParser(description="rebuild the Re-DocRED film-lead tuning sample")
    parser.add_argument("splits", nargs="+", type=Path, help="Re-DocRED data/<split>_revised.json files")
    parser.add_argument("--films-dir", type=Path, required=True, help="the Wikipedia evaluation articles")
    parser.add_argument("--source", required=True, help='e.g. "Re-DocRED data/dev_revised.json (..., commit ccfb54f)"')
    parser.add_argument("--out", type=Path, default=SAMPLE_PATH, help="where to write (default: the committed sample)")
    args = parser.parse_args(argv)
    print(f"{write_sample(args.splits, args.films_dir, args.source, args.out)} film documents written to {args.out}")
    return 0


def load_sample(path: Path = SAMPLE_PATH) -> list[FilmArticle]:
    """The committed sample as film articles (text only; gold used only to score)."""
    rows = json.loads(path.read_text(encoding="utf-8"))["documents"]
    return [
        FilmArticle(movie_id=PREFIX + re.sub(r"[^0-9a-z]+", "-", row["title"].casefold()).strip("-"),
                    title=re.sub(r"\s*\([^)]*\)$", "", row["title"]), url=WIKI_BASE_URL + row["title"].replace(" ", "_"),
                    year=None, text=row["text"],
                    gold=tuple((relation, tuple(names)) for relation, names in sorted(row["gold"].items())))
        for row in rows
    ]


if __name__ == "__main__":
    raise SystemExit(main())
