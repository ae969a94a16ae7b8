"""Helpers for the benchmarks: generated items and whole-process timing."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

FAMILIES = ["Tokiwa", "Nakamura", "Sato", "Ōta", "Müller", "Sørensen", "Kim", "Wang", "Smith",
            "García", "Nguyễn", "Dubois", "Kowalski", "Yamamoto", "Ito", "Lee"]
GIVEN = ["Shin", "Aiko", "Kenji", "Anna", "Mette", "Min-jun", "Wei", "John", "Lucía", "Hà"]
WORDS = ("alliance deterrence treaty negotiations Russia Japan China sanctions energy security "
         "maritime order peace territorial dispute economy trade technology Indo-Pacific "
         "diplomacy strategy appeasement sovereignty islands cooperation reform").split()
SERIES = ["GFJ Commentary", "JFIR Commentary", "Policy Brief", "Issue Brief"]


def items(n: int, seed: int = 7) -> list[dict]:
    """``n`` varied CSL-JSON items (reports and op-eds, some translations)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 10))).capitalize()
        year = rnd.randint(1995, 2025)
        item = {
            "id": f"item-{i:06d}",
            "type": rnd.choice(["report", "report", "article-newspaper"]),
            "title": f"{title} {i}",
            "author": [{"family": rnd.choice(FAMILIES), "given": rnd.choice(GIVEN)}
                       for _ in range(rnd.randint(1, 3))],
            "issued": {"date-parts": [[year, rnd.randint(1, 12), rnd.randint(1, 28)]]},
            "language": "en",
            "abstract": " ".join(rnd.choice(WORDS) for _ in range(40)),
            "keyword": ", ".join(rnd.sample(WORDS, 3)),
        }
        if item["type"] == "report":
            item["collection-title"] = rnd.choice(SERIES)
            item["publisher"] = "The Global Forum of Japan"
        else:
            item["container-title"] = "The Japan Times"
        if rnd.random() < 0.3:
            item["original-date"] = {"date-parts": [[year - 1, 12, 1]]}
            item["translator"] = [{"family": "Hughes", "given": "Margaret"}]
        out.append(item)
    return out


def write_items(path: Path, n: int) -> Path:
    path.write_text(json.dumps(items(n), ensure_ascii=False))
    return path


def run(argv: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    """Seconds for one whole process; fails loudly if the command fails."""
    # as a user runs it: Python may cache bytecode (some shells set PYTHONDONTWRITEBYTECODE,
    # which would make every run compile the package again)
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    proc = subprocess.run(argv, env={**environ, **(env or {})}, cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def best_of(argv: list[str], repeat: int = 7, **kw) -> float:
    times = [run(argv, **kw) for _ in range(repeat)]
    return min(times)


def median_of(argv: list[str], repeat: int = 5, **kw) -> float:
    return statistics.median(run(argv, **kw) for _ in range(repeat))


ARCHIVE = [sys.executable, "-m", "archive"]


def make_archive(work: Path, n: int) -> tuple[Path, list[dict], Path]:
    """An archive of ``n`` generated records in ``work/arch``, imported with the real CLI and
    indexed once (as any archive in use is): (root, the CSL-JSON items, their file)."""
    csl_items = items(n)
    items_file = work / "items.json"
    items_file.write_text(json.dumps(csl_items, ensure_ascii=False), encoding="utf-8")
    root = work / "arch"
    run([*ARCHIVE, "init", str(root)])
    run([*ARCHIVE, "--root", str(root), "import", str(items_file)])
    run([*ARCHIVE, "--root", str(root), "list", "--json"])
    return root, csl_items, items_file
