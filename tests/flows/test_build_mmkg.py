"""End to end: build-mmkg over a served slice of the embedded site, checked in DuckDB."""

from __future__ import annotations

import json
import math

from demo_site import SiteManifest
from warehouse.blobs import sha256_file
from warehouse.builds import latest_build

ONTOLOGY = "https://w3id.org/mmkg/ontology#"


def _scalar(build, sql: str, params: list | None = None):
    with build.warehouse.connect() as con:
        return con.execute(sql, params or []).fetchall()[0][0]


def test_build_succeeds_and_prints_its_summary(small_build) -> None:
    build = latest_build(small_build.warehouse)
    assert build is not None and build["status"] == "succeeded"
    assert f"mmkg build {build['build_id']}: succeeded" in small_build.output
    assert "# of triplets" in small_build.output


def test_every_served_movie_is_crawled(small_build) -> None:
    manifest = SiteManifest.load(small_build.settings.site_dir)
    hidden = set(manifest.fault_paths("challenge"))
    served = {m["item_id"] for m in manifest.movies if any(p["path"] not in hidden for p in m["pages"])}
    with small_build.warehouse.connect() as con:
        crawled = {row[0] for row in con.execute("SELECT movie_id FROM movies").fetchall()}
    assert crawled == served


def test_people_are_linked_to_movies(small_build) -> None:
    linked = _scalar(small_build, """
        SELECT count(DISTINCT r.movie_id) FROM relations r JOIN entities e USING (entity_id)
        WHERE e.kind = 'Person' AND r.relation IN ('directed_by', 'starring')""")
    assert linked >= 1
    triples = _scalar(small_build, "SELECT count(*) FROM triples WHERE predicate = ?", [f"<{ONTOLOGY}directedBy>"])
    assert triples >= 1


def test_graph_has_a_media_node_of_each_kind(small_build) -> None:
    build_id = latest_build(small_build.warehouse)["build_id"]
    for cls in ("Trailer", "Poster", "AudioClip"):
        n = _scalar(small_build, "SELECT count(*) FROM triples WHERE build_id = ? AND object = ?",
                    [build_id, f"<{ONTOLOGY}{cls}>"])
        assert n >= 1, cls


def test_interactions_are_linked_and_training_gave_finite_metrics(small_build) -> None:
    build_id = latest_build(small_build.warehouse)["build_id"]
    assert _scalar(small_build, "SELECT count(*) FROM interactions i JOIN movies m USING (movie_id)") > 100
    with small_build.warehouse.connect() as con:
        metrics = con.execute(
            "SELECT model, metric, value FROM metrics WHERE build_id = ? AND split = 'test'", [build_id]
        ).fetchall()
    assert {(m, k) for m, k, _ in metrics} >= {("mgnn", "recall@10"), ("mgnn", "ndcg@10")}
    assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for _, _, v in metrics)


def test_export_manifest_matches_the_files(small_build) -> None:
    export_dir = small_build.settings.exports_dir / latest_build(small_build.warehouse)["build_id"]
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert "features.safetensors" in manifest["files"] and "graph.nt" in manifest["files"]
    for path, entry in manifest["files"].items():
        assert sha256_file(export_dir / path) == entry["sha256"], path


def test_bad_page_and_corrupt_trailer_are_recorded_and_the_rest_is_stored(small_build) -> None:
    manifest = SiteManifest.load(small_build.settings.site_dir)
    malformed = next(f for f in manifest.faults if f["kind"] == "malformed_jsonld")
    truncated = next(f for f in manifest.faults if f["kind"] == "truncated_trailer")
    build_id = latest_build(small_build.warehouse)["build_id"]
    with small_build.warehouse.connect() as con:
        errors = con.execute("SELECT stage, source, reason FROM errors WHERE build_id = ?", [build_id]).fetchall()
        trailers_ok = con.execute(
            "SELECT count(*) FROM media_assets WHERE kind = 'trailer' AND status = 'ok'").fetchall()[0][0]
        with_trailer = con.execute("SELECT count(*) FROM movies WHERE trailer_url IS NOT NULL").fetchall()[0][0]
    crawl_errors = {source: reason for stage, source, reason in errors if stage == "crawl"}
    media_errors = {source: reason for stage, source, reason in errors if stage == "media"}
    assert any(src.endswith(malformed["path"]) and "JSON-LD" in reason for src, reason in crawl_errors.items())
    truncated_id = truncated["path"].rsplit("/", 1)[-1].split(".")[0]
    assert any(truncated_id in src for src in media_errors), media_errors
    assert trailers_ok == with_trailer - 1  # every crawled movie with a trailer but the truncated one
