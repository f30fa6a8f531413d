"""The dated events the paper mentions, as a typed timeline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from analysis import quotes, units
from analysis.cited import ID_PATTERN, SECTION_PATTERN, check_quotes
from analysis.errors import InputError
from analysis.tables import period_check, validate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

RAW_COLUMNS = ["event_id", "date_printed", "date", "date_end", "precision", "section", "quote_zh",
               "entity", "label_zh", "label_en", "note"]
PROCESSED_COLUMNS = ["event_id", "date", "date_end", "precision", "label_zh", "label_en",
                     "section", "entity", "date_printed", "quote_zh", "note"]
PRECISION_OF = {"year": "year", "month": "month", "day": "day"}


def raw_schema() -> "pa.DataFrameSchema":
    import pandera.pandas as pa


    nonempty = pa.Check.str_length(min_value=1, error="must not be empty")
    return pa.DataFrameSchema(
        {
            "event_id": pa.Column(str, pa.Check.str_matches(ID_PATTERN, error="id must be snake_case ASCII"), unique=True, report_duplicates="all"),
            "date_printed": pa.Column(str, nonempty),
            "date": pa.Column(str, [nonempty, period_check("date must be ISO (2021, 2021-01, 2021-08-20) and a real date", kinds=("year", "month", "day"))]),
            "date_end": pa.Column(str, period_check("date_end must be empty or ISO", allow_empty=True, kinds=("year", "month", "day"))),
            "precision": pa.Column(str, pa.Check.isin(sorted(PRECISION_OF), error="precision must be day, month or year")),
            "section": pa.Column(str, pa.Check.str_matches(SECTION_PATTERN, error="section must be 'abstract' or like 2.1.4")),
            "quote_zh": pa.Column(str, nonempty),
            "entity": pa.Column(str, nonempty),
            "label_zh": pa.Column(str, nonempty),
            "label_en": pa.Column(str, nonempty),
            "note": pa.Column(str),
        },
        strict=True, ordered=True, name="timeline_events (raw)",
    )


def check_against_quote(rec: "pd.Series", path: str | Path, row: int) -> None:
    """The printed date must be printed in the quote, and the typed date (or range) must
    be one the quote states."""
    quote = rec["quote_zh"]
    stated = quotes.periods(quote)
    if quotes.normalise(rec["date_printed"]) not in quotes.normalise(quote):
        raise InputError(path, f"date_printed '{rec['date_printed']}' is not printed in the quote "
                               f"{quote!r}" + (f" (it states {', '.join(stated)})" if stated else "")
                               + ". Copy the date as the quote prints it", row=row,
                         column="date_printed")
    typed = rec["date"] + (f"/{rec['date_end']}" if rec["date_end"] else "")
    if stated and typed not in stated:
        raise InputError(path, f"date '{typed}' is not a date the quote {quote!r} states (it states "
                               f"{', '.join(stated)})", row=row, column="date")


def clean(raw: "pd.DataFrame", seed_text: str, path: str | Path) -> "pd.DataFrame":
    """Validate, check each date against its printed form and precision, sort by date."""
    df = validate(raw, raw_schema(), path)
    check_quotes(df, seed_text, path)
    for row, rec in df.iterrows():
        kind = units.period_kind(rec["date"])
        if kind != rec["precision"]:
            raise InputError(path, f"date '{rec['date']}' is {kind}-precise but precision says "
                                   f"'{rec['precision']}'", row=int(row), column="precision")
        parsed = units.parse_zh_period(rec["date_printed"])
        start = parsed.split("/")[0] if parsed else None
        if start and start != rec["date"]:
            raise InputError(path, f"date '{rec['date']}' disagrees with the printed "
                                   f"'{rec['date_printed']}' (reads as {start})",
                             row=int(row), column="date")
        end = parsed.split("/")[1] if parsed and "/" in parsed else None
        if end and end != rec["date_end"]:
            raise InputError(path, f"date_end '{rec['date_end']}' disagrees with the printed "
                                   f"'{rec['date_printed']}' (ends {end})",
                             row=int(row), column="date_end")
        if rec["date_end"] and rec["date_end"] < rec["date"]:
            raise InputError(path, "date_end is before date", row=int(row), column="date_end")
        check_against_quote(rec, path, int(row))
    out = df[PROCESSED_COLUMNS].sort_values(["date", "event_id"], kind="stable")
    return out.reset_index(drop=True)
