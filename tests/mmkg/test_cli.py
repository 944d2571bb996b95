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
