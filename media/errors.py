"""One exception type for media that cannot be used; its message is the error row's reason."""


class MediaError(Exception):
    """A fetched or decoded asset is unusable; ``str(exc)`` names the specific cause."""
