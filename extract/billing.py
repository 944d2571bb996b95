"""Per-film billing cut: a star list in a film's prose ("It stars A, B and C") is its top billing.

An infobox's "starring" keeps the top-billed actors, while a cast section lists the whole cast
in order. When the prose of a film names at least ``billing_list_names`` stars in star lists (0: never),
the cast-list lines among the first ``lead_cast_lines`` that no such list names are past the
billing: they are measured under their own rule, ``cast_list_past_lead`` (on the dev half their
precision is well below that of the lines of a film whose prose has no star list), instead of
``cast_list_lead``. The lead and the cast section are separate documents, so the cut runs on
the findings of a whole film, after all its documents are read (``stage`` reads a film whole).
"""

from __future__ import annotations

from collections import defaultdict

from extract.cast_list import LEAD_RULE
from extract.relation_rules import RelationRules
from extract.relations import STARRING
from extract.text import TextFindings

# Rules that read a prose star list ("stars A, B and C", "starring A and B", a surface star list).
LEAD_LIST_RULES = frozenset({"star_object", "star_list", "star_surface"})
PAST_LEAD_RULE = "cast_list_past_lead"


def billed_stars(findings: TextFindings) -> dict[str, set[str]]:
    """movie_id -> the people a prose star list credits (whatever rule won their row)."""
    stars: dict[str, set[str]] = defaultdict(set)
    for (movie_id, relation, entity_id), rules in findings.rules_seen.items():
        if relation == STARRING and any(rule.split(":")[0] in LEAD_LIST_RULES for rule in rules):
            stars[movie_id].add(entity_id)
    return stars


def cut_past_lead(findings: TextFindings, rules: RelationRules, min_confidence: float) -> int:
    """Move the cast-list lines past each film's prose star list to ``PAST_LEAD_RULE`` (dropped
    when its measured confidence is below ``min_confidence``); returns how many lines moved."""
    if rules.billing_list_names == 0:  # the cut is off
        return 0
    stars = billed_stars(findings)
    confidence = rules.confidence(STARRING, PAST_LEAD_RULE)
    moved = 0
    for key, row in list(findings.relations.items()):
        movie_id, relation, entity_id = key
        billed = stars.get(movie_id, set())
        if relation != STARRING or row["rule"] != LEAD_RULE or len(billed) < rules.billing_list_names or entity_id in billed:
            continue
        moved += 1
        if confidence < min_confidence:
            del findings.relations[key]
        else:
            findings.relations[key] = {**row, "rule": PAST_LEAD_RULE, "confidence": confidence}
    return moved
