"""Read raw CSV tables strictly and validate them with pandera.

Whatever is wrong (encoding, shape, a missing column, a value a schema
rejects), the error names the file, the data row and the column, so the
person who edited the file can go straight to the cell.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import InputError, record_row_lines

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path, "the file is empty (expected a header row and data rows)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not valid UTF-8 at byte {exc.start} (line {line}); "
                               "save the file as UTF-8", line=line,
                         row=line - 1 if line > 1 else None) from None


COMMENT = "#"


def _is_blank(fields: list[str]) -> bool:
    return all(not f.strip() for f in fields)


def _is_comment(fields: list[str]) -> bool:
    # The first column of every table is an id, which never starts with '#'.
    return bool(fields) and fields[0].lstrip().startswith(COMMENT)


def _records(path: Path, text: str) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The header (its line, its cells) and the data records (line, cells).

    Comment lines (``# …``) are skipped wherever they are; blank lines (or lines
    of spaces) at the end are ignored, but not inside the table. The strict
    ``csv`` reader checks quoting, and every record must have as many fields as
    the header: pandas would silently pad a short record, and a stray quote
    merges the following lines into one field, so whatever error followed (if
    any) would point at the wrong column.
    """
    import csv

    reader = csv.reader(io.StringIO(text), strict=True)
    header: list[str] | None = None
    header_line = 1
    data: list[tuple[int, list[str]]] = []
    blank: int | None = None  # line of a blank line after the last data record
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if _is_comment(fields):
                continue
            if _is_blank(fields):
                if header is not None and blank is None:
                    blank = line
                continue
            if header is None:
                header, header_line = fields, line
                continue
            row = len(data) + 1
            if blank is not None:
                raise InputError(path, "blank line inside the table (delete it, or start it "
                                       f"with '{COMMENT}' to keep it as a comment)",
                                 row=row, line=blank)
            if len(fields) != len(header):
                hint = (f" (a quoted field runs from line {line} to line {reader.line_num}: "
                        "unbalanced quote?)" if reader.line_num > line else "")
                raise InputError(path, f"malformed CSV: {len(fields)} fields where the header "
                                       f"has {len(header)}{hint}", row=row, line=line)
            data.append((line, fields))
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV: {exc} (unbalanced quote?)",
                         row=len(data) + 1 if header is not None else None, line=start) from None
    if header is None:
        raise InputError(path, "the file has no header row")
    return header_line, header, data


def _column_hint(name: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" (the header has '{close[0]}': check its spelling)" if close else ""


def read_csv(path: str | Path, columns: list[str], optional: tuple[str, ...] = ()) -> "pd.DataFrame":
    """Read a CSV of text cells; require ``columns`` (plus ``optional``), in any order.

    Cells stay strings (typing is the schema's job), with surrounding spaces
    removed; the columns come back in the order of ``columns``; the index is the
    1-based data row, which is what error messages report (with the line the
    row starts on).
    """
    import pandas as pd

    path = Path(path)
    text = _decode(path)
    header_line, raw_header, data = _records(path, text)
    header = [c.strip() for c in raw_header]
    for raw, name in zip(raw_header, header):
        if raw != name:
            log.warning("%s, line %d: header cell %r read as '%s' (surrounding spaces removed)",
                        path, header_line, raw, name)
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise InputError(path, f"duplicate column(s) in the header: {', '.join(dupes)}",
                         column=dupes[0], line=header_line)
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns and c not in optional]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}"
                               + _column_hint(missing[0], extra), column=missing[0],
                         line=header_line)
    if extra:
        raise InputError(path, f"unexpected column(s): {', '.join(extra)} "
                               f"(expected: {', '.join(columns)})" + _column_hint(extra[0], columns),
                         column=extra[0], line=header_line)
    if not data:
        raise InputError(path, "the file has a header but no data rows")
    record_row_lines(path, {row: line for row, (line, _) in enumerate(data, start=1)})
    df = pd.DataFrame([[cell.strip() for cell in fields] for _, fields in data],
                      columns=header, dtype=str)
    df = df[list(columns) + [c for c in optional if c in header]]
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    return df


def period_check(error: str, **options) -> "pa.Check":
    """A pandera check that every cell is an ISO period (see ``units.is_period``)."""
    import pandera.pandas as pa

    from analysis.units import is_period

    return pa.Check(lambda s: s.map(lambda x: is_period(x, **options)), element_wise=False,
                    error=error)


def _found(case) -> str:
    """``<check> (found '<value>')``, with a hint when the value is typed in full-width
    characters (２０２１, ８８．５) that read as ASCII once normalised."""
    import unicodedata

    value = case["failure_case"]
    text = f"{case['check']} (found {value!r})"
    if isinstance(value, str):
        plain = unicodedata.normalize("NFKC", value)
        if plain != value and plain.isascii():
            text += f"; it has full-width characters: type it as '{plain}'"
    return text


def validate(df: "pd.DataFrame", schema: "pa.DataFrameSchema", path: str | Path,
             max_listed: int = 10) -> "pd.DataFrame":
    """Validate with pandera; raise ``InputError`` at the first failing cell.

    The message lists up to ``max_listed`` further failures, so one run shows
    what needs fixing.
    """
    import pandera.errors

    try:
        return schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.copy()
        cases["index"] = cases["index"].astype("Int64")
        cases = cases.sort_values(["index", "column"], na_position="first", kind="stable")
        lines = []
        for _, case in cases.head(max_listed).iterrows():
            where = f"row {case['index']}" if case["index"] is not None and str(case["index"]) != "<NA>" else "table"
            lines.append(f"{where}, column '{case['column']}': {_found(case)}")
        first = cases.iloc[0]
        row = None if str(first["index"]) == "<NA>" else int(first["index"])
        more = len(cases) - max_listed
        detail = "; ".join(lines[1:]) + (f"; and {more} more" if more > 0 else "")
        message = _found(first)
        if detail:
            message += f". Also: {detail}"
        raise InputError(path, message, row=row, column=str(first["column"])) from None


def check_not_after(df: "pd.DataFrame", columns: list[str], limit, path: str | Path,
                    why: str) -> None:
    """No date or period in ``columns`` (valid ISO, or empty) may begin after ``limit``,
    the day the file was read: a source read then cannot report it."""
    from analysis.units import first_days

    for column in columns:
        for row, value in df[column].items():
            if value and any(day > limit for day in first_days(value)):
                raise InputError(path, f"{column} {value} begins after {limit}, {why}: no source "
                                       "read then can report it (a typo in the year?)",
                                 row=int(row), column=column)
