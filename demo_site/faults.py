"""The faults the site carries, chosen once from the seed so every build has the same ones.

Real sites break in these ways; the crawler, extractor and media stages are tested
against them (404 and 500 links, 301 redirects, duplicate URLs, malformed JSON-LD,
a truncated video).
"""

from __future__ import annotations

from dataclasses import dataclass

from demo_site import paths
from demo_site.catalog import SiteMovie
from demo_site.seeded import seeded_int

MISSING_PATH = "/movies/removed-title.html"
ERROR_PATH = "/movies/unavailable-title.html"


@dataclass(frozen=True)
class FaultPlan:
    """Which movies and listing pages carry which fault (empty when faults are off)."""

    missing_on_page: int | None = None
    error_on_page: int | None = None
    redirected: tuple[str, ...] = ()
    duplicated: tuple[str, ...] = ()
    malformed_jsonld: str | None = None
    truncated_trailer: str | None = None

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
        return rows


def plan_faults(movies: list[SiteMovie], n_listing_pages: int, seed: int) -> FaultPlan:
    """Seeded choice of distinct movies for each fault.

    The malformed JSON-LD goes to a MovieLens-only movie when there is one, so every
    article's people stay readable.
    """
    if not movies:
        return FaultPlan()
    order = sorted(movies, key=lambda m: seeded_int(seed, "fault", m.movie_id))
    malformed = next((m for m in order if m.article is None), order[0])
    rest = [m.movie_id for m in order if m is not malformed]
    return FaultPlan(
        missing_on_page=1 + seeded_int(seed, "404") % n_listing_pages,
        error_on_page=1 + seeded_int(seed, "500") % n_listing_pages,
        redirected=tuple(rest[1:3]),
        duplicated=tuple(rest[3:5]),
        malformed_jsonld=malformed.movie_id,
        truncated_trailer=rest[0] if rest else None,
    )
