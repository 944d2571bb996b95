"""Poster normalisation with Pillow: verified, upright RGB, and a fixed-size feature array."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from media.errors import MediaError

# A poster never needs more than this; anything larger is treated as a decompression bomb.
MAX_POSTER_PIXELS = 40_000_000
MAX_STORED_SIDE = 1024
JPEG_QUALITY = 90


@dataclass(frozen=True)
class NormalisedPoster:
    jpeg: bytes  # the asset: upright RGB JPEG, longest side at most MAX_STORED_SIDE
    width: int
    height: int


def normalise_poster(data: bytes) -> NormalisedPoster:
    """Verify the image, apply its EXIF orientation, convert to RGB and re-encode as JPEG."""
    pixel_limit = min(MAX_POSTER_PIXELS, Image.MAX_IMAGE_PIXELS or MAX_POSTER_PIXELS)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > pixel_limit:
                raise MediaError(f"pillow: {width}x{height} exceeds {pixel_limit} pixels (decompression bomb guard)")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except UnidentifiedImageError as exc:
        raise MediaError("pillow: cannot identify image file") from exc
    except Image.DecompressionBombError as exc:
        raise MediaError(f"pillow: {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError(f"pillow: broken image ({exc})") from exc
    upright.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    upright.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return NormalisedPoster(jpeg=buffer.getvalue(), width=upright.width, height=upright.height)


def poster_array(jpeg: bytes, size: int) -> np.ndarray:
    """uint8 ``[size, size, 3]``: scale to cover, then centre crop (keeps the aspect ratio)."""
    with Image.open(io.BytesIO(jpeg)) as image:
        fitted = ImageOps.fit(image.convert("RGB"), (size, size), Image.Resampling.BICUBIC)
    return np.asarray(fitted, dtype=np.uint8).copy()
