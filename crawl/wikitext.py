"""Read MediaWiki film articles (Special:Export XML) into plain, typed records.

The crawler reads exported articles with it, and the embedded site is generated from the
shared data's exports with it, so the names must come out clean: labels of wikilinks,
items of Plainlist / ubl / ``<br />`` lists, without refs, comments or formatting templates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import mwparserfromhell
from defusedxml import ElementTree as SafeET
from mwparserfromhell.nodes import Comment, Tag, Template, Wikilink
from mwparserfromhell.wikicode import Wikicode

from crawl.cast_rows import cast_row_lines
from crawl.wiki_article import PLOT_SECTIONS, is_cast_heading

# Templates whose positional parameters are the items of a list.
_LIST_TEMPLATES = {
    "plainlist", "plain list", "ubl", "unbulleted list", "flatlist", "hlist", "bulleted list", "nowrap",
}
_PLACEHOLDERS = {"see below", "uncredited", "unknown", "dialogues", "various", "n/a"}
_NAME_SUFFIX = re.compile(r"\s*(jr|sr|inc|ltd|llc|s\.a|s\.r\.l|co|pvt)\b\.?", re.IGNORECASE)
_NON_TEXT_LINK_PREFIXES = ("file:", "image:", "category:")
_LIST_MARKUP = ("*", "#", ";", ":")
_BR = re.compile(r"<br\s*/?\s*>", re.IGNORECASE)
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|tiff?)$", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_PARENTHESISED = re.compile(r"\([^()]*\)")
_LEVEL2_HEADING = re.compile(r"^==(?!=)\s*(.+?)\s*(?<!=)==\s*$", re.MULTILINE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_REF_PAIR = re.compile(r"<ref(?:\s[^>]*)?(?<!/)>.*?</ref\s*>", re.DOTALL | re.IGNORECASE)
_REF_SINGLE = re.compile(r"<ref(?:\s[^>]*)?/>", re.IGNORECASE)
_INFOBOX_START = re.compile(r"\{\{\s*infobox film", re.IGNORECASE)


@dataclass(frozen=True)
class FilmArticle:
    """One film article: its title, infobox fields and the text the site shows."""

    title: str
    file_name: str
    year: int | None
    directors: tuple[str, ...]
    starring: tuple[str, ...]
    writers: tuple[str, ...]
    producers: tuple[str, ...]
    studios: tuple[str, ...]
    countries: tuple[str, ...]
    languages: tuple[str, ...]
    lead: tuple[str, ...]
    plot: tuple[str, ...]
    cast: tuple[str, ...]  # the cast list's lines: list items and table rows, in page order
    cast_notes: tuple[str, ...]  # prose paragraphs of the cast sections ("X also appears as …")
    image: str | None = None  # the infobox image's file name (the poster, on film articles)
    site_base: str | None = None  # ``<siteinfo><base>``: the wiki's main page URL, when the export has it

    @property
    def display_title(self) -> str:
        """The title without its disambiguation, e.g. ``Batman (1989 film)`` -> ``Batman``."""
        return _QUALIFIER.sub("", self.title) or self.title

    @property
    def slug(self) -> str:
        """A file-system and URL safe name for ``/wiki/<slug>.html``."""
        return re.sub(r"[^A-Za-z0-9_.()-]", "", self.title.replace(" ", "_"))


def read_film_articles(folder: Path) -> list[FilmArticle]:
    """Every article of ``folder`` that has an ``{{Infobox film}}``, ordered by file name."""
    articles = []
    for path in sorted(folder.glob("*.xml")):
        article = read_film_article(path)
        if article is not None:
            articles.append(article)
    return articles


def read_film_article(path: Path) -> FilmArticle | None:
    """The film article of one XML file, or None for redirects and non-film pages."""
    return film_article_from_export(path.read_bytes(), path.stem, path.name)


def film_article_from_export(xml: bytes, wanted_title: str, file_name: str) -> FilmArticle | None:
    """The film article of a Special:Export document (the page titled ``wanted_title`` when
    it holds several; with no title wanted, its first film article), or None for redirects,
    non-film pages and unreadable XML."""
    pages, site_base = _export_pages(xml)
    chosen = [p for p in pages if p[0] == wanted_title] or (pages if not wanted_title or len(pages) == 1 else [])
    return next((film for title, text in chosen if text is not None
                 and (film := _film_article(title, text, site_base, file_name)) is not None), None)


def _film_article(title: str, text: str, site_base: str | None, file_name: str) -> FilmArticle | None:
    """The film article in one page's wikitext, or None when it has no film infobox."""
    text = _strip_refs_and_comments(text)
    lead_text, sections = _split_sections(text)
    lead_code = mwparserfromhell.parse(lead_text)
    infobox = _film_infobox(lead_code, text)
    if infobox is None:
        return None
    fields = {str(p.name).strip().lower(): str(p.value) for p in infobox.params}

    def names(*keys: str, split_and: bool = False) -> tuple[str, ...]:
        for key in keys:
            if fields.get(key, "").strip():
                return tuple(list_items(fields[key], split_and))
        return ()

    released = _YEAR.search(fields.get("released", ""))
    plot_text = "\n\n".join(body for heading, body in sections if heading in PLOT_SECTIONS)
    cast, cast_notes = _cast_of(sections)
    return FilmArticle(
        title=title,
        file_name=file_name,
        year=int(released.group(1)) if released else None,
        directors=names("director", "directed by"),
        starring=names("starring"),
        writers=names("writer", "screenplay", "written by"),
        producers=names("producer", "producers"),
        studios=names("studio", "production companies", "production company", "production_companies"),
        countries=names("country", split_and=True),
        languages=names("language", split_and=True),
        lead=_paragraphs(lead_code),
        plot=_paragraphs(mwparserfromhell.parse(plot_text)),
        cast=cast,
        cast_notes=cast_notes,
        image=_file_name(fields.get("image", "")),
        site_base=site_base,
    )


def list_items(wikitext: str, split_and: bool = False) -> list[str]:
    """The plain-text items of an infobox value (one name per item, duplicates removed).

    ``split_and`` also splits "English, Hindi and Italian"; it is off for people and
    companies, whose names may contain "and".
    """
    code = mwparserfromhell.parse(wikitext)
    _drop_noise(code)
    _expand_list_templates(code)
    _unwrap_links(code)
    for template in code.filter_templates(recursive=False):
        code.remove(template)
    items: list[str] = []
    for line in _BR.sub("\n", str(code)).splitlines():
        plain = _PARENTHESISED.sub("", mwparserfromhell.parse(line.lstrip("*# ")).strip_code())
        for part in _split_inline(plain, split_and):
            name = _clean_name(part)
            if name and name not in items:
                items.append(name)
    return items


def _unwrap_links(code: Wikicode) -> None:
    """Replace wikilinks by their label, so a label holding ``<br />`` still splits."""
    for link in code.filter_wikilinks(recursive=False):
        code.replace(link, str(link.text if link.text is not None else link.title))


def _split_inline(text: str, split_and: bool) -> list[str]:
    parts: list[str] = []
    for part in text.split(","):
        if parts and _NAME_SUFFIX.match(part):
            parts[-1] += "," + part
        else:
            parts.append(part)
    if split_and:
        parts = [p for part in parts for p in re.split(r"\s+and\s+", part)]
    return parts


def _clean_name(text: str) -> str:
    """Trim list glue ("and ...") and drop placeholders like "see below"."""
    text = re.sub(r"^and\s+", "", _clean(text))
    return "" if text.lower() in _PLACEHOLDERS else text


def _export_pages(xml: bytes) -> tuple[list[tuple[str, str | None]], str | None]:
    """(title, wikitext) of every page, None as the text of a redirect, and the site base.

    A document that is not well-formed XML has no pages."""
    try:
        root = SafeET.fromstring(xml)
    except (ET.ParseError, ValueError):
        return [], None
    base = next((el.text.strip() for el in root.iter() if _local(el.tag) == "base" and el.text), None)
    pages = []
    for page in (el for el in root.iter() if _local(el.tag) == "page"):
        redirect = any(_local(el.tag) == "redirect" for el in page)
        text = None if redirect else next((el.text for el in page.iter() if _local(el.tag) == "text"), None)
        pages.append((_child_text(page, "title") or "", text))
    return pages, base


def _file_name(value: str) -> str | None:
    """``Poster.jpg``, ``File:Poster.jpg`` or ``[[File:Poster.jpg|220px]]`` -> ``Poster.jpg``; None if no image."""
    name = re.sub(r"^\[\[\s*(?:file|image)\s*:", "", value.strip(), flags=re.IGNORECASE)
    name = re.sub(r"^(?:file|image)\s*:", "", name, flags=re.IGNORECASE).split("|")[0].split("]]")[0].strip()
    return name if _IMAGE_FILE.search(name) else None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, name: str) -> str | None:
    return next((child.text for child in element if _local(child.tag) == name), None)


def _strip_refs_and_comments(text: str) -> str:
    """Drop refs and comments first: their unbalanced braces can hide the whole infobox."""
    text = _COMMENT.sub("", text)
    text = _REF_PAIR.sub("", text)
    return _REF_SINGLE.sub("", text)


def _film_infobox(lead: Wikicode, text: str) -> Template | None:
    """The ``{{Infobox film}}`` of the lead; else (a stray brace upset the parse, or a series
    page keeps it in a section) the first one in ``text``, parsed on its own."""
    for template in lead.filter_templates(recursive=True):
        if str(template.name).strip().lower().startswith("infobox film"):
            return template
    start = _INFOBOX_START.search(text)
    if start is None:
        return None
    span = mwparserfromhell.parse(text[start.start() : _template_end(text, start.start())])
    templates = span.filter_templates(recursive=False)
    return templates[0] if templates and str(templates[0].name).strip().lower().startswith("infobox film") else None


def _template_end(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        if text.startswith("{{", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("}}", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return len(text)


def _drop_noise(code: Wikicode) -> None:
    """Remove refs, comments and links to files/categories, which are never visible text."""
    for node in code.filter(recursive=True, forcetype=(Comment, Tag, Wikilink)):
        if isinstance(node, Tag) and str(node.tag).lower() != "ref":
            continue
        if isinstance(node, Wikilink) and not str(node.title).strip().lower().startswith(_NON_TEXT_LINK_PREFIXES):
            continue
        try:
            code.remove(node)
        except ValueError:  # already gone with its parent
            pass


def _expand_list_templates(code: Wikicode) -> None:
    """Replace list templates by their items, one per line (nested lists included)."""
    while True:
        templates = [t for t in code.filter_templates(recursive=True) if str(t.name).strip().lower() in _LIST_TEMPLATES]
        if not templates:
            return
        template = templates[0]
        items = [str(p.value) for p in template.params if not p.showkey]
        code.replace(template, "\n" + "\n".join(items) + "\n")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;:")


def _split_sections(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The lead and the level-2 sections as (lower-case heading, body) pairs.

    Only the lead, plot and cast are parsed afterwards; references and external links,
    the bulk of an article, never reach the (slow) wikitext parser.
    """
    parts = _LEVEL2_HEADING.split(text)
    sections = [(_clean(parts[i].replace("[", "").replace("]", "").replace("'", "")).lower(), parts[i + 1])
                for i in range(1, len(parts) - 1, 2)]  # fmt: skip
    return parts[0], sections


def _paragraphs(code: Wikicode) -> tuple[str, ...]:
    """Plain-text paragraphs of a section; templates (infobox, hatnotes) are not text."""
    _drop_noise(code)
    for template in code.filter_templates(recursive=False):
        code.remove(template)
    paragraphs = []
    for block in re.split(r"\n\s*\n", code.strip_code()):
        lines = [ln for ln in block.splitlines() if ln.strip() and not ln.lstrip().startswith(("*", "#", "|", "{", "!"))]
        text = _clean(" ".join(lines))
        if len(text) > 20:
            paragraphs.append(text)
    return tuple(paragraphs)


def cast_of_article(wikitext: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The cast list's lines and the cast sections' prose of an article's wikitext, as a build
    keeps them (the evaluation of ``extract`` reads the same)."""
    return _cast_of(_split_sections(_strip_refs_and_comments(wikitext))[1])


def _cast_of(sections: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    cast_text = "\n\n".join(body for heading, body in sections if is_cast_heading(heading))
    return _cast_lines(mwparserfromhell.parse(cast_text)), _cast_notes(mwparserfromhell.parse(cast_text))


def _cast_lines(code: Wikicode) -> tuple[str, ...]:
    """List items and table rows of the cast sections in page order (billing order)."""
    _drop_noise(code)
    _expand_list_templates(code)
    text = str(code)
    placed: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("*"):
            item = _clean(mwparserfromhell.parse(line.lstrip("*# ")).strip_code())
            if item:
                placed.append((offset, item))
        offset += len(line)
    search_from = 0
    for row in code.filter_tags(matches=lambda node: str(node.tag).lower() == "tr"):
        position = text.find(str(row), search_from)
        search_from = max(search_from, position)
        cells = [c for c in row.contents.filter_tags(recursive=False) if str(c.tag).lower() in ("td", "th")]
        if any(str(t.tag).lower() in ("li", "table") for t in row.contents.filter_tags()):
            continue  # a layout table around a list: its items were read as list lines
        lines = cast_row_lines([_clean(c.contents.strip_code()) for c in cells],
                               header=all(str(c.tag).lower() == "th" for c in cells))
        placed.extend((position, line) for line in lines)
    return tuple(line for _, line in sorted(placed, key=lambda pair: pair[0]))


def _cast_notes(code: Wikicode) -> tuple[str, ...]:
    """The prose of the cast sections; list items and tables are cast lines, not prose."""
    for table in code.filter_tags(recursive=False, matches=lambda node: str(node.tag).lower() == "table"):
        code.remove(table)
    prose = [line for line in str(code).splitlines() if not line.lstrip().startswith(_LIST_MARKUP)]
    return _paragraphs(mwparserfromhell.parse("\n".join(prose)))
