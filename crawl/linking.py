"""Merge the records of all pages into items and link each item to the MovieLens ratings.

Records are one film when they share a page record id, an IMDb, TMDb or MovieLens id, when
one names the other as its article or as its version in another language (``hreflang``), or
when their normalised title and year are equal and no id says otherwise. An item is then linked to MovieLens by, in this order:

1. ``movielens``: a MovieLens id the page gives (``sameAs`` or a link);
2. ``imdb`` / ``tmdb``: the IMDb or TMDb id through ``links.csv``;
3. ``title-year``: the normalised title (see ``crawl.identity.normalised_title``; also the
   MovieLens alternative titles in parentheses and "a.k.a." names) and the same year, else
   a year off by one; used only when exactly one MovieLens movie matches (films only, not
   TV). More than one match is recorded as ambiguous and not linked.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from crawl.fields import method_rank
from crawl.identity import ExternalIds, item_id, normalised_title

ML_TITLE_RE = re.compile(r"^(.*?)\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")
PARENTHESES_RE = re.compile(r"\s*\(([^()]*)\)")
AKA_RE = re.compile(r"^a\.k\.a\.\s*", re.IGNORECASE)


@dataclass(frozen=True)
class MovieLensIndex:
    """MovieLens ids by IMDb id, TMDb id and (normalised title, year)."""

    by_imdb: dict[str, int]
    by_tmdb: dict[str, int]
    by_title_year: dict[tuple[str, int], tuple[int, ...]]
    ids_of: dict[int, ExternalIds]  # MovieLens id -> its IMDb and TMDb ids

    @classmethod
    def load(cls, movielens_dir: Path) -> "MovieLensIndex":
        """Read ``links.csv`` and ``movies.csv`` of a MovieLens folder (FileNotFoundError if absent)."""
        by_imdb: dict[str, int] = {}
        by_tmdb: dict[str, int] = {}
        ids_of: dict[int, ExternalIds] = {}
        with (Path(movielens_dir) / "links.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                movie_id = int(row["movieId"])
                imdb = f"tt{int(row['imdbId']):07d}" if row.get("imdbId", "").strip().isdigit() else None
                tmdb = str(int(row["tmdbId"])) if row.get("tmdbId", "").strip().isdigit() else None
                ids_of[movie_id] = ExternalIds(movie_id, imdb, tmdb)
                if imdb:
                    by_imdb.setdefault(imdb, movie_id)
                if tmdb:
                    by_tmdb.setdefault(tmdb, movie_id)
        titles: dict[tuple[str, int], set[int]] = defaultdict(set)
        with (Path(movielens_dir) / "movies.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                match = ML_TITLE_RE.match(row["title"].strip())
                if match:
                    for title in movielens_title_variants(match.group(1)):
                        titles[(title, int(match.group(2)))].add(int(row["movieId"]))
        return cls(by_imdb, by_tmdb, {key: tuple(sorted(ids)) for key, ids in titles.items()}, ids_of)

    def candidates(self, title: str, year: int) -> tuple[int, ...]:
        """MovieLens ids with this title and year, else with this title a year either side."""
        key = normalised_title(title)
        if not key:
            return ()
        exact = self.by_title_year.get((key, year), ())
        if exact:
            return exact
        return tuple(sorted(set(self.by_title_year.get((key, year - 1), ())) | set(self.by_title_year.get((key, year + 1), ()))))


def movielens_title_variants(title: str) -> set[str]:
    """Normalised names of a MovieLens title: "Léon: The Professional (a.k.a. The Professional) (Léon)"
    answers to each of its names, "American President, The" to "The American President"."""
    names = [PARENTHESES_RE.sub("", title)] + [AKA_RE.sub("", alt) for alt in PARENTHESES_RE.findall(title)]
    variants = set()
    for name in names:
        variants.add(normalised_title(name))
        if " - " in name:
            variants.add(normalised_title(name.rsplit(" - ", 1)[-1]))
    return {v for v in variants if v}


@dataclass
class Item:
    """One film: its records (strongest method first), ids and how it was linked."""

    movie_id: str
    records: list[dict]
    ids: ExternalIds
    link_rule: str | None


@dataclass
class Linking:
    """Items and the problems met while merging and linking, as (source, reason)."""

    items: list[Item]
    problems: list[tuple[str, str]] = field(default_factory=list)


def link_records(records: Iterable[dict], index: MovieLensIndex | None) -> Linking:
    """Group records into items and link them; ``index`` None links only by ids pages give."""
    records = sorted(records, key=_strength)
    groups = _group(records)
    problems: list[tuple[str, str]] = []
    by_id: dict[str, Item] = {}
    for members in groups:
        ids = ExternalIds()
        for record in members:
            ids = ids.merged(ExternalIds(record.get("movielens_id"), record.get("imdb_id"), record.get("tmdb_id")))
        ids, rule = _link(ids, members[0], index, problems)
        first = members[0]
        movie_id = item_id(ids, first["title"], _first(members, "year"), first["url"])
        if movie_id in by_id:  # linked to the same MovieLens movie by different routes
            by_id[movie_id].records = sorted(by_id[movie_id].records + members, key=_strength)
            continue
        by_id[movie_id] = Item(movie_id, members, ids, rule)
    return Linking(list(by_id.values()), problems)


def site_of(url: str) -> str:
    return urlsplit(url).netloc


def _link(
    ids: ExternalIds, first: dict, index: MovieLensIndex | None, problems: list[tuple[str, str]]
) -> tuple[ExternalIds, str | None]:
    """The item's ids completed from links.csv, and the rule that linked it (None: not linked)."""
    movie_id, rule = _movielens_id(ids, first, index, problems)
    if movie_id is None:
        return ids, None
    known = index.ids_of.get(movie_id, ExternalIds(movie_id)) if index else ExternalIds(movie_id)
    return ExternalIds(movie_id, ids.imdb_id, ids.tmdb_id).merged(known), rule


def _movielens_id(
    ids: ExternalIds, first: dict, index: MovieLensIndex | None, problems: list[tuple[str, str]]
) -> tuple[int | None, str | None]:
    if ids.movielens_id is not None:
        return ids.movielens_id, "movielens"
    if index is None:
        return None, None
    if ids.imdb_id and ids.imdb_id in index.by_imdb:
        return index.by_imdb[ids.imdb_id], "imdb"
    if ids.tmdb_id and ids.tmdb_id in index.by_tmdb:
        return index.by_tmdb[ids.tmdb_id], "tmdb"
    if ids.imdb_id or ids.tmdb_id or first.get("kind", "Movie") != "Movie" or first.get("year") is None:
        return None, None
    candidates = index.candidates(first["title"], first["year"])
    if len(candidates) == 1:
        return candidates[0], "title-year"
    if len(candidates) > 1:
        shown = ", ".join(f"ml{c}" for c in candidates[:5])
        problems.append((first["url"], f"ambiguous title+year link to MovieLens: {first['title']!r} ({first['year']}) matches {shown}; not linked"))
    return None, None


def _group(records: list[dict]) -> list[list[dict]]:
    """Union-find over the records by shared ids, article links, then title and year."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(j)] = find(i)

    first_with: dict[tuple[str, object], int] = {}
    for i, record in enumerate(records):
        keys = [("record", record["record_id"]), ("url", record["url"])]
        keys += [(name, record.get(name)) for name in ("movielens_id", "imdb_id", "tmdb_id") if record.get(name)]
        if record.get("article_url"):
            keys.append(("url", record["article_url"]))
        keys += [("url", url) for url in record.get("alternate_urls") or ()]  # the page in another language
        for key in keys:
            if key in first_with:
                union(first_with[key], i)
            else:
                first_with[key] = i
    roots: dict[int, list[int]] = defaultdict(list)
    for i in range(len(records)):
        roots[find(i)].append(i)
    _merge_by_title_year(records, roots, union, find)
    groups: dict[int, list[dict]] = defaultdict(list)
    for i, record in enumerate(records):
        groups[find(i)].append(record)
    return [sorted(members, key=_strength) for members in groups.values()]


def _merge_by_title_year(records: list[dict], roots: dict[int, list[int]], union, find) -> None:
    """Join groups of equal (title, year) whose ids do not disagree. Every title a group's pages
    give counts: a film's own page may title it "Lupin III: The Castle of Cagliostro" and its
    article, already in the group by a link, "The Castle of Cagliostro", as the article's
    export page does."""
    by_key: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    for root, members in roots.items():
        first = records[members[0]]
        year = next((records[m]["year"] for m in members if records[m].get("year")), None)
        keys = {(normalised_title(records[m]["title"]), records[m].get("year") or year) for m in members}
        for key, key_year in sorted(keys, key=str):
            if key_year is not None and key and root not in by_key[(key, key_year, first.get("kind", "Movie"))]:
                by_key[(key, key_year, first.get("kind", "Movie"))].append(root)  # symbols only name no film
    for roots_with_key in by_key.values():
        for other in roots_with_key[1:]:
            if not _ids_disagree(records, roots[roots_with_key[0]], roots[other]):
                union(find(roots_with_key[0]), find(other))


def _ids_disagree(records: list[dict], left: list[int], right: list[int]) -> bool:
    for name in ("movielens_id", "imdb_id", "tmdb_id"):
        a = {records[i].get(name) for i in left} - {None}
        b = {records[i].get(name) for i in right} - {None}
        if a and b and not a & b:
            return True
    return False


def _first(records: list[dict], name: str) -> object:
    return next((r[name] for r in records if r.get(name) is not None), None)


def _strength(record: dict) -> tuple[int, str]:
    return method_rank(record.get("method", "html")), record["url"]
