"""Cast tables as cast-list lines, whether the page renders them as HTML or as wikitext.

Real film articles give their cast as bullet lists, but also as tables: one actor and role
per row ("Kamal Haasan | Velu Naicker"), two "Actor as Role" credits per row beside their
photos, or a character-by-film matrix on a series page. A row becomes the line a cast list
would have: its cells two spaces apart (how ``extract.cast_list`` reads table rows), or one
line per cell when the cells are whole credits themselves.
"""

from __future__ import annotations

import re

CELL_SEPARATOR = "  "
_CREDIT_CELL = re.compile(r"\S\s+as\s+\S")


def cast_row_lines(cells: list[str], header: bool) -> list[str]:
    """The lines of one table row; a header row (column titles) and an empty row give none."""
    texts = [cell for cell in (c.strip() for c in cells) if cell]
    if header or not texts:
        return []
    if sum(1 for cell in texts if _CREDIT_CELL.search(cell)) >= 2:
        return texts
    return [CELL_SEPARATOR.join(texts)]
