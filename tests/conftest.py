"""Shared fixtures: temporary archives, the real CLI (in process and as a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_TEXT = SHARED / "seed" / "000_f654265583f912ba.txt"
SEED_ID = "tokiwa-2022-do-not-be-disturbed"
SEED_BYLINE = ("TOKIWA Shin, Academic Member, GFJ / Distinguished Research Fellow, JFIR / "
               "Senior staff writer, Tokyo Shimbun")
DATA = Path(__file__).parent / "data"


class Result:
    def __init__(self, code: int, stdout: str, stderr: str, exception: BaseException | None):
        self.exit_code = code
        self.stdout = stdout
        self.stderr = stderr
        self.exception = exception

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def empty_root(tmp_path: Path) -> Path:
    from archive.store import init

    return init(tmp_path / "arch")


@pytest.fixture
def seed_root(tmp_path: Path) -> Path:
    """An archive holding a copy of the repository's shipped records/."""
    root = tmp_path / "seeded"
    root.mkdir()
    shutil.copytree(REPO / "records", root / "records")
    return root


@pytest.fixture
def cli():
    """Run the real Typer app in process: cli(root, *args, input=None)."""
    runner = CliRunner()

    def run(root: Path | None, *args: str, input: str | None = None, env=None) -> Result:
        argv = (["--root", str(root)] if root is not None else []) + list(args)
        res = runner.invoke(app, argv, input=input, env=env)
        if res.exception and not isinstance(res.exception, SystemExit):
            raise res.exception  # a traceback would have reached the user
        return Result(res.exit_code, res.stdout, res.stderr, res.exception)

    return run


def run_archive(*args: str, cwd: Path | None = None, env: dict | None = None,
                input: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The installed command as a user runs it (a separate process)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "archive", *args], cwd=cwd, env=full_env,
                          input=input, capture_output=True, text=True, timeout=timeout)


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text, text


def assert_refused(res: Result, message: str, root: Path) -> None:
    """Refused as a user must see it: exit 1, the message, no traceback, nothing written."""
    assert res.exit_code == 1, res.stdout
    assert message in res.stderr, res.stderr
    assert_no_traceback(res.stderr)
    assert list((root / "records").iterdir()) == []
