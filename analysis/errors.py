"""Errors that name what to fix: the file, the row and the column."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# Where each data row of a table starts, per file, as the table reader found it
# (comment lines, blank lines and quoted line breaks make it differ from row + 1).
_ROW_LINES: dict[str, Mapping[int, int]] = {}


def record_row_lines(path: str | Path, lines: Mapping[int, int]) -> None:
    """Remember the line each data row of ``path`` starts on, for later messages."""
    _ROW_LINES[str(path)] = dict(lines)


def row_line(path: str | Path, row: int) -> int:
    """The line data row ``row`` of ``path`` starts on (``row + 1`` if unknown)."""
    return _ROW_LINES.get(str(path), {}).get(row, row + 1)


class InputError(ValueError):
    """Bad input data. The message leads with ``file, row N (line M), column 'c'``
    (a YAML file: ``file, line M, key 'a.b'``).

    ``row`` is the 1-based data row (the header, comment and blank lines are not
    rows); ``line`` is the line a text editor shows: where the table reader saw
    the row start (``row + 1`` for a file it has not read).
    """

    def __init__(self, path: str | Path, message: str, *, row: int | None = None,
                 column: str | None = None, line: int | None = None, key: str | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        self.key = key
        self.line = line if line is not None else (row_line(path, row) if row is not None else None)
        self.detail = message
        where = [self.path]
        if row is not None:
            where.append(f"row {row} (line {self.line})")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if column is not None:
            where.append(f"column '{column}'")
        if key is not None:
            where.append(f"key '{key}'")
        super().__init__(", ".join(where) + ": " + message)


class FontNotFoundError(RuntimeError):
    """The configured CJK font is not installed: Chinese would render as tofu."""
