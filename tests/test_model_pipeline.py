"""The forecasting steps end to end (analysis/pipeline/models.py): outputs derived
from config × registry, byte-identical reruns, the issue's acceptance checks on
the real build, and adding a model with one file and one config line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import models
from analysis.pipeline import models as step
from tests.conftest import _snakemake, copy_repo

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
QUARTERLY, ANNUAL, DOUYIN = "kuaishou_ecommerce_gmv_quarterly", "kuaishou_ecommerce_gmv_annual", \
    "douyin_ecommerce_gmv_36kr"


def write_inputs(root: Path) -> dict:
    """Small synthetic processed inputs shaped like the real ones."""
    root.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, v in enumerate([381.2, 680.0, 901.2, 1184.4, 1389.6]):
        rows.append((ANNUAL, "Kuaishou", str(2020 + i), v * 1e9, "official", "exact"))
    quarters = [118.6, 145.4, 175.8, 240.3, None, 191.2, 222.5, 312.4, 224.8, 265.5, 290.2, 403.9,
                288.1, 305.3, 334.2, 462.1, 332.3, 358.9, 385.0]
    for i, v in enumerate(quarters):
        if v is not None:
            rows.append((QUARTERLY, "Kuaishou", f"{2021 + i // 4}Q{i % 4 + 1}", v * 1e9, "official", "exact"))
    rows += [(DOUYIN, "Douyin", "2023", 2.7e12, "media_estimate", "about"),
             (DOUYIN, "Douyin", "2024", 3.5e12, "media_estimate", "about"),
             ("douyin_ecommerce_gmv_other", "Douyin", "2022", 1.41e12, "media_estimate", "exact")]
    df = pd.DataFrame(rows, columns=["series_id", "entity", "period", "value_std", "status", "qualifier"])
    df["use_in_model"] = True
    df.to_csv(root / "public_series.csv", index=False)
    cited = pd.DataFrame([
        ("kuaishou_payment_fees_2020", "Kuaishou", "payment_channel_fees", "2020", 1.0e9, "over", True, "a - b"),
        ("kuaishou_payment_fees_2021", "Kuaishou", "payment_channel_fees", "2021", 1.6e9, "over", False, ""),
        ("kuaishou_payment_fees_2021q3", "Kuaishou", "payment_channel_fees", "2021Q3", 4.26e8, "over", True, "c - d"),
        ("kuaishou_payment_fees_2022q3", "Kuaishou", "payment_channel_fees", "2022Q3", 5.26e8, "exact", False, ""),
    ], columns=["stat_id", "entity", "metric", "period", "value_std", "qualifier", "derived", "formula"])
    cited["resolution_std"] = 1e8
    cited.to_csv(root / "cited_statistics.csv", index=False)
    (root / "sources.yaml").write_text("a:\n  retrieved: 2026-11-25\n", encoding="utf-8")
    return {"series": str(root / "public_series.csv"), "cited": str(root / "cited_statistics.csv"),
            "sources": str(root / "sources.yaml")}


def card_paths(out: Path, cfg=CONFIG["models"]) -> list[str]:
    """As analysis/rules/models.smk derives them: one card per configured (series, method)."""
    return [str(out / "cards" / f"{sid}.{m}.json") for sid, s in cfg["series"].items()
            for m in s["benchmarks"] + s["candidates"]]


def run_gmv(root: Path, cfg=CONFIG["models"]) -> tuple[dict, dict]:
    inp = write_inputs(root)
    out = root / "out"
    gmv_out = {"forecasts": str(out / "gmv_forecasts.csv"), "backtest": str(out / "backtest.csv"),
               "summary": str(out / "backtest_summary.csv"), "selection": str(out / "model_selection.csv"),
               "cards": card_paths(out, cfg)}
    step.gmv_models(inp, gmv_out, cfg)
    return inp, gmv_out


def run_all(root: Path, cfg=CONFIG["models"]) -> Path:
    inp, gmv_out = run_gmv(root, cfg)
    out = root / "out"
    fee_cards = [str(out / "cards" / f"{sid}.gmv_x_rate.json") for sid in step.FEE_SERIES]
    fee_out = {"rates": str(out / "fee_rates.csv"), "sensitivity": str(out / "fee_sensitivity.csv"),
               "forecasts": str(out / "fee_forecasts.csv"), "cards": fee_cards}
    step.payment_fees(inp | {"gmv_forecasts": gmv_out["forecasts"]}, fee_out, 500, [0.001, 0.005])
    step.forecasts_and_values(
        {"gmv_forecasts": gmv_out["forecasts"], "fee_forecasts": fee_out["forecasts"],
         "selection": gmv_out["selection"], "summary": gmv_out["summary"], "rates": fee_out["rates"],
         "fee_card": fee_cards[0], "series": inp["series"], "sources": inp["sources"]},
        {"forecasts": str(out / "forecasts.csv"), "values": str(out / "model_values.json")}, cfg)
    return out


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory):
    return run_all(tmp_path_factory.mktemp("models") / "a")


def test_outputs_are_byte_identical_across_runs(synthetic_run, tmp_path):
    a, b = synthetic_run, run_all(tmp_path / "b")
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert {str(f) for f in files if f.parts[0] == "cards"} == \
        {str(Path(p).relative_to(a)) for p in card_paths(a)} | {f"cards/{s}.gmv_x_rate.json" for s in step.FEE_SERIES}
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_the_three_tables_have_the_issue_columns(synthetic_run):
    bt = pd.read_csv(synthetic_run / "backtest.csv")
    assert list(bt.columns) == ["series_id", "model", "origin", "horizon", "period", "actual", "yhat",
                                "lo80", "hi80", "lo95", "hi95"]
    summary = pd.read_csv(synthetic_run / "backtest_summary.csv")
    assert {"series_id", "model", "horizon", "mase", "mape", "coverage80", "coverage95", "n_scored"} \
        <= set(summary.columns)
    sel = pd.read_csv(synthetic_run / "model_selection.csv")
    assert {"series_id", "selected_model", "selected_mase", "best_benchmark", "best_benchmark_mase"} \
        <= set(sel.columns)
    assert list(sel["series_id"]) == list(CONFIG["models"]["series"])  # one row per configured series


def test_cards_say_what_was_fitted_and_how_it_did(synthetic_run):
    card = json.loads((synthetic_run / "cards" / f"{QUARTERLY}.seasonal_arima.json").read_text(encoding="utf-8"))
    assert card["name"]["zh"] and card["name"]["en"] and card["specification"]
    assert card["backtest"]["overall"]["n_scored"] > 0 and card["selection"]["rule"]
    assert card["imputation"]["filled"][0]["period"] == "2022Q1"
    fc = pd.read_csv(synthetic_run / "forecasts.csv", dtype={"period": str})
    assert set(fc["role"]) <= set(step.ROLES)


# --------------------------------------------------------------------------- the issue's acceptance checks

def acceptance(processed: Path) -> None:
    """The issue's "done when", on one set of processed outputs."""
    bt = pd.read_csv(processed / "backtest.csv", dtype={"period": str, "origin": str})
    summary = pd.read_csv(processed / "backtest_summary.csv")
    sel = pd.read_csv(processed / "model_selection.csv", dtype={"first": str, "last": str}).set_index("series_id")
    fc = pd.read_csv(processed / "forecasts.csv", dtype={"period": str, "origin": str})
    series = pd.read_csv(processed / "public_series.csv", dtype={"period": str})
    # every selected model beats its best benchmark on mean MASE, or the benchmark is selected
    for sid, r in sel.iterrows():
        if isinstance(r["selected_model"], str) and r["selected_model"]:
            kind = models.get(r["selected_model"]).kind
            assert kind == "benchmark" or r["selected_mase"] < r["best_benchmark_mase"], sid
    # the quarterly series: at least eight origins at every horizon 1-4
    q = summary[(summary["series_id"] == QUARTERLY)]
    assert q.groupby("model")["horizon"].apply(set).map(lambda h: {1, 2, 3, 4} <= h).all()
    assert (q["n_scored"] >= 8).all()
    assert bt[bt["series_id"] == QUARTERLY].groupby("model")["origin"].nunique().min() >= 8
    # the selected quarterly method's (calibrated) 80% coverage is between 65% and 95%
    assert 0.65 <= sel.loc[QUARTERLY, "coverage80"] <= 0.95
    # the annual figure for a year with reported quarters = those quarters + the model's remaining ones
    qrows = series[(series["series_id"] == QUARTERLY) & series["use_in_model"]]
    annual = fc[(fc["series_id"] == ANNUAL) & (fc["role"] == "selected")].set_index("period")
    year = annual.index.min()
    reported = qrows[qrows["period"].str.startswith(year)]["value_std"].sum()
    qsel = fc[(fc["series_id"] == QUARTERLY) & (fc["role"] == "selected")]
    remaining = qsel[qsel["period"].str.startswith(year)]["yhat"].sum()
    assert 0 < len(qrows[qrows["period"].str.startswith(year)]) < 4
    assert annual.loc[year, "yhat"] == pytest.approx(reported + remaining, abs=2.0)  # whole yuan
    # no interval for a series with fewer than eight points (unless it is a sum of a longer one)
    for sid, r in sel.iterrows():
        if r["n_obs"] < 8 and r["forecast_kind"] != "forecast":
            rows = fc[fc["series_id"] == sid]
            assert rows[["lo80", "hi80", "lo95", "hi95"]].isna().all().all(), sid
            assert set(rows["role"]) <= {"scenario", "benchmark", "candidate"}


def test_acceptance_on_synthetic_inputs(synthetic_run):
    shutil.copy(synthetic_run.parent / "public_series.csv", synthetic_run / "public_series.csv")
    acceptance(synthetic_run)


@pytest.mark.e2e
def test_acceptance_on_the_build(builds):
    acceptance(builds["a"] / "data/processed")


@pytest.mark.e2e
def test_the_paper_prints_no_interval_for_a_short_series(builds):
    variables = yaml.safe_load((builds["a"] / "paper/_variables.yml").read_text(encoding="utf-8"))
    sel = pd.read_csv(builds["a"] / "data/processed/model_selection.csv").set_index("series_id")
    assert sel.loc[DOUYIN, "forecast_kind"] == "scenario"
    for lang in ("zh", "en"):
        dy = variables[lang]["model"]["dy"]
        assert not any(re.search(r"(lo|hi)(80|95)", k) for k in dy)
        assert {"low", "high"} <= set(dy)


# --------------------------------------------------------------------------- adding a model

NEW_MODEL = '''"""Seasonal naive with drift: same quarter last year times the sample's average
year-on-year growth (a test model: one file, one config line)."""

from analysis.models._core import gaussian_llf_at
from analysis.models._random_walk import RandomWalk, rms
from analysis.models._registry import model


@model("seasonal_drift", zh="带漂移的季节朴素法", en="seasonal naive with drift", kind="model",
       freqs=("Q",), scale="log", params=("drift", "sigma"), min_points=6,
       spec="log(y_{T+h}) = log(y_{T+h-4(k+1)}) + (k+1)*g, g = mean year-on-year log change")
def fit(series, seed):
    logs = series.logs()
    d = logs[4:] - logs[:-4]
    g = float(d.mean())
    sigma = rms(d - g, dof=1)
    return RandomWalk(model="seasonal_drift", series=series, params={"drift": g / 4, "sigma": sigma},
                      llf=gaussian_llf_at(d - g, sigma), m=4, drift=g / 4, sigma=sigma)
'''


@pytest.mark.e2e
def test_adding_a_model_is_one_file_and_one_config_line(tmp_path):
    repo = copy_repo(tmp_path / "repo")
    (repo / "analysis/models/seasonal_drift.py").write_text(NEW_MODEL, encoding="utf-8")
    config = repo / "config/config.yaml"
    text = config.read_text(encoding="utf-8")
    old = "candidates: [seasonal_trend, seasonal_arima]"
    assert text.count(old) == 1
    config.write_text(text.replace(old, "candidates: [seasonal_trend, seasonal_arima, seasonal_drift]"),
                      encoding="utf-8")
    targets = ["paper/_generated/tables/models.en.md", "paper/_generated/tables/models.zh.md", "paper/_variables.yml",
               "figures/backtest_errors.en.svg"]
    proc = _snakemake(repo, *targets, quiet=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    processed = repo / "data/processed"
    assert (processed / f"model_cards/{QUARTERLY}.seasonal_drift.json").is_file()
    summary = pd.read_csv(processed / "backtest_summary.csv")
    new = summary[(summary["series_id"] == QUARTERLY) & (summary["model"] == "seasonal_drift")]
    assert sorted(new["horizon"]) == [1, 2, 3, 4] and (new["n_scored"] >= 8).all()
    assert "seasonal naive with drift" in (repo / "paper/_generated/tables/models.en.md").read_text(encoding="utf-8")
    assert "带漂移的季节朴素法" in (repo / "paper/_generated/tables/models.zh.md").read_text(encoding="utf-8")
    variables = yaml.safe_load((repo / "paper/_variables.yml").read_text(encoding="utf-8"))
    assert "mase_seasonal_drift" in variables["en"]["model"]["ks_quarterly"]
    assert "seasonal naive with drift" in variables["en"]["model"]["ks_quarterly"]["candidates"]
    acceptance(processed)



def test_without_a_forecastable_source_the_annual_series_gets_a_scenario_range(tmp_path):
    """Raise the bar for intervals above every series' length: nothing is selected, the
    sum of quarters has no source, and every series gets a scenario range, no interval."""
    cfg = dict(CONFIG["models"], min_points_for_intervals=50)
    inp, gmv_out = run_gmv(tmp_path, cfg)
    out = tmp_path / "out"
    sel = pd.read_csv(out / "model_selection.csv").set_index("series_id")
    assert (sel["forecast_kind"] == "scenario").all() and sel["selected_model"].isna().all()
    fc = pd.read_csv(out / "gmv_forecasts.csv", dtype={"period": str})
    gmv = fc[fc["series_id"].isin(sel.index)]
    assert gmv[["lo80", "hi80", "lo95", "hi95"]].isna().all().all()
    assert set(gmv.loc[gmv["series_id"] == ANNUAL, "model"]) >= set(cfg["scenarios"])
    card = json.loads((out / "cards" / f"{ANNUAL}.sum_of_quarters.json").read_text(encoding="utf-8"))
    assert "no selected" in card["fit_error"]
    # and the fee model says why it cannot run, naming the table to look at
    with pytest.raises(ValueError, match="model_selection.csv"):
        step.payment_fees(inp | {"gmv_forecasts": gmv_out["forecasts"]},
                          {"rates": str(out / "r.csv"), "sensitivity": str(out / "s.csv"),
                           "forecasts": str(out / "f.csv"), "cards": []}, 100, [0.001])
