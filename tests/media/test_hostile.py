"""Hostile media on loopback: each fault ends as one recorded error with its reason, in bounded time."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from PIL import Image

from media import MediaConfig, fetch_media
from tests.media.conftest import store_movies
from tests.media.hostile_server import Route, gzip_of_zeros, png_bomb, serve_hostile, video_page
from warehouse import Warehouse

BUDGET_S = 3.0


def _config(work_dir: Path, **overrides: object) -> MediaConfig:
    values = dict(work_dir=work_dir, frames=4, frame_size=32, poster_size=48, n_mels=32, sample_rate=16000,
                  clip_seconds=2.0, hop_length=256, asset_seconds=BUDGET_S, http_timeout_s=1.5,
                  max_trailer_bytes=5_000_000, max_poster_bytes=2_000_000, max_page_bytes=1_000_000)
    values.update(overrides)
    return MediaConfig(**values)  # type: ignore[arg-type]


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 90), (120, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _hostile_routes(media_files: Path) -> tuple[dict[str, Route], dict[str, str]]:
    """Routes, and for each faulty movie the reason its error row must carry (a regex)."""
    good = (media_files / "media/good.mp4").read_bytes()
    mp4 = {"Content-Type": "video/mp4"}
    videos = {
        "good": (Route(body=good, headers=mp4), None),
        "moov_missing": (Route(body=(media_files / "media/truncated.mp4").read_bytes(), headers=mp4),
                         "^ffprobe: moov atom not found"),
        "truncated": (Route(body=(media_files / "media/truncated_faststart.mp4").read_bytes(), headers=mp4),
                      "partial file|decodable"),
        "zero_bytes": (Route(body=b"", headers=mp4), "^http: empty response body"),
        "html_as_video": (Route(body=b"<html><body>Sign in to watch</body></html>" * 50, headers=mp4),
                          "served an HTML page as video/mp4"),
        "html_type": (Route(body=b"<html>player</html>", headers={"Content-Type": "text/html"}),
                      "served text/html, not a video"),
        "trickle": (Route(body=good, headers=mp4, trickle_s=0.05), "^http download: wall-time budget of 3 s"),
        "stall": (Route(body=good, headers=mp4, stall=True), "^http: .*timed out"),
        "short_read": (Route(body=good[:4000], headers=mp4, content_length=len(good)), "^http: short read, got 4000"),
        "claims_2gb": (Route(body=good[:100], headers=mp4, content_length=2_000_000_000),
                       "^http: Content-Length 2000000000 exceeds the cap"),
        "loop": (Route(302, headers={"Location": "/v/loop"}), "^http 302: redirect loop"),
        "to_file": (Route(302, headers={"Location": "file:///etc/passwd"}), "redirect to a non-http URL refused"),
        "missing": (Route(404, b"gone"), "^http 404"),
        "optout": (Route(body=good, headers={**mp4, "X-Robots-Tag": "noai"}), "^opt-out: header robots noai"),
    }
    routes: dict[str, Route] = {}
    reasons: dict[str, str] = {}
    for name, (route, reason) in videos.items():
        routes[f"/v/{name}"] = route
        routes[f"/p/{name}.html"] = Route(body=video_page(f"/v/{name}"), headers={"Content-Type": "text/html"})
        if reason:
            reasons[f"/p/{name}.html"] = reason
    routes["/p/tdm.html"] = Route(body=video_page("/v/good", '<meta name="tdm-reservation" content="1">'),
                                  headers={"Content-Type": "text/html"})
    reasons["/p/tdm.html"] = "^opt-out: page tdm-reservation 1"
    jpeg = {"Content-Type": "image/jpeg"}
    posters = {
        "good": (Route(body=_jpeg(), headers=jpeg), None),
        "png_bomb": (Route(body=png_bomb(), headers={"Content-Type": "image/png"}), "decompression bomb guard"),
        "gzip_bomb": (Route(body=gzip_of_zeros(60), headers={**jpeg, "Content-Encoding": "gzip"}),
                      "^http: inflated body exceeds the cap"),
        "not_image": (Route(body=b"<html>nope</html>", headers=jpeg), "^pillow: cannot identify image file"),
        "noimageai": (Route(body=_jpeg(), headers={**jpeg, "X-Robots-Tag": "googlebot: noimageai"}),
                      "^opt-out: header robots noimageai"),
    }
    for name, (route, reason) in posters.items():
        routes[f"/i/{name}.jpg"] = route
        if reason:
            reasons[f"/i/{name}.jpg"] = reason
    return routes, reasons


def test_every_fault_is_one_recorded_error_within_the_budget(media_files: Path, warehouse: Warehouse,
                                                            tmp_path: Path) -> None:
    routes, reasons = _hostile_routes(media_files)
    with serve_hostile(routes) as site:
        pages = [p for p in routes if p.startswith("/p/")]
        images = [p for p in routes if p.startswith("/i/")]
        movies = [{"movie_id": f"m{i:02d}", "url": site.url(f"/m/{i}"), "title": str(i), "build_id": "crawl",
                   "trailer_url": site.url(page), "poster_url": site.url(images[i % len(images)])}
                  for i, page in enumerate(pages)]
        with warehouse.transaction() as con:
            store_movies(con, movies)
        started = time.monotonic()
        summary = fetch_media(_config(tmp_path / "work"), warehouse, "h1")
        elapsed = time.monotonic() - started

    with warehouse.connect() as con:
        errors = dict(con.execute("SELECT source, reason FROM errors WHERE build_id = 'h1'").fetchall())
        status = dict(con.execute("SELECT source_url || ' ' || kind, status FROM media_assets").fetchall())
    by_path = {source.removeprefix(site.base_url): reason for source, reason in errors.items()}
    assert set(by_path) == set(reasons), (set(by_path) ^ set(reasons), by_path)
    for path, pattern in reasons.items():
        assert re.search(pattern, by_path[path]), (path, by_path[path])
    assert status[site.url("/p/good.html") + " trailer"] == "ok"
    assert status[site.url("/i/good.jpg") + " poster"] == "ok"
    assert status[site.url("/p/optout.html") + " trailer"] == "skipped"
    assert status[site.url("/p/tdm.html") + " audio"] == "skipped"
    assert status[site.url("/i/noimageai.jpg") + " poster"] == "skipped"
    # Opt-outs are recorded skips, not failed attempts.
    assert summary.coverage["poster"] == pytest.approx(summary.assets["poster"]["ok"] / (
        summary.assets["poster"]["ok"] + summary.assets["poster"]["failed"]))
    # Two workers; the slowest faults (trickle, stall) each stop at the budget.
    assert elapsed < 4 * BUDGET_S + 20, elapsed
    assert not any((tmp_path / "work").iterdir()), "scratch folders are removed"
