"""export_build on a small real warehouse filled by the real interactions and kg_build stages:
files, manifest, row alignment, one graph from the triples, text features, Turtle, atomicity, snapshots."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from rdflib import Literal, URIRef
from safetensors.numpy import load_file

from export import ExportConfig, export_build
from export.features import pooled_poster_features
from interactions import InteractionsConfig, load_interactions
from kg_build import KGConfig, build_triples, load_graph
from kg_build.vocabulary import RESOURCE_BASE, vocabulary
from warehouse import Warehouse, upsert
from warehouse.blobs import sha256_file

BUILD = "20250101T000000Z-abc123"
N_MOVIES = 30
UNRATED = "wp-actrius"  # a crawled movie nobody rated: an item MMRec never sees
ALL_MOVIES = N_MOVIES + 1


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def _crawled(warehouse: Warehouse, build_id: str, movie_ids: list[str], status: str = "succeeded") -> None:
    """What the crawl stage and the build bookkeeping leave for a build: its movies and its row."""
    with warehouse.transaction() as con:
        upsert(con, "build_movies", [{"build_id": build_id, "movie_id": m} for m in movie_ids])
        upsert(con, "builds", [{"build_id": build_id, "started_at": "2025-01-01 00:00:00", "status": status}])


def _stages(warehouse: Warehouse, shared_data: Path, build_id: str, style: str = "entity"):
    ratings = shared_data / "movies" / "ml-latest-small" / "ratings.csv"
    loaded = load_interactions(InteractionsConfig(ratings_csv=ratings), warehouse, build_id)
    build_triples(KGConfig(style=style, validate=False), warehouse, build_id)
    return loaded


def _movie_ids(warehouse: Warehouse) -> list[str]:
    with warehouse.connect() as con:
        return [m for (m,) in con.execute("SELECT movie_id FROM movies ORDER BY movie_id").fetchall()]


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
        upsert(con, "movies", [{"movie_id": UNRATED, "url": "http://127.0.0.1/wiki/Actrius", "title": "Actrius",
                                "year": 1996, "build_id": BUILD}])
        upsert(con, "entities", [
            {"entity_id": "genre/comedy", "kind": "Genre", "name": "Comedy", "build_id": BUILD},
            {"entity_id": "person/john-lasseter", "kind": "Person", "name": "John Lasseter", "build_id": BUILD},
            {"entity_id": "person/tom-hanks", "kind": "Person", "name": "Tom Hanks", "build_id": BUILD},
        ])
        rel = {"source_url": "http://127.0.0.1/movies/ml1.html", "confidence": 1.0, "build_id": BUILD}
        upsert(con, "relations", [
            {**rel, "movie_id": "ml1", "relation": "has_genre", "entity_id": "genre/comedy", "extractor": "structured"},
            {**rel, "movie_id": "ml1", "relation": "has_genre", "entity_id": "genre/comedy", "extractor": "spacy-rules-v1"},
            {**rel, "movie_id": "ml1", "relation": "directed_by", "entity_id": "person/john-lasseter", "extractor": "structured"},
            {**rel, "movie_id": "ml1", "relation": "starring", "entity_id": "person/tom-hanks",
             "extractor": "spacy-rules-v1", "confidence": 0.3},  # below min_confidence: no model may see it
            {**rel, "movie_id": "ml2", "relation": "has_genre", "entity_id": "genre/comedy", "extractor": "structured"},
            {**rel, "movie_id": "ml2", "relation": "starring", "entity_id": "person/nobody", "extractor": "structured"},
        ])

        rng = np.random.default_rng(0)
        posters = {m: rng.integers(0, 256, (8, 8, 3), dtype=np.uint8) for m in ("ml1", "ml3", "ml5", UNRATED)}
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
    _crawled(warehouse, BUILD, _movie_ids(warehouse))
    loaded = _stages(warehouse, shared_data, BUILD)
    return {"posters": posters, "keyframes": keyframes, "logmels": logmels, "n_inter": loaded.interactions}


@pytest.fixture()
def exported(warehouse, settings, shared_data):
    planted = _fill(warehouse, shared_data)
    summary = export_build(ExportConfig(exports_dir=settings.exports_dir, data_dir=shared_data), warehouse, BUILD)
    return summary, planted, warehouse


def _row_of(out: Path) -> dict[str, int]:
    return {row["movie_id"]: row["item_idx"] for row in pq.read_table(out / "items.parquet").to_pylist()}


def test_export_writes_every_file_with_matching_manifest(exported):
    summary, planted, _ = exported
    out = summary.export_dir
    manifest = json.loads((out / "manifest.json").read_text())
    expected = {"items.parquet", "interactions.parquet", "users.parquet", "entities.parquet", "kg.parquet",
                "features.safetensors", "graph.nt", "graph.ttl", "README.md",
                "recbole/mmkg.inter", "recbole/mmkg.train.inter", "recbole/mmkg.valid.inter",
                "recbole/mmkg.test.inter", "recbole/mmkg.item", "recbole/mmkg.kg", "recbole/mmkg.link",
                "recbole/mmkg.yaml", "mmrec/mmkg.inter", "mmrec/image_feat.npy", "mmrec/text_feat.npy",
                "mmrec/audio_feat.npy", "mmrec/mmkg.yaml"}
    assert set(manifest["files"]) == expected
    for name, entry in manifest["files"].items():
        assert sha256_file(out / name) == entry["sha256"]
        assert (out / name).stat().st_size == entry["bytes"]
    counts = manifest["counts"]
    assert counts["items"] == ALL_MOVIES and counts["items_with_interactions"] == N_MOVIES
    assert counts["interactions"] == planted["n_inter"] > 0
    # graph nodes: genre/comedy, person/john-lasseter and the media nodes: 4 posters, 2 trailers (ml9's
    # unreadable keyframes do not stop its trailer from being a node), 2 audio; tom-hanks is below min_confidence
    assert counts["entities"] == 2 + 4 + 2 + 2
    assert counts["feature_coverage"] == {"keyframes": 1, "logmel": 1, "poster": 4}
    assert counts["items_with_text"] == ALL_MOVIES - 1  # "Now and Then" (ml27) is only English stop words
    assert summary.counts["items"] == ALL_MOVIES
    assert manifest["changes_since_previous_build"] == {"previous_build": None, "items_gone": [], "items_new": []}


def test_export_folder_is_readable_by_everyone(exported):
    out = exported[0].export_dir
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    for path in out.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path


def test_dataset_card_lists_the_sources_this_build_used(exported, settings, shared_data):
    summary, _, warehouse = exported
    card = (summary.export_dir / "README.md").read_text()
    assert "https://doi.org/10.1145/2827872" in card and f"{exported[1]['n_inter']} ratings" in card
    assert "librosa_vibeace_Kevin_MacLeod_-_Vibe_Ace.ogg" in card  # attribution read from the media README
    assert "CC BY-SA" not in card  # no Wikipedia article was crawled in this build
    with warehouse.transaction() as con:
        upsert(con, "documents", [{"url": "http://127.0.0.1/wiki/Jumanji", "movie_id": "ml2", "kind": "article",
                                   "text": "Jumanji is a film.", "content_sha256": "x", "build_id": BUILD}])
        con.execute("DELETE FROM media_assets")
    again = export_build(ExportConfig(exports_dir=settings.exports_dir, data_dir=shared_data), warehouse, BUILD)
    card = (again.export_dir / "README.md").read_text()
    assert "**Wikipedia** (1 items with an article)" in card and "CC BY-SA" in card
    assert "**Media**" not in card and "Kevin MacLeod" not in card


def test_export_tables_and_features_are_row_aligned(exported):
    summary, planted, _ = exported
    out = summary.export_dir
    items = pq.read_table(out / "items.parquet").to_pylist()
    assert [row["item_idx"] for row in items] == list(range(ALL_MOVIES))
    assert items[0]["movie_id"] == "ml1" and items[0]["title"] == "Toy Story" and items[0]["year"] == 1995
    assert items[0]["imdb_id"] == "tt0114709"
    assert items[-1]["movie_id"] == UNRATED  # items with interactions come first
    row_of = _row_of(out)

    feats = load_file(str(out / "features.safetensors"))
    assert feats["poster"].shape == (ALL_MOVIES, 8, 8, 3) and feats["poster"].dtype == np.uint8
    assert feats["keyframes"].shape == (ALL_MOVIES, 2, 8, 8, 3)
    assert feats["logmel"].shape == (ALL_MOVIES, 4, 6)
    for movie_id, poster in planted["posters"].items():
        np.testing.assert_array_equal(feats["poster"][row_of[movie_id]], poster)
    np.testing.assert_array_equal(feats["keyframes"][row_of["ml1"]], planted["keyframes"]["ml1"])
    np.testing.assert_allclose(feats["logmel"][row_of["ml3"]], planted["logmels"]["ml3"], atol=1e-2)
    assert np.flatnonzero(feats["has_poster"]).tolist() == sorted(row_of[m] for m in ("ml1", "ml3", "ml5", UNRATED))
    assert np.flatnonzero(feats["has_keyframes"]).tolist() == [row_of["ml1"]]
    assert np.flatnonzero(feats["has_logmel"]).tolist() == [row_of["ml3"]]
    assert not feats["poster"][~feats["has_poster"]].any()

    inter = pq.read_table(out / "interactions.parquet")
    assert inter.column_names == ["user_idx", "item_idx", "user_id", "rating", "timestamp", "split"]
    users = inter.column("user_idx").to_numpy()
    assert users.min() == 0 and len(np.unique(users)) == users.max() + 1
    assert set(inter.column("split").to_pylist()) == {0, 1, 2}
    mapping = pq.read_table(out / "users.parquet").to_pylist()
    assert [u["user_idx"] for u in mapping] == list(range(users.max() + 1))
    user_of = {u["user_idx"]: u["user_id"] for u in mapping}
    assert all(user_of[row["user_idx"]] == row["user_id"] for row in inter.to_pylist())


def test_mmrec_features_have_one_row_per_item_mmrec_sees(exported):
    """MMRec counts items as max(itemID) + 1 and stacks features row by row: the two must agree."""
    out = exported[0].export_dir
    lines = (out / "mmrec" / "mmkg.inter").read_text().splitlines()
    assert lines[0] == "userID\titemID\trating\ttimestamp\tx_label"
    item_num = max(int(line.split("\t")[1]) for line in lines[1:]) + 1
    assert item_num == N_MOVIES
    feats = load_file(str(out / "features.safetensors"))
    image = np.load(out / "mmrec" / "image_feat.npy")
    text = np.load(out / "mmrec" / "text_feat.npy")
    audio = np.load(out / "mmrec" / "audio_feat.npy")
    assert image.shape == (item_num, 8 * 8 * 3) and text.shape[0] == item_num and audio.shape == (item_num, 2 * 4)
    assert image.dtype == text.dtype == audio.dtype == np.float32
    row_of = _row_of(out)
    np.testing.assert_allclose(image[row_of["ml1"]], exported[1]["posters"]["ml1"].reshape(-1) / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(text, feats["text"][:item_num])
    logmel = feats["logmel"][row_of["ml3"]].astype(np.float32)
    np.testing.assert_allclose(audio[row_of["ml3"]], np.r_[logmel.mean(axis=1), logmel.std(axis=1)], rtol=1e-5)
    split_col = pq.read_table(out / "interactions.parquet").column("split").to_pylist()
    assert [int(line.split("\t")[4]) for line in lines[1:]] == split_col
    assert "inter_file_name: 'mmkg.inter'" in (out / "mmrec" / "mmkg.yaml").read_text()


def test_recbole_files_carry_the_split_and_the_same_users(exported):
    out = exported[0].export_dir
    recbole = out / "recbole"
    header = "user_id:token\titem_id:token\trating:float\ttimestamp:float"
    full = (recbole / "mmkg.inter").read_text().splitlines()
    assert full[0] == header and len(full) == exported[1]["n_inter"] + 1
    parts = {}
    for part in ("train", "valid", "test"):
        lines = (recbole / f"mmkg.{part}.inter").read_text().splitlines()
        assert lines[0] == header
        parts[part] = set(lines[1:])
    assert parts["train"] | parts["valid"] | parts["test"] == set(full[1:])
    assert sum(map(len, parts.values())) == len(full) - 1
    inter = pq.read_table(out / "interactions.parquet").to_pylist()
    movie_of = {v: k for k, v in _row_of(out).items()}
    code = {"train": 0, "valid": 1, "test": 2}
    for row in inter[:50]:
        line = f"{row['user_idx']}\t{movie_of[row['item_idx']]}\t{row['rating']}"
        part = next(p for p, lines in parts.items() if any(l.startswith(line + "\t") for l in lines))
        assert code[part] == row["split"]
    mmrec_users = {line.split("\t")[0] for line in (out / "mmrec" / "mmkg.inter").read_text().splitlines()[1:]}
    assert {line.split("\t")[0] for line in full[1:]} == mmrec_users
    assert "benchmark_filename: [train, valid, test]" in (recbole / "mmkg.yaml").read_text()
    assert (recbole / "mmkg.link").read_text().splitlines()[:2] == ["item_id:token\tentity_id:token", "ml1\tml1"]
    assert (recbole / "mmkg.item").read_text().splitlines()[0].startswith("item_id:token\ttitle:token_seq")


def _edges_as_triples(out: Path) -> set[tuple[URIRef, URIRef, URIRef]]:
    """kg.parquet mapped back to IRIs through items.parquet, entities.parquet and the ontology."""
    node_iri = {row["item_idx"]: URIRef(f"{RESOURCE_BASE}movie/{row['movie_id']}")
                for row in pq.read_table(out / "items.parquet").to_pylist()}
    for row in pq.read_table(out / "entities.parquet").to_pylist():
        kind, ident = row["entity_id"].split("/", 1)
        node_iri[row["node_idx"]] = URIRef(f"{RESOURCE_BASE}{kind}/{ident}")
    predicate = {name: iri for iri, name in vocabulary().edge_names.items()}
    return {(node_iri[r["head_idx"]], predicate[r["relation"]], node_iri[r["tail_idx"]])
            for r in pq.read_table(out / "kg.parquet").to_pylist()}


@pytest.mark.parametrize("style", ["entity", "attribute"])
def test_training_graph_is_the_builds_triples(warehouse, settings, shared_data, style):
    """kg.parquet and the RecBole .kg hold exactly the build's node-to-node triples, whatever the style."""
    _fill(warehouse, shared_data)
    build_triples(KGConfig(style=style, validate=False), warehouse, BUILD)
    out = export_build(ExportConfig(exports_dir=settings.exports_dir), warehouse, BUILD).export_dir
    names = vocabulary().edge_names
    graph = load_graph(warehouse, BUILD)
    expected = {(s, p, o) for s, p, o in graph if p in names and not isinstance(o, Literal)}
    assert _edges_as_triples(out) == expected
    relations = {name for _, p, _ in expected for iri, name in names.items() if iri == p}
    media = {"has_trailer", "has_poster", "has_audio"}
    assert (relations & media == media) if style == "entity" else not relations & media
    assert "starring" not in relations  # the only starring edge is below min_confidence
    kg_lines = (out / "recbole" / "mmkg.kg").read_text().splitlines()
    assert kg_lines[0] == "head_id:token\trelation_id:token\ttail_id:token"
    assert len(kg_lines) - 1 == len(expected)
    assert "ml1\tdirected_by\tperson/john-lasseter" in kg_lines
    assert any(line.startswith("ml1\thas_poster\tposter/") for line in kg_lines) == (style == "entity")


def test_export_text_formats(exported):
    summary, _, warehouse = exported
    out = summary.export_dir
    import rdflib
    nt_graph = rdflib.Graph().parse(out / "graph.nt", format="nt")
    ttl_graph = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(nt_graph) == summary.counts["triples"] == len((out / "graph.nt").read_text().splitlines())
    assert set(ttl_graph) == set(nt_graph) == set(load_graph(warehouse, BUILD))
    ttl = (out / "graph.ttl").read_text()
    assert "@prefix mmkg: <https://w3id.org/mmkg/ontology#> ." in ttl
    assert "@prefix res: <https://w3id.org/mmkg/resource/> ." in ttl


def test_shrink_then_grow_the_site(warehouse, settings, shared_data):
    """A build is a snapshot of its crawl: fewer movies, smaller export; back again, nothing rewritten."""
    _fill(warehouse, shared_data)
    config = ExportConfig(exports_dir=settings.exports_dir, data_dir=shared_data)
    first = export_build(config, warehouse, BUILD)
    kept = ["ml1", "ml2", "ml3", "ml4"]
    _crawled(warehouse, "20250102T000000Z-small", kept)
    shrunk_inter = _stages(warehouse, shared_data, "20250102T000000Z-small")
    small = export_build(config, warehouse, "20250102T000000Z-small")
    assert sorted(_row_of(small.export_dir)) == kept
    assert small.counts["interactions"] == shrunk_inter.interactions < first.counts["interactions"]
    assert small.counts["entities"] < first.counts["entities"] and small.counts["triples"] < first.counts["triples"]
    assert small.counts["items_gone"] == ALL_MOVIES - len(kept)
    gone = json.loads((small.export_dir / "manifest.json").read_text())["changes_since_previous_build"]
    assert gone["previous_build"] == BUILD and "ml5" in gone["items_gone"] and UNRATED in gone["items_gone"]
    # the older build's export and triples are untouched
    assert json.loads((first.export_dir / "manifest.json").read_text())["counts"]["items"] == ALL_MOVIES
    assert first.counts["triples"] == len(load_graph(warehouse, BUILD))

    _crawled(warehouse, "20250103T000000Z-grown", _movie_ids(warehouse))
    regrown_inter = _stages(warehouse, shared_data, "20250103T000000Z-grown")
    grown = export_build(config, warehouse, "20250103T000000Z-grown")
    assert regrown_inter.rows_written == regrown_inter.rows_deleted == 0  # every rating was already stored
    assert grown.counts["items_new"] == ALL_MOVIES - len(kept)
    for name in ("items.parquet", "interactions.parquet", "users.parquet", "entities.parquet", "kg.parquet",
                 "mmrec/image_feat.npy", "mmrec/text_feat.npy", "recbole/mmkg.kg", "recbole/mmkg.train.inter",
                 "graph.nt"):
        assert sha256_file(grown.export_dir / name) == sha256_file(first.export_dir / name), name
    grown_feats, first_feats = (load_file(str(e.export_dir / "features.safetensors")) for e in (grown, first))
    assert grown_feats.keys() == first_feats.keys()
    for name, tensor in first_feats.items():  # the file's metadata names its build; its tensors are the same
        np.testing.assert_array_equal(grown_feats[name], tensor)


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
    feats = load_file(str(first.export_dir / "features.safetensors"))
    text_feat = feats["text"]
    assert text_feat.dtype == np.float32 and text_feat.ndim == 2
    assert text_feat.shape[0] == ALL_MOVIES and 1 <= text_feat.shape[1] <= 64
    assert (first.export_dir / "mmrec" / "text_feat.npy").read_bytes() == \
        (second.export_dir / "mmrec" / "text_feat.npy").read_bytes()
    assert (first.export_dir / "graph.ttl").read_bytes() == (second.export_dir / "graph.ttl").read_bytes()
    assert sha256_file(first.export_dir / "features.safetensors") == sha256_file(second.export_dir / "features.safetensors")

    row_of = _row_of(first.export_dir)
    assert np.abs(text_feat[row_of["ml2"]]).sum() > 0 and np.abs(text_feat[row_of["ml1"]]).sum() > 0
    assert not text_feat[row_of["ml27"]].any()
    assert feats["has_text"].dtype == bool and feats["has_text"].shape == (ALL_MOVIES,)
    assert np.flatnonzero(~feats["has_text"]).tolist() == [row_of["ml27"]]
    assert json.loads((first.export_dir / "manifest.json").read_text())["counts"]["items_with_text"] == ALL_MOVIES - 1


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
        rows = dict(con.execute("SELECT source, reason FROM errors WHERE stage = 'export'").fetchall())
    assert any(src.startswith("ml9/keyframes/") and "unreadable" in reason for src, reason in rows.items())
    assert any(src.startswith("ml5/logmel/") and "shape" in reason for src, reason in rows.items())


def test_export_of_a_build_whose_crawl_saw_nothing_is_refused(warehouse, settings):
    with pytest.raises(ValueError, match="no movies in build_movies"):
        export_build(ExportConfig(exports_dir=settings.exports_dir), warehouse, "never-crawled")
    with pytest.raises(ValueError, match="min_rating"):
        ExportConfig(exports_dir=settings.exports_dir, min_rating=6)


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
    _crawled(warehouse, "20250102T000000Z-def456", ["ml1"], status="running")
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
    assert (summary.export_dir / "recbole" / "mmkg.inter").is_file()


def test_pooled_poster_features_of_an_export_without_items():
    assert pooled_poster_features(np.zeros((0, 8, 8, 3), dtype=np.uint8)).shape == (0, 8 * 8 * 3)


def test_feature_modalities_are_the_ontologys_media_kinds():
    from export.features import FEATURE_SPECS

    assert {kind for kind, *_ in FEATURE_SPECS.values()} == set(vocabulary().media)
