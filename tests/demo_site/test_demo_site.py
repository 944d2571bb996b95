"""The demo site: generated reproducibly from the shared data and served like a real site."""

from __future__ import annotations

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
from crawl.wikitext import list_items, read_film_articles

N_MOVIES = 8
FAULT_KINDS = {"http_404", "http_500", "redirect", "duplicate_url", "malformed_jsonld", "truncated_trailer"}
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
    assert len(movies) == N_MOVIES == len({m["movie_id"] for m in movies})
    article_movies = [m for m in movies if m["article_path"]]
    assert len(article_movies) == round(N_MOVIES / 3)
    assert any(m["movielens_id"] is not None for m in article_movies), "a tiny site keeps a matched article"
    assert len(manifest.articles) == len(article_movies)
    assert {f["kind"] for f in manifest.faults} == FAULT_KINDS
    malformed = [f["movie_id"] for f in manifest.faults if f["kind"] == "malformed_jsonld"]
    assert [m["movie_id"] for m in movies if not m["jsonld_ok"]] == malformed
    for movie in movies:
        assert movie["path"] == f"/movies/{movie['movie_id']}.html"
        for key in ("path", "trailer_path", "poster_path", "trailer_page_path"):
            assert (site_config.out_dir / movie[key].lstrip("/")).is_file(), movie[key]
    assert len({m["trailer_path"] for m in movies}) == N_MOVIES


def test_robots_and_sitemap_use_absolute_urls_from_host(server, manifest):
    status, headers, body = fetch(server.base_url + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /private/" in body.decode()
    assert f"Sitemap: {server.base_url}/sitemap.xml" in body.decode()
    status, headers, body = fetch(server.base_url + "/sitemap.xml")
    assert status == 200 and headers["Content-Type"] == "application/xml"
    locations = re.findall(r"<loc>(.*?)</loc>", body.decode())
    expected = [server.base_url + m["path"] for m in manifest.movies] + [server.base_url + a for a in manifest.articles]
    assert locations == expected
    _, _, other_host = fetch(server.base_url + "/sitemap.xml", {"Host": "movies.example:8080"})
    assert "<loc>http://movies.example:8080/movies/" in other_host.decode()


def test_detail_pages_carry_jsonld_of_their_movie(server, manifest):
    for movie in manifest.movies:
        status, headers, body = fetch(server.base_url + movie["path"])
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
        assert f'<p class="description">' in body.decode()
        if movie["movielens_id"] is not None:
            assert f"https://movielens.org/movies/{movie['movielens_id']}" in data["sameAs"]
        if movie["article_path"] is None:
            assert "director" not in data and "actor" not in data  # no invented people
            assert data["description"].endswith("film.")


def test_matched_article_page_agrees_with_jsonld_people(server, manifest):
    movie = next(m for m in manifest.movies if m["article_path"] and m["movielens_id"] is not None and m["jsonld_ok"])
    _, _, page = fetch(server.base_url + movie["path"])
    data = json.loads(JSONLD.search(page.decode()).group(1))
    assert data["subjectOf"]["url"] == movie["article_path"]
    assert data["director"] and all(person["@type"] == "Person" for person in data["director"])
    status, _, article = fetch(server.base_url + movie["article_path"])
    text = article.decode()
    assert status == 200 and '<h1 id="firstHeading">' in text and '<table class="infobox">' in text
    directed_by = re.search(r"<tr><th>Directed by</th><td>(.*?)</td></tr>", text).group(1).split("<br>")
    assert [person["name"] for person in data["director"]] == directed_by
    assert '<h2 id="Plot">Plot</h2>' in text and data["description"] in html.unescape(text)
    assert 'href="https://en.wikipedia.org/wiki/' in text and "CC BY-SA" in text


def test_fault_paths_answer_404_500_and_301(server, manifest):
    by_kind = {}
    for fault in manifest.faults:
        by_kind.setdefault(fault["kind"], []).append(fault)
    assert fetch(server.base_url + by_kind["http_404"][0]["path"])[0] == 404
    assert fetch(server.base_url + by_kind["http_500"][0]["path"])[0] == 500
    for redirect in by_kind["redirect"]:
        status, headers, _ = fetch(server.base_url + redirect["path"])
        assert status == 301 and headers["Location"] == server.base_url + redirect["target"]
    for duplicate in by_kind["duplicate_url"]:
        _, _, listing = fetch(server.base_url + duplicate["linked_from"])
        assert f'href="{duplicate["path"]}"' in listing.decode() and f'href="{duplicate["target"]}"' in listing.decode()
        assert fetch(server.base_url + duplicate["path"])[2] == fetch(server.base_url + duplicate["target"])[2]
    _, _, listing = fetch(server.base_url + by_kind["http_404"][0]["linked_from"])
    assert f'href="{by_kind["http_404"][0]["path"]}"' in listing.decode()
    assert fetch(server.base_url + "/movies/not-a-movie.html")[0] == 404
    assert fetch(server.base_url + "/site_manifest.json")[0] == 404


def test_conditional_requests_answer_304(server, manifest):
    url = server.base_url + manifest.movies[0]["path"]
    status, headers, _ = fetch(url)
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200


def test_media_are_real_poster_and_video(server, manifest, tmp_path):
    truncated = next(f["movie_id"] for f in manifest.faults if f["kind"] == "truncated_trailer")
    movie = next(m for m in manifest.movies if m["movie_id"] != truncated)
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
