"""Poster JPEGs drawn with Pillow, styled by the movie's own genres.

So that the poster modality carries exactly the signal the genres carry: the background is a
gradient through the colours of the movie's genres, the texture is its primary genre's
pattern, and the stock image framed in the middle is chosen by the primary genre. Title and
year sit on a band at the bottom. JPEG settings are fixed and no metadata is written, so the
bytes are reproducible. Real sites' posters are where the real signal is.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from demo_site.seeded import seeded_int

POSTER_SIZE = (200, 300)
_JPEG_QUALITY = 85
_FRAME = (30, 40, 170, 200)  # where the stock image sits (left, top, right, bottom)

# Most specific first: a movie's primary genre is the first of these it has.
GENRE_PRIORITY = (
    "Animation", "Documentary", "Horror", "Musical", "Western", "Film-Noir", "War", "Sci-Fi", "Fantasy",
    "Children", "Mystery", "Crime", "Thriller", "Romance", "Action", "Adventure", "Comedy", "Drama", "IMAX",
)  # fmt: skip
GENRE_COLOURS = {
    "Animation": (250, 170, 30), "Documentary": (120, 130, 110), "Horror": (110, 0, 10), "Musical": (220, 60, 170),
    "Western": (190, 120, 50), "Film-Noir": (30, 30, 30), "War": (90, 100, 50), "Sci-Fi": (20, 160, 220),
    "Fantasy": (130, 60, 200), "Children": (250, 230, 70), "Mystery": (40, 40, 110), "Crime": (160, 20, 40),
    "Thriller": (60, 70, 80), "Romance": (240, 120, 150), "Action": (240, 80, 20), "Adventure": (30, 140, 70),
    "Comedy": (250, 210, 0), "Drama": (70, 90, 160), "IMAX": (200, 200, 210),
}  # fmt: skip
_NO_GENRE_COLOUR = (128, 128, 128)


def primary_genre(genres: tuple[str, ...] | list[str]) -> str | None:
    """The movie's most specific genre, or ``None`` when it has none listed."""
    return next((g for g in GENRE_PRIORITY if g in genres), None)


def pick_image(images: list[Path], seed: int, movie_id: str, genres: tuple[str, ...] = ()) -> Path:
    """The stock image framed on a movie's poster: fixed by its primary genre (seeded when it has none)."""
    primary = primary_genre(genres)
    if primary is None:
        return images[seeded_int(seed, "poster", movie_id) % len(images)]
    return images[GENRE_PRIORITY.index(primary) % len(images)]


def write_poster(source: Path, title: str, out_path: Path, genres: tuple[str, ...] = (), year: int | None = None) -> None:
    """Draw the genre background and texture, frame ``source``, print title and year; save as JPEG."""
    poster = Image.fromarray(_background(tuple(genres)))
    poster.paste(_framed(source), _FRAME[:2])
    draw = ImageDraw.Draw(poster)
    font = ImageFont.load_default(size=16)
    lines = (textwrap.wrap(title, width=20)[:3] or [""]) + ([str(year)] if year else [])
    band_top = POSTER_SIZE[1] - 12 - 20 * len(lines)
    draw.rectangle((0, band_top, POSTER_SIZE[0], POSTER_SIZE[1]), fill=(12, 12, 20))
    for i, line in enumerate(lines):
        draw.text((8, band_top + 6 + 20 * i), line, font=font, fill=(245, 240, 225))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    poster.save(out_path, format="JPEG", quality=_JPEG_QUALITY, optimize=False, progressive=False)


@lru_cache(maxsize=256)
def _background(genres: tuple[str, ...]) -> np.ndarray:
    """uint8 [H, W, 3]: a vertical gradient through the genres' colours, times the primary's texture."""
    width, height = POSTER_SIZE
    ordered = [g for g in GENRE_PRIORITY if g in genres]
    colours = np.array([GENRE_COLOURS[g] for g in ordered] or [_NO_GENRE_COLOUR], dtype=np.float64)
    if len(colours) == 1:
        colours = np.stack([colours[0], colours[0] * 0.45])
    stops = np.linspace(0, 1, len(colours))
    y = np.linspace(0, 1, height)
    column = np.stack([np.interp(y, stops, colours[:, c]) for c in range(3)], axis=1)  # [H, 3]
    texture = _texture(ordered[0] if ordered else None, width, height)  # [H, W] in [0.55, 1]
    return np.clip(column[:, None, :] * texture[:, :, None], 0, 255).astype(np.uint8)


def _texture(genre: str | None, width: int, height: int) -> np.ndarray:
    """A genre's pattern: stripes, dots, rings, checks or waves, each at its own angle and period."""
    if genre is None:
        return np.ones((height, width))
    index = GENRE_PRIORITY.index(genre)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    period = 8 + 3 * (index % 5)
    angle = np.pi * index / len(GENRE_PRIORITY)
    along = xx * np.cos(angle) + yy * np.sin(angle)
    kind = index % 5
    if kind == 0:  # stripes
        wave = np.sin(2 * np.pi * along / period)
    elif kind == 1:  # dots
        wave = np.sin(2 * np.pi * xx / period) * np.sin(2 * np.pi * yy / period)
    elif kind == 2:  # rings around the centre
        wave = np.sin(2 * np.pi * np.hypot(xx - width / 2, yy - height / 2) / period)
    elif kind == 3:  # checks
        wave = np.sign(np.sin(2 * np.pi * xx / period) * np.sin(2 * np.pi * yy / period))
    else:  # waves
        wave = np.sin(2 * np.pi * (along + 6 * np.sin(2 * np.pi * yy / (3 * period))) / period)
    return 0.775 + 0.225 * wave


@lru_cache(maxsize=32)
def _framed(source: Path) -> Image.Image:
    """The stock image as RGB at the frame's size (decoded once); transparent areas become white."""
    size = (_FRAME[2] - _FRAME[0], _FRAME[3] - _FRAME[1])
    with Image.open(source) as image:
        if image.mode in ("P", "LA", "RGBA"):
            rgba = image.convert("RGBA")
            rgb = Image.new("RGB", rgba.size, (255, 255, 255))
            rgb.paste(rgba, mask=rgba.getchannel("A"))
        else:
            rgb = image.convert("RGB")
        return ImageOps.fit(rgb, size, method=Image.Resampling.LANCZOS)
