"""Records of many pages become items linked to MovieLens, by the rules of crawl.linking."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawl.linking import MovieLensIndex, link_records


@pytest.fixture(scope="module")
def movielens(shared_data: Path) -> MovieLensIndex:
    return MovieLensIndex.load(shared_data / "movies" / "ml-latest-small")


def record(url: str, title: str, year: int | None = None, method: str = "json-ld", kind: str = "Movie", **ids) -> dict:
    return {"url": url, "record_id": url, "title": title, "year": year, "method": method, "kind": kind, **ids}


def test_ids_link_through_links_csv(movielens: MovieLensIndex) -> None:
    linking = link_records([
        record("http://a/title/tt0114709/", "Toy Story", 1995, imdb_id="tt0114709"),
        record("http://b/review/heat", "Heat", 1995, tmdb_id="949"),
        record("http://c/m/1", "Jumanji", 1995, movielens_id=2),
    ], movielens)
    linked = {item.movie_id: (item.link_rule, item.ids.imdb_id, item.ids.tmdb_id) for item in linking.items}
    assert linked == {"ml1": ("imdb", "tt0114709", "862"), "ml6": ("tmdb", "tt0113277", "949"),
                      "ml2": ("movielens", "tt0113497", "8844")}


def test_title_and_year_link_films_without_ids(movielens: MovieLensIndex) -> None:
    linking = link_records([
        record("http://a/f/1", "The American President", 1995, method="html"),  # "American President, The (1995)"
        record("http://a/f/2", "Léon: The Professional", 1994, method="html"),
        record("http://a/f/3", "The Professional", 1994, method="html"),  # its a.k.a. title
        record("http://a/f/4", "Toy Story", 1996, method="html"),  # a year off, still unique
    ], movielens)
    assert sorted((i.movie_id, i.link_rule) for i in linking.items) == [
        ("ml1", "title-year"), ("ml11", "title-year"), ("ml293", "title-year")]
    assert sorted(len(i.records) for i in linking.items) == [1, 1, 2]


def test_ambiguous_titles_are_recorded_not_guessed(movielens: MovieLensIndex) -> None:
    shared = sorted((title, year) for (title, year), ids in movielens.by_title_year.items() if len(ids) > 1)
    assert shared, "ml-latest-small has titles shared by two films of one year"
    title, year = shared[0]
    linking = link_records([record("http://a/f/10", title, year, method="html")], movielens)
    assert linking.items[0].ids.movielens_id is None and linking.items[0].link_rule is None
    assert "ambiguous title+year" in linking.problems[0][1]


def test_same_film_on_two_sites_is_one_item_with_both_sources(movielens: MovieLensIndex) -> None:
    linking = link_records([
        record("http://a/title/tt0114709/", "Toy Story", 1995, imdb_id="tt0114709"),
        record("http://b/old/film_1.htm", "Toy Story", 1995, method="html"),
        record("http://c/wiki/Toy_Story", "Toy Story", 1995, method="mediawiki"),
        record("http://d/films/unknown", "A Film Nobody Rated", 2031, method="opengraph"),
        record("http://e/films/unknown", "A Film Nobody Rated", 2031, method="html"),
    ], movielens)
    by_id = {item.movie_id: item for item in linking.items}
    assert set(by_id) == {"ml1", "film-a-film-nobody-rated-2031"}
    assert [r["method"] for r in by_id["ml1"].records] == ["json-ld", "mediawiki", "html"]
    assert len(by_id["film-a-film-nobody-rated-2031"].records) == 2


def test_disagreeing_ids_keep_films_apart_and_tv_is_not_title_linked(movielens: MovieLensIndex) -> None:
    linking = link_records([
        record("http://a/title/tt0114709/", "Toy Story", 1995, imdb_id="tt0114709"),
        record("http://b/title/tt9999999/", "Toy Story", 1995, imdb_id="tt9999999"),
        record("http://c/show/1", "Toy Story", 1995, method="html", kind="TVSeries"),
    ], movielens)
    assert sorted(i.movie_id for i in linking.items) == ["film-toy-story-1995", "ml1", "tt9999999"]


def test_without_movielens_only_page_ids_link() -> None:
    linking = link_records([record("http://a/m/1", "Toy Story", 1995, movielens_id=1),
                            record("http://a/m/2", "Heat", 1995, imdb_id="tt0113277")], None)
    assert sorted(i.movie_id for i in linking.items) == ["ml1", "tt0113277"]


def test_titles_in_other_scripts_merge_only_with_themselves() -> None:
    """An ASCII-only title key is empty for Cyrillic or Japanese titles: every such film of a year would be one item."""
    linking = link_records([
        record("http://a/film/1", "Сталкер", 1979, method="html"),
        record("http://b/kino/stalker", "Сталкер", 1979, method="html"),
        record("http://a/film/2", "Москва слезам не верит", 1979, method="html"),
        record("http://c/eiga/3", "千と千尋の神隠し", 2001, method="html"),
        record("http://c/eiga/4", "!!!", 2001, method="html"),
        record("http://c/eiga/5", "???", 2001, method="html"),
    ], None)
    sizes = sorted(len(item.records) for item in linking.items)
    assert sizes == [1, 1, 1, 1, 2]
    stalker = next(item for item in linking.items if len(item.records) == 2)
    assert stalker.movie_id.startswith("film-t") and stalker.movie_id.endswith("-1979")


def test_language_versions_of_one_page_are_one_item_whatever_their_titles() -> None:
    linking = link_records([
        {**record("http://a/es/film/42", "El padrino", 1972, method="html"), "alternate_urls": ["http://a/en/film/42"]},
        {**record("http://a/en/film/42", "The Godfather", 1972, method="html"), "alternate_urls": ["http://a/es/film/42"]},
        record("http://a/en/film/43", "The Conversation", 1974, method="html"),
    ], None)
    assert sorted(len(item.records) for item in linking.items) == [1, 2]


def test_a_group_is_met_by_any_title_its_pages_give(movielens: MovieLensIndex) -> None:
    """The film's own page titles it one way and its linked article another; the article's
    export, with no link and no id, has only the article's title and must still join them."""
    site_page = record("http://a/movies/ml8253.html", "Lupin III: The Castle Of Cagliostro", 1979, movielens_id="8253")
    site_page["article_url"] = "http://a/w/index.php?title=The_Castle_of_Cagliostro"
    linking = link_records([
        site_page,
        record("http://a/w/index.php?title=The_Castle_of_Cagliostro", "The Castle of Cagliostro", 1979, method="mediawiki"),
        record("http://a/export/The_Castle_of_Cagliostro.xml", "The Castle of Cagliostro", 1979, method="mediawiki"),
        record("http://b/films/castle", "The Castle of Cagliostro", 1979, method="html", movielens_id="99999"),
    ], movielens)
    by_id = {item.movie_id: sorted(r["url"] for r in item.records) for item in linking.items}
    assert by_id["ml8253"] == ["http://a/export/The_Castle_of_Cagliostro.xml", "http://a/movies/ml8253.html",
                               "http://a/w/index.php?title=The_Castle_of_Cagliostro"]
    assert len(by_id) == 2, "a page whose id disagrees stays apart"
