"""Link rules: the built-in defaults, a user's per-site file on top, clear errors for bad rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawl.site_rules import load_site_rules


def test_defaults_follow_in_domain_pages_prefer_detail_pages_and_deny_variants() -> None:
    rules = load_site_rules().for_site("films.example.org")
    assert rules.allows("http://films.example.org/anything/at/all.html", depth=3)
    assert not rules.allows("http://films.example.org/a.html", depth=rules.max_depth + 1)
    assert not rules.allows("http://films.example.org/list?sort=year", depth=1)
    assert not rules.allows("http://films.example.org/login", depth=1)
    assert rules.is_detail("http://films.example.org/title/tt0114709/")
    assert rules.is_detail("http://films.example.org/wiki/Toy_Story")
    assert not rules.is_detail("http://films.example.org/about.html")
    assert rules.is_pagination("http://films.example.org/reviews/page/3/")
    assert rules.is_pagination("http://films.example.org/catalogue/list.php?page=7")


def test_a_user_file_overrides_keys_for_its_site_only(tmp_path: Path) -> None:
    extra = tmp_path / "sites.toml"
    extra.write_text('[sites."films.example.org"]\nmax_depth = 2\nfollow = ["^/film/"]\ndetail = ["^/film/\\\\d+$"]\n')
    book = load_site_rules(extra)
    site = book.for_site("films.example.org")
    assert site.max_depth == 2 and site.allows("http://films.example.org/film/12", 1)
    assert not site.allows("http://films.example.org/news/1", 1) and site.is_detail("http://films.example.org/film/12")
    assert book.for_site("other.example.org").allows("http://other.example.org/news/1", 1)


@pytest.mark.parametrize("text, message", [
    ('[default]\nfollow = ["("]\n', "bad follow pattern"),
    ('[default]\nmax_depth = -1\n', "max_depth must be an integer"),
    ('[sites."x"]\nfolow = []\n', "unknown keys"),
    ('[default\n', "not valid TOML"),
])
def test_bad_rules_are_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_site_rules(bad)
