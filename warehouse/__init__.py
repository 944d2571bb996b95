"""warehouse: the DuckDB file and blob store that every stage reads and writes."""

from warehouse.blobs import BlobStore, sha256_bytes, sha256_file
from warehouse.store import Warehouse, record_errors, upsert

__all__ = ["BlobStore", "Warehouse", "record_errors", "sha256_bytes", "sha256_file", "upsert"]
