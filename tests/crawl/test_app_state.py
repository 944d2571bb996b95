"""Client-rendered film pages: the film is read from the state the app embeds (crawl.app_state).

Each page reproduces a shape real single-page movie sites ship: Next.js ``__NEXT_DATA__``
with a TMDB-API movie, a Redux-style ``window.__INITIAL_STATE__`` with its own key names and
the credits beside the movie, and Nuxt 3's index-linked ``__NUXT_DATA__`` payload.
"""

from __future__ import annotations

import json

from crawl.page_reader import read_page

URL = "http://127.0.0.1:8000/movie/27205-inception"

TMDB_MOVIE = {
    "id": 27205, "title": "Inception", "original_title": "Inception", "release_date": "2010-07-15", "runtime": 148,
    "genres": [{"id": 28, "name": "Action"}, {"id": 878, "name": "Science Fiction"}],
    "overview": "Cobb, a skilled thief who steals secrets from deep within the subconscious, is offered a chance"
                " to have his criminal history erased.",
    "poster_path": "/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg", "imdb_id": "tt1375666",
    "production_companies": [{"id": 923, "name": "Legendary Pictures"}],
    "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
    "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
    "credits": {
        "cast": [{"name": "Leonardo DiCaprio", "character": "Cobb"}, {"name": "Elliot Page", "character": "Ariadne"}],
        "crew": [{"name": "Christopher Nolan", "job": "Director"}, {"name": "Christopher Nolan", "job": "Writer"},
                 {"name": "Hans Zimmer", "job": "Original Music Composer"},
                 {"name": "Wally Pfister", "job": "Director of Photography"}, {"name": "Lee Smith", "job": "Editor"},
                 {"name": "Emma Thomas", "job": "Producer"}, {"name": "Guy Hendrix Dyas", "job": "Production Design"}],
    },
    "videos": {"results": [{"site": "YouTube", "key": "teaser01", "type": "Teaser"},
                           {"site": "YouTube", "key": "YoHD9XEInc0", "type": "Trailer"}]},
    "recommendations": {"results": [
        {"title": "Interstellar", "release_date": "2014-11-05", "poster_path": "/a.jpg", "overview": "Explorers."},
        {"title": "The Prestige", "release_date": "2006-10-17", "poster_path": "/b.jpg", "overview": "Magicians."}]},
}


def _spa(script: str, title: str = "Inception (2010) | Watchlist", head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head>"
            f'<body><div id="__next"><div class="spinner">Loading…</div></div>{script}</body></html>')


def _read(html: str, url: str = URL):
    return read_page(html.encode(), html, url)


def _facts(reading) -> dict[str, list[str]]:
    facts: dict[str, list[str]] = {}
    for attribute in reading.attributes:
        facts.setdefault(attribute.attribute, []).append(attribute.value)
    return facts


def test_a_nextjs_page_with_a_tmdb_shaped_movie_gives_the_film_and_its_crew_by_job() -> None:
    data = {"props": {"pageProps": {"movie": TMDB_MOVIE}}, "page": "/movie/[id]", "buildId": "x1"}
    reading = _read(_spa(f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'))

    assert reading.kind == "movie" and reading.movie.method == "app-state"
    movie = reading.movie
    assert (movie.title, movie.year, movie.duration_min, movie.imdb_id) == ("Inception", 2010, 148, "tt1375666")
    assert movie.poster_url == "https://image.tmdb.org/t/p/original/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg"
    assert movie.trailer_url == "https://www.youtube.com/watch?v=YoHD9XEInc0", "the trailer, not the teaser"
    assert movie.description.startswith("Cobb, a skilled thief")
    facts = _facts(reading)
    assert facts["director"] == ["Christopher Nolan"] and facts["author"] == ["Christopher Nolan"]
    assert facts["actor"] == ["Leonardo DiCaprio", "Elliot Page"]
    assert (facts["musicBy"], facts["cinematographer"], facts["editor"], facts["producer"]) == (
        ["Hans Zimmer"], ["Wally Pfister"], ["Lee Smith"], ["Emma Thomas"])
    assert facts["genre"] == ["Action", "Science Fiction"]
    assert facts["countryOfOrigin"] == ["United States"] and facts["inLanguage"] == ["English"]
    assert facts["productionCompany"] == ["Legendary Pictures"]
    assert "Guy Hendrix Dyas" not in sum(facts.values(), []), "a crew job outside the vocabulary is not a credit"


def test_a_redux_state_with_its_own_names_and_the_credits_beside_the_movie() -> None:
    state = {
        "session": {"user": None, "locale": "en-GB"},
        "title": {
            "details": {"name": "Paddington 2", "year": 2017, "runtime": "1h 43m", "genre": ["Family", "Comedy"],
                        "synopsis": "Paddington picks up a series of odd jobs to buy the perfect present.",
                        "posterUrl": "/images/posters/paddington-2.jpg", "trailerUrl": "/videos/paddington-2.mp4",
                        "imdbId": "tt4468740"},
            "credits": {"directors": ["Paul King"], "writers": ["Paul King", "Simon Farnaby"],
                        "cast": [{"name": "Ben Whishaw", "role": "Paddington (voice)"}, {"name": "Hugh Grant"}]},
        },
    }
    script = f"<script>window.__INITIAL_STATE__ = {json.dumps(state)};window.__ENV__={{\"a\":1}}</script>"
    reading = _read(_spa(script, title="Paddington 2"), "http://127.0.0.1:8000/titles/paddington-2")

    movie = reading.movie
    assert (movie.title, movie.year, movie.duration_min, movie.imdb_id) == ("Paddington 2", 2017, 103, "tt4468740")
    assert movie.poster_url == "http://127.0.0.1:8000/images/posters/paddington-2.jpg"
    assert movie.trailer_url == "http://127.0.0.1:8000/videos/paddington-2.mp4"
    facts = _facts(reading)
    assert facts["director"] == ["Paul King"] and facts["author"] == ["Paul King", "Simon Farnaby"]
    assert facts["actor"] == ["Ben Whishaw", "Hugh Grant"] and facts["genre"] == ["Family", "Comedy"]


def test_a_nuxt_payload_is_resolved_by_index_before_it_is_read() -> None:
    payload = [["ShallowReactive", 1], {"data": 2}, ["ShallowReactive", 3], {"movie-603": 4},
               {"title": 5, "releaseDate": 6, "directors": 7, "genres": 10, "runtime": 12}, "The Matrix",
               ["Date", "1999-03-31T00:00:00.000Z"], [8, 9], "Lana Wachowski", "Lilly Wachowski", [11],
               "Science Fiction", 136]
    script = f'<script type="application/json" id="__NUXT_DATA__" data-ssr="true">{json.dumps(payload)}</script>'
    reading = _read(_spa(script, title="The Matrix"), "http://127.0.0.1:8000/film/603")

    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min) == ("The Matrix", 1999, 136)
    assert _facts(reading) == {"director": ["Lana Wachowski", "Lilly Wachowski"], "genre": ["Science Fiction"]}


def test_the_state_of_a_listing_is_no_film_page() -> None:
    films = [{"title": t, "release_date": d, "poster_path": f"/{n}.jpg", "overview": "…"}
             for n, (t, d) in enumerate([("Heat", "1995-12-15"), ("Collateral", "2004-08-05"), ("Thief", "1981-03-27")])]
    data = {"props": {"pageProps": {"films": films, "page": 2}}}
    reading = _read(_spa(f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>',
                         title="Crime films | Watchlist"), "http://127.0.0.1:8000/genre/crime?page=2")
    assert reading.kind != "movie" and reading.movie is None


def test_markup_wins_over_the_state_and_broken_state_is_ignored() -> None:
    jsonld = json.dumps({"@context": "https://schema.org", "@type": "Movie", "name": "Inception", "datePublished": "2010"})
    data = json.dumps({"props": {"pageProps": {"movie": TMDB_MOVIE}}})
    both = _read(_spa(f'<script id="__NEXT_DATA__" type="application/json">{data}</script>',
                      head=f'<script type="application/ld+json">{jsonld}</script>'))
    assert both.movie.method == "json-ld"

    og = ('<meta property="og:type" content="video.movie"><meta property="og:title" content="Inception">'
          '<meta property="og:image" content="/poster.jpg">')
    broken = _read(_spa('<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {"movie": {"ti</script>',
                        head=og))
    assert broken.kind == "movie" and broken.movie.method == "opengraph" and broken.movie.title == "Inception"


def test_an_apollo_cache_is_read_through_its_references() -> None:
    cache = {
        "ROOT_QUERY": {"__typename": "Query", 'movie({"slug":"heat-1995"})': {"__ref": "Movie:949"}},
        "Movie:949": {"__typename": "Movie", "id": 949, "title": "Heat", "releaseYear": 1995,
                      "genres": [{"__ref": "Genre:80"}], "directors": [{"__ref": "Person:637"}],
                      "cast": [{"__ref": "Credit:1"}, {"__ref": "Credit:2"}]},
        "Genre:80": {"__typename": "Genre", "name": "Crime"},
        "Person:637": {"__typename": "Person", "name": "Michael Mann"},
        "Person:1158": {"__typename": "Person", "name": "Al Pacino"},
        "Person:380": {"__typename": "Person", "name": "Robert De Niro"},
        "Credit:1": {"__typename": "Credit", "character": "Vincent Hanna", "name": "Al Pacino"},
        "Credit:2": {"__typename": "Credit", "character": "Neil McCauley", "name": "Robert De Niro"},
    }
    reading = _read(_spa(f"<script>window.__APOLLO_STATE__={json.dumps(cache)}</script>", title="Heat"),
                    "http://127.0.0.1:8000/films/heat-1995")
    assert (reading.movie.title, reading.movie.year) == ("Heat", 1995)
    assert _facts(reading) == {"director": ["Michael Mann"], "actor": ["Al Pacino", "Robert De Niro"], "genre": ["Crime"]}


def test_a_flat_credit_list_with_roles_and_nested_external_ids() -> None:
    cache = {
        "ROOT_QUERY": {"node": {"__ref": "MovieContent:tm92641"}},
        "MovieContent:tm92641": {
            "__typename": "MovieContent", "title": "Arrival", "originalReleaseYear": 2016, "runtime": 116,
            "shortDescription": "Linguist Louise Banks leads an elite team of investigators.",
            "externalIds": {"__typename": "ExternalIds", "imdbId": "tt2543164", "tmdbId": "329865"},
            "credits": [{"role": "DIRECTOR", "name": "Denis Villeneuve"}, {"role": "ACTOR", "name": "Amy Adams",
                         "characterName": "Louise Banks"}, {"role": "ACTOR", "name": "Jeremy Renner"},
                        {"role": "GAFFER", "name": "Ron Fratus"}]},
    }
    reading = _read(_spa(f"<script>window.__APOLLO_STATE__ = {json.dumps(cache)};</script>", title="Arrival"),
                    "http://127.0.0.1:8000/us/movie/arrival")
    movie = reading.movie
    assert (movie.title, movie.year, movie.duration_min, movie.imdb_id, movie.tmdb_id) == (
        "Arrival", 2016, 116, "tt2543164", "329865")
    assert movie.description.startswith("Linguist Louise Banks")
    assert _facts(reading) == {"director": ["Denis Villeneuve"], "actor": ["Amy Adams", "Jeremy Renner"]}


def test_a_title_in_several_languages_keeps_the_original_and_connections_are_unwrapped() -> None:
    state = {"props": {"apolloState": {"Film:447301": {
        "__typename": "Film", "title": {"russian": "Начало", "original": "Inception", "english": None},
        "productionYear": 2010, "genres": [{"name": "фантастика"}, {"name": "боевик"}],
        "synopsis": "Кобб — талантливый вор, лучший из лучших в опасном искусстве извлечения.",
        "directors": {"items": [{"person": {"name": "Christopher Nolan"}}]}}}}}
    reading = _read(_spa(f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}</script>',
                         title="Начало (2010) — фильм"), "http://127.0.0.1:8000/film/447301/")
    assert (reading.movie.title, reading.movie.year) == ("Inception", 2010)
    assert _facts(reading) == {"genre": ["фантастика", "боевик"], "director": ["Christopher Nolan"]}


def _flight_scripts(payload: str, chunk: int = 90) -> str:
    """The App Router's inline scripts: a bootstrap push, then the payload in string chunks."""
    pushes = [f"<script>self.__next_f.push({json.dumps([1, payload[i:i + chunk]])})</script>"
              for i in range(0, len(payload), chunk)]
    return '<script src="/_next/static/chunks/webpack.js" async></script><script>(self.__next_f=self.__next_f||[]).push([0])</script>' + "".join(pushes)


def test_a_nextjs_app_router_page_is_read_from_its_streamed_flight_rows() -> None:
    """Next.js 13+ App Router: no __NEXT_DATA__; the server component's props arrive as flight rows,
    the film in a row that the page element points at with "$5", beside module, hint and text rows."""
    overview = "Ein Dieb, der Geheimnisse stiehlt — Cobb."
    rows = [
        '1:HL["/_next/static/css/app.css","style"]',
        '2:I[5613,["613","static/chunks/613.js"],"MoviePage"]',
        f'4:T{len(overview.encode()):x},{overview}',
        "5:" + json.dumps({**TMDB_MOVIE, "overview": "$4"}),
        "0:" + json.dumps(["$", "$L2", None, {"movie": "$5", "similar": [{"title": "Interstellar", "release_date": "2014-11-05"}]}]),
    ]
    payload = rows[0] + "\n" + rows[1] + "\n" + rows[2] + rows[3] + "\n" + rows[4] + "\n"
    reading = _read(_spa(_flight_scripts(payload)))

    assert reading.kind == "movie" and reading.movie.method == "app-state"
    movie = reading.movie
    assert (movie.title, movie.year, movie.duration_min, movie.imdb_id) == ("Inception", 2010, 148, "tt1375666")
    facts = _facts(reading)
    assert facts["director"] == ["Christopher Nolan"] and facts["actor"] == ["Leonardo DiCaprio", "Elliot Page"]


def test_flight_rows_skip_text_module_and_broken_rows() -> None:
    from crawl.next_flight import flight_rows
    text = "Zeilen\nmit Ümlaut"
    payload = f'a:T{len(text.encode()):x},{text}1:I[1,[],"X"]\n2:{{"title": "Heat"}}\n3:{{broken\n4:[1,"$2"]\n'
    assert flight_rows(payload) == {"2": {"title": "Heat"}, "4": [1, "$2"]}
