"""The stage's guarantees: a dead modality fails the stage, URLs are escaped stably, odd ids are safe,
and a stage killed mid-run keeps the movies it finished."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from media import MediaConfig, MediaCoverageError, fetch_media
from mmkg.settings import PROJECT_ROOT
from tests.media.conftest import serve, store_movies, trailer_page
from tests.media.hostile_server import Route, serve_hostile, wait_for
from warehouse import Warehouse


def _config(work_dir: Path) -> MediaConfig:
    return MediaConfig(work_dir=work_dir, frames=4, frame_size=32, poster_size=48, n_mels=32, sample_rate=16000,
                       clip_seconds=2.0, hop_length=256, asset_seconds=30.0, workers=1)


def _movie(movie_id: str, trailer: str | None, poster: str | None) -> dict:
    return {"movie_id": movie_id, "url": f"http://127.0.0.1/{movie_id}", "title": movie_id, "build_id": "crawl",
            "trailer_url": trailer, "poster_url": poster}


def _table(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as con:
        return con.execute(sql).fetchall()


def test_every_trailer_404_fails_the_stage_after_storing_the_rows(media_site, warehouse: Warehouse,
                                                                   tmp_path: Path) -> None:
    with warehouse.transaction() as con:
        store_movies(con, [_movie(f"m{i}", media_site.url(f"trailers/gone{i}.html"),
                                      media_site.url("media/poster.jpg")) for i in range(3)])
    with pytest.raises(MediaCoverageError, match=r"no audio, trailer succeeded .*trailer: 0 of 3 ok, e\.g\. http 404") as caught:
        fetch_media(_config(tmp_path / "w"), warehouse, "b1")
    assert caught.value.summary.coverage == {"audio": 0.0, "poster": 1.0, "trailer": 0.0}
    assert _table(warehouse, "SELECT kind, status, count(*) FROM media_assets GROUP BY ALL ORDER BY ALL") == [
        ("audio", "failed", 3), ("poster", "ok", 3), ("trailer", "failed", 3)]
    # Leaving the dead modalities out is the explicit way to build without them.
    summary = fetch_media(replace(_config(tmp_path / "w"), kinds=("poster",)), warehouse, "b2")
    assert summary.coverage == {"poster": 1.0}


def test_a_missing_ffmpeg_fails_the_stage(media_site, warehouse: Warehouse, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with warehouse.transaction() as con:
        store_movies(con, [_movie("m1", media_site.url("trailers/good.html"), None)])
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(MediaCoverageError, match="ffprobe is not installed"):
        fetch_media(replace(_config(tmp_path / "w"), kinds=("trailer",)), warehouse, "b1")


def test_urls_with_spaces_and_accents_are_escaped_and_stable(media_files: Path, warehouse: Warehouse,
                                                             tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "media").mkdir(parents=True)
    shutil.copyfile(media_files / "media/good.mp4", root / "media/bande annonce été.mp4")
    shutil.copyfile(media_files / "media/poster.jpg", root / "media/affiche été.jpg")
    (root / "trailer été.html").write_text(trailer_page("media/bande annonce été.mp4"))
    with serve(root) as site:
        with warehouse.transaction() as con:
            store_movies(con, [_movie("m1", site.url("trailer été.html"), site.url("media/affiche été.jpg"))])
        first = fetch_media(replace(_config(tmp_path / "w"), kinds=("trailer", "poster")), warehouse, "b1")
        assert first.coverage == {"poster": 1.0, "trailer": 1.0}
        stored = dict(_table(warehouse, "SELECT kind, media_url FROM media_assets"))
        assert stored == {"trailer": site.url("media/bande%20annonce%20%C3%A9t%C3%A9.mp4"),
                          "poster": site.url("media/affiche%20%C3%A9t%C3%A9.jpg")}
        site.take_log()
        again = fetch_media(replace(_config(tmp_path / "w"), kinds=("trailer", "poster")), warehouse, "b2")
        assert again.assets_not_modified == 2 and again.coverage == first.coverage
        assert {r.status for r in site.take_log()} == {304}


def test_ids_like_dot_dot_cannot_reach_other_folders(media_site, warehouse: Warehouse, tmp_path: Path) -> None:
    work = tmp_path / "w"
    (work / "keep").mkdir(parents=True)
    (work / "keep/file").write_text("another movie's scratch file")
    with warehouse.transaction() as con:
        store_movies(con, [_movie(i, media_site.url("trailers/good.html"), None) for i in (".", "..", "../..")])
    summary = fetch_media(replace(_config(work), kinds=("trailer",)), warehouse, "b1")
    assert summary.assets == {"trailer": {"ok": 3}}
    assert (work / "keep/file").read_text() == "another movie's scratch file"
    assert sorted(p.name for p in work.iterdir()) == ["keep"]


CHILD = """
import sys
from pathlib import Path
from media import MediaConfig, fetch_media
from warehouse import Warehouse
home = Path(sys.argv[1])
fetch_media(MediaConfig(work_dir=home / "w", kinds=("poster",), poster_size=48, workers=1),
            Warehouse(home / "wh.duckdb", home / "blobs"), "killed")
"""


def test_a_killed_stage_keeps_the_movies_it_finished(media_files: Path, tmp_path: Path) -> None:
    poster = (media_files / "media/poster.jpg").read_bytes()
    routes = {"/a.jpg": Route(body=poster, headers={"Content-Type": "image/jpeg"}),
              "/b.jpg": Route(body=poster, headers={"Content-Type": "image/jpeg"}, trickle_s=0.05)}
    warehouse = Warehouse(tmp_path / "wh.duckdb", tmp_path / "blobs")
    with serve_hostile(routes) as site:
        with warehouse.transaction() as con:
            store_movies(con, [_movie("a", None, site.url("/a.jpg")), _movie("b", None, site.url("/b.jpg"))])
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(CHILD), str(tmp_path)], env=env)
        try:
            # Movie b's poster is trickling, so movie a is done; kill the stage the hard way.
            wait_for(lambda: site.trickled.get("/b.jpg", 0) >= 40, timeout_s=120)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    assert _table(warehouse, "SELECT movie_id, kind, status FROM media_assets") == [("a", "poster", "ok")]
    assert _table(warehouse, "SELECT count(*) FROM media_features") == [(1,)]


def test_media_only_come_from_allowed_hosts(media_files: Path, warehouse: Warehouse, tmp_path: Path) -> None:
    poster = (media_files / "media/poster.jpg").read_bytes()
    with serve_hostile({"/ok.jpg": Route(body=poster, headers={"Content-Type": "image/jpeg"})}) as site:
        port = site.base_url.rsplit(":", 1)[1]
        site.routes["/away.jpg"] = Route(302, headers={"Location": f"http://localhost:{port}/ok.jpg"})
        with warehouse.transaction() as con:
            store_movies(con, [_movie("a", None, site.url("/ok.jpg")), _movie("b", None, site.url("/away.jpg")),
                                   _movie("c", None, f"http://localhost:{port}/ok.jpg")])
        config = replace(_config(tmp_path / "w"), kinds=("poster",), allowed_hosts=("127.0.0.1",))
        fetch_media(config, warehouse, "b1")
    assert dict(_table(warehouse, "SELECT movie_id, status FROM media_assets")) == {
        "a": "ok", "b": "failed", "c": "failed"}
    reasons = {reason for (reason,) in _table(warehouse, "SELECT reason FROM errors")}
    assert reasons == {"http: host 'localhost' is not an allowed media host"}


def test_a_player_page_goes_to_ytdlp(media_files: Path, warehouse: Warehouse, tmp_path: Path) -> None:
    """JSON-LD names only a player page (embedUrl): yt-dlp's generic extractor finds the video there."""
    root = tmp_path / "site"
    (root / "media").mkdir(parents=True)
    shutil.copyfile(media_files / "media/good.mp4", root / "media/clip.mp4")
    (root / "player.html").write_text(trailer_page("media/clip.mp4"))
    (root / "trailer.html").write_text(
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Movie",'
        ' "trailer": {"@type": "VideoObject", "embedUrl": "/player.html"}}</script></head><body></body></html>')
    with serve(root) as site:
        with warehouse.transaction() as con:
            store_movies(con, [_movie("m1", site.url("trailer.html"), None)])
        summary = fetch_media(replace(_config(tmp_path / "w"), kinds=("trailer",)), warehouse, "b1")
    assert summary.coverage == {"trailer": 1.0}
    [(media_url, width)] = _table(warehouse, "SELECT media_url, width FROM media_assets")
    assert media_url == site.url("media/clip.mp4") and width == 160
