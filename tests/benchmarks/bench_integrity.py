"""Benchmarks for fixity checks and BagIt bags. Run on demand:

    python tests/benchmarks/bench_integrity.py [--records 10000] [--file-kb 8] [--repeat 3]

An archive of N records is written (not timed), each record with one archived text file
of about K KB (distinct content), then whole processes are timed, median of --repeat,
each beside a reference measured in the same run on the same files:

- ``archive validate --fixity-only`` against ``sha256sum --quiet -c`` (coreutils) with a
  manifest of the same archived files;
- ``archive bag --all`` against ``python -m bagit --sha256 --sha512`` bagging a plain copy
  of records/ in place;
- ``archive import BAG`` into an empty archive against ``python -m bagit --validate BAG``;
- ``archive validate`` (every check) against the same sha256sum reference, for scale.

bagit's CLI hashes in one process unless given --processes; where ours uses several
(payloads above bagging.PARALLEL_BYTES), bagit with as many processes is measured too.
Every run reads warm files (the page cache is not dropped). Disks are flushed (os.sync)
before each timed command: ``archive bag`` and ``archive import`` flush what they write
(bagit does not), and must not also pay for what the steps before them wrote.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.common import ARCHIVE, FAMILIES, GIVEN, SERIES, WORDS, run  # noqa: E402

FILE_NAME = "commentary.txt"


def median(argv: list[str], repeat: int, before: Callable[[], None] | None = None,
           **kw) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        os.sync()  # what earlier steps wrote is not flushed by (and timed in) this command
        times.append(run(argv, **kw))
    return statistics.median(times)


def commentary_text(rnd: random.Random, i: int, size: int) -> bytes:
    """About ``size`` bytes of prose-like text, different for every ``i``."""
    lines = [f"Commentary {i}: {' '.join(rnd.choices(WORDS, k=8))}", ""]
    length = sum(len(x) + 1 for x in lines)
    while length < size:
        line = " ".join(rnd.choices(WORDS, k=14)).capitalize() + "."
        lines.append(line)
        length += len(line) + 1
    return ("\n".join(lines) + "\n").encode("utf-8")[:size]


def write_archive(root: Path, n: int, file_kb: int) -> tuple[int, list[tuple[str, str]]]:
    """N valid record folders written directly (record.yaml made by the library's own
    dump_record from validated data); returns (archived bytes, [(sha256, relative path)])."""
    import hashlib

    from archive import yamlio
    from archive.model import validate_record

    rnd = random.Random(11)
    total = 0
    manifest = []
    for i in range(n):
        record_id = f"bench-{i:06d}"
        folder = root / "records" / record_id
        folder.mkdir()
        body = commentary_text(rnd, i, file_kb * 1024)
        digest = hashlib.sha256(body).hexdigest()
        (folder / FILE_NAME).write_bytes(body)
        total += len(body)
        manifest.append((digest, f"records/{record_id}/{FILE_NAME}"))
        year = rnd.randint(1995, 2025)
        data = {
            "id": record_id,
            "type": "commentary",
            "title": f"{' '.join(rnd.choices(WORDS, k=6)).capitalize()} {i}",
            "language": "en",
            "issued": f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "series": rnd.choice(SERIES),
            "publisher": "The Global Forum of Japan",
            "authors": [{"family": rnd.choice(FAMILIES), "given": rnd.choice(GIVEN)}],
            "abstract": " ".join(rnd.choices(WORDS, k=40)),
            "files": [{"path": FILE_NAME, "media_type": "text/plain", "bytes": len(body),
                       "sha256": digest}],
            "provenance": {"added": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
                           "source": "bench_integrity.py"},
        }
        text = yamlio.dump_record(validate_record(data).to_data())
        (folder / "record.yaml").write_text(text, encoding="utf-8", newline="\n")
    return total, manifest


def row(label: str, t: float, n: int, size: int, ref: float | None = None,
        ref_name: str = "") -> None:
    ratio = f"{t / ref:6.2f}x {ref_name}" if ref else ""
    print(f"{label:52s} {t:7.2f} s {n / t:9.0f} rec/s {size / 1e6 / t:7.1f} MB/s   {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--file-kb", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n, kb, repeat = args.records, args.file_kb, args.repeat

    from archive import bagging
    from archive.parallel import MIN_PARALLEL, cores

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = tmp / "arch"
        run([*ARCHIVE, "init", str(root)])
        size, manifest = write_archive(root, n, kb)
        (tmp / "MANIFEST").write_text("".join(f"{d}  {p}\n" for d, p in manifest))
        r = [*ARCHIVE, "--root", str(root)]
        run([*r, "validate", "--strict"])  # the records written are valid (and warm)
        run(["sha256sum", "--quiet", "-c", str(tmp / "MANIFEST")], cwd=root)
        # the payload as bagging sees it decides how many processes bagit hashes with
        payload = sum(f.stat().st_size for f in (root / "records").rglob("*") if f.is_file())
        procs = bagging._processes(payload)

        print(f"== {n:,} records, one archived file of {kb} KB each ({size / 1e6:.1f} MB "
              f"archived, {payload / 1e6:.1f} MB in records/); median of {repeat}, whole "
              f"process; {cores()} cores, load average {os.getloadavg()[0]:.2f}")
        print(f"{'':52s} {'time':>9s} {'':15s} {'':12s}   ratio")

        print("-- fixity")
        sha = median(["sha256sum", "--quiet", "-c", str(tmp / "MANIFEST")], repeat, cwd=root)
        row("sha256sum --quiet -c MANIFEST (reference)", sha, n, size)
        t = median([*r, "validate", "--fixity-only"], repeat)
        row("archive validate --fixity-only", t, n, size, sha, "sha256sum")
        print("   (ours also reads and validates every record.yaml, on "
              f"{cores() if n >= MIN_PARALLEL else 1} process(es); sha256sum uses one)")

        print("-- bagging (sha256 and sha512 manifests)")
        copy = tmp / "copy"

        def fresh_copy() -> None:
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(root / "records", copy)

        ref = median([sys.executable, "-m", "bagit", "--sha256", "--sha512", str(copy)], repeat,
                     before=fresh_copy)
        row("python -m bagit --sha256 --sha512 COPY (reference)", ref, n, size)
        ref_p = None
        if procs > 1:
            ref_p = median([sys.executable, "-m", "bagit", "--processes", str(procs),
                            "--sha256", "--sha512", str(copy)], repeat, before=fresh_copy)
            row(f"python -m bagit --processes {procs} ... COPY (reference)", ref_p, n, size,
                ref, "bagit")
        bag = tmp / "bag"

        def no_bag() -> None:
            shutil.rmtree(bag, ignore_errors=True)

        t = median([*r, "bag", str(bag), "--all", "--source-organization", "Benchmark"],
                   repeat, before=no_bag)
        row("archive bag OUT --all", t, n, size, ref, "bagit")
        if ref_p:
            print(f"{'':52s} {'':9s} {'':15s} {'':12s}   {t / ref_p:6.2f}x bagit "
                  f"--processes {procs}")
        print(f"   (ours hashes with {procs} process(es); it also validates every record, "
              "checks every file's sha256 first, copies records/ and writes 3 exports)")

        print("-- restoring the bag into an empty archive")
        ref = median([sys.executable, "-m", "bagit", "--validate", str(bag)], repeat)
        row("python -m bagit --validate OUT (reference)", ref, n, size)
        if procs > 1:
            ref_p = median([sys.executable, "-m", "bagit", "--processes", str(procs),
                            "--validate", str(bag)], repeat)
            row(f"python -m bagit --processes {procs} --validate OUT (ref.)", ref_p, n, size,
                ref, "bagit")
        empty = tmp / "empty"

        def empty_archive() -> None:
            shutil.rmtree(empty, ignore_errors=True)
            run([*ARCHIVE, "init", str(empty)])

        t = median([*ARCHIVE, "--root", str(empty), "import", str(bag)], repeat,
                   before=empty_archive)
        row("archive --root EMPTY import OUT", t, n, size, ref, "bagit")
        if procs > 1:
            print(f"{'':52s} {'':9s} {'':15s} {'':12s}   {t / ref_p:6.2f}x bagit "
                  f"--processes {procs}")
        print("   (ours also validates every record.yaml, copies the records and their files "
              "checking each sha256, and indexes them with their text)")
        run(["diff", "-r", "-q", str(root / "records"), str(empty / "records")])  # the same

        print("-- every check")
        t = median([*r, "validate"], repeat)
        row("archive validate", t, n, size, sha, "sha256sum")
        print("   (schema, ids, files, dates and likely duplicates; "
              "against the sha256sum figure above)")
        print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
