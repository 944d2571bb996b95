"""Trailers streamed as HLS, as many real players serve them: a playlist of segments.

The playlist is made by ffmpeg from a real clip and served on 127.0.0.1 with the type real
servers give it; the trailer is named by a page's ``<video><source type="application/x-mpegURL">``
or is the playlist URL itself. Either way the stored trailer is a real MP4 with keyframes, and a
rerun revalidates the playlist instead of downloading it again.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from media import MediaConfig, fetch_media
from tests.media.conftest import ServedSite, serve, store_movies
from warehouse import Warehouse

PLAYLIST = "media/hls/trailer.m3u8"


@pytest.fixture()
def stream_site(media_files: Path, tmp_path: Path) -> Iterator[ServedSite]:
    root = tmp_path / "site"
    (root / "media/hls").mkdir(parents=True)
    (root / "trailers").mkdir()
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(media_files / "media/good.mp4"),
                    "-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
                    "-hls_segment_filename", str(root / "media/hls/segment%d.ts"), str(root / PLAYLIST)], check=True)
    (root / "trailers/player.html").write_text(
        '<html><head><title>Trailer</title></head><body><video controls playsinline>'
        f'<source src="/{PLAYLIST}" type="application/x-mpegURL"></video></body></html>')
    with serve(root) as site:
        yield site


def _config(work_dir: Path) -> MediaConfig:
    return MediaConfig(work_dir=work_dir, frames=4, frame_size=32, poster_size=48, n_mels=32, sample_rate=16000,
                       clip_seconds=2.0, hop_length=256, workers=1, kinds=("trailer",))


def test_an_hls_trailer_on_a_player_page_or_as_the_playlist_itself_is_stored_as_mp4(
    stream_site: ServedSite, warehouse: Warehouse, tmp_path: Path
) -> None:
    assert shutil.which("ffmpeg")
    site = stream_site
    with warehouse.transaction() as con:
        store_movies(con, [
            {"movie_id": "page", "url": site.url("movies/page.html"), "title": "page",
             "trailer_url": site.url("trailers/player.html"), "poster_url": None, "build_id": "crawl"},
            {"movie_id": "playlist", "url": site.url("movies/playlist.html"), "title": "playlist",
             "trailer_url": site.url(PLAYLIST), "poster_url": None, "build_id": "crawl"}])
    config = _config(tmp_path / "work")

    first = fetch_media(config, warehouse, "b1")

    assert first.errors == 0, first
    with warehouse.connect() as con:
        rows = con.execute("SELECT movie_id, status, mime, width, height, duration_s, content_sha256 FROM media_assets"
                           " WHERE kind = 'trailer' ORDER BY movie_id").fetchall()
        keyframes = con.execute("SELECT count(DISTINCT content_sha256) FROM media_features WHERE feature = 'keyframes'").fetchone()
    for movie_id, status, mime, width, height, duration, sha in rows:
        assert (status, mime, width, height) == ("ok", "video/mp4", 160, 120), movie_id
        assert 2.0 < duration < 3.0
        assert warehouse.blobs.get(sha)[4:8] == b"ftyp", "an MP4, not MPEG-TS segments joined"
    assert keyframes == (1,), "both movies' trailers are the same stream: one set of keyframes"
    assert any(r.path.endswith(".ts") for r in site.take_log()), "the segments were downloaded"

    again = fetch_media(replace(config), warehouse, "b2")
    assert (again.errors, again.features_computed) == (0, 0)
    served = site.take_log()
    assert (f"/{PLAYLIST}", 304, True) in {(r.path, r.status, r.conditional) for r in served}
    assert not any(r.path.endswith(".ts") for r in served), "an unchanged stream is not downloaded again"
