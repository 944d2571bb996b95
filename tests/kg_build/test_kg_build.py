"""kg_build against a real warehouse holding a few hand-written movies, entities and media."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from kg_build import KGConfig, build_triples, load_graph, write_ntriples
from warehouse import Warehouse, upsert

MMKG = Namespace("https://w3id.org/mmkg/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
RES = Namespace("https://w3id.org/mmkg/resource/")
BUILD = "20250101T000000Z-abc123"
SITE = "http://127.0.0.1:8000"


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


TRAILER, POSTER, AUDIO, POSTER_AMELIE = sha("trailer"), sha("poster"), sha("audio"), sha("poster-amelie")
AMELIE_TITLE = 'Amélie (a.k.a. "Le Fabuleux Destin d\'Amélie Poulain")'


def movie(movie_id: str, title: str, year: int, movielens_id: int, imdb_id: str) -> dict:
    return {"movie_id": movie_id, "url": f"{SITE}/movies/{movie_id}.html", "title": title, "year": year,
            "movielens_id": movielens_id, "imdb_id": imdb_id, "build_id": BUILD}


def entity(entity_id: str, kind: str, name: str, imdb_id: str | None = None, wikidata_id: str | None = None) -> dict:
    return {"entity_id": entity_id, "kind": kind, "name": name, "imdb_id": imdb_id,
            "wikidata_id": wikidata_id, "build_id": BUILD}


def relation(movie_id: str, rel: str, entity_id: str, confidence: float = 1.0, extractor: str = "structured") -> dict:
    page = f"{SITE}/movies/{movie_id}.html" if extractor == "structured" else f"{SITE}/wiki/{movie_id}.html"
    return {"movie_id": movie_id, "relation": rel, "entity_id": entity_id, "extractor": extractor,
            "source_url": page, "confidence": confidence, "evidence": None, "build_id": BUILD}


def asset(movie_id: str, kind: str, content: str | None, status: str = "ok", mime: str | None = None,
          width: int | None = None, height: int | None = None, duration: float | None = None) -> dict:
    return {"movie_id": movie_id, "kind": kind, "source_url": f"{SITE}/media/{kind}s/{movie_id}",
            "content_sha256": content, "status": status, "mime": mime, "width": width, "height": height,
            "duration_s": duration, "build_id": BUILD}


def feature(content: str, name: str, extractor: str) -> dict:
    return {"content_sha256": content, "feature": name, "extractor": extractor,
            "blob_sha256": sha(f"{content}-{name}"), "shape": "8x64x64x3", "dtype": "float32", "build_id": BUILD}


def crawled(warehouse: Warehouse, build_id: str, movie_ids: list[str]) -> None:
    """What the crawl stage writes for a build: the movies it saw."""
    with warehouse.transaction() as con:
        upsert(con, "build_movies", [{"build_id": build_id, "movie_id": m} for m in movie_ids])


def fill(warehouse: Warehouse, extra_relations: list[dict] = ()) -> None:
    for build_id in (BUILD, "other-build"):
        crawled(warehouse, build_id, ["ml2730", "ml4973"])
    with warehouse.transaction() as con:
        upsert(con, "movies", [
            movie("ml2730", "Barry Lyndon", 1975, 2730, "tt0072684"),
            movie("ml4973", AMELIE_TITLE, 2001, 4973, "0211915"),
        ])
        upsert(con, "entities", [
            entity("person/stanley-kubrick", "Person", "Stanley Kubrick", "nm0000040", "Q2001"),
            entity("person/ryan-oneal", "Person", "Ryan O'Neal"),
            entity("person/marisa-berenson", "Person", "Marisa Berenson"),
            entity("person/jean-pierre-jeunet", "Person", "Jean-Pierre Jeunet"),
            entity("person/maurice-bénichou", "Person", "Maurice Bénichou"),
            entity("genre/drama", "Genre", "Drama"),
            entity("genre/comedy", "Genre", "Comedy"),
            entity("country/united-kingdom", "Country", "United Kingdom"),
            entity("language/english", "Language", "English"),
            entity("company/warner-bros", "Company", "Warner Bros."),
        ])
        upsert(con, "relations", [
            relation("ml2730", "directed_by", "person/stanley-kubrick"),
            relation("ml2730", "directed_by", "person/stanley-kubrick", 0.8, "spacy-rules-v1"),
            relation("ml2730", "starring", "person/ryan-oneal"),
            relation("ml2730", "written_by", "person/stanley-kubrick", 0.7, "spacy-rules-v1"),
            relation("ml2730", "starring", "person/marisa-berenson", 0.3, "spacy-rules-v1"),
            relation("ml2730", "has_genre", "genre/drama"),
            relation("ml2730", "produced_in", "country/united-kingdom"),
            relation("ml2730", "in_language", "language/english"),
            relation("ml2730", "made_by", "company/warner-bros"),
            relation("ml2730", "catered_by", "person/stanley-kubrick"),
            relation("ml4973", "directed_by", "person/jean-pierre-jeunet"),
            relation("ml4973", "starring", "person/maurice-bénichou"),
            relation("ml4973", "starring", "person/nobody-known"),
            relation("ml4973", "has_genre", "genre/comedy"),
            *extra_relations,
        ])
        upsert(con, "media_assets", [
            asset("ml2730", "trailer", TRAILER, mime="video/mp4", width=320, height=240, duration=12.5),
            asset("ml2730", "poster", POSTER, mime="image/jpeg", width=200, height=300),
            asset("ml2730", "audio", AUDIO, mime="audio/wav", duration=10.0),
            asset("ml4973", "trailer", None, status="failed"),
            asset("ml4973", "poster", POSTER_AMELIE, mime="image/jpeg", width=200, height=300),
            asset("ml9999", "poster", sha("orphan"), mime="image/jpeg", width=10, height=10),
        ])
        upsert(con, "media_features", [
            feature(TRAILER, "keyframes", "ffmpeg-keyframes-v1"),
            feature(AUDIO, "logmel", "librosa-logmel-v1"),
            feature(POSTER, "poster", "pillow-poster-v1"),
            feature(POSTER_AMELIE, "poster", "pillow-poster-v1"),
        ])


@pytest.fixture()
def filled(warehouse: Warehouse) -> Warehouse:
    fill(warehouse)
    return warehouse


BARRY, AMELIE = RES["movie/ml2730"], RES["movie/ml4973"]
KUBRICK, BENICHOU = RES["person/stanley-kubrick"], RES["person/maurice-b%C3%A9nichou"]


def test_entity_style_nodes_classes_and_literals(filled: Warehouse) -> None:
    build_triples(KGConfig(), filled, BUILD)
    g = load_graph(filled, BUILD)

    assert (BARRY, RDF.type, MMKG.Movie) in g
    assert (AMELIE, MMKG.title, Literal(AMELIE_TITLE)) in g
    assert (AMELIE, RDFS.label, Literal(AMELIE_TITLE)) in g
    assert (BARRY, MMKG.year, Literal("1975", datatype=XSD.gYear)) in g
    assert (AMELIE, OWL.sameAs, URIRef("https://www.imdb.com/title/tt0211915/")) in g
    assert (BARRY, MMKG.directedBy, KUBRICK) in g and (KUBRICK, RDF.type, MMKG.Person) in g
    assert (KUBRICK, OWL.sameAs, URIRef("https://www.imdb.com/name/nm0000040/")) in g
    assert (BARRY, MMKG.starring, RES["person/ryan-oneal"]) in g
    assert (RES["person/ryan-oneal"], RDFS.label, Literal("Ryan O'Neal")) in g
    assert (BARRY, MMKG.hasGenre, RES["genre/drama"]) in g and (RES["genre/drama"], RDF.type, MMKG.Genre) in g
    assert (AMELIE, MMKG.starring, BENICHOU) in g
    assert (BENICHOU, RDFS.label, Literal("Maurice Bénichou")) in g
    # below min_confidence, failed media and dangling ids stay out
    assert (BARRY, MMKG.starring, RES["person/marisa-berenson"]) not in g
    assert not list(g.triples((AMELIE, MMKG.hasTrailer, None)))
    assert not list(g.triples((None, None, RES["person/nobody-known"])))

    trailer = RES[f"trailer/{TRAILER}"]
    assert (BARRY, MMKG.hasTrailer, trailer) in g and (trailer, RDF.type, MMKG.Trailer) in g
    assert (trailer, MMKG.contentSha256, Literal(TRAILER)) in g
    assert (trailer, MMKG.durationSeconds, Literal("12.5", datatype=XSD.double)) in g
    assert (BARRY, MMKG.hasAudio, RES[f"audio/{AUDIO}"]) in g
    assert (RES[f"audio/{AUDIO}"], RDF.type, MMKG.AudioClip) in g
    assert (AMELIE, MMKG.hasPoster, RES[f"poster/{POSTER_AMELIE}"]) in g


def test_duplicate_relations_keep_max_confidence_and_best_provenance(filled: Warehouse) -> None:
    build_triples(KGConfig(), filled, BUILD)
    with filled.connect() as con:
        rows = con.execute(
            "SELECT extractor, source_url, confidence FROM triples WHERE build_id = ? AND predicate = ?",
            [BUILD, f"<{MMKG.directedBy}>"],
        ).fetchall()
    assert sorted(rows) == [
        ("structured", f"{SITE}/movies/ml2730.html", 1.0),
        ("structured", f"{SITE}/movies/ml4973.html", 1.0),
    ]


def test_summary_counts_match_hand_check(filled: Warehouse) -> None:
    s = build_triples(KGConfig(), filled, BUILD)
    # movies 2×7, kept relations 10, entities 9×2 + 2 sameAs, media 7 + 6 + 5 + 6
    assert s.triples == 14 + 10 + 20 + 24
    assert s.literal_triples == 10 + 9 + 16
    assert (s.item_nodes, s.entity_nodes) == (2, 9)
    assert s.media_nodes == {"audio": 1, "poster": 2, "trailer": 1}
    assert s.entities == 15
    assert s.relations == 10  # 7 movie→entity properties + hasTrailer, hasPoster, hasAudio
    assert s.relations_below_confidence == 1
    assert s.errors == 2 and s.shacl_conforms is True and s.shacl_violations == 0
    assert s.shacl_violations_by_kind == {}
    with filled.connect() as con:
        errors = dict(con.execute("SELECT source, reason FROM errors WHERE stage = 'kg_build'").fetchall())
    assert "relation catered_by is not in the ontology" in errors["ml2730 catered_by person/stanley-kubrick"]
    assert "entity_id not in entities" in errors["ml4973 starring person/nobody-known"]
    # ml9999's poster belongs to no movie of this build: not read, so neither a node nor an error
    assert not any("ml9999" in source for source in errors)


def test_ntriples_file_parses_to_the_same_graph(filled: Warehouse, tmp_path: Path) -> None:
    summary = build_triples(KGConfig(), filled, BUILD)
    path = tmp_path / "out" / "graph.nt"
    count = write_ntriples(filled, BUILD, path)
    parsed = Graph().parse(path, format="nt")
    assert count == summary.triples == len(parsed) == len(path.read_text(encoding="utf-8").splitlines())
    assert set(parsed) == set(load_graph(filled, BUILD))


def test_literals_are_escaped(warehouse: Warehouse, tmp_path: Path) -> None:
    title = 'Back\\slash "quoted"\nsecond line\r\tend'
    crawled(warehouse, BUILD, ["wp-odd title"])
    with warehouse.transaction() as con:
        upsert(con, "movies", [movie("wp-odd title", title, 1999, 1, "tt0000001")])
    build_triples(KGConfig(validate=False), warehouse, BUILD)
    write_ntriples(warehouse, BUILD, tmp_path / "g.nt")
    g = Graph().parse(tmp_path / "g.nt", format="nt")
    assert (RES["movie/wp-odd%20title"], MMKG.title, Literal(title)) in g


def test_shacl_reports_a_starring_edge_to_a_genre(warehouse: Warehouse) -> None:
    fill(warehouse, [relation("ml2730", "starring", "genre/drama")])
    s = build_triples(KGConfig(), warehouse, BUILD)
    assert s.shacl_conforms is False and s.shacl_violations == 1
    assert s.shacl_violations_by_kind == {"ClassConstraintComponent": 1}
    with warehouse.connect() as con:
        reasons = [r for (r,) in con.execute(
            "SELECT reason FROM errors WHERE stage = 'kg_build' AND source LIKE ?",
            [f"{BARRY} {MMKG.starring} {RES['genre/drama']}"],
        ).fetchall()]
    assert len(reasons) == 1 and "starring must point to a Person" in reasons[0]


def test_attribute_style_puts_features_on_the_movie(filled: Warehouse) -> None:
    s = build_triples(KGConfig(style="attribute"), filled, BUILD)
    g = load_graph(filled, BUILD)
    assert s.media_nodes == {"audio": 0, "poster": 0, "trailer": 0}
    assert s.triples == 14 + 10 + 20 + 4 and s.relations == 7 and s.shacl_conforms
    assert not list(g.triples((None, MMKG.hasTrailer, None)))
    assert (BARRY, MMKG.trailerFeature, Literal(sha(f"{TRAILER}-keyframes"))) in g
    assert (BARRY, MMKG.audioFeature, Literal(sha(f"{AUDIO}-logmel"))) in g
    assert (AMELIE, MMKG.posterFeature, Literal(sha(f"{POSTER_AMELIE}-poster"))) in g


def test_rerun_replaces_the_build(filled: Warehouse) -> None:
    first = build_triples(KGConfig(), filled, BUILD)
    again = build_triples(KGConfig(), filled, BUILD)
    other = build_triples(KGConfig(style="attribute"), filled, "other-build")
    with filled.connect() as con:
        count, distinct = con.execute(
            "SELECT count(*), count(DISTINCT (subject, predicate, object)) FROM triples WHERE build_id = ?", [BUILD]
        ).fetchall()[0]
        errors = con.execute("SELECT count(*) FROM errors WHERE build_id = ?", [BUILD]).fetchall()[0][0]
    assert count == distinct == first.triples == again.triples and errors == first.errors
    assert other.triples == 48  # another build_id leaves this one alone
    restyled = build_triples(KGConfig(style="attribute"), filled, BUILD)
    assert restyled.triples == 48 and not list(load_graph(filled, BUILD).triples((None, MMKG.hasPoster, None)))


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError):
        KGConfig(style="nodes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        KGConfig(min_confidence=1.5)


def test_shared_poster_is_one_node(filled: Warehouse) -> None:
    with filled.transaction() as con:
        upsert(con, "media_assets", [asset("ml4973", "poster", POSTER, mime="image/jpeg", width=200, height=300)])
    s = build_triples(KGConfig(), filled, BUILD)
    g = load_graph(filled, BUILD)
    poster = RES[f"poster/{POSTER}"]
    assert s.media_nodes["poster"] == 1 and s.shacl_conforms
    assert set(g.subjects(MMKG.hasPoster, poster)) == {BARRY, AMELIE}
    assert len(list(g.triples((poster, None, None)))) == 5


def test_graph_holds_only_the_movies_of_its_build(filled: Warehouse) -> None:
    """A build is a snapshot: movies another build crawled (and their relations, media) stay out."""
    crawled(filled, "small-build", ["ml4973"])
    small = build_triples(KGConfig(), filled, "small-build")
    g = load_graph(filled, "small-build")
    assert small.item_nodes == 1 and set(g.subjects(RDF.type, MMKG.Movie)) == {AMELIE}
    assert not list(g.triples((BARRY, None, None))) and not list(g.triples((None, None, KUBRICK)))
    assert small.media_nodes == {"audio": 0, "poster": 1, "trailer": 0}
    full = build_triples(KGConfig(), filled, BUILD)
    assert full.item_nodes == 2 and full.triples > small.triples


def test_a_build_whose_crawl_saw_no_movie_is_refused(filled: Warehouse) -> None:
    with pytest.raises(ValueError, match="no movies in build_movies"):
        build_triples(KGConfig(), filled, "never-crawled")
    with filled.connect() as con:
        assert con.execute("SELECT count(*) FROM triples WHERE build_id = 'never-crawled'").fetchall()[0][0] == 0
