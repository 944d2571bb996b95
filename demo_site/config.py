"""What a site is made from: the typed configuration and the manifest it writes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from demo_site.paths import MANIFEST_NAME


@dataclass(frozen=True)
class SiteConfig:
    """Where the shared data is, where the site goes, and what shapes it.

    ``faults`` adds the broken links, redirects, duplicate URLs, malformed JSON-LD and the
    truncated trailer that real sites have; ``seed`` picks posters, sounds and faults.
    """

    data_dir: Path
    out_dir: Path
    n_movies: int = 200
    seed: int = 7
    faults: bool = True
    trailer_seconds: float = 3.0
    media: bool = True  # posters and trailers; off for crawl-only sites (the full-size benchmark)


@dataclass
class SiteManifest:
    """What a generated site holds (``site_manifest.json``), read by the server and tests.

    ``movies`` rows: movie_id (the site's), item_id (the id the crawl should give the film),
    kind, path (its first page), pages (style, path, method, fields and title of each page showing it),
    title, year, genres, facts (attribute -> names the data has), movielens_id, imdb_id,
    tmdb_id, article_path, trailer_path, trailer_page_path, poster_path, poster_source,
    audio_source, jsonld_ok. ``faults`` rows: kind, path and, where it applies, target,
    movie_id and linked_from. ``film_pages``: every film page (style, path, movie_id,
    number, method).
    """

    fingerprint: str
    config: dict
    movies: list[dict] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    listing_pages: list[str] = field(default_factory=list)
    faults: list[dict] = field(default_factory=list)
    film_pages: list[dict] = field(default_factory=list)
    legacy_charset_in_header: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, out_dir: Path) -> "SiteManifest":
        """Read ``out_dir/site_manifest.json`` (FileNotFoundError if the site was never made)."""
        data = json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        return cls(**data)

    def save(self, out_dir: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        (Path(out_dir) / MANIFEST_NAME).write_text(text, encoding="utf-8")

    def fault_paths(self, kind: str) -> list[str]:
        return [f["path"] for f in self.faults if f["kind"] == kind]
