"""Turn the paper's printed statistics into one typed, sourced table.

Raw rows keep the text as printed (``超过``, ``16``, ``亿元``, ``去年``); this
module parses them into standard units, resolves relative periods from a
separate evidence table, and computes the figures the paper gives only as
differences ("比2020年多了6个亿"), each marked derived with its formula.
"""

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

RAW_COLUMNS = ["stat_id", "section", "quote_zh", "entity", "metric", "period_printed", "period",
               "value_printed", "unit_printed", "qualifier_printed", "label_zh", "label_en",
               "source_given", "note"]
RESOLUTION_COLUMNS = ["stat_id", "period", "evidence", "source"]
DERIVED_COLUMNS = ["stat_id", "formula", "unit_std", "qualifier", "period", "entity", "metric",
                   "label_zh", "label_en", "note"]
PROCESSED_COLUMNS = ["stat_id", "section", "quote_zh", "label_zh", "label_en", "entity",
                     "metric", "period", "period_printed", "period_basis", "value", "unit",
                     "qualifier", "value_std", "unit_std", "resolution_std", "source",
                     "derived", "formula", "note"]

# Printed periods relative to a year the reader must work out; each needs a row
# in the resolution table with its evidence. (目前, "currently", is left undated:
# the paper gives no date of writing.)
RELATIVE_PERIODS = ("去年", "今年", "明年", "前年")
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SECTION_PATTERN = r"^(abstract|[0-9]+(\.[0-9]+)*)$"


def normalise_quote_text(text: str) -> str:
    """Join the seed's hard-wrapped lines so quotes can be found in it."""
    return re.sub(r"\s*\n\s*", "", text)


def _nonempty(pa):
    return pa.Check.str_length(min_value=1, error="must not be empty")


def raw_schema() -> "pa.DataFrameSchema":
    """pandera schema of ``data/raw/cited_statistics.csv``."""
    import pandera.pandas as pa

    def number_ok(s):
        def ok(x):
            try:
                units.parse_number(x)
                return True
            except ValueError:
                return False
        return s.map(ok)


    return pa.DataFrameSchema(
        {
            "stat_id": pa.Column(str, [pa.Check.str_matches(ID_PATTERN, error="id must be snake_case ASCII")],
                                 unique=True, report_duplicates="all"),
            "section": pa.Column(str, pa.Check.str_matches(SECTION_PATTERN, error="section must be 'abstract' or like 2.1.4")),
            "quote_zh": pa.Column(str, _nonempty(pa)),
            "entity": pa.Column(str, _nonempty(pa)),
            "metric": pa.Column(str, pa.Check.str_matches(ID_PATTERN, error="metric must be snake_case ASCII")),
            "period_printed": pa.Column(str),
            "period": pa.Column(str, period_check(allow_empty=True,
                                              error="period must be ISO (2022, 2022Q3, 2023-06, 2021-08-20, 2004/2023) and a real date")),
            "value_printed": pa.Column(str, pa.Check(number_ok, element_wise=False,
                                                     error="value must be a number as printed (digits or Chinese numerals)")),
            "unit_printed": pa.Column(str, pa.Check.isin(sorted(units.UNITS), error="unknown unit")),
            "qualifier_printed": pa.Column(str, pa.Check.isin(sorted(units.QUALIFIERS), error="unknown qualifier")),
            "label_zh": pa.Column(str, _nonempty(pa)),
            "label_en": pa.Column(str, _nonempty(pa)),
            "source_given": pa.Column(str, _nonempty(pa)),
            "note": pa.Column(str),
        },
        strict=True, ordered=True, name="cited_statistics (raw)",
    )




def resolution_schema() -> "pa.DataFrameSchema":
    """pandera schema of ``data/raw/period_resolutions.csv``."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "stat_id": pa.Column(str, unique=True, report_duplicates="all"),
            "period": pa.Column(str, period_check(
                                              error="period must be ISO (2022, 2022Q3, 2023-06, 2021-08-20, 2004/2023) and a real date")),
            "evidence": pa.Column(str, _nonempty(pa)),
            "source": pa.Column(str, _nonempty(pa)),
        },
        strict=True, ordered=True, name="period_resolutions (raw)",
    )


def derived_schema() -> "pa.DataFrameSchema":
    """pandera schema of ``data/raw/derived_statistics.csv``."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "stat_id": pa.Column(str, pa.Check.str_matches(ID_PATTERN, error="id must be snake_case ASCII"),
                                 unique=True, report_duplicates="all"),
            "formula": pa.Column(str, _nonempty(pa)),
            "unit_std": pa.Column(str, pa.Check.isin(units.UNIT_STD, error="unknown unit_std")),
            "qualifier": pa.Column(str, pa.Check.isin(units.QUALIFIER_STD, error="unknown qualifier")),
            "period": pa.Column(str, period_check(allow_empty=True,
                                              error="period must be empty or ISO (2022, 2022Q3, 2023-06, 2021-08-20, 2004/2023) and a real date")),
            "entity": pa.Column(str, _nonempty(pa)),
            "metric": pa.Column(str, pa.Check.str_matches(ID_PATTERN, error="metric must be snake_case ASCII")),
            "label_zh": pa.Column(str, _nonempty(pa)),
            "label_en": pa.Column(str, _nonempty(pa)),
            "note": pa.Column(str),
        },
        strict=True, ordered=True, name="derived_statistics (raw)",
    )


AMOUNT_UNITS = ("CNY", "USD", "persons", "count", "hours", "CNY_per_USD", "ordinal", "rank")


def range_problem(value: float, unit_std: str) -> str | None:
    """Why ``value`` cannot be a quantity of ``unit_std`` (None if it can)."""
    if unit_std in AMOUNT_UNITS and value < 0:
        return f"amounts and counts must not be negative (found {value:g} {unit_std})"
    if unit_std == "percent" and not 0 <= value <= 100:
        return f"percentages must lie within 0-100 (found {value:g})"
    return None


def processed_schema() -> "pa.DataFrameSchema":
    """pandera schema of the processed table: types, closed sets and ranges."""
    import pandera.pandas as pa

    amounts = AMOUNT_UNITS
    return pa.DataFrameSchema(
        {
            "stat_id": pa.Column(str, unique=True),
            "value": pa.Column(float),
            "value_std": pa.Column(float),
            "unit_std": pa.Column(str, pa.Check.isin(units.UNIT_STD)),
            "qualifier": pa.Column(str, pa.Check.isin(units.QUALIFIER_STD)),
            "resolution_std": pa.Column(float, pa.Check.gt(0), nullable=True),
            "quote_zh": pa.Column(str, _nonempty(pa)),
            "source": pa.Column(str, _nonempty(pa)),
            "derived": pa.Column(bool),
        },
        checks=[
            pa.Check(lambda d: ~d["unit_std"].isin(amounts) | (d["value_std"] >= 0),
                     error="amounts and counts must not be negative"),
            pa.Check(lambda d: (d["unit_std"] != "percent") | d["value_std"].between(0, 100),
                     error="percentages must lie within 0-100"),
        ],
        strict=False, name="cited_statistics (processed)",
    )


def check_quotes(df: "pd.DataFrame", seed_text: str, path: str | Path) -> None:
    """Every quote must stand, word for word, in the seed paper."""
    seed = normalise_quote_text(seed_text)
    for row, quote in df["quote_zh"].items():
        if quote not in seed:
            raise InputError(path, f"quote not found in the seed paper: {quote!r}",
                             row=int(row), column="quote_zh")


def check_periods(df: "pd.DataFrame", resolutions: "pd.DataFrame", path: str | Path) -> None:
    """A stated period must agree with ``period``; a relative one must be resolved."""
    resolved = set(resolutions["stat_id"])
    for row, rec in df.iterrows():
        printed, iso = rec["period_printed"], rec["period"]
        if any(word in printed for word in RELATIVE_PERIODS) and not iso:
            if rec["stat_id"] not in resolved:
                raise InputError(path, f"relative period '{printed}' needs a row in "
                                       "period_resolutions.csv (with its evidence)",
                                 row=int(row), column="period")
            continue
        parsed = units.parse_zh_period(printed) if printed else None
        if parsed and iso and parsed != iso:
            raise InputError(path, f"period '{iso}' disagrees with the printed '{printed}' "
                                   f"(reads as {parsed})", row=int(row), column="period")
        # The period may come from the sentence around the quote; where the quote
        # itself states periods, the printed one must be among them.
        stated = quotes.periods(rec["quote_zh"])
        if parsed and stated and parsed not in stated:
            raise InputError(path, f"period_printed '{printed}' (reads as {parsed}) is not a period "
                                   f"the quote {rec['quote_zh']!r} states (it states "
                                   f"{', '.join(stated)}). Copy the period as the quote prints it",
                             row=int(row), column="period_printed")


def parse_rows(df: "pd.DataFrame", path: str | Path) -> "pd.DataFrame":
    """Add value, unit, qualifier, value_std, unit_std and resolution_std."""
    import pandas as pd

    out = df.copy()
    values, factors, stds, resolutions, qualifiers = [], [], [], [], []
    for row, rec in df.iterrows():
        try:
            number = units.parse_number(rec["value_printed"])
        except ValueError as exc:
            raise InputError(path, str(exc), row=int(row), column="value_printed") from None
        try:
            factor, unit_std = units.parse_unit(rec["unit_printed"])
        except KeyError as exc:
            raise InputError(path, exc.args[0], row=int(row), column="unit_printed") from None
        problem = range_problem(number.value * factor, unit_std)
        if problem:
            raise InputError(path, problem, row=int(row), column="value_printed")
        values.append(number.value)
        factors.append(factor)
        stds.append(unit_std)
        resolutions.append(number.resolution * factor)
        qualifiers.append(units.parse_qualifier(rec["qualifier_printed"]))
    out["value"] = pd.Series(values, index=df.index, dtype=float)
    out["unit"] = df["unit_printed"]
    out["value_std"] = out["value"] * pd.Series(factors, index=df.index, dtype=float)
    out["unit_std"] = stds
    out["resolution_std"] = pd.Series(resolutions, index=df.index, dtype=float)
    out["qualifier"] = qualifiers
    return out


def apply_resolutions(df: "pd.DataFrame", resolutions: "pd.DataFrame", path: str | Path) -> "pd.DataFrame":
    """Fill relative periods from the evidence table; record how each was resolved."""
    out = df.copy()
    out["period_basis"] = out["period"].map(lambda p: "stated" if p else "none")
    known = set(out["stat_id"])
    for row, rec in resolutions.iterrows():
        if rec["stat_id"] not in known:
            raise InputError(path, f"unknown stat_id '{rec['stat_id']}'", row=int(row),
                             column="stat_id")
        mask = out["stat_id"] == rec["stat_id"]
        stat = out.loc[mask].iloc[0]
        stated = stat["period"] or units.parse_zh_period(stat["period_printed"])
        if stated:
            raise InputError(path, f"'{rec['stat_id']}' has a period the paper states "
                                   f"('{stat['period_printed']}', {stated}); a resolution may only "
                                   "resolve a relative period (去年) or an undated one. Delete this "
                                   "row, or correct the statistic's period", row=int(row),
                             column="period")
        out.loc[mask, "period"] = rec["period"]
        out.loc[mask, "period_basis"] = f"resolved: {rec['evidence']} [{rec['source']}]"
    return out


def derive_rows(df: "pd.DataFrame", derived: "pd.DataFrame", path: str | Path) -> "pd.DataFrame":
    """Compute figures the paper states only as differences or ratios."""
    import pandas as pd

    values = dict(zip(df["stat_id"], df["value_std"]))
    rows = []
    for row, rec in derived.iterrows():
        names = set(re.findall(r"[a-z][a-z0-9_]*", rec["formula"]))
        unknown = sorted(names - set(values))
        if unknown:
            raise InputError(path, f"formula uses unknown stat_id(s): {', '.join(unknown)}",
                             row=int(row), column="formula")
        try:
            value = float(pd.eval(rec["formula"], local_dict={n: values[n] for n in names},
                                  engine="python", parser="pandas"))
        except Exception as exc:  # syntax errors and the like
            raise InputError(path, f"cannot evaluate formula: {exc}", row=int(row),
                             column="formula") from None
        inputs = df[df["stat_id"].isin(names)]
        if rec["unit_std"] not in units.UNIT_STD:
            raise InputError(path, f"unknown unit_std '{rec['unit_std']}'", row=int(row),
                             column="unit_std")
        if rec["stat_id"] in values:
            raise InputError(path, f"stat_id '{rec['stat_id']}' is already defined",
                             row=int(row), column="stat_id")
        problem = range_problem(value, rec["unit_std"])
        if problem:
            raise InputError(path, f"formula gives {value:g}: {problem}", row=int(row),
                             column="formula")
        rows.append({
            "stat_id": rec["stat_id"], "section": ";".join(sorted(set(inputs["section"]))),
            "quote_zh": " … ".join(inputs["quote_zh"]), "label_zh": rec["label_zh"],
            "label_en": rec["label_en"], "entity": rec["entity"], "metric": rec["metric"],
            "period": rec["period"], "period_printed": "", "period_basis": "derived",
            "value": value, "unit": rec["unit_std"], "qualifier": rec["qualifier"],
            "value_std": value, "unit_std": rec["unit_std"],
            # The derived figures are bounds (16亿 minus 6亿; 5.26亿 minus "nearly"
            # 1亿), exact to the finest input: "over 4.26亿", not "over 4亿".
            "resolution_std": float(inputs["resolution_std"].min()),
            "source": "derived from " + ", ".join(sorted(names)), "derived": True,
            "formula": rec["formula"], "note": rec["note"],
        })
        values[rec["stat_id"]] = value
    return pd.DataFrame(rows, columns=PROCESSED_COLUMNS)


def clean(raw: "pd.DataFrame", resolutions: "pd.DataFrame", derived: "pd.DataFrame",
          seed_text: str, paths: dict[str, str]) -> "pd.DataFrame":
    """Raw (validated) tables → the processed ``cited_statistics`` table."""
    import pandas as pd

    resolutions = validate(resolutions, resolution_schema(), paths["resolutions"])
    derived = validate(derived, derived_schema(), paths["derived"])
    check_quotes(raw, seed_text, paths["raw"])
    check_periods(raw, resolutions, paths["raw"])
    df = parse_rows(raw, paths["raw"])
    quotes.check_values(raw, paths["raw"], quote="quote_zh", value="value_printed",
                        unit="unit_printed", qualifier="qualifier_printed")
    df = apply_resolutions(df, resolutions, paths["resolutions"])
    df["source"] = df["source_given"].map(lambda s: "paper (no source named)" if s == "none"
                                          else f"paper, citing {s}")
    df["derived"] = False
    df["formula"] = ""
    df = df[PROCESSED_COLUMNS]
    extra = derive_rows(df, derived, paths["derived"])
    out = pd.concat([df, extra], ignore_index=True)
    out["derived"] = out["derived"].astype(bool)
    validate(out, processed_schema(), "data/processed/cited_statistics.csv")
    return out.reset_index(drop=True)
