"""Read raw CSV tables strictly and validate them with pandera.

Whatever is wrong (encoding, shape, a missing column, a value a schema
rejects), the error names the file, the data row and the column, so the
person who edited the file can go straight to the cell.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.errors import InputError

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


def _check_structure(path: Path, text: str) -> None:
    """Every record must have as many fields as the header, quotes balanced.

    pandas silently pads a short record with empty cells, and a stray quote
    merges the following lines into one field, so whatever error follows (if
    any) points at the wrong column; the strict ``csv`` reader catches both
    and names the record's row.
    """
    import csv

    reader = csv.reader(io.StringIO(text), strict=True)
    row, start = 0, 1
    try:
        header = next(reader, None)
        if header is None:  # nothing but a BOM: pandas reports the missing header
            return
        start = reader.line_num + 1
        for record in reader:
            row += 1
            if record and len(record) != len(header):
                hint = (f" (a quoted field runs from line {start} to line {reader.line_num}: "
                        "unbalanced quote?)" if reader.line_num > start else "")
                raise InputError(path, f"malformed CSV: {len(record)} fields where the header "
                                       f"has {len(header)}{hint}", row=row, line=start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV: {exc} (unbalanced quote?)",
                         row=row + 1 if start > 1 else None, line=start) from None


def read_csv(path: str | Path, columns: list[str], optional: tuple[str, ...] = ()) -> "pd.DataFrame":
    """Read a CSV of text cells; require exactly ``columns`` (plus ``optional``).

    Cells stay strings (typing is the schema's job); the index is the 1-based
    data row, which is what error messages report.
    """
    import pandas as pd

    path = Path(path)
    text = _decode(path)
    _check_structure(path, text)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                         skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        raise InputError(path, f"malformed CSV: {exc}".rstrip(),
                         row=line - 1 if line else None, line=line) from None
    except pd.errors.EmptyDataError:
        raise InputError(path, "the file has no header row") from None
    header = text.splitlines()[0].split(",")
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise InputError(path, f"duplicate column(s) in the header: {', '.join(dupes)}",
                         column=dupes[0], line=1)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}", column=missing[0],
                         line=1)
    extra = [c for c in df.columns if c not in columns and c not in optional]
    if extra:
        raise InputError(path, f"unexpected column(s): {', '.join(map(str, extra))} "
                               f"(expected: {', '.join(columns)})", column=str(extra[0]), line=1)
    if df.empty:
        raise InputError(path, "the file has a header but no data rows")
    blank = df.index[(df == "").all(axis=1)]
    if len(blank):
        raise InputError(path, "blank line inside the table", row=int(blank[0]) + 1)
    df.index = pd.RangeIndex(1, len(df) + 1, name="row")
    return df


def period_check(error: str, **options) -> "pa.Check":
    """A pandera check that every cell is an ISO period (see ``units.is_period``)."""
    import pandera.pandas as pa

    from analysis.units import is_period

    return pa.Check(lambda s: s.map(lambda x: is_period(x, **options)), element_wise=False,
                    error=error)


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
            lines.append(f"{where}, column '{case['column']}': {case['check']} "
                         f"(found {case['failure_case']!r})")
        first = cases.iloc[0]
        row = None if str(first["index"]) == "<NA>" else int(first["index"])
        more = len(cases) - max_listed
        detail = "; ".join(lines[1:]) + (f"; and {more} more" if more > 0 else "")
        message = f"{first['check']} (found {first['failure_case']!r})"
        if detail:
            message += f". Also: {detail}"
        raise InputError(path, message, row=row, column=str(first["column"])) from None
