"""Assemble one build's triples in DuckDB SQL.

N-Triples terms are made with string functions inside the database, so a build of
hundreds of thousands of triples never passes through Python row by row. Rows that
cannot become valid triples are staged as rejects (source, reason) for the errors table.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
from rdflib import OWL, RDF, RDFS, XSD

from kg_build.config import Style
from kg_build.vocabulary import (
    IMDB_NAME_BASE,
    IMDB_TITLE_BASE,
    MMKG,
    RESOURCE_BASE,
    WIKIDATA_BASE,
    Vocabulary,
    nt,
)

STAGE = "kg_build"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# Term builders. N-Triples string escaping: backslash first, then quote and line breaks.
_MACROS = rf"""
CREATE OR REPLACE TEMP MACRO kg_node(kind, id) AS
    '<' || {_sql_string(RESOURCE_BASE)} || url_encode(kind) || '/' || url_encode(id) || '>';
CREATE OR REPLACE TEMP MACRO kg_entity_node(entity_id) AS
    kg_node(split_part(entity_id, '/', 1), substr(entity_id, strpos(entity_id, '/') + 1));
CREATE OR REPLACE TEMP MACRO nt_string(s) AS
    '"' || replace(replace(replace(replace(replace(s, '\', '\\'), '"', '\"'),
                                        chr(10), '\n'), chr(13), '\r'), chr(9), '\t') || '"';
CREATE OR REPLACE TEMP MACRO nt_typed(lexical, datatype) AS '"' || lexical || '"^^' || datatype;
CREATE OR REPLACE TEMP MACRO is_sha256(s) AS coalesce(regexp_full_match(s, '[0-9a-f]{{64}}'), false);
"""

_STAGING_TABLES = """
CREATE OR REPLACE TEMP TABLE kg_staged (
    subject VARCHAR, predicate VARCHAR, object VARCHAR, object_is_literal BOOLEAN,
    extractor VARCHAR, source_url VARCHAR, confidence DOUBLE);
CREATE OR REPLACE TEMP TABLE kg_rejects (source VARCHAR, reason VARCHAR);
"""

# The build's snapshot: the movies its crawl saw (build_movies). Relations and media of
# any other movie in the working tables belong to other builds and are not read.
_SCOPE = """
CREATE OR REPLACE TEMP TABLE kg_scope AS
SELECT m.* FROM movies m SEMI JOIN build_movies b ON b.movie_id = m.movie_id AND b.build_id = $build_id;
"""

_MOVIE_TRIPLES = """
CREATE OR REPLACE TEMP TABLE kg_movies AS
SELECT kg_node('movie', movie_id) AS node, movie_id, url, title, year, movielens_id, imdb_id,
       CASE WHEN regexp_full_match(imdb_id, 'tt[0-9]+') THEN imdb_id
            WHEN regexp_full_match(imdb_id, '[0-9]+') THEN 'tt' || lpad(imdb_id, 7, '0') END AS imdb
FROM kg_scope;

INSERT INTO kg_rejects
SELECT url, 'movie ' || movie_id || ': year ' || year || ' is not a 4-digit year' FROM kg_movies
WHERE year NOT BETWEEN 1 AND 9999
UNION ALL
SELECT url, 'movie ' || movie_id || ': imdb_id ' || imdb_id || ' is not a tt… id' FROM kg_movies
WHERE imdb_id IS NOT NULL AND imdb IS NULL;

INSERT INTO kg_staged (subject, predicate, object, object_is_literal, source_url)
SELECT node, t.p_type, t.c_movie, false, url FROM kg_movies, kg_terms t
UNION ALL SELECT node, t.p_title, nt_string(title), true, url FROM kg_movies, kg_terms t
UNION ALL SELECT node, t.p_label, nt_string(title), true, url FROM kg_movies, kg_terms t
UNION ALL SELECT node, t.p_year, nt_typed(lpad(year::VARCHAR, 4, '0'), t.xsd_gyear), true, url
    FROM kg_movies, kg_terms t WHERE year BETWEEN 1 AND 9999
UNION ALL SELECT node, t.p_movielens_id, nt_typed(movielens_id::VARCHAR, t.xsd_integer), true, url
    FROM kg_movies, kg_terms t WHERE movielens_id IS NOT NULL
UNION ALL SELECT node, t.p_imdb_id, nt_string(imdb), true, url
    FROM kg_movies, kg_terms t WHERE imdb IS NOT NULL
UNION ALL SELECT node, t.p_same_as, '<' || t.imdb_title_base || imdb || '/>', false, url
    FROM kg_movies, kg_terms t WHERE imdb IS NOT NULL;
"""

# One row per (movie, relation, entity): the most confident extractor wins, structured
# fields break ties, then names, so the choice is deterministic.
_RELATION_TRIPLES = """
CREATE OR REPLACE TEMP TABLE kg_relations AS
WITH best AS (
    SELECT movie_id, relation, entity_id, extractor, source_url, confidence FROM relations
    SEMI JOIN kg_scope USING (movie_id)
    QUALIFY row_number() OVER (
        PARTITION BY movie_id, relation, entity_id
        ORDER BY confidence DESC, (extractor = 'structured') DESC, extractor, source_url) = 1
)
SELECT b.*, rt.predicate, e.kind, et.class_term,
       CASE WHEN rt.predicate IS NULL THEN 'relation ' || b.relation || ' is not in the ontology'
            WHEN e.entity_id IS NULL THEN 'entity_id not in entities'
            WHEN strpos(b.entity_id, '/') = 0 THEN 'entity_id is not <kind>/<slug>'
            WHEN et.class_term IS NULL THEN 'entity kind ' || e.kind || ' is not in the ontology'
       END AS problem
FROM best b
LEFT JOIN kg_relation_terms rt USING (relation)
LEFT JOIN entities e USING (entity_id)
LEFT JOIN kg_entity_terms et ON et.kind = e.kind;

INSERT INTO kg_rejects
SELECT movie_id || ' ' || relation || ' ' || entity_id, problem || ' (from ' || source_url || ')'
FROM kg_relations WHERE problem IS NOT NULL;

CREATE OR REPLACE TEMP TABLE kg_kept_relations AS
SELECT * FROM kg_relations WHERE problem IS NULL AND confidence >= $min_confidence;

INSERT INTO kg_staged
SELECT kg_node('movie', movie_id), predicate, kg_entity_node(entity_id), false,
       extractor, source_url, confidence
FROM kg_kept_relations;

CREATE OR REPLACE TEMP TABLE kg_entities AS
SELECT kg_entity_node(e.entity_id) AS node, e.name, k.class_term,
       CASE WHEN regexp_full_match(e.imdb_id, 'nm[0-9]+') THEN e.imdb_id END AS imdb,
       CASE WHEN regexp_full_match(e.wikidata_id, 'Q[0-9]+') THEN e.wikidata_id END AS wikidata
FROM entities e JOIN (SELECT DISTINCT entity_id, class_term FROM kg_kept_relations) k USING (entity_id);

INSERT INTO kg_staged (subject, predicate, object, object_is_literal)
SELECT node, t.p_type, class_term, false FROM kg_entities, kg_terms t
UNION ALL SELECT node, t.p_label, nt_string(name), true FROM kg_entities, kg_terms t
UNION ALL SELECT node, t.p_same_as, '<' || t.imdb_name_base || imdb || '/>', false
    FROM kg_entities, kg_terms t WHERE imdb IS NOT NULL
UNION ALL SELECT node, t.p_same_as, '<' || t.wikidata_base || wikidata || '>', false
    FROM kg_entities, kg_terms t WHERE wikidata IS NOT NULL;
"""

_MEDIA_ROWS = """
CREATE OR REPLACE TEMP TABLE kg_media AS
SELECT a.*, kg_node('movie', a.movie_id) AS movie_node, kg_node(a.kind, a.content_sha256) AS node,
       mt.class_term, mt.link_term, mt.feature_term,
       CASE WHEN mt.kind IS NULL THEN 'media kind ' || a.kind || ' is not in the ontology'
            WHEN NOT is_sha256(a.content_sha256) THEN 'content_sha256 is not a sha256 hex digest'
       END AS problem
FROM media_assets a
SEMI JOIN kg_scope USING (movie_id)
LEFT JOIN kg_media_terms mt ON mt.kind = a.kind
WHERE a.status = 'ok';

INSERT INTO kg_rejects
SELECT source_url, kind || ' of ' || movie_id || ': ' || problem FROM kg_media WHERE problem IS NOT NULL;
"""

# Entity-based style: each asset is a node with its own literals, linked from the movie.
_MEDIA_NODE_TRIPLES = """
INSERT INTO kg_staged (subject, predicate, object, object_is_literal, source_url)
WITH ok AS (SELECT * FROM kg_media WHERE problem IS NULL)
SELECT movie_node, link_term, node, false, source_url FROM ok
UNION ALL SELECT node, t.p_type, class_term, false, source_url FROM ok, kg_terms t
UNION ALL SELECT node, t.p_content_sha256, nt_string(content_sha256), true, source_url FROM ok, kg_terms t
UNION ALL SELECT node, t.p_mime_type, nt_string(mime), true, source_url
    FROM ok, kg_terms t WHERE mime IS NOT NULL
UNION ALL SELECT node, t.p_width, nt_typed(width::VARCHAR, t.xsd_integer), true, source_url
    FROM ok, kg_terms t WHERE width > 0
UNION ALL SELECT node, t.p_height, nt_typed(height::VARCHAR, t.xsd_integer), true, source_url
    FROM ok, kg_terms t WHERE height > 0
UNION ALL SELECT node, t.p_duration_seconds, nt_typed(duration_s::VARCHAR, t.xsd_double), true, source_url
    FROM ok, kg_terms t WHERE isfinite(duration_s) AND duration_s >= 0;
"""

# Attribute-based style: each feature blob of an asset is a literal of the movie node.
_MEDIA_FEATURE_TRIPLES = """
INSERT INTO kg_staged (subject, predicate, object, object_is_literal, extractor, source_url)
SELECT a.movie_node, a.feature_term, nt_string(f.blob_sha256), true, f.extractor, a.source_url
FROM kg_media a JOIN media_features f ON f.content_sha256 = a.content_sha256
WHERE a.problem IS NULL AND is_sha256(f.blob_sha256);
"""

# The same triple staged twice (a poster shared by two movies) is stored once, with the
# most confident provenance. The build's old triples are merged, not deleted and re-inserted:
# a re-run then touches only what changed instead of rebuilding the primary-key index.
_REPLACE_BUILD = """
CREATE OR REPLACE TEMP TABLE kg_final AS
SELECT subject, predicate, object, provenance.*
FROM (
    SELECT subject, predicate, object,
           arg_min(struct_pack(object_is_literal, extractor, source_url, confidence),
                   (confidence IS NULL, -coalesce(confidence, 0), extractor IS NULL, coalesce(extractor, ''),
                    source_url IS NULL, coalesce(source_url, ''))) AS provenance
    FROM kg_staged GROUP BY subject, predicate, object
);
DELETE FROM triples t WHERE t.build_id = $build_id AND NOT EXISTS (
    SELECT 1 FROM kg_final f
    WHERE f.subject = t.subject AND f.predicate = t.predicate AND f.object = t.object);
UPDATE triples t
SET object_is_literal = f.object_is_literal, extractor = f.extractor,
    source_url = f.source_url, confidence = f.confidence
FROM kg_final f
WHERE t.build_id = $build_id
  AND t.subject = f.subject AND t.predicate = f.predicate AND t.object = f.object
  AND (t.extractor IS DISTINCT FROM f.extractor OR t.source_url IS DISTINCT FROM f.source_url
       OR t.confidence IS DISTINCT FROM f.confidence);
INSERT INTO triples
SELECT $build_id, f.subject, f.predicate, f.object, f.object_is_literal, f.extractor, f.source_url, f.confidence
FROM kg_final f
ANTI JOIN (SELECT subject, predicate, object FROM triples WHERE build_id = $build_id) t
    USING (subject, predicate, object);
DELETE FROM errors WHERE build_id = $build_id AND stage = 'kg_build';
INSERT INTO errors (build_id, stage, source, reason)
SELECT $build_id, 'kg_build', source, string_agg(DISTINCT reason, '; ' ORDER BY reason)
FROM kg_rejects GROUP BY source;
"""


def _term_tables(vocab: Vocabulary) -> dict[str, pa.Table]:
    """The ontology's terms as small tables the SQL joins against."""
    constants = {
        "p_type": RDF.type,
        "p_label": RDFS.label,
        "p_same_as": OWL.sameAs,
        "c_movie": MMKG.Movie,
        "p_title": MMKG.title,
        "p_year": MMKG.year,
        "p_movielens_id": MMKG.movielensId,
        "p_imdb_id": MMKG.imdbId,
        "p_content_sha256": MMKG.contentSha256,
        "p_mime_type": MMKG.mimeType,
        "p_width": MMKG.width,
        "p_height": MMKG.height,
        "p_duration_seconds": MMKG.durationSeconds,
        "xsd_gyear": XSD.gYear,
        "xsd_integer": XSD.integer,
        "xsd_double": XSD.double,
    }
    terms = {name: [nt(iri)] for name, iri in constants.items()}
    terms |= {
        "imdb_title_base": [IMDB_TITLE_BASE],
        "imdb_name_base": [IMDB_NAME_BASE],
        "wikidata_base": [WIKIDATA_BASE],
    }
    return {
        "kg_terms": pa.table(terms),
        "kg_relation_terms": pa.table({
            "relation": list(vocab.relation_properties),
            "predicate": [nt(p) for p in vocab.relation_properties.values()],
        }),
        "kg_entity_terms": pa.table({
            "kind": list(vocab.entity_classes),
            "class_term": [nt(c) for c in vocab.entity_classes.values()],
        }),
        "kg_media_terms": pa.table({
            "kind": [m.kind for m in vocab.media.values()],
            "class_term": [nt(m.node_class) for m in vocab.media.values()],
            "link_term": [nt(m.link_property) for m in vocab.media.values()],
            "feature_term": [nt(m.feature_property) for m in vocab.media.values()],
        }),
    }


def _run_script(con: duckdb.DuckDBPyConnection, script: str, params: dict[str, object]) -> None:
    """Run statements one by one: DuckDB binds parameters only in a single statement."""
    for statement in filter(str.strip, script.split(";\n")):
        used = {name: value for name, value in params.items() if f"${name}" in statement}
        con.execute(statement, used)


def assemble(
    con: duckdb.DuckDBPyConnection,
    vocab: Vocabulary,
    build_id: str,
    style: Style,
    min_confidence: float,
) -> None:
    """Replace the build's triples and its kg_build error rows, inside the caller's transaction.

    The term tables and temp tables live as long as the caller's (short-lived) connection."""
    for name, table in _term_tables(vocab).items():
        con.register(name, table)
    media_triples = _MEDIA_NODE_TRIPLES if style == "entity" else _MEDIA_FEATURE_TRIPLES
    params = {"build_id": build_id, "min_confidence": min_confidence}
    for script in (_MACROS, _STAGING_TABLES, _SCOPE, _MOVIE_TRIPLES, _RELATION_TRIPLES, _MEDIA_ROWS,
                   media_triples, _REPLACE_BUILD):
        _run_script(con, script, params)
