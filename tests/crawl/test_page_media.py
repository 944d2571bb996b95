"""Posters and trailers that pages show without naming them in a record, as real sites do."""

from __future__ import annotations

import lxml.html

from crawl.page_media import read_page_media
from crawl.page_reader import read_page

PAGE = "https://films.example/title/42/"


def media_of(html: str, url: str = PAGE):
    return read_page_media(lxml.html.fromstring(html), url)


def test_the_wikipedia_infobox_image_is_the_poster_at_its_widest_srcset_candidate() -> None:
    html = """<html><body><table class="infobox vevent"><tbody>
    <tr><td class="infobox-image"><span typeof="mw:File"><a href="/wiki/File:Heat_(1995_film).jpg" class="mw-file-description">
    <img src="//upload.wikimedia.org/wikipedia/en/thumb/6/6c/Heat_poster.jpg/220px-Heat_poster.jpg" width="220" height="326"
     srcset="//upload.wikimedia.org/wikipedia/en/thumb/6/6c/Heat_poster.jpg/330px-Heat_poster.jpg 1.5x, //upload.wikimedia.org/wikipedia/en/6/6c/Heat_poster.jpg 2x"
     class="mw-file-element"></a></span><div class="infobox-caption">Theatrical release poster</div></td></tr>
    <tr><th>Country</th><td><img src="//upload.wikimedia.org/flag.svg.png" width="23" height="15"> United States</td></tr>
    </tbody></table></body></html>"""
    assert media_of(html, "https://en.wikipedia.org/wiki/Heat_(1995_film)").poster_url == \
        "https://upload.wikimedia.org/wikipedia/en/6/6c/Heat_poster.jpg"


def test_a_lazy_loaded_poster_is_read_from_its_loader_attribute_not_the_placeholder() -> None:
    html = """<html><body><img class="logo" src="/static/logo.png">
    <div class="film-poster"><img class="lazyload" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/p/42-w500.jpg" alt="Heat"></div>
    </body></html>"""
    assert media_of(html).poster_url == "https://films.example/img/p/42-w500.jpg"


def test_a_picture_element_gives_its_widest_source() -> None:
    html = """<html><body><picture><source type="image/webp" srcset="/p/42-300.webp 300w, /p/42-600.webp 600w">
    <img class="poster" src="/p/42-300.jpg" alt="Poster"></picture></body></html>"""
    assert media_of(html).poster_url == "https://films.example/p/42-600.webp"


def test_utility_classes_are_no_poster_and_social_meta_fills_in_on_any_og_type() -> None:
    html = """<html><head><meta property="og:type" content="website">
    <meta property="og:image" content="https://cdn.films.example/42/poster.jpg"></head>
    <body><img class="w-full h-full object-cover" src="/hero/backdrop.jpg"></body></html>"""
    assert media_of(html).poster_url == "https://cdn.films.example/42/poster.jpg"


def test_a_video_player_iframe_or_element_is_the_trailer() -> None:
    youtube = '<html><body><iframe width="560" height="315" src="//www.youtube-nocookie.com/embed/abc123XYZ"></iframe></body></html>'
    assert media_of(youtube).trailer_url == "https://www.youtube-nocookie.com/embed/abc123XYZ"
    video = ('<html><body><iframe src="https://ads.example/frame"></iframe>'
             '<video controls preload="none"><source src="/v/42.webm" type="video/webm"><source src="/v/42.mp4" type="video/mp4"></video></body></html>')
    assert media_of(video).trailer_url == "https://films.example/v/42.webm"


def test_a_trailer_link_in_the_page_language_but_not_a_section_link() -> None:
    html = """<html><body><ul class="nav"><li><a href="/trailers/">Trailers</a></li></ul>
    <p><a href="/fr/films/42/bande-annonce.html">Voir la bande-annonce</a></p></body></html>"""
    assert media_of(html).trailer_url == "https://films.example/fr/films/42/bande-annonce.html"
    only_section = '<html><body><a href="/trailers/">All trailers</a><a href="#top">Trailer</a></body></html>'
    assert media_of(only_section).trailer_url is None


def test_twitter_player_stream_and_video_host_watch_links() -> None:
    stream = '<html><head><meta name="twitter:player:stream" content="https://cdn.films.example/42.mp4"></head></html>'
    assert media_of(stream).trailer_url == "https://cdn.films.example/42.mp4"
    watch = '<html><body><a href="https://www.youtube.com/watch?v=abc123XYZ" class="btn">Official Trailer</a></body></html>'
    assert media_of(watch).trailer_url == "https://www.youtube.com/watch?v=abc123XYZ"


def test_the_record_keeps_its_own_image_and_the_page_fills_only_what_it_lacks() -> None:
    html = """<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Movie",
    "name": "Heat", "datePublished": "1995", "director": {"@type": "Person", "name": "Michael Mann"},
    "image": "https://films.example/jsonld-poster.jpg"}</script></head>
    <body><div class="poster"><img src="/page-poster.jpg"></div>
    <iframe src="https://player.vimeo.com/video/76979871"></iframe></body></html>"""
    reading = read_page(html.encode(), html, PAGE)
    assert reading.kind == "movie"
    assert reading.movie.poster_url == "https://films.example/jsonld-poster.jpg"
    assert reading.movie.trailer_url == "https://player.vimeo.com/video/76979871"


def test_a_special_export_names_its_poster_by_the_wikis_file_path() -> None:
    xml = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">
    <siteinfo><sitename>Wikipedia</sitename><base>https://en.wikipedia.org/wiki/Main_Page</base></siteinfo>
    <page><title>Heat (1995 film)</title><ns>0</ns><id>1</id><revision><id>2</id><text xml:space="preserve">{{Infobox film
    | name = Heat
    | image = Heat (1995 film).jpg
    | director = [[Michael Mann]]
    | released = {{Film date|1995|12|15}}
    }}
    '''Heat''' is a 1995 American crime film written and directed by [[Michael Mann]].</text></revision></page></mediawiki>"""
    reading = read_page(xml.encode(), xml, "https://en.wikipedia.org/wiki/Special:Export/Heat_(1995_film)")
    assert reading.movie.poster_url == "https://en.wikipedia.org/wiki/Special:FilePath/Heat_%281995_film%29.jpg"
