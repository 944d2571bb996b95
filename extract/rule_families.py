"""Which rule families a document can trigger, so bumping one family's version re-reads only
the documents that family could change.

Each family has a cheap prefilter over the document's cleaned text: the dependency rules need
a credit cue word (``cleaning.CUE``), the cast-list reader a text laid out as a cast list, the
film-phrase facts "based on", "is a <year>" or a release with its year. A document is stored as read by
``<model+component versions>[family=version or family:-, ...]`` ("-": its prefilter says the
family cannot fire there, so that family's version does not matter for it). A document counts
as unchanged when its text is unchanged and its stored marks, re-stamped with today's versions,
equal what is stored; a family missing from the marks (added since) re-reads it. Changing a
family's prefilter is a change of the whole component: bump its factory version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from extract.cast_list import is_cast_list
from extract.cleaning import CUE, FACT_CUE

FAMILIES: dict[str, Callable[[str], bool]] = {
    "sentence_rules": lambda text: bool(CUE.search(text)),
    "cast_list": is_cast_list,
    "film_facts": lambda text: bool(FACT_CUE.search(text)),
}
_NOT_TRIGGERED = ":-"


def check_versions(versions: Mapping[str, int]) -> None:
    """Every family, and only those, must have an integer version (a clear error otherwise)."""
    if set(versions) != set(FAMILIES):
        raise ValueError(f"rule_versions must name exactly the families {sorted(FAMILIES)}, got {sorted(versions)}")
    bad = {name: v for name, v in versions.items() if not isinstance(v, int) or isinstance(v, bool)}
    if bad:
        raise ValueError(f"rule_versions must be integers, got {bad}")


def reader_of(base: str, versions: Mapping[str, int], text: str) -> str:
    """What a document with this (cleaned) text is stored as read by."""
    marks = [f"{name}={versions[name]}" if FAMILIES[name](text) else name + _NOT_TRIGGERED for name in sorted(FAMILIES)]
    return f"{base}[{','.join(marks)}]"


def restamped(base: str, versions: Mapping[str, int], stored: str) -> str | None:
    """``stored`` with today's versions for the families it triggered; None when it was read by
    another base pipeline or did not check every family of today."""
    stored_base, _, rest = stored.partition("[")
    if stored_base != base or not rest.endswith("]"):
        return None
    marks = rest[:-1].split(",")
    names = {mark.split("=")[0].removesuffix(_NOT_TRIGGERED) for mark in marks}
    if names != set(FAMILIES):
        return None
    triggered = {mark.split("=")[0] for mark in marks if "=" in mark}
    return f"{base}[{','.join(f'{n}={versions[n]}' if n in triggered else n + _NOT_TRIGGERED for n in sorted(FAMILIES))}]"


def is_current(base: str, versions: Mapping[str, int], stored: str) -> bool:
    """Whether a document stored as read by ``stored`` (same text) needs no re-reading."""
    return restamped(base, versions, stored) == stored
