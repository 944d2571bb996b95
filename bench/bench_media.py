"""Times the media stage's hot paths against baselines measured in the same run.

1. Keyframes: seeking (one ffmpeg call, one seek per sample) vs decoding the whole file in
   one pass (select filter), on a 30 s and a 10 min 640x360 trailer.
2. Audio: decoding only the centred 30 s clip vs decoding the whole 10 min track.
3. fetch_media on a demo site: trailer-seconds per wall second, the 2-worker pool vs a
   sequential loop, peak RSS of the process the stage runs in.
4. Re-runs on the unchanged site: conditional GETs (304) vs re-downloading everything.
5. Signal: leave-one-out 1-NN of each movie's primary genre from its poster feature (8x8
   pooled, as the export's image_feat), beside chance and a shuffled-genre control.

Run: .venv/bin/python bench/bench_media.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mmkg.settings import Settings  # noqa: E402

os.environ.setdefault("NUMBA_CACHE_DIR", str(Settings.from_env().numba_cache_dir))

from demo_site import SiteConfig, generate_site, serve_site  # noqa: E402
from demo_site.posters import primary_genre  # noqa: E402
from media import MediaConfig, fetch_media  # noqa: E402
from media.arrays import from_npy_bytes  # noqa: E402
from media.budget import Budget  # noqa: E402
from media.video import (  # noqa: E402
    SINGLE_PASS_MAX_S, audio_segment, extract_audio, keyframes_by_decoding, keyframes_by_seeking, probe_video,
)
from warehouse import Warehouse, upsert  # noqa: E402

FRAMES, SIZE = 16, 112
SITE_MOVIES = 24


def make_clip(path: Path, seconds: int, audio: Path) -> Path:
    """640x360 25 fps H.264 (GOP 2 s) + AAC; the audio loops for the whole length."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc2=size=640x360:rate=25:duration={seconds}", "-stream_loop", "-1", "-i", str(audio),
         "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "64k", str(path)], check=True)
    return path


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn, *args):  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), children_cpu()
    result = fn(*args)
    return result, time.perf_counter() - wall, children_cpu() - cpu


def bench_keyframes(short: Path, long: Path) -> None:
    print(f"keyframes: {FRAMES} x {SIZE}x{SIZE} from 640x360 25 fps H.264 (GOP 2 s)")
    rows = {}
    for name, path in (("30 s", short), ("10 min", long)):
        info = probe_video(path, Budget(60))
        seek, seek_wall, seek_cpu = timed(keyframes_by_seeking, path, info, FRAMES, SIZE, Budget(600))
        full, full_wall, full_cpu = timed(keyframes_by_decoding, path, info, FRAMES, SIZE, Budget(600))
        diff = float(np.abs(seek.astype(int) - full).mean())
        rows[name] = (seek_wall, seek_cpu, full_wall, full_cpu)
        print(f"  {name:6}: seek {seek_wall:6.2f} s wall {seek_cpu:6.2f} s cpu | full decode (baseline)"
              f" {full_wall:6.2f} s wall {full_cpu:6.2f} s cpu | speed-up {full_wall / seek_wall:6.1f}x wall,"
              f" {full_cpu / max(seek_cpu, 1e-3):6.1f}x cpu | mean |diff| {diff:.2f}")
    print(f"  10 min / 30 s, seeking: {rows['10 min'][0] / rows['30 s'][0]:.2f}x wall,"
          f" {rows['10 min'][1] / rows['30 s'][1]:.2f}x cpu (target <= 2x); full decode:"
          f" {rows['10 min'][2] / rows['30 s'][2]:.1f}x wall")
    print(f"  extract_keyframes decodes in one pass up to {SINGLE_PASS_MAX_S:.0f} s, seeks beyond")


def bench_audio(long: Path, tmp: Path) -> None:
    info = probe_video(long, Budget(60))
    start, seconds = audio_segment(info.audio_duration_s, 30.0)
    _, seg_wall, seg_cpu = timed(extract_audio, long, tmp / "seg.wav", 22050, start, seconds, Budget(600))
    _, all_wall, all_cpu = timed(extract_audio, long, tmp / "all.wav", 22050, 0.0, info.audio_duration_s,
                                 Budget(600))
    seg_mb, all_mb = (tmp / "seg.wav").stat().st_size / 1e6, (tmp / "all.wav").stat().st_size / 1e6
    print(f"audio of a {info.audio_duration_s / 60:.0f} min track, mono 22,050 Hz:")
    print(f"  centred 30 s segment : {seg_wall:6.2f} s wall {seg_cpu:6.2f} s cpu, {seg_mb:6.1f} MB of samples")
    print(f"  whole track (baseline): {all_wall:6.2f} s wall {all_cpu:6.2f} s cpu, {all_mb:6.1f} MB of samples")
    print(f"  speed-up {all_wall / seg_wall:6.1f}x wall; samples held {all_mb / seg_mb:6.1f}x fewer")


def site_movies(manifest, base_url: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [{"movie_id": m["movie_id"], "url": base_url + m["path"], "title": m["title"], "build_id": "bench",
             "trailer_url": base_url + m["trailer_page_path"], "poster_url": base_url + m["poster_path"]}
            for m in manifest.movies]


def bench_stage(tmp: Path, data_dir: Path) -> None:
    seconds = 3.0
    manifest = generate_site(SiteConfig(data_dir=data_dir, out_dir=tmp / "site", n_movies=SITE_MOVIES,
                                        faults=False, trailer_seconds=seconds))
    genres = {m["movie_id"]: primary_genre(m["genres"]) or "" for m in manifest.movies}
    config = MediaConfig(work_dir=tmp / "work")
    runs = {}
    with serve_site(tmp / "site") as site:
        for name, workers in (("sequential", 1), ("pool of 2", 2)):
            warehouse = Warehouse(tmp / f"{workers}.duckdb", tmp / f"blobs{workers}")
            with warehouse.transaction() as con:
                upsert(con, "movies", site_movies(manifest, site.base_url))
            runs[name] = (warehouse, fetch_media(replace(config, workers=workers), warehouse, "first"))
        warehouse, _ = runs["pool of 2"]
        conditional = fetch_media(config, warehouse, "conditional")
        with warehouse.transaction() as con:  # what a re-run knew before validators were stored
            con.execute("UPDATE media_assets SET media_url = NULL, etag = NULL, last_modified = NULL,"
                        " page_etag = NULL, page_last_modified = NULL")
        full = fetch_media(config, warehouse, "full")
    print(f"fetch_media on a demo site of {SITE_MOVIES} movies ({seconds:.0f} s trailers, default shapes"
          f" {config.frames}x{config.frame_size}x{config.frame_size}, {config.poster_size}px,"
          f" {config.n_mels}x{config.mel_frames} log-mel):")
    for name, (_, summary) in runs.items():
        print(f"  first run, {name:10}: {summary.seconds:6.2f} s, {SITE_MOVIES * seconds / summary.seconds:5.1f}"
              f" trailer-s per wall-s, {summary.seconds / SITE_MOVIES * 1000:5.0f} ms/movie, coverage {summary.coverage}")
    ratio = runs["sequential"][1].seconds / runs["pool of 2"][1].seconds
    print(f"  pool of 2 vs sequential: {ratio:.2f}x;"
          f" extrapolated 500 movies with the pool: {500 * runs['pool of 2'][1].seconds / SITE_MOVIES:.0f} s")
    print(f"  re-run, downloads again, features by hash (baseline): {full.seconds:6.2f} s")
    print(f"  re-run, conditional GETs (304)                      : {conditional.seconds:6.2f} s"
          f" ({full.seconds / conditional.seconds:.1f}x faster)")
    self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process (the stage runs in it, with the whole bench): {self_rss:.0f} MB")
    bench_signal(runs["pool of 2"][0], genres)


def bench_signal(warehouse: Warehouse, genres: dict[str, str]) -> None:
    with warehouse.connect() as con:
        rows = con.execute(
            "SELECT a.movie_id, f.blob_sha256 FROM media_assets a JOIN media_features f"
            " ON f.content_sha256 = a.content_sha256 AND f.feature = 'poster' WHERE a.kind = 'poster' ORDER BY 1"
        ).fetchall()
    ids = [movie_id for movie_id, _ in rows]
    arrays = [from_npy_bytes(warehouse.blobs.get(blob)).astype(np.float32) / 255 for _, blob in rows]
    side = arrays[0].shape[0] // 8 * 8
    feats = np.stack([a[:side, :side].reshape(8, side // 8, 8, side // 8, 3).mean(axis=(1, 3)).ravel() for a in arrays])
    labels = [genres[i] for i in ids]
    dist = ((feats[:, None] - feats[None]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    nn = dist.argmin(1)
    accuracy = np.mean([labels[j] == labels[i] for i, j in enumerate(nn)])
    shuffled = list(np.random.default_rng(0).permutation(labels))
    control = np.mean([shuffled[j] == shuffled[i] for i, j in enumerate(nn)])
    majority = max(labels.count(g) for g in set(labels)) / len(labels)
    print(f"signal: primary genre from the poster feature, leave-one-out 1-NN over {len(ids)} movies"
          f" ({len(set(labels))} genres): {accuracy:.2f}; majority-class baseline {majority:.2f};"
          f" shuffled-genre control {control:.2f}")


def main() -> None:
    settings = Settings.from_env()
    audio = settings.media_dir / "audio" / "librosa_vibeace_Kevin_MacLeod_-_Vibe_Ace.ogg"
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        tmp_dir = Path(tmp)
        short = make_clip(tmp_dir / "short.mp4", 30, audio)
        long = make_clip(tmp_dir / "long.mp4", 600, audio)
        bench_keyframes(short, long)
        bench_audio(long, tmp_dir)
        bench_stage(tmp_dir, settings.data_dir)


if __name__ == "__main__":
    main()
