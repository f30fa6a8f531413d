"""Processed series → GMV forecasts (backtest against benchmarks, selection,
calibrated intervals, annual sums of quarters, scenarios), the payment-fee
model, and the merged forecasts table with the model values the paper prints."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import fileio
from analysis.pipeline.common import data_vintage

log = logging.getLogger(__name__)

FORECAST_COLUMNS = ["series_id", "model", "role", "origin", "horizon", "period", "yhat", "lo80", "hi80", "lo95",
                    "hi95"]
SELECTION_COLUMNS = ["series_id", "n_obs", "first", "last", "n_origins", "max_horizon", "selected_model",
                     "selected_kind", "selected_mase", "best_benchmark", "best_benchmark_mase", "best_model",
                     "best_model_mase", "forecast_kind", "interval_method", "coverage80", "coverage95",
                     "raw_coverage80", "raw_coverage95", "reason"]
ROLES = ("selected", "benchmark", "candidate", "scenario")
FEE_MODEL = "gmv_x_rate"
KS_ANNUAL = "kuaishou_ecommerce_gmv_annual"
KS_QUARTERLY = "kuaishou_ecommerce_gmv_quarterly"
DY_SCOPE = "douyin_ecommerce_gmv_36kr"  # the one Douyin scope with two comparable years
DY_ESTIMATES = "douyin_ecommerce_gmv_"  # prefix of every Douyin GMV series (one per scope)
FEE_SERIES = {"kuaishou_payment_fee_annual": KS_ANNUAL, "douyin_thirdparty_fee_annual": DY_SCOPE}


def _card_paths(paths: Sequence[str]) -> dict[tuple[str, str], str]:
    """``…/<series_id>.<model>.json`` → {(series_id, model): path}."""
    out = {}
    for p in paths:
        sid, model = Path(p).name[: -len(".json")].split(".")
        out[(sid, model)] = str(p)
    return out


def _money(df, cols=("yhat", "lo80", "hi80", "lo95", "hi95")):
    """Round CNY amounts to whole yuan (stable bytes across platforms)."""
    out = df.copy()
    for c in cols:
        out[c] = out[c].astype(float).round(0)
    return out


def load_series(df, series_id: str, annual_for_gaps: str | None = None):
    """Model rows of one series as :class:`analysis.models.Series`, filling a missing
    quarter from the annual total when ``annual_for_gaps`` is given."""
    from analysis import models, series

    rows = series.model_series(df, series_id)
    filled = []
    if annual_for_gaps:
        rows, filled = models.fill_missing_quarters(rows, series.model_series(df, annual_for_gaps))
    return models.Series.from_frame(rows, series_id, [f["period"] for f in filled]), filled


def _rows(fc, sid: str, model: str, role: str, origin: str, last: str):
    """A forecast frame (period, yhat, lo…, hi…) as rows of gmv_forecasts.csv."""
    from analysis import models

    fc = fc.copy()
    fc.insert(0, "series_id", sid)
    fc.insert(1, "model", model)
    fc.insert(2, "role", role)
    fc.insert(3, "origin", origin)
    fc.insert(4, "horizon", [models.steps_between(last, p) for p in fc["period"]])
    return fc[FORECAST_COLUMNS]


# --------------------------------------------------------------------------- GMV models

class _SeriesRun:
    """Everything one series' forecasting produced (the next series may build on it)."""

    def __init__(self, sid: str):
        self.sid = sid
        self.series = None
        self.selection: dict[str, Any] = {}
        self.fits: dict[str, Any] = {}
        self.calibration: dict[str, Any] | None = None
        self.forecasts: list[Any] = []
        self.backtest = self.failed = self.summary = None
        self.scores: dict[str, dict[str, Any]] = {}
        self.cards: dict[str, dict[str, Any]] = {}


def _adjuster(calib):
    """Calibration as the sum_of_quarters aggregator takes it (bands and a path map)."""
    from analysis.models import _evaluate as ev

    def adjust(mean, bands, hs):
        return (ev.calibrated_bands(mean, bands, hs, calib),
                lambda paths: ev.calibrate_paths(paths, mean, bands, hs, calib))
    return adjust


def _forecasters(sid: str, s_cfg: Mapping[str, Any], infos, runs: Mapping[str, _SeriesRun], draws: int):
    """name → forecast(train, periods) for the backtest: fit on ``train`` only, then forecast."""
    import numpy as np

    from analysis import models

    out = {}
    for name, info in infos.items():
        if info.kind == "aggregate":
            src = runs[s_cfg["sum_of"]]
            src_info = models.get(src.selection["selected_model"]) if src.selection["selected_model"] else None

            def forecast(train, periods, info=info, src=src, src_info=src_info):
                if src_info is None:
                    raise models.InsufficientData(f"{src.sid} has no selected method to sum")
                end = f"{train.periods[-1]}Q4"
                if end not in src.series.periods:
                    raise models.InsufficientData(f"{src.sid} has no {end}")
                q_train = src.series.upto(end)
                q_fit = src_info.fit(q_train, models.seed_for(src.sid, src_info.name, end))
                rng = np.random.default_rng(models.seed_for(sid, info.name, train.periods[-1]))
                return info.fn(q_fit, periods, draws=draws, rng=rng)
        else:
            def forecast(train, periods, info=info):
                return info.fit(train, models.seed_for(sid, info.name, train.periods[-1])).forecast(periods)
        out[name] = forecast
    return out


def _run_series(sid: str, s_cfg: Mapping[str, Any], cfg: Mapping[str, Any], df, runs: Mapping[str, _SeriesRun],
                vintage: str) -> _SeriesRun:
    """One series: backtest every configured method, apply the selection rule, calibrate the
    selected method's intervals, forecast (or give a scenario range) and write its cards."""
    from analysis import models
    from analysis.models import _evaluate as ev
    from analysis.models import _settings

    run = _SeriesRun(sid)
    s, filled = load_series(df, sid, s_cfg.get("fill_gaps_from"))
    run.series = s
    names = list(s_cfg["benchmarks"]) + list(s_cfg["candidates"])
    reg = models.registry()
    _settings.check_frequency(sid, s.freq, names, reg)
    infos = {m: reg[m] for m in names}
    kinds = {m: infos[m].kind for m in names}
    if names:
        bt, failed = ev.backtest(s, _forecasters(sid, s_cfg, infos, runs, int(cfg["draws"])),
                                 min_train=int(s_cfg["min_train"]), max_horizon=int(s_cfg["max_horizon"]))
    else:
        bt, failed = ev.backtest(s, {}, min_train=len(s), max_horizon=1)
    run.backtest, run.failed = bt, failed
    run.summary = ev.summarise(bt, failed, kinds)
    run.scores = ev.overall(bt, failed, kinds)
    run.selection = ev.select(run.scores, n_obs=len(s), min_points=int(cfg["min_points_for_intervals"]))
    chosen = run.selection["selected_model"]
    if chosen is not None and kinds[chosen] != "aggregate" and len(s) >= int(cfg["min_points_for_intervals"]):
        run.calibration = ev.calibrate(bt[bt["model"] == chosen], float(cfg["calibration_tolerance"]))
    fit_errors = _forecast(run, s_cfg, cfg, infos, runs)
    for m, info in infos.items():
        run.cards[m] = _card(run, m, info, s_cfg, cfg, runs, vintage, filled, df, fit_errors.get(m))
    log.info("%s: n=%d, %d scored forecasts, selected %s (%s)", sid, len(s), len(bt), chosen,
             run.selection["reason"])
    return run


def _forecast(run: _SeriesRun, s_cfg, cfg, infos, runs) -> dict[str, str]:
    """Full-sample fits and forecasts of every method (the selected one with its calibrated
    intervals, none for a short series), or the scenario range; returns why a fit failed."""
    import numpy as np

    from analysis import models
    from analysis.models import _evaluate as ev
    from analysis.models import _scenarios as scen
    from analysis.models._core import forecast_frame

    s, chosen = run.series, run.selection["selected_model"]
    long = len(s) >= int(cfg["min_points_for_intervals"])
    future = models.periods_after(s.periods[-1], str(s_cfg["forecast_to"]))
    last = s.periods[-1]
    fit_errors = {}
    for m, info in infos.items():
        role = "selected" if m == chosen else ("benchmark" if info.kind == "benchmark" else "candidate")
        if info.kind == "aggregate":
            src = runs[s_cfg["sum_of"]]
            q_fit = src.fits.get(src.selection["selected_model"] or "")
            if q_fit is None:
                fit_errors[m] = f"{src.sid} has no selected, fitted method to sum"
                continue
            adjust = _adjuster(src.calibration) if src.calibration else None
            fc = info.fn(q_fit, future, draws=int(cfg["draws"]),
                         rng=np.random.default_rng(models.seed_for(run.sid, m)), adjust=adjust)
            if m != chosen:
                fc[["lo80", "hi80", "lo95", "hi95"]] = np.nan
            run.forecasts.append(_rows(fc.drop(columns=["reported", "n_reported"]), run.sid, m, role,
                                       q_fit.series.periods[-1], last))
            continue
        try:
            fit = info.fit(s, models.seed_for(run.sid, m))
        except ev.fit_errors() as exc:
            fit_errors[m] = f"{type(exc).__name__}: {exc}"
            continue
        run.fits[m] = fit
        if m == chosen and run.calibration is not None:
            mean, bands = fit.log_forecast(future)
            cb = ev.calibrated_bands(mean, bands, fit.horizons(future), run.calibration)
            fc = forecast_frame(future, np.exp(mean), {lv: (np.exp(lo), np.exp(hi)) for lv, (lo, hi) in cb.items()})
        else:
            fc = fit.forecast(future, intervals=long)
        run.forecasts.append(_rows(fc, run.sid, m, role, last, last))
    if not (chosen is not None and (long or run.scores[chosen]["kind"] == "aggregate")):
        hs = [models.steps_between(last, p) for p in future]
        for rule in cfg["scenarios"]:
            fc = forecast_frame(future, scen.scenario_path(s, rule, hs), None)
            run.forecasts.append(_rows(fc, run.sid, rule, "scenario", last, last))
    return fit_errors


def _card(run: _SeriesRun, m: str, info, s_cfg, cfg, runs, vintage: str, filled, df,
          fit_error: str | None) -> dict[str, Any]:
    """One method's card: the registry's declaration, its fit, backtest, the selection and,
    for the selected method, how its intervals were calibrated."""
    from analysis import models
    from analysis.models import _cards as cards

    s, sel = run.series, run.selection
    mine = run.summary[run.summary["model"] == m].drop(columns=["series_id", "model", "kind"])
    extra: dict[str, Any] = {
        "selection": {"rule": SELECTION_RULE.format(min_points=int(cfg["min_points_for_intervals"])), **sel,
                      "this_model_selected": m == sel["selected_model"]},
        "forecast_to": str(s_cfg["forecast_to"]),
    }
    if m == sel["selected_model"] and run.calibration is not None:
        extra["intervals"] = {"rule": CALIBRATION_RULE, **run.calibration}
    if filled:
        extra["imputation"] = {
            "filled": filled,
            "why": "the quarter is missing from the sources collected; it is filled by identity from the official "
                   "annual total minus the year's three other reported quarters (no model involved), so the "
                   "series is contiguous"}
        extra["quarter_sum_check"] = models.quarter_sum_check(s, load_series(df, s_cfg["fill_gaps_from"])[0])
    if info.kind == "aggregate":
        extra["source"] = {"series_id": s_cfg["sum_of"], "model": runs[s_cfg["sum_of"]].selection["selected_model"]}
    fit = run.fits.get(m)
    if fit is not None and "fitted" not in fit.diagnostics and "residuals_log" in fit.diagnostics:
        resid = fit.diagnostics["residuals_log"]
        extra["fitted"] = [{"period": p, "yhat": float(v * math.exp(-r))}
                           for p, v, r in zip(s.periods[-len(resid):], s.values[-len(resid):], resid)]
    failed = run.failed[run.failed["model"] == m][["origin", "horizon", "reason"]]
    design = (f"expanding window, origins after {s_cfg.get('min_train')} points, horizons 1-"
              f"{s_cfg.get('max_horizon')}; each fit sees only the data up to its origin")
    return cards.model_card(info, series=s, vintage=vintage, fit=fit, fit_error=fit_error,
                            backtest={"design": design, "overall": run.scores[m],
                                      "by_horizon": mine.to_dict(orient="records"),
                                      "failures": failed.to_dict(orient="records")},
                            extra=extra)


SELECTION_RULE = ("Time-series cross-validation (expanding window, every origin the data allow). A candidate is "
                  "selected only if its mean MASE over the backtest is below that of the best benchmark (naive, "
                  "drift, seasonal naive); otherwise the best benchmark is the forecast. Only methods with a "
                  "forecast at every backtest target are eligible. A series with fewer than {min_points} "
                  "observations gets no selection among fitted models and no probabilistic interval, only a "
                  "scenario range (unless its forecast is the sum of a longer series' forecasts).")
CALIBRATION_RULE = ("If the empirical coverage of the selected method's 80% or 95% intervals in the backtest is "
                    "more than the tolerance away from nominal, each horizon's intervals (log scale) are scaled by "
                    "the root-mean-square of the backtest errors at that horizon in units of the model's own "
                    "forecast standard deviation; beyond the longest horizon scored, by that horizon's factor. "
                    "Coverage of the rescaled intervals is estimated leaving each origin out.")


def _selection_row(run: _SeriesRun, s_cfg, cfg) -> dict[str, Any]:
    sel, s = run.selection, run.series
    chosen = sel["selected_model"]
    long = len(s) >= int(cfg["min_points_for_intervals"])
    agg = chosen is not None and run.scores[chosen]["kind"] == "aggregate"
    if chosen is None or not (long or agg):
        kind, method = "scenario", "none"
    else:
        kind = "forecast"
        method = "sum_of_quarters" if agg else run.calibration["method"]
    raw = run.calibration["raw_coverage"] if run.calibration else {}
    cov = run.calibration["coverage"] if run.calibration else {}
    if agg:
        raw = {0.8: run.scores[chosen]["coverage80"], 0.95: run.scores[chosen]["coverage95"]}
    return {"series_id": run.sid, "n_obs": len(s), "first": s.periods[0], "last": s.periods[-1],
            "n_origins": int(run.backtest["origin"].nunique()), "max_horizon": s_cfg.get("max_horizon"),
            "selected_model": chosen or "", "selected_kind": sel["selected_kind"] or "",
            "selected_mase": sel["selected_mase"], "best_benchmark": sel["best_benchmark"] or "",
            "best_benchmark_mase": sel["best_benchmark_mase"], "best_model": sel["best_model"] or "",
            "best_model_mase": sel["best_model_mase"], "forecast_kind": kind, "interval_method": method,
            "coverage80": cov.get(0.8, math.nan), "coverage95": cov.get(0.95, math.nan),
            "raw_coverage80": raw.get(0.8, math.nan), "raw_coverage95": raw.get(0.95, math.nan),
            "reason": sel["reason"]}


def gmv_models(inp: Mapping[str, Any], out: Mapping[str, Any], cfg: Mapping[str, Any]) -> None:
    """Backtest, select and forecast every configured series; one card per (series, method).

    ``cfg``: the ``models`` section of the config. Series whose candidates sum
    another series (``sum_of``) run after it.
    """
    import pandas as pd

    from analysis import models
    from analysis.models import _evaluate as ev
    from analysis.models import _settings

    _settings.check(cfg, models.registry())
    df = pd.read_csv(inp["series"], dtype={"period": str})
    vintage = data_vintage(inp["sources"]).isoformat()
    card_out = _card_paths(out["cards"])
    declared = {(sid, m) for sid, s in cfg["series"].items() for m in list(s["benchmarks"]) + list(s["candidates"])}
    if declared != set(card_out):
        raise ValueError(f"model cards declared in the rule and configured models differ: "
                         f"{sorted(declared ^ set(card_out))}")
    runs: dict[str, _SeriesRun] = {}
    for sid in sorted(cfg["series"], key=lambda k: bool(cfg["series"][k].get("sum_of"))):
        runs[sid] = _run_series(sid, cfg["series"][sid], cfg, df, runs, vintage)
    order = list(cfg["series"])
    for sid in order:
        for m, card in runs[sid].cards.items():
            fileio.write_json(card_out[(sid, m)], card)
    bt = pd.concat([runs[s].backtest for s in order], ignore_index=True)[ev.BACKTEST_COLUMNS]
    fileio.write_csv(_money(bt, ("actual", "yhat", "lo80", "hi80", "lo95", "hi95")), out["backtest"])
    summary = pd.concat([runs[s].summary for s in order], ignore_index=True)
    for c in ("mase", "mape", "coverage80", "coverage95"):
        summary[c] = summary[c].round(6)
    fileio.write_csv(summary, out["summary"])
    sel = pd.DataFrame([_selection_row(runs[s], cfg["series"][s], cfg) for s in order], columns=SELECTION_COLUMNS)
    for c in ("selected_mase", "best_benchmark_mase", "best_model_mase", "coverage80", "coverage95",
              "raw_coverage80", "raw_coverage95"):
        sel[c] = sel[c].astype(float).round(6)
    fileio.write_csv(sel, out["selection"])
    fc = pd.concat([f for s in order for f in runs[s].forecasts], ignore_index=True)
    fileio.write_csv(_money(fc)[FORECAST_COLUMNS], out["forecasts"])


# --------------------------------------------------------------------------- fees

def payment_fees(inp: Mapping[str, Any], out: Mapping[str, Any], draws: int,
                 illustrative_rates: Sequence[float]) -> None:
    """Fee rates from the paper's Kuaishou figures; Kuaishou fee forecasts (Monte Carlo on the
    annual GMV forecast), Douyin's hypothetical fees (a scenario range) and the sensitivity table."""
    import pandas as pd

    from analysis import fees, models
    from analysis import series as series_mod
    from analysis.models._cards import package_versions, rounded
    from analysis.models._core import forecast_frame

    vintage = data_vintage(inp["sources"]).isoformat()
    cited = pd.read_csv(inp["cited"], dtype={"period": str}, keep_default_na=False,
                        na_values={"resolution_std": [""]})
    df = pd.read_csv(inp["series"], dtype={"period": str})
    gmv_fc = pd.read_csv(inp["gmv_forecasts"], dtype={"period": str, "origin": str})
    ks_gmv = gmv_fc[(gmv_fc["series_id"] == KS_ANNUAL) & (gmv_fc["role"] == "selected")]
    if ks_gmv.empty or ks_gmv["lo95"].isna().any():
        raise ValueError(f"{KS_ANNUAL}: no selected forecast with an interval to carry into the fee model "
                         "(see model_selection.csv)")
    gmv = {sid: dict(zip(rows["period"], rows["value_std"]))
           for sid in (KS_ANNUAL, KS_QUARTERLY) for rows in [series_mod.model_series(df, sid)]}
    rates = fees.fee_rates(cited, gmv)
    rng_ = fees.rate_range(rates)
    dist = fees.rate_distribution(rates)
    fileio.write_csv(fees.rates_table(rates, rng_, dist), out["rates"])

    cards = _card_paths(out["cards"])
    ks_sid, dy_sid = list(FEE_SERIES)
    seed = models.seed_for(ks_sid, FEE_MODEL)
    sim = fees.simulate_fees(ks_gmv, dist, seed=seed, draws=draws)
    rows = [_rows_fee(sim, ks_sid, FEE_MODEL, "selected", ks_gmv)]
    dy_gmv = gmv_fc[(gmv_fc["series_id"] == DY_SCOPE) & (gmv_fc["role"] == "scenario")]
    for rule, g in dy_gmv.groupby("model", sort=False):
        fee = g[["period", "yhat"]].assign(yhat=g["yhat"] * dist["central"])
        fee = forecast_frame(list(fee["period"]), fee["yhat"], None)
        rows.append(_rows_fee(fee, dy_sid, rule, "scenario", g))
    fileio.write_csv(_money(pd.concat(rows, ignore_index=True))[FORECAST_COLUMNS], out["forecasts"])

    hist = []
    for sid in [KS_ANNUAL] + sorted(s for s in df["series_id"].unique() if s.startswith(DY_ESTIMATES)):
        for r in df[df["series_id"] == sid].sort_values(["period", "value_std"]).itertuples(index=False):
            hist.append({"series_id": sid, "period": r.period, "gmv": r.value_std,
                         "gmv_basis": f"{r.status} ({r.qualifier})"})
    sens = fees.sensitivity(pd.DataFrame(hist), fees.rate_scenarios(rng_, dist, illustrative_rates))
    sens["fee"] = sens["fee"].round(0)
    fileio.write_csv(sens, out["sensitivity"])

    common = {"model": FEE_MODEL, "assumption": fees.ASSUMPTION, "data_vintage": vintage,
              "rate_distribution": {"rule": fees.RATE_DISTRIBUTION, **rounded(dist)},
              "rate_points": rounded(rates[["stat_id", "period", "rate", "rate_bound", "derived"]]
                                     .to_dict(orient="records")),
              "rate_range_note": rng_["note"], "packages": package_versions()}
    fileio.write_json(cards[(ks_sid, FEE_MODEL)], {
        "series_id": ks_sid, **common,
        "specification": "fee_t = rate x GMV_t; Monte Carlo: GMV_t ~ lognormal matched to the 95% interval of the "
                         f"selected {KS_ANNUAL} forecast (the sum of the quarterly model's forecasts); rate from "
                         "the rate distribution, independent of GMV; median and 80%/95% quantiles reported",
        "parameters": {"draws": draws, "seed": seed, "gmv_series_id": KS_ANNUAL,
                       "gmv_model": str(ks_gmv["model"].iloc[0])},
        "limitations": "carries the GMV forecast's interval and the spread of the observed rates only: not that "
                       "the rate points are few, mostly lower bounds and partly derived from one another, and not "
                       "any change in Kuaishou's channel mix or pricing",
        "forecast_to": str(ks_gmv["period"].iloc[-1])})
    fileio.write_json(cards[(dy_sid, FEE_MODEL)], {
        "series_id": dy_sid, **common,
        "specification": f"scenario range, not a forecast: fee = central rate x the {DY_SCOPE} scenario paths "
                         f"({', '.join(dy_gmv['model'].unique())})",
        "parameters": {"central_rate": rounded(dist["central"]), "gmv_series_id": DY_SCOPE},
        "caveat": "hypothetical: what Douyin would pay a third-party channel at Kuaishou's rate; Douyin GMV is a "
                  "media estimate (not official), of one stated scope",
        "forecast_to": str(dy_gmv["period"].iloc[-1])})
    log.info("fee rate %.5f (central), observed %.5f-%.5f from %d points", dist["central"], rng_["min"],
             rng_["max"], rng_["n"])


def _rows_fee(fc, sid: str, model: str, role: str, gmv_rows):
    """Fee forecast rows aligned with the GMV rows they were computed from."""
    fc = fc.copy()
    fc.insert(0, "series_id", sid)
    fc.insert(1, "model", model)
    fc.insert(2, "role", role)
    fc.insert(3, "origin", gmv_rows["origin"].iloc[0])
    fc.insert(4, "horizon", gmv_rows["horizon"].to_numpy())
    return fc[FORECAST_COLUMNS]


# --------------------------------------------------------------------------- merged outputs

def _pt(rec, keys=("yhat", "lo80", "hi80", "lo95", "hi95")) -> dict[str, float]:
    return {k: float(rec[k]) for k in keys}


def _num(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _methods(summary) -> dict[str, dict[str, Any]]:
    """Per method over all horizons: forecasts scored, and MASE, MAPE and coverage averaged over
    every scored forecast (the per-horizon means weighted by the forecasts scored)."""
    out = {}
    for model, g in summary.groupby("model", sort=False):
        n = g["n_scored"].astype(float)
        row = {"kind": str(g["kind"].iloc[0]), "n_scored": int(n.sum()), "n_failed": int(g["n_failed"].sum()),
               "origins": int(g.loc[g["horizon"] == g["horizon"].min(), "n_scored"].iloc[0])}
        for c in ("mase", "mape", "coverage80", "coverage95"):
            ok = g[c].notna() & (n > 0)
            row[c] = float((g.loc[ok, c] * n[ok]).sum() / n[ok].sum()) if ok.any() else None
        out[model] = row
    return out


def forecasts_and_values(inp: Mapping[str, Any], out: Mapping[str, Any], cfg: Mapping[str, Any]) -> None:
    """One forecasts.csv (GMV and fee series) and model_values.json, the model numbers the paper prints."""
    import pandas as pd

    from analysis import fees
    from analysis.models._cards import rounded

    gfc = pd.read_csv(inp["gmv_forecasts"], dtype={"period": str, "origin": str})
    ffc = pd.read_csv(inp["fee_forecasts"], dtype={"period": str, "origin": str})
    fc = pd.concat([gfc, ffc], ignore_index=True)[FORECAST_COLUMNS]
    for c in ("yhat", "lo80", "hi80", "lo95", "hi95"):
        fc[c] = fc[c].astype(float)
    fileio.write_csv(fc, out["forecasts"])

    selection = pd.read_csv(inp["selection"], dtype={"first": str, "last": str}, keep_default_na=False,
                            na_values={c: [""] for c in SELECTION_COLUMNS if c.endswith(("mase", "80", "95"))})
    summary = pd.read_csv(inp["summary"])
    rates = pd.read_csv(inp["rates"], dtype={"period": str}, keep_default_na=False,
                        na_values={"fees": [""], "gmv": [""]})
    series_df = pd.read_csv(inp["series"], dtype={"period": str})
    points = rates[rates["rate_bound"] != "range"]
    rate_rows = {r["stat_id"].removeprefix("range_"): float(r["rate"])
                 for _, r in rates[rates["rate_bound"] == "range"].iterrows()}

    per_series = {}
    for rec in selection.to_dict(orient="records"):
        sid = rec["series_id"]
        sub = gfc[gfc["series_id"] == sid]
        sel_rows = sub[sub["role"] == "selected"]
        bench = rec["best_benchmark"]
        per_series[sid] = {
            **{k: (_num(v) if isinstance(v, float) else v) for k, v in rec.items()},
            "max_horizon": int(rec["max_horizon"]) if str(rec["max_horizon"]) not in ("", "nan") else None,
            "forecast": {r["period"]: _pt(r) for _, r in sel_rows.iterrows()},
            "benchmark_forecast": {r["period"]: float(r["yhat"]) for _, r in
                                   sub[sub["model"] == bench].iterrows()} if bench else {},
            "scenarios": {m: {r["period"]: float(r["yhat"]) for _, r in g.iterrows()}
                          for m, g in sub[sub["role"] == "scenario"].groupby("model", sort=False)},
            "methods": _methods(summary[summary["series_id"] == sid]),
        }
    # growth the data show (the scenarios hold these) and the annual figure from the quarters
    history = {sid: series_df[(series_df["series_id"] == sid) & series_df["use_in_model"]].sort_values("period")
               for sid in (KS_ANNUAL, KS_QUARTERLY, DY_SCOPE)}
    q = history[KS_QUARTERLY].set_index("period")["value_std"]
    yoy = {p: float(q[p] / q[f"{int(p[:4]) - 1}{p[4:]}"] - 1) for p in q.index
           if f"{int(p[:4]) - 1}{p[4:]}" in q.index}
    a = history[KS_ANNUAL].set_index("period")["value_std"]
    d = history[DY_SCOPE].set_index("period")["value_std"]
    growth = {"kuaishou_quarterly_yoy": yoy,
              "kuaishou_annual": {p: float(a[p] / a[str(int(p) - 1)] - 1) for p in a.index if str(int(p) - 1) in a.index},
              "douyin_36kr": {p: float(d[p] / d[str(int(p) - 1)] - 1) for p in d.index if str(int(p) - 1) in d.index}}
    ks = per_series[KS_ANNUAL]
    first_year = min(ks["forecast"])
    q_sel = per_series[KS_QUARTERLY]["selected_model"]
    q_fc = gfc[(gfc["series_id"] == KS_QUARTERLY) & (gfc["model"] == q_sel)].set_index("period")
    reported = q[[p for p in q.index if p.startswith(first_year)]]
    missing = [p for p in q_fc.index if p.startswith(first_year)]
    from_quarters = {"year": first_year, "reported_quarters": sorted(reported.index), "reported_sum": float(reported.sum()),
                     "forecast_quarters": {p: _pt(q_fc.loc[p]) for p in missing}, "model": q_sel,
                     "annual": ks["forecast"][first_year],
                     "yoy": ks["forecast"][first_year]["yhat"] / float(a.iloc[-1]) - 1,
                     "reported_yoy": float(reported.sum() / q[[f"{int(first_year) - 1}{p[4:]}" for p in reported.index]].sum() - 1)}

    dist = {k: float(v) for k, v in json.loads(Path(inp["fee_card"]).read_text(encoding="utf-8"))
            ["rate_distribution"].items() if k != "rule"}
    ks_fees = ffc[ffc["series_id"] == "kuaishou_payment_fee_annual"]
    dy_fees = ffc[ffc["series_id"] == "douyin_thirdparty_fee_annual"]
    latest = d.index[-1]
    values = {
        "units": "CNY for amounts, fractions for rates, growth and coverage (0.25 = 25%), MASE unitless, MAPE in %",
        "data_vintage": data_vintage(inp["sources"]).isoformat(),
        "rules": {"min_points": int(cfg["min_points_for_intervals"]), "tolerance": float(cfg["calibration_tolerance"]),
                  "scenarios": list(cfg["scenarios"]), "draws": int(cfg["draws"])},
        "series": per_series,
        "growth": growth,
        "history": {sid: {p: float(v) for p, v in zip(h["period"], h["value_std"])} for sid, h in history.items()},
        "douyin_scopes": int(sum(1 for s in series_df["series_id"].unique() if s.startswith("douyin_") and "_gmv" in s)),
        "kuaishou_gmv_from_quarters": from_quarters,
        "fee_rate": {**rate_rows, **dist, "n": len(points),
                     "n_lower_bounds": int((points["rate_bound"] == "lower_bound").sum()),
                     "n_derived": int(points["derived"].astype(str).eq("True").sum()),
                     "assumption": fees.ASSUMPTION, "distribution": fees.RATE_DISTRIBUTION,
                     "points": {r["stat_id"]: {"period": r["period"], "rate": float(r["rate"]),
                                               "bound": r["rate_bound"]} for _, r in points.iterrows()}},
        "fees": {"kuaishou": {r["period"]: _pt(r) for _, r in ks_fees.iterrows()},
                 "douyin_scenarios": {m: {r["period"]: float(r["yhat"]) for _, r in g.iterrows()}
                                      for m, g in dy_fees.groupby("model", sort=False)}},
        "douyin_fee_bill": {"period": latest, "series_id": DY_SCOPE,
                            **{k: round(v) for k, v in fees.fee_bill(float(d.iloc[-1]), dist).items()}},
    }
    fileio.write_json(out["values"], rounded(values, 12))
    log.info("forecasts: %d rows; values -> %s", len(fc), out["values"])
