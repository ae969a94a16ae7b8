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
