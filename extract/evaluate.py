"""Extraction quality: text relations scored against the structured (infobox) relations."""

from __future__ import annotations

from typing import Any

from extract.relation_rules import EXTRACTOR
from extract.structured import STRUCTURED
from warehouse import Warehouse

SCORED_RELATIONS = ("directed_by", "starring", "written_by")

_COUNTS_SQL = """
WITH scored_movies AS (SELECT DISTINCT movie_id FROM documents WHERE kind = 'article'),
gold AS (
    SELECT DISTINCT r.movie_id, r.relation, r.entity_id FROM relations r JOIN scored_movies USING (movie_id)
    WHERE r.extractor = ? AND r.relation IN ?),
predicted AS (
    SELECT DISTINCT r.movie_id, r.relation, r.entity_id FROM relations r JOIN scored_movies USING (movie_id)
    WHERE r.extractor = ? AND r.relation IN ?)
SELECT relation,
       count(*) FILTER (WHERE g.entity_id IS NOT NULL AND p.entity_id IS NOT NULL) AS true_positives,
       count(p.entity_id) AS predicted,
       count(g.entity_id) AS gold
FROM gold g FULL OUTER JOIN predicted p USING (movie_id, relation, entity_id)
GROUP BY relation
"""


def score_relations(warehouse: Warehouse) -> dict[str, dict[str, float]]:
    """Per relation precision, recall, F1 and support (gold count) over movies with an article.

    Gold is what the structured fields state; the prediction is what ``spacy-rules-v1`` read
    in the text. Infoboxes list people the prose never names, so recall has a ceiling < 1.
    """
    with warehouse.connect() as con:
        rows = con.execute(_COUNTS_SQL, [STRUCTURED, list(SCORED_RELATIONS), EXTRACTOR, list(SCORED_RELATIONS)]).fetchall()
    counts: dict[str, tuple[int, int, int]] = {relation: (0, 0, 0) for relation in SCORED_RELATIONS}
    counts.update({relation: (tp, predicted, gold) for relation, tp, predicted, gold in rows})
    return {relation: _scores(*counts[relation]) for relation in SCORED_RELATIONS}


def _scores(true_positives: int, predicted: int, gold: int) -> dict[str, Any]:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": gold}
