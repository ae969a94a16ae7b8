"""The static catalog in a real browser: headless Chromium (Debian's, driven by Playwright)
opens the built site from disk (file://) and over HTTP, filters, sorts, follows a record
link, copies a citation, and sees no console error, page error or dialog on any page.

Skipped with the reason when Chromium or Playwright is missing, except under
ARCHIVE_REQUIRE_ORACLE=1 (CI), where that is a failure."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests import sitekit
from tests.conftest import SEED_ID
from tests.oaiserve import Served
from tests.oracle import skip_or_fail
from tests.sitekit import HOSTILE_ID, OTHER_ID, REMOVED_ID

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; .ci/run does)"
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Chromium is not installed (Debian package chromium; .ci/run installs it)"
    return None


@pytest.fixture(scope="module")
def archive_root(tmp_path_factory) -> Path:
    reason = _missing()
    if reason:
        skip_or_fail(reason)
    return sitekit.make_archive(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def built(archive_root) -> Path:
    out = archive_root.parent / "public"
    proc = sitekit.build_site(archive_root, out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def served_root(archive_root):
    """The same archive served by `archive serve` (pages rendered by the server)."""
    with Served(archive_root) as served:
        yield served.url


@pytest.fixture(scope="module")
def http_root(built):
    """The built site served over HTTP on 127.0.0.1 (a port the system picks)."""
    handler = functools.partial(_QuietHandler, directory=str(built))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser(built):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                              else shutil.which("chromium"), args=ARGS)
        try:
            yield b
        finally:
            b.close()


class Watched:
    """A page whose console errors, page errors, dialogs and failed requests are kept."""

    def __init__(self, context):
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"),
                                          d.dismiss()))
        self.page.on("requestfailed", lambda r: self.problems.append(
            f"request failed: {r.url}"))


def _row_ids(page) -> list[str]:
    return page.eval_on_selector_all("#catalog tbody tr:not([hidden])",
                                     "rows => rows.map(r => r.dataset.id)")


@pytest.mark.parametrize("where", ["file", "http", "serve"])
def test_catalog_in_a_real_browser(request, built, browser, where):
    # waits poll from Python (expect), never with a script string: the served pages'
    # Content-Security-Policy forbids eval, as it should
    from playwright.sync_api import expect

    base = {"file": lambda: built.as_uri() + "/",
            "http": lambda: request.getfixturevalue("http_root"),
            "serve": lambda: request.getfixturevalue("served_root")}[where]()
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    w = Watched(context)
    page = w.page
    try:
        page.goto(base + "index.html")
        assert page.inner_text("#count").strip() == "3 of 3 records"
        everything = _row_ids(page)
        assert sorted(everything) == sorted([SEED_ID, HOSTILE_ID, OTHER_ID])

        # search: folded case and diacritics, over authors, subjects, abstract
        page.fill("#q", "SORENSEN")
        expect(page.locator("#shown")).to_have_text("1")
        assert _row_ids(page) == [OTHER_ID]
        page.fill("#q", "détente")  # a subject, typed with its accent
        expect(page.locator("#shown")).to_have_text("1")
        assert _row_ids(page) == [OTHER_ID]
        page.fill("#q", "northern territories")
        expect(page.locator("#shown")).to_have_text("1")
        assert _row_ids(page) == [SEED_ID]
        page.fill("#q", "no such words anywhere")
        expect(page.locator("#shown")).to_have_text("0")
        assert _row_ids(page) == [] and page.is_visible("#none")
        page.fill("#q", "")
        expect(page.locator("#shown")).to_have_text("3")
        page.select_option("#series", "GFJ Commentary")
        assert _row_ids(page) == [SEED_ID]
        assert page.inner_text("#shown") == "1"
        page.select_option("#series", "")
        assert len(_row_ids(page)) == 3

        # sorting by date, by mouse and by keyboard
        page.click("th[data-key=date] button")
        assert page.get_attribute("th[data-key=date]", "aria-sort") == "ascending"
        assert _row_ids(page) == [OTHER_ID, SEED_ID, HOSTILE_ID]  # 2021-03, 2022, 2023
        page.focus("th[data-key=date] button")
        page.keyboard.press("Enter")
        assert page.get_attribute("th[data-key=date]", "aria-sort") == "descending"
        assert _row_ids(page) == [HOSTILE_ID, SEED_ID, OTHER_ID]
        page.click("th[data-key=title] button")
        assert page.get_attribute("th[data-key=date]", "aria-sort") is None
        titles = page.eval_on_selector_all("#catalog tbody tr td:first-child",
                                           "cells => cells.map(c => c.textContent)")
        assert titles[0].startswith("<script>")  # "<" sorts before letters
        assert titles[1].startswith("Do not") and titles[2].startswith("Ostpolitik")

        # a record page, through its link
        page.click(f"tr[data-id='{SEED_ID}'] a")
        page.wait_for_load_state()
        assert page.url.endswith(f"records/{SEED_ID}.html")
        assert page.inner_text("h1").startswith("Do not be disturbed")
        expected = " ".join(page.inner_text("#cite-apa").split())
        assert expected.startswith("Tokiwa, S. (2022).")
        page.click("button[data-copy='cite-apa']")
        expect(page.locator(".copy-status")).to_have_text(re.compile("^Copied"))
        assert page.evaluate("navigator.clipboard.readText()") == expected
        # and as rich text: the title keeps its italics when pasted into a word processor
        rich = page.evaluate("""async () => {
            const items = await navigator.clipboard.read();
            const html = items[0].types.includes('text/html')
                ? await (await items[0].getType('text/html')).text() : '';
            return html; }""")
        assert "<i>Do not be disturbed" in rich, rich
        # its links resolve: back to the index, a download, an archived file
        for href in ("../index.html", f"{SEED_ID}/{SEED_ID}.bib",
                     f"{SEED_ID}/files/commentary.txt"):
            assert page.locator(f"a[href='{href}']").count() >= 1, href

        # the hostile record and the removed one: no dialog, no error
        page.goto(base + f"records/{HOSTILE_ID}.html")
        assert page.inner_text("h1") == sitekit.HOSTILE_TITLE
        assert page.locator("b").count() == 0
        page.goto(base + f"records/{REMOVED_ID}.html")
        assert "removed" in page.inner_text("main")
        page.goto(base + "404.html")
        assert page.inner_text("h1") == "Not found"
        if where == "serve":
            # the record's own address, negotiated as text/html: the same page, links and all
            response = page.goto(base + f"records/{SEED_ID}")
            assert response.status == 200
            assert page.inner_text("h1").startswith("Do not be disturbed")
            page.click("a.home")
            page.wait_for_load_state()
            assert page.inner_text("#count").strip() == "3 of 3 records"
            response = page.goto(base + "records/no-such-record")
            assert response.status == 404 and page.inner_text("h1") == "Not found"
            # the pages of a removed record (410) and of an unknown one (404, and 404.html
            # itself) say so in their status; Chromium logs each such status
            expected_status = ("console: Failed to load resource: the server responded with a "
                               "status of 410 (Gone)",
                               "console: Failed to load resource: the server responded with a "
                               "status of 404 (Not Found)")
            assert {p for p in w.problems if p in expected_status} == set(expected_status)
            w.problems = [p for p in w.problems if p not in expected_status]
    finally:
        context.close()
    assert w.problems == []


def test_an_archived_html_file_cannot_run_script_in_the_catalog(tmp_path, browser):
    """A depositor's HTML file is served sandboxed: its script does not run (no dialog, no
    change to the page), while the file is still shown."""
    from archive.store import Archive

    root = sitekit.make_archive(tmp_path)
    deposit = tmp_path / "page.html"
    deposit.write_text("<!DOCTYPE html><title>deposited</title><p id=p>text</p>"
                       "<script>alert('ran'); document.getElementById('p').textContent = "
                       "'changed';</script>", encoding="utf-8")
    Archive.open(root).attach(OTHER_ID, deposit)
    with Served(root) as served:
        context = browser.new_context()
        w = Watched(context)
        try:
            response = w.page.goto(served.url + f"records/{OTHER_ID}/files/page.html")
            assert response.status == 200
            assert w.page.inner_text("#p") == "text"
        finally:
            context.close()
    assert not any(p.startswith("dialog") for p in w.problems), w.problems
