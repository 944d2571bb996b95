"""Entity resolution: every spelling of a real-world thing maps to one node."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from extract.names import alias_form, display_name, entity_id, name_key
from mmkg.place_names import canonical_country, canonical_language

# Kinds whose names have one canonical spelling across languages and codes (mmkg.place_names).
CANONICAL_NAMES = {"Country": canonical_country, "Language": canonical_language}


def canonical_name(kind: str, surface: str) -> str:
    """``surface`` in its canonical spelling for countries and languages ("Deutschland" -> "Germany")."""
    canonical = CANONICAL_NAMES.get(kind)
    return canonical(surface) if canonical else surface

_IMDB_PERSON = re.compile(r"^nm\d+$")
_WIKIDATA = re.compile(r"^Q\d+$")


def _initials(key: str) -> tuple[str, ...]:
    return tuple(word for word in key.split() if len(word) == 1)


def _without_initials(key: str) -> str:
    return " ".join(word for word in key.split() if len(word) > 1)


class EntityResolver:
    """Knows the entities met so far and decides which one a surface form means.

    A full name resolves by its key anywhere; a bare surname (or other trailing part of a
    name) resolves only inside a context (the people of one movie) where exactly one
    known person ends that way, so "Hill" in one film never swallows every other Hill.
    An external id (IMDb ``nm…``, Wikidata ``Q…``) decides over the name: one id is one node
    however it is spelled, and one name with two different ids is two nodes. A middle initial
    may be missing ("Robert J. Wilke" = "Robert Wilke") but never contradict ("John A. Smith"
    is not "John B. Smith").
    """

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], str] = {}
        self._kind: dict[str, str] = {}
        self._tokens: dict[str, tuple[str, ...]] = {}
        self._spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self._stored_name: dict[str, str] = {}
        self._external: dict[str, dict[str, str]] = defaultdict(dict)
        self._aliases: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._context: dict[str, set[str]] = defaultdict(set)
        self._by_external: dict[tuple[str, str], str] = {}
        self._by_loose: dict[tuple[str, str], set[str]] = defaultdict(set)

    def _new(self, kind: str, key: str, eid: str) -> None:
        self._kind[eid] = kind
        self._tokens[eid] = tuple(key.split())
        self._aliases[(key, kind)].add(eid)
        loose = _without_initials(key)
        if len(loose.split()) > 1:
            self._by_loose[(kind, loose)].add(eid)

    def _by_initials(self, kind: str, key: str) -> str | None:
        """The one entity whose name differs from ``key`` only by initials one of them lacks."""
        loose = _without_initials(key)
        if len(loose.split()) < 2:
            return None
        mine = set(_initials(key))
        matches = {eid for eid in self._by_loose.get((kind, loose), ())
                   if (theirs := set(_initials(" ".join(self._tokens[eid])))) <= mine or mine <= theirs}
        return matches.pop() if len(matches) == 1 else None

    def _conflicts(self, eid: str, external_id: str) -> bool:
        field = "imdb_id" if _IMDB_PERSON.match(external_id) else "wikidata_id" if _WIKIDATA.match(external_id) else None
        known = self._external.get(eid, {}).get(field) if field else None
        return known is not None and known != external_id

    def register(
        self, kind: str, surface: str, movie_id: str | None = None, external_id: str | None = None
    ) -> str | None:
        """Add one sighting of a named thing; returns its entity_id (None for an empty name)."""
        written, surface = surface, canonical_name(kind, surface)
        key = name_key(surface)
        if not key:
            return None
        external_id = (external_id or "").strip() or None
        eid = self._by_external.get((kind, external_id)) if external_id else None
        if eid is None:
            eid = self._by_key.get((kind, key)) or self._by_initials(kind, key)
            if eid is not None and external_id and self._conflicts(eid, external_id):
                eid = f"{entity_id(kind, key)}-{external_id.lower()}"  # a namesake: its own node
                if eid not in self._kind:
                    self._new(kind, key, eid)
        if eid is None:
            eid = entity_id(kind, key)
            self._by_key[(kind, key)] = eid
            self._new(kind, key, eid)
        self._spellings[eid][display_name(surface)] += 1
        self.add_alias(eid, surface)
        if written != surface:
            self.add_alias(eid, written)
        if external_id:
            self._set_external(eid, external_id)
            self._by_external.setdefault((kind, external_id), eid)
        if movie_id is not None:
            self._context[movie_id].add(eid)
        return eid

    def load(self, rows: Iterable[dict[str, Any]]) -> None:
        """Know entities stored by earlier builds (entity_id, kind, name, imdb_id, wikidata_id)."""
        for row in rows:
            eid, kind = row["entity_id"], row["kind"]
            key = name_key(row["name"])
            if not key or (kind, key) in self._by_key:
                continue
            self._by_key[(kind, key)] = eid
            self._new(kind, key, eid)
            self._stored_name[eid] = row["name"]
            for field in ("imdb_id", "wikidata_id"):
                if row.get(field):
                    self._external[eid][field] = row[field]
                    self._by_external.setdefault((kind, row[field]), eid)

    def add_alias(self, eid: str, surface: str) -> None:
        """Remember that ``surface`` was seen meaning ``eid``."""
        alias = alias_form(surface)
        if alias:
            self._aliases[(alias, self._kind[eid])].add(eid)

    def resolve(self, kind: str, surface: str, context: Collection[str] = ()) -> str | None:
        """The entity ``surface`` means: exact key first, then a unique trailing-name match in ``context``."""
        key = name_key(canonical_name(kind, surface))
        if not key:
            return None
        eid = self._by_key.get((kind, key)) or self._by_initials(kind, key)
        if eid is not None:
            return eid
        tokens = tuple(key.split())
        matches = {
            candidate for candidate in context
            if self._kind.get(candidate) == kind
            and len(self._tokens[candidate]) > len(tokens)
            and self._tokens[candidate][-len(tokens):] == tokens
        }
        return matches.pop() if len(matches) == 1 else None

    def resolve_trailing(self, kind: str, surface: str, context: Collection[str]) -> bool:
        """Whether ``surface`` ends the name of any entity in ``context`` (resolvable or ambiguous)."""
        tokens = tuple(name_key(surface).split())
        return bool(tokens) and any(
            self._kind.get(c) == kind and len(self._tokens[c]) > len(tokens) and self._tokens[c][-len(tokens):] == tokens
            for c in context)

    def attach(self, movie_id: str, eid: str) -> None:
        """Count ``eid`` among the movie's people, so its surname resolves in the movie's other texts."""
        self._context[movie_id].add(eid)

    def people_of(self, movie_id: str) -> set[str]:
        """Entities registered for one movie: the context for surname resolution."""
        return set(self._context.get(movie_id, ()))

    def spellings(self, kind: str) -> dict[str, list[str]]:
        """entity_id -> every display spelling seen (or the stored name) of one kind."""
        return {
            eid: list(self._spellings[eid]) if self._spellings.get(eid) else [self._stored_name[eid]]
            for eid, k in sorted(self._kind.items()) if k == kind
        }

    def name_of(self, eid: str) -> str:
        """The most frequent spelling seen (first seen wins ties), else the stored name."""
        spellings = self._spellings.get(eid)
        if spellings:
            return spellings.most_common(1)[0][0]
        return self._stored_name[eid]

    def entity_rows(self, build_id: str) -> list[dict[str, Any]]:
        """``entities`` rows, named by the most frequent spelling so one odd page does not rename a node."""
        return [
            {"entity_id": eid, "kind": kind, "name": self.name_of(eid),
             "imdb_id": self._external[eid].get("imdb_id"),
             "wikidata_id": self._external[eid].get("wikidata_id"), "build_id": build_id}
            for eid, kind in sorted(self._kind.items())
        ]

    def alias_rows(self) -> list[dict[str, str]]:
        """Unambiguous aliases only: an alias claimed by two entities of one kind names neither."""
        return [
            {"alias": alias, "kind": kind, "entity_id": next(iter(eids))}
            for (alias, kind), eids in sorted(self._aliases.items()) if len(eids) == 1
        ]

    def _set_external(self, eid: str, external_id: str) -> None:
        if _IMDB_PERSON.match(external_id):
            self._external[eid]["imdb_id"] = external_id
        elif _WIKIDATA.match(external_id):
            self._external[eid]["wikidata_id"] = external_id
