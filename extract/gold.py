"""Gold data for extraction quality: real Wikipedia film articles.

Each ``{{Infobox film}}`` gives the gold names per relation (``GOLD_FIELDS``); the article's
lead plus plot sections and its cast sections (those the crawl keeps) are the texts the predictor reads, so
``evaluate`` can compare what the rules read with what the infobox states.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import mwparserfromhell
from mwparserfromhell.wikicode import Wikicode

from crawl.wiki_article import PLOT_SECTIONS
from crawl.wikitext import cast_of_article
from extract.relations import (
    BASED_ON, CINEMATOGRAPHY_BY, DIRECTED_BY, DISTRIBUTED_BY, EDITED_BY, IN_LANGUAGE, MADE_BY, MUSIC_BY, PRODUCED_BY,
    PRODUCED_IN, RELEASE_YEAR, STARRING, WRITTEN_BY,
)

from extract.resolver import canonical_name

WIKI_BASE_URL = "https://en.wikipedia.org/wiki/"
# Relations whose gold names the resolver spells canonically (and so must the gold).
GOLD_KINDS = {PRODUCED_IN: "Country", IN_LANGUAGE: "Language"}

# Infobox fields that are the gold of each scored relation.
GOLD_FIELDS: dict[str, tuple[str, ...]] = {
    DIRECTED_BY: ("director", "directors"),
    WRITTEN_BY: ("writer", "writers", "screenplay", "story"),
    STARRING: ("starring",),
    PRODUCED_BY: ("producer", "producers"),
    MUSIC_BY: ("music",),
    CINEMATOGRAPHY_BY: ("cinematography",),
    EDITED_BY: ("editing",),
    MADE_BY: ("studio", "production_companies", "production_company"),
    DISTRIBUTED_BY: ("distributor",),
    PRODUCED_IN: ("country",),
    IN_LANGUAGE: ("language",),
    BASED_ON: ("based on", "based_on"),
    RELEASE_YEAR: ("released",),   # the field's first year (``FilmArticle.year``), not a name
}
_LIST_TEMPLATES = {
    "plainlist", "plain list", "ubl", "unbulleted list", "flatlist", "flat list", "hlist",
    "bulleted list", "nowrap", "ill", "interlanguage link", "based on",
}
_CREDIT_WORDS = re.compile(
    r"^(?:screenplay|story|teleplay|written|writers?|novel|based on|dialogues?|uncredited)"
    r"(?:\s+by)?\s*:?\s*", re.I)
_AUTHOR = re.compile(r"\s+by\s+.*$", re.S)
_PAGE = re.compile(r"<page>.*?</page>", re.S)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_YEAR = re.compile(r"\b(18[89]\d|19\d\d|20[0-2]\d)\b")
_SPLIT = re.compile(r"[\n*•;]|,\s+(?!(?:Jr|Sr)\b)")
_INFOBOX_START = re.compile(r"\{\{\s*infobox film\b", re.I)
_BRACES = re.compile(r"\{\{|\}\}")
_REFS_AND_COMMENTS = re.compile(r"<ref[^>]*/>|<ref[^>]*>.*?</ref>|<!--.*?-->", re.S | re.I)
_HIDDEN_LINK = re.compile(r"^\s*(?:file|image|category)\s*:", re.I)


@dataclass(frozen=True)
class FilmArticle:
    """One infobox film: its structured fields and its prose."""

    movie_id: str
    title: str
    url: str
    year: int | None
    text: str
    cast: str = ""                             # the Cast section, often a bullet list
    gold: tuple[tuple[str, tuple[str, ...]], ...] = ()   # (relation, names) from GOLD_FIELDS

    def gold_names(self, relation: str) -> tuple[str, ...]:
        """The infobox's names, countries and languages in the resolver's canonical spelling."""
        kind = GOLD_KINDS.get(relation)
        return tuple(canonical_name(kind, n) if kind else n for n in dict(self.gold).get(relation, ()))


def read_page(path: Path) -> tuple[str, str] | None:
    """(title, wikitext) of the page titled like the file (dumps may hold several pages)."""
    pages = [ET.fromstring(p) for p in _PAGE.findall(path.read_text(encoding="utf-8"))]
    if not pages:
        return None
    wanted = next((p for p in pages if p.findtext("title") == path.stem), pages[0])
    text = wanted.find("revision/text")
    return wanted.findtext("title") or path.stem, (text.text or "") if text is not None else ""


def field_values(raw: str) -> list[str]:
    """Names in one infobox field: list templates, <br> and bullets split, markup stripped."""
    code = mwparserfromhell.parse(_BREAK.sub("\n", raw))
    for _ in range(3):  # list templates nest (ubl inside plainlist)
        changed = False
        for template in code.filter_templates(recursive=False):
            name = str(template.name).strip().lower()
            if name in _LIST_TEMPLATES:
                params = [str(p.value) for p in template.params if not p.showkey]
                first_only = name.startswith(("ill", "inter", "based on"))  # {{based on|title|author}}
                code.replace(template, "\n".join(params[:1] if first_only else params))
            else:
                code.remove(template)
            changed = True
        if not changed:
            break
        code = mwparserfromhell.parse(str(code))
    values = []
    for part in _SPLIT.split(code.strip_code(normalize=True, collapse=True)):
        value = _CREDIT_WORDS.sub("", part.strip(" \t'\"")).strip(" ,:")
        if len(value) > 1 and value[0].isupper() and not any(ch.isdigit() for ch in value):
            values.append(value)
    return list(dict.fromkeys(values))


def infobox_span(wikitext: str) -> tuple[int, int] | None:
    """Where ``{{Infobox film ...}}`` starts and ends, by counting braces outside refs and
    comments (citations there often hold a stray unbalanced brace that fools the parser)."""
    start = _INFOBOX_START.search(wikitext)
    if start is None:
        return None
    masked = _without_refs(wikitext)
    depth = 0
    for match in _BRACES.finditer(masked, start.start()):
        depth += 1 if match.group(0) == "{{" else -1
        if depth == 0:
            return start.start(), match.end()
    return start.start(), len(wikitext)


def _without_refs(wikitext: str) -> str:
    """Refs and comments blanked out (same length, so offsets still hold)."""
    return _REFS_AND_COMMENTS.sub(lambda m: " " * len(m.group(0)), wikitext)


def infobox_fields(source: str) -> dict[str, str]:
    """Top-level ``| name = value`` parameters of one infobox's source (refs ignored)."""
    code = mwparserfromhell.parse(_without_refs(source))
    templates = code.filter_templates(recursive=False)
    if templates and str(templates[0].name).strip().lower() == "infobox film":
        return {str(p.name).strip().lower(): str(p.value) for p in templates[0].params}
    return {}


def _plot_sections(code: Wikicode) -> list[Wikicode]:
    """The level-2 plot sections with their subsections, as the crawl keeps them
    (``crawl.wiki_article.PLOT_SECTIONS``: "Plot", "Synopsis", "Premise", …)."""
    return [section for section in code.get_sections(levels=[2]) if _heading(section) in PLOT_SECTIONS]


def _heading(section: Wikicode) -> str:
    return mwparserfromhell.parse(section.filter_headings()[0].title).strip_code().strip().lower()


def prose(code: Wikicode) -> str:
    """Lead and plot sections as plain text (no templates, refs, files)."""
    parts = code.get_sections(include_lead=True, flat=True)[:1] + _plot_sections(code)
    paragraphs = [_plain(section) for section in parts]
    return "\n\n".join(p for p in paragraphs if p)


def _plain(section: Wikicode) -> str:
    """One section as plain text: no heading, files, images, templates or refs."""
    section = mwparserfromhell.parse(str(section))
    for link in section.filter_wikilinks():
        if _HIDDEN_LINK.match(str(link.title)):
            try:
                section.remove(link)
            except ValueError:
                pass
    for heading in section.filter_headings():
        section.remove(heading)
    return section.strip_code(normalize=True, collapse=True).strip()


def cast_section(wikitext: str) -> str:
    """The cast sections as the crawl keeps them (``crawl.wikitext``): one line per list item or
    table row ("Ryan O'Neal as Redmond Barry", "Kamal Haasan  Velu Naicker"), then their prose."""
    lines, notes = cast_of_article(wikitext)
    return "\n".join((*lines, *notes))


def parse_film(path: Path) -> FilmArticle | None:
    """The film article in ``path``, or None when it has no ``{{Infobox film}}``."""
    page = read_page(path)
    if page is None:
        return None
    title, wikitext = page
    span = infobox_span(wikitext)
    if span is None:
        return None
    fields = infobox_fields(wikitext[span[0]:span[1]])
    code = mwparserfromhell.parse(wikitext[:span[0]] + wikitext[span[1]:])
    found = _YEAR.search(str(mwparserfromhell.parse(fields.get("released", ""))))
    year = int(found.group(1)) if found else None
    slug = re.sub(r"[^0-9a-z]+", "-", title.casefold()).strip("-")
    return FilmArticle(
        movie_id=f"wp-{slug}", title=re.sub(r"\s*\([^)]*\)$", "", title), url=WIKI_BASE_URL + title.replace(" ", "_"),
        year=year, text=prose(code), cast=cast_section(wikitext[:span[0]] + wikitext[span[1]:]),
        gold=tuple((relation, _gold_values(relation, names, fields, year)) for relation, names in GOLD_FIELDS.items()),
    )


def _gold_values(relation: str, names: tuple[str, ...], fields: dict[str, str], year: int | None) -> tuple[str, ...]:
    if relation == RELEASE_YEAR:
        return (str(year),) if year else ()
    values = (v for f in names for v in field_values(fields.get(f, "")))
    if relation == BASED_ON:  # "Adhobha by Mahasweta Devi" is the work Adhobha, as {{based on|title|author}} is
        values = (_AUTHOR.sub("", v) for v in values)
    return tuple(dict.fromkeys(values))
