"""fetch_media end to end against a served site and a real warehouse."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from media import MediaConfig, fetch_media
from media.arrays import from_npy_bytes
from warehouse import Warehouse, upsert


def _movies(site) -> list[dict]:
    def row(movie_id: str, trailer: str | None, poster: str | None) -> dict:
        return {"movie_id": movie_id, "url": site.url(f"movies/{movie_id}.html"), "title": movie_id,
                "trailer_url": trailer and site.url(trailer), "poster_url": poster and site.url(poster),
                "build_id": "crawl"}

    return [
        row("good", "trailers/good.html", "media/poster.jpg"),
        row("broken", "trailers/truncated.html", "media/not_an_image.jpg"),
        row("missing", "trailers/missing.html", None),
        row("cut", "trailers/truncated_faststart.html", None),
    ]


def _table(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as con:
        return con.execute(sql).fetchall()


def test_fetch_media_stores_good_media_and_records_bad(media_site, warehouse: Warehouse, tmp_path: Path) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", _movies(media_site))
    config = MediaConfig(work_dir=tmp_path / "work", frames=4, frame_size=32)

    summary = fetch_media(config, warehouse, "b1")

    assert summary.assets == {
        "audio": {"failed": 3, "ok": 1},
        "poster": {"failed": 1, "ok": 1},
        "trailer": {"failed": 3, "ok": 1},
    }
    assert (summary.features_computed, summary.features_reused, summary.errors) == (3, 0, 4)
    assets = {(m, k): (status, sha, w, h, d) for m, k, status, sha, w, h, d in _table(
        warehouse, "SELECT movie_id, kind, status, content_sha256, width, height, duration_s FROM media_assets")}
    status, trailer_sha, width, height, duration = assets[("good", "trailer")]
    assert (status, width, height) == ("ok", 160, 120) and 2.3 < duration < 2.8
    assert warehouse.blobs.get(trailer_sha)[4:8] == b"ftyp"
    assert sorted(_table(warehouse, "SELECT kind, mime FROM media_assets WHERE movie_id = 'good'")) == [
        ("audio", "audio/wav"), ("poster", "image/jpeg"), ("trailer", "video/mp4")]
    assert assets[("good", "audio")][0] == "ok" and assets[("good", "poster")][0] == "ok"
    assert assets[("broken", "trailer")][:2] == ("failed", None)
    assert assets[("broken", "poster")][:2] == ("failed", None)

    features = {f: (sha, blob, shape, dtype) for sha, f, blob, shape, dtype in _table(
        warehouse, "SELECT content_sha256, feature, blob_sha256, shape, dtype FROM media_features")}
    assert set(features) == {"keyframes", "logmel", "poster"}
    keyframes = from_npy_bytes(warehouse.blobs.get(features["keyframes"][1]))
    assert features["keyframes"][0] == trailer_sha and features["keyframes"][2:] == ("4x32x32x3", "uint8")
    assert keyframes.shape == (4, 32, 32, 3) and keyframes.std() > 10
    mel = from_npy_bytes(warehouse.blobs.get(features["logmel"][1]))
    assert features["logmel"][0] == assets[("good", "audio")][1]
    assert mel.shape == (64, 128) and mel.dtype == np.float32 and np.isfinite(mel).all()
    poster = from_npy_bytes(warehouse.blobs.get(features["poster"][1]))
    assert features["poster"][0] == assets[("good", "poster")][1] and poster.shape == (64, 64, 3)

    errors = dict(_table(warehouse, "SELECT source, reason FROM errors WHERE stage = 'media' AND build_id = 'b1'"))
    assert errors[media_site.url("trailers/truncated.html")].startswith("ffprobe: moov atom not found")
    assert errors[media_site.url("media/not_an_image.jpg")] == "pillow: cannot identify image file"
    assert "404" in errors[media_site.url("trailers/missing.html")]
    assert "partial file" in errors[media_site.url("trailers/truncated_faststart.html")]
    assert assets[("cut", "trailer")][:2] == ("failed", None)

    # A second build reuses every feature (same content hashes) and duplicates nothing.
    again = fetch_media(config, warehouse, "b2")
    assert (again.features_computed, again.features_reused, again.assets) == (0, 3, summary.assets)
    assert _table(warehouse, "SELECT count(*), count(DISTINCT (content_sha256, feature)) FROM media_features") == [(3, 3)]
    assert _table(warehouse, "SELECT count(*) FROM media_assets") == [(10,)]
    assert _table(warehouse, "SELECT DISTINCT build_id FROM media_features") == [("b1",)]
    assert sorted(_table(warehouse, "SELECT build_id, count(*) FROM errors GROUP BY 1")) == [("b1", 4), ("b2", 4)]
    assert not any((tmp_path / "work").rglob("*.mp4")), "scratch files are removed"

    # refresh=True recomputes, with the same content hashes and therefore the same blobs.
    forced = fetch_media(MediaConfig(work_dir=tmp_path / "work", frames=4, frame_size=32, refresh=True), warehouse, "b3")
    assert (forced.features_computed, forced.features_reused) == (3, 0)
    refreshed = {f: blob for f, blob in _table(warehouse, "SELECT feature, blob_sha256 FROM media_features")}
    assert refreshed == {f: v[1] for f, v in features.items()}


def test_a_new_frame_count_recomputes_keyframes(media_site, warehouse: Warehouse, tmp_path: Path) -> None:
    with warehouse.transaction() as con:
        upsert(con, "movies", _movies(media_site)[:1])
    fetch_media(MediaConfig(work_dir=tmp_path / "w", frames=4, frame_size=32), warehouse, "b1")
    summary = fetch_media(MediaConfig(work_dir=tmp_path / "w", frames=6, frame_size=32), warehouse, "b2")
    assert (summary.features_computed, summary.features_reused) == (1, 2)
    assert _table(warehouse, "SELECT shape FROM media_features WHERE feature = 'keyframes'") == [("6x32x32x3",)]
