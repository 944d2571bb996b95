"""Text modality and Turtle graph of an export.

``text_feat.npy`` (MMRec) and ``text`` in features.safetensors are one matrix row-aligned to
item_idx: TF-IDF over each item's text (title, genres, description, crawled documents) reduced
by a seeded TruncatedSVD, so the same warehouse gives the same bytes. ``graph.ttl`` is the build's
graph in Turtle with the ontology's prefixes, one statement per subject.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
from rdflib import RDF
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from kg_build.vocabulary import MMKG, RESOURCE_BASE
from warehouse.store import sql_string

TEXT_DIM = 64  # target width of the text features (smaller only when the data cannot support it)
TEXT_MAX_FEATURES = 20_000  # vocabulary cap of the TF-IDF step
TEXT_SEED = 0

# One text per item, in item_idx order (the export's x_items): title, genres, the page's
# description, then the crawled documents (description, article) in a fixed order.
ITEM_TEXT_SQL = """
WITH genres AS (
    SELECT movie_id, string_agg(value, ', ' ORDER BY value) AS genres
    FROM movie_attributes SEMI JOIN x_items USING (movie_id) WHERE attribute = 'genre' GROUP BY movie_id
),
docs AS (  -- a document repeating the movie's description adds nothing
    SELECT d.movie_id, string_agg(d.text, chr(10) ORDER BY d.kind, d.url) AS docs
    FROM documents d JOIN movies m USING (movie_id) SEMI JOIN x_items i ON i.movie_id = d.movie_id
    WHERE d.text IS DISTINCT FROM m.description GROUP BY d.movie_id
)
SELECT concat_ws(chr(10), m.title, g.genres, m.description, d.docs) AS text
FROM x_items i JOIN movies m USING (movie_id) LEFT JOIN genres g USING (movie_id) LEFT JOIN docs d USING (movie_id)
ORDER BY i.item_idx
"""


def read_item_texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Read inside the export's snapshot connection, so texts match the items it read."""
    return [text or "" for (text,) in con.execute(ITEM_TEXT_SQL).fetchall()]


def text_features(texts: list[str], dim: int = TEXT_DIM, seed: int = TEXT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """[N, D] float32 LSA features and the has_text mask; rows without any term are zeros.

    D is ``dim`` when the data allows it (TruncatedSVD needs D < min(items, terms)); with fewer
    items or terms it shrinks, and with no usable term at all the matrix is [N, 1] zeros.
    """
    n = len(texts)
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", min_df=1, max_features=TEXT_MAX_FEATURES, dtype=np.float64
    )
    try:
        tfidf = vectorizer.fit_transform(texts)
    except ValueError:  # no items, or no item has a single non-stop-word term
        return np.zeros((n, 1), dtype=np.float32), np.zeros(n, dtype=bool)
    has_text = np.diff(tfidf.indptr) > 0
    n_terms = tfidf.shape[1]
    k = min(dim, n - 1, n_terms - 1)
    if k >= 1:
        svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=7, random_state=seed)
        matrix = svd.fit_transform(tfidf)
    else:  # one item or one term: the (tiny) TF-IDF matrix itself, cut to dim columns
        matrix = tfidf[:, :dim].toarray()
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    matrix[~has_text] = 0.0
    return matrix, has_text


# N-Triples terms are Turtle terms: each subject's triples become one statement, ontology terms
# become mmkg: names and rdf:type "a"; resource IRIs (res:movie/ml1 is no prefixed name) stay full.
_TURTLE_SQL = """
WITH terms AS (
    SELECT subject,
           CASE WHEN predicate = $rdf_type THEN 'a' ELSE regexp_replace(predicate, $mmkg_term, 'mmkg:\\1') END AS p,
           CASE WHEN object_is_literal THEN object ELSE regexp_replace(object, $mmkg_term, 'mmkg:\\1') END AS o,
           predicate, object
    FROM triples WHERE build_id = $build_id
)
SELECT line FROM (
    SELECT 0 AS part, '' AS subject, $prefixes AS line
    UNION ALL
    SELECT 1, subject, subject || ' ' || string_agg(p || ' ' || o, ' ;' || chr(10) || '    '
                                                    ORDER BY predicate, object) || ' .'
    FROM terms GROUP BY subject
) ORDER BY part, subject
"""


def write_graph_turtle(con: duckdb.DuckDBPyConnection, build_id: str, target: Path) -> None:
    """The build's triples as Turtle with mmkg: / res: declared, written by DuckDB COPY.

    rdflib's parse + serialise took 86 % of a 1,500-movie export; this is one query."""
    prefixes = f"@prefix mmkg: <{MMKG}> .\n@prefix res: <{RESOURCE_BASE}> .\n"
    params = {"build_id": build_id, "rdf_type": f"<{RDF.type}>", "prefixes": prefixes,
              "mmkg_term": "^<" + str(MMKG).replace(".", "\\.") + "([A-Za-z][A-Za-z0-9_]*)>$"}
    copy = f"COPY ({_TURTLE_SQL}) TO {sql_string(target.as_posix())} " \
           "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER chr(1))"
    con.execute(copy, params)
