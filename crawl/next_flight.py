"""The React Server Components payload a Next.js App Router page streams into its HTML.

Such pages have no ``__NEXT_DATA__``: the server's data reaches the browser as string chunks
``self.__next_f.push([1, "…"])``, which joined form the "flight" rows: ``<hex id>:<JSON>``
lines (React elements as ``["$", "div", null, {props}]``, data objects inside the props),
module and hint rows (``1:I[…]``, ``2:HL[…]``) and length-prefixed text rows
(``3:T1a,<26 bytes of text>``). A value that is another row's id (``"$5"``, ``"$L5"``,
``"$@5"``) stands for that row, so references are resolved and the rows come out
as one JSON-like state that ``crawl.app_state`` searches for the film.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

MAX_FLIGHT_CHARS = 5_000_000
MAX_NESTING = 200  # deeper values are dropped, far below Python's recursion limit
PUSH_RE = re.compile(r"^\s*(?:\(\s*self\.__next_f\s*=\s*self\.__next_f\s*\|\|\s*\[\]\s*\)|self\.__next_f)\s*\.push\(\s*")
ROW_ID_RE = re.compile(r"[0-9a-f]+")
ROW_REF_RE = re.compile(r"^\$[L@]?([0-9a-f]+)$")
_DECODER = json.JSONDecoder()


def flight_state(tree: HtmlElement) -> list[Any] | None:
    """The page's flight rows (references resolved), or None when it streams none."""
    chunks = []
    for script in tree.xpath("//script[not(@src)]"):
        text = script.text or ""
        if not (match := PUSH_RE.match(text)):
            continue
        try:
            pushed, _ = _DECODER.raw_decode(text, match.end())
        except json.JSONDecodeError:
            continue
        if isinstance(pushed, list) and len(pushed) >= 2 and pushed[0] == 1 and isinstance(pushed[1], str):
            chunks.append(pushed[1])
    payload = "".join(chunks)
    if not payload or len(payload) > MAX_FLIGHT_CHARS:
        return None
    try:
        return _resolved_rows(flight_rows(payload)) or None
    except RecursionError:  # references chained deeper than the interpreter allows: no state
        return None


def flight_rows(payload: str) -> dict[str, Any]:
    """The JSON rows of a flight payload by id; module, hint, text and broken rows are skipped."""
    rows: dict[str, Any] = {}
    pos = 0
    while pos < len(payload):
        colon = payload.find(":", pos)
        if colon < 0:
            break
        row_id = payload[pos:colon]
        if not ROW_ID_RE.fullmatch(row_id):
            pos = _next_line(payload, pos)
            continue
        pos = colon + 1
        if payload.startswith("T", pos) and (comma := payload.find(",", pos)) > 0 and ROW_ID_RE.fullmatch(payload[pos + 1:comma]):
            size = int(payload[pos + 1:comma], 16)  # in UTF-8 bytes, so count characters by decoding
            start = comma + 1
            pos = start + len(payload[start:start + size].encode()[:size].decode("utf-8", errors="ignore"))
            continue
        if payload[pos:pos + 1].isalpha():
            pos = _next_line(payload, pos)
            continue
        try:
            rows[row_id], pos = _DECODER.raw_decode(payload, pos)
        except json.JSONDecodeError:
            pos = _next_line(payload, pos)
            continue
        if payload.startswith("\n", pos):
            pos += 1
    return rows


def _next_line(payload: str, pos: int) -> int:
    newline = payload.find("\n", pos)
    return len(payload) if newline < 0 else newline + 1


def _resolved_rows(rows: dict[str, Any]) -> list[Any]:
    """Every row with its references replaced by the rows they name; each row is resolved once
    (shared, not copied), a reference back into a row being resolved stays a string."""
    done: dict[str, Any] = {}
    active: set[str] = set()

    def row(row_id: str) -> Any:
        if row_id not in done and row_id not in active:
            active.add(row_id)
            done[row_id] = walk(rows[row_id], 0)
            active.discard(row_id)
        return done.get(row_id, "$" + row_id)

    def walk(value: Any, depth: int) -> Any:
        if depth > MAX_NESTING:
            return None
        if isinstance(value, str) and (ref := ROW_REF_RE.match(value)) and ref.group(1) in rows:
            return row(ref.group(1))
        if isinstance(value, list):
            return [walk(child, depth + 1) for child in value]
        if isinstance(value, dict):
            return {key: walk(child, depth + 1) for key, child in value.items()}
        return value

    return [row(row_id) for row_id in rows]
