"""Times the media stage's hot paths against their naive baselines, measured in the same run.

1. Keyframes: one ffmpeg call per trailer (select filter) vs one seeking ffmpeg call per frame.
2. Log-mel: librosa's first call in a fresh process with an empty numba cache (JIT compile),
   with a warm numba cache, and steady state in-process.
3. Re-runs of ``fetch_media`` on an unchanged demo site: conditional GETs (304, stored assets
   reused) vs the re-run without stored validators (every trailer and poster downloaded
   again, features reused by content hash), and vs the first run.

Run: .venv/bin/python bench/bench_media.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mmkg.settings import PROJECT_ROOT, Settings  # noqa: E402

# numba reads its cache folder when librosa first imports it: the workspace's persistent one.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Settings.from_env().numba_cache_dir))

from demo_site import SiteConfig, generate_site, serve_site  # noqa: E402
from media import MediaConfig, fetch_media  # noqa: E402
from media.video import extract_keyframe_at, extract_keyframes, keyframe_times, probe_video  # noqa: E402
from warehouse import Warehouse, upsert  # noqa: E402

TRAILERS = 10
FRAMES = 8
SIZE = 64
SECONDS = 6.0


def make_trailers(out_dir: Path, media_dir: Path) -> list[Path]:
    """Ten 6 s 320x240 H.264 + AAC clips (25 fps pans over the shared images)."""
    images = sorted((media_dir / "images").glob("*.png"))
    audio = media_dir / "audio" / "librosa_brahms_hungarian_dance_5.ogg"
    paths = []
    for i in range(TRAILERS):
        path = out_dir / f"t{i}.mp4"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-loop", "1", "-framerate", "25",
             "-i", str(images[i % len(images)]), "-i", str(audio), "-t", str(SECONDS),
             "-vf", "scale=640:480,crop=320:240:x='t*40':y=0", "-c:v", "libx264", "-preset",
             "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)],
            check=True,
        )
        paths.append(path)
    return paths


def time_keyframes(paths: list[Path]) -> tuple[float, float]:
    infos = [probe_video(p) for p in paths]
    start = time.perf_counter()
    ours = [extract_keyframes(p, info, FRAMES, SIZE) for p, info in zip(paths, infos)]
    one_call = time.perf_counter() - start
    start = time.perf_counter()
    naive = [
        np.stack([extract_keyframe_at(p, t, SIZE) for t in keyframe_times(info.duration_s, FRAMES)])
        for p, info in zip(paths, infos)
    ]
    per_frame = time.perf_counter() - start
    worst = max(float(np.abs(a.astype(int) - b).mean()) for a, b in zip(ours, naive))
    print(f"  same frames as the baseline: mean |diff| <= {worst:.3f} (0-255 scale)")
    return one_call, per_frame


LOGMEL_CHILD = """
import sys, time
t0 = time.perf_counter()
from media.audio import load_mono, logmel
samples, rate = load_mono(sys.argv[1])
t1 = time.perf_counter()
logmel(samples, rate, 64, 128)
t2 = time.perf_counter()
for _ in range(10):
    logmel(samples, rate, 64, 128)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, (t3 - t2) / 10)
"""


def time_logmel(wav: Path, cache_dir: Path) -> tuple[float, float, float, float]:
    """(import, first call, steady call) seconds in a fresh process with ``cache_dir`` as numba cache."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(PROJECT_ROOT)}
    out = subprocess.run([sys.executable, "-c", LOGMEL_CHILD, str(wav)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return tuple(float(x) for x in out)  # type: ignore[return-value]


SITE_MOVIES = 20
VALIDATOR_COLUMNS = ("media_url", "etag", "last_modified", "page_etag", "page_last_modified")


def time_reruns(tmp_dir: Path, data_dir: Path) -> tuple[float, float, float]:
    """Seconds of (first run, re-run with validators, re-run without) on one unchanged site."""
    manifest = generate_site(SiteConfig(data_dir=data_dir, out_dir=tmp_dir / "site", n_movies=SITE_MOVIES,
                                        faults=False, trailer_seconds=2.0))
    warehouse = Warehouse(tmp_dir / "warehouse.duckdb", tmp_dir / "blobs")
    config = MediaConfig(work_dir=tmp_dir / "work")
    with serve_site(tmp_dir / "site") as site:
        with warehouse.transaction() as con:
            upsert(con, "movies", [
                {"movie_id": m["movie_id"], "url": site.base_url + m["path"], "title": m["title"],
                 "trailer_url": site.base_url + m["trailer_page_path"],
                 "poster_url": site.base_url + m["poster_path"], "build_id": "bench"}
                for m in manifest.movies
            ])
        first = fetch_media(config, warehouse, "first")
        conditional = fetch_media(config, warehouse, "conditional")
        with warehouse.transaction() as con:  # what a re-run knew before validators were stored
            con.execute("UPDATE media_assets SET " + ", ".join(f"{c} = NULL" for c in VALIDATOR_COLUMNS))
        full = fetch_media(config, warehouse, "full")
    assert conditional.assets_not_modified == 2 * SITE_MOVIES and conditional.features_computed == 0
    assert full.assets_not_modified == 0 and full.features_computed == 0
    return first.seconds, conditional.seconds, full.seconds


def main() -> None:
    settings = Settings.from_env()
    media_dir = settings.media_dir
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        tmp_dir = Path(tmp)
        paths = make_trailers(tmp_dir, media_dir)
        print(f"keyframes: {TRAILERS} trailers of {SECONDS:.0f} s 320x240 25 fps, {FRAMES} frames of {SIZE}x{SIZE}")
        one_call, per_frame = time_keyframes(paths)
        print(f"  one ffmpeg call per trailer : {1000 * one_call / TRAILERS:8.1f} ms/trailer")
        print(f"  one ffmpeg call per frame   : {1000 * per_frame / TRAILERS:8.1f} ms/trailer (baseline)")
        print(f"  speed-up                    : {per_frame / one_call:8.2f}x")

        wav = tmp_dir / "a.wav"
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(paths[0]), "-ac", "1",
                        "-ar", "16000", str(wav)], check=True)
        cold_cache = tmp_dir / "numba-cold"
        _, cold_first, _ = time_logmel(wav, cold_cache)  # compiles and fills cold_cache
        _, warm_first, steady = time_logmel(wav, cold_cache)
        print(f"log-mel (64 mels x 128 frames of a {SECONDS:.0f} s clip), fresh process each:")
        print(f"  first call, empty numba cache : {1000 * cold_first:8.1f} ms (baseline)")
        print(f"  first call, warm numba cache  : {1000 * warm_first:8.1f} ms")
        print(f"  steady state per trailer      : {1000 * steady:8.1f} ms")
        print(f"  warm-cache speed-up on first call: {cold_first / warm_first:8.2f}x;"
              f" steady vs cold first: {cold_first / steady:8.1f}x")

        first, conditional, full = time_reruns(tmp_dir, settings.data_dir)
        print(f"fetch_media on an unchanged demo site of {SITE_MOVIES} movies (trailer + poster each):")
        print(f"  first run (download + features)           : {first:8.2f} s")
        print(f"  re-run, downloads again, features by hash : {full:8.2f} s (baseline)")
        print(f"  re-run, conditional GETs (304)            : {conditional:8.2f} s")
        print(f"  speed-up vs re-run that downloads again   : {full / conditional:8.2f}x;"
              f" vs first run: {first / conditional:8.1f}x")


if __name__ == "__main__":
    main()
