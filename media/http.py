"""Bounded HTTP GETs: every byte counted against a size cap and the asset's wall-time budget.

Hostile or broken servers are the norm for media: a claimed 2 GB ``Content-Length``, a
body cut short of it, a gzip body that inflates a thousandfold, a server that trickles one
byte per second. Each ends here as a ``MediaError`` naming the cause, after at most the
budget's seconds and ``max_bytes`` of memory or disk.
"""

from __future__ import annotations

import http.client
import re
import socket
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from media.budget import Budget
from media.conditional import Validators
from media.config import MediaConfig
from media.errors import MediaError, NotAPage, OptedOut
from media.optout import header_opt_out
from media.urls import escape_url

USER_AGENT = "mmkg-media/0.2"
CHUNK = 1 << 16
_SOCKET_FLOOR_S = 0.05


@dataclass(frozen=True)
class Fetched:
    """A full (200) response: the final escaped URL after redirects, its body and its validators."""

    url: str
    body: bytes
    validators: Validators
    content_type: str | None


@dataclass(frozen=True)
class HttpPolicy:
    """How media are fetched: per-read timeout, opt-out signals, and the hosts media may come from."""

    timeout_s: float = 30.0
    honour_opt_out: bool = True
    allowed_hosts: tuple[str, ...] = ()  # empty: any host; else these hosts and their subdomains

    @classmethod
    def of(cls, config: MediaConfig) -> "HttpPolicy":
        return cls(config.http_timeout_s, config.honour_opt_out, config.allowed_hosts)

    def require_allowed(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        if self.allowed_hosts and not any(host == h or host.endswith("." + h) for h in self.allowed_hosts):
            raise MediaError(f"http: host {host!r} is not an allowed media host")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to allowed http(s) hosts only (urllib alone would also follow ``ftp://``)."""

    def __init__(self, policy: HttpPolicy) -> None:
        self.policy = policy

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if not newurl.lower().startswith(("http://", "https://")):
            raise MediaError(f"http {code}: redirect to a non-http URL refused ({newurl[:80]!r})")
        self.policy.require_allowed(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    max_bytes: int,
    budget: Budget,
    policy: HttpPolicy,
    validators: Validators = Validators(),
    image: bool = False,
    page: bool = False,
) -> Fetched | None:
    """GET ``url`` into memory; ``None`` when the server answers 304 to ``validators``.

    With ``page``, a video or audio answer raises ``NotAPage`` before its body is read."""
    body = bytearray()
    result = stream(url, body.extend, max_bytes, budget, policy, validators, image, page)
    if result is None:
        return None
    final_url, found, content_type = result
    return Fetched(final_url, bytes(body), found, content_type)


def stream(
    url: str,
    write: Callable[[bytes], Any],
    max_bytes: int,
    budget: Budget,
    policy: HttpPolicy,
    validators: Validators = Validators(),
    image: bool = False,
    page: bool = False,
) -> tuple[str, Validators, str | None] | None:
    """GET ``url`` and pass its (decoded) body to ``write`` chunk by chunk.

    Returns (final URL, validators, content type), or ``None`` on 304. Raises ``OptedOut``
    before reading the body when the response reserves itself and ``honour_opt_out`` is set.
    """
    escaped = escape_url(url)
    policy.require_allowed(escaped)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **validators.request_headers()}
    request = urllib.request.Request(escaped, headers=headers)
    try:
        timeout = min(policy.timeout_s, budget.check("http"))
        opener = urllib.request.build_opener(_CheckedRedirects(policy))
        with opener.open(request, timeout=timeout) as response:
            if policy.honour_opt_out and (reason := header_opt_out(response.headers, image)):
                raise OptedOut(reason)
            content_type = response.headers.get_content_type()
            if page and content_type.startswith(("video/", "audio/")):
                raise NotAPage(escape_url(response.url), content_type)
            _read_body(response, write, max_bytes, budget, policy.timeout_s)
            return escape_url(response.url), Validators.from_headers(response.headers), content_type
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304:
            return None
        raise MediaError(f"http {exc.code}: {_http_reason(exc)}") from exc
    except MediaError:
        raise
    except (TimeoutError, socket.timeout) as exc:
        if budget.remaining() < _SOCKET_FLOOR_S:  # the socket waited only for what was left of the budget
            raise budget.exceeded("http download") from exc
        raise MediaError("http: timed out waiting for the server (no data within the timeout)") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise MediaError(f"http: {getattr(exc, 'reason', None) or type(exc).__name__}: {exc}") from exc


def _http_reason(exc: urllib.error.HTTPError) -> str:
    """urllib's redirect refusals as short reasons; other statuses keep the server's phrase."""
    reason = str(exc.reason)
    if "infinite loop" in reason or "maximum redirection" in reason:
        return "redirect loop"
    if "not allowed" in reason:
        target = re.search(r"'([^']*)'", reason)
        return f"redirect to a non-http URL refused ({target[1][:80] if target else '?'})"
    return reason


def _read_body(response: Any, write: Callable[[bytes], Any], max_bytes: int, budget: Budget, timeout_s: float) -> None:
    """Stream the body: size cap on raw and inflated bytes, budget checked per chunk, short reads refused."""
    declared = response.headers.get("Content-Length")
    declared_n = int(declared) if declared and declared.strip().isdigit() else None
    if declared_n is not None and declared_n > max_bytes:
        raise MediaError(f"http: Content-Length {declared_n} exceeds the cap of {max_bytes} bytes")
    inflate = _decoder(response.headers.get("Content-Encoding"))
    raw_n = out_n = 0
    while True:
        _tighten_socket(response, min(timeout_s, budget.check("http download")))
        chunk = response.read1(CHUNK)
        if not chunk:
            break
        raw_n += len(chunk)
        data = chunk if inflate is None else _inflate(inflate, chunk, max_bytes - out_n)
        out_n += len(data)
        if raw_n > max_bytes or out_n > max_bytes:
            what = "inflated body" if inflate is not None and out_n > max_bytes else "body"
            raise MediaError(f"http: {what} exceeds the cap of {max_bytes} bytes")
        write(data)
    if declared_n is not None and raw_n < declared_n:
        raise MediaError(f"http: short read, got {raw_n} of the {declared_n} bytes Content-Length announced")
    if out_n == 0:
        raise MediaError("http: empty response body")


def _decoder(encoding: str | None) -> Any:
    value = (encoding or "identity").strip().lower()
    if value in ("identity", ""):
        return None
    if value in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if value == "deflate":
        return zlib.decompressobj()
    raise MediaError(f"http: unsupported Content-Encoding {encoding!r}")


def _inflate(decoder: Any, chunk: bytes, room: int) -> bytes:
    """Inflate at most ``room + 1`` bytes, so a gzip bomb never expands past the cap in memory."""
    try:
        data = decoder.decompress(chunk, max(room, 0) + 1)
    except zlib.error as exc:
        raise MediaError(f"http: corrupt compressed body ({exc})") from exc
    if decoder.unconsumed_tail:
        raise MediaError("http: inflated body exceeds the cap (decompression bomb guard)")
    return data


def _tighten_socket(response: Any, seconds: float) -> None:
    """Make the next read wait at most ``seconds``: the budget left, not the opening timeout."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, _SOCKET_FLOOR_S))
