"""Benchmarks for publishing (issue 6). Run on demand:

    python tests/benchmarks/bench_publish.py                    # 10,000 records
    python tests/benchmarks/bench_publish.py --records 1000 --duration 5

Each figure is printed with a reference measured in the same run:

(a) `archive site OUT` on N generated records (whole process; wall and CPU seconds, so the
    use of both cores shows) against citeproc-js rendering the same CSL-JSON items, each
    alone, in the six styles of the Cite box (node + npm citeproc from tests/oracle, one
    process per style): the citations are the largest part of a catalog.
(b) `/oai?verb=ListRecords&metadataPrefix=oai_dc`, pages of 100, under 50 parallel
    clients (wrk, 2 threads, on 127.0.0.1), walking every page of the harvest, against the
    same pages served as fixed bytes by the same HTTP stack (Starlette on uvicorn): the
    ceiling of the server, so the ratio is what the OAI-PMH work costs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests import oracle  # noqa: E402
from tests.benchmarks.common import ARCHIVE, make_archive, run  # noqa: E402

STYLES = ("apa", "chicago", "mla", "harvard", "ieee", "vancouver")

# wrk: each connection walks the harvest's pages in turn, starting at its own page
WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  thread:set("offset", counter * 17)
  counter = counter + 1
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[((offset + i) %% #paths) + 1])
end
"""

# the reference: the same pages as fixed bytes, served by Starlette on uvicorn
FIXED_SERVER = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
pages = {}
for line in open(sys.argv[1], encoding="utf-8"):
    path, _, file = line.rstrip("\\n").partition("\\t")
    pages[path] = open(file, "rb").read()
async def oai(request):
    key = request.url.path + ("?" + request.url.query if request.url.query else "")
    return Response(pages[key], media_type="text/xml; charset=utf-8")
app = Starlette(routes=[Route("/oai", oai)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
            access_log=False)
"""


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def site(work: Path, root: Path, n: int, repeat: int) -> None:
    from archive.citations import record_to_csl
    from archive.store import Archive
    from archive.styles import resolve

    print(f"== archive site: {n:,} records (whole process, best of {repeat}; aim < 60 s)")
    best = None
    for i in range(repeat):
        out = work / f"site{i}"
        cpu0 = child_cpu()
        wall = run([*ARCHIVE, "--root", str(root), "site", str(out)])
        cpu = child_cpu() - cpu0
        if best is None or wall < best[0]:
            best = (wall, cpu)
        shutil.rmtree(out)
    wall, cpu = best
    print(f"archive site OUT                        {wall:7.2f} s wall, {cpu:6.2f} s CPU "
          f"({cpu / wall:.2f} cores busy), {1000 * wall / n:5.2f} ms/record")
    reason = oracle.skip_reason()
    if reason:
        print(f"(no citeproc-js reference: {reason})")
        return
    archive = Archive(root)
    csl = [record_to_csl(archive.read(i)) for i in sorted(archive.ids())]
    total = 0.0
    for name in STYLES:
        style = resolve(name, root)
        request = work / f"each-{name}.json"
        request.write_text(json.dumps({"style": str(style.path),
                                       "locale_dir": str(oracle.locale_dir()),
                                       "lang": style.locale, "items": csl, "mode": "each",
                                       "format": "html"}, ensure_ascii=False) + "\n",
                           encoding="utf-8")
        start = time.perf_counter()
        with request.open("rb") as stdin:
            proc = subprocess.run(["node", str(oracle.RENDER_JS)], stdin=stdin,
                                  capture_output=True)
        total += time.perf_counter() - start
        answer = json.loads(proc.stdout.decode("utf-8").splitlines()[0])
        if "error" in answer:
            raise SystemExit(f"citeproc-js failed on {name}: {answer['error']}")
    print(f"citeproc-js, the six styles, each item alone {total:7.2f} s   (one core)")
    print(f"archive site / citeproc-js citations    {wall / total:5.2f}x")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server ended: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url}: no answer")


def harvest_paths(base: str) -> list[str]:
    """Every page of a ListRecords harvest, as request paths."""
    paths = ["/oai?verb=ListRecords&metadataPrefix=oai_dc"]
    while True:
        with urllib.request.urlopen(base + paths[-1], timeout=60) as response:
            body = response.read().decode("utf-8")
        m = re.search(r"<resumptionToken[^>]*>([^<]+)</resumptionToken>", body)
        if not m:
            return paths
        token = m.group(1).replace("&amp;", "&")
        paths.append("/oai?verb=ListRecords&resumptionToken=" + urllib.parse.quote(token, safe=""))


def wrk(base: str, paths_file: Path, duration: int, script: Path) -> float:
    script.write_text(WRK_SCRIPT % {"paths": paths_file}, encoding="utf-8")
    proc = subprocess.run(["wrk", "-t2", "-c50", f"-d{duration}s", "--timeout", "30s",
                           "-s", str(script), base + "/oai"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"wrk failed: {proc.stderr}")
    m = re.search(r"Requests/sec:\s*([\d.]+)", proc.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", proc.stdout)
    if errors:
        print(f"  (wrk: {errors.group(0)})")
    return float(m.group(1))


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def oai(work: Path, root: Path, n: int, duration: int) -> None:
    if not shutil.which("wrk"):
        print("(no OAI-PMH figures: wrk is not installed; apt-get install wrk)")
        return
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen([*ARCHIVE, "--root", str(root), "serve", "--port", str(port),
                               "--page-size", "100"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/oai?verb=Identify", server)
        paths = harvest_paths(base)
        pages = work / "pages"
        pages.mkdir()
        listing = []
        for i, path in enumerate(paths):
            file = pages / f"{i}.xml"
            with urllib.request.urlopen(base + path, timeout=60) as response:
                file.write_bytes(response.read())
            listing.append(f"{path}\t{file}")
        paths_file = work / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
        (work / "fixed.tsv").write_text("\n".join(listing) + "\n", encoding="utf-8")
        print(f"\n== /oai ListRecords oai_dc, {len(paths)} pages of 100 on {n:,} records, "
              f"50 clients, {duration} s (wrk -t2 -c50)")
        ours = wrk(base, paths_file, duration, work / "walk.lua")
        print(f"archive serve                           {ours:8.1f} requests/s "
              f"({ours * 100:,.0f} records/s)")
    finally:
        stop(server)
    port = free_port()
    script = work / "fixed_server.py"
    script.write_text(FIXED_SERVER, encoding="utf-8")
    fixed = subprocess.Popen([sys.executable, str(script), str(work / "fixed.tsv"), str(port)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + paths[0], fixed)
        ref = wrk(base, paths_file, duration, work / "walk.lua")
        print(f"the same pages as fixed bytes (Starlette on uvicorn) {ref:8.1f} requests/s")
        print(f"archive serve / fixed bytes             {ours / ref:5.2f}x")
    finally:
        stop(fixed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="site builds, best kept")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server")
    parser.add_argument("--skip-site", action="store_true")
    parser.add_argument("--skip-oai", action="store_true")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root, _, _ = make_archive(work, args.records)
        if not args.skip_site:
            site(work, root, args.records, args.repeat)
        if not args.skip_oai:
            oai(work, root, args.records, args.duration)


if __name__ == "__main__":
    main()
