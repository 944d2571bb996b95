"""The demo site: generated reproducibly from the shared data and served like a real site."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from demo_site import SiteConfig, SiteManifest, generate_site, serve_site
from demo_site.catalog import SiteMovie, match_articles
from demo_site.generate import site_fingerprint
from demo_site.movielens import read_movielens, split_title
from demo_site.faults import FaultPlan
from demo_site.pages import listing_page
from demo_site.paths import file_of
from demo_site.style_pages import legacy_page
from demo_site.styles import FilmPage
from demo_site.trailers import is_streamed
from crawl.page_reader import read_page
from crawl.wikitext import list_items, read_film_articles
from scrapy.http import HtmlResponse

N_MOVIES = 10
FAULT_KINDS = {"http_404", "http_500", "redirect", "duplicate_url", "malformed_jsonld", "truncated_trailer",
               "redirect_chain", "canonical_alias", "http_500_once", "challenge", "redirect_loop", "oversized", "non_html"}
STYLES = {"classic", "db", "review", "micro", "og", "app", "legacy", "wiki", "wiki-old", "export"}
JSONLD = re.compile(r'<script type="application/ld\+json">\s*(.*?)\s*</script>', re.DOTALL)


@pytest.fixture(scope="module")
def site_config(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> SiteConfig:
    return SiteConfig(data_dir=shared_data, out_dir=tmp_path_factory.mktemp("site-a"), n_movies=N_MOVIES)


@pytest.fixture(scope="module")
def manifest(site_config: SiteConfig) -> SiteManifest:
    return generate_site(site_config)


@pytest.fixture(scope="module")
def server(manifest: SiteManifest, site_config: SiteConfig):
    with serve_site(site_config.out_dir) as running:
        yield running


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of a GET, without following redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def site_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_config_gives_byte_identical_sites(manifest, site_config, tmp_path):
    other = generate_site(SiteConfig(data_dir=site_config.data_dir, out_dir=tmp_path / "site-b", n_movies=N_MOVIES))
    first, second = site_files(site_config.out_dir), site_files(tmp_path / "site-b")
    assert other.fingerprint == manifest.fingerprint
    assert sorted(first) == sorted(second)
    assert len(first) >= 4 * N_MOVIES  # page, trailer page, poster and trailer per movie
    assert [name for name in first if first[name] != second[name]] == []


def test_unchanged_site_is_reused_and_changed_config_is_not(manifest, site_config):
    poster = site_config.out_dir / manifest.movies[0]["poster_path"].lstrip("/")
    before = poster.stat().st_mtime_ns
    again = generate_site(site_config)
    assert again.fingerprint == manifest.fingerprint
    assert poster.stat().st_mtime_ns == before
    reseeded = SiteConfig(site_config.data_dir, site_config.out_dir, n_movies=N_MOVIES, seed=8)
    assert site_fingerprint(reseeded) != manifest.fingerprint


def test_manifest_counts_and_faults(manifest, site_config):
    loaded = SiteManifest.load(site_config.out_dir)
    assert loaded == manifest
    movies = manifest.movies
    films = [m for m in movies if m["kind"] == "Movie"]
    assert len(films) == N_MOVIES and len(movies) == len({m["movie_id"] for m in movies}) == len({m["item_id"] for m in movies})
    assert {m["kind"] for m in movies} == {"Movie", "TVSeries"}
    article_movies = [m for m in movies if m["article_path"]]
    assert len(article_movies) == round(N_MOVIES / 3)
    assert any(m["movielens_id"] is not None for m in article_movies), "a tiny site keeps a matched article"
    assert {f["kind"] for f in manifest.faults} == FAULT_KINDS
    malformed = [f["movie_id"] for f in manifest.faults if f["kind"] == "malformed_jsonld"]
    assert [m["movie_id"] for m in movies if not m["jsonld_ok"]] == malformed
    for movie in movies:
        assert movie["path"] == movie["pages"][0]["path"]
        for page in movie["pages"]:
            assert (site_config.out_dir / file_of(page["path"])).is_file(), page["path"]
        for key in ("trailer_path", "poster_path", "trailer_page_path"):
            assert (site_config.out_dir / movie[key].lstrip("/")).is_file(), movie[key]
        if movie["article_path"]:
            assert {"classic"} < {p["style"] for p in movie["pages"]} and {"wiki", "wiki-old"} & {p["style"] for p in movie["pages"]}
    assert len({m["trailer_path"] for m in movies}) == len(movies)


def test_films_are_spread_over_every_style_and_some_over_two(manifest):
    styles = {p["style"] for p in manifest.film_pages}
    assert styles == STYLES
    two_page_styles = [m for m in manifest.movies if m["article_path"] is None and len(m["pages"]) == 2]
    assert two_page_styles, "some films appear on two sites"


def test_robots_and_sitemaps_use_absolute_urls_from_host(server, manifest):
    status, headers, body = fetch(server.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /private/" in body.decode()
    assert f"Sitemap: {server.base_url}/sitemap-index.xml" in body.decode()
    status, headers, body = fetch(server.base_url + "/sitemap-index.xml")
    assert status == 200 and re.findall(r"<loc>(.*?)</loc>", body.decode()) == [
        server.base_url + "/sitemaps/classic.xml", server.base_url + "/sitemaps/db.xml.gz"]
    status, headers, body = fetch(server.base_url + "/sitemaps/classic.xml")
    assert status == 200 and headers["Content-Type"] == "application/xml"
    expected = [server.base_url + p["path"] for p in manifest.film_pages if p["style"] in ("classic", "wiki")]
    assert re.findall(r"<loc>(.*?)</loc>", body.decode()) == expected
    status, headers, body = fetch(server.base_url + "/sitemaps/db.xml.gz")
    db = gzip.decompress(body).decode()
    assert status == 200 and re.findall(r"<loc>(.*?)</loc>", db) == [
        server.base_url + p["path"] for p in manifest.film_pages if p["style"] == "db"]
    _, _, other_host = fetch(server.base_url + "/sitemaps/classic.xml", {"Host": "movies.example:8080"})
    assert "<loc>http://movies.example:8080/movies/" in other_host.decode()


def classic_films(manifest):
    return [m for m in manifest.movies if any(p["style"] == "classic" for p in m["pages"])]


def test_classic_pages_carry_jsonld_of_their_movie(server, manifest):
    for movie in classic_films(manifest):
        path = next(p["path"] for p in movie["pages"] if p["style"] == "classic")
        status, headers, body = fetch(server.base_url + path)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert int(headers["Content-Length"]) == len(body)
        raw = JSONLD.search(body.decode()).group(1)
        if not movie["jsonld_ok"]:
            with pytest.raises(json.JSONDecodeError):
                json.loads(raw)
            continue
        data = json.loads(raw)
        assert data["@type"] == "Movie" and data["name"] == movie["title"] and data["identifier"] == movie["movie_id"]
        assert data["trailer"]["contentUrl"] == movie["trailer_path"]
        if movie["movielens_id"] is not None:
            assert f"https://movielens.org/movies/{movie['movielens_id']}" in data["sameAs"]
        if movie["article_path"] is None:
            assert "director" not in data and "actor" not in data  # no invented people
            assert data["description"].endswith("film.")


def test_each_style_uses_its_own_markup(server, manifest):
    faulty = {f["path"] for f in manifest.faults}
    pages = {}
    for page in manifest.film_pages:
        if page["path"] not in faulty:
            pages.setdefault(page["style"], page["path"])

    def text(style):
        return fetch(server.base_url + pages[style])[2].decode("utf-8", errors="replace")
    db = json.loads(JSONLD.search(text("db")).group(1))
    assert "identifier" not in db and db["url"] == pages["db"] and "dateCreated" in db
    review = json.loads(JSONLD.search(text("review")).group(1))
    assert review["@graph"][1]["itemReviewed"]["@type"] == "Movie"
    micro = text("micro")
    assert 'itemtype="http://schema.org/Movie"' in micro and "ld+json" not in micro
    og = text("og")
    assert '<meta property="og:type" content="video.movie">' in og and "ld+json" not in og and "itemscope" not in og
    legacy = text("legacy")
    assert "ld+json" not in legacy and "og:" not in legacy and "itemscope" not in legacy and "<b>Year:</b>" in legacy
    current, older = text("wiki"), text("wiki-old")
    assert 'class="mw-parser-output"' in current and 'class="mw-heading mw-heading2"' in current
    assert "mw-parser-output" not in older and '<span class="mw-headline"' in older
    export = fetch(server.base_url + pages["export"])
    assert export[0] == 200 and export[2].startswith(b"<mediawiki") and b"{{Infobox film" in export[2]


def test_legacy_pages_are_windows_1252_with_the_charset_in_the_page_the_header_or_nowhere(manifest):
    amelie = SiteMovie("ml4973", "Amélie", 2001, None, None)
    for number, mode in ((0, "page"), (1, "header"), (2, "none")):
        body = legacy_page(amelie, FilmPage("legacy", f"/old-site/film_{number}.htm", "ml4973", number), mode == "page")
        assert "Amélie".encode("cp1252") in body and "Amélie".encode() not in body
        headers = {"Content-Type": "text/html; charset=windows-1252" if mode == "header" else "text/html"}
        assert "Amélie" in HtmlResponse("http://127.0.0.1/x", body=body, headers=headers).text, mode
    in_header = set(manifest.legacy_charset_in_header)
    assert in_header <= {p["path"] for p in manifest.film_pages if p["style"] == "legacy"}


def test_matched_article_page_agrees_with_jsonld_people(server, manifest):
    movie = next(m for m in classic_films(manifest) if m["article_path"] and m["movielens_id"] is not None and m["jsonld_ok"])
    _, _, page = fetch(server.base_url + movie["path"])
    data = json.loads(JSONLD.search(page.decode()).group(1))
    article_path = next(p["path"] for p in movie["pages"] if p["style"] in ("wiki", "wiki-old"))
    assert data["subjectOf"]["url"] == article_path
    status, _, article = fetch(server.base_url + article_path)
    reading = read_page(article, article.decode(), server.base_url + article_path)
    assert status == 200 and reading.kind == "article"
    assert [p["name"] for p in data["director"]] == [a.value for a in reading.attributes if a.attribute == "director"]
    assert data["description"] in html.unescape(article.decode())
    assert 'href="https://en.wikipedia.org/wiki/' in article.decode() and "CC BY-SA" in article.decode()


def test_fault_paths_answer_as_real_sites_break(server, manifest):
    by_kind = {}
    for fault in manifest.faults:
        by_kind.setdefault(fault["kind"], []).append(fault)
    assert fetch(server.base_url + by_kind["http_404"][0]["path"])[0] == 404
    assert fetch(server.base_url + by_kind["http_500"][0]["path"])[0] == 500
    once = server.base_url + by_kind["http_500_once"][0]["path"]
    assert [fetch(once)[0], fetch(once)[0]] == [500, 200]
    for redirect in by_kind["redirect"]:
        status, headers, _ = fetch(server.base_url + redirect["path"])
        assert status == 301 and headers["Location"] == server.base_url + redirect["target"]
    chain = by_kind["redirect_chain"][0]
    status, headers, _ = fetch(server.base_url + chain["path"])
    assert status == 302 and fetch(headers["Location"])[0] == 301
    loop = by_kind["redirect_loop"][0]
    assert fetch(server.base_url + loop["path"])[1]["Location"] == server.base_url + loop["target"]
    assert fetch(server.base_url + loop["target"])[1]["Location"] == server.base_url + loop["path"]
    alias = by_kind["canonical_alias"][0]
    alias_body = fetch(server.base_url + alias["path"])[2]
    assert alias_body == fetch(server.base_url + alias["target"])[2] and f'rel="canonical" href="{alias["target"]}"'.encode() in alias_body
    for duplicate in by_kind["duplicate_url"]:
        _, _, listing = fetch(server.base_url + duplicate["linked_from"])
        assert f'href="{duplicate["path"]}"' in listing.decode()
        assert fetch(server.base_url + duplicate["path"])[2] == fetch(server.base_url + duplicate["target"])[2]
    status, _, challenge = fetch(server.base_url + by_kind["challenge"][0]["path"])
    assert status == 200 and b"challenge-platform" in challenge
    request = urllib.request.Request(server.base_url + by_kind["oversized"][0]["path"], method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert int(response.headers["Content-Length"]) > 8 * 1024 * 1024
    status, headers, _ = fetch(server.base_url + by_kind["non_html"][0]["path"])
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert fetch(server.base_url + "/movies/not-a-movie.html")[0] == 404
    assert fetch(server.base_url + "/site_manifest.json")[0] == 404


def test_conditional_requests_answer_304(server, manifest):
    url = server.base_url + classic_films(manifest)[0]["path"]
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200


def test_media_are_real_poster_and_video(server, manifest, tmp_path):
    truncated = next(f["movie_id"] for f in manifest.faults if f["kind"] == "truncated_trailer")
    movie = next(m for m in classic_films(manifest) if m["movie_id"] != truncated and not is_streamed(m["movie_id"]))
    status, headers, poster = fetch(server.base_url + movie["poster_path"])
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    (tmp_path / "p.jpg").write_bytes(poster)
    with Image.open(tmp_path / "p.jpg") as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (200, 300), "RGB")

    status, headers, video = fetch(server.base_url + movie["trailer_path"])
    assert status == 200 and headers["Content-Type"] == "video/mp4"
    (tmp_path / "t.mp4").write_bytes(video)
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(tmp_path / "t.mp4")],
        check=True, capture_output=True, text=True,
    ).stdout)  # fmt: skip
    streams = {s["codec_type"]: s for s in probe["streams"]}
    assert streams["video"]["codec_name"] == "h264" and (streams["video"]["width"], streams["video"]["height"]) == (160, 120)
    assert streams["audio"]["codec_name"] == "aac"
    assert abs(float(probe["format"]["duration"]) - 3.0) < 0.3
    frames = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(tmp_path / "t.mp4"), "-map", "0:v", "-f", "framemd5", "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    hashes = [line.rsplit(",", 1)[-1].strip() for line in frames.splitlines() if not line.startswith("#")]
    assert len(hashes) >= 25 and len(set(hashes)) > len(hashes) // 2, "frames must change over time"

    _, _, cut = fetch(server.base_url + f"/media/trailers/{truncated}.mp4")
    (tmp_path / "cut.mp4").write_bytes(cut)
    decode = subprocess.run(["ffmpeg", "-v", "error", "-i", str(tmp_path / "cut.mp4"), "-f", "null", "-"],
                            capture_output=True, text=True)  # fmt: skip
    assert "partial file" in decode.stderr or decode.returncode != 0
    status, _, trailer_page = fetch(server.base_url + movie["trailer_page_path"])
    assert f'<meta property="og:video" content="{movie["trailer_path"]}">' in trailer_page.decode()


def test_one_film_in_ten_streams_its_trailer_as_hls(server, manifest):
    films = [m for m in manifest.movies if m.get("trailer_page_path")]
    streamed = [m for m in films if is_streamed(m["movie_id"])]
    assert 0 < len(streamed) < len(films)
    movie = streamed[0]
    playlist = f"/media/streams/{movie['movie_id']}/index.m3u8"
    _, _, trailer_page = fetch(server.base_url + movie["trailer_page_path"])
    assert f'<source src="{playlist}" type="application/x-mpegURL">' in trailer_page.decode()
    status, headers, body = fetch(server.base_url + playlist)
    assert status == 200 and headers["Content-Type"] == "application/vnd.apple.mpegurl" and body.startswith(b"#EXTM3U")
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-of", "json", server.base_url + playlist],
        check=True, capture_output=True, text=True, timeout=120,
    ).stdout)  # fmt: skip
    assert probe["format"]["format_name"] == "hls" and abs(float(probe["format"]["duration"]) - 3.0) < 0.3


def test_credits_cover_the_media_used(server, manifest):
    _, _, page = fetch(server.base_url + "/credits.html")
    text = page.decode()
    for movie in manifest.movies:
        assert movie["poster_source"] in text and movie["audio_source"] in text
    assert "Harper" in text and "Konstan" in text


def test_articles_are_read_and_matched_to_movielens(shared_data):
    articles = read_film_articles(shared_data / "movies" / "wikipedia-films")
    titles = {a.title for a in articles}
    assert len(articles) == 96
    assert "Werner Herzog" not in titles and "Twin Peaks" not in titles  # no film infobox
    actrius = next(a for a in articles if a.file_name == "Actrius.xml")
    assert actrius.title == "Actrius" and actrius.directors == ("Ventura Pons",)  # picked out of 11 pages
    movielens = read_movielens(shared_data / "movies" / "ml-latest-small")
    matches = {title: movie.movie_id for title, movie in match_articles(articles, movielens).items()}
    assert matches["Batman (1989 film)"] == 592
    assert matches["Batman (1966 film)"] == 26152
    assert matches["The Empire Strikes Back"] == 1196
    assert "Batman Forever" in matches and matches["Batman Forever"] == 153
    assert len(matches) >= 30


def test_infobox_lists_become_clean_names():
    assert list_items("{{Plain list|\n* [[Jon Peters]]\n* [[Peter Guber]]\n}}") == ["Jon Peters", "Peter Guber"]
    assert list_items("{{ubl|[[Núria Espert]]|[[Rosa Maria Sardà]]}}") == ["Núria Espert", "Rosa Maria Sardà"]
    assert list_items("[[Walter Hill (director)|Walter Hill]]<br />[[Joel Silver]]") == ["Walter Hill", "Joel Silver"]
    assert list_items("United States<ref>{{cite web|title=x}}</ref><!-- note -->") == ["United States"]
    assert list_items("James Wong (1, 3)<br>Lorenzo Semple, Jr.") == ["James Wong", "Lorenzo Semple, Jr."]
    assert list_items("English, Hindi and Italian", split_and=True) == ["English", "Hindi", "Italian"]


def test_movielens_titles_read_naturally():
    assert split_title("Matrix, The (1999)") == ("The Matrix", 1999)
    assert split_title("Party 2, The (Boum 2, La) (1982)") == ("The Party 2", 1982)


def test_listing_pages_hold_twenty_links_and_rel_next(shared_data):
    movielens = read_movielens(shared_data / "movies" / "ml-latest-small")[:45]
    movies = [SiteMovie(f"ml{m.movie_id}", m.title, m.year, m, None) for m in movielens]
    page = listing_page(movies[20:40], 2, 3, FaultPlan())
    assert page.count('class="movie-link"') == 20
    assert '<a rel="next" href="/movies/page-3.html">' in page and '<a rel="prev" href="/movies/index.html">' in page


def test_command_line_help_explains_options():
    result = subprocess.run([sys.executable, "-m", "demo_site", "--help"], capture_output=True, text=True, check=True)
    for option in ("--out", "--n-movies", "--seed", "--no-faults", "--port"):
        assert option in result.stdout


def test_a_port_in_use_is_a_clear_error(site_config: SiteConfig) -> None:
    site = site_config.out_dir
    generate_site(site_config)
    with serve_site(site) as first:
        port = int(first.base_url.rsplit(":", 1)[1])
        with pytest.raises(OSError, match=rf"127.0.0.1:{port} .*--site-port"):
            serve_site(site, port=port).start()


def test_a_client_hanging_up_prints_no_traceback_but_other_errors_do(server, capfd):
    """Crawlers drop keep-alive connections and abort oversized downloads; the build's console
    must not fill with tracebacks for that, while a real handler error still reports."""
    httpd = server._httpd
    for routine in (ConnectionResetError(104, "Connection reset by peer"), BrokenPipeError(32, "Broken pipe")):
        try:
            raise routine
        except OSError:
            httpd.handle_error(None, ("127.0.0.1", 1))
    assert "Traceback" not in capfd.readouterr().err
    try:
        raise ValueError("a bug in a handler")
    except ValueError:
        httpd.handle_error(None, ("127.0.0.1", 1))
    assert "ValueError: a bug in a handler" in capfd.readouterr().err
    assert fetch(f"{server.base_url}/robots.txt")[0] == 200
