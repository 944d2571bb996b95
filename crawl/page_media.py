"""Where a film page shows its poster and trailer, whatever its markup.

Structured records name their image and trailer, but many real pages only show them: the
image of a Wikipedia infobox, a lazy-loaded ``<img class="poster" data-src=…>`` with a
placeholder in ``src``, a ``<video>`` element, a YouTube or Vimeo player in an ``<iframe>``,
social-card ``og:``/``twitter:`` meta tags on pages of any ``og:type``. What is read here
fills only what the page's record lacks; the media stage then checks each URL for real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

# Where lazy loaders keep the real address (``src`` then holds a placeholder).
LAZY_SRC_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url")
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset", "srcset")
PLACEHOLDER_RE = re.compile(r"(?:^|[/_.-])(?:blank|spacer|placeholder|pixel|transparent|loading|lazy|1x1)[/_.-]", re.IGNORECASE)
# A poster's container (``<div class="poster"><a><img>``) is at most this many levels up.
POSTER_PARENT_LEVELS = 3
# Images smaller than this (by their width/height attributes) are icons: flags, stars, logos.
MIN_POSTER_SIDE_PX = 60
POSTER_WORDS = ("poster", "affiche", "plakat", "cartel", "locandina", "cartaz")
TRAILER_WORDS = ("trailer", "bande-annonce", "bande annonce", "tráiler", "teaser")
# "Trailers" / "All trailers" link to a section of the site, not to this film's trailer.
SECTION_RE = re.compile(r"\b(?:trailers|teasers|bandes-annonces)\b")
VIDEO_FILE_RE = re.compile(r"\.(?:mp4|m4v|webm|mov|ogv|mkv|m3u8|mpd)(?:$|[?#])", re.IGNORECASE)  # files and HLS/DASH streams
# Players whose pages yt-dlp reads (embeds and watch pages of the big video hosts).
VIDEO_HOST_RE = re.compile(
    r"^https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:embed/|watch\?|v/)|youtu\.be/|player\.vimeo\.com/video/"
    r"|vimeo\.com/\d|dailymotion\.com/(?:embed/)?video/|dai\.ly/)",
    re.IGNORECASE,
)
# Words in a page's source without which no link of it can be a trailer link.
LINK_MARKERS = (*TRAILER_WORDS, ".mp4", ".m4v", ".webm", ".mov", ".ogv", ".mkv", ".m3u8", ".mpd", "youtu", "vimeo", "dailymotion", "dai.ly")
POSTER_META = ("og:image:secure_url", "og:image:url", "og:image", "twitter:image", "twitter:image:src")
TRAILER_META = ("og:video:secure_url", "og:video:url", "og:video", "twitter:player:stream")


@dataclass(frozen=True)
class PageMedia:
    """The poster and trailer a page shows, absolute http(s) URLs, or None."""

    poster_url: str | None = None
    trailer_url: str | None = None


def read_page_media(tree: HtmlElement, page_url: str, page_text: str | None = None) -> PageMedia:
    """The page's poster (a poster image, the infobox image, then social meta) and trailer
    (a ``<video>``, a video player ``<iframe>``, video meta, then a trailer link). With the
    page's ``page_text``, its links are only looked through when it mentions a trailer or video."""
    meta = _meta(tree)
    lowered = page_text.lower() if page_text is not None else None
    links = _trailer_links(tree, page_url) if lowered is None or any(m in lowered for m in LINK_MARKERS) else []
    poster = _first_http(page_url, [*_poster_images(tree), *_infobox_images(tree), *(meta.get(k, "") for k in POSTER_META),
                                    *tree.xpath("//link[@rel='image_src']/@href")])
    trailer = _first_http(page_url, [*_video_elements(tree), *_player_iframes(tree), *(meta.get(k, "") for k in TRAILER_META),
                                     *links, meta.get("twitter:player", "")])
    return PageMedia(poster, trailer)


def _meta(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]"):
        key = (element.get("property") or element.get("name") or "").strip().lower()
        if key and element.get("content", "").strip():
            found.setdefault(key, element.get("content", "").strip())
    return found


def _poster_images(tree: HtmlElement) -> list[str]:
    """``<img>`` that say they are a poster (class, id, alt, itemprop), or sit in an element that does."""
    urls = []
    for img in tree.xpath("//img"):
        parents = [parent for _, parent in zip(range(POSTER_PARENT_LEVELS), img.iterancestors())]
        if _says_poster(img) or any(_says_poster(parent) for parent in parents):
            urls += _image_sources(img)
    return urls


def _says_poster(element: HtmlElement) -> bool:
    words = " ".join(element.get(name, "") for name in ("class", "id", "alt", "itemprop", "title")).lower()
    return any(word in words for word in POSTER_WORDS)


def _infobox_images(tree: HtmlElement) -> list[str]:
    """The first picture of a MediaWiki infobox: the poster on film articles."""
    return [url for img in tree.xpath("//table[contains(concat(' ', normalize-space(@class), ' '), ' infobox ')]//img")
            for url in _image_sources(img)]


def _image_sources(img: HtmlElement) -> list[str]:
    """An image's real address: the widest ``srcset`` candidate, a lazy loader's attribute,
    then ``src`` unless it is a placeholder; nothing for icons."""
    if any(_pixels(img.get(side)) < MIN_POSTER_SIDE_PX for side in ("width", "height") if img.get(side)):
        return []
    sources = [_widest(img.get(name, "")) for name in LAZY_SRCSET_ATTRIBUTES]
    # libxml2 does not know ``<source>`` is void: the ``<img>`` may come out inside it.
    sources += [_widest(s) for s in img.xpath("ancestor::picture[1]//source/@srcset | ancestor::picture[1]//source/@data-srcset")]
    sources += [img.get(name, "") for name in LAZY_SRC_ATTRIBUTES]
    src = img.get("src", "").strip()
    if src and not src.startswith("data:") and not PLACEHOLDER_RE.search(src):
        sources.append(src)
    return [s for s in sources if s]


def _pixels(value: str | None) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    return int(digits[1]) if digits else MIN_POSTER_SIDE_PX


def _widest(srcset: str) -> str:
    """The candidate of a ``srcset`` with the largest width (``480w``) or density (``2x``)."""
    best, best_size = "", -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts or parts[0].startswith("data:"):
            continue
        descriptor = parts[1] if len(parts) > 1 else "1x"
        size = re.match(r"(\d+(?:\.\d+)?)[wx]$", descriptor)
        value = float(size[1]) * (1 if descriptor.endswith("w") else 1000) if size else 0.0
        if value > best_size:
            best, best_size = parts[0], value
    return best


def _video_elements(tree: HtmlElement) -> list[str]:
    urls = []
    for video in tree.xpath("//video"):
        urls += [video.get("src", ""), video.get("data-src", "")]
        urls += video.xpath("./source/@src | ./source/@data-src")
    return urls


def _player_iframes(tree: HtmlElement) -> list[str]:
    """Players of the big video hosts, and any ``<iframe>`` that says it shows a trailer."""
    urls = []
    for iframe in tree.xpath("//iframe"):
        src = (iframe.get("src") or iframe.get("data-src") or "").strip()
        if src.startswith("//"):
            src = "https:" + src
        words = " ".join(iframe.get(name, "") for name in ("class", "id", "title", "name")).lower()
        if VIDEO_HOST_RE.match(src) or any(word in words for word in TRAILER_WORDS):
            urls.append(src)
    return urls


def _trailer_links(tree: HtmlElement, page_url: str) -> list[str]:
    """Links to a video file or a video host, then links whose text or class says trailer."""
    files, named = [], []
    page = urlsplit(page_url)._replace(fragment="").geturl()
    for link in tree.xpath("//a[@href]"):
        href = urljoin(page_url, link.get("href", "").strip())
        if urlsplit(href)._replace(fragment="").geturl() == page:
            continue
        words = " ".join([link.text_content(), link.get("class", ""), link.get("title", ""), link.get("id", "")]).lower()
        says_trailer = any(word in words for word in TRAILER_WORDS)
        if VIDEO_FILE_RE.search(href) or (says_trailer and VIDEO_HOST_RE.match(href)):
            files.append(href)
        elif says_trailer and not SECTION_RE.search(words):
            named.append(href)
    return files + named


def _first_http(page_url: str, candidates: list[str]) -> str | None:
    for candidate in candidates:
        candidate = (candidate or "").strip()
        if not candidate or candidate.startswith("data:"):
            continue
        absolute = urljoin(page_url, candidate)
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return None
