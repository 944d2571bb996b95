"""Unit checks of keyframe sampling, log-mel and poster normalisation on real files."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.audio import load_mono, logmel
from media.errors import MediaError
from media.poster import normalise_poster, poster_array
from media.video import (
    extract_audio,
    extract_keyframe_at,
    extract_keyframes,
    keyframe_times,
    probe_video,
)


def test_probe_reads_the_real_clip(media_files: Path) -> None:
    info = probe_video(media_files / "media/good.mp4")
    assert (info.codec, info.width, info.height, info.has_audio) == ("h264", 160, 120, True)
    assert 2.3 < info.duration_s < 2.8


def test_probe_names_the_truncation(media_files: Path) -> None:
    with pytest.raises(MediaError, match="^ffprobe: moov atom not found"):
        probe_video(media_files / "media/truncated.mp4")


def test_keyframes_refuse_a_truncated_faststart_clip(media_files: Path) -> None:
    path = media_files / "media/truncated_faststart.mp4"
    info = probe_video(path)  # the index is intact, so probing alone cannot tell
    with pytest.raises(MediaError, match="^ffmpeg keyframes: .*partial file"):
        extract_keyframes(path, info, frames=4, size=16)


def test_keyframes_are_uniform_samples_in_one_call(media_files: Path) -> None:
    path = media_files / "media/good.mp4"
    info = probe_video(path)
    frames = extract_keyframes(path, info, frames=5, size=32)
    assert frames.shape == (5, 32, 32, 3) and frames.dtype == np.uint8
    # The clip pans, so every sampled frame is different from the next one.
    steps = [np.abs(frames[i + 1].astype(int) - frames[i]).mean() for i in range(4)]
    assert min(steps) > 2.0
    # Each frame is the one a per-timestamp seek returns (up to decoder rounding).
    for frame, t in zip(frames, keyframe_times(info.duration_s, 5)):
        reference = extract_keyframe_at(path, t, 32)
        assert np.abs(frame.astype(int) - reference).mean() < 1.0


def test_keyframes_of_a_short_clip_keep_their_shape(media_files: Path) -> None:
    path = media_files / "media/good.mp4"
    info = probe_video(path)
    frames = extract_keyframes(path, info, frames=40, size=16)  # more frames than the 25 the clip has
    assert frames.shape == (40, 16, 16, 3)
    assert np.array_equal(frames[-1], frames[-2])


def test_logmel_of_the_trailer_audio(media_files: Path, tmp_path: Path) -> None:
    wav = extract_audio(media_files / "media/good.mp4", tmp_path / "a.wav", 16000)
    samples, rate = load_mono(wav)
    assert rate == 16000 and 2.3 < len(samples) / rate < 2.8
    mel = logmel(samples, rate, n_mels=64, mel_frames=128)
    assert mel.shape == (64, 128) and mel.dtype == np.float32
    assert np.isfinite(mel).all() and -20.0 < mel.max() <= 0.0 and mel.min() >= -80.0
    # 2.5 s at hop 256 is ~157 frames: the centre 128 are real sound, not padding.
    assert mel.std() > 5.0 and (mel[:, -1] > -80.0).any()
    short = logmel(samples[:8000], rate, n_mels=64, mel_frames=128)
    assert short.shape == (64, 128) and np.all(short[:, -50:] == -80.0)


def test_poster_is_upright_rgb(tmp_path: Path) -> None:
    image = Image.new("L", (40, 20), 0)
    image.paste(255, (0, 0, 20, 20))  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    poster = normalise_poster(buffer.getvalue())
    assert (poster.width, poster.height) == (20, 40)
    array = poster_array(poster.jpeg, 16)
    assert array.shape == (16, 16, 3) and array.dtype == np.uint8
    # After rotation the white half is on top.
    assert array[:4].mean() > 200 and array[-4:].mean() < 50


def test_poster_rejects_non_images_and_bombs() -> None:
    with pytest.raises(MediaError, match="cannot identify image file"):
        normalise_poster(b"<html>not an image</html>")
    buffer = io.BytesIO()
    Image.new("1", (8_000, 6_000)).save(buffer, format="PNG")
    with pytest.raises(MediaError, match="decompression bomb guard"):
        normalise_poster(buffer.getvalue())
