"""warehouse: the DuckDB file and blob store that every stage reads and writes."""

from warehouse.blobs import BlobStore, sha256_bytes, sha256_file
from warehouse.store import Warehouse, build_movie_count, record_errors, require_build_movies, upsert

__all__ = [
    "BlobStore", "Warehouse", "build_movie_count", "record_errors", "require_build_movies",
    "sha256_bytes", "sha256_file", "upsert",
]
