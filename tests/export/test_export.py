"""export_build on a small real warehouse: files, manifest, row alignment, text features, Turtle, atomicity."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from safetensors.numpy import load_file

from warehouse import Warehouse, upsert
from warehouse.blobs import sha256_file
from export import ExportConfig, export_build
from export.features import pooled_poster_features

BUILD = "20250101T000000Z-abc123"
N_MOVIES = 30


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _fill(warehouse, shared_data: Path) -> dict:
    ml = shared_data / "movies" / "ml-latest-small"
    with warehouse.transaction() as con:
        con.execute(
            f"""
            INSERT INTO movies (movie_id, url, title, year, movielens_id, imdb_id, build_id)
            SELECT 'ml' || m.movieId, 'http://127.0.0.1/movies/ml' || m.movieId || '.html',
                   regexp_replace(m.title, ' \\(\\d{{4}}\\)$', ''),
                   TRY_CAST(regexp_extract(m.title, '\\((\\d{{4}})\\)$', 1) AS INTEGER),
                   m.movieId, 'tt' || lpad(CAST(l.imdbId AS VARCHAR), 7, '0'), '{BUILD}'
            FROM read_csv('{ml / "movies.csv"}') m JOIN read_csv('{ml / "links.csv"}') l USING (movieId)
            ORDER BY m.movieId LIMIT {N_MOVIES}
            """
        )
        con.execute(
            f"""
            INSERT INTO interactions
            SELECT r.userId, 'ml' || r.movieId, r.rating, to_timestamp(r.timestamp), '{BUILD}'
            FROM read_csv('{ml / "ratings.csv"}') r WHERE 'ml' || r.movieId IN (SELECT movie_id FROM movies)
            """
        )
        # an interaction whose movie was never crawled: must become an error row, not a crash
        upsert(con, "interactions", [{"user_id": 1, "movie_id": "ml999999", "rating": 5.0,
                                      "rated_at": "2020-01-01 00:00:00", "build_id": BUILD}])
        upsert(con, "entities", [
            {"entity_id": "genre/comedy", "kind": "Genre", "name": "Comedy", "build_id": BUILD},
            {"entity_id": "person/john-lasseter", "kind": "Person", "name": "John Lasseter", "build_id": BUILD},
        ])
        rel = {"source_url": "http://127.0.0.1/movies/ml1.html", "confidence": 1.0, "build_id": BUILD}
        upsert(con, "relations", [
            {**rel, "movie_id": "ml1", "relation": "has_genre", "entity_id": "genre/comedy", "extractor": "structured"},
            {**rel, "movie_id": "ml1", "relation": "has_genre", "entity_id": "genre/comedy", "extractor": "spacy-rules-v1"},
            {**rel, "movie_id": "ml1", "relation": "directed_by", "entity_id": "person/john-lasseter", "extractor": "structured"},
            {**rel, "movie_id": "ml2", "relation": "has_genre", "entity_id": "genre/comedy", "extractor": "structured"},
            {**rel, "movie_id": "ml2", "relation": "starring", "entity_id": "person/nobody", "extractor": "structured"},
        ])
        upsert(con, "triples", [
            {"build_id": BUILD, "subject": "<http://x/ml1>", "predicate": "<http://schema.org/name>",
             "object": '"Toy Story"@en', "object_is_literal": True},
            {"build_id": BUILD, "subject": "<http://x/ml1>", "predicate": "<http://x/hasGenre>",
             "object": "<http://x/genre/comedy>", "object_is_literal": False},
            {"build_id": BUILD, "subject": "<http://x/ml2>", "predicate": "<http://schema.org/name>",
             "object": '"Jumanji, \\"the game\\""', "object_is_literal": True},
            {"build_id": "older-build", "subject": "<http://x/old>", "predicate": "<http://x/p>",
             "object": "<http://x/o>", "object_is_literal": False},
        ])

        rng = np.random.default_rng(0)
        posters = {m: rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for m in ("ml1", "ml3", "ml5")}
        keyframes = {"ml1": rng.integers(0, 256, (2, 8, 8, 3), dtype=np.uint8)}
        logmels = {"ml3": rng.standard_normal((4, 6)).astype(np.float32),
                   "ml5": rng.standard_normal((5, 6)).astype(np.float32)}  # odd shape: error row
        assets, feats = [], []
        for feature, kind, arrays in (("poster", "poster", posters), ("keyframes", "trailer", keyframes),
                                      ("logmel", "audio", logmels)):
            for movie_id, array in arrays.items():
                content = warehouse.blobs.put(f"{movie_id}-{kind}".encode())
                assets.append({"movie_id": movie_id, "kind": kind, "source_url": f"http://127.0.0.1/{movie_id}",
                               "content_sha256": content, "status": "ok", "build_id": BUILD})
                feats.append({"content_sha256": content, "feature": feature, "extractor": f"{feature}-v1",
                              "blob_sha256": warehouse.blobs.put(_npy(array)),
                              "shape": "x".join(map(str, array.shape)), "dtype": str(array.dtype), "build_id": BUILD})
        # a failed asset is ignored; a feature blob that is not an .npy becomes an error row
        assets.append({"movie_id": "ml7", "kind": "poster", "source_url": "http://127.0.0.1/ml7",
                       "content_sha256": None, "status": "failed", "build_id": BUILD})
        content = warehouse.blobs.put(b"ml9-trailer")
        assets.append({"movie_id": "ml9", "kind": "trailer", "source_url": "http://127.0.0.1/ml9",
                       "content_sha256": content, "status": "ok", "build_id": BUILD})
        feats.append({"content_sha256": content, "feature": "keyframes", "extractor": "keyframes-v1",
                      "blob_sha256": warehouse.blobs.put(b"not an npy"), "shape": "2x8x8x3",
                      "dtype": "uint8", "build_id": BUILD})
        upsert(con, "media_assets", assets)
        upsert(con, "media_features", feats)
        (n_inter,) = con.execute("SELECT count(*) FROM interactions WHERE movie_id <> 'ml999999'").fetchall()[0]
    return {"posters": posters, "keyframes": keyframes, "logmels": logmels, "n_inter": n_inter}


@pytest.fixture()
def exported(warehouse, settings, shared_data):
    planted = _fill(warehouse, shared_data)
    summary = export_build(ExportConfig(exports_dir=settings.exports_dir), warehouse, BUILD)
    return summary, planted, warehouse


def test_export_writes_every_file_with_matching_manifest(exported):
    summary, planted, _ = exported
    out = summary.export_dir
    manifest = json.loads((out / "manifest.json").read_text())
    expected = {"items.parquet", "interactions.parquet", "entities.parquet", "kg.parquet", "features.safetensors",
                "graph.nt", "README.md", "recbole/mmkg.inter", "recbole/mmkg.item", "recbole/mmkg.kg",
                "recbole/mmkg.link", "mmrec/mmkg.inter", "mmrec/image_feat.npy", "mmrec/text_feat.npy",
                "graph.ttl"}
    assert set(manifest["files"]) == expected
    for name, entry in manifest["files"].items():
        assert sha256_file(out / name) == entry["sha256"]
        assert (out / name).stat().st_size == entry["bytes"]
    counts = manifest["counts"]
    assert counts["items"] == N_MOVIES
    assert counts["interactions"] == planted["n_inter"]
    assert counts["entities"] == 2 and counts["kg_edges"] == 3 and counts["triples"] == 3
    assert counts["feature_coverage"] == {"keyframes": 1, "logmel": 1, "poster": 3}
    # every planted movie has a title, but "Now and Then" (ml27) is only English stop words
    assert counts["items_with_text"] == N_MOVIES - 1
    assert summary.counts["items"] == N_MOVIES and summary.counts["items_with_text"] == N_MOVIES - 1
    card = (out / "README.md").read_text()
    assert "https://doi.org/10.1145/2827872" in card and "CC BY-SA" in card and "Kevin MacLeod" in card
    assert "text_feature_file: text_feat.npy" in card and "`graph.ttl`" in card
    assert f"| items with text | {N_MOVIES - 1} |" in card


def test_export_tables_and_features_are_row_aligned(exported):
    summary, planted, _ = exported
    out = summary.export_dir
    items = pq.read_table(out / "items.parquet").to_pylist()
    assert [row["item_idx"] for row in items] == list(range(N_MOVIES))
    assert items[0]["movie_id"] == "ml1" and items[0]["title"] == "Toy Story" and items[0]["year"] == 1995
    assert items[0]["imdb_id"] == "tt0114709"
    row_of = {row["movie_id"]: row["item_idx"] for row in items}

    feats = load_file(str(out / "features.safetensors"))
    assert feats["poster"].shape == (N_MOVIES, 8, 8, 3) and feats["poster"].dtype == np.uint8
    assert feats["keyframes"].shape == (N_MOVIES, 2, 8, 8, 3)
    assert feats["logmel"].shape == (N_MOVIES, 4, 6)
    for movie_id, poster in planted["posters"].items():
        np.testing.assert_array_equal(feats["poster"][row_of[movie_id]], poster)
    np.testing.assert_array_equal(feats["keyframes"][row_of["ml1"]], planted["keyframes"]["ml1"])
    np.testing.assert_allclose(feats["logmel"][row_of["ml3"]], planted["logmels"]["ml3"], atol=1e-2)
    assert np.flatnonzero(feats["has_poster"]).tolist() == sorted(row_of[m] for m in ("ml1", "ml3", "ml5"))
    assert np.flatnonzero(feats["has_keyframes"]).tolist() == [row_of["ml1"]]
    assert np.flatnonzero(feats["has_logmel"]).tolist() == [row_of["ml3"]]
    assert not feats["poster"][~feats["has_poster"]].any()

    inter = pq.read_table(out / "interactions.parquet")
    assert inter.column_names == ["user_idx", "item_idx", "user_id", "rating", "timestamp", "split"]
    users = inter.column("user_idx").to_numpy()
    assert users.min() == 0 and len(np.unique(users)) == users.max() + 1
    assert set(inter.column("split").to_pylist()) == {0, 1, 2}

    kg = pq.read_table(out / "kg.parquet").to_pylist()
    entities = {row["entity_id"]: row["node_idx"] for row in pq.read_table(out / "entities.parquet").to_pylist()}
    assert entities == {"genre/comedy": N_MOVIES, "person/john-lasseter": N_MOVIES + 1}
    assert {(r["head_idx"], r["relation"], r["tail_idx"]) for r in kg} == {
        (row_of["ml1"], "has_genre", N_MOVIES), (row_of["ml1"], "directed_by", N_MOVIES + 1),
        (row_of["ml2"], "has_genre", N_MOVIES)}

    image_feat = np.load(out / "mmrec" / "image_feat.npy")
    assert image_feat.shape == (N_MOVIES, 8 * 8 * 3) and image_feat.dtype == np.float32
    np.testing.assert_allclose(image_feat[row_of["ml1"]], planted["posters"]["ml1"].reshape(-1) / 255.0, rtol=1e-6)


def test_export_text_formats(exported):
    summary, planted, _ = exported
    out = summary.export_dir
    nt_lines = (out / "graph.nt").read_text().splitlines()
    assert len(nt_lines) == 3
    assert '<http://x/ml2> <http://schema.org/name> "Jumanji, \\"the game\\"" .' in nt_lines
    import rdflib
    nt_graph = rdflib.Graph().parse(out / "graph.nt", format="nt")
    ttl_graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(nt_graph) == 3 and len(ttl_graph) == len(nt_graph)
    assert set(ttl_graph) == set(nt_graph)
    ttl = (out / "graph.ttl").read_text()
    assert "@prefix mmkg: <https://w3id.org/mmkg/ontology#> ." in ttl
    assert "@prefix res: <https://w3id.org/mmkg/resource/> ." in ttl

    inter_lines = (out / "recbole" / "mmkg.inter").read_text().splitlines()
    assert inter_lines[0] == "user_id:token\titem_id:token\trating:float\ttimestamp:float"
    assert len(inter_lines) == planted["n_inter"] + 1
    assert (out / "recbole" / "mmkg.kg").read_text().splitlines()[0] == "head_id:token\trelation_id:token\ttail_id:token"
    assert "ml1\tdirected_by\tperson/john-lasseter" in (out / "recbole" / "mmkg.kg").read_text()
    assert (out / "recbole" / "mmkg.link").read_text().splitlines()[:2] == ["item_id:token\tentity_id:token", "ml1\tml1"]
    assert (out / "recbole" / "mmkg.item").read_text().splitlines()[0].startswith("item_id:token\ttitle:token_seq")

    mmrec = (out / "mmrec" / "mmkg.inter").read_text().splitlines()
    assert mmrec[0] == "userID\titemID\trating\ttimestamp\tx_label"
    split_col = pq.read_table(out / "interactions.parquet").column("split").to_pylist()
    assert [int(line.split("\t")[4]) for line in mmrec[1:]] == split_col


def test_text_features_are_row_aligned_deterministic_and_zero_without_text(exported, tmp_path):
    _, _, warehouse = exported
    with warehouse.transaction() as con:
        # ml2 gets a description and an article, ml1 a genre; ml27 "Now and Then" has no usable text
        con.execute("UPDATE movies SET description = 'A board game unleashes jungle animals.' WHERE movie_id = 'ml2'")
        upsert(con, "movie_attributes", [{"movie_id": "ml1", "attribute": "genre", "value": "Animation",
                                          "source_url": "http://127.0.0.1/movies/ml1.html", "build_id": BUILD}])
        upsert(con, "documents", [
            {"url": "http://127.0.0.1/wiki/Jumanji", "movie_id": "ml2", "kind": "article",
             "text": "Jumanji is a fantasy adventure film about a magical board game.", "content_sha256": "x",
             "build_id": BUILD},
            {"url": "http://127.0.0.1/wiki/Nowhere", "movie_id": "ml999999", "kind": "article",
             "text": "A document of a movie that was never crawled.", "content_sha256": "y", "build_id": BUILD},
        ])
    first = export_build(ExportConfig(exports_dir=tmp_path / "a"), warehouse, BUILD)
    second = export_build(ExportConfig(exports_dir=tmp_path / "b"), warehouse, BUILD)
    text_feat = np.load(first.export_dir / "mmrec" / "text_feat.npy")
    assert text_feat.dtype == np.float32 and text_feat.ndim == 2
    assert text_feat.shape[0] == N_MOVIES and 1 <= text_feat.shape[1] <= 64
    assert (first.export_dir / "mmrec" / "text_feat.npy").read_bytes() == \
        (second.export_dir / "mmrec" / "text_feat.npy").read_bytes()
    assert (first.export_dir / "graph.ttl").read_bytes() == (second.export_dir / "graph.ttl").read_bytes()
    assert sha256_file(first.export_dir / "features.safetensors") == sha256_file(second.export_dir / "features.safetensors")

    row_of = {row["movie_id"]: row["item_idx"] for row in pq.read_table(first.export_dir / "items.parquet").to_pylist()}
    assert np.abs(text_feat[row_of["ml2"]]).sum() > 0 and np.abs(text_feat[row_of["ml1"]]).sum() > 0
    assert not text_feat[row_of["ml27"]].any()

    feats = load_file(str(first.export_dir / "features.safetensors"))
    np.testing.assert_array_equal(feats["text"], text_feat)
    assert feats["has_text"].dtype == bool and feats["has_text"].shape == (N_MOVIES,)
    assert np.flatnonzero(~feats["has_text"]).tolist() == [row_of["ml27"]]
    assert json.loads((first.export_dir / "manifest.json").read_text())["counts"]["items_with_text"] == N_MOVIES - 1


def test_text_features_of_degenerate_inputs():
    from export.text import text_features

    empty, mask = text_features([])
    assert empty.shape == (0, 1) and mask.shape == (0,)
    none, mask = text_features(["", "the and of"])
    assert none.shape == (2, 1) and not none.any() and not mask.any()
    one, mask = text_features(["Toy Story toys"])
    assert one.shape[0] == 1 and one.any() and mask.tolist() == [True]
    few, mask = text_features(["Toy Story", "", "Jumanji board game"])
    assert few.shape == (3, 2) and mask.tolist() == [True, False, True] and not few[1].any()


def test_export_records_bad_input_as_errors(exported):
    _, _, warehouse = exported
    with warehouse.connect() as con:
        rows = dict(con.execute("SELECT source, reason FROM errors WHERE stage = 'warehouse'").fetchall())
    assert "ml999999" in rows["interactions:ml999999"]
    assert any("unknown entity person/nobody" in reason for reason in rows.values())
    assert any(src.startswith("ml9/keyframes/") and "unreadable" in reason for src, reason in rows.items())
    assert any(src.startswith("ml5/logmel/") and "shape" in reason for src, reason in rows.items())


def test_export_is_atomic_and_repeatable(exported, settings, monkeypatch):
    summary, _, warehouse = exported
    first = json.loads((summary.export_dir / "manifest.json").read_text())
    again = export_build(ExportConfig(exports_dir=settings.exports_dir), warehouse, BUILD)
    second = json.loads((again.export_dir / "manifest.json").read_text())
    assert first["files"]["items.parquet"] == second["files"]["items.parquet"]
    assert first["files"]["interactions.parquet"] == second["files"]["interactions.parquet"]

    import export.stage as export_module

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-export")

    monkeypatch.setattr(export_module, "write_recbole_files", killed)
    with pytest.raises(KeyboardInterrupt):
        export_build(ExportConfig(exports_dir=settings.exports_dir), warehouse, "20250102T000000Z-def456")
    assert sorted(p.name for p in settings.exports_dir.iterdir()) == [BUILD]
    assert json.loads((summary.export_dir / "manifest.json").read_text())["files"] == second["files"]


def test_export_to_a_folder_whose_path_holds_a_quote(tmp_path, shared_data):
    """COPY targets are SQL literals: a workspace such as /home/o'brien must not break the export."""
    home = tmp_path / "o'brien"
    wh = Warehouse(home / "warehouse.duckdb", home / "blobs")
    planted = _fill(wh, shared_data)
    summary = export_build(ExportConfig(exports_dir=home / "exports"), wh, BUILD)
    assert summary.counts["interactions"] == planted["n_inter"]
    assert len((summary.export_dir / "graph.nt").read_text().splitlines()) == 3
    assert (summary.export_dir / "recbole" / "mmkg.inter").is_file()


def test_pooled_poster_features_of_an_export_without_items():
    assert pooled_poster_features(np.zeros((0, 8, 8, 3), dtype=np.uint8)).shape == (0, 8 * 8 * 3)
