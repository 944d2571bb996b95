"""Read a Wikipedia-style film article: plain text for extraction and the infobox fields.

Only the lead, the Plot section and the Cast list are kept: they are the parts that talk
about the film (the rest is reception, references and licence boilerplate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector
from w3lib.html import remove_tags, replace_entities

from crawl.items import AttributeItem

# Infobox row label (lower case) -> attribute name in movie_attributes.
INFOBOX_LABELS = {
    "directed by": "director",
    "written by": "author",
    "screenplay by": "author",
    "story by": "author",
    "produced by": "producer",
    "starring": "actor",
    "production company": "productionCompany",
    "production companies": "productionCompany",
    "country": "countryOfOrigin",
    "countries": "countryOfOrigin",
    "language": "inLanguage",
    "languages": "inLanguage",
}
TEXT_SECTIONS = {"plot", "cast"}
FOOTNOTE_RE = re.compile(r"\[(?:\d+|[a-z]|citation needed|edit)\]")
LINE_BREAK_RE = re.compile(r"<br\s*/?>|</li>|</p>|</div>", re.IGNORECASE)
SPACES_RE = re.compile(r"\s+")
# Body elements that carry article text, in document order, outside infobox/nav/footer.
CONTENT_XPATH = (
    "//body//*[self::h2 or self::p or self::li]"
    "[not(ancestor::table[contains(concat(' ', normalize-space(@class), ' '), ' infobox ')])]"
    "[not(ancestor::footer)][not(ancestor::nav)]"
    "[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' navbox ')])]"
)


@dataclass(frozen=True)
class WikiArticle:
    """The article's title, its text (paragraphs separated by blank lines) and infobox fields."""

    title: str | None
    text: str
    attributes: list[AttributeItem]


def read_wiki_article(html: str, page_url: str) -> WikiArticle:
    """Parse one article page; attributes carry ``source_url=page_url`` and no movie id yet."""
    page = Selector(text=html)
    return WikiArticle(
        title=_clean(" ".join(page.css("h1#firstHeading ::text").getall())) or None,
        text=_article_text(page),
        attributes=_infobox_attributes(page, page_url),
    )


def _article_text(page: Selector) -> str:
    blocks: list[str] = []
    cast: list[str] = []
    section = "lead"
    for node in page.xpath(CONTENT_XPATH):
        tag = node.root.tag
        text = _clean(" ".join(node.css("::text").getall()))
        if tag == "h2":
            section = text.lower()
            continue
        if not text or (section != "lead" and section not in TEXT_SECTIONS):
            continue
        if section == "cast" and tag == "li":
            cast.append(text)
        elif section != "cast" and tag == "p" and not node.xpath("ancestor::li"):
            blocks.append(text)
    if cast:
        blocks.append("\n".join(cast))
    return "\n\n".join(blocks)


def _infobox_attributes(page: Selector, page_url: str) -> list[AttributeItem]:
    attributes: list[AttributeItem] = []
    seen: set[tuple[str, str]] = set()
    for row in page.css("table.infobox tr"):
        label = _clean(" ".join(row.css("th ::text").getall())).lower()
        attribute = INFOBOX_LABELS.get(label)
        cell = row.css("td").get()
        if attribute is None or cell is None:
            continue
        for value in _cell_values(cell):
            if (attribute, value) not in seen:
                seen.add((attribute, value))
                attributes.append(AttributeItem(attribute=attribute, value=value, source_url=page_url))
    return attributes


def _cell_values(cell_html: str) -> list[str]:
    """One value per line of the cell (``<br>`` and list items separate names)."""
    lines = replace_entities(remove_tags(LINE_BREAK_RE.sub("\n", cell_html))).split("\n")
    return [v for v in (_clean(line) for line in lines) if v]


def _clean(text: str) -> str:
    return SPACES_RE.sub(" ", FOOTNOTE_RE.sub("", text)).strip()
