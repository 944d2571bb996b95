"""Feature correctness on real files: keyframes by seeking, audio segments, log-mel, posters."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from media.audio import TOP_DB, load_mono, logmel
from media.budget import Budget
from media.errors import MediaError
from media.poster import normalise_poster, poster_array
from media.video import (
    audio_segment,
    extract_audio,
    extract_keyframes,
    keyframe_times,
    keyframes_by_decoding,
    keyframes_by_seeking,
    probe_video,
)


def _budget() -> Budget:
    return Budget(60.0)


def _frame_at(path: Path, t: float, size: int) -> np.ndarray:
    """Reference: one ffmpeg process seeking to ``t`` for one frame, scaled to cover and centre-cropped."""
    raw = subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-ss", f"{t:.6f}", "-i", str(path), "-frames:v", "1",
         "-vf", f"scale={size}:{size}:force_original_aspect_ratio=increase,crop={size}:{size}",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(size, size, 3)


def test_probe_reads_the_real_clip(media_files: Path) -> None:
    info = probe_video(media_files / "media/good.mp4", _budget())
    assert (info.codec, info.width, info.height, info.has_audio) == ("h264", 160, 120, True)
    assert 2.3 < info.duration_s < 2.8


def test_probe_names_the_truncation(media_files: Path) -> None:
    with pytest.raises(MediaError, match="^ffprobe: moov atom not found"):
        probe_video(media_files / "media/truncated.mp4", _budget())


def test_keyframes_refuse_a_truncated_faststart_clip(media_files: Path) -> None:
    path = media_files / "media/truncated_faststart.mp4"
    info = probe_video(path, _budget())  # the index is intact, so probing alone cannot tell
    with pytest.raises(MediaError, match=r"^ffmpeg keyframes: .*(partial file|decodable)"):
        extract_keyframes(path, info, frames=4, size=16, budget=_budget())


def test_keyframes_are_the_frames_a_seek_returns(media_files: Path) -> None:
    path = media_files / "media/good.mp4"
    info = probe_video(path, _budget())
    frames = extract_keyframes(path, info, frames=5, size=32, budget=_budget())
    assert frames.shape == (5, 32, 32, 3) and frames.dtype == np.uint8
    # The clip pans, so every sampled frame is different from the next one.
    steps = [np.abs(frames[i + 1].astype(int) - frames[i]).mean() for i in range(4)]
    assert min(steps) > 2.0
    for frame, t in zip(frames, keyframe_times(info.duration_s, 5, info.last_frame_s())):
        assert np.abs(frame.astype(int) - _frame_at(path, t, 32)).mean() < 1.0


def test_keyframes_of_a_short_clip_keep_their_shape(media_files: Path) -> None:
    path = media_files / "media/good.mp4"
    info = probe_video(path, _budget())
    frames = extract_keyframes(path, info, frames=40, size=16, budget=_budget())  # more than its 25 frames
    assert frames.shape == (40, 16, 16, 3)
    assert np.array_equal(frames[0], frames[1])


def test_a_stalled_decoder_is_killed_at_the_budget(media_files: Path) -> None:
    path = media_files / "media/good.mp4"
    info = probe_video(path, _budget())
    with pytest.raises(MediaError, match="wall-time budget"):
        extract_keyframes(path, info, frames=4, size=16, budget=Budget(0.0))


def test_audio_longer_than_video_keeps_the_video_duration(tmp_path: Path, shared_data: Path) -> None:
    clip = tmp_path / "long_audio.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1",
         "-i", str(shared_data / "media/audio/librosa_brahms_hungarian_dance_5.ogg"), "-t", "4",
         "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(clip)], check=True)
    info = probe_video(clip, _budget())
    assert 0.9 < info.duration_s < 1.2 and 3.8 < info.audio_duration_s < 4.2
    start, seconds = audio_segment(info.audio_duration_s, 2.0)
    assert (round(start, 1), seconds) == (1.0, 2.0)  # the centre two seconds of the track
    wav = extract_audio(clip, tmp_path / "a.wav", 16000, start, seconds, _budget())
    samples, rate = load_mono(wav)
    assert abs(len(samples) / rate - 2.0) < 0.05


def test_logmel_of_the_trailer_audio(media_files: Path, tmp_path: Path) -> None:
    wav = extract_audio(media_files / "media/good.mp4", tmp_path / "a.wav", 16000, 0.0, 30.0, _budget())
    samples, rate = load_mono(wav)
    assert rate == 16000 and 2.3 < len(samples) / rate < 2.8
    mel = logmel(samples, rate, n_mels=64, mel_frames=128, hop_length=256)
    assert mel.shape == (64, 128) and mel.dtype == np.float32
    assert np.isfinite(mel).all() and -20.0 < mel.max() <= 0.0 and mel.min() >= -TOP_DB
    assert mel.std() > 5.0 and (mel[:, -1] > -TOP_DB).any()  # the centre 128 frames are sound
    short = logmel(samples[:8000], rate, n_mels=64, mel_frames=128, hop_length=256)
    assert short.shape == (64, 128) and np.all(short[:, -50:] == -TOP_DB)


def test_silence_is_the_floor_not_zero_db() -> None:
    silent = np.zeros(16000, dtype=np.float32)
    dither = (np.random.default_rng(0).standard_normal(16000) * 1e-6).astype(np.float32)
    for samples in (silent, dither):
        mel = logmel(samples, 16000, n_mels=32, mel_frames=40, hop_length=512)
        assert mel.shape == (32, 40) and np.all(mel == -TOP_DB)


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def test_poster_is_upright_rgb() -> None:
    image = Image.new("L", (40, 20), 0)
    image.paste(255, (0, 0, 20, 20))  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    poster = normalise_poster(_encoded(image, "JPEG", exif=exif))
    assert (poster.width, poster.height) == (20, 40)
    array = poster_array(poster.jpeg, 16)
    assert array.shape == (16, 16, 3) and array.dtype == np.uint8
    assert array[:4, 6:10].mean() > 200 and array[-4:, 6:10].mean() < 50  # white half on top


def test_poster_array_keeps_the_whole_poster() -> None:
    poster = Image.new("RGB", (200, 300), (200, 30, 30))
    poster.paste((30, 30, 200), (0, 270, 200, 300))  # a blue title band at the very bottom
    array = poster_array(normalise_poster(_encoded(poster, "PNG")).jpeg, 60)
    assert array[-2:, 30].mean(axis=0)[2] > 150, "the bottom band survives (padded, not cropped)"
    assert array[:, :5].max() < 30 and array[:, -5:].max() < 30, "the square is padded at the sides"


@pytest.mark.parametrize("name, make", [
    ("progressive jpeg", lambda im: _encoded(im, "JPEG", progressive=True, quality=95)),
    ("cmyk jpeg", lambda im: _encoded(im.convert("CMYK"), "JPEG", quality=95)),
    ("grayscale jpeg", lambda im: _encoded(im.convert("L"), "JPEG", quality=95)),
    ("palette png", lambda im: _encoded(im.convert("P", palette=Image.Palette.ADAPTIVE), "PNG")),
    ("webp", lambda im: _encoded(im, "WEBP", quality=95)),
    ("avif", lambda im: _encoded(im, "AVIF", quality=95)),
])  # fmt: skip
def test_every_poster_format_gives_the_same_colours(name: str, make) -> None:  # type: ignore[no-untyped-def]
    image = Image.new("RGB", (60, 90), (40, 160, 90))
    image.paste((230, 220, 40), (0, 0, 60, 45))
    array = poster_array(normalise_poster(make(image)).jpeg, 90)[:, 15:75].astype(int)  # inside the padding
    top, bottom = array[5:40].mean(axis=(0, 1)), array[50:85].mean(axis=(0, 1))
    if name == "grayscale jpeg":
        assert abs(top.mean() - 202) < 12 and abs(bottom.mean() - 117) < 12
    else:
        assert np.abs(top - (230, 220, 40)).max() < 14 and np.abs(bottom - (40, 160, 90)).max() < 14, (top, bottom)


def test_sixteen_bit_png_is_scaled_not_white() -> None:
    ramp = np.tile(np.linspace(0, 65535, 64).astype(np.uint16), (32, 1))
    array = poster_array(normalise_poster(_encoded(Image.fromarray(ramp), "PNG")).jpeg, 64)[16:48]
    assert array[:, 2].mean() < 20 and array[:, -3].mean() > 235 and 100 < array[:, 32].mean() < 155


def test_alpha_is_composited_over_white() -> None:
    rgba = Image.new("RGBA", (40, 40), (0, 0, 0, 0))  # fully transparent...
    rgba.paste((200, 0, 0, 255), (0, 0, 40, 20))  # ...except an opaque red top half
    array = poster_array(normalise_poster(_encoded(rgba, "PNG")).jpeg, 40).astype(int)
    assert array[30:38].min() > 240, "transparent shows white, not black"
    assert np.abs(array[2:18].mean(axis=(0, 1)) - (200, 0, 0)).max() < 12


def test_a_huge_jpeg_is_decoded_reduced_but_a_huge_png_is_refused() -> None:
    big = Image.new("RGB", (4000, 6000), (90, 120, 150))
    poster = normalise_poster(_encoded(big, "JPEG", quality=70), max_pixels=10_000_000)
    assert (poster.width, poster.height) == (683, 1024)
    with pytest.raises(MediaError, match="decompression bomb guard"):
        normalise_poster(_encoded(big, "PNG", compress_level=1), max_pixels=10_000_000)


def test_poster_rejects_non_images() -> None:
    with pytest.raises(MediaError, match="cannot identify image file"):
        normalise_poster(b"<html>not an image</html>")


def test_seeking_and_one_pass_decoding_pick_the_same_frames(media_files: Path) -> None:
    path = media_files / "media/good.mp4"
    info = probe_video(path, _budget())
    for frames in (4, 10, 16):  # one pass needs a frame per slice: the clip has 25
        seek = keyframes_by_seeking(path, info, frames, 24, _budget())
        one_pass = keyframes_by_decoding(path, info, frames, 24, _budget())
        assert seek.shape == one_pass.shape == (frames, 24, 24, 3)
        assert np.abs(seek.astype(int) - one_pass).mean() < 1.0, frames


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="the memory cap needs util-linux prlimit")
def test_a_decoder_over_its_memory_budget_fails_with_that_reason(media_files: Path) -> None:
    with pytest.raises(MediaError, match="memory budget of 50000000 bytes per decoder exceeded"):
        probe_video(media_files / "media/good.mp4", Budget(60.0, decoder_bytes=50_000_000))


@pytest.mark.parametrize("name, video, args, file_name", [
    ("mp4 h264 aac, moov at the end", "size=96x64", ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac"],
     "clip.mp4"),
    ("webm vp9 opus", "size=96x64", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                     "-c:a", "libopus"], "clip.webm"),
    ("mkv av1 flac", "size=96x64", ["-c:v", "libsvtav1", "-preset", "12", "-c:a", "flac"], "clip.mkv"),
    ("mov h264, 5.1 aac at 8 kHz", "size=96x64", ["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
                                                  "-ac", "6", "-ar", "8000"], "clip.mov"),
    ("portrait, variable frame rate, no audio", "size=64x96", ["-vf", "select='not(between(n,8,14))'",
                                                               "-fps_mode", "vfr", "-c:v", "libx264", "-an"],
     "clip.mp4"),
])  # fmt: skip
def test_real_video_formats_give_fixed_shape_features(name: str, video: str, args: list[str], file_name: str,
                                                       tmp_path: Path, shared_data: Path) -> None:
    clip = tmp_path / file_name
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc2={video}:rate=10:duration=3",
                    "-i", str(shared_data / "media/audio/librosa_brahms_hungarian_dance_5.ogg"), "-t", "3",
                    *args, str(clip)], check=True)
    info = probe_video(clip, _budget())
    assert f"size={info.width}x{info.height}" == video
    assert 2.0 < info.duration_s < 3.3 and info.has_audio == ("no audio" not in name)
    frames = extract_keyframes(clip, info, 8, 32, _budget())
    assert frames.shape == (8, 32, 32, 3) and frames.std() > 10
    if info.has_audio:
        wav = extract_audio(clip, tmp_path / "a.wav", 22050, 0.0, 30.0, _budget())
        samples, rate = load_mono(wav)
        assert rate == 22050 and 2.5 < len(samples) / rate < 3.3 and np.abs(samples).max() > 0.01
