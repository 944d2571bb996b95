"""Wikipedia-style article pages in today's skin and in an older one, and the list of films.

Current skin (2023-): ``<div class="mw-heading mw-heading2"><h2 id="Plot">Plot</h2>
<span class="mw-editsection">…edit…</span></div>`` inside ``mw-parser-output``, infobox
``infobox vevent`` with ``infobox-label``/``infobox-data`` cells and footnote markers.
Older skin (MediaWiki 1.16): no ``mw-parser-output``, plain infobox cells with lists, and
``<h2><span class="editsection">[<a>edit</a>]</span> <span class="mw-headline">Plot</span></h2>``.
"""

from __future__ import annotations

from html import escape

from crawl.cast_rows import CELL_SEPARATOR
from demo_site import paths
from demo_site.catalog import SiteMovie
from demo_site.pages import INFOBOX_ROWS, layout
from demo_site.seeded import seeded_int
from demo_site.styles import FilmPage

OLD_SKIN_SITE = "Wikipedia, the free encyclopedia"
CAST_LAYOUTS = ("list", "table", "columns")


def article_page(movie: SiteMovie, skin: str, export_path: str | None = None) -> str:
    """The article of an article film; ``skin`` is ``wiki`` (current) or ``wiki-old``; the tools
    menu links the article's Special:Export XML when it has one."""
    art = movie.article
    assert art is not None
    current = skin == "wiki"
    label_cls = ' class="infobox-label"' if current else ""
    data_cls = ' class="infobox-data"' if current else ""
    rows = [f'<tr><th{label_cls}>Release date</th><td{data_cls}><ul><li>{art.year}</li></ul></td></tr>'] if art.year else []
    for label, field in INFOBOX_ROWS:
        names = getattr(art, field)
        if names:
            cell = "<br>".join(escape(n) for n in names) if current else "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in names) + "</ul>"
            rows.append(f'<tr><th{label_cls} scope="row">{label}</th><td{data_cls}>{cell}<sup class="reference"><a href="#cite_note-1">[1]</a></sup></td></tr>')
    parts = [
        f'<table class="infobox vevent"><tbody><tr><th colspan="2" class="infobox-above summary">{escape(art.display_title)}</th></tr>'
        f'{_infobox_image(movie, current)}{"".join(rows)}</tbody></table>',
        *(f"<p>{escape(p)}<sup class=\"reference\">[2]</sup></p>" for p in art.lead),
    ]
    if art.plot:
        parts.append(_heading("Plot", "Plot", current))
        parts.extend(f"<p>{escape(p)}</p>" for p in art.plot)
    if art.cast or art.cast_notes:
        parts.append(_heading("Cast", "Cast", current))
        parts.append(_cast_block(art.cast, CAST_LAYOUTS[seeded_int(0, movie.movie_id, "cast-layout") % len(CAST_LAYOUTS)]))
        parts.extend(f"<p>{escape(p)}</p>" for p in art.cast_notes)
    parts.append(_heading("References", "References", current))
    parts.append('<ol class="references"><li id="cite_note-1">Film credits. Retrieved 2020.</li></ol>')
    parts.append(f'<p class="movie-page"><a href="{paths.movie_path(movie.movie_id)}">{escape(movie.title)} on this site</a></p>')
    if export_path:
        parts.append(f'<ul id="p-tb"><li id="t-export"><a href="{export_path}">Export as XML</a></li></ul>')
    heading = f'<h1 id="firstHeading" class="firstHeading mw-first-heading"><span class="mw-page-title-main">{escape(art.title)}</span></h1>'
    content = '<div class="mw-parser-output">' if current else '<div class="mw-content-ltr" dir="ltr">'
    body = heading + f'\n<div id="mw-content-text">{content}\n' + "\n".join(parts) + "\n</div></div>"
    head = '<meta name="generator" content="MediaWiki 1.44.0-wmf.5">'
    return layout(art.title, body, head=head, wikipedia=art, site="Wikipedia" if current else OLD_SKIN_SITE)


def _cast_block(lines: tuple[str, ...], layout_name: str) -> str:
    """The cast list as articles lay it out: a bullet list, an Actor/Role table, or a list
    split over columns by a layout table ({{col-begin}}), in billing order."""
    if not lines:
        return ""
    if layout_name == "table":
        rows = "".join(f"<tr><td>{escape(actor)}</td><td>{escape(role)}</td></tr>" for actor, role in map(_actor_and_role, lines))
        return f'<table class="wikitable"><tbody><tr><th>Actor</th><th>Role</th></tr>{rows}</tbody></table>'
    items = [f"<li>{escape(line)}</li>" for line in lines]
    if layout_name == "columns":
        half = (len(items) + 1) // 2
        columns = "".join(f'<td style="vertical-align:top"><ul>{"".join(part)}</ul></td>' for part in (items[:half], items[half:]) if part)
        return f'<table class="multicol" role="presentation"><tbody><tr>{columns}</tr></tbody></table>'
    return "<ul>" + "".join(items) + "</ul>"


def _actor_and_role(line: str) -> tuple[str, str]:
    for separator in (" as ", CELL_SEPARATOR, " – ", " - ", " ... "):
        actor, found, role = line.partition(separator)
        if found and actor.strip():
            return actor.strip(), role.strip()
    return line, ""


def _infobox_image(movie: SiteMovie, current: bool) -> str:
    """The poster as Wikipedia shows it: a thumbnail with ``srcset`` linking its file page, and a caption."""
    poster = paths.poster_path(movie.movie_id)
    file_page = f"/wiki/File:{movie.movie_id}_poster.jpg"
    if current:
        image = (f'<span typeof="mw:File"><a href="{file_page}" class="mw-file-description"><img src="{poster}" decoding="async" '
                 f'width="220" height="326" class="mw-file-element" srcset="{poster} 1.5x, {poster} 2x"></a></span>')
        return f'<tr><td colspan="2" class="infobox-image">{image}<div class="infobox-caption">Theatrical release poster</div></td></tr>'
    image = f'<a href="{file_page}" class="image"><img alt="" src="{poster}" width="220" height="326"></a>'
    return f'<tr><td colspan="2" style="text-align:center">{image}<br>Theatrical release poster</td></tr>'


def list_of_films(pages: list[FilmPage], titles: dict[str, str]) -> str:
    items = "".join(f'<li><i><a href="{p.path}">{escape(titles[p.movie_id])}</a></i></li>' for p in pages)
    body = f'<h1 id="firstHeading">List of films</h1><div class="mw-parser-output"><ul>{items}</ul></div>'
    return layout("List of films", body, site="Wikipedia")


def _heading(text: str, anchor: str, current: bool) -> str:
    if current:
        return (f'<div class="mw-heading mw-heading2"><h2 id="{anchor}">{text}</h2>'
                f'<span class="mw-editsection"><span class="mw-editsection-bracket">[</span>'
                f'<a href="/w/index.php?title=X&amp;action=edit&amp;section=1" title="Edit section: {text}">edit</a>'
                f'<span class="mw-editsection-bracket">]</span></span></div>')
    return (f'<h2><span class="editsection">[<a href="/w/index.php?title=X&amp;action=edit&amp;section=1">edit</a>]</span> '
            f'<span class="mw-headline" id="{anchor}">{text}</span></h2>')
