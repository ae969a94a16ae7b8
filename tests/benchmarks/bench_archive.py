"""Benchmarks for the archive (issue: The archive). Run on demand:

    python tests/benchmarks/bench_archive.py [--records 10000]

Whole-process times; each figure is printed with the reference measured in the
same run (`python -c pass` for start-up).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import ARCHIVE, best_of, median_of, run, write_items  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SEED_ID = "tokiwa-2022-do-not-be-disturbed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    n = args.records

    print("== start-up (whole process, best of 7)")
    base = best_of([sys.executable, "-c", "pass"])
    print(f"python -c pass                 {base:6.3f} s")
    for label, argv in [("archive --help", [*ARCHIVE, "--help"]),
                        (f"archive show {SEED_ID}", [*ARCHIVE, "--root", str(REPO), "show",
                                                     SEED_ID]),
                        ("archive show --format json", [*ARCHIVE, "--root", str(REPO), "show",
                                                        SEED_ID, "--format", "json"])]:
        t = best_of(argv)
        print(f"{label:30s} {t:6.3f} s   ({t / base:5.1f}x python -c pass; aim < 0.25 s)")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "arch"
        run([*ARCHIVE, "init", str(root)])
        items = write_items(Path(tmp) / "items.json", n)
        print(f"\n== {n} records")
        t = run([*ARCHIVE, "--root", str(root), "import", str(items)])
        print(f"archive import (CSL-JSON)      {t:6.2f} s   {n / t:8.0f} records/s")
        r = [*ARCHIVE, "--root", str(root)]
        for leftover in root.glob(".archive/index.sqlite*"):
            leftover.unlink()
        t = run([*r, "list", "--json"])
        print(f"list, building the index anew  {t:6.2f} s")
        for label, argv in [("archive list (table)", [*r, "list"]),
                            ("archive list --json", [*r, "list", "--json"]),
                            ("archive list --author kim", [*r, "list", "--author", "kim"]),
                            ("archive search treaty russia", [*r, "search", "treaty russia"]),
                            ("archive search 'peace'", [*r, "search", "peace", "--limit", "100"])]:
            t = median_of(argv)
            print(f"{label:30s} {t:6.3f} s   ({t / base:5.1f}x python -c pass; aim < 1 s)")
        t = run([*r, "validate"])
        print(f"archive validate               {t:6.2f} s   {n / t:8.0f} records/s")


if __name__ == "__main__":
    main()
