"""Shared by the static catalog's tests: an archive with the seed (and its text and a PDF
archived), a hostile record, a record in another series and a removed one; the catalog
built from it by the real CLI; the Nu HTML Checker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, SEED_ID, SEED_TEXT, run_archive

VNU_JAR = REPO / "tests" / "interop" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HOSTILE_TITLE = '<script>alert(1)</script> & "x"'
HOSTILE_FAMILY = "<b>Bold</b>"
HOSTILE_ID = "hostile-2023"
OTHER_ID = "sorensen-2021-ostpolitik"
REMOVED_ID = "removed-2020-gone"
PDF_BYTES = b"%PDF-1.4\n% a tiny stand-in PDF for the catalog's tests\n%%EOF\n"


def make_archive(base: Path) -> Path:
    """The test archive (at ``base/arch``); returns its root."""
    from archive.store import Archive, init

    root = init(base / "arch")
    shutil.copytree(REPO / "records" / SEED_ID, root / "records" / SEED_ID)
    archive = Archive.open(root)
    text = base / "commentary.txt"
    if SEED_TEXT.exists():
        shutil.copyfile(SEED_TEXT, text)
    else:  # the shared seed is not here: any text stands in for it
        text.write_text("The commentary's text.\n", encoding="utf-8")
    archive.attach(SEED_ID, text)
    pdf = base / "commentary.pdf"
    pdf.write_bytes(PDF_BYTES)
    archive.attach(SEED_ID, pdf)
    archive.add({"id": HOSTILE_ID, "type": "commentary", "title": HOSTILE_TITLE,
                 "authors": [{"family": HOSTILE_FAMILY, "given": "A&B <i>"}],
                 "issued": "2023-01-02", "series": "<Series> & Co", "publisher": "P <img src=x>",
                 "subjects": ["</script><script>alert(2)</script>"],
                 "abstract": "Plain & simple </p> text", "language": "en"})
    archive.add({"id": OTHER_ID, "type": "article", "title": "Ostpolitik reconsidered",
                 "authors": [{"family": "Sørensen", "given": "Ærø"}], "issued": "2021-03",
                 "series": "JFIR Commentary", "container_title": "Journal of Things",
                 "subjects": ["Détente"], "language": "en"})
    archive.add({"id": REMOVED_ID, "type": "commentary", "title": "A withdrawn piece",
                 "authors": [{"family": "Gone", "given": "Ann"}], "issued": "2020"})
    archive.remove(REMOVED_ID, "withdrawn by the author")
    return root


def build_site(root: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return run_archive("--root", str(root), "site", str(out), *args)


def vnu_missing() -> str | None:
    if shutil.which("java") is None:
        return "the Nu HTML Checker needs java (Debian default-jre-headless; .ci/run installs it)"
    if not VNU_JAR.is_file():
        return ("the Nu HTML Checker (npm vnu-jar, pinned in tests/interop) is not installed; "
                "run `npm ci --prefix tests/interop` (.ci/run does)")
    return None


def vnu_messages(paths: list[Path]) -> list[dict]:
    """The checker's messages (errors and warnings) for these HTML files."""
    proc = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--also-check-css",
                           *map(str, paths)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})
    return json.loads(proc.stderr or proc.stdout)["messages"]
