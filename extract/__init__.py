"""extract: entities, aliases, mentions and relations from structured fields and film texts."""

from extract.config import ExtractConfig, ExtractSummary
from extract.stage import extract_entities

__all__ = ["ExtractConfig", "ExtractSummary", "extract_entities"]
