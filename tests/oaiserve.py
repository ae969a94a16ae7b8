"""A test archive for the OAI-PMH and server tests, and `archive serve` run as a user runs it.

    root = make_archive(tmp / "arch")      # 20 records (one removed), 2 series, a file
    with Served(root, "--page-size", "3") as url:   # `archive serve --port 0` in a subprocess
        httpx.get(url + "oai", params=...)

The records' datestamps are chosen here (provenance.updated), so the tests know the expected
OAI datestamps, sets and ranges from this module's data, not from the server's output.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from conftest import REPO, assert_no_traceback

NAMESPACE = "test.example.org"
REPO_NAME = "Test commentaries <&> archive"
ADMIN = "librarian@example.org"
REMOVED = "rec-05"
WITH_FILE = "rec-00"
FILE_NAME = "commentary.txt"
FILE_BYTES = "The text of the commentary, é & <b>.\n".encode("utf-8")
HOSTILE = "rec-07"
HOSTILE_TITLE = '<script>alert(1)</script> & "x"'
REMOVED_AT = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
SERIES = {0: "GFJ Commentary", 1: "Policy Brief"}  # i % 3 -> series; 2: none


def stamp(i: int) -> dt.datetime:
    """Record i's last change: one a day from 2024-01-01 10:00 UTC; 16-19 share one second
    (the order within it is by id)."""
    day = min(i, 16)
    return dt.datetime(2024, 1, 1 + day, 10, 0, 0, tzinfo=dt.timezone.utc)


def iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def seed_data() -> dict:
    from archive import yamlio

    return yamlio.loads((REPO / "records" / "tokiwa-2022-do-not-be-disturbed" /
                         "record.yaml").read_text(encoding="utf-8"))


def record_data(i: int) -> dict:
    data = copy.deepcopy(seed_data())
    data["id"] = f"rec-{i:02d}"
    data["title"] = HOSTILE_TITLE if f"rec-{i:02d}" == HOSTILE else f"Commentary number {i}"
    data.pop("subtitle", None)
    if i % 3 in SERIES:
        data["series"] = SERIES[i % 3]
    else:
        data.pop("series", None)
    when = stamp(i)
    data["provenance"] = {"added": when, "updated": when, "source": "tests/oaiserve.py"}
    return data


def make_archive(root: Path, *, count: int = 20, series: bool = True) -> Path:
    """An archive of ``count`` records rec-00.. (rec-05 removed), written by the library;
    ``series=False`` leaves every record out of any series (no set hierarchy)."""
    from archive.store import Archive, init

    init(root)
    (root / "archive.yaml").write_text(
        "catalog:\n"
        f"  name: '{REPO_NAME}'\n"
        f"  admin_email: [{ADMIN}]\n"
        f"  oai_namespace: {NAMESPACE}\n", encoding="utf-8")
    archive = Archive.open(root)
    source = root.parent / FILE_NAME
    source.write_bytes(FILE_BYTES)
    for i in range(count):
        data = record_data(i)
        if not series:
            data.pop("series", None)
        files = [source] if data["id"] == WITH_FILE else []
        archive.add(data, files=files)
    if count > 5:
        archive.remove(REMOVED, "a test removal")
        # as if removed on REMOVED_AT: before any edit a test makes (the datestamps of the
        # removal and of an edit never share a second)
        tomb = root / "deleted" / REMOVED / "tombstone.yaml"
        tomb.write_text(re.sub(r"(?m)^deleted: .*$", f"deleted: '{iso(REMOVED_AT)}'",
                               tomb.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def removed_stamp(root: Path) -> dt.datetime:
    from archive import catalog, yamlio

    tomb = yamlio.loads((root / "deleted" / REMOVED / "tombstone.yaml").read_text())
    return catalog.utc_datestamp(tomb["deleted"])


class Served:
    """`archive serve --port 0 ARGS` in a subprocess; entering gives the site's URL."""

    def __init__(self, root: Path, *args: str):
        self.root = root
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.oai = ""
        self.stderr = ""

    def __enter__(self) -> "Served":
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "archive", "--root", str(self.root), "serve", "--port", "0",
             *self.args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        lines = []
        timer = threading.Timer(60, self.proc.kill)
        timer.start()
        try:
            for line in self.proc.stdout:
                lines.append(line)
                m = re.search(r"OAI-PMH base URL: (\S+)", line)
                if m:
                    self.oai = m.group(1)
                    break
        finally:
            timer.cancel()
        if not self.oai:
            out, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"archive serve did not start:\n{''.join(lines)}{out}\n{err}")
        m = re.search(r" at (http://\S+/)$", lines[0].strip())
        assert m, lines
        self.url = m.group(1)
        return self

    def stop(self, sig: int | None = None) -> int:
        import signal

        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig or signal.SIGINT)
        try:
            _, self.stderr = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()
            raise AssertionError("archive serve did not stop on Ctrl-C") from None
        return self.proc.returncode

    def __exit__(self, *exc) -> None:
        code = self.stop()
        assert_no_traceback(self.stderr)
        assert code == 0, self.stderr
