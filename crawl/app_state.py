"""The film of a client-rendered page, read from the state its app embeds.

Single-page apps (Next.js, Nuxt, Redux-style sites) send an empty shell and the data in a
script: ``<script id="__NEXT_DATA__" type="application/json">``, the App Router's streamed
``self.__next_f.push`` chunks (``crawl.next_flight``), or
``window.__INITIAL_STATE__ = {…};``, Nuxt's ``__NUXT_DATA__`` (a flat array whose objects
point at their values by index) or an Apollo cache (``{"__ref": "Person:9"}`` pointing at a
top-level entry); references are resolved first. That state has no standard vocabulary, but film sites
built on the TMDB API keep its shape (``title``, ``release_date``, ``runtime``, ``genres``,
``credits.cast`` / ``credits.crew`` with ``job``, ``videos.results``) and others use near
names (``year``, ``directors``, ``cast``, ``posterUrl``, a flat ``credits`` list with a
``role``, as JustWatch's cache has it). The movie is the object with a title
that carries the most kinds of film facts; it is turned into a schema.org Movie node so the
same typed reading as JSON-LD applies (``crawl.work_record``).
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from crawl.next_flight import flight_state
from crawl.schema_org import as_list

MAX_STATE_CHARS = 5_000_000
MAX_NODES = 20_000
ASSIGNED_STATE_RE = re.compile(r"^\s*(?:window|self|globalThis)\s*(?:\.\s*|\[\s*[\"'])[A-Za-z_$][\w$]*(?:[\"']\s*\])?\s*=\s*")
TITLE_KEYS = ("title", "name", "originalTitle", "original_title")
# Kinds of film facts; an object with a title and at least MIN_FACT_KINDS of them is a film.
FACT_KEYS = {
    "date": ("release_date", "releaseDate", "released", "year", "releaseYear", "release_year", "first_air_date",
             "originalReleaseYear", "productionYear"),
    "runtime": ("runtime", "runtimeMinutes", "runtime_minutes", "duration"),
    "genres": ("genres", "genre"),
    "plot": ("overview", "plot", "synopsis", "storyline", "summary", "description", "shortDescription"),
    "credits": ("credits", "cast", "crew", "director", "directors", "actors", "stars", "starring", "writers"),
    "ids": ("imdb_id", "imdbId", "imdbID", "tmdb_id", "tmdbId", "external_ids", "externalIds"),
    "poster": ("poster_path", "poster", "posterUrl", "poster_url", "posterImage"),
}
MIN_FACT_KINDS = 2
CONNECTION_KEYS = ("items", "edges", "nodes", "results")
WRAPPER_KEYS = ("text", "plainText", "name", "value", "year", "original", "english", "en", "localized")
# TMDB keeps image paths relative to its image host.
TMDB_IMAGE_BASE = "https://image.tmdb.org/t/p/original"
# Crew jobs (TMDB's names and common variants) -> the schema.org property they fill.
CREW_JOBS = {
    "director": "director",
    "screenplay": "author", "writer": "author", "story": "author", "novel": "author", "author": "author",
    "teleplay": "author", "screenstory": "author",
    "producer": "producer",
    "original music composer": "musicBy", "music": "musicBy", "composer": "musicBy",
    "director of photography": "cinematographer", "cinematography": "cinematographer",
    "editor": "editor",
    "actor": "actor", "actress": "actor", "cast": "actor",
}
CREDIT_ROLE_KEYS = ("job", "role", "category", "department")
PEOPLE_KEYS = {
    "director": ("director", "directors"), "actor": ("cast", "actors", "stars", "starring"),
    "author": ("writers", "writer", "screenplay"), "producer": ("producers",), "musicBy": ("composer", "music"),
}
VIDEO_URLS = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}


def app_state_movie(tree: HtmlElement) -> dict[str, Any] | None:
    """The page's film as a schema.org Movie node, or None when no embedded state holds one.

    Several different films with the most facts (a listing's state) are no film page, unless
    the page's ``<title>`` names one of them."""
    found = [(_film_score(node), depth, node, parent)
             for state in _embedded_states(tree) for depth, node, parent in _objects(state)]
    found = [entry for entry in found if entry[0] >= MIN_FACT_KINDS]
    if not found:
        return None
    top = max(score for score, *_ in found)
    best = sorted((entry for entry in found if entry[0] == top), key=lambda entry: entry[1])
    titles = {_title_key(entry[2]) for entry in best}
    if len(titles) > 1:
        page_title = " ".join(tree.xpath("//head/title//text()")).casefold()
        best = [entry for entry in best if _title_key(entry[2]) in page_title]
        if len({_title_key(entry[2]) for entry in best}) != 1:
            return None
    return _as_schema_node(best[0][2], best[0][3])


def _title_key(node: dict[str, Any]) -> str:
    return (_text(_first_of(node, TITLE_KEYS)) or "").casefold()


def _embedded_states(tree: HtmlElement) -> Iterator[Any]:
    for script in tree.xpath("//script"):
        kind = (script.get("type") or "").strip().lower()
        text = script.text or ""
        if not text.strip() or len(text) > MAX_STATE_CHARS or kind == "application/ld+json":
            continue
        if kind == "application/json":
            start = 0
        elif kind in ("", "text/javascript", "module") and (match := ASSIGNED_STATE_RE.match(text)):
            start = match.end()
        else:
            continue
        try:
            state, _ = json.JSONDecoder().raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        if isinstance(state, str) and state.lstrip().startswith(("{", "[")):  # state shipped as a JSON string
            try:
                state = json.loads(state)
            except json.JSONDecodeError:
                continue
        yield _hydrated(state) if script.get("id") == "__NUXT_DATA__" else _with_refs(state, state, 0)
    if (flight := flight_state(tree)) is not None:
        yield flight


def _hydrated(payload: Any) -> Any:
    """Nuxt 3's payload (devalue): ``[{"data": 1}, {"movie": 2}, {"title": 3}, "Inception"]``;
    an object's or array's numbers are indexes into the payload; ``["Reactive", 5]`` wraps one."""
    if not isinstance(payload, list) or not payload:
        return payload
    resolved: dict[int, Any] = {}

    def value_at(index: Any, depth: int) -> Any:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(payload) or depth > 40:
            return None
        if index in resolved:
            return resolved[index]
        raw = payload[index]
        if isinstance(raw, dict):
            resolved[index] = {key: value_at(child, depth + 1) for key, child in raw.items()}
        elif isinstance(raw, list) and len(raw) == 2 and isinstance(raw[0], str):
            resolved[index] = value_at(raw[1], depth + 1) if isinstance(raw[1], int) else raw[1]
        elif isinstance(raw, list):
            resolved[index] = [value_at(child, depth + 1) for child in raw]
        else:
            resolved[index] = raw
        return resolved[index]

    return value_at(0, 0)


def _with_refs(value: Any, root: Any, depth: int) -> Any:
    """Apollo's normalised cache: ``{"__ref": key}`` replaced by ``root[key]`` (bounded depth)."""
    if depth > 12:
        return value
    if isinstance(value, list):
        return [_with_refs(child, root, depth + 1) for child in value]
    if not isinstance(value, dict):
        return value
    ref = value.get("__ref")
    if len(value) == 1 and isinstance(ref, str) and isinstance(root, dict) and isinstance(root.get(ref), dict):
        return _with_refs(root[ref], root, depth + 1)
    return {key: _with_refs(child, root, depth + 1) for key, child in value.items()}


def _objects(state: Any) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Every object of the state with its depth and the object that holds it (breadth first, bounded)."""
    queue: deque[tuple[int, Any, dict[str, Any]]] = deque([(0, state, {})])
    seen = 0
    while queue and seen < MAX_NODES:
        depth, value, parent = queue.popleft()
        seen += 1
        if isinstance(value, dict):
            if "@type" not in value:  # schema.org markup is read as such elsewhere
                yield depth, value, parent
            queue += [(depth + 1, child, value) for child in value.values() if isinstance(child, (dict, list))]
        elif isinstance(value, list):
            queue += [(depth + 1, child, parent) for child in value if isinstance(child, (dict, list))]


def _film_score(node: dict[str, Any]) -> int:
    title = _first_of(node, TITLE_KEYS)
    if not isinstance(title, (str, dict)) or not _text(title):
        return 0
    return sum(any(node.get(key) not in (None, "", [], {}) for key in keys) for keys in FACT_KEYS.values())


def _as_schema_node(movie: dict[str, Any], parent: dict[str, Any]) -> dict[str, Any]:
    credits = movie.get("credits") if isinstance(movie.get("credits"), (dict, list)) else parent.get("credits")
    crew = as_list(credits) if isinstance(credits, list) else []  # one flat list, each credit with its role
    credits = credits if isinstance(credits, dict) else {}
    node: dict[str, Any] = {
        "@type": "TVSeries" if "first_air_date" in movie or movie.get("media_type") == "tv" else "Movie",
        "name": _text(_first_of(movie, TITLE_KEYS)),
        "datePublished": _text(_first_of(movie, FACT_KEYS["date"])),
        "duration": _duration(_first_of(movie, FACT_KEYS["runtime"])),
        "description": _text(_first_of(movie, FACT_KEYS["plot"])),
        "genre": [_name(g) for g in _entries(_first_of(movie, FACT_KEYS["genres"])) if _name(g)],
        "image": _poster(movie),
        "trailer": _trailer(movie),
        "sameAs": _id_urls(movie),
        "productionCompany": _names(movie.get("production_companies") or movie.get("productionCompanies")),
        "countryOfOrigin": _names(movie.get("production_countries") or movie.get("countries")),
        "inLanguage": _names(movie.get("spoken_languages") or movie.get("languages"), "english_name"),
    }
    people: dict[str, list[str]] = {}
    for prop, keys in PEOPLE_KEYS.items():
        for key in keys:
            for value in _entries(movie.get(key) if key in movie else credits.get(key)):
                people.setdefault(prop, []).append(_name(value))
    for member in crew + _entries(credits.get("crew") or movie.get("crew")):
        if isinstance(member, dict) and (prop := CREW_JOBS.get(_role(member))):
            people.setdefault(prop, []).append(_name(member))
    node |= {prop: [{"@type": "Person", "name": n} for n in dict.fromkeys(names) if n] for prop, names in people.items()}
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def _role(credit: dict[str, Any]) -> str:
    role = next((credit[key] for key in CREDIT_ROLE_KEYS if isinstance(credit.get(key), (str, dict))), "")
    return (_text(role) or "").strip().lower()


def _first_of(node: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((node[key] for key in keys if node.get(key) not in (None, "", [], {})), None)


def _text(value: Any) -> str | None:
    """A string, a number as text, or the text of a ``{"text": …}`` / ``{"name": …}`` wrapper, or
    of a title in several languages (``{"russian": …, "original": …}``: the original first)."""
    if isinstance(value, dict):
        value = next((value[k] for k in WRAPPER_KEYS if value.get(k) not in (None, "")), None)
    if isinstance(value, bool) or value is None:
        return None
    return str(value).strip() or None if isinstance(value, (str, int, float)) else None


def _entries(value: Any) -> list[Any]:
    """A list, or the members of a GraphQL-style connection (``{"items": […]}``,
    ``{"edges": [{"node": …}]}``, ``{"nodes": […]}``)."""
    if isinstance(value, dict) and (members := next((value[k] for k in CONNECTION_KEYS if isinstance(value.get(k), list)), None)):
        return [m["node"] if isinstance(m, dict) and isinstance(m.get("node"), dict) else m for m in members]
    return as_list(value)


def _name(value: Any) -> str | None:
    """A name, or the name of the person or thing a credit wraps (``{"person": {"name": …}}``)."""
    if isinstance(value, dict):
        inner = next((value[k] for k in ("person", "node") if isinstance(value.get(k), dict)), None)
        if inner is not None and not value.get("name"):
            return _name(inner)
        return _text(value.get("name") or value.get("nameText") or value.get("title"))
    return _text(value)


def _names(values: Any, key: str = "name") -> list[str]:
    found = [_text(v.get(key) or v.get("name")) if isinstance(v, dict) else _text(v) for v in as_list(values)]
    return [name for name in found if name]


def _duration(value: Any) -> Any:
    """Minutes as a number (TMDB), seconds in a ``{"seconds": …}`` wrapper, or a text as given."""
    if isinstance(value, dict) and isinstance(value.get("seconds"), (int, float)):
        return f"PT{int(value['seconds']) // 60}M"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"PT{int(value)}M"
    return value if isinstance(value, str) else None


def _poster(movie: dict[str, Any]) -> str | None:
    value = _first_of(movie, ("posterUrl", "poster_url", "poster", "posterImage"))
    if isinstance(value, dict):
        value = value.get("url") or value.get("src")
    if isinstance(value, str) and value.strip():
        return value.strip()
    path = movie.get("poster_path")
    return f"{TMDB_IMAGE_BASE}{path}" if isinstance(path, str) and path.startswith("/") else None


def _trailer(movie: dict[str, Any]) -> str | None:
    value = _first_of(movie, ("trailerUrl", "trailer_url", "trailer"))
    if isinstance(value, dict):
        value = value.get("url") or value.get("embedUrl")
    if isinstance(value, str) and value.strip():
        return value.strip()
    videos = movie.get("videos")
    results = videos.get("results") if isinstance(videos, dict) else videos
    clips = [v for v in as_list(results) if isinstance(v, dict) and str(v.get("site", "")).lower() in VIDEO_URLS and v.get("key")]
    clips.sort(key=lambda v: str(v.get("type", "")).lower() != "trailer")
    return VIDEO_URLS[str(clips[0]["site"]).lower()].format(clips[0]["key"]) if clips else None


def _id_urls(movie: dict[str, Any]) -> list[str]:
    external = _first_of(movie, ("external_ids", "externalIds"))
    external = external if isinstance(external, dict) else {}
    imdb = _text(_first_of(movie, ("imdb_id", "imdbId", "imdbID")) or _first_of(external, ("imdb_id", "imdbId")))
    tmdb = _text(_first_of(movie, ("tmdb_id", "tmdbId")) or _first_of(external, ("tmdb_id", "tmdbId")))
    urls = [f"https://www.imdb.com/title/{imdb}/"] if imdb and re.fullmatch(r"tt\d{5,10}", imdb) else []
    return urls + ([f"https://www.themoviedb.org/movie/{tmdb}"] if tmdb and tmdb.isdigit() else [])
