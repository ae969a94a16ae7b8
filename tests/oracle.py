"""citeproc-js, the reference CSL processor, as an oracle for the citation tests.

One node process (``tests/oracle/render.js``) is kept alive and serves every request,
since node + citeproc-js take about a second to start. It reads the same style and locale
files as our engine (locales from citeproc-py's folder).

    if not oracle.available():
        pytest.skip(oracle.skip_reason())
    with oracle.Oracle() as js:
        entries = js.bibliography(style_path, items, fmt="text", lang=None)
        cites = js.citations(style_path, items, [[{"id": "a"}], [{"id": "b"}]])

Set-up (``.ci/run`` does it): ``npm ci --prefix tests/oracle``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "oracle"
RENDER_JS = HERE / "render.js"
CITEPROC_JS = HERE / "node_modules" / "citeproc" / "citeproc_commonjs.js"


class OracleError(Exception):
    """citeproc-js refused a request (its message) or the node process died."""


def locale_dir() -> Path | None:
    """citeproc-py's locale folder (``locales-xx-XX.xml``), the one our engine reads."""
    try:
        import citeproc
    except ImportError:
        return None
    path = Path(os.path.dirname(citeproc.__file__)) / "data" / "locales"
    return path if path.is_dir() else None


def skip_reason() -> str | None:
    """Why the oracle cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "citeproc-js oracle: node is not installed (.ci/run installs it)"
    if not CITEPROC_JS.is_file():
        return ("citeproc-js oracle: tests/oracle/node_modules is missing; "
                "run `npm ci --prefix tests/oracle` (.ci/run does)")
    if locale_dir() is None:
        return "citeproc-js oracle: citeproc-py (its locale files) is not installed"
    return None


def available() -> bool:
    return skip_reason() is None


#: set by .ci/run: there a missing oracle is a failure, not a skip
REQUIRE_ENV = "ARCHIVE_REQUIRE_ORACLE"


def skip_or_fail(reason: str) -> None:
    """Skip the calling test with ``reason``, or fail it where the oracle is required (CI)."""
    import pytest

    if os.environ.get(REQUIRE_ENV):
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set: CI must run these tests)")
    pytest.skip(reason)


class Oracle:
    """A live ``node render.js`` process; requests are answered one at a time, in order."""

    def __init__(self, timeout: float = 600.0) -> None:
        reason = skip_reason()
        if reason:
            raise OracleError(reason)
        self.locales = str(locale_dir())
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._stderr = None

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            self._stderr = tempfile.TemporaryFile()
            self._proc = subprocess.Popen(
                ["node", str(RENDER_JS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self._stderr, text=True, encoding="utf-8", bufsize=1)
        return self._proc

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one raw request (see render.js); returns the decoded answer."""
        request = {"locale_dir": self.locales, **request}
        with self._lock:
            proc = self._start()
            try:
                proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
                proc.stdin.flush()
                line = proc.stdout.readline()
            except (BrokenPipeError, OSError) as exc:
                detail = self._stderr_tail()
                self.close()
                raise OracleError(f"citeproc-js process failed: {exc}: {detail}") from None
        if not line:
            detail = self._stderr_tail()
            self.close()
            raise OracleError(f"citeproc-js process exited without an answer: {detail}")
        return json.loads(line)

    def _entries(self, request: dict[str, Any]) -> list[str]:
        answer = self.request(request)
        if "error" in answer:
            raise OracleError(answer["error"])
        return answer["entries"]

    def bibliography(self, style: str | Path, items: list[dict], *, fmt: str = "text",
                     lang: str | None = None) -> list[str]:
        """Every item registered; entries in citeproc-js's order, as it prints them
        (text entries end with a newline, html ones are ``<div class="csl-entry">``)."""
        return self._entries({"style": str(style), "items": items, "lang": lang,
                              "mode": "bibliography", "format": fmt})

    def citations(self, style: str | Path, items: list[dict], clusters: list[list[dict]], *,
                  fmt: str = "text", lang: str | None = None) -> list[str]:
        """One string per cluster: the clusters form one document (cluster i in note i+1),
        each in its final form."""
        return self._entries({"style": str(style), "items": items, "lang": lang,
                              "mode": "citation", "format": fmt, "clusters": clusters})

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")[-2000:]

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> Oracle:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
