"""Decode a page the way a browser does when the page does not say its charset.

A declared charset (BOM, HTTP header, ``<meta>``) or valid UTF-8 decides. Otherwise Scrapy
guesses with charset_normalizer, which on short pages picks look-alike code pages
(``A\\xf1o:`` read as windows-1250 "Ańo" instead of "Año"). Browsers fall back on the code
page of the document's language instead (WHATWG encoding sniffing: a locale default,
windows-1252 for most), so a page's ``<html lang>`` chooses here, and windows-1252 when it
names none.
"""

from __future__ import annotations

import re

from scrapy.http import TextResponse
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

LANG_RE = re.compile(rb"<html[^>]*?\slang\s*=\s*[\"']?([a-zA-Z]{2,3})", re.IGNORECASE)
# Legacy code page of each language whose pages are not windows-1252 (WHATWG's locale table).
LANGUAGE_CODE_PAGES = {
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr", "kk"), "cp1251"),
    **dict.fromkeys(("pl", "cs", "sk", "hu", "sl", "hr", "ro", "bs"), "cp1250"),
    "el": "cp1253", "tr": "cp1254", "he": "cp1255", "ar": "cp1256", "fa": "cp1256",
    "lt": "cp1257", "lv": "cp1257", "et": "cp1257", "vi": "cp1258", "th": "cp874",
    "ja": "shift_jis", "zh": "gb18030", "ko": "euc_kr",
}
FALLBACK_CODE_PAGE = "cp1252"


def page_text(response: TextResponse) -> tuple[str, str]:
    """The page's text and the encoding it was decoded with."""
    body = response.body
    declared = (read_bom(body)[0] or http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
                or html_body_declared_encoding(body))
    if declared or _is_utf8(body):
        return response.text, response.encoding
    encoding = fallback_encoding(body)
    return body.decode(encoding, errors="replace"), encoding


def fallback_encoding(body: bytes) -> str:
    """The code page a browser would use for an undeclared, non-UTF-8 page."""
    match = LANG_RE.search(body[:4096])
    return LANGUAGE_CODE_PAGES.get(match.group(1).decode().lower(), FALLBACK_CODE_PAGE) if match else FALLBACK_CODE_PAGE


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
