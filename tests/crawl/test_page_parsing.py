"""Unit tests of the page readers on real HTML strings (no network)."""

from __future__ import annotations

import pytest

from crawl.movie_markup import MarkupError, read_movie_markup
from crawl.urls import canonical_url, page_kind
from crawl.wiki_article import read_wiki_article
from tests.crawl.fixture_site import ARTICLE_HTML, MALFORMED_JSONLD, TOY_STORY, detail_page

PAGE = "http://127.0.0.1:8000/movies/ml1.html"


def test_jsonld_movie_with_people_and_links() -> None:
    markup = read_movie_markup(detail_page(TOY_STORY), PAGE)
    movie = markup.movie
    assert (movie.movie_id, movie.title, movie.year) == ("ml1", "Toy Story", 1995)
    assert (movie.movielens_id, movie.imdb_id, movie.tmdb_id) == (1, "tt0114709", "862")
    assert movie.poster_url == "http://127.0.0.1:8000/media/posters/ml1.jpg"
    assert movie.trailer_url == "http://127.0.0.1:8000/trailers/ml1.html"
    assert movie.article_url == "http://127.0.0.1:8000/wiki/Toy_Story.html"
    assert movie.description == TOY_STORY["description"]
    attributes = [(a.attribute, a.value, a.external_id, a.movie_id, a.source_url) for a in markup.attributes]
    assert attributes == [
        ("genre", "Adventure", None, "ml1", PAGE), ("genre", "Animation", None, "ml1", PAGE),
        ("director", "John Lasseter", "nm0005124", "ml1", PAGE),
        ("actor", "Tom Hanks", None, "ml1", PAGE), ("actor", "Tim Allen", None, "ml1", PAGE),
        ("author", "Joss Whedon", None, "ml1", PAGE),
        ("productionCompany", "Pixar Animation Studios", None, "ml1", PAGE),
        ("countryOfOrigin", "United States", None, "ml1", PAGE), ("inLanguage", "English", None, "ml1", PAGE),
    ]


def test_malformed_jsonld_gives_the_parser_reason() -> None:
    with pytest.raises(MarkupError, match=r"^malformed JSON-LD: Expecting ',' delimiter: line 4 column 2"):
        read_movie_markup(detail_page(MALFORMED_JSONLD), PAGE)


def test_page_without_movie_markup_is_refused() -> None:
    html = detail_page({"@context": "https://schema.org", "@type": "WebPage", "name": "About us"})
    with pytest.raises(MarkupError, match="no schema.org Movie in JSON-LD, microdata or RDFa"):
        read_movie_markup(html, PAGE)
    with pytest.raises(MarkupError, match="Movie markup has no identifier"):
        read_movie_markup(detail_page({"@type": "Movie", "name": "Nameless id"}), PAGE)


def test_microdata_and_rdfa_movies_are_read() -> None:
    microdata = """<html><body><div itemscope itemtype="https://schema.org/Movie">
      <meta itemprop="identifier" content="md7"><h1 itemprop="name">Alien</h1>
      <div itemprop="director" itemscope itemtype="https://schema.org/Person"><span itemprop="name">Ridley Scott</span></div>
      <span itemprop="genre">Horror</span><link itemprop="image" href="/p/alien.jpg"></div></body></html>"""
    markup = read_movie_markup(microdata, PAGE)
    assert (markup.movie.movie_id, markup.movie.title) == ("md7", "Alien")
    assert markup.movie.poster_url == "http://127.0.0.1:8000/p/alien.jpg"
    assert [(a.attribute, a.value) for a in markup.attributes] == [("genre", "Horror"), ("director", "Ridley Scott")]

    rdfa = """<html><body><div vocab="https://schema.org/" typeof="Movie">
      <span property="identifier">rd3</span><span property="name">Brazil</span><span property="datePublished">1985-02-20</span>
      <div property="director" typeof="Person"><span property="name">Terry Gilliam</span></div></div></body></html>"""
    markup = read_movie_markup(rdfa, PAGE)
    assert (markup.movie.movie_id, markup.movie.title, markup.movie.year) == ("rd3", "Brazil", 1985)
    assert [(a.attribute, a.value) for a in markup.attributes] == [("director", "Terry Gilliam")]


def test_wiki_article_text_and_infobox() -> None:
    article = read_wiki_article(ARTICLE_HTML, "http://h/wiki/Toy_Story.html")
    assert article.title == "Toy Story"
    assert "Critics praised" not in article.text and "CC BY-SA" not in article.text
    assert "[1]" not in article.text and "Directed by" not in article.text
    assert article.text.split("\n\n")[2] == "Buzz Lightyear arrives & Woody feels replaced."
    assert [(a.attribute, a.value) for a in article.attributes] == [
        ("director", "John Lasseter"), ("author", "Joss Whedon"), ("author", "Andrew Stanton"),
        ("actor", "Tom Hanks"), ("actor", "Tim Allen"), ("actor", "Don Rickles"),
        ("productionCompany", "Pixar Animation Studios"), ("countryOfOrigin", "United States"),
        ("inLanguage", "English"),
    ]
    assert {(a.source_url, a.movie_id) for a in article.attributes} == {("http://h/wiki/Toy_Story.html", None)}


def test_canonical_urls_and_page_kinds() -> None:
    assert canonical_url("http://h:1/movies/ml1.html?ref=list#cast") == "http://h:1/movies/ml1.html"
    assert canonical_url("http://h/movies/page-2.html?b=2&ref=x&a=1") == "http://h/movies/page-2.html?a=1&b=2"
    assert [page_kind(f"http://h{p}") for p in ("/movies/index.html", "/movies/page-3.html", "/movies/ml1.html",
                                                 "/wiki/Heat.html", "/robots.txt")] == [
        "listing", "listing", "movie", "article", "other"]
