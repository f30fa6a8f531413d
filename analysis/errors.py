"""Errors that name what to fix: the file, the row and the column."""

from __future__ import annotations

from pathlib import Path


class InputError(ValueError):
    """Bad input data. The message leads with ``file, row N (line M), column 'c'``.

    ``row`` is the 1-based data row (the header is not a row); ``line`` is the
    line a text editor shows, which is ``row + 1`` for a CSV with one header
    line and no multi-line fields.
    """

    def __init__(self, path: str | Path, message: str, *, row: int | None = None,
                 column: str | None = None, line: int | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        self.line = line if line is not None else (row + 1 if row is not None else None)
        self.detail = message
        where = [self.path]
        if row is not None:
            where.append(f"row {row} (line {self.line})")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(", ".join(where) + ": " + message)


class FontNotFoundError(RuntimeError):
    """The configured CJK font is not installed: Chinese would render as tofu."""
