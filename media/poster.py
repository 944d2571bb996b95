"""Poster normalisation with Pillow: verified, upright RGB, and a fixed-size feature array.

Real posters come as progressive / CMYK / grayscale JPEGs, palette / 16-bit / alpha PNGs,
WebP, AVIF and EXIF-rotated files; all end as the same upright RGB JPEG. Print-resolution
JPEGs are decoded reduced (JPEG draft mode scales in the DCT) instead of being refused.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from media.errors import MediaError

# Pixels a poster may have once decoded; larger non-JPEG images are treated as decompression bombs.
MAX_POSTER_PIXELS = 40_000_000
MAX_STORED_SIDE = 1024
JPEG_QUALITY = 90
BACKGROUND = (255, 255, 255)  # what transparent areas show, as a browser on a white page does
PAD = (0, 0, 0)  # the bars that square a poster without cutting any of it away
_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N")


@dataclass(frozen=True)
class NormalisedPoster:
    jpeg: bytes  # the asset: upright RGB JPEG, longest side at most MAX_STORED_SIDE
    width: int
    height: int


def normalise_poster(data: bytes, max_pixels: int = MAX_POSTER_PIXELS) -> NormalisedPoster:
    """Verify the image, decode it (reduced when it is a huge JPEG), make it upright RGB, re-encode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own guard follows
            with Image.open(io.BytesIO(data)) as probe:
                width, height, fmt = probe.width, probe.height, probe.format
                if width * height > max_pixels and fmt != "JPEG":
                    raise MediaError(f"pillow: {width}x{height} {fmt} exceeds {max_pixels} pixels (decompression bomb guard)")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if fmt == "JPEG":
                    image.draft(image.mode if image.mode == "CMYK" else "RGB", (MAX_STORED_SIDE, MAX_STORED_SIDE))
                if image.width * image.height > max_pixels:
                    raise MediaError(f"pillow: {width}x{height} exceeds {max_pixels} pixels even reduced")
                upright = to_rgb(ImageOps.exif_transpose(image))
    except MediaError:
        raise
    except UnidentifiedImageError as exc:
        raise MediaError("pillow: cannot identify image file") from exc
    except Image.DecompressionBombError as exc:
        raise MediaError(f"pillow: {exc} (decompression bomb guard)") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise MediaError(f"pillow: broken image ({exc})") from exc
    upright.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    upright.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return NormalisedPoster(jpeg=buffer.getvalue(), width=upright.width, height=upright.height)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB as a viewer shows it: 16-bit scaled down (not clipped to white), alpha over white."""
    if image.mode in _SIXTEEN_BIT or image.mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        full_scale = 65535.0 if image.mode in _SIXTEEN_BIT or values.max() > 255 else 255.0
        if image.mode == "F":
            full_scale = max(float(values.max()), 1e-12)
        image = Image.fromarray(np.clip(values / full_scale * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def poster_array(jpeg: bytes, size: int) -> np.ndarray:
    """uint8 ``[size, size, 3]``: the whole poster scaled to fit, padded to a square (nothing cut)."""
    with Image.open(io.BytesIO(jpeg)) as image:
        fitted = ImageOps.pad(image.convert("RGB"), (size, size), Image.Resampling.BICUBIC, color=PAD)
    return np.asarray(fitted, dtype=np.uint8).copy()
