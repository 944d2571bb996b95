"""Read a rendered MediaWiki film article (Wikipedia today and in older skins).

Recognised by content: a MediaWiki page (``mw-parser-output``, ``firstHeading`` or the
MediaWiki generator tag) whose infobox has film rows (Directed by, Starring, …). Kept as
text: the lead, the plot sections and the cast sections (their lists, table rows and prose);
the rest of an article is reception, references and licence boilerplate. Headings are read without their edit links, whether
the skin renders them as ``<h2>Plot</h2><span class="mw-editsection">`` (current) or
``<h2><span class="mw-headline">Plot</span> [ edit ]</h2>`` (older).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from crawl.cast_rows import cast_row_lines
from crawl.fact_labels import CREDIT_FIELDS, FACT_LABELS, LITERAL_FIELDS
from crawl.identity import ids_in_urls
from crawl.items import AttributeItem
from crawl.values import clean_text, minutes_of, year_in_title, year_of
from crawl.work_record import add_named_value

# Section headings, in the languages of fact_labels.toml.
PLOT_SECTIONS = {
    "plot", "plot summary", "synopsis", "premise", "story", "summary", "plot overview",
    "résumé", "intrigue", "handlung", "inhalt", "sinopsis", "argumento", "trama", "enredo", "verhaal",
    "сюжет", "fabuła", "handling", "konu", "剧情", "劇情", "故事", "あらすじ", "ストーリー", "줄거리",
}
CAST_SECTIONS = {
    "cast", "cast and characters", "voice cast", "cast and crew", "main cast", "starring",
    "distribution", "besetzung", "reparto", "interpreti e personaggi", "elenco", "rolverdeling",
    "в ролях", "актёры", "obsada", "rollista", "roller", "oyuncular", "演员", "演員", "角色", "キャスト", "出演", "출연",
}
EDIT_RE = re.compile(r"\[\s*edit(?:\s*source)?\s*\]", re.IGNORECASE)
FOOTNOTE_RE = re.compile(r"\[(?:\d+|[a-z]|note \d+|citation needed|edit)\]", re.IGNORECASE)
DISAMBIGUATION_RE = re.compile(r"\s*\((?:[^()]*\b)?(?:film|movie|miniseries|TV series|film series)\)$", re.IGNORECASE)
LEAD_YEAR_RE = re.compile(r"\bis an? (1[89]\d\d|20\d\d)\b")
NOISE_XPATH = (
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' mw-editsection ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' reference ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' noprint ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' mw-empty-elt ')"
    " or self::style or self::script or self::sup]"
)
BLOCK_TAGS = ("h2", "p", "li", "tr")


@dataclass
class WikiArticle:
    """A film article: title, year, ids, text sections and infobox attributes (with skips)."""

    title: str
    year: int | None
    imdb_id: str | None
    duration_min: int | None
    sections: dict[str, str]  # lead | plot | cast -> text
    image_url: str | None = None  # the infobox image (the poster), when the page gives its address
    attributes: list[AttributeItem] = field(default_factory=list)
    skips: list[tuple[str, str]] = field(default_factory=list)


def is_cast_heading(heading: str) -> bool:
    """A cast section's lower-case heading ("Cast", "Voice cast", "Cast and characters", …)."""
    return heading in CAST_SECTIONS or heading.startswith("cast")


def is_mediawiki(tree: HtmlElement) -> bool:
    return bool(tree.xpath(
        "boolean(//*[contains(concat(' ', normalize-space(@class), ' '), ' mw-parser-output ')]"
        " | //*[@id='firstHeading'] | //meta[@name='generator'][starts-with(@content, 'MediaWiki')])"
    ))


def read_wiki_article(tree: HtmlElement, page_url: str) -> WikiArticle | None:
    """The film article on this page, or None when it is not a MediaWiki film article."""
    if not is_mediawiki(tree):
        return None
    rows = _infobox_rows(tree)
    if not CREDIT_FIELDS & {FACT_LABELS.get(label) for label, _ in rows}:
        return None
    for noise in tree.xpath("//body" + NOISE_XPATH[1:]):
        noise.drop_tree()
    heading = clean_text(" ".join(tree.xpath("//*[@id='firstHeading']//text()"))) or clean_text(
        " ".join(tree.xpath("//body//h1[1]//text()"))
    )
    sections = _sections(tree)
    article = WikiArticle(
        title=DISAMBIGUATION_RE.sub("", heading) or heading,
        year=None,
        imdb_id=ids_in_urls(tree.xpath("//a[contains(@href, 'imdb.com/title/')]/@href")).imdb_id,
        duration_min=None,
        sections=sections,
    )
    for label, cell in rows:
        _read_row(article, label, cell, page_url)
    lead_year = LEAD_YEAR_RE.search(sections.get("lead", ""))
    article.year = article.year or year_in_title(heading) or (int(lead_year.group(1)) if lead_year else None)
    return article


def _infobox_rows(tree: HtmlElement) -> list[tuple[str, HtmlElement]]:
    rows = []
    for row in tree.xpath("//table[contains(concat(' ', normalize-space(@class), ' '), ' infobox ')]//tr"):
        header = row.xpath("./th")
        cell = row.xpath("./td")
        if header and cell:
            label = clean_text(FOOTNOTE_RE.sub("", header[0].text_content())).lower()
            rows.append((label, cell[0]))
    return rows


def _read_row(article: WikiArticle, label: str, cell: HtmlElement, page_url: str) -> None:
    fact_field = FACT_LABELS.get(label)
    if fact_field in ("year", "duration"):
        text = clean_text(cell.text_content())
        if fact_field == "year":
            years = [y for y in (year_of(m) for m in re.findall(r"\b\d{4}\b", text)) if y]
            article.year = min(years) if years else article.year
        else:
            article.duration_min = minutes_of(text)
        return
    if fact_field is None or fact_field in LITERAL_FIELDS:
        return
    for value in _cell_lines(cell):
        if fact_field != "basedOn" or not value.lower().startswith("by "):
            add_named_value(article.attributes, article.skips, label, fact_field, value, page_url, "mediawiki")


def _cell_lines(cell: HtmlElement) -> list[str]:
    """One value per line of a cell: list items and ``<br>`` separate names."""
    for br in cell.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    for item in cell.xpath(".//li"):
        item.tail = "\n" + (item.tail or "")
        item.text = "\n" + (item.text or "")
    text = FOOTNOTE_RE.sub("", cell.text_content())
    return [v for v in (clean_text(line) for line in text.split("\n")) if v]


def _sections(tree: HtmlElement) -> dict[str, str]:
    """Lead, plot and cast text; paragraphs of a section joined by blank lines."""
    root = next(iter(tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' mw-parser-output ')]")), None)
    if root is None:
        root = next(iter(tree.xpath("//body")), tree)
    blocks: dict[str, list[str]] = {"lead": [], "plot": [], "cast": []}
    section = "lead"
    for node in root.iter(*BLOCK_TAGS):
        if node.xpath("ancestor::table[contains(concat(' ', normalize-space(@class), ' '), ' infobox ')]"
                      " or ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' navbox ')]"
                      " or ancestor::footer or ancestor::nav"):
            continue
        if node.tag == "tr":
            if section == "cast" and not node.xpath(".//li | .//table"):
                cells = node.xpath("./th | ./td")
                blocks["cast"].extend(cast_row_lines([_visible_text(c) for c in cells], header=all(c.tag == "th" for c in cells)))
            continue
        text = _visible_text(node)
        if node.tag == "h2":
            heading = text.lower()
            section = "plot" if heading in PLOT_SECTIONS else "cast" if is_cast_heading(heading) else "other"
            continue
        if not text or section == "other":
            continue
        if section == "cast" and node.tag == "li":
            blocks["cast"].append(text)
        elif node.tag == "p" and not node.xpath("ancestor::li" if section != "cast" else "ancestor::li or ancestor::table"):
            blocks[section].append(text)
    joiner = {"lead": "\n\n", "plot": "\n\n", "cast": "\n"}
    return {name: joiner[name].join(parts) for name, parts in blocks.items() if parts}


def _visible_text(node: HtmlElement) -> str:
    return clean_text(EDIT_RE.sub("", FOOTNOTE_RE.sub("", node.text_content())))
