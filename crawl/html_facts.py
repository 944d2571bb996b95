"""Read a film from plain HTML: labelled facts ("Director:", "Cast", "Genre") and the heading.

Older sites state the facts in tables, definition lists or "<b>Label:</b> value" lines and
carry no markup at all, in any language (labels: ``fact_labels.toml``). A page counts as a
film page only when it has a heading and at least ``MIN_FACTS`` distinct labelled facts
that credit someone (director, cast, cinematographer) or give both year and genre, so
listings, home pages and the tables of albums or books never qualify.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from lxml.html import HtmlElement

from crawl.fact_labels import CREDIT_FIELDS, FACT_LABELS, LITERAL_FIELDS
from crawl.fields import PERSON_ATTRIBUTES
from crawl.identity import IMDB_NAME_RE, ExternalIds, ids_in_urls, imdb_title_in_page_url
from crawl.items import MovieItem
from crawl.page_titles import film_title_from_page_title
from crawl.values import SPACES_RE, clean_text, minutes_of, title_without_year, year_in_title, year_of
from crawl.work_record import PageContext, RecordReading, add_named_value

MIN_FACTS = 2
# The thinnest film pages (MovieLens-like) only date and classify the film.
DATED_AND_CLASSIFIED = frozenset({"year", "genre"})
LABEL_XPATH = "//body//*[self::dt or self::th or self::td or self::b or self::strong or self::label or self::span or self::h3 or self::h4]"
# Separators of name lists, also the CJK ones (ideographic comma, full-width comma and slash).
SPLIT_RE = re.compile(r"\s*(?:,|;|/|\||·|•|、|，|／|\band\b|&)\s*")
CHARACTER_RE = re.compile(r"\s+(?:as|\.\.\.|…)\s+.*$|\s*\((?:voice|uncredited|as [^)]*)\)", re.IGNORECASE)
MAX_LABEL_CHARS = 40
LABEL_COLONS = ":："  # CJK pages end labels with the full-width colon
# People cards: the person's link, then only their crew roles (cast cards name characters instead).
ROLE_CARD_XPATH = ("//body//*[self::li or self::div or self::td or self::tr or self::p]"
                   "[count(.//a[normalize-space()]) = 1][string-length(normalize-space()) < 160]")
CREW_FIELDS = frozenset({"director", "author", "producer", "musicBy", "cinematographer", "editor"})
MAX_ROLE_TEXT_CHARS = 60
NAME_SUFFIX_RE = re.compile(r"^(?:Jr|Sr|II|III|IV|Inc|Ltd|LLC)\.?$")
YEAR_ONLY_RE = re.compile(r"^\s*\(?\s*(1[89]\d\d|20\d\d)\s*\)?\s*$")


@dataclass(frozen=True)
class Fact:
    label: str
    values: tuple[str, ...]


def labelled_facts(tree: HtmlElement) -> list[Fact]:
    """(label, values) pairs found in dl/table rows and "<b>Label:</b> value" lines."""
    facts: list[Fact] = []
    seen: set[str] = set()
    for element in tree.xpath(LABEL_XPATH):
        label = _label_of(element)
        if label is None or label in seen:
            continue
        values = _values_after(element)
        if values:
            seen.add(label)
            facts.append(Fact(label, values))
    return facts


def role_card_facts(tree: HtmlElement) -> list[Fact]:
    """Crew shown name first, role after: ``<li><a>Michael Mann</a><p>Director, Writer</p></li>``,
    as film databases lay out their people cards. A card is an element with one link (the
    person) whose other text is nothing but crew labels."""
    names: dict[str, dict[str, None]] = {}
    for card in tree.xpath(ROLE_CARD_XPATH):
        links = [a for a in card.xpath(".//a") if clean_text(a.text_content())]
        if len(links) != 1:
            continue
        name = clean_text(links[0].text_content())
        rest = clean_text(card.text_content().replace(links[0].text_content(), " ", 1))
        if not rest or len(rest) > MAX_ROLE_TEXT_CHARS:
            continue
        labels = [SPACES_RE.sub(" ", part.strip(" " + LABEL_COLONS)).lower() for part in SPLIT_RE.split(rest) if part.strip()]
        if labels and all(FACT_LABELS.get(label) in CREW_FIELDS for label in labels):
            for label in labels:
                names.setdefault(label, {})[name] = None
    return [Fact(label, tuple(values)) for label, values in names.items()]


def read_html_facts(tree: HtmlElement, page: PageContext) -> RecordReading | None:
    """A record from the page's heading and labelled facts, or None if it is not a film page."""
    facts = _page_facts(tree)
    fields = {FACT_LABELS[f.label] for f in facts}
    if len(fields) < MIN_FACTS or not (fields & CREDIT_FIELDS or DATED_AND_CLASSIFIED <= fields):
        return None
    heading, heading_year = _heading(tree)
    raw_title = heading or film_title_from_page_title(page.html_title)
    if not raw_title:
        return None
    literal = {FACT_LABELS[f.label]: " ".join(f.values) for f in facts if FACT_LABELS[f.label] in LITERAL_FIELDS}
    ids = ids_in_urls(page.id_links).merged(ExternalIds(imdb_id=imdb_title_in_page_url(page.canonical or page.url)))
    movie = MovieItem(
        url=page.url,
        record_id=page.canonical or page.url,
        kind="Movie",
        method="html",
        title=title_without_year(raw_title),
        year=year_of(literal.get("year")) or heading_year or year_in_title(raw_title) or year_in_title(page.html_title),
        movielens_id=ids.movielens_id,
        imdb_id=ids.imdb_id,
        tmdb_id=ids.tmdb_id,
        duration_min=minutes_of(literal.get("duration")),
        content_rating=literal.get("contentRating") if len(literal.get("contentRating", "")) <= 20 else None,
    )
    reading = RecordReading(movie)
    _add_named_facts(reading, facts, page.url, person_ids(tree))
    return reading


def add_html_credits(reading: RecordReading, tree: HtmlElement, page_url: str) -> None:
    """Add the page's labelled people to a record that names none of its own (OpenGraph's
    ``video:director`` holds profile URLs, so a streaming page's credits are in its HTML)."""
    _add_named_facts(reading, _page_facts(tree), page_url, person_ids(tree))


def person_ids(tree: HtmlElement) -> dict[str, str]:
    """Name -> IMDb person id of the page's links to IMDb-style person pages (``/name/nm0000520/``),
    so a person read from plain HTML is the same node as on every other site that links the id."""
    ids: dict[str, str] = {}
    for link in tree.xpath("//a[contains(@href, '/name/nm')]"):
        if (match := IMDB_NAME_RE.search(link.get("href", ""))) and (name := clean_text(link.text_content())):
            ids.setdefault(name, match.group(1))
    return ids


def _add_named_facts(reading: RecordReading, facts: list[Fact], page_url: str, ids: dict[str, str]) -> None:
    for fact in facts:
        attribute = FACT_LABELS[fact.label]
        if attribute in LITERAL_FIELDS:
            continue
        for raw in fact.values:
            name = CHARACTER_RE.sub("", raw)
            external_id = ids.get(name) if attribute in PERSON_ATTRIBUTES else None
            add_named_value(reading.attributes, reading.skips, fact.label, attribute, name, page_url, "html", external_id)


def _page_facts(tree: HtmlElement) -> list[Fact]:
    """The labelled facts, with the people cards' names added under the same label (then new labels)."""
    values = {f.label: dict.fromkeys(f.values) for f in labelled_facts(tree)}
    for fact in role_card_facts(tree):
        values.setdefault(fact.label, {}).update(dict.fromkeys(fact.values))
    return [Fact(label, tuple(v)) for label, v in values.items()]


def _label_of(element: HtmlElement) -> str | None:
    text = clean_text(element.text_content())
    if not text or len(text) > MAX_LABEL_CHARS:
        return None
    label = SPACES_RE.sub(" ", text.rstrip(LABEL_COLONS).strip()).lower()
    if label not in FACT_LABELS:
        return None
    if element.tag in ("b", "strong", "span", "label", "h3", "h4", "td") and not (
        text.endswith(tuple(LABEL_COLONS)) or element.tag in ("td",) or _next_element(element) is not None
    ):
        return None
    return label


def _values_after(element: HtmlElement) -> tuple[str, ...]:
    """The value of a label: the next dd/td/sibling element, or the text after it in its parent."""
    target = _next_element(element)
    if element.tag in ("dt", "th", "td"):
        if target is None or target.tag not in ("dd", "td"):
            return ()
        return _split_values(target)
    tail = clean_text(element.tail or "").strip(" " + LABEL_COLONS)
    if tail:
        return tuple(_split_text(tail))
    return _split_values(target) if target is not None else ()


def _next_element(element: HtmlElement) -> HtmlElement | None:
    sibling = element.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    return sibling


def _split_values(element: HtmlElement) -> tuple[str, ...]:
    """Items of a value cell: its links or list items when it has them, else split text."""
    items = [clean_text(e.text_content()) for e in element.xpath(".//li | .//a")]
    items = [i for i in items if i]
    if items:
        return tuple(dict.fromkeys(items))
    lines = [clean_text(t) for t in element.xpath(".//text()")]
    return tuple(dict.fromkeys(v for line in lines for v in _split_text(line) if v))


def _split_text(text: str) -> list[str]:
    """Split a list of names; a suffix like "Jr." stays with the name before it."""
    parts: list[str] = []
    for part in SPLIT_RE.split(text):
        if parts and NAME_SUFFIX_RE.match(part):
            parts[-1] += f", {part}"
        elif part:
            parts.append(part)
    return parts


def _heading(tree: HtmlElement) -> tuple[str, int | None]:
    """The first ``<h1>``'s title and the year it shows in an element of its own
    (``<h1>Heat <small>1995</small></h1>``, ``<span class="year">(1995)</span>``), which is no
    part of the title."""
    found = tree.xpath("//body//h1[1]")
    if not found:
        return "", None
    heading = copy.deepcopy(found[0])
    year = None
    for element in list(heading.iterdescendants()):
        if element.getparent() is not None and (match := YEAR_ONLY_RE.match(element.text_content())):
            year = year or int(match[1])
            element.drop_tree()  # keeps the text after it
    title = clean_text(heading.text_content())
    return (title, year) if title else (clean_text(found[0].text_content()), None)  # a title that is a year: "1917"

