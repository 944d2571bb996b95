"""Log-mel spectrograms of audio clips, fixed-size so clips of any length stack into a batch."""

from __future__ import annotations

from pathlib import Path

import librosa
import numpy as np
import soundfile

from media.errors import MediaError

N_FFT = 2048
TOP_DB = 80.0
# Below this peak amplitude (-80 dBFS) a clip is silence: relative-to-peak dB would turn its
# dither into a full-range spectrogram, so silence is the floor everywhere instead.
SILENCE_PEAK = 10 ** (-TOP_DB / 20)


def load_mono(wav_path: Path) -> tuple[np.ndarray, int]:
    """Read a WAV as float32 mono samples; raise ``MediaError`` when it holds no audio."""
    try:
        samples, sample_rate = soundfile.read(str(wav_path), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise MediaError(f"soundfile: {exc}") from exc
    if samples.shape[0] == 0:
        raise MediaError("audio track is empty")
    return samples.mean(axis=1), int(sample_rate)


def logmel(samples: np.ndarray, sample_rate: int, n_mels: int, mel_frames: int, hop_length: int) -> np.ndarray:
    """float32 ``[n_mels, mel_frames]`` in dB relative to the clip's peak (range ``[-80, 0]``).

    Longer clips keep their centre frames; shorter ones are padded at the end with the
    ``-80 dB`` floor, and a silent clip is the floor everywhere (not 0 dB everywhere).
    """
    if not np.isfinite(samples).all():
        raise MediaError("audio has non-finite samples")
    if samples.size == 0 or float(np.abs(samples).max()) < SILENCE_PEAK:
        return np.full((n_mels, mel_frames), -TOP_DB, dtype=np.float32)
    power = librosa.feature.melspectrogram(
        y=samples, sr=sample_rate, n_fft=N_FFT, hop_length=hop_length, n_mels=n_mels
    )
    db = librosa.power_to_db(power, ref=np.max, top_db=TOP_DB)
    frames = db.shape[1]
    if frames >= mel_frames:
        start = (frames - mel_frames) // 2
        db = db[:, start : start + mel_frames]
    else:
        db = np.pad(db, ((0, 0), (0, mel_frames - frames)), constant_values=-TOP_DB)
    return db.astype(np.float32)
