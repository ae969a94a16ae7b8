"""Benchmarks for exports and imports (issue: exports and imports). Run on demand:

    python tests/benchmarks/bench_formats.py [--records 10000] [--repeat 3]

Whole processes, as a user runs them. Each figure is printed beside the reference
measured in the same run:

- import of N BibTeX entries against bibtexparser alone parsing the same file
  (`bibtexparser.parse_file`, in its own process; aim: at most 2x);
- export of N records to each format against pandoc converting the same N entries
  from BibTeX to CSL-JSON (aim: every format faster).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from archive import formats  # noqa: E402
from tests.benchmarks.common import ARCHIVE, run, write_items  # noqa: E402


def median(argv: list[str], repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        times.append(run(argv))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, repeat = args.records, args.repeat

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "arch"
        run([*ARCHIVE, "init", str(root)])
        run([*ARCHIVE, "--root", str(root), "import", str(write_items(tmp / "items.json", n))])
        r = [*ARCHIVE, "--root", str(root)]
        run([*r, "list", "--json"])  # a warm index, as after any command
        bib = tmp / "all.bib"
        run([*r, "export", "--all", "--format", "bibtex", "-o", str(bib)])

        print(f"== export of {n:,} records (median of {repeat}, whole process)")
        pandoc = shutil.which("pandoc")
        ref = None
        if pandoc:
            ref = median([pandoc, "-f", "bibtex", "-t", "csljson", str(bib), "-o",
                          str(tmp / "pandoc.json")], repeat)
            print(f"{'pandoc bibtex -> csljson (reference)':40s} {ref:6.2f} s")
        else:
            print("pandoc is not installed: no reference figure")
        for fmt in formats.FORMATS:
            if not fmt.can_export:
                continue
            out = tmp / f"out-{fmt.name}"
            t = median([*r, "export", "--all", "--format", fmt.name, "-o", str(out)], repeat)
            ratio = f"{t / ref:5.2f}x pandoc" if ref else ""
            print(f"{'archive export --format ' + fmt.name:40s} {t:6.2f} s   {ratio}  "
                  f"({out.stat().st_size / 1e6:5.1f} MB)")

        print(f"\n== import of {n:,} BibTeX entries (median of {repeat}, whole process)")
        ref = median([sys.executable, "-c", "import bibtexparser, sys; "
                      "bibtexparser.parse_file(sys.argv[1])", str(bib)], repeat)
        print(f"{'bibtexparser.parse_file (reference)':40s} {ref:6.2f} s")
        t = median([*ARCHIVE, "--root", str(root), "import", str(bib), "--dry-run",
                    "--on-duplicate", "new"], repeat)
        print(f"{'archive import --dry-run':40s} {t:6.2f} s   {t / ref:5.2f}x bibtexparser "
              "(aim <= 2x)")
        fresh = tmp / "fresh"

        def empty() -> None:
            shutil.rmtree(fresh, ignore_errors=True)
            run([*ARCHIVE, "init", str(fresh)])

        t = median([*ARCHIVE, "--root", str(fresh), "import", str(bib)], repeat, before=empty)
        print(f"{'archive import (writes ' + format(n, ',') + ' records)':40s} {t:6.2f} s   "
              f"{t / ref:5.2f}x bibtexparser (aim <= 2x)")


if __name__ == "__main__":
    main()
