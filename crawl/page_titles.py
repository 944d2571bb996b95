"""A film's title from a page's ``<title>`` or ``og:title``, without what sites add for search engines.

Real pages dress the title: "Heat (1995) - IMDb", "Inception (2010) ⭐ 8.8 | Action, Sci-Fi",
"Inception (2010) directed by Christopher Nolan • Reviews, film + cast • Letterboxd",
"Inception movie review & film summary (2010) | Roger Ebert", "Watch Inception Full Movie Online
| StreamSite", "Inception streaming: where to watch movie online?". A year in parentheses ends
the title (what follows it is the site's); without one the title is the first ``|`` segment, and
a trailing " - Site" is dropped only when no ``|`` told the site apart. Marketing words are
dropped from the end, and a leading "Watch"/"Stream" only when such words were there too, so
that "Watch Out" or "The Lego Movie" keep their names.
"""

from __future__ import annotations

import re

from crawl.values import clean_text

_INVISIBLE_RE = re.compile("[\u200e\u200f\u200b\u2060\ufeff]")
_RATING_RE = re.compile(r"\s*[⭐★]\s*\d+(?:[.,]\d+)?(?:\s*/\s*10)?")
# "(1995)", "(1995 film)", or a bare year named as the film's ("Amélie - film 2001 - AlloCiné").
_YEAR_MARK_RE = re.compile(r"\((?:[^()]*?\b)?(1[89]\d\d|20\d\d)(?:\b[^()]*)?\)"
                           r"|(?:\s+[-–—])?\s+(?:film|movie|filme|película|pelicula)\s+(1[89]\d\d|20\d\d)\b", re.IGNORECASE)
_PIPE_RE = re.compile(r"\s*\|\s*|\s+[•·]\s+")  # "WALL·E" keeps its dot
_DASH_SUFFIX_RE = re.compile(r"\s+[-–—]\s+[^-–—]+$")
# Phrases no title ends with, removed wherever they end it ...
_MARKETING_PHRASE_RE = re.compile(
    r"[\s:,\-–—]*\b(?:where\s+to\s+(?:watch|stream)(?:\s+(?:the\s+)?(?:movie|film))?(?:\s+online)?\s*\??"
    r"|(?:watch|stream(?:ing)?)\s+(?:the\s+)?(?:full\s+)?(?:movie\s+|film\s+)?online(?:\s+free)?"
    r"|(?:en|in)\s+streaming(?:\s+(?:vf|vostfr|hd|gratuit))?|en\s+ligne|online\s+(?:schauen|ansehen|sehen)"
    r"|full\s+(?:movie|film)(?:\s+online)?|online\s+free|free\s+online|in\s+(?:full\s+)?hd"
    r"|movie\s+review(?:\s*(?:&|and)\s*film\s+summary)?|film\s+review|official\s+trailer"
    r"|full\s+cast\s*(?:&|and)\s*crew|cast\s*(?:&|and)\s*crew|plot\s+summary)\s*$",
    re.IGNORECASE,
)
# ... and words a title may end with ("The Review", "Online"), removed only after a separator
# ("Inception - Reviews") or beside a phrase ("Inception streaming: where to watch").
_MARKETING_WORDS = r"(?:online|streaming|hd|reviews?|synopsis|trailers?)\s*$"
_SEPARATED_WORD_RE = re.compile(r"\s*[:,\-–—]\s*" + _MARKETING_WORDS, re.IGNORECASE)
_BARE_WORD_RE = re.compile(r"\s+" + _MARKETING_WORDS, re.IGNORECASE)
_WATCH_LEAD_RE = re.compile(r"^(?:watch|stream|regarder|ver|guarda|assistir|ansehen|kijk|смотреть)\s+", re.IGNORECASE)


def film_title_from_page_title(text: str | None) -> str:
    """The film's title (with its year in parentheses when the page gave one), or "" when none is left."""
    title = _RATING_RE.sub("", _INVISIBLE_RE.sub("", clean_text(text or ""))).strip()
    if (year := _YEAR_MARK_RE.search(title)) is not None:
        before = _PIPE_RE.split(title[:year.start()])[-1]
        name, marketed = _without_marketing(before)
        after = _DASH_SUFFIX_RE.sub("", _PIPE_RE.split(title[year.end():])[0])
        marketed = marketed or _has_marketing(after)
        name = _WATCH_LEAD_RE.sub("", name) if marketed else name
        shown = year.group(0) if year.group(1) else f"({year.group(2)})"
        return f"{name} {shown}" if name else ""
    segments = [s for s in _PIPE_RE.split(title) if s]
    first = segments[0] if segments else ""
    if len(segments) == 1:
        first = _DASH_SUFFIX_RE.sub("", first)
    name, marketed = _without_marketing(first)
    return _WATCH_LEAD_RE.sub("", name) if marketed else name


def _has_marketing(text: str) -> bool:
    """Whether what follows the year is marketing ("Online Free in HD"), not the site's name."""
    text = text.strip()
    return bool(text) and (_MARKETING_PHRASE_RE.sub("", text).strip() != text or _BARE_WORD_RE.sub("", " " + text).strip() != text)


def _without_marketing(text: str) -> tuple[str, bool]:
    """``text`` without trailing marketing words, and whether there were any; a title made of
    such words alone ("Online", "Trailer") is kept."""
    original = stripped = text.strip()
    while True:
        patterns = (_MARKETING_PHRASE_RE, _SEPARATED_WORD_RE) + ((_BARE_WORD_RE,) if stripped != original else ())
        shorter = stripped
        for pattern in patterns:
            shorter = pattern.sub("", shorter).strip()
        if shorter == stripped:
            break
        stripped = shorter
    return (stripped, stripped != original) if stripped else (original, False)
