"""Cast lists read by their layout: one credited name per line, in billing order.

A cast section is a list ("Ryan O'Neal as Redmond Barry", "Sudhakar", "Bobby Astyr ... (archive
footage)", "Amna Ilyas - special appearance"): the name is the line's leading segment, whatever
the NER model makes of it, and the rest is the character. Lines need no parse, so the stage
reads them without spaCy. The infobox's "starring" is the top billing, so only the first
``lead_lines`` names are starring credits under the rule ``cast_list_lead``; the others are
kept under ``cast_list`` (its own, lower measured confidence), never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

LEAD_RULE = "cast_list_lead"
REST_RULE = "cast_list"
# A list needs this many lines, most of them shaped like a credit, to count as a cast list.
MIN_LINES = 3
MIN_SHARE = 0.6
MAX_NAME_WORDS = 5
# A longer line is prose ("Parvathi (Roja), a young woman, ...") unless it says "<name> as <role>"
# or is a table row ("Alfre Woodard  Sally Benbow  The hotel's publicist", cells two spaces or a tab apart).
MAX_PLAIN_LINE = 120

_BULLET = re.compile(r"^[\s*•#\-–—·]+")
# What may follow the name on its line: "as <role>", a dash, dots, a parenthesis, a comma, a colon, two spaces.
_SEPARATOR = re.compile(r"\s+as\s+|\s*\.\.\.+\s*|\s+[-–—]\s+|\s*[(:,]\s*|\s{2,}|\s*$")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÞĀ-Ž][\w'’.\-]*|[A-Z]\.(?:[A-Z]\.)*|(?:de|da|del|der|van|von|la|le|al|bin|ul|di|du|dos|y)|Jr\.?|Sr\.?|II|III)$")
_ROLE_START = re.compile(r"^\s+as\s+", re.I)
_DASH = re.compile(r"\s+[-–—]\s+")
_CHARACTER_SEPARATOR = re.compile(r"^\s*\.\.\.+\s*$|^\s+[-–—]\s+$")
MAX_CHARACTER_WORDS = 8


def _titled_character(rest: str) -> str | None:
    """The character after a dash or dots: a capitalised run up to a comma or bracket ("Andy
    Dufresne (as Tim Robbins)"); a lowercase note ("special appearance") is no character."""
    character = re.split(r"[,;(\[]", rest, maxsplit=1)[0].strip()
    if not character or not character[0].isupper() or len(character.split()) > MAX_CHARACTER_WORDS:
        return None
    return character


@dataclass(frozen=True)
class CastLine:
    """One credited name of a cast list; ``start``/``end`` are character offsets in the text."""

    name: str
    start: int
    end: int
    position: int                # 0 for the first name of the list
    character: str | None = None  # "X as Y": Y

    @property
    def evidence(self) -> str:
        return self.name + (f" as {self.character}" if self.character else "")


def _epithet_article(words: list[str], i: int) -> bool:
    """The "the" of a one-word name's epithet: "Larry the Cable Guy", "Andre the Giant" (as the
    prose reader keeps them, ``relation_rules._epithet_end``); not "Sir Robin the Brave" (two words before)."""
    return i == 1 and words[i] == "the" and i + 1 < len(words) and words[i + 1][:1].isupper()


def _name_of(line: str) -> tuple[str, str | None] | None:
    """(name, character) when the line opens with a name followed by a separator, else None."""
    for match in _SEPARATOR.finditer(line):
        name = line[:match.start()].strip()
        if not name:
            continue
        words = name.split()
        if len(words) > MAX_NAME_WORDS or not all(_NAME_WORD.match(w) or _epithet_article(words, i)
                                                  for i, w in enumerate(words)) or not words[0][0].isupper():
            return None
        if any(ch.isdigit() for ch in name) or any(w.lower().strip(".,'’") in STOP_WORDS and len(w) > 3 for w in words):
            return None  # "However, ..." opens prose, not a credit
        character = None
        separator = line[match.start():match.end()]
        role = bool(_ROLE_START.match(separator))
        cell = len(separator) > 1 and not separator.strip() and match.end() < len(line)  # a table row: cells apart
        if len(line) > MAX_PLAIN_LINE and not role and not cell:
            return None
        if role:
            character = re.split(r"[,;(]|\s[-–—]\s", line[match.end():], maxsplit=1)[0].strip() or None
        elif _CHARACTER_SEPARATOR.match(separator):  # "Tim Robbins ... Andy Dufresne", "Kajol – Simran"
            character = _titled_character(line[match.end():])
        elif cell:
            character = re.split(r"\s{2,}|\t", line[match.end():], maxsplit=1)[0].strip() or None
        return name, character
    return None


def _name_shaped(part: str) -> bool:
    words = part.split()
    return 0 < len(words) <= MAX_NAME_WORDS and all(_NAME_WORD.match(w) for w in words)


def _character_first(bodies: list[str]) -> bool:
    """"Elsa - Nora Aunor" lists: every dash line ends in a bare name and the right-hand names are
    the longer (actors' full names after characters' first names or roles), so the actor is on the right."""
    pairs = [_DASH.split(body.strip(), maxsplit=1) for body in bodies if _DASH.search(body)]
    if len(pairs) < MIN_LINES or len(pairs) < MIN_SHARE * len(bodies):
        return False
    if not all(len(p) == 2 and _name_shaped(p[1]) for p in pairs):
        return False
    return sum(len(p[1].split()) for p in pairs) > sum(len(p[0].split()) for p in pairs) + len(pairs) / 2


def cast_lines(text: str) -> list[CastLine]:
    """The names of ``text`` when it is laid out as a cast list, in order; [] when it is not."""
    found: list[CastLine] = []
    lines = 0
    position = 0
    rows = [m for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    bodies = [raw[b.end() if (b := _BULLET.match(raw)) else 0:] for raw in (m.group(0) for m in rows)]
    reversed_layout = _character_first(bodies)
    for match, body in zip(rows, bodies):
        raw = match.group(0)
        lines += 1
        body_start = len(raw) - len(body)
        if reversed_layout and _DASH.search(body):
            character, actor = _DASH.split(body.strip(), maxsplit=1)
            start = match.start() + body_start + body.rindex(actor)
            found.append(CastLine(actor, start, start + len(actor), position, character))
            position += 1
            continue
        read = _name_of(body)
        if read is None:
            continue
        name, character = read
        start = match.start() + body_start + raw[body_start:].index(name)
        found.append(CastLine(name, start, start + len(name), position, character))
        position += 1
    if lines < MIN_LINES or len(found) < MIN_SHARE * lines:
        return []
    return found


def is_cast_list(text: str) -> bool:
    """Whether ``text`` is laid out as a cast list (then it is read by layout, not parsed)."""
    return bool(cast_lines(text))


def credited(text: str, lead_lines: int) -> Iterator[tuple[CastLine, str]]:
    """(line, rule): the first ``lead_lines`` names are the top billing."""
    for line in cast_lines(text):
        yield line, LEAD_RULE if line.position < lead_lines else REST_RULE
