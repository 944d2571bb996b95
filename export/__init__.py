"""export: one build's training shards (Parquet, safetensors, RecBole, MMRec, RDF, card)."""

from export.stage import ExportConfig, ExportSummary, export_build

__all__ = ["ExportConfig", "ExportSummary", "export_build"]
