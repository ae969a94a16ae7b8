"""Work spread over the machine's cores for long runs (validate, building the index).

Small jobs run in this process: starting workers costs more than it saves.
Workers are forked where the platform allows, so they start with the modules loaded.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 1000  # below this many items, one process is faster
CHUNK = 250


def _run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(x) for x in chunk]


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_ordered(fn: Callable[[T], R], items: Sequence[T],
                progress: Callable[[int], Any] | None = None) -> Iterator[R]:
    """``fn`` over ``items``, results in order; ``fn`` must be a module-level function."""
    workers = cores()
    if len(items) < MIN_PARALLEL or workers < 2:
        for x in items:
            yield fn(x)
            if progress:
                progress(1)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for chunk, results in zip(chunks, pool.map(_run_chunk, [fn] * len(chunks), chunks)):
            yield from results
            if progress:
                progress(len(chunk))


# --------------------------------------------------------------------------- a reader aside

READ_AHEAD_BYTES = 2 << 20  # files smaller than this are read in this process
_BATCH = 200


def _read_aside(produce: Callable[[], Iterator[tuple[Any, int]]], queue: Any) -> None:
    """In the reader process: send batches of (item, bytes read so far), then the end."""
    from .errors import ArchiveError

    try:
        batch: list[tuple[Any, int]] = []
        for pair in produce():
            batch.append(pair)
            if len(batch) >= _BATCH:
                queue.put(("items", batch))
                batch = []
        queue.put(("items", batch))
        queue.put(("end", None))
    except ArchiveError as exc:
        queue.put(("refused", (type(exc).__name__, exc.message, exc.details, exc.located)))
    except BaseException:  # a bug: hand its traceback over, to be reported as one
        import traceback

        queue.put(("crashed", traceback.format_exc()))


def read_aside(produce: Callable[[], Iterator[tuple[Any, int]]], size: int
               ) -> Iterator[tuple[Any, int]]:
    """What ``produce()`` yields, made in another process while this one works on it.

    Reading and converting a large file (parsing BibTeX, RIS, JSON) then overlaps with
    what the caller does with each item (validating, writing). At most a few batches wait
    in the queue, so memory stays flat. ``produce`` runs in a forked process; a small file,
    one core, or a platform without fork reads in this process."""
    methods = multiprocessing.get_all_start_methods()
    if size < READ_AHEAD_BYTES or cores() < 2 or "fork" not in methods:
        yield from produce()
        return
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue(maxsize=8)
    reader = ctx.Process(target=_read_aside, args=(produce, queue), daemon=True)
    reader.start()
    try:
        while True:
            kind, payload = queue.get()
            if kind == "items":
                yield from payload
            elif kind == "end":
                return
            elif kind == "refused":
                from . import errors
                from .formats.base import FormatError

                name, message, details, located = payload
                cls = FormatError if name == "FormatError" else getattr(
                    errors, name, errors.ArchiveError)
                raise cls(message, details, located)
            else:
                raise RuntimeError(f"the reader process failed:\n{payload}")
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join(timeout=5)
