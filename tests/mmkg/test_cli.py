"""The `mmkg` command: every command explains itself, and a missing build is a clear error."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mmkg.cli import STAGES, main
from mmkg.settings import Settings


def _help(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "mmkg.cli", *args, "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_build_help_explains_every_option() -> None:
    text = _help("build")
    for flag in ("--start-url", "--n-movies", "--site-port", "--faults", "--epochs", "--hidden",
                 "--models", "--kg-style"):
        assert flag in text, flag
    assert "{entity,attribute}" in text


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_has_its_own_command(stage: str) -> None:
    assert "--build-id" in _help(stage)


def test_extract_quality_scores_a_few_films(capsys) -> None:
    assert main(["extract-quality", "--limit", "6"]) == 0
    out = capsys.readouterr().out
    assert "6 films" in out and "| directed_by |" in out


def test_report_without_a_build_says_what_to_do(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MMKG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))  # restored after the test
    assert Settings.from_env().home == (tmp_path / "home").resolve()
    assert main(["report"]) == 1
    assert "run `mmkg build`" in capsys.readouterr().err


@pytest.mark.parametrize("args, expected", [
    (["--models", "xgboost"], "models: unknown model(s) xgboost; known: mgnn"),
    (["--start-url", "ftp://example.org/"], "start_url: start_url must be an http(s) URL"),
    (["--max-pages", "-1"], "max_pages: Input should be greater than or equal to 1 (got -1)"),
    (["--task-runner", "ray"], "task_runner: unknown task runner 'ray'"),
    (["--gated-media", "smell"], "gated_media: unknown media kind(s) smell"),
    (["--crawl-frontier", "http://127.0.0.1:6379"], "crawl_frontier: frontier must be a redis://host:port/db URL"),
    (["--media-kinds", "poster", "audio"], "media_kinds: audio comes from the trailer's sound track"),
])
def test_bad_build_options_are_one_clear_line_before_any_work(args, expected, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MMKG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    assert main(["build", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err, err
    assert not (tmp_path / "home" / "warehouse.duckdb").exists()  # nothing was started


def test_report_of_an_unknown_build_is_a_clear_error(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MMKG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    assert main(["report", "--build-id", "20990101T000000Z-000000"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("mmkg report: no build '20990101T000000Z-000000'") and "no builds yet" in err, err
