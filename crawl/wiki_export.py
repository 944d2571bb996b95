"""Read a MediaWiki Special:Export XML document as a film record (wikitext via mwparserfromhell)."""

from __future__ import annotations

import re
from urllib.parse import quote

from crawl.wiki_article import WikiArticle
from crawl.wikitext import film_article_from_export
from crawl.work_record import add_named_value

# ``…/wiki/Special:Export/Title`` or ``…/index.php?title=Special:Export/Title``: the wiki's article path.
ARTICLE_PATH_RE = re.compile(r"^(https?://[^?#]*?/wiki/|https?://[^?#]*?/index\.php\?title=)Special:Export", re.IGNORECASE)
EXPORT_ROOTS = (b"<mediawiki", b"<page>")
# FilmArticle field -> attribute.
FIELD_ATTRIBUTES = {
    "directors": "director", "starring": "actor", "writers": "author", "producers": "producer",
    "studios": "productionCompany", "countries": "countryOfOrigin", "languages": "inLanguage",
}


def is_mediawiki_export(body: bytes) -> bool:
    """A Special:Export document: a ``<mediawiki>`` root, or a bare ``<page>`` with a revision."""
    head = body[:4096].lstrip()
    return head.startswith((b"<?xml", *EXPORT_ROOTS)) and any(r in head for r in EXPORT_ROOTS) and b"<revision" in body[:65536]


def read_wiki_export(body: bytes, page_url: str) -> WikiArticle | None:
    """The film article of an export, or None when it holds no film article."""
    film = film_article_from_export(body, "", page_url)
    if film is None:
        return None
    sections = {"lead": "\n\n".join(film.lead), "plot": "\n\n".join(film.plot), "cast": "\n".join(film.cast + film.cast_notes)}
    article = WikiArticle(
        title=film.display_title, year=film.year, imdb_id=None, duration_min=None,
        sections={k: v for k, v in sections.items() if v},
        image_url=file_url(film.image, film.site_base, page_url) if film.image else None,
    )
    # The same checks and canonical names ("USA" -> "United States") as every other reader's values.
    for field_name, attribute in FIELD_ATTRIBUTES.items():
        for name in getattr(film, field_name):
            add_named_value(article.attributes, article.skips, field_name, attribute, name, page_url, "mediawiki")
    return article


def file_url(name: str, site_base: str | None, page_url: str) -> str | None:
    """Where the wiki serves file ``name``: its ``Special:FilePath`` (a redirect to the file),
    next to the export's ``<siteinfo><base>`` or to the export's own URL; None if neither says."""
    target = "Special:FilePath/" + quote(name.replace(" ", "_"))
    if site_base and site_base.startswith(("http://", "https://")):
        head, title_param, _ = site_base.partition("?title=")
        return head + title_param + target if title_param else site_base.rsplit("/", 1)[0] + "/" + target
    prefix = ARTICLE_PATH_RE.match(page_url)
    return prefix[1] + target if prefix else None
