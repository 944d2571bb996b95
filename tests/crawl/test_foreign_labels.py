"""Film pages labelled in other languages, and pages that share a film's labels but are not films.

Each page reproduces a layout real sites in that language use (not a copy of any page).
"""

from __future__ import annotations

import pytest

from crawl.fact_labels import read_fact_labels
from crawl.page_reader import read_page

PAGE = "http://127.0.0.1:9/film/42"


def read(html: str):
    return read_page(html.encode("utf-8"), html, PAGE, "utf-8")


def attrs(reading) -> set[tuple[str, str]]:
    return {(a.attribute, a.value) for a in reading.attributes}


def test_german_database_table_with_stab_and_besetzung() -> None:
    html = """<html><head><title>Lola rennt (1998) | Filmdatenbank</title></head><body>
      <h1>Lola rennt</h1>
      <table class="filmdaten">
        <tr><th>Produktionsland</th><td>Deutschland</td></tr>
        <tr><th>Originalsprache</th><td>Deutsch</td></tr>
        <tr><th>Erscheinungsjahr</th><td>1998</td></tr>
        <tr><th>Länge</th><td>81 Minuten</td></tr>
        <tr><th>Regie</th><td><a href="/person/1">Tom Tykwer</a></td></tr>
        <tr><th>Drehbuch</th><td><a href="/person/1">Tom Tykwer</a></td></tr>
        <tr><th>Kamera</th><td><a href="/person/2">Frank Griebe</a></td></tr>
        <tr><th>Besetzung</th><td><ul><li><a href="/person/3">Franka Potente</a>: Lola</li>
          <li><a href="/person/4">Moritz Bleibtreu</a>: Manni</li></ul></td></tr>
      </table></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min, reading.movie.method) == (
        "Lola rennt", 1998, 81, "html")
    assert {("director", "Tom Tykwer"), ("author", "Tom Tykwer"), ("cinematographer", "Frank Griebe"),
            ("actor", "Franka Potente"), ("actor", "Moritz Bleibtreu"),
            ("countryOfOrigin", "Germany")} <= attrs(reading)  # one name whatever the page language


def test_french_label_lines_with_a_space_before_the_colon() -> None:
    html = """<html><head><title>Amélie</title></head><body><h1>Le Fabuleux Destin d'Amélie Poulain (2001)</h1>
      <p><b>Réalisation&nbsp;:</b> Jean-Pierre Jeunet</p>
      <p><b>Scénario :</b> Guillaume Laurant, Jean-Pierre Jeunet</p>
      <p><b>Avec :</b> Audrey Tautou, Mathieu Kassovitz</p>
      <p><b>Musique :</b> Yann Tiersen</p>
      <p><b>Durée :</b> 2 h 02 min</p></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min) == (
        "Le Fabuleux Destin d'Amélie Poulain", 2001, 122)
    assert attrs(reading) == {("director", "Jean-Pierre Jeunet"), ("author", "Guillaume Laurant"),
                              ("author", "Jean-Pierre Jeunet"), ("actor", "Audrey Tautou"),
                              ("actor", "Mathieu Kassovitz"), ("musicBy", "Yann Tiersen")}


def test_spanish_definition_list_ficha_tecnica() -> None:
    html = """<html><head><title>Mar adentro (2004) - Ficha</title></head><body><h1>Mar adentro</h1>
      <dl class="movie-info"><dt>Año</dt><dd>2004</dd><dt>Duración</dt><dd>125 min.</dd>
        <dt>País</dt><dd>España</dd><dt>Dirección</dt><dd><a href="/p/1">Alejandro Amenábar</a></dd>
        <dt>Reparto</dt><dd><a href="/p/2">Javier Bardem</a>, <a href="/p/3">Belén Rueda</a></dd>
        <dt>Género</dt><dd>Drama</dd></dl></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min) == ("Mar adentro", 2004, 125)
    assert {("director", "Alejandro Amenábar"), ("actor", "Javier Bardem"), ("actor", "Belén Rueda"),
            ("genre", "Drama")} <= attrs(reading)


def test_italian_wiki_infobox_with_sections_in_italian() -> None:
    html = """<html><head><title>La vita è bella - Wikipedia</title>
      <meta name="generator" content="MediaWiki 1.43"></head><body>
      <h1 id="firstHeading">La vita è bella</h1><div class="mw-parser-output">
      <table class="infobox"><tr><th>Regia</th><td>Roberto Benigni</td></tr>
        <tr><th>Anno</th><td>1997</td></tr><tr><th>Durata</th><td>116 min</td></tr>
        <tr><th>Interpreti e personaggi</th><td>Roberto Benigni<br>Nicoletta Braschi</td></tr></table>
      <p>La vita è bella è un film del 1997 diretto e interpretato da Roberto Benigni.</p>
      <h2>Trama</h2><p>Guido Orefice arriva ad Arezzo nel 1939 e si innamora di Dora.</p>
      </div></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min, reading.movie.method) == (
        "La vita è bella", 1997, 116, "mediawiki")
    assert {("director", "Roberto Benigni"), ("actor", "Nicoletta Braschi")} <= attrs(reading)
    assert "Arezzo" in next(d.text for d in reading.documents if d.kind == "plot")


@pytest.mark.parametrize("rows", [
    "<tr><th>Genre</th><td>Rock</td></tr><tr><th>Length</th><td>42 min</td></tr><tr><th>Producer</th><td>Brian Eno</td></tr>",
    "<tr><th>Genre</th><td>Novel</td></tr><tr><th>Country</th><td>France</td></tr><tr><th>Language</th><td>French</td></tr>",
])
def test_album_and_book_tables_are_not_films(rows: str) -> None:
    reading = read(f"<html><head><title>x</title></head><body><h1>Some Work</h1><table>{rows}</table></body></html>")
    assert reading.movie is None


def test_a_label_naming_two_fields_is_refused(tmp_path) -> None:
    table = tmp_path / "labels.toml"
    table.write_text('[director]\nen = ["regie"]\n[actor]\nde = ["regie"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'regie'.*'director' and 'actor'"):
        read_fact_labels(table)


def test_an_undeclared_legacy_charset_is_decoded_by_the_page_language_as_browsers_do() -> None:
    """No charset in the header or the page and not UTF-8: the code page of ``<html lang>``
    (windows-1252 when none), not a guess that reads "Año" as "Ańo"."""
    from scrapy.http import HtmlResponse

    from crawl.page_charset import page_text

    spanish = ('<html lang="es"><head><title>Mar adentro</title></head><body><h1>Mar adentro</h1><table>'
               "<tr><td><b>Año:</b></td><td>2004</td></tr><tr><td><b>Género:</b></td><td>Drama</td></tr>"
               "</table></body></html>").encode("cp1252")
    text, encoding = page_text(HtmlResponse(url=PAGE, body=spanish, headers={"Content-Type": "text/html"}))
    assert (encoding, "Género:" in text) == ("cp1252", True)
    reading = read_page(spanish, text, PAGE, encoding)
    assert (reading.movie.title, reading.movie.year, attrs(reading)) == ("Mar adentro", 2004, {("genre", "Drama")})

    russian = '<html lang="ru"><body><h1>Сталкер</h1></body></html>'.encode("cp1251")
    assert "Сталкер" in page_text(HtmlResponse(url=PAGE, body=russian))[0]
    declared = HtmlResponse(url=PAGE, body="<p>Ańo</p>".encode("cp1250"),
                            headers={"Content-Type": "text/html; charset=windows-1250"})
    assert "Ańo" in page_text(declared)[0]


def test_chinese_info_block_with_label_spans_and_slash_separated_names() -> None:
    """A Chinese film site's info block: ``<span class="pl">`` labels, names split by " / "."""
    html = """<html><head><title>霸王别姬 (豆瓣)</title></head><body>
      <h1><span>霸王别姬</span> <span class="year">(1993)</span></h1>
      <div id="info">
        <span><span class="pl">导演</span>: <span class="attrs"><a href="/celebrity/1/">陈凯歌</a></span></span><br>
        <span><span class="pl">编剧</span>: <span class="attrs"><a href="/celebrity/2/">芦苇</a> / <a href="/celebrity/3/">李碧华</a></span></span><br>
        <span class="actor"><span class="pl">主演</span>: <span class="attrs"><a href="/celebrity/4/">张国荣</a> / <a href="/celebrity/5/">张丰毅</a> / <a href="/celebrity/6/">巩俐</a></span></span><br>
        <span class="pl">制片国家/地区:</span> 中国大陆 / 中国香港<br>
        <span class="pl">语言:</span> 汉语普通话<br>
        <span class="pl">上映日期:</span> <span content="1993-01-01(中国香港)">1993-01-01(中国香港)</span><br>
        <span class="pl">片长:</span> <span content="171">171分钟</span><br>
      </div></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min) == ("霸王别姬", 1993, 171)
    assert {("director", "陈凯歌"), ("author", "芦苇"), ("author", "李碧华"), ("actor", "张国荣"), ("actor", "张丰毅"),
            ("actor", "巩俐")} <= attrs(reading)


def test_japanese_definition_list_with_full_width_colons() -> None:
    html = """<html><head><title>千と千尋の神隠し - 映画情報</title></head><body><h1>千と千尋の神隠し</h1>
      <dl class="movie-data"><dt>監督：</dt><dd>宮崎駿</dd><dt>脚本：</dt><dd>宮崎駿</dd>
      <dt>出演：</dt><dd>柊瑠美、入野自由、夏木マリ</dd><dt>公開：</dt><dd>2001年7月20日</dd>
      <dt>上映時間：</dt><dd>125分</dd></dl></body></html>"""
    reading = read(html)
    assert (reading.movie.title, reading.movie.year, reading.movie.duration_min) == ("千と千尋の神隠し", 2001, 125)
    assert attrs(reading) >= {("director", "宮崎駿"), ("author", "宮崎駿"), ("actor", "柊瑠美"), ("actor", "入野自由"),
                              ("actor", "夏木マリ")}


@pytest.mark.parametrize("rows, duration", [
    ("<tr><td>Режиссер</td><td><a href='/name/1/'>Андрей Тарковский</a></td></tr>"
     "<tr><td>Сценарий</td><td><a href='/name/2/'>Аркадий Стругацкий</a>, <a href='/name/3/'>Борис Стругацкий</a></td></tr>"
     "<tr><td>Год</td><td>1979</td></tr><tr><td>Время</td><td>163 мин. / 02:43</td></tr>", 163),
    ("<tr><th>reżyseria</th><td>Andrzej Wajda</td></tr><tr><th>scenariusz</th><td>Aleksander Ścibor-Rylski</td></tr>"
     "<tr><th>premiera</th><td>25 lutego 1977</td></tr><tr><th>czas trwania</th><td>2 godz. 40 min.</td></tr>", 160),
])
def test_russian_and_polish_database_tables(rows: str, duration: int) -> None:
    html = f"<html><head><title>Film</title></head><body><h1>Сталкер</h1><table>{rows}</table></body></html>"
    reading = read(html)
    assert reading.kind == "movie" and reading.movie.duration_min == duration
    assert {a for a, _ in attrs(reading)} >= {"director", "author"}
