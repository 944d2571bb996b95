"""Exception types of unusable media; ``str(exc)`` is the error row's reason."""


class MediaError(Exception):
    """A fetched or decoded asset is unusable; ``str(exc)`` names the specific cause."""


class OptedOut(MediaError):
    """The server reserves the asset against AI / text-and-data mining: a recorded skip, not a failure."""


class NotAPage(MediaError):
    """A trailer "page" answered with the video itself (``og:video`` and links often point at the file)."""

    def __init__(self, url: str, content_type: str) -> None:
        super().__init__(f"{url} is a {content_type} file, not a page")
        self.url = url


class MediaCoverageError(RuntimeError):
    """A modality was enabled and had media to fetch, yet nothing of it succeeded (e.g. no ffmpeg).

    ``summary`` is the run's ``MediaSummary``: every row is stored before this is raised.
    """

    def __init__(self, message: str, summary: object) -> None:
        super().__init__(message)
        self.summary = summary
