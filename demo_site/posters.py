"""Poster JPEGs drawn with Pillow from the shared stand-in images.

Each movie gets a seeded image, cropped to 200x300 with its title on a band at the
bottom; JPEG settings are fixed and no metadata is written, so the bytes are reproducible.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from demo_site.seeded import seeded_int

POSTER_SIZE = (200, 300)
_JPEG_QUALITY = 85


def pick_image(images: list[Path], seed: int, movie_id: str) -> Path:
    """The source image of a movie's poster (``images`` sorted, so the pick is stable)."""
    return images[seeded_int(seed, "poster", movie_id) % len(images)]


def write_poster(source: Path, title: str, out_path: Path) -> None:
    """Crop ``source`` to a poster, print ``title`` on it and save it as a JPEG."""
    poster = _fitted(source).copy()
    draw = ImageDraw.Draw(poster)
    font = ImageFont.load_default(size=16)
    lines = textwrap.wrap(title, width=20)[:3] or [""]
    band_top = POSTER_SIZE[1] - 12 - 20 * len(lines)
    draw.rectangle((0, band_top, POSTER_SIZE[0], POSTER_SIZE[1]), fill=(12, 12, 20))
    for i, line in enumerate(lines):
        draw.text((8, band_top + 6 + 20 * i), line, font=font, fill=(245, 240, 225))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    poster.save(out_path, format="JPEG", quality=_JPEG_QUALITY, optimize=False, progressive=False)


@lru_cache(maxsize=32)
def _fitted(source: Path) -> Image.Image:
    """The source image as RGB, cropped and resized to the poster size (decoded once)."""
    with Image.open(source) as image:
        if image.mode in ("P", "LA", "RGBA"):
            rgba = image.convert("RGBA")
            rgb = Image.new("RGB", rgba.size, (255, 255, 255))
            rgb.paste(rgba, mask=rgba.getchannel("A"))  # transparent areas become white, not black
        else:
            rgb = image.convert("RGB")
        return ImageOps.fit(rgb, POSTER_SIZE, method=Image.Resampling.LANCZOS)
