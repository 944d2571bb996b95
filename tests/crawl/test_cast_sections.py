"""Cast sections as film articles really lay them out: lists, tables, columns and prose.

Each page reproduces a layout real articles use (not a copy of one): an Actor/Role table
with a header row, two "Actor as Role" credits per row beside photos, a list split over a
{{col-begin}} layout table, a "Voice cast" section beside "Cast", and a note in prose. The
cast document must keep every credit in billing order, and the prose beside it.
"""

from __future__ import annotations

from crawl.cast_rows import cast_row_lines
from crawl.page_reader import read_page
from crawl.wikitext import film_article_from_export

URL = "http://127.0.0.1:9/wiki/Kadal_Oram"
HEADING = '<div class="mw-heading mw-heading2"><h2 id="{0}">{0}</h2><span class="mw-editsection">[<a>edit</a>]</span></div>'
INFOBOX = ('<table class="infobox vevent"><tr><th class="infobox-above">Kadal Oram</th></tr>'
           '<tr><th class="infobox-label">Directed by</th><td class="infobox-data">Mani Selvan</td></tr>'
           '<tr><th class="infobox-label">Release date</th><td class="infobox-data">1994</td></tr></table>')


def article(cast_html: str, extra_sections: str = "") -> str:
    body = (INFOBOX + "<p><b>Kadal Oram</b> is a 1994 Tamil drama film directed by Mani Selvan.</p>"
            + HEADING.format("Plot") + "<p>A fisherman's son returns to his village.</p>"
            + HEADING.format("Cast") + cast_html + extra_sections + HEADING.format("Reception") + "<p>It ran 100 days.</p>")
    return (f'<html><head><meta name="generator" content="MediaWiki 1.44"></head><body>'
            f'<h1 id="firstHeading">Kadal Oram</h1><div class="mw-parser-output">{body}</div></body></html>')


def cast_document(html: str) -> list[str]:
    reading = read_page(html.encode(), html, URL, "utf-8")
    assert reading.kind == "article"
    return next(d.text for d in reading.documents if d.kind == "cast").splitlines()


def test_an_actor_role_table_becomes_one_line_per_row_without_its_header() -> None:
    table = ('<table class="wikitable"><tbody><tr><th>Actor</th><th>Role</th></tr>'
             '<tr><th scope="row"><a href="/wiki/Arun_Kumar">Arun Kumar</a></th><td>Velu<sup class="reference">[3]</sup></td></tr>'
             '<tr><td>Meena Devi</td><td>Selvi, his cousin</td></tr><tr><td>Raja Ravi</td><td></td></tr></tbody></table>')
    assert cast_document(article(table)) == ["Arun Kumar  Velu", "Meena Devi  Selvi, his cousin", "Raja Ravi"]


def test_two_credits_per_row_beside_photos_are_two_lines() -> None:
    table = ('<table><tbody><tr><td><img src="/a.jpg" alt=""></td><td>Arun Kumar as Velu</td>'
             '<td><img src="/b.jpg" alt=""></td><td>Meena Devi as Selvi</td></tr>'
             '<tr><td><img src="/c.jpg" alt=""></td><td>Raja Ravi as the landlord</td></tr></tbody></table>')
    assert cast_document(article(table)) == ["Arun Kumar as Velu", "Meena Devi as Selvi", "Raja Ravi as the landlord"]


def test_a_list_split_over_columns_keeps_billing_order_and_prose_and_voice_cast_are_kept() -> None:
    columns = ('<table class="multicol" role="presentation"><tbody><tr>'
               '<td><ul><li>Arun Kumar as Velu</li><li>Meena Devi as Selvi</li></ul></td>'
               '<td><ul><li>Raja Ravi as the landlord</li></ul></td></tr></tbody></table>'
               '<p>Director Mani Selvan appears in a cameo as a boatman.</p>')
    voice = HEADING.format("Voice cast") + "<ul><li>Kavi Raj as the narrator</li></ul>"
    assert cast_document(article(columns, voice)) == [
        "Arun Kumar as Velu", "Meena Devi as Selvi", "Raja Ravi as the landlord",
        "Director Mani Selvan appears in a cameo as a boatman.", "Kavi Raj as the narrator"]


def test_a_wikitext_cast_table_prose_and_every_cast_and_plot_section_are_read() -> None:
    wikitext = ("{{Infobox film\n| name = Kadal Oram\n| director = [[Mani Selvan]]\n| released = 1994\n}}\n"
                "'''''Kadal Oram''''' is a 1994 Tamil drama film.\n\n== Plot ==\nA fisherman's son returns to his village.\n\n"
                "== Synopsis ==\nHe finds the harbour sold to a company from the city.\n\n"
                "== Cast ==\n{| class=\"wikitable\"\n|-\n! Actor !! Role\n|-\n| [[Arun Kumar]] || Velu\n|-\n"
                "| [[Meena Devi]]\n| Selvi\n|}\n"
                "In addition, the director appears as a boatman in one scene of the film.\n\n"
                "== Voice cast ==\n* [[Kavi Raj]] as the narrator\n\n== Reception ==\nIt ran 100 days.\n")
    xml = ('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10"><page><title>Kadal Oram</title>'
           f'<ns>0</ns><revision><text xml:space="preserve">{wikitext}</text></revision></page></mediawiki>').encode()
    film = film_article_from_export(xml, "Kadal Oram", "Kadal Oram.xml")
    assert film is not None
    assert film.cast == ("Arun Kumar  Velu", "Meena Devi  Selvi", "Kavi Raj as the narrator")
    assert film.cast_notes == ("In addition, the director appears as a boatman in one scene of the film.",)
    assert film.plot == ("A fisherman's son returns to his village.", "He finds the harbour sold to a company from the city.")


def test_row_lines() -> None:
    assert cast_row_lines(["Actor", "Role"], header=True) == []
    assert cast_row_lines(["", " "], header=False) == []
    assert cast_row_lines(["William Bludworth", "Tony Todd", "Tony Todd (v)"], header=False) == [
        "William Bludworth  Tony Todd  Tony Todd (v)"]
    assert cast_row_lines(["Paul Muni as Wang", "", "Tilly Losch as Lotus"], header=False) == [
        "Paul Muni as Wang", "Tilly Losch as Lotus"]
