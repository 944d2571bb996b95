"""The labels pages print before a film's facts, in the languages of ``fact_labels.toml``.

Real film databases and wikis are written in many languages with the same layouts, so a
reader that knew only "Director:" would find no film on "Regie:" or "Réalisation :" pages.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from crawl.fields import ATTRIBUTES

LABELS_FILE = Path(__file__).with_name("fact_labels.toml")
LITERAL_FIELDS = ("year", "duration", "contentRating")
# Fields that only a film (or series) page credits: a table with none of them is an album,
# a book or a person, however many other labels (genre, country, length) it shares.
CREDIT_FIELDS = frozenset({"director", "actor", "cinematographer"})


def read_fact_labels(path: Path = LABELS_FILE) -> dict[str, str]:
    """Label (lower case) -> field; a field outside the vocabulary or a label naming two
    fields is an error in the file, reported with both names."""
    labels: dict[str, str] = {}
    for field, by_language in tomllib.loads(path.read_text(encoding="utf-8")).items():
        if field not in ATTRIBUTES and field not in LITERAL_FIELDS:
            raise ValueError(f"{path.name}: unknown field {field!r}")
        for language, names in by_language.items():
            for label in names:
                if labels.get(label, field) != field:
                    raise ValueError(f"{path.name}: label {label!r} ({language}) names {labels[label]!r} and {field!r}")
                labels[label] = field
    return labels


FACT_LABELS = read_fact_labels()
