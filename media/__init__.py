"""media: trailers, audio tracks and posters fetched, validated and turned into feature arrays."""

from media.config import MediaConfig, MediaSummary
from media.errors import MediaCoverageError
from media.stage import fetch_media

__all__ = ["MediaConfig", "MediaCoverageError", "MediaSummary", "fetch_media"]
