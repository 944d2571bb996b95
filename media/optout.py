"""Opt-out signals a media server or page may send, read before any bytes are used.

``X-Robots-Tag: noai`` / ``noimageai`` (and the same tokens in a robots ``<meta>``) and the
TDM Reservation Protocol's ``tdm-reservation: 1`` header or ``<meta name="tdm-reservation">``
reserve content against AI training and text-and-data mining; honouring them is the default.
"""

from __future__ import annotations

import re
from email.message import Message

_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""(\w[\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def _robots_tokens(value: str) -> set[str]:
    """Tokens of an X-Robots-Tag value; ``googlebot: noai`` style agent prefixes are dropped."""
    return {token.strip().split(":")[-1].strip().lower() for token in value.split(",") if token.strip()}


def _reason(robots: list[str], tdm: list[str], image: bool, where: str) -> str | None:
    tokens = set().union(*(_robots_tokens(v) for v in robots)) if robots else set()
    blocked = {"noai"} | ({"noimageai"} if image else set())
    hit = sorted(tokens & blocked)
    if hit:
        return f"opt-out: {where} robots {', '.join(hit)}"
    if any(v.strip() == "1" for v in tdm):
        return f"opt-out: {where} tdm-reservation 1"
    return None


def header_opt_out(headers: Message, image: bool) -> str | None:
    """The reason a response's headers reserve it, or ``None``; ``noimageai`` binds images only."""
    return _reason(headers.get_all("X-Robots-Tag") or [], headers.get_all("tdm-reservation") or [], image, "header")


def page_opt_out(html: str, image: bool = False) -> str | None:
    """The reason a page's ``<meta name="robots|tdm-reservation">`` reserves what it embeds, or ``None``."""
    robots, tdm = [], []
    for tag in _META.findall(html):
        attrs = {m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None) for m in _ATTR.finditer(tag)}
        name, content = attrs.get("name", "").lower(), attrs.get("content", "")
        if name == "robots":
            robots.append(content)
        elif name == "tdm-reservation":
            tdm.append(content)
    return _reason(robots, tdm, image, "page")
