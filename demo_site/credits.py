"""Attributions of the shared media files, read from the media README's tables.

The CC BY audio clips must be credited wherever they are used; taking the text from the
README keeps the site's credits page in step with the data it was built from.
"""

from __future__ import annotations

from pathlib import Path


def read_media_credits(readme: Path) -> dict[str, str]:
    """File name -> licence and attribution, from the README's ``| file | ... | licence |`` rows."""
    credits = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not line.lstrip().startswith("|"):
            continue
        name = cells[0].strip("`")
        if "." in name and " " not in name and not set(name) <= {"-", "."}:
            credits[name] = cells[-1].replace("**", "")
    return credits
