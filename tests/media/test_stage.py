"""fetch_media end to end against a served site and a real warehouse."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from media import MediaConfig, fetch_media
from media.arrays import from_npy_bytes
from tests.media.conftest import ServedRequest, make_trailer, store_movies, trailer_page
from warehouse import Warehouse


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


def _config(work_dir: Path) -> MediaConfig:
    """Small shapes keep the tests fast; the defaults are the design's (16x112x112, 224, 128 mels)."""
    return MediaConfig(work_dir=work_dir, frames=4, frame_size=32, poster_size=48, n_mels=32,
                       sample_rate=16000, clip_seconds=2.0, hop_length=256)


def _table(warehouse: Warehouse, sql: str) -> list[tuple]:
    with warehouse.connect() as con:
        return con.execute(sql).fetchall()


def test_fetch_media_stores_good_media_and_records_bad(media_site, warehouse: Warehouse, tmp_path: Path) -> None:
    with warehouse.transaction() as con:
        store_movies(con, _movies(media_site))
    config = _config(tmp_path / "work")

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
    assert mel.shape == (config.n_mels, config.mel_frames) and mel.dtype == np.float32 and np.isfinite(mel).all()
    poster = from_npy_bytes(warehouse.blobs.get(features["poster"][1]))
    assert features["poster"][0] == assets[("good", "poster")][1] and poster.shape == (48, 48, 3)

    errors = dict(_table(warehouse, "SELECT source, reason FROM errors WHERE stage = 'media' AND build_id = 'b1'"))
    assert errors[media_site.url("trailers/truncated.html")].startswith("ffprobe: moov atom not found")
    assert errors[media_site.url("media/not_an_image.jpg")] == "pillow: cannot identify image file"
    assert "404" in errors[media_site.url("trailers/missing.html")]
    assert re.search("partial file|decodable", errors[media_site.url("trailers/truncated_faststart.html")])
    assert assets[("cut", "trailer")][:2] == ("failed", None)

    validators = {(m, k): (url, etag) for m, k, url, etag in _table(
        warehouse, "SELECT movie_id, kind, media_url, etag FROM media_assets WHERE kind != 'audio'")}
    for kind, path in [("trailer", "media/good.mp4"), ("poster", "media/poster.jpg")]:
        assert validators[("good", kind)] == (media_site.url(path), _etag(media_site.root / path))
    assert validators[("broken", "trailer")] == validators[("cut", "trailer")] == (None, None)

    # A second build reuses every feature (same content hashes) and duplicates nothing;
    # good media cost a 304 each, failed ones are downloaded again in full.
    media_site.take_log()
    again = fetch_media(config, warehouse, "b2")
    assert (again.features_computed, again.features_reused, again.assets) == (0, 3, summary.assets)
    assert again.assets_not_modified == 2
    served = media_site.take_log()
    requests = {(r.path, r.status, r.conditional) for r in served}
    assert {r for r in requests if "good" in r[0] or "poster" in r[0]} == {
        ("/trailers/good.html", 304, True), ("/media/good.mp4", 304, True), ("/media/poster.jpg", 304, True)}
    assert ("/media/truncated_faststart.mp4", 200, False) in requests
    assert _table(warehouse, "SELECT count(*), count(DISTINCT (content_sha256, feature)) FROM media_features") == [(3, 3)]
    assert _table(warehouse, "SELECT count(*) FROM media_assets") == [(10,)]
    assert _table(warehouse, "SELECT DISTINCT build_id FROM media_features") == [("b1",)]
    assert sorted(_table(warehouse, "SELECT build_id, count(*) FROM errors GROUP BY 1")) == [("b1", 4), ("b2", 4)]
    assert not any((tmp_path / "work").rglob("*.mp4")), "scratch files are removed"

    # refresh=True recomputes, with the same content hashes and therefore the same blobs.
    forced = fetch_media(replace(config, refresh=True), warehouse, "b3")
    assert (forced.features_computed, forced.features_reused) == (3, 0)
    refreshed = {f: blob for f, blob in _table(warehouse, "SELECT feature, blob_sha256 FROM media_features")}
    assert refreshed == {f: v[1] for f, v in features.items()}


def test_a_new_frame_count_recomputes_keyframes(media_site, warehouse: Warehouse, tmp_path: Path) -> None:
    with warehouse.transaction() as con:
        store_movies(con, _movies(media_site)[:1])
    fetch_media(_config(tmp_path / "w"), warehouse, "b1")
    summary = fetch_media(replace(_config(tmp_path / "w"), frames=6), warehouse, "b2")
    assert (summary.features_computed, summary.features_reused) == (1, 2)
    assert _table(warehouse, "SELECT shape FROM media_features WHERE feature = 'keyframes'") == [("6x32x32x3",)]


def test_only_movies_with_an_enabled_kind_are_handed_out(media_site, warehouse: Warehouse, tmp_path: Path) -> None:
    with warehouse.transaction() as con:
        store_movies(con, _movies(media_site))
    handed_out: list[str] = []

    def batches(function, movies):
        handed_out.extend(movie.movie_id for movie in movies)
        yield function(movies)

    posters_only = fetch_media(replace(_config(tmp_path / "w"), kinds=("poster",)), warehouse, "b1", batches)
    assert sorted(handed_out) == ["broken", "good"] and posters_only.assets == {"poster": {"failed": 1, "ok": 1}}
    handed_out.clear()
    media_site.take_log()
    nothing = fetch_media(replace(_config(tmp_path / "w"), kinds=()), warehouse, "b2", batches)
    assert handed_out == [] and nothing.assets == {} and media_site.take_log() == []


def _etag(path: Path) -> str:
    return '"' + hashlib.sha256(path.read_bytes()).hexdigest()[:32] + '"'


def _assets(warehouse: Warehouse) -> dict[tuple[str, str], tuple]:
    return {(m, k): rest for m, k, *rest in _table(
        warehouse, "SELECT movie_id, kind, status, content_sha256, width, height, duration_s, media_url,"
                   " etag, last_modified, page_etag, page_last_modified FROM media_assets")}


def _downloads(served: list[ServedRequest]) -> dict[str, int]:
    """Body bytes of each full (200) response, by path."""
    return {r.path: r.body_bytes for r in served if r.status == 200}


def test_reruns_revalidate_and_refetch_only_changed_media(
    changing_site, shared_data: Path, warehouse: Warehouse, tmp_path: Path
) -> None:
    site = changing_site
    with warehouse.transaction() as con:
        store_movies(con, [
            {"movie_id": movie_id, "url": site.url(f"movies/{movie_id}.html"), "title": movie_id,
             "trailer_url": site.url(trailer), "poster_url": site.url(poster), "build_id": "crawl"}
            for movie_id, trailer, poster in [("m1", "trailers/good.html", "media/poster.jpg"),
                                              ("m2", "trailers/faststart.html", "media/poster2.jpg")]
        ])
    config = replace(_config(tmp_path / "work"), workers=1)  # counts in order

    first = fetch_media(config, warehouse, "b1")
    # Both trailers carry the same audio track, so its log-mel is computed once.
    assert (first.features_computed, first.features_reused, first.assets_not_modified, first.errors) == (5, 1, 0, 0)
    served = site.take_log()
    assert not any(r.conditional for r in served)
    assert set(_downloads(served)) == {"/trailers/good.html", "/trailers/faststart.html", "/media/good.mp4",
                                       "/media/faststart.mp4", "/media/poster.jpg", "/media/poster2.jpg"}
    before = _assets(warehouse)
    assert all(row[0] == "ok" and row[1] for row in before.values())
    features = _table(warehouse, "SELECT * FROM media_features ORDER BY ALL")

    # Nothing changed: one conditional GET per page, video and poster, all answered 304.
    unchanged = fetch_media(config, warehouse, "b2")
    assert (unchanged.features_computed, unchanged.features_reused, unchanged.assets_not_modified) == (0, 6, 4)
    served = site.take_log()
    assert len(served) == 6 and all(r.conditional and r.status == 304 for r in served)
    assert sum(r.body_bytes for r in served) == 0
    assert _assets(warehouse) == before
    assert _table(warehouse, "SELECT * FROM media_features ORDER BY ALL") == features

    # New bytes under the same URLs: m1's poster and m2's trailer.
    with Image.open(shared_data / "media/images/skimage_astronaut.png") as image:
        image.convert("RGB").resize((90, 120)).save(site.root / "media/poster.jpg", quality=90)
    make_trailer(shared_data / "media/images/skimage_rocket.jpg",
                 shared_data / "media/audio/librosa_trumpet_sorohanro_-_solo-trumpet-06.ogg",
                 site.root / "media/faststart.mp4", 2.0)
    changed = fetch_media(config, warehouse, "b3")
    assert (changed.features_computed, changed.features_reused, changed.assets_not_modified) == (3, 3, 2)
    served = site.take_log()
    assert all(r.conditional for r in served), "the trailer pages are unchanged, so yt-dlp is not needed"
    assert set(_downloads(served)) == {"/media/poster.jpg", "/media/faststart.mp4"}
    after = _assets(warehouse)
    changed_keys = {key for key in after if after[key][1] != before[key][1]}
    assert changed_keys == {("m1", "poster"), ("m2", "trailer"), ("m2", "audio")}
    assert after[("m2", "trailer")][6] == _etag(site.root / "media/faststart.mp4")
    assert 1.8 < after[("m2", "trailer")][4] < 2.3  # the new 2 s clip's duration, not the old one's
    new_shas = {after[("m1", "poster")][1], after[("m2", "trailer")][1], after[("m2", "audio")][1]}
    featurised = _table(warehouse, "SELECT content_sha256 FROM media_features WHERE build_id = 'b3'")
    assert {sha for (sha,) in featurised} == new_shas

    # A trailer page that now embeds another video is read again by yt-dlp.
    (site.root / "trailers/good.html").write_text(trailer_page("media/faststart.mp4"))
    moved = fetch_media(config, warehouse, "b4")
    assert (moved.features_computed, moved.assets_not_modified, moved.errors) == (0, 3, 0)
    assert ("/trailers/good.html", 200, True) in {(r.path, r.status, r.conditional) for r in site.take_log()}
    after = _assets(warehouse)
    assert after[("m1", "trailer")][1] == after[("m2", "trailer")][1]
    assert after[("m1", "trailer")][5] == site.url("media/faststart.mp4")

    # refresh=True downloads everything again, unconditionally, and recomputes every feature.
    forced = fetch_media(replace(config, refresh=True), warehouse, "b5")
    assert (forced.features_computed, forced.assets_not_modified) == (6, 0)
    served = site.take_log()
    assert not any(r.conditional for r in served) and sum(r.status == 200 for r in served) == 6
    assert _assets(warehouse) == after


def test_a_trailer_url_that_is_the_video_itself_is_fetched_once_and_revalidated(
    changing_site, warehouse: Warehouse, tmp_path: Path
) -> None:
    """``og:video`` and 2000s "Trailer" links point at the file: no page read, no yt-dlp, one 304 on a rerun."""
    site = changing_site
    with warehouse.transaction() as con:
        store_movies(con, [{"movie_id": "m1", "url": site.url("movies/m1.html"), "title": "m1",
                            "trailer_url": site.url("media/good.mp4"), "poster_url": None, "build_id": "crawl"}])
    config = replace(_config(tmp_path / "work"), workers=1)
    first = fetch_media(config, warehouse, "b1")
    assert first.errors == 0
    assert [(r.path, r.status) for r in site.take_log()] == [("/media/good.mp4", 200)]
    stored = _assets(warehouse)[("m1", "trailer")]
    assert stored[0] == "ok" and stored[5] == site.url("media/good.mp4")
    again = fetch_media(config, warehouse, "b2")
    assert (again.errors, again.assets_not_modified) == (0, 1)
    assert [(r.path, r.status, r.conditional) for r in site.take_log()] == [("/media/good.mp4", 304, True)]
