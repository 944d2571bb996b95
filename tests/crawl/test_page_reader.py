"""Reading pages by content, one markup pattern of real movie sites per test.

Each page below reproduces a pattern real sites use (not a copy of any page): the right
fields must come out, and values of the wrong type must be skipped with a reason.
"""

from __future__ import annotations

import json
from pathlib import Path

from crawl.page_reader import read_page

PAGE = "http://127.0.0.1:9/films/page"


def read(html: str, url: str = PAGE, encoding: str = "utf-8"):
    return read_page(html.encode(encoding, errors="xmlcharrefreplace"), html, url, encoding)


def attrs(reading) -> set[tuple[str, str]]:
    return {(a.attribute, a.value) for a in reading.attributes}


def jsonld_page(data: dict, extra_head: str = "", body: str = "") -> str:
    return (f'<html><head><title>t</title>{extra_head}<script type="application/ld+json">{json.dumps(data)}</script>'
            f"</head><body>{body}</body></html>")


def test_database_style_jsonld_without_identifier() -> None:
    """IMDb-like: id from ``url`` and the page address, writers and studio under ``creator``,
    ``dateCreated`` (the record's date) ignored, entities decoded, codes named."""
    data = {
        "@context": "https://schema.org", "@type": "Movie", "url": "/title/tt0114709/", "name": "Toy Story &amp; Co",
        "datePublished": "1995-11-22", "dateCreated": "2019-01-01", "duration": "PT1H21M",
        "genre": ["Animation", "https://example.org/genre/comedy"], "inLanguage": "en",
        "director": [{"@type": "Person", "url": "/name/nm0005124/", "name": "John Lasseter"}],
        "creator": [{"@type": "Person", "name": "Joss Whedon"}, {"@type": "Organization", "name": "Pixar"}],
        "actor": [{"@type": "Person", "name": "Tom Hanks"}, 42],
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": 4.1, "bestRating": 5, "ratingCount": 1000},
    }
    reading = read(jsonld_page(data), url="http://127.0.0.1:9/title/tt0114709/?ref_=fn")
    movie = reading.movie
    assert (movie.title, movie.year, movie.kind, movie.method) == ("Toy Story & Co", 1995, "Movie", "json-ld")
    assert (movie.imdb_id, movie.duration_min, movie.rating_value, movie.rating_count) == ("tt0114709", 81, 8.2, 1000)
    assert movie.record_id == "http://127.0.0.1:9/title/tt0114709/"
    assert attrs(reading) == {("genre", "Animation"), ("inLanguage", "English"), ("director", "John Lasseter"),
                              ("author", "Joss Whedon"), ("productionCompany", "Pixar"), ("actor", "Tom Hanks")}
    assert next(a for a in reading.attributes if a.attribute == "director").external_id == "nm0005124"
    reasons = dict(reading.skips)
    assert "a URL" in reasons["genre"] and "a number (42)" in reasons["actor"]


def test_review_style_graph_with_item_reviewed_actors_and_released_event() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": PAGE, "name": "Review"},
        {"@type": "Review", "itemReviewed": {
            "@type": "Movie", "name": "Beauty &amp;amp; the Beast", "actors": [{"@type": "Person", "name": "Paige O'Hara"}],
            "releasedEvent": [{"@type": "PublicationEvent", "startDate": "1992-01-10"},
                              {"@type": "PublicationEvent", "startDate": "1991-11-22"}],
            "dateCreated": "2021-10-02", "sameAs": "https://www.themoviedb.org/movie/10020", "genre": "Animation, Family"}},
    ]}
    reading = read(jsonld_page(graph))
    assert (reading.movie.title, reading.movie.year, reading.movie.tmdb_id) == ("Beauty & the Beast", 1991, "10020")
    assert ("actor", "Paige O'Hara") in attrs(reading)


def test_microdata_with_itemprop_on_links_names_people_not_urls() -> None:
    html = """<html><body><div itemscope itemtype="http://schema.org/Movie">
<h1 itemprop="name">Heat</h1><meta itemprop="datePublished" content="1995-12-15">
<p>Directed by <a itemprop="director" href="/catalogue/person.php?id=7">Michael Mann</a></p>
<span itemprop="actor" itemscope itemtype="http://schema.org/Person"><a itemprop="url" href="/p/1"><span itemprop="name">Al Pacino</span></a></span>
<span itemprop="genre">Crime</span><link itemprop="image" href="/img/heat.jpg"></div>
<a href="https://www.imdb.com/title/tt0113277/">on IMDb</a><a href="/catalogue/list.php?page=2">more</a></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.method) == ("Heat", 1995, "microdata")
    assert reading.movie.imdb_id == "tt0113277"
    assert attrs(reading) == {("director", "Michael Mann"), ("actor", "Al Pacino"), ("genre", "Crime")}
    assert "http://127.0.0.1:9/catalogue/list.php?page=2" in reading.links


def test_rdfa_movie_is_read() -> None:
    html = """<html><body vocab="http://schema.org/"><div typeof="Movie">
<span property="name">Casino</span><span property="datePublished">1995</span>
<div property="director" typeof="Person"><span property="name">Martin Scorsese</span></div></div></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.method) == ("Casino", "rdfa")
    assert ("director", "Martin Scorsese") in attrs(reading)


def test_tv_series_are_kept_as_their_own_kind() -> None:
    reading = read(jsonld_page({"@type": "TVSeries", "name": "Frozen Planet", "datePublished": "2011-10-26",
                                "episode": [{"@type": "TVEpisode", "name": "To the Ends of the Earth"}]}))
    assert (reading.kind, reading.movie.kind, reading.movie.title) == ("movie", "TVSeries", "Frozen Planet")


def test_opengraph_only_page() -> None:
    html = """<html><head><meta property="og:type" content="video.movie"><meta property="og:title" content="Jumanji (1995)">
<meta property="og:image" content="/p/jumanji.jpg"><meta property="og:video" content="/v/jumanji.mp4">
<meta property="og:description" content="A magic board game unleashes a jungle.">
<meta property="video:director" content="https://example.org/people/joe-johnston"></head>
<body><h1>Jumanji</h1></body></html>"""
    reading = read(html)
    movie = reading.movie
    assert (movie.title, movie.year, movie.method) == ("Jumanji", 1995, "opengraph")
    assert (movie.poster_url, movie.trailer_url) == ("http://127.0.0.1:9/p/jumanji.jpg", "http://127.0.0.1:9/v/jumanji.mp4")
    assert reading.attributes == [] and "a URL" in dict(reading.skips)["video:director"]
    assert [d.kind for d in reading.documents] == ["description"]


def test_plain_html_facts_table_and_main_text() -> None:
    plot = ("Ace Rothstein runs a Las Vegas casino for the mob while his oldest friend builds a criminal empire of "
            "his own in the desert city. Their friendship, and Ace's marriage to a hustler, unravel over a decade. ") * 3
    html = f"""<html><head><title>Casino (1995) - Old Movie DB</title></head><body><a href="/">Home</a>
<center>Casino</center><table><tr><td><b>Director:</b></td><td>Martin Scorsese</td></tr>
<tr><td><b>Cast:</b></td><td>Robert De Niro as Ace Rothstein, Sharon Stone, Joe Pesci</td></tr>
<tr><td><b>Genre:</b></td><td>Crime / Drama</td></tr></table><p>{plot}</p></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.method) == ("Casino", 1995, "html")
    assert attrs(reading) == {("director", "Martin Scorsese"), ("actor", "Robert De Niro"), ("actor", "Sharon Stone"),
                              ("actor", "Joe Pesci"), ("genre", "Crime"), ("genre", "Drama")}
    assert [d.kind for d in reading.documents] == ["page-text"] and "Las Vegas" in reading.documents[0].text


def test_listing_of_film_summaries_is_not_a_film_page() -> None:
    data = {"@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "item": {"@type": "Movie", "url": "/title/tt1/", "name": "A"}}]}
    reading = read(jsonld_page(data, body='<a href="/title/tt1/">A</a><a rel="next" href="?page=2">next</a>'))
    assert (reading.kind, reading.movie, reading.problems) == ("listing", None, [])
    assert "http://127.0.0.1:9/title/tt1/" in reading.links


def test_pages_without_film_markup_give_nothing_and_no_error() -> None:
    reading = read("<html><head><title>About us</title></head><body><h1>About</h1><p>We love films.</p></body></html>")
    assert (reading.kind, reading.movie, reading.problems, reading.skips) == ("other", None, [], [])


def test_malformed_jsonld_is_reported_and_the_page_read_from_html_instead() -> None:
    html = """<html><head><title>Heat (1995)</title><script type="application/ld+json">{"@type": "Movie", "name": "He</script></head>
<body><h1>Heat</h1><dl><dt>Year</dt><dd>1995</dd><dt>Genres</dt><dd>Crime, Drama</dd></dl></body></html>"""
    reading = read(html)
    assert reading.movie.method == "html" and reading.movie.title == "Heat"
    assert reading.problems and reading.problems[0].startswith("malformed JSON-LD") and "read from html instead" in reading.problems[0]
    broken_only = read('<html><head><script type="application/ld+json">{"@type": </script></head><body>x</body></html>')
    assert broken_only.movie is None and broken_only.problems[0].startswith("malformed JSON-LD")


def test_jsonld_as_content_systems_write_it_line_breaks_in_strings_and_two_objects_in_one_script() -> None:
    """A CMS pastes the synopsis with its line breaks into the JSON string, and a plugin appends
    its own object to the same script: browsers' search tools read both, so must the crawl."""
    script = ('{"@context": "https://schema.org", "@type": "WebSite", "name": "Film Notes"}\n'
              '{"@context": "https://schema.org", "@type": "Movie", "name": "Heat", "datePublished": "1995-12-15",\n'
              ' "description": "A thief plans one last job.\n\tA detective closes in.",\n'
              ' "director": {"@type": "Person", "name": "Michael Mann"}}')
    reading = read(f'<html><head><script type="application/ld+json">{script}</script></head><body>x</body></html>')
    assert (reading.movie.title, reading.movie.year, reading.problems) == ("Heat", 1995, [])
    assert reading.movie.description.startswith("A thief plans one last job.")
    assert attrs(reading) == {("director", "Michael Mann")}


def test_work_without_a_name_is_a_reason_not_a_record() -> None:
    reading = read(jsonld_page({"@type": "Movie", "director": {"@type": "Person", "name": "X"}}))
    assert reading.movie is None and reading.problems == ["Movie markup has no name"]


def test_anti_bot_challenge_page_is_blocked() -> None:
    reading = read('<html><head><title>Just a moment...</title></head><body><script src="/cdn-cgi/challenge-platform/x.js"></script></body></html>')
    assert reading.kind == "blocked" and "anti-bot challenge" in reading.problems[0]


def wiki_html(current: bool) -> str:
    if current:
        heading = '<div class="mw-heading mw-heading2"><h2 id="{0}">{0}</h2><span class="mw-editsection">[<a>edit</a>]</span></div>'
        wrapper = '<div class="mw-parser-output">{}</div>'
    else:
        heading = '<h2><span class="editsection">[<a>edit</a>]</span> <span class="mw-headline" id="{0}">{0}</span></h2>'
        wrapper = '<div class="mw-content-ltr">{}</div>'
    infobox = ('<table class="infobox vevent"><tr><th class="infobox-above">Toy Story</th></tr>'
               '<tr><th class="infobox-label">Directed by</th><td class="infobox-data">John Lasseter<sup class="reference">[1]</sup></td></tr>'
               '<tr><th>Screenplay by</th><td><ul><li>Joss Whedon</li><li>Andrew Stanton</li></ul></td></tr>'
               '<tr><th>Starring</th><td>Tom Hanks<br>Tim Allen</td></tr><tr><th>Release date</th><td>November 22, 1995</td></tr>'
               '<tr><th>Running time</th><td>81 minutes</td></tr><tr><th>Country</th><td>United States</td></tr></table>')
    content = (infobox + "<p><b>Toy Story</b> is a 1995 American animated film.[2]</p>" + heading.format("Plot")
               + "<p>Woody, a cowboy doll, feels replaced by Buzz.</p>" + heading.format("Cast")
               + "<ul><li>Tom Hanks as Woody</li><li>Tim Allen as Buzz Lightyear</li></ul>" + heading.format("Reception")
               + "<p>It was acclaimed.</p>" + '<a href="https://www.imdb.com/title/tt0114709/">IMDb</a>')
    return (f'<html><head><meta name="generator" content="MediaWiki 1.44"></head><body>'
            f'<h1 id="firstHeading">Toy Story (1995 film)</h1>{wrapper.format(content)}</body></html>')


def test_mediawiki_articles_in_current_and_older_skins() -> None:
    for current in (True, False):
        reading = read(wiki_html(current), url="http://127.0.0.1:9/wiki/Toy_Story")
        movie = reading.movie
        assert (reading.kind, movie.title, movie.year, movie.imdb_id, movie.duration_min) == (
            "article", "Toy Story", 1995, "tt0114709", 81), current
        assert {d.kind: d.text for d in reading.documents} == {
            "lead": "Toy Story is a 1995 American animated film.",
            "plot": "Woody, a cowboy doll, feels replaced by Buzz.",
            "cast": "Tom Hanks as Woody\nTim Allen as Buzz Lightyear",
        }, current
        assert attrs(reading) == {("director", "John Lasseter"), ("author", "Joss Whedon"), ("author", "Andrew Stanton"),
                                  ("actor", "Tom Hanks"), ("actor", "Tim Allen"), ("countryOfOrigin", "United States")}


def test_mediawiki_special_export_xml(shared_data: Path) -> None:
    body = (shared_data / "movies" / "wikipedia-films" / "Batman (1989 film).xml").read_bytes()
    reading = read_page(body, body.decode("utf-8"), "http://127.0.0.1:9/export/x.xml")
    assert reading.kind == "article" and reading.movie.method == "mediawiki"
    assert (reading.movie.title, reading.movie.year) == ("Batman", 1989)
    assert ("director", "Tim Burton") in attrs(reading)
    assert {d.kind for d in reading.documents} >= {"lead"}


def test_jsonld_in_a_cdata_comment_with_prefixed_type_and_performance_roles() -> None:
    """CMS templates wrap JSON-LD in ``/*<![CDATA[*/``, write ``schema:Movie`` and give cast
    members as schema.org ``PerformanceRole``s wrapping the Person."""
    data = {"@context": "https://schema.org", "@type": "schema:Movie", "name": "Heat", "datePublished": "1995-12-15",
            "actor": [{"@type": "PerformanceRole", "characterName": "Vincent Hanna",
                       "actor": {"@type": "Person", "name": "Al Pacino"}},
                      {"@type": "PerformanceRole", "actor": [{"@type": "Person", "name": "Robert De Niro"}]}]}
    html = (f'<html><head><script type="application/ld+json">/*<![CDATA[*/{json.dumps(data)}/*]]>*/</script>'
            "</head><body></body></html>")
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.method) == ("Heat", 1995, "json-ld")
    assert attrs(reading) == {("actor", "Al Pacino"), ("actor", "Robert De Niro")}
    assert not reading.skips


def test_jsonld_graph_references_to_people_and_images_are_resolved() -> None:
    """SEO plugins write one ``@graph`` whose Movie points at Person and ImageObject nodes by ``@id``."""
    graph = [
        {"@type": "WebPage", "@id": "https://blog.example/heat/#webpage", "url": "https://blog.example/heat/",
         "mainEntity": {"@id": "https://blog.example/heat/#movie"}},
        {"@type": "Movie", "@id": "https://blog.example/heat/#movie", "name": "Heat", "datePublished": "1995-12-15",
         "director": {"@id": "https://blog.example/#/schema/person/mann"},
         "actor": [{"@id": "https://blog.example/#/schema/person/pacino"}, {"@id": "https://blog.example/#/schema/person/deniro"}],
         "image": {"@id": "https://blog.example/heat/#primaryimage"}},
        {"@type": "Person", "@id": "https://blog.example/#/schema/person/mann", "name": "Michael Mann"},
        {"@type": "Person", "@id": "https://blog.example/#/schema/person/pacino", "name": "Al Pacino",
         "sameAs": ["https://www.imdb.com/name/nm0000199/"]},
        {"@type": "Person", "@id": "https://blog.example/#/schema/person/deniro", "name": "Robert De Niro"},
        {"@type": "ImageObject", "@id": "https://blog.example/heat/#primaryimage",
         "url": "https://blog.example/wp-content/uploads/heat-poster.jpg", "width": 500, "height": 740},
    ]
    html = (f'<html><head><script type="application/ld+json">{json.dumps({"@context": "https://schema.org", "@graph": graph})}'
            "</script></head><body><h1>Heat</h1></body></html>")
    reading = read(html, "https://blog.example/heat/")
    assert (reading.movie.title, reading.movie.year, reading.movie.poster_url) == (
        "Heat", 1995, "https://blog.example/wp-content/uploads/heat-poster.jpg")
    assert {(a.attribute, a.value, a.external_id) for a in reading.attributes} == {
        ("director", "Michael Mann", None), ("actor", "Al Pacino", "nm0000199"), ("actor", "Robert De Niro", None)}
    assert reading.skips == []


def test_a_streaming_pages_credits_come_from_its_people_cards() -> None:
    """OpenGraph ``video.movie`` with ``video:director`` profile URLs; names only in cards, name first, role after."""
    html = """<html><head><title>Heat (1995) - The Film Index</title>
    <meta property="og:type" content="video.movie"><meta property="og:title" content="Heat (1995)">
    <meta property="video:director" content="https://films.example/person/638"></head><body>
    <section class="header"><h2><a href="/movie/949">Heat</a> <span>(1995)</span></h2>
    <ol class="people no_image">
      <li class="profile"><p><a href="/person/638-michael-mann">Michael Mann</a></p><p class="character">Director, Writer</p></li>
      <li class="profile"><p><a href="/person/7021-art-linson">Art Linson</a></p><p class="character">Producer</p></li>
    </ol></section>
    <section class="top_billed"><h3>Top Billed Cast</h3><ol>
      <li class="card"><a href="/person/1158-al-pacino">Al Pacino</a><p class="character">Lt. Vincent Hanna</p></li>
    </ol></section>
    <p><a href="/movie/949/cast">Full Cast &amp; Crew</a></p></body></html>"""
    reading = read(html, "https://films.example/movie/949-heat")
    assert (reading.movie.method, reading.movie.title, reading.movie.year) == ("opengraph", "Heat", 1995)
    assert {(a.attribute, a.value, a.method) for a in reading.attributes} == {
        ("director", "Michael Mann", "html"), ("author", "Michael Mann", "html"), ("producer", "Art Linson", "html")}


def test_a_special_export_of_several_pages_yields_its_film_article() -> None:
    """An export of many pages (redirects, other articles, then the film) is read as its film, not skipped."""
    def page(title: str, body: str) -> str:
        return f"<page><title>{title}</title><ns>0</ns><revision><text xml:space=\"preserve\">{body}</text></revision></page>"
    xml = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">'
           "<page><title>AccessibleComputing</title><ns>0</ns><redirect title=\"Computer accessibility\" />"
           "<revision><text>#REDIRECT [[Computer accessibility]]</text></revision></page>"
           + page("Anarchism", "'''Anarchism''' is a political philosophy.")
           + page("Actrius", "{{Infobox film\n| name = Actrius\n| director = [[Ventura Pons]]\n| released = 1997\n}}\n"
                             "'''''Actrius''''' is a 1997 Catalan language Spanish drama film directed by Ventura Pons.")
           + "</mediawiki>")
    reading = read(xml, "http://127.0.0.1:9/export/dump.xml")
    assert (reading.kind, reading.movie.title, reading.movie.year) == ("article", "Actrius", 1997)
    assert {(a.attribute, a.value) for a in reading.attributes} == {("director", "Ventura Pons")}


def test_a_special_exports_countries_get_the_same_canonical_names_as_other_pages() -> None:
    """Older infoboxes write "USA" and "UK"; an export must not add a second node for either country."""
    xml = ('<mediawiki version="0.10"><page><title>The World of Henry Paris</title><ns>0</ns><revision>'
           '<text xml:space="preserve">{{Infobox film\n| name = The World of Henry Paris\n'
           "| director = [[Radley Metzger]]\n| country = USA&lt;br /&gt;UK\n| released = 1981\n}}\n"
           "'''''The World of Henry Paris''''' is a 1981 American documentary film.</text></revision></page></mediawiki>")
    reading = read(xml, "http://127.0.0.1:9/export/The_World_of_Henry_Paris.xml")
    values = {(a.attribute, a.value) for a in reading.attributes}
    assert {v for a, v in values if a == "countryOfOrigin"} == {"United States", "United Kingdom"}


def test_people_linked_to_imdb_person_pages_keep_their_ids_in_plain_html() -> None:
    html = """<html><head><title>Heat (1995)</title></head><body><h1>Heat</h1><table>
    <tr><th>Director</th><td><a href="https://www.imdb.com/name/nm0000520/?ref_=tt_ov_dr">Michael Mann</a></td></tr>
    <tr><th>Cast</th><td><a href="/name/nm0000199/">Al Pacino</a> as Vincent Hanna, <a href="/people/robert-de-niro">Robert De Niro</a></td></tr>
    </table></body></html>"""
    reading = read(html)
    assert {(a.attribute, a.value, a.external_id) for a in reading.attributes} == {
        ("director", "Michael Mann", "nm0000520"), ("actor", "Al Pacino", "nm0000199"), ("actor", "Robert De Niro", None)}


def test_hreflang_alternates_are_the_films_other_language_pages() -> None:
    html = """<html><head><title>El padrino (1972)</title>
    <link rel="alternate" hreflang="en" href="https://films.example/en/film/42/">
    <link rel="alternate" hreflang="es" href="https://films.example/es/film/42/">
    <link rel="alternate" hreflang="x-default" href="/en/film/42/?utm_source=x"></head>
    <body><h1>El padrino</h1><table><tr><th>Dirección</th><td>Francis Ford Coppola</td></tr>
    <tr><th>Reparto</th><td>Marlon Brando, Al Pacino</td></tr></table></body></html>"""
    reading = read(html, "https://films.example/es/film/42/")
    assert reading.movie.alternate_urls == ["https://films.example/en/film/42/"]


def test_a_full_credits_page_with_crew_headings_and_tables() -> None:
    """A database's separate "Full cast & crew" page: headings ("Writing Credits", "Film Editing
    by") over tables of linked names, the title and year in the page's own heading."""
    def rows(*names: str) -> str:
        return "".join(f'<tr><td><a href="/name/nm{1000 + n}/">{name}</a></td><td>…</td></tr>' for n, name in enumerate(names))

    reading = read(f"""<html><head><title>Heat (1995) - Full cast &amp; crew</title></head><body>
<h1><a href="/title/tt0113277/">Heat</a> <span>(1995)</span></h1><h2>Full Cast &amp; Crew</h2>
<h4>Directed by</h4><table>{rows("Michael Mann")}</table>
<h4>Writing Credits</h4><table>{rows("Michael Mann")}</table>
<h4>Cast</h4><table class="cast_list">{rows("Al Pacino", "Robert De Niro")}</table>
<h4>Original Music by</h4><table>{rows("Elliot Goldenthal")}</table>
<h4>Film Editing by</h4><table>{rows("Dov Hoenig", "Pasquale Buba")}</table>
</body></html>""", "http://127.0.0.1:8000/title/tt0113277/fullcredits")
    assert (reading.movie.title, reading.movie.year, reading.movie.imdb_id) == ("Heat", 1995, "tt0113277")
    assert attrs(reading) == {("director", "Michael Mann"), ("author", "Michael Mann"), ("actor", "Al Pacino"),
                              ("actor", "Robert De Niro"), ("musicBy", "Elliot Goldenthal"),
                              ("editor", "Dov Hoenig"), ("editor", "Pasquale Buba")}


def test_a_year_in_its_own_element_of_the_heading_is_the_year_not_part_of_the_title() -> None:
    facts = "<table><tr><td><b>Director:</b></td><td>Sam Mendes</td></tr><tr><td><b>Genre:</b></td><td>War</td></tr></table>"
    for heading, expected in [("<h1>Heat <small>1995</small></h1>", ("Heat", 1995)),
                              ('<h1><a href="/f/2">Heat</a> <span class="year">(1995)</span></h1>', ("Heat", 1995)),
                              ("<h1><span>1917</span></h1>", ("1917", None))]:
        reading = read(f"<html><head><title>Film</title></head><body>{heading}{facts}</body></html>")
        assert (reading.movie.title, reading.movie.year) == expected, heading
