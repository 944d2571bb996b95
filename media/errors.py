"""Exception types of unusable media; ``str(exc)`` is the error row's reason."""


class MediaError(Exception):
    """A fetched or decoded asset is unusable; ``str(exc)`` names the specific cause."""


class OptedOut(MediaError):
    """The server reserves the asset against AI / text-and-data mining: a recorded skip, not a failure."""


class MediaCoverageError(RuntimeError):
    """A modality was enabled and had media to fetch, yet nothing of it succeeded (e.g. no ffmpeg).

    ``summary`` is the run's ``MediaSummary``: every row is stored before this is raised.
    """

    def __init__(self, message: str, summary: object) -> None:
        super().__init__(message)
        self.summary = summary
