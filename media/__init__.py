"""media: trailers, audio tracks and posters fetched, validated and turned into feature arrays."""

from media.config import MediaConfig, MediaSummary
from media.stage import fetch_media

__all__ = ["MediaConfig", "MediaSummary", "fetch_media"]
