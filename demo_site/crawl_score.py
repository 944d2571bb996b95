"""Score a crawl of the embedded site against its manifest, per site style.

For each film page the manifest knows what the page states (its title, the year and the
facts of its style); the crawl's feed says what was read from that page. A page is *found* when the crawl
made a record of it; a field is *right* when the value read equals the data's (for fact
lists: each name read that the data has; names read that the data lacks count as wrong).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from crawl.urls import canonical_url
from demo_site.config import SiteManifest
from mmkg.place_names import canonical_country, canonical_language


@dataclass
class StyleScore:
    pages: int = 0
    found: int = 0
    fields_expected: int = 0
    fields_right: int = 0
    fields_wrong: int = 0


def score_crawl(manifest: SiteManifest, feed_path: Path, base_url: str) -> dict[str, StyleScore]:
    """Per style: film pages served and found, fields expected, right and wrong."""
    records: dict[str, dict] = {}
    attributes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for line in Path(feed_path).read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["item_type"] == "movie":
            records[item["url"]] = item
        elif item["item_type"] == "attribute":
            attributes[item["source_url"]].add((item["attribute"], item["value"]))
    hidden = set(manifest.fault_paths("challenge"))
    films = {m["movie_id"]: {**m, "facts": canonical_facts(m["facts"])} for m in manifest.movies}
    scores: dict[str, StyleScore] = defaultdict(StyleScore)
    for page in manifest.film_pages:
        if page["path"] in hidden:
            continue
        film, score = films[page["movie_id"]], scores[page["style"]]
        shown = next(p for p in film["pages"] if p["path"] == page["path"])
        url = canonical_url(base_url + page["path"])
        record = records.get(url)
        score.pages += 1
        expected = {(a, name) for a in shown["fields"] for name in film["facts"].get(a, [])}
        score.fields_expected += 2 + len(expected)
        if record is None:
            continue
        score.found += 1
        score.fields_right += (record["title"] == shown["title"]) + (record["year"] == film["year"])
        read = attributes.get(url, set())
        known = {(a, name) for a, names in film["facts"].items() for name in names}
        score.fields_right += len(read & expected)
        score.fields_wrong += len(read - known) + (record["title"] != shown["title"]) + (record["year"] != film["year"])
    return dict(sorted(scores.items()))


def canonical_facts(facts: dict[str, list[str]]) -> dict[str, list[str]]:
    """The data's facts as the crawl stores them: countries and languages under one name ("USA" -> "United States")."""
    canonical = {"countryOfOrigin": canonical_country, "inLanguage": canonical_language}
    return {a: [canonical[a](n) for n in names] if a in canonical else names for a, names in facts.items()}


def format_scores(scores: dict[str, StyleScore]) -> str:
    """A markdown table of the scores."""
    lines = ["| style | film pages found / served | fields right / expected | wrong values |", "|---|---|---|---|"]
    for style, s in scores.items():
        lines.append(f"| {style} | {s.found} / {s.pages} | {s.fields_right} / {s.fields_expected} | {s.fields_wrong} |")
    return "\n".join(lines)
