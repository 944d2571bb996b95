"""The media stage: fetch each movie's trailer and poster, featurise them, store the results.

Features are keyed by the content hash of the asset they come from, so an unchanged trailer
or poster is never featurised twice. Assets keep the validators their server sent, so a re-run
only asks whether each one changed (a conditional GET) and a 304 reuses the stored asset with
no download at all; ``refresh=True`` downloads and recomputes everything.
"""

from __future__ import annotations

import functools
import mimetypes
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import soundfile

from media.arrays import shape_text, to_npy_bytes
from media.audio import load_mono, logmel
from media.config import MediaConfig, MediaSummary
from media.conditional import Origin, Validators, conditional_get
from media.download import download_trailer
from media.errors import MediaError
from media.poster import normalise_poster, poster_array
from media.video import VideoInfo, extract_audio, extract_keyframes, probe_video
from warehouse import Warehouse, record_errors, sha256_file, upsert

STAGE = "media"
EXTRACTORS = {
    "keyframes": "ffmpeg-keyframes-v1",
    "logmel": "librosa-logmel-v1",
    "poster": "pillow-poster-v1",
}


@dataclass(frozen=True)
class _Movie:
    movie_id: str
    trailer_url: str | None
    poster_url: str | None


@dataclass(frozen=True)
class _KnownFeature:
    blob_sha256: str
    shape: str


@dataclass(frozen=True)
class _StoredAsset:
    """An ok asset of an earlier run, with the validators to revalidate it."""

    source_url: str
    content_sha256: str
    mime: str | None
    width: int | None
    height: int | None
    duration_s: float | None
    origin: Origin


@dataclass
class _Results:
    """Rows gathered by the workers; written in one transaction at the end."""

    assets: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    features: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    computed: int = 0
    reused: int = 0
    not_modified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _MovieMedia:
    """Processes one run's movies; shares what is already known about content hashes."""

    def __init__(self, config: MediaConfig, warehouse: Warehouse, build_id: str) -> None:
        self.config = config
        self.blobs = warehouse.blobs
        self.build_id = build_id
        self.results = _Results()
        self.known: dict[tuple[str, str], _KnownFeature] = {}
        self.audio_of_trailer: dict[str, tuple[str, float]] = {}
        self.stored: dict[tuple[str, str], _StoredAsset] = {}
        if not config.refresh:
            self._load_previous(warehouse)

    def _load_previous(self, warehouse: Warehouse) -> None:
        """Features, audio tracks and assets of earlier runs: what a re-run may reuse."""
        with warehouse.connect() as con:
            features = con.execute(
                "SELECT content_sha256, feature, blob_sha256, shape FROM media_features"
                " WHERE (feature, extractor) IN (SELECT * FROM (VALUES "
                + ", ".join("(?, ?)" for _ in EXTRACTORS)
                + "))",
                [v for pair in EXTRACTORS.items() for v in pair],
            ).fetchall()
            audio = con.execute(
                "SELECT t.content_sha256, a.content_sha256, a.duration_s FROM media_assets t"
                " JOIN media_assets a ON a.movie_id = t.movie_id AND a.kind = 'audio' AND a.status = 'ok'"
                " WHERE t.kind = 'trailer' AND t.status = 'ok'"
            ).fetchall()
            assets = con.execute(
                "SELECT movie_id, kind, source_url, content_sha256, mime, width, height, duration_s,"
                " media_url, etag, last_modified, page_etag, page_last_modified FROM media_assets"
                " WHERE status = 'ok' AND kind IN ('trailer', 'poster') AND media_url IS NOT NULL"
            ).fetchall()
        self.known = {(sha, feat): _KnownFeature(blob, shape) for sha, feat, blob, shape in features}
        self.audio_of_trailer = {trailer: (sha, duration) for trailer, sha, duration in audio}
        self.stored = {
            (movie_id, kind): _StoredAsset(
                source_url, sha, mime, width, height, duration,
                Origin(media_url, Validators(etag, modified), Validators(page_etag, page_modified)),
            )
            for movie_id, kind, source_url, sha, mime, width, height, duration,
            media_url, etag, modified, page_etag, page_modified in assets
        }

    def _stored_asset(self, movie: _Movie, kind: str, url: str) -> _StoredAsset | None:
        """The earlier run's asset for this URL, if its bytes are still in the blob store."""
        stored = self.stored.get((movie.movie_id, kind))
        if stored is None or stored.source_url != url or not self.blobs.has(stored.content_sha256):
            return None
        return stored

    # ---- one movie -------------------------------------------------------------------------

    def process(self, movie: _Movie) -> None:
        work = self.config.work_dir / self.build_id / re.sub(r"[^A-Za-z0-9_.-]", "_", movie.movie_id)
        try:
            if movie.trailer_url:
                self._guard(movie, "trailer", movie.trailer_url, lambda: self._trailer(movie, work))
            if movie.poster_url:
                self._guard(movie, "poster", movie.poster_url, lambda: self._poster(movie))
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _guard(self, movie: _Movie, kind: str, url: str, work: Callable[[], None]) -> None:
        """Anything a bad asset raises becomes an error row; the other movies go on."""
        try:
            work()
        except MediaError as exc:
            self._fail(movie, kind, url, str(exc))
        except Exception as exc:  # a file that breaks a library must not stop the build
            self._fail(movie, kind, url, f"unexpected {type(exc).__name__}: {exc}")

    def _trailer(self, movie: _Movie, work: Path) -> None:
        """Revalidate a stored trailer (page, then video); download with yt-dlp when there is none.

        An unchanged page means the same video URL, so a changed video comes straight from
        the conditional GET's body; a changed page may embed another video, so yt-dlp reads it.
        """
        url = movie.trailer_url or ""
        max_bytes = self.config.max_download_bytes
        stored = self._stored_asset(movie, "trailer", url)
        if stored is not None and stored.origin.media_url and self._unchanged(url, stored.origin.page_validators):
            fetched = conditional_get(stored.origin.media_url, max_bytes, stored.origin.validators)
            if fetched is None:
                return self._keep_trailer(movie, url, stored, work)
            work.mkdir(parents=True, exist_ok=True)
            path = work / f"trailer{Path(urlsplit(stored.origin.media_url).path).suffix}"
            path.write_bytes(fetched.body)
            origin = Origin(stored.origin.media_url, fetched.validators, stored.origin.page_validators)
        else:
            downloaded = download_trailer(url, work, max_bytes)
            path, origin = downloaded.path, downloaded.origin
        info = probe_video(path)
        sha = sha256_file(path)
        # Decoding the keyframes is what exposes a truncated file, so it comes before "ok".
        self._keyframes(sha, path, lambda: info)
        self.blobs.put_file(path)
        self._asset(movie, "trailer", url, sha, mime=mimetypes.guess_type(path.name)[0],
                    width=info.width, height=info.height, duration_s=info.duration_s, origin=origin)
        self._audio(movie, url, sha, path, lambda: info, work)

    def _keep_trailer(self, movie: _Movie, url: str, stored: _StoredAsset, work: Path) -> None:
        """304: the stored trailer still holds; only features this config lacks are made, from the blob."""
        path = self.blobs.path(stored.content_sha256)
        probe = functools.cache(lambda: probe_video(path))
        with self.results.lock:
            self.results.not_modified += 1
        self._keyframes(stored.content_sha256, path, probe)
        self._asset(movie, "trailer", url, stored.content_sha256, mime=stored.mime, width=stored.width,
                    height=stored.height, duration_s=stored.duration_s, origin=stored.origin)
        self._audio(movie, url, stored.content_sha256, path, probe, work)

    def _unchanged(self, url: str, validators: Validators) -> bool:
        """True when the server confirms ``url`` is unchanged; without validators nothing is known."""
        if validators == Validators():
            return False
        return conditional_get(url, self.config.max_download_bytes, validators) is None

    def _keyframes(self, sha: str, path: Path, probe: Callable[[], VideoInfo]) -> None:
        expected = (self.config.frames, self.config.frame_size, self.config.frame_size, 3)
        self._feature(sha, "keyframes", expected,
                      lambda: extract_keyframes(path, probe(), self.config.frames, self.config.frame_size))

    def _audio(self, movie: _Movie, url: str, trailer_sha: str, path: Path,
               probe: Callable[[], VideoInfo], work: Path) -> None:
        """The trailer's audio track as its own asset, plus its log-mel."""
        if self._reuse_audio(movie, url, trailer_sha):
            return
        if not probe().has_audio:
            raise MediaError("ffprobe: no audio stream")
        work.mkdir(parents=True, exist_ok=True)
        wav = extract_audio(path, work / "audio.wav", self.config.sample_rate)
        samples, sample_rate = load_mono(wav)
        audio_sha = self.blobs.put_file(wav)
        self._asset(movie, "audio", url, audio_sha, mime="audio/wav",
                    duration_s=len(samples) / sample_rate)
        self._feature(audio_sha, "logmel", (self.config.n_mels, self.config.mel_frames),
                      lambda: logmel(samples, sample_rate, self.config.n_mels, self.config.mel_frames))

    def _reuse_audio(self, movie: _Movie, url: str, trailer_sha: str) -> bool:
        """Skip ffmpeg and librosa when this trailer's audio and log-mel are already stored."""
        previous = self.audio_of_trailer.get(trailer_sha)
        if previous is None:
            return False
        audio_sha, duration = previous
        expected = (self.config.n_mels, self.config.mel_frames)
        if not (self.blobs.has(audio_sha) and self._usable(audio_sha, "logmel", expected)):
            return False
        if soundfile.info(str(self.blobs.path(audio_sha))).samplerate != self.config.sample_rate:
            return False
        self._asset(movie, "audio", url, audio_sha, mime="audio/wav", duration_s=duration)
        with self.results.lock:
            self.results.reused += 1
        return True

    def _poster(self, movie: _Movie) -> None:
        """A conditional GET when a stored poster has validators; a 304 reuses the stored JPEG."""
        url = movie.poster_url or ""
        size = self.config.poster_size
        stored = self._stored_asset(movie, "poster", url)
        validators = stored.origin.validators if stored is not None else Validators()
        fetched = conditional_get(url, self.config.max_download_bytes, validators)
        if fetched is None:
            if stored is None:
                raise MediaError("http 304: not modified, but no stored poster to reuse")
            return self._keep_poster(movie, url, stored)
        poster = normalise_poster(fetched.body)
        sha = self.blobs.put(poster.jpeg)
        self._asset(movie, "poster", url, sha, mime="image/jpeg", width=poster.width, height=poster.height,
                    origin=Origin(fetched.url, fetched.validators))
        self._feature(sha, "poster", (size, size, 3), lambda: poster_array(poster.jpeg, size))

    def _keep_poster(self, movie: _Movie, url: str, stored: _StoredAsset) -> None:
        """304: the stored JPEG still holds; its feature is made from the blob only if missing."""
        sha, size = stored.content_sha256, self.config.poster_size
        with self.results.lock:
            self.results.not_modified += 1
        self._asset(movie, "poster", url, sha, mime=stored.mime, width=stored.width,
                    height=stored.height, origin=stored.origin)
        self._feature(sha, "poster", (size, size, 3), lambda: poster_array(self.blobs.get(sha), size))

    # ---- bookkeeping -----------------------------------------------------------------------

    def _usable(self, sha: str, feature: str, shape: tuple[int, ...]) -> bool:
        known = self.known.get((sha, feature))
        return (
            known is not None
            and known.shape == "x".join(map(str, shape))
            and self.blobs.has(known.blob_sha256)
        )

    def _feature(self, sha: str, feature: str, shape: tuple[int, ...], compute: Callable[[], np.ndarray]) -> None:
        """Compute and store a feature unless one of the same shape exists for this content."""
        if not self.config.refresh and self._usable(sha, feature, shape):
            with self.results.lock:
                self.results.reused += 1
            return
        array = compute()
        blob = self.blobs.put(to_npy_bytes(array))
        row = {
            "content_sha256": sha, "feature": feature, "extractor": EXTRACTORS[feature],
            "blob_sha256": blob, "shape": shape_text(array), "dtype": str(array.dtype),
            "build_id": self.build_id,
        }
        with self.results.lock:
            self.results.features[(sha, feature, EXTRACTORS[feature])] = row
            self.known[(sha, feature)] = _KnownFeature(blob, row["shape"])
            self.results.computed += 1

    def _asset(self, movie: _Movie, kind: str, url: str, sha: str | None, status: str = "ok",
               mime: str | None = None, width: int | None = None, height: int | None = None,
               duration_s: float | None = None, origin: Origin = Origin()) -> None:
        """One asset row; failures and audio tracks carry no validators, so they are refetched."""
        row = {
            "movie_id": movie.movie_id, "kind": kind, "source_url": url, "content_sha256": sha,
            "status": status, "mime": mime, "width": width, "height": height,
            "duration_s": duration_s, "build_id": self.build_id, **origin.columns(),
        }
        with self.results.lock:
            self.results.assets[(movie.movie_id, kind)] = row

    def _fail(self, movie: _Movie, kind: str, url: str, reason: str) -> None:
        """A failed trailer also fails its audio; a failed feature keeps its ok asset row."""
        kinds = ("trailer", "audio") if kind == "trailer" else (kind,)
        with self.results.lock:
            self.results.errors[url] = reason
            done = {k for k in kinds if self.results.assets.get((movie.movie_id, k), {}).get("status") == "ok"}
        for failed_kind in kinds:
            if failed_kind not in done:
                self._asset(movie, failed_kind, url, None, status="failed")


def _read_movies(warehouse: Warehouse) -> list[_Movie]:
    with warehouse.connect() as con:
        rows = con.execute(
            "SELECT movie_id, trailer_url, poster_url FROM movies ORDER BY movie_id"
        ).fetchall()
    return [_Movie(*row) for row in rows]


def _count_assets(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts = Counter((row["kind"], row["status"]) for row in rows)
    summary: dict[str, dict[str, int]] = {}
    for (kind, status), n in sorted(counts.items()):
        summary.setdefault(kind, {})[status] = n
    return summary


def fetch_media(config: MediaConfig, warehouse: Warehouse, build_id: str) -> MediaSummary:
    """Fetch and featurise every movie's trailer, audio track and poster; never stops on bad media."""
    started = time.perf_counter()
    movies = _read_movies(warehouse)
    runner = _MovieMedia(config, warehouse, build_id)
    with ThreadPoolExecutor(max_workers=max(1, config.workers), thread_name_prefix="media") as pool:
        list(pool.map(runner.process, movies))
    results = runner.results
    with warehouse.transaction() as con:
        upsert(con, "media_assets", list(results.assets.values()))
        upsert(con, "media_features", list(results.features.values()))
        record_errors(con, build_id, STAGE, sorted(results.errors.items()))
    return MediaSummary(
        assets=_count_assets(results.assets.values()),
        features_computed=results.computed,
        features_reused=results.reused,
        assets_not_modified=results.not_modified,
        errors=len(results.errors),
        seconds=round(time.perf_counter() - started, 3),
    )
