"""The embedded site's posters and soundtracks follow the movie's genres, so a modality can help.

Measured blind: a leave-one-out 1-nearest-neighbour guess of each poster's primary genre from
its pooled feature array (what the export's image_feat holds), beside chance and beside the
same guess against shuffled genres (the control) in the same run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from demo_site.posters import pick_image, primary_genre, write_poster
from demo_site.trailers import plan_trailer
from media.poster import normalise_poster, poster_array

GENRE_SETS = [("Action", "Adventure"), ("Horror", "Thriller"), ("Comedy", "Romance"), ("Drama",),
              ("Sci-Fi", "Action"), ("Animation", "Children", "Comedy"), ("Documentary",), ("Mystery", "Crime")]


def _loo_1nn_accuracy(features: np.ndarray, labels: list[str]) -> float:
    distances = ((features[:, None, :] - features[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(distances, np.inf)
    return float(np.mean([labels[j] == labels[i] for i, j in enumerate(distances.argmin(1))]))


def test_posters_carry_the_genre_signal(shared_data: Path, tmp_path: Path) -> None:
    images = sorted((shared_data / "media/images").iterdir())
    features, labels = [], []
    for g, genres in enumerate(GENRE_SETS):
        for copy in range(4):
            out = tmp_path / f"{g}-{copy}.jpg"
            write_poster(pick_image(images, 7, f"m{g}-{copy}", genres), f"Movie {g} number {copy}", out,
                         genres, 1990 + copy)
            array = poster_array(normalise_poster(out.read_bytes()).jpeg, 32).astype(np.float32) / 255
            features.append(array.reshape(8, 4, 8, 4, 3).mean(axis=(1, 3)).ravel())  # 8x8 pooled
            labels.append(primary_genre(genres) or "")
    features_array = np.stack(features)
    accuracy = _loo_1nn_accuracy(features_array, labels)
    shuffled = list(np.random.default_rng(0).permutation(labels))
    control = _loo_1nn_accuracy(features_array, shuffled)
    chance = 1 / len(GENRE_SETS)
    assert accuracy >= 0.9 and accuracy > 5 * chance, accuracy
    assert control < 0.5, control  # the features know genres, not arbitrary labels


def test_soundtrack_and_motion_follow_the_primary_genre(shared_data: Path, tmp_path: Path) -> None:
    audio = sorted((shared_data / "media/audio").iterdir())
    def job(movie_id: str, genres: tuple[str, ...]):  # type: ignore[no-untyped-def]
        return plan_trailer(movie_id, tmp_path / "p.jpg", audio, 7, 3.0, tmp_path / "t.mp4", genres)

    assert job("a", ("Horror",)).audio == job("b", ("Horror", "Comedy")).audio
    picks = {job(f"m{i}", genres).audio for i, genres in enumerate(GENRE_SETS)}
    assert len(picks) == len(GENRE_SETS)  # eight primary genres, eight different soundtracks
    assert job("a", ("Action",)).pan_cycles > job("b", ("Drama",)).pan_cycles
