"""Film titles from ``<title>`` and ``og:title`` as real sites dress them for search engines.

Each case follows a title pattern of a kind of site (a database with its name after a dash, a
rating and genres after the year, a diary site with the director and its name after bullets,
a review site, a streaming page, a where-to-watch guide, a French listing with "film 2001"); the
others guard the titles that look like those additions but are names.
"""

from __future__ import annotations

import pytest

from crawl.page_reader import read_page
from crawl.page_titles import film_title_from_page_title


@pytest.mark.parametrize(("page_title", "film"), [
    ("Heat (1995) - Movie Database", "Heat (1995)"),
    ("Inception (2010) ⭐ 8.8 | Action, Adventure, Sci-Fi", "Inception (2010)"),
    ("\u200eInception (2010) directed by Christopher Nolan • Reviews, film + cast • Diary", "Inception (2010)"),
    ("Inception movie review & film summary (2010) | Critic's Site", "Inception (2010)"),
    ("Watch Inception Full Movie Online | StreamSite", "Inception"),
    ("Watch Parasite (2019) Online Free in HD - StreamSite", "Parasite (2019)"),
    ("Inception streaming: where to watch movie online?", "Inception"),
    ("Amélie - film 2001 - Cinéguide", "Amélie (2001)"),
    ("Regarder Amélie en streaming", "Amélie"),
    ("Inception: Official Trailer", "Inception"),
    ("MovieDB | Inception (2010)", "Inception (2010)"),
    ("Batman (1989 film) - Wikipedia", "Batman (1989 film)"),
])
def test_site_and_marketing_additions_are_removed(page_title: str, film: str) -> None:
    assert film_title_from_page_title(page_title) == film


@pytest.mark.parametrize(("page_title", "film"), [
    ("Watch Out (2008) - Movie Database", "Watch Out (2008)"),
    ("The Lego Movie | Tomatometer", "The Lego Movie"),
    ("Mission: Impossible - Fallout | StreamSite", "Mission: Impossible - Fallout"),
    ("Star Wars: Episode IV - A New Hope (1977) - Movie Database", "Star Wars: Episode IV - A New Hope (1977)"),
    ("The Review", "The Review"),
    ("WALL·E (2008) ⭐ 8.4 | Adventure, Animation", "WALL·E (2008)"),
    ("Online", "Online"),
    ("1917", "1917"),
])
def test_titles_that_look_like_additions_keep_their_names(page_title: str, film: str) -> None:
    assert film_title_from_page_title(page_title) == film


def test_an_opengraph_only_page_with_a_rating_in_its_title_gives_the_plain_title() -> None:
    html = ('<html><head><title>Inception (2010) ⭐ 8.8 | Action, Sci-Fi</title>'
            '<meta property="og:type" content="video.movie">'
            '<meta property="og:title" content="Inception (2010) ⭐ 8.8 | Action, Sci-Fi">'
            '<meta property="video:director" content="Christopher Nolan"></head><body><p>A thief.</p></body></html>')
    reading = read_page(html.encode(), html, "http://127.0.0.1:9/title/tt1375666/")
    assert (reading.movie.title, reading.movie.year) == ("Inception", 2010)


def test_a_facts_page_without_a_heading_takes_its_title_from_a_streaming_page_title() -> None:
    html = ('<html><head><title>Watch Parasite (2019) Online Free in HD - StreamSite</title></head><body>'
            '<table><tr><td>Director:</td><td>Bong Joon-ho</td></tr><tr><td>Cast:</td><td>Song Kang-ho, Choi Woo-shik</td></tr>'
            '<tr><td>Year:</td><td>2019</td></tr></table></body></html>')
    reading = read_page(html.encode(), html, "http://127.0.0.1:9/watch/parasite")
    assert (reading.movie.title, reading.movie.year) == ("Parasite", 2019)
