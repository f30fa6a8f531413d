"""Supplementary public series (Kuaishou results, NBS, CNNIC, media estimates),
cleaned to base units, each row tied to a ``references.bib`` entry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import quotes, units
from analysis.errors import InputError
from analysis.tables import period_check, validate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pandera.pandas as pa

RAW_COLUMNS = ["series_id", "entity", "period", "value", "unit", "qualifier", "status",
               "source_key", "source_url", "source_quote", "primary", "use_in_model", "note"]
STATUSES = ("official", "media_estimate")


def bib_keys(bib_text: str) -> set[str]:
    """Entry keys of a BibTeX/biblatex file."""
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", bib_text, flags=re.M))


def raw_schema(keys: set[str]) -> "pa.DataFrameSchema":
    """pandera schema of ``data/raw/public_series.csv``."""
    import pandera.pandas as pa

    def numeric(s):
        return s.str.fullmatch(r"-?[0-9]+(\.[0-9]+)?")


    return pa.DataFrameSchema(
        {
            "series_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$", error="series_id must be snake_case ASCII")),
            "entity": pa.Column(str, pa.Check.str_length(min_value=1, error="must not be empty")),
            "period": pa.Column(str, period_check("period must be ISO (2022, 2022Q3, 2023-06) and a real date")),
            "value": pa.Column(str, pa.Check(numeric, element_wise=False, error="value must be a plain number (digits, optional decimals)")),
            "unit": pa.Column(str, pa.Check.isin(sorted(units.UNITS), error="unknown unit")),
            "qualifier": pa.Column(str, pa.Check.isin(sorted(units.QUALIFIERS), error="unknown qualifier")),
            "status": pa.Column(str, pa.Check.isin(STATUSES, error="status must be official or media_estimate")),
            "source_key": pa.Column(str, pa.Check.isin(sorted(keys), error="source_key has no entry in paper/references.bib")),
            "source_url": pa.Column(str, pa.Check.str_matches(r"^https?://", error="source_url must be an http(s) address")),
            "source_quote": pa.Column(str, pa.Check.str_length(min_value=1, error="must not be empty")),
            "primary": pa.Column(str, pa.Check.isin(["yes", "no"], error="primary must be yes or no")),
            "use_in_model": pa.Column(str, pa.Check.isin(["yes", "no"], error="use_in_model must be yes or no")),
            "note": pa.Column(str),
        },
        strict=True, ordered=True, name="public_series (raw)",
    )


def check_one_model_row(df: "pd.DataFrame", path: str | Path) -> None:
    """At most one row per series, entity and period may feed the models."""
    used = df[df["use_in_model"] == "yes"]
    dupes = used[used.duplicated(["series_id", "entity", "period"], keep="first")]
    if len(dupes):
        row = int(dupes.index[0])
        rec = dupes.iloc[0]
        raise InputError(path, f"two rows of {rec['series_id']} {rec['entity']} {rec['period']} are marked "
                               "use_in_model=yes; mark exactly one", row=row, column="use_in_model")


def clean(raw: "pd.DataFrame", keys: set[str], path: str | Path) -> "pd.DataFrame":
    """Validated raw rows → base units (CNY, persons, percent, CNY_per_USD)."""
    import pandas as pd

    df = validate(raw, raw_schema(keys), path)
    check_one_model_row(df, path)
    out = df.copy()
    numbers = [units.parse_number(v) for v in df["value"]]
    factors = [units.parse_unit(u) for u in df["unit"]]
    out["value"] = pd.Series([n.value for n in numbers], index=df.index, dtype=float)
    out["value_std"] = out["value"] * pd.Series([f for f, _ in factors], index=df.index, dtype=float)
    out["unit_std"] = [u for _, u in factors]
    for row, value, unit_std in zip(df.index, out["value_std"], out["unit_std"]):
        if value < 0 and unit_std not in ("percent", "percentage_points"):
            raise InputError(path, f"amounts and counts must not be negative (found {value:g} "
                                   f"{unit_std})", row=int(row), column="value")
        if value == 0 and unit_std not in ("percent", "percentage_points"):
            # A level of 0 (GMV, sales, users) is no observation: the models take its
            # logarithm and the audit divides by it. Leave out a period without a figure.
            raise InputError(path, f"a level of 0 {unit_std} is not an observation; leave the row "
                                   "out if the source gives no figure", row=int(row), column="value")
    quotes.check_values(df, path, quote="source_quote", value="value", unit="unit",
                        qualifier="qualifier")
    out["resolution_std"] = pd.Series([n.resolution * f for n, (f, _) in zip(numbers, factors)],
                                      index=df.index, dtype=float)
    out["qualifier"] = [units.parse_qualifier(q) for q in df["qualifier"]]
    out["use_in_model"] = df["use_in_model"] == "yes"
    out["primary"] = df["primary"] == "yes"
    cols = ["series_id", "entity", "period", "value", "unit", "qualifier", "value_std", "unit_std",
            "resolution_std", "status", "use_in_model", "primary", "source_key", "source_url",
            "source_quote", "note"]
    return out[cols].sort_values(["series_id", "period", "source_key"], kind="stable").reset_index(drop=True)


def model_series(df: "pd.DataFrame", series_id: str) -> "pd.DataFrame":
    """The rows of one series that feed the models, in period order."""
    sel = df[(df["series_id"] == series_id) & df["use_in_model"]]
    if sel.empty:
        raise KeyError(f"no model rows for series '{series_id}'")
    return sel.sort_values("period").reset_index(drop=True)
