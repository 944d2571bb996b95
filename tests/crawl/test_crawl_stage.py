"""End-to-end: crawl the multi-style embedded site over HTTP into a real warehouse.

The crawl starts from a deep page of one style (not the root) and must find every film
page of every style and nothing else, merge films shown by two styles, link them to the
ratings, record each fault with its reason, and on the nightly re-crawl revalidate
everything and re-read only pages that changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawl import CrawlConfig, CrawlSummary, crawl_movie_site
from crawl.urls import canonical_url
from demo_site import SiteConfig, SiteManifest, generate_site, serve_site
from demo_site.crawl_score import canonical_facts, score_crawl
from demo_site.paths import file_of
from warehouse import Warehouse

N_MOVIES = 24
START_PATH = "/catalogue/list.php?page=1"
CHANGED_STYLES = ("classic", "review", "legacy")


@dataclass
class Crawled:
    manifest: SiteManifest
    base_url: str
    warehouse: Warehouse
    summaries: list[CrawlSummary]
    conditional: list[int]
    changed_urls: list[str]
    documents: list[dict[str, str]]
    feed_path: Path

    def url(self, path: str) -> str:
        return canonical_url(self.base_url + path)

    def rows(self, sql: str, *params: object) -> list[tuple]:
        with self.warehouse.connect() as con:
            return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def crawled(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Crawled:
    root = tmp_path_factory.mktemp("crawl")
    manifest = generate_site(SiteConfig(data_dir=shared_data, out_dir=root / "site", n_movies=N_MOVIES, media=False))
    warehouse = Warehouse(root / "warehouse.duckdb", root / "blobs")
    with serve_site(root / "site") as server:
        config = CrawlConfig(start_url=server.base_url + START_PATH, work_dir=root / "work",
                             movielens_dir=shared_data / "movies" / "ml-latest-small")
        result = Crawled(manifest, server.base_url, warehouse, [], [], [], [], root / "work" / "crawl-build-1.jsonl")
        changed = [next(p for p in manifest.film_pages if p["style"] == style) for style in CHANGED_STYLES]
        for build_id in ("build-1", "build-2", "build-3"):
            if build_id == "build-3":  # three pages change between two nightly runs
                for page in changed:
                    _append_sentence(root / "site" / file_of(page["path"]))
                result.changed_urls = [result.url(p["path"]) for p in changed]
            server.log.clear()
            result.summaries.append(crawl_movie_site(config, warehouse, build_id))
            result.conditional.append(sum(1 for path, status, conditional in server.log
                                          if conditional and status == 304 and path != "/robots.txt"))
            result.documents.append(dict(result.rows("SELECT url, content_sha256 FROM documents")))
    return result


EDIT = (b"<p>Added in an edit: a restored cut of the film was released in cinemas, with eleven minutes of scenes "
        b"that had been missing since its first run, a new score recording and commentary from the surviving cast, "
        b"and the critics who saw it called it the version the director had wanted from the start.</p>")


def _append_sentence(path: Path) -> None:
    """Change a film page's text the way an edit would: a paragraph at the end of its main content."""
    body = path.read_bytes()
    marker = b"</main>" if b"</main>" in body else b"</body>"
    path.write_bytes(body.replace(marker, EDIT + marker, 1))


def expected_items(crawled: Crawled) -> set[str]:
    """Films with at least one page the crawler can read (the challenge page hides its film)."""
    challenge = set(crawled.manifest.fault_paths("challenge"))
    return {m["item_id"] for m in crawled.manifest.movies if any(p["path"] not in challenge for p in m["pages"])}


def test_every_film_of_every_style_is_found_and_nothing_else(crawled: Crawled) -> None:
    found = {r[0] for r in crawled.rows("SELECT movie_id FROM build_movies WHERE build_id = 'build-1'")}
    assert found == expected_items(crawled)
    styles = Counter(p["style"] for p in crawled.manifest.film_pages)
    assert set(styles) == {"classic", "db", "review", "micro", "og", "app", "legacy", "wiki", "wiki-old", "export"}


def test_each_film_page_is_read_by_its_markup(crawled: Crawled) -> None:
    sources = dict(crawled.rows("SELECT url, method FROM movie_sources"))
    challenge = set(crawled.manifest.fault_paths("challenge"))
    broken = set(crawled.manifest.fault_paths("malformed_jsonld"))
    expected = {crawled.url(p["path"]): ("html" if p["path"] in broken else p["method"])
                for p in crawled.manifest.film_pages if p["path"] not in challenge}
    assert {url: sources.get(url) for url in expected} == expected


def test_fields_of_each_film_come_out_right(crawled: Crawled) -> None:
    """Title, year, kind and every fact its pages state; no value that is not in the data."""
    movies = {r[0]: r[1:] for r in crawled.rows("SELECT movie_id, title, year, kind FROM movies")}
    found: dict[tuple[str, str], set[str]] = {}
    for movie_id, attribute, value in crawled.rows("SELECT movie_id, attribute, value FROM movie_attributes"):
        found.setdefault((movie_id, attribute), set()).add(value)
    right = expected = 0
    for film in crawled.manifest.movies:
        if film["item_id"] not in movies:
            continue
        assert movies[film["item_id"]] == (film["title"], film["year"], film["kind"]), film["item_id"]
        stated = {f for page in film["pages"] for f in page["fields"]}
        for attribute, names in canonical_facts(film["facts"]).items():  # countries and languages under one name
            got = found.get((film["item_id"], attribute), set())
            assert got <= set(names), (film["item_id"], attribute, got - set(names))
            if attribute in stated:
                expected += len(names)
                right += len(got & set(names))
    assert expected > 100 and right == expected


def test_every_style_scores_full_marks_page_by_page(crawled: Crawled) -> None:
    scores = score_crawl(crawled.manifest, crawled.feed_path, crawled.base_url)
    assert set(scores) == {p["style"] for p in crawled.manifest.film_pages}
    for style, score in scores.items():
        assert (score.found, score.fields_right, score.fields_wrong) == (score.pages, score.fields_expected, 0), (style, score)


def test_the_same_film_on_two_styles_is_one_item_with_both_sources(crawled: Crawled) -> None:
    sources = Counter(r[0] for r in crawled.rows("SELECT movie_id FROM movie_sources"))
    challenge = set(crawled.manifest.fault_paths("challenge"))
    multi = {m["item_id"]: len([p for p in m["pages"] if p["path"] not in challenge])
             for m in crawled.manifest.movies if len(m["pages"]) > 1}
    assert len(multi) >= 5
    for item_id, n_pages in multi.items():
        assert sources[item_id] >= n_pages, item_id


def test_films_link_to_the_ratings_through_ids_and_title_year(crawled: Crawled) -> None:
    linked = dict(crawled.rows("SELECT movie_id, movielens_id FROM movies"))
    rules = Counter(r[0] for r in crawled.rows("SELECT link_rule FROM movie_sources WHERE link_rule IS NOT NULL"))
    expected = {m["item_id"]: m["movielens_id"] for m in crawled.manifest.movies if m["item_id"] in expected_items(crawled)}
    assert {k: linked.get(k) for k in expected} == expected
    assert {"movielens", "imdb"} <= set(rules)
    summary = crawled.summaries[0]
    assert summary.movies_linked == sum(1 for v in expected.values() if v is not None)


def test_faults_are_recorded_with_their_reasons(crawled: Crawled) -> None:
    errors = dict(crawled.rows("SELECT source, reason FROM errors WHERE build_id = 'build-1' AND stage = 'crawl'"))
    faults = {f["kind"]: f["path"] for f in crawled.manifest.faults}
    reason_of = {kind: errors.get(crawled.url(path), "") for kind, path in faults.items()}
    assert reason_of["http_404"] == "HTTP 404" and reason_of["http_500"] == "HTTP 500"
    assert reason_of["challenge"].startswith("anti-bot challenge page")
    assert reason_of["oversized"].startswith("page too large")
    assert reason_of["non_html"].startswith("not an HTML page (Content-Type text/csv")
    assert reason_of["malformed_jsonld"].startswith("malformed JSON-LD") and "read from html instead" in reason_of["malformed_jsonld"]
    assert any(r.startswith("redirect loop:") for r in errors.values())
    assert reason_of["http_500_once"] == ""  # retried, then read
    summary = crawled.summaries[0]
    assert not summary.truncated and summary.errors_by_reason["HTTP 404"] >= 1


def test_unchanged_nightly_crawl_revalidates_and_rereads_nothing(crawled: Crawled) -> None:
    first, second = crawled.summaries[:2]
    assert first.pages_read > 0 and second.pages_read == 0 and second.pages_reused == first.pages_read
    assert crawled.conditional[0] == 0 and crawled.conditional[1] >= first.pages_read
    assert (second.movies, second.movies_linked, second.attributes) == (first.movies, first.movies_linked, first.attributes)
    assert crawled.documents[1] == crawled.documents[0]
    for table, key in {"pages": "url", "movies": "movie_id", "documents": "url", "movie_sources": "movie_id || url",
                       "movie_attributes": "movie_id || attribute || value"}.items():
        total, distinct = crawled.rows(f"SELECT count(*), count(DISTINCT {key}) FROM {table}")[0]
        assert total == distinct, table


def test_three_changed_pages_are_exactly_the_ones_reread(crawled: Crawled) -> None:
    third = crawled.summaries[2]
    assert third.pages_read == 3
    before, after = crawled.documents[1], crawled.documents[2]
    changed_docs = {url.split("#")[0] for url in after if before.get(url) != after[url]}
    assert changed_docs <= set(crawled.changed_urls) and changed_docs


def test_bad_parameters_are_refused_before_any_request(tmp_path: Path) -> None:
    for bad in ({"start_url": "ftp://example.org/"}, {"start_url": "no-host-here"},
                {"start_url": "http://127.0.0.1:1/", "max_pages": 0},
                {"start_url": "http://127.0.0.1:1/", "movielens_dir": tmp_path}):
        with pytest.raises(ValueError):
            CrawlConfig(work_dir=tmp_path, **bad)


def test_every_film_has_the_poster_and_trailer_its_pages_show(crawled: Crawled) -> None:
    """Markup or not: legacy pages only show a lazy-loaded ``<img>`` and a trailer link, wiki pages an infobox image."""
    media = {r[0]: r[1:] for r in crawled.rows("SELECT movie_id, poster_url, trailer_url FROM movies")}
    for film in crawled.manifest.movies:
        if film["item_id"] not in media:
            continue
        poster, trailer = media[film["item_id"]]
        assert poster == crawled.url(film["poster_path"]), (film["item_id"], [p["style"] for p in film["pages"]])
        styles = {p["style"] for p in film["pages"]}
        if styles - {"review", "micro", "wiki", "wiki-old", "export"}:  # reviews, catalogues, encyclopedias: no trailer
            assert trailer is not None, (film["item_id"], styles)
