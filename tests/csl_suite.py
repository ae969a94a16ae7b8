"""Run the CSL processor test suite (the human-readable fixtures) against archive.csl.

    python tests/csl_suite.py [DIR] [-k SUBSTRING] [-v] [--update-known] [--list-failures]

DIR defaults to ../shared/csl-test-suite/humans next to the repository. Only the *.txt files
at the top of DIR are run (not its sub-folders). The last line printed is `passed N of M`.

A fixture is a text file of sections, each between `>>=== NAME ===>>` and `<<=== NAME ===<<`
lines (the number of `=` varies); text outside the sections is ignored. What we do with them
follows the suite's reference runner (citeproc-js's):

- MODE `citation`, with neither CITATION-ITEMS nor CITATIONS: one cluster citing every INPUT
  item, in input order. With CITATION-ITEMS: each entry is a cluster, rendered as one document,
  one output line per cluster.
- CITATIONS: a sequence of word-processor edits, each `[citation, pre, post]` where pre and
  post list `[citationID, noteIndex]` of the citations before and after the edited one. After
  the last edit the document is printed one citation per line as `XX[i] text`, where `>>`
  marks a citation that the last edit inserted or re-rendered and `..` one it left alone.
- MODE `bibliography`: `<div class="csl-bib-body">` + one `  <div class="csl-entry">...</div>`
  line per entry + `</div>`; entries using display="left-margin"/"right-inline"/"block"/
  "indent" are laid out on several lines as the reference processor's HTML does. All INPUT
  items are in the bibliography, except with CITATIONS, where only the items still cited are.
  Citations given by CITATION-ITEMS / CITATIONS are processed first (same document).
- Output and RESULT are compared exactly, after normalising line endings (the reference
  runner does nothing more).

Each fixture runs on its own in a worker process (two workers), with a time limit; an
exception or a timeout makes that fixture fail, never the run.
"""

from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO.parent / "shared" / "csl-test-suite" / "humans"
KNOWN_FAILURES = Path(__file__).resolve().with_name("csl_known_failures.txt")

FIXTURE_TIMEOUT = 10.0  # seconds of work allowed to one fixture inside a worker
WORKERS = 2
ENGINE = "archive.csl"  # the module providing load_style and Processor (--engine changes it)

JSON_SECTIONS = {"INPUT", "INPUT2", "CITATION-ITEMS", "CITATIONS", "BIBENTRIES", "BIBSECTION",
                 "OPTIONS", "OPTIONZ", "ABBREVIATIONS", "LANGPARAMS", "MULTIAFFIX"}
# Sections whose semantics this runner does not implement: a fixture using one fails.
UNSUPPORTED_SECTIONS = {"INPUT2", "BIBENTRIES", "BIBSECTION", "OPTIONS", "ABBREVIATIONS",
                        "LANGPARAMS", "MULTIAFFIX"}

_OPEN = re.compile(r">>=+\s*([A-Z0-9][A-Z0-9-]*)\s*=+>>")
_CLOSE = re.compile(r"<<=+\s*([A-Z0-9][A-Z0-9-]*)\s*=+<<")


class FixtureError(Exception):
    """A fixture file that cannot be read as a fixture (unbalanced or missing sections, bad JSON)."""


@dataclass
class Fixture:
    name: str
    path: Path
    mode: str
    result: str
    csl: str
    items: list[dict[str, Any]]
    citation_items: list[list[dict[str, Any]]] | None = None
    citations: list[list[Any]] | None = None
    description: str | None = None
    version: str | None = None
    sections: dict[str, Any] = field(default_factory=dict)  # every section, parsed


# ---------------------------------------------------------------------------------------------
# Parsing


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_sections(text: str, where: str = "<string>") -> dict[str, str]:
    """The raw text of each section: the lines between its opening and closing line."""
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for lineno, line in enumerate(normalize_newlines(text).split("\n"), 1):
        opened, closed = _OPEN.search(line), _CLOSE.search(line)
        if opened:
            if current is not None:
                raise FixtureError(f"{where}, line {lineno}: section {opened.group(1)} opens "
                                   f"inside section {current}")
            current, lines = opened.group(1), []
        elif closed:
            if closed.group(1) != current:
                raise FixtureError(f"{where}, line {lineno}: {closed.group(1)} closes, but the "
                                   f"open section is {current}")
            if current in sections:
                raise FixtureError(f"{where}, line {lineno}: section {current} given twice")
            sections[current] = "\n".join(lines)
            current = None
        elif current is not None:
            lines.append(line)
    if current is not None:
        raise FixtureError(f"{where}: section {current} is never closed")
    return sections


def parse_fixture(path: str | Path) -> Fixture:
    path = Path(path)
    where = path.name
    raw = parse_sections(path.read_text(encoding="utf-8"), where)
    for required in ("MODE", "RESULT", "CSL", "INPUT"):
        if required not in raw:
            raise FixtureError(f"{where}: no {required} section")
    parsed: dict[str, Any] = {}
    for name, text in raw.items():
        if name in JSON_SECTIONS:
            try:
                parsed[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                raise FixtureError(f"{where}: section {name} is not valid JSON: {exc}") from None
        else:
            parsed[name] = text
    items = parsed["INPUT"]
    if not isinstance(items, list):
        raise FixtureError(f"{where}: INPUT is not a list of items")
    return Fixture(
        name=path.stem,
        path=path,
        mode=parsed["MODE"].strip(),
        result=parsed["RESULT"],
        csl=parsed["CSL"],
        items=items,
        citation_items=parsed.get("CITATION-ITEMS"),
        citations=parsed.get("CITATIONS"),
        description=parsed["DESCRIPTION"].strip() if "DESCRIPTION" in parsed else None,
        version=parsed["VERSION"].strip() if "VERSION" in parsed else None,
        sections=parsed,
    )


def fixture_paths(folder: str | Path, substring: str | None = None) -> list[Path]:
    paths = sorted(p for p in Path(folder).glob("*.txt") if p.is_file())
    if substring:
        paths = [p for p in paths if substring.lower() in p.stem.lower()]
    return paths


# ---------------------------------------------------------------------------------------------
# Rendering through archive.csl


_DISPLAY_DIV = re.compile(
    r'<div class="csl-(left-margin|right-inline|block|indent)">(.*?)</div>', re.S)


def layout_entry(inner: str) -> str:
    """Lay out an entry's display divs on lines as the reference processor's HTML does.

    An entry that already contains a newline is taken as laid out by the engine."""
    if "\n" in inner or '<div class="csl-' not in inner:
        return inner

    def one(m: re.Match) -> str:
        kind, body = m.group(1), m.group(2)
        div = f'<div class="csl-{kind}">{body}</div>'
        if kind == "left-margin":
            return "\n    " + div
        if kind == "block":
            return "\n\n    " + div + "\n"
        return div + "\n  "  # right-inline, indent

    return _DISPLAY_DIV.sub(one, inner)


def format_bibliography(entries: list[str]) -> str:
    body = "".join(f'  <div class="csl-entry">{layout_entry(e)}</div>\n' for e in entries)
    return f'<div class="csl-bib-body">\n{body}</div>'


def _cite(cite: dict[str, Any]) -> dict[str, Any]:
    """A cite dict for the facade: the fixture's keys, unchanged (id made a string)."""
    out = dict(cite)
    out["id"] = str(out["id"])
    return out


def _items(fx: Fixture) -> list[dict[str, Any]]:
    items: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(fx.items):
        item = dict(item)
        item["id"] = str(item.get("id", i))  # a few fixtures' ids are numbers
        # an id given twice is one item, its last definition (the reference runner keeps
        # items by id)
        items[item["id"]] = item
    return list(items.values())


class CitationsDocument:
    """The document a CITATIONS section builds, edit by edit.

    With a facade that offers `process_citation_cluster` (citeproc-js's processCitationCluster:
    it keeps the document and returns the (index, text, citationID) of each citation it
    (re)rendered), the marks are exactly the engine's. Otherwise each edit re-renders the whole
    document with `Processor.citations`, and a citation is marked `>>` when it is new or its
    text changed (the edited citation is always `>>`), `..` when not."""

    def __init__(self, fx: Fixture, style: Any, processor_cls: Any) -> None:
        self.fx = fx
        self.style = style
        self.processor_cls = processor_cls
        self.all_items = _items(fx)
        self.by_id = {item["id"]: item for item in self.all_items}
        self.clusters: dict[str, list[dict[str, Any]]] = {}  # citationID -> cites
        self.order: list[str] = []
        self.notes: dict[str, int] = {}
        self.text: dict[str, str] = {}
        self.marks: dict[str, str] = {}
        self.stateful = None  # the engine's own processor, when it can do edits itself

    def cited_items(self) -> list[dict[str, Any]]:
        """Items still cited, in the order of their first citation in the document."""
        seen: dict[str, dict[str, Any]] = {}
        for cid in self.order:
            for cite in self.clusters[cid]:
                if cite["id"] in self.by_id and cite["id"] not in seen:
                    seen[cite["id"]] = self.by_id[cite["id"]]
        return list(seen.values())

    def run(self) -> None:
        probe = self.processor_cls(self.style, self.all_items, fmt="html")
        if hasattr(probe, "process_citation_cluster"):
            self.stateful = probe
        for n, edit in enumerate(self.fx.citations):
            if not (isinstance(edit, list) and len(edit) == 3):
                raise ValueError(f"CITATIONS entry {n} is not [citation, pre, post]")
            citation, pre, post = edit
            cid = str(citation.get("citationID") or f"CITATION-AUTO-{n}")
            note = int((citation.get("properties") or {}).get("noteIndex") or 0)
            cites = [_cite(c) for c in citation.get("citationItems", [])]
            if self.stateful is not None:
                self._edit_stateful(cid, note, cites, citation, pre, post)
            else:
                self._edit_rerender(cid, note, cites, pre, post)

    def _apply_edit(self, cid, note, cites, pre, post) -> list[str]:
        old = list(self.order)
        self.clusters[cid] = cites
        self.notes[cid] = note
        for other, other_note in list(pre) + list(post):
            self.notes[str(other)] = int(other_note or 0)
        self.order = [str(p[0]) for p in pre] + [cid] + [str(p[0]) for p in post]
        unknown = [c for c in self.order if c not in self.clusters]
        if unknown:
            raise ValueError(f"CITATIONS refers to citations never given: {', '.join(unknown)}")
        for gone in set(old) - set(self.order):
            self.text.pop(gone, None)
        return old

    def _edit_rerender(self, cid, note, cites, pre, post) -> None:
        self._apply_edit(cid, note, cites, pre, post)
        proc = self.processor_cls(self.style, self.cited_items(), fmt="html")
        texts = proc.citations([self.clusters[c] for c in self.order],
                               note_indexes=[self.notes[c] for c in self.order])
        if len(texts) != len(self.order):
            raise ValueError(f"citations() returned {len(texts)} strings for "
                             f"{len(self.order)} clusters")
        self.marks = {}
        for c, t in zip(self.order, texts):
            # the edited citation is always reported, like any whose text changed
            self.marks[c] = ">>" if c == cid or self.text.get(c) != t else ".."
            self.text[c] = t

    def _edit_stateful(self, cid, note, cites, citation, pre, post) -> None:
        self._apply_edit(cid, note, cites, pre, post)
        given = dict(citation)
        given["citationID"] = cid
        given["citationItems"] = cites
        updates = self.stateful.process_citation_cluster(
            given, [[str(c), int(n or 0)] for c, n in pre], [[str(c), int(n or 0)] for c, n in post])
        self.marks = {c: ".." for c in self.order}
        for _index, text, upd_id in updates:
            self.marks[str(upd_id)] = ">>"
            self.text[str(upd_id)] = text

    def lines(self) -> str:
        return "\n".join(f"{self.marks.get(c, '..')}[{i}] {self.text.get(c, '')}"
                         for i, c in enumerate(self.order))

    def bibliography(self) -> list[str]:
        if self.stateful is not None:
            return self.stateful.bibliography()
        proc = self.processor_cls(self.style, self.cited_items(), fmt="html")
        proc.citations([self.clusters[c] for c in self.order],
                       note_indexes=[self.notes[c] for c in self.order])
        return proc.bibliography()


def _engine(name: str | None = None):
    import importlib

    module = importlib.import_module(name or ENGINE)
    return module.load_style, module.Processor


def render(fx: Fixture, engine: str | None = None) -> str:
    """The engine's output for a fixture, in the form of its RESULT."""
    load_style, Processor = _engine(engine)

    unsupported = sorted(UNSUPPORTED_SECTIONS & fx.sections.keys())
    if unsupported:
        raise NotImplementedError(f"runner does not support section(s) {', '.join(unsupported)}")
    if fx.mode not in ("citation", "bibliography"):
        raise NotImplementedError(f"runner does not support mode {fx.mode!r}")
    if fx.citations is not None and fx.citation_items is not None:
        raise ValueError("fixture has both CITATIONS and CITATION-ITEMS")

    style = load_style(xml=fx.csl)
    if fx.citations is not None:
        doc = CitationsDocument(fx, style, Processor)
        doc.run()
        if fx.mode == "citation":
            return doc.lines()
        return format_bibliography(doc.bibliography())

    items = _items(fx)
    proc = Processor(style, items, fmt="html")
    if fx.citation_items is not None:
        clusters = [[_cite(c) for c in cluster] for cluster in fx.citation_items]
    else:
        clusters = [[{"id": item["id"]} for item in items]]
    if fx.mode == "citation":
        return "\n".join(proc.citations(clusters))
    if fx.citation_items is not None:
        proc.citations(clusters)  # the same document: may matter to the bibliography
    return format_bibliography(proc.bibliography())


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Outcome:
    name: str
    passed: bool
    expected: str = ""
    got: str | None = None
    error: str | None = None  # exception type and message, or "timeout"
    seconds: float = 0.0

    def reason(self) -> str:
        if self.passed:
            return "passed"
        if self.error:
            return self.error
        return "output differs"

    def diff(self, max_lines: int = 12) -> str:
        if self.got is None:
            return self.error or ""
        lines = list(difflib.unified_diff(self.expected.split("\n"), self.got.split("\n"),
                                          "expected", "got", lineterm="", n=1))
        if len(lines) > max_lines:
            lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more diff lines)"]
        return "\n".join(lines)


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout()


def run_fixture(path: str | Path, timeout: float | None = FIXTURE_TIMEOUT,
                engine: str | None = None) -> Outcome:
    """Parse and render one fixture; never raises."""
    path = Path(path)
    start = time.perf_counter()
    expected = ""
    use_alarm = (bool(timeout) and hasattr(signal, "setitimer")
                 and threading.current_thread() is threading.main_thread())
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        fx = parse_fixture(path)
        expected = normalize_newlines(fx.result)
        got = normalize_newlines(render(fx, engine))
        return Outcome(path.stem, got == expected, expected, got,
                       seconds=time.perf_counter() - start)
    except _Timeout:
        return Outcome(path.stem, False, expected, None, f"timeout after {timeout:g} s",
                       time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - a fixture's failure, whatever it is
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return Outcome(path.stem, False, expected, None,
                       f"{type(exc).__name__}: {msg}{where}"[:300],
                       time.perf_counter() - start)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _worker_init(engine: str | None = None) -> None:
    import warnings

    warnings.simplefilter("ignore")
    try:
        _engine(engine)  # pay the import once per worker
    except Exception:  # noqa: BLE001 - each fixture will report it
        pass


def run_suite(folder: str | Path, substring: str | None = None, *, workers: int = WORKERS,
              timeout: float = FIXTURE_TIMEOUT, engine: str | None = None) -> list[Outcome]:
    """Run the fixtures of folder (top level only); outcomes in name order."""
    paths = fixture_paths(folder, substring)
    if not paths:
        return []
    if workers <= 1 or len(paths) == 1:
        _worker_init(engine)
        return [run_fixture(p, timeout, engine) for p in paths]
    return _run_in_workers(paths, min(workers, len(paths)), timeout, engine)


def _worker_main(conn, engine: str | None, timeout: float) -> None:
    _worker_init(engine)
    while True:
        path = conn.recv()
        if path is None:
            return
        conn.send(run_fixture(path, timeout, engine))


class _Worker:
    def __init__(self, ctx, engine: str | None, timeout: float) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, engine, timeout),
                                   daemon=True)
        self.process.start()
        child.close()
        self.path: Path | None = None  # the fixture it is running
        self.since = 0.0

    def give(self, path: Path) -> None:
        self.path, self.since = path, time.monotonic()
        self.conn.send(str(path))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _run_in_workers(paths: list[Path], n: int, timeout: float,
                    engine: str | None) -> list[Outcome]:
    """Worker processes fed one fixture at a time. The alarm inside a worker stops most runaway
    fixtures; one stuck where the alarm cannot reach it (inside C code, or a worker that dies)
    is killed after a longer deadline and its worker replaced, so the others still run."""
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    deadline = timeout * 2 + 5
    todo = list(reversed(paths))
    results: dict[str, Outcome] = {}
    pool = [_Worker(ctx, engine, timeout) for _ in range(n)]
    try:
        while todo or any(w.path for w in pool):
            for w in pool:
                if w.path is None and todo:
                    w.give(todo.pop())
            busy = [w for w in pool if w.path is not None]
            now = time.monotonic()
            wait_for = max(0.0, min(w.since + deadline - now for w in busy))
            ready = wait([w.conn for w in busy], timeout=wait_for)
            for i, w in enumerate(pool):
                if w.path is None:
                    continue
                name = w.path.stem
                if w.conn in ready:
                    try:
                        results[name] = w.conn.recv()
                        w.path = None
                        continue
                    except (EOFError, OSError):
                        error = "the worker process died"
                elif time.monotonic() - w.since >= deadline:
                    error = f"did not finish in {deadline:g} s (worker killed)"
                else:
                    continue
                results[name] = Outcome(name, False, error=error,
                                        seconds=time.monotonic() - w.since)
                w.stop(kill=True)
                pool[i] = _Worker(ctx, engine, timeout)
    finally:
        for w in pool:
            w.stop()
    return [results[p.stem] for p in paths]


# ---------------------------------------------------------------------------------------------
# Known failures


def read_known(path: Path = KNOWN_FAILURES) -> set[str]:
    if not path.exists():
        return set()
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(line)
    return names


def write_known(names: set[str], path: Path = KNOWN_FAILURES) -> None:
    path.write_text("".join(f"{n}\n" for n in sorted(names)), encoding="utf-8")


def categories(names) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n in names:
        prefix = n.split("_", 1)[0]
        counts[prefix] = counts.get(prefix, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run the CSL test-suite fixtures against archive.csl.")
    ap.add_argument("dir", nargs="?", help=f"fixture folder (default: {DEFAULT_DIR})")
    ap.add_argument("-k", dest="substring", help="only fixtures whose name contains SUBSTRING")
    ap.add_argument("-v", "--verbose", action="store_true", help="show expected vs got")
    ap.add_argument("--update-known", action="store_true",
                    help=f"rewrite {KNOWN_FAILURES.name} with the fixtures that fail")
    ap.add_argument("--list-failures", action="store_true",
                    help="print only the names of failing fixtures")
    ap.add_argument("--workers", type=int, default=WORKERS)
    ap.add_argument("--timeout", type=float, default=FIXTURE_TIMEOUT,
                    help="seconds allowed to one fixture")
    ap.add_argument("--engine", default=ENGINE,
                    help="module providing load_style and Processor (default: %(default)s)")
    args = ap.parse_args(argv)

    folder = Path(args.dir) if args.dir else DEFAULT_DIR
    if not folder.is_dir():
        print(f"skipped: CSL test-suite folder {folder} not found (nothing run)")
        return 0

    started = time.perf_counter()
    outcomes = run_suite(folder, args.substring, workers=args.workers, timeout=args.timeout,
                         engine=args.engine)
    failed = [o for o in outcomes if not o.passed]
    known = read_known()

    if args.list_failures:
        for o in failed:
            print(o.name)
    else:
        for o in failed:
            mark = "" if o.name in known else "  [not in known failures]"
            print(f"FAIL {o.name}: {o.reason()}{mark}")
            if args.verbose:
                if o.got is not None:
                    print("  expected:")
                    print("\n".join("    " + line for line in o.expected.split("\n")))
                    print("  got:")
                    print("\n".join("    " + line for line in o.got.split("\n")))
                print()
        newly_passing = sorted(o.name for o in outcomes if o.passed and o.name in known)
        if newly_passing:
            print(f"now passing but listed as known failures ({len(newly_passing)}): "
                  + ", ".join(newly_passing))
        if failed:
            print("failures by category: " + ", ".join(
                f"{k} {v}" for k, v in categories(o.name for o in failed).items()))
        print(f"({time.perf_counter() - started:.1f} s)")

    if args.update_known:
        ran = {o.name for o in outcomes}
        names = (known - ran) | {o.name for o in failed}
        if not args.substring:  # a full run also drops names of fixtures that no longer exist
            names &= {p.stem for p in fixture_paths(folder)}
        write_known(names)
        if not args.list_failures:
            print(f"wrote {KNOWN_FAILURES} ({len(names)} names)")

    print(f"passed {len(outcomes) - len(failed)} of {len(outcomes)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
