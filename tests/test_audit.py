"""The consistency audit (analysis/audit.py): checks that cannot run say which input
to fix, and the results must match the reviewed expectations."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import audit
from analysis.errors import InputError
from analysis.pipeline import data as step
from analysis.tables import read_csv

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
EXPECTED = ROOT / "data" / "expected_audit.csv"


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("processed")
    seed = str(RAW / "seed_paper.zh.txt")
    bib = str(ROOT / "paper" / "references.bib")
    step.cited_statistics({"raw": str(RAW / "cited_statistics.csv"),
                           "resolutions": str(RAW / "period_resolutions.csv"),
                           "derived": str(RAW / "derived_statistics.csv"), "seed": seed},
                          str(out / "cited.csv"))
    step.timeline({"raw": str(RAW / "timeline_events.csv"), "seed": seed}, str(out / "timeline.csv"))
    step.public_series({"raw": str(RAW / "public_series.csv"), "bib": bib}, str(out / "series.csv"))
    step.reference_facts({"raw": str(RAW / "reference_facts.csv"), "bib": bib}, str(out / "facts.csv"))
    return {"cited": out / "cited.csv", "timeline": out / "timeline.csv", "series": out / "series.csv",
            "facts": out / "facts.csv"}


def evidence(paths) -> audit.Evidence:
    return audit.Evidence(
        cited=pd.read_csv(paths["cited"], dtype={"period": str}, keep_default_na=False,
                          na_values={"value_std": [""], "resolution_std": [""]}),
        events=pd.read_csv(paths["timeline"], dtype=str, keep_default_na=False),
        series=pd.read_csv(paths["series"], dtype={"period": str}),
        facts=pd.read_csv(paths["facts"], dtype=str, keep_default_na=False).assign(
            value_std=lambda d: pd.to_numeric(d["value_std"], errors="coerce")))


def test_shipped_data_meets_the_reviewed_expectations(processed):
    result = audit.run_audit(evidence(processed))
    audit.check_expectations(result, read_csv(EXPECTED, audit.EXPECTATION_COLUMNS), EXPECTED)
    assert set(result["status"]) == set(audit.STATUSES)


def test_every_check_has_exactly_one_expectation():
    expected = read_csv(EXPECTED, audit.EXPECTATION_COLUMNS)
    assert sorted(expected["check_id"]) == sorted(c.check_id for c in audit.CHECKS)


def _zero_usd_gmv(ev):
    ev.cited.loc[ev.cited["stat_id"] == "douyin_ecommerce_gmv_usd_last_year", "value_std"] = 0.0


def _drop_gmv_2021q3(ev):
    ev.series = ev.series[~((ev.series["series_id"] == "kuaishou_ecommerce_gmv_quarterly")
                            & (ev.series["period"] == "2021Q3"))]


def _drop_dau(ev):
    ev.cited = ev.cited[ev.cited["stat_id"] != "douyin_dau"]


@pytest.mark.parametrize(("mutate", "file", "fragments"), [
    (_zero_usd_gmv, "cited_statistics.csv",
     ["audit check 'gmv_usd_cny_rate'", "divides by douyin_ecommerce_gmv_usd_last_year, which is 0"]),
    (_drop_gmv_2021q3, "public_series.csv",
     ["series 'kuaishou_ecommerce_gmv_quarterly' for 2021Q3", "audit check 'kuaishou_fee_q3_growth'"]),
    (_drop_dau, "cited_statistics.csv", ["stat 'douyin_dau'", "audit check 'douyin_dau'"]),
], ids=["zero_divisor", "missing_series_row", "missing_statistic"])
def test_a_check_that_cannot_run_names_the_check_the_input_and_its_file(processed, mutate, file,
                                                                       fragments):
    ev = evidence(processed)
    mutate(ev)
    with pytest.raises(InputError) as info:
        audit.run_audit(ev)
    message = str(info.value)
    assert message.startswith(f"data/raw/{file}")
    for fragment in fragments:
        assert fragment in message


# --------------------------------------------------------------------------- what each check rests on

def _result(ev, check_id: str):
    ev.used = {}
    return next(c for c in audit.CHECKS if c.check_id == check_id).run(ev)


def test_every_check_states_its_evidence_and_the_sources_it_read(processed):
    df = audit.run_audit(evidence(processed))
    for c in audit.CHECKS:
        assert c.evidence_zh and c.evidence_en, c.check_id
    rec = df.set_index("check_id")
    independent = [c.check_id for c in audit.CHECKS
                   if any(i.startswith(("series:", "fact:")) for i in c.inputs)]
    for check_id in independent:
        if rec.loc[check_id, "status"] != "unverifiable":
            assert rec.loc[check_id, "sources"], f"{check_id} read no independent row"
    internal = [c.check_id for c in audit.CHECKS if c.evidence_en == audit.INTERNAL[1]]
    assert internal and all(not rec.loc[i, "sources"] for i in internal)


def test_no_check_compares_the_paper_with_itself():
    """A check that rests on no independent row must say so (the fee-rate check that
    compared two of the paper's own figures against an assumption is gone)."""
    ids = {c.check_id for c in audit.CHECKS}
    assert "kuaishou_fee_rate_2020_2021" not in ids
    for c in audit.CHECKS:
        if not any(i.startswith(("series:", "fact:")) for i in c.inputs):
            assert c.evidence_en == audit.INTERNAL[1], c.check_id


def _cjk_run(a: str, b: str) -> int:
    """The longest run of Chinese characters two texts share (names in 《》 and “” left out)."""
    import re
    from difflib import SequenceMatcher

    def cjk(t: str) -> str:
        return re.sub(r"[^\u4e00-\u9fff]", "", re.sub(r"《[^》]*》|“[^”]*”", "", t))

    x, y = cjk(a), cjk(b)
    return SequenceMatcher(None, x, y, autojunk=False).find_longest_match(0, len(x), 0, len(y)).size


def test_dates_are_not_checked_against_a_text_the_seed_copies(processed):
    seed = (RAW / "seed_paper.zh.txt").read_text(encoding="utf-8").replace("\n", "")
    facts = pd.read_csv(processed["facts"], dtype=str, keep_default_na=False).set_index("fact_id")
    date_checks = [c for c in audit.CHECKS if c.check_id.startswith("date_")]
    assert len(date_checks) >= 10
    for c in date_checks:
        fact_id = next(i for i in c.inputs if i.startswith("fact:"))[5:]
        assert _cjk_run(facts.loc[fact_id, "source_quote"], seed) < 10, (c.check_id, fact_id)
    # the trade-press article the seed copies would be caught
    assert _cjk_run(facts.loc["hzyb_licence_issue", "source_quote"], seed) >= 10


def test_a_year_is_matched_exactly_and_a_figure_at_its_printed_precision(processed):
    ev = evidence(processed)
    assert _result(ev, "last_year_gmv_year").status == "consistent"
    row = (ev.series["series_id"] == "douyin_ecommerce_gmv_information") & (ev.series["period"] == "2022")
    ev.series.loc[row, "value_std"] = 1.416e12  # within the old ±0.5%, beyond 1.41's printed precision
    assert _result(ev, "last_year_gmv_year").status == "unverifiable"
    assert _result(ev, "douyin_gmv_2022_media").status == "inconsistent"


def test_tolerances_follow_the_printed_precision(processed):
    ev = evidence(processed)
    r = _result(ev, "physical_share_2023")
    assert r.status == "consistent" and "0.16 percentage points" in r.tolerance
    ev.cited.loc[ev.cited["stat_id"] == "nbs_physical_goods_share_of_retail_sales_2023", "value_std"] = 27.8
    assert _result(ev, "physical_share_2023").status == "inconsistent"  # within the old ±0.25 points


def test_the_surge_has_one_base(processed):
    ev = evidence(processed)
    s = audit.complaints_surge(ev.cited)
    assert s["base_year"] == "2020" and s["base"] == 63 and round(s["factor"]) == 732
    assert _result(ev, "complaints_surge_2021").observed == f"× {audit.num(s['factor'], 3)}"


def _set(table: str, id_col: str, ident: str, column: str, value):
    def mutate(ev):
        df = getattr(ev, table)
        df.loc[df[id_col] == ident, column] = value(df.loc[df[id_col] == ident, column].iloc[0]) \
            if callable(value) else value
    return mutate


@pytest.mark.parametrize("check_id,mutate,status", [
    ("licence_holder", _set("events", "event_id", "payment_licence_issued", "quote_zh",
                            lambda q: q.replace("颁发给抖音", "颁发给合众易宝")), "consistent"),
    ("licence_scope_crossborder", _set("facts", "fact_id", "hzyb_no_crossborder_licence", "source_quote",
                                       lambda q: q.replace("仅有“互联网支付”一项", "有“互联网支付”和“跨境支付”两项")),
     "consistent"),
    ("kuaishou_2022q1_disclosed", _set("facts", "fact_id", "kuaishou_gmv_2022q1", "value_std", 1.70e11), "inconsistent"),
    ("gmv_background_before_launch", _set("cited", "stat_id", "douyin_ecommerce_gmv_cny_last_year", "period", "2020"),
     "consistent"),
])
def test_findings_follow_the_data(processed, check_id, mutate, status):
    """The findings are computed from the inputs, not stated: change the input and the verdict changes."""
    ev = evidence(processed)
    shipped = _result(ev, check_id).status
    assert shipped != status
    mutate(ev)
    assert _result(ev, check_id).status == status


def test_chinese_audit_table_has_no_english_left(processed):
    import re

    from analysis import paper_tables

    table = paper_tables.audit_table(audit.run_audit(evidence(processed)), "zh")
    text = re.sub(r"\[@[^\]]*\]|\{#[^}]*\}|@tbl-[\w-]+", "", table)
    allowed = {"CNNIC", "GMV", "PingWest", "The", "Information"}
    left = sorted(set(re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text)) - allowed)
    assert left == [], left


@pytest.mark.parametrize("raw, zh, en", [
    ("13.79 tn CNY", "13.79万亿元", "RMB 13.79 trillion"),
    ("175075.6 m CNY", "1750.756亿元", "RMB 175.0756 billion"),
    ("1000000 CNY", "100万元", "RMB 1 million"),
    ("1600000000 CNY; 526000000 CNY", "16亿元；5.26亿元", "RMB 1.6 billion; RMB 526 million"),
    ("±200 m CNY (the rounding of the four printed figures)", "±2亿元（四个数字的印刷精度）",
     "±RMB 200 million (the rounding of the four printed figures)"),
    ("> 20000", "> 20000", "> 20,000"),
    ("2021-01-20", "2021-01-20", "2021-01-20"),
])
def test_audit_table_prints_quantities_as_the_paper_does(raw, zh, en):
    """The audit's machine-readable quantities (13.79 tn CNY, 1000000 CNY) are printed in each
    language's units, to the digits written, as the rest of the paper prints them."""
    from analysis.paper_tables import audit_text

    assert (audit_text(raw, "zh"), audit_text(raw, "en")) == (zh, en)
