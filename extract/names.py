"""Name normalisation: one key per real-world name, however a page spells it."""

from __future__ import annotations

import re
import unicodedata

_QUALIFIER = re.compile(r"\s*\([^)]*\)")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NON_WORD = re.compile(r"[\W_]+")


def display_name(surface: str) -> str:
    """The spelling worth showing: NFKC, no "(actor)"-style qualifier, single spaces."""
    text = unicodedata.normalize("NFKC", surface)
    text = _QUALIFIER.sub(" ", text)
    return " ".join(text.split())


def alias_form(surface: str) -> str:
    """A surface form as stored in entity_aliases: case and spacing folded, accents kept."""
    return " ".join(unicodedata.normalize("NFKC", surface).casefold().split())


def name_key(surface: str) -> str:
    """Matching key: casefolded, accents and punctuation gone, so "Núria" == "nuria"."""
    text = display_name(surface).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def entity_id(kind: str, key: str) -> str:
    """``<kind lowercase>/<slug>``, e.g. ``person/stanley-kubrick``."""
    return f"{kind.lower()}/{key.replace(' ', '-')}"
