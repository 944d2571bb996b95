"""The faults the site carries, chosen once from the seed so every build has the same ones.

Real sites break in these ways; the crawler, extractor and media stages are tested
against them: 404 and 500 links, a page that fails once then works, 301 redirects, a
redirect chain and a loop, duplicate URLs (a tracking parameter, an alias with a canonical
link), malformed JSON-LD, a page behind an anti-bot wall (a 200 with a challenge), an
oversized page, a non-HTML response and a truncated video. Non-UTF-8 pages are a style of
their own (``legacy``).
"""

from __future__ import annotations

from dataclasses import dataclass

from demo_site import paths
from demo_site.catalog import SiteMovie
from demo_site.seeded import seeded_int

MISSING_PATH = "/movies/removed-title.html"
ERROR_PATH = "/movies/unavailable-title.html"
LOOP_PATHS = ("/loop/a.html", "/loop/b.html")
OVERSIZED_PATH = "/db/title/oversized/"
OVERSIZED_BYTES = 9 * 1024 * 1024
NON_HTML_PATH = "/db/export/titles.csv"
CHAIN_PREFIX = "/go"
ALIAS_PREFIX = "/films/"


@dataclass(frozen=True)
class FaultPlan:
    """Which movies and listing pages carry which fault (empty when faults are off)."""

    missing_on_page: int | None = None
    error_on_page: int | None = None
    redirected: tuple[str, ...] = ()
    duplicated: tuple[str, ...] = ()
    malformed_jsonld: str | None = None
    truncated_trailer: str | None = None
    redirect_chain: str | None = None  # movie linked as /go/old/movies/<id>.html: 302 -> 301 -> page
    canonical_alias: str | None = None  # movie also linked as /films/<id>, same page, canonical link
    fails_once: str | None = None  # path of a film page that answers 500 once, then 200
    challenge: str | None = None  # path of a film page that answers an anti-bot challenge
    site_wide: bool = False  # the redirect loop, the oversized page and the non-HTML link

    def records(self, listing_page_of: dict[str, int]) -> list[dict]:
        """The faults as manifest rows: kind, path, and where they are linked from."""
        rows: list[dict] = []
        if self.missing_on_page is not None:
            rows.append({"kind": "http_404", "path": MISSING_PATH, "linked_from": paths.listing_path(self.missing_on_page)})
        if self.error_on_page is not None:
            rows.append({"kind": "http_500", "path": ERROR_PATH, "linked_from": paths.listing_path(self.error_on_page)})
        for movie_id in self.redirected:
            rows.append({
                "kind": "redirect", "path": paths.old_movie_path(movie_id), "target": paths.movie_path(movie_id),
                "movie_id": movie_id, "linked_from": paths.listing_path(listing_page_of[movie_id]),
            })  # fmt: skip
        for movie_id in self.duplicated:
            rows.append({
                "kind": "duplicate_url", "path": f"{paths.movie_path(movie_id)}?ref=list",
                "target": paths.movie_path(movie_id), "movie_id": movie_id,
                "linked_from": paths.listing_path(listing_page_of[movie_id]),
            })  # fmt: skip
        if self.malformed_jsonld is not None:
            movie_id = self.malformed_jsonld
            rows.append({"kind": "malformed_jsonld", "path": paths.movie_path(movie_id), "movie_id": movie_id})
        if self.truncated_trailer is not None:
            movie_id = self.truncated_trailer
            rows.append({"kind": "truncated_trailer", "path": paths.trailer_path(movie_id), "movie_id": movie_id})
        if self.redirect_chain is not None:
            rows.append({"kind": "redirect_chain", "path": CHAIN_PREFIX + paths.old_movie_path(self.redirect_chain),
                         "target": paths.movie_path(self.redirect_chain), "movie_id": self.redirect_chain})
        if self.canonical_alias is not None:
            rows.append({"kind": "canonical_alias", "path": ALIAS_PREFIX + self.canonical_alias,
                         "target": paths.movie_path(self.canonical_alias), "movie_id": self.canonical_alias})
        if self.fails_once is not None:
            rows.append({"kind": "http_500_once", "path": self.fails_once})
        if self.challenge is not None:
            rows.append({"kind": "challenge", "path": self.challenge})
        if self.site_wide:
            rows += [{"kind": "redirect_loop", "path": LOOP_PATHS[0], "target": LOOP_PATHS[1]},
                     {"kind": "oversized", "path": OVERSIZED_PATH},
                     {"kind": "non_html", "path": NON_HTML_PATH}]
        return rows


def plan_faults(movies: list[SiteMovie], db_paths: list[str], n_listing_pages: int, seed: int) -> FaultPlan:
    """Seeded choice of movies for each fault; ``movies`` are those with a classic
    page, ``db_paths`` the db style's film pages (for the 500-once and the challenge).

    The malformed JSON-LD goes to a MovieLens-only movie when there is one, so every
    article's people stay readable.
    """
    if not movies:
        return FaultPlan()
    order = sorted(movies, key=lambda m: seeded_int(seed, "fault", m.movie_id))
    malformed = next((m for m in order if m.article is None), order[0])
    rest = [m.movie_id for m in order if m is not malformed] or [malformed.movie_id]

    def pick(*indexes: int) -> tuple[str, ...]:
        """Distinct movies while there are enough, shared ones on a tiny site."""
        return tuple(dict.fromkeys(rest[i % len(rest)] for i in indexes))

    db_order = sorted(db_paths, key=lambda p: seeded_int(seed, "db-fault", p))
    return FaultPlan(
        missing_on_page=1 + seeded_int(seed, "404") % n_listing_pages,
        error_on_page=1 + seeded_int(seed, "500") % n_listing_pages,
        redirected=pick(1, 2),
        duplicated=pick(3, 4),
        malformed_jsonld=malformed.movie_id,
        truncated_trailer=rest[0],
        redirect_chain=pick(5)[0],
        canonical_alias=pick(6)[0],
        fails_once=db_order[0] if db_order else None,
        challenge=db_order[1] if len(db_order) > 1 else None,
        site_wide=True,
    )
