"""One movie's poster: conditional GET, normalise, feature; a 304 reuses the stored JPEG."""

from __future__ import annotations

from media.conditional import Origin, Validators
from media.context import RunContext
from media.errors import MediaError
from media.http import HttpPolicy, fetch
from media.poster import normalise_poster, poster_array
from media.revalidation import StoredAsset
from media.rows import MovieRows


def poster_rows(ctx: RunContext, rows: MovieRows, url: str) -> None:
    """Fill ``rows`` with the poster asset and its feature; raises ``MediaError`` when unusable."""
    config = ctx.config
    stored = ctx.previous.asset(ctx.blobs, rows.movie_id, "poster", url)
    validators = stored.origin.validators if stored is not None else Validators()
    fetched = fetch(url, config.max_poster_bytes, config.budget(), HttpPolicy.of(config),
                    validators, image=True)
    size = (config.poster_size, config.poster_size, 3)
    if fetched is None:
        if stored is None:
            raise MediaError("http 304: not modified, but no stored poster to reuse")
        return _keep(ctx, rows, url, stored)
    poster = normalise_poster(fetched.body)
    sha = ctx.blobs.put(poster.jpeg)
    rows.asset("poster", url, sha, mime="image/jpeg", width=poster.width, height=poster.height,
               origin=Origin(fetched.url, fetched.validators))
    ctx.features.ensure(rows, sha, "poster", size, lambda: poster_array(poster.jpeg, config.poster_size))


def _keep(ctx: RunContext, rows: MovieRows, url: str, stored: StoredAsset) -> None:
    """304: the stored JPEG still holds; its feature is made from the blob only if missing."""
    sha, side = stored.content_sha256, ctx.config.poster_size
    rows.not_modified += 1
    rows.asset("poster", url, sha, mime=stored.mime, width=stored.width, height=stored.height, origin=stored.origin)
    ctx.features.ensure(rows, sha, "poster", (side, side, 3), lambda: poster_array(ctx.blobs.get(sha), side))
