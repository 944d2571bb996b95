"""Content-addressed blob store: raw bytes are stored once, named by their sha256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    """Files under ``root/ab/abcdef…``; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, data: bytes) -> str:
        """Store ``data`` unless already present; return its sha256."""
        sha = sha256_bytes(data)
        target = self.path(sha)
        if not target.exists():
            self._write_atomic(target, data)
        return sha

    def put_file(self, source: Path) -> str:
        """Store a file's bytes (used for media made by ffmpeg); return its sha256."""
        return self.put(Path(source).read_bytes())

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    @staticmethod
    def _write_atomic(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
