"""Reading a JSON list one element at a time, so a 50 MB file never sits in memory whole.

The standard library's decoder parses each element from a window of the file; the
window grows only when one element does not fit. Errors name the line and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from .base import FormatError

CHUNK = 1 << 20
MAX_ITEM = 16 << 20
_WS = " \t\r\n"


class _Window:
    def __init__(self, stream: TextIO, source: str):
        self.stream = stream
        self.source = source
        self.buf = ""
        self.pos = 0
        self.line = 1  # line of buf[0]
        self.col0 = 1  # column of buf[0]
        self.eof = False
        self.mark = (0, 1, 1)  # a position in buf whose (line, column) is known

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        # drop what was consumed, counting its lines
        self.line, self.col0 = self.where(self.pos)
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        self.mark = (0, self.line, self.col0)
        return True

    def skip_ws(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def where(self, pos: int | None = None) -> tuple[int, int]:
        """(line, column) of a position in the window, counted on from the last one
        asked for, so that a file of many items is not counted again and again."""
        pos = self.pos if pos is None else pos
        at, line, col = self.mark
        if pos < at:
            at, line, col = 0, self.line, self.col0
        nl = self.buf.count("\n", at, pos)
        if nl:
            line += nl
            col = pos - self.buf.rfind("\n", at, pos)
        else:
            col += pos - at
        self.mark = (pos, line, col)
        return line, col

    def fail(self, problem: str, pos: int | None = None) -> FormatError:
        line, col = self.where(pos)
        return FormatError(f"{self.source}, line {line}, column {col}: {problem}",
                           located=[(line, None, problem)])

    def value(self) -> tuple[int, Any]:
        decoder = json.JSONDecoder()
        while True:
            try:
                value, end = decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # the element may only be cut by the window: read on (an element
                # larger than MAX_ITEM is taken as the error it surely is)
                if len(self.buf) - self.pos < MAX_ITEM and self.more():
                    continue
                early = " (the file ends early)" if (
                    self.eof and exc.pos >= len(self.buf.rstrip())) else ""
                raise self.fail(f"not valid JSON: {exc.msg}{early}", exc.pos) from None
            line = self.where()[0]
            self.pos = end
            return line, value


def iter_array(stream: TextIO, source: str, what: str = "JSON",
               single: Callable[[Any], bool] | None = None) -> Iterator[tuple[int, Any]]:
    """(line, element) for each element of the list the stream holds.

    A top-level value that is not a list is one element when ``single(value)`` says so,
    else an error that says what the file should hold."""
    win = _Window(stream, source)
    first = win.skip_ws()
    if first == "\ufeff":
        win.pos += 1
        first = win.skip_ws()
    if not first:
        raise FormatError(f"{source}: the file is empty")
    if first != "[":
        line, value = win.value()
        if win.skip_ws():
            raise win.fail("not valid JSON: extra data after the value")
        if single is not None and single(value):
            yield line, value
            return
        raise FormatError(f"{source}: {what} must be a list of items (or one item), "
                          f"not {type(value).__name__}")
    win.pos += 1
    if win.skip_ws() == "]":
        win.pos += 1
        if win.skip_ws():
            raise win.fail("not valid JSON: extra data after the list")
        return
    while True:
        c = win.skip_ws()
        if not c:
            raise win.fail("not valid JSON: the list is not closed (the file ends early)")
        yield win.value()
        c = win.skip_ws()
        if c == ",":
            win.pos += 1
            continue
        if c == "]":
            win.pos += 1
            if win.skip_ws():
                raise win.fail("not valid JSON: extra data after the list")
            return
        if not c:
            raise win.fail("not valid JSON: the list is not closed (the file ends early)")
        raise win.fail("not valid JSON: expecting ',' or ']' between items")
