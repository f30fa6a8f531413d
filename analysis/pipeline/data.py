"""Raw tables → validated, processed tables."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from analysis import fileio

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

log = logging.getLogger(__name__)


def _given(inp: Mapping[str, str], name: str) -> bool:
    """Whether the rule names the input ``name``. (Snakemake's ``input`` is a list
    with names: ``name in input`` would test the file paths, not the names.)"""
    return name in inp.keys()


def _check_dates(inp: Mapping[str, str], checks: list[tuple["pd.DataFrame", str, list[str]]]) -> None:
    """Dates and periods of each raw table must not begin after the day the table was
    read (``inp["sources"]``, data/raw/sources.yaml; skipped when not given)."""
    from analysis import sources
    from analysis.tables import check_not_after

    if not _given(inp, "sources"):
        return
    for df, path, columns in checks:
        day = sources.retrieved(inp["sources"], Path(path).name)
        check_not_after(df, columns, day, path, f"the day this file was read ({inp['sources']})")


def _with_kinds(df: "pd.DataFrame", raw: "pd.DataFrame", inp: Mapping[str, str], path: str) -> "pd.DataFrame":
    """``df`` with ``source_kind`` after ``source_key``: the kind of the page each
    row was read on, from data/raw/sources.yaml (official, press or mirror; empty
    without a source; a source's ``pages`` give the kinds of its other pages),
    checked on the ``raw`` rows so that a message names the row as the file has it."""
    from analysis import sources

    kinds = sources.check_kinds(raw, path, inp["sources"]) if _given(inp, "sources") else {}
    listed = sources.source_kinds(inp["sources"], Path(path).name) if _given(inp, "sources") else {}
    out = df.copy()
    out.insert(list(out.columns).index("source_key") + 1, "source_kind",
               sources.row_kinds(out, kinds, listed))
    return out


def cited_statistics(inp: Mapping[str, str], out: str) -> None:
    from analysis import cited
    from analysis.tables import read_csv, validate

    raw = validate(read_csv(inp["raw"], cited.RAW_COLUMNS), cited.raw_schema(), inp["raw"])
    resolutions = read_csv(inp["resolutions"], cited.RESOLUTION_COLUMNS)
    derived = read_csv(inp["derived"], cited.DERIVED_COLUMNS)
    seed = Path(inp["seed"]).read_text(encoding="utf-8")
    df = cited.clean(raw, resolutions, derived, seed,
                     {"raw": inp["raw"], "resolutions": inp["resolutions"], "derived": inp["derived"]})
    _check_dates(inp, [(raw, inp["raw"], ["period"]), (resolutions, inp["resolutions"], ["period"]),
                       (derived, inp["derived"], ["period"])])
    fileio.write_csv(df, out)
    log.info("%d statistics (%d derived) -> %s", len(df), int(df["derived"].sum()), out)


def timeline(inp: Mapping[str, str], out: str) -> None:
    from analysis import timeline as tl
    from analysis.tables import read_csv

    raw = read_csv(inp["raw"], tl.RAW_COLUMNS)
    df = tl.clean(raw, Path(inp["seed"]).read_text(encoding="utf-8"), inp["raw"])
    _check_dates(inp, [(raw, inp["raw"], ["date", "date_end"])])
    fileio.write_csv(df, out)
    log.info("%d events -> %s", len(df), out)


def public_series(inp: Mapping[str, str], out: str) -> None:
    from analysis import series
    from analysis.tables import read_csv

    keys = series.bib_keys(Path(inp["bib"]).read_text(encoding="utf-8"))
    raw = read_csv(inp["raw"], series.RAW_COLUMNS)
    df = _with_kinds(series.clean(raw, keys, inp["raw"]), raw, inp, inp["raw"])
    _check_dates(inp, [(raw, inp["raw"], ["period"])])
    fileio.write_csv(df, out)
    log.info("%d rows in %d series -> %s", len(df), df["series_id"].nunique(), out)


def reference_facts(inp: Mapping[str, str], out: str) -> None:
    from analysis import audit, series
    from analysis.tables import read_csv

    keys = series.bib_keys(Path(inp["bib"]).read_text(encoding="utf-8"))
    raw = read_csv(inp["raw"], audit.FACT_COLUMNS)
    df = _with_kinds(audit.clean_facts(raw, keys, inp["raw"]), raw, inp, inp["raw"])
    _check_dates(inp, [(raw, inp["raw"], ["date"])])
    fileio.write_csv(df, out)
    log.info("%d reference facts -> %s", len(df), out)


def consistency_audit(inp: Mapping[str, str], out: str) -> None:
    import pandas as pd

    from analysis import audit
    from analysis.tables import read_csv

    ev = audit.Evidence(
        cited=pd.read_csv(inp["cited"], dtype={"period": str}, keep_default_na=False,
                          na_values={"value_std": [""], "resolution_std": [""]}),
        events=pd.read_csv(inp["timeline"], dtype=str, keep_default_na=False),
        series=pd.read_csv(inp["series"], dtype={"period": str}),
        facts=pd.read_csv(inp["facts"], dtype=str, keep_default_na=False).assign(
            value_std=lambda d: pd.to_numeric(d["value_std"], errors="coerce")),
    )
    df = audit.run_audit(ev)
    audit.check_expectations(df, read_csv(inp["expected"], audit.EXPECTATION_COLUMNS), inp["expected"])
    fileio.write_csv(df, out)
    counts = df["status"].value_counts().to_dict()
    log.info("%d checks %s -> %s", len(df), counts, out)
