"""Processed series → GMV models (backtest, selection, forecasts, cards), the
payment-fee model, and the merged forecasts table with the paper's model values."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from analysis import fileio
from analysis.pipeline.common import data_vintage

log = logging.getLogger(__name__)

FORECAST_COLUMNS = ["series_id", "model", "origin", "horizon", "period", "yhat", "lo80", "hi80", "lo95", "hi95"]
SELECTION_COLUMNS = ["series_id", "selected_model", "reason", "mean_mape", "aicc", "reliable", "n_obs",
                     "first", "last"]
QUARTERLY = "kuaishou_ecommerce_gmv_quarterly"
KS_ANNUAL = "kuaishou_ecommerce_gmv_annual"
DY_ANNUAL = "douyin_ecommerce_gmv_annual"
FEE_MODEL = "gmv_x_rate"
FEE_SERIES = {"kuaishou_payment_fee_annual": KS_ANNUAL, "douyin_thirdparty_fee_annual": DY_ANNUAL}


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
        out[c] = out[c].round(0)
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


# --------------------------------------------------------------------------- GMV models

def gmv_models(inp: Mapping[str, Any], out: Mapping[str, Any], config: Mapping[str, Mapping[str, Any]]) -> None:
    """Backtest, select and forecast every GMV series; one card per (series, model).

    ``config``: series_id → {min_train, horizon_end, fill_gaps_from (optional)}.
    """
    import pandas as pd

    from analysis import models

    df = pd.read_csv(inp["series"], dtype={"period": str})
    vintage = data_vintage(inp["sources"]).isoformat()
    cards = _card_paths(out["cards"])
    fc_rows, metrics_all, selections = [], [], []
    loaded = {}
    for sid, cfg in config.items():
        s, filled = load_series(df, sid, cfg.get("fill_gaps_from"))
        loaded[sid] = s
        specs = models.models_for(s)
        missing = {(sid, m) for m in specs} ^ {k for k in cards if k[0] == sid}
        if missing:
            raise ValueError(f"model cards declared in the rule and models fitted differ: {sorted(missing)}")
        bt = models.backtest(s, specs, min_train=int(cfg["min_train"]))
        metrics = models.backtest_metrics(bt)
        fits = {m: spec.fit(s, models.seed_for(sid, m)) for m, spec in specs.items()}
        sel = models.select_model(metrics, {m: f.aicc for m, f in fits.items()})
        chosen = sel["candidates"][sel["selected_model"]]
        reliable = chosen["mean_mape"] <= models.RELIABLE_MAPE
        selections.append({"series_id": sid, "selected_model": sel["selected_model"], "reason": sel["reason"],
                           "mean_mape": chosen["mean_mape"], "aicc": chosen["aicc"], "reliable": reliable,
                           "n_obs": len(s), "first": s.periods[0], "last": s.periods[-1]})
        future = models.periods_after(s.periods[-1], str(cfg["horizon_end"]))
        origin_k = models.period_ordinal(s.periods[-1])[1]
        extra_common: dict[str, Any] = {}
        if filled:
            extra_common["imputation"] = {
                "filled": filled,
                "why": "the quarter is missing from the sources; it is filled by identity from the official "
                       "annual total minus the year's three other reported quarters (no model involved), so the "
                       "series is contiguous 2021Q1 onwards",
                "alternative": "the longest contiguous reported stretch starts the quarter after the gap"}
            extra_common["quarter_sum_check"] = models.quarter_sum_check(
                s, load_series(df, cfg["fill_gaps_from"])[0])
        for m, fit in fits.items():
            fc = fit.forecast(future)
            fc.insert(0, "series_id", sid)
            fc.insert(1, "model", m)
            fc.insert(2, "origin", s.periods[-1])
            fc.insert(3, "horizon", [models.period_ordinal(p)[1] - origin_k for p in fc["period"]])
            fc_rows.append(fc)
            mine = metrics[metrics["model"] == m]
            summary = {f"h{int(h)}": {r.metric: r.value for r in g.itertuples()} for h, g in mine.groupby("horizon")}
            errs = bt[bt["model"] == m]
            backtest = {"design": f"rolling origin, expanding window, first origin after {cfg['min_train']} "
                                  f"points, horizons {list(models.HORIZONS)}; the model at each origin is "
                                  "fitted on data up to that origin only",
                        "metrics": summary,
                        "forecasts": [{"origin": r.origin, "horizon": int(r.horizon), "period": r.period,
                                       "actual": r.actual, "yhat": None if r.yhat != r.yhat else round(r.yhat),
                                       "status": r.status} for r in errs.itertuples()]}
            extra = dict(extra_common)
            extra["forecast_end"] = future[-1]
            card = models.model_card(fit, series_id=sid, vintage=vintage, backtest=backtest, selection=sel,
                                     extra=extra)
            fileio.write_json(cards[(sid, m)], card)
        metrics_all.append(metrics)
        log.info("%s: n=%d, selected %s (%s)", sid, len(s), sel["selected_model"], sel["reason"])
    fc = _money(pd.concat(fc_rows, ignore_index=True))[FORECAST_COLUMNS]
    fileio.write_csv(fc, out["forecasts"])
    met = pd.concat(metrics_all, ignore_index=True)
    met["value"] = met["value"].round(6)
    fileio.write_csv(met, out["backtest"])
    fileio.write_csv(pd.DataFrame(selections, columns=SELECTION_COLUMNS), out["selection"])


# --------------------------------------------------------------------------- fees

def _selected_forecast(fc, selection, sid):
    chosen = selection.loc[selection["series_id"] == sid, "selected_model"].iloc[0]
    return chosen, fc[(fc["series_id"] == sid) & (fc["model"] == chosen)].reset_index(drop=True)


def payment_fees(inp: Mapping[str, Any], out: Mapping[str, Any], draws: int) -> None:
    """Fee rates from the paper's Kuaishou figures; fee forecasts and the Douyin sensitivity."""
    import pandas as pd

    from analysis import fees, models

    vintage = data_vintage(inp["sources"]).isoformat()
    cited = pd.read_csv(inp["cited"], dtype={"period": str}, keep_default_na=False,
                        na_values={"resolution_std": [""]})
    df = pd.read_csv(inp["series"], dtype={"period": str})
    gmv_fc = pd.read_csv(inp["gmv_forecasts"], dtype={"period": str, "origin": str})
    selection = pd.read_csv(inp["selection"], dtype={"first": str, "last": str})
    from analysis import series as series_mod

    gmv = {sid: dict(zip(series_mod.model_series(df, sid)["period"], series_mod.model_series(df, sid)["value_std"]))
           for sid in (KS_ANNUAL, QUARTERLY, DY_ANNUAL)}
    rates = fees.fee_rates(cited, gmv)
    rng_ = fees.rate_range(rates)
    fileio.write_csv(fees.rates_table(rates, rng_), out["rates"])

    cards = _card_paths(out["cards"])
    fc_rows, sens_gmv = [], []
    for fee_sid, gmv_sid in FEE_SERIES.items():
        chosen, gfc = _selected_forecast(gmv_fc, selection, gmv_sid)
        seed = models.seed_for(fee_sid, FEE_MODEL)
        sim = fees.simulate_fees(gfc, rng_["min"], rng_["max"], seed=seed, draws=draws)
        sim.insert(0, "series_id", fee_sid)
        sim.insert(1, "model", FEE_MODEL)
        sim.insert(2, "origin", gfc["origin"].iloc[0])
        sim.insert(3, "horizon", gfc["horizon"].to_numpy())
        fc_rows.append(sim)
        hist = series_mod.model_series(df, gmv_sid)
        for r in hist.itertuples(index=False):
            sens_gmv.append({"series_id": gmv_sid, "period": r.period, "gmv": r.value_std,
                             "gmv_basis": f"{r.status} ({r.qualifier})"})
        for r in gfc.itertuples(index=False):
            sens_gmv.append({"series_id": gmv_sid, "period": r.period, "gmv": r.yhat,
                             "gmv_basis": f"forecast median ({chosen})"})
        sel_row = selection[selection["series_id"] == gmv_sid].iloc[0]
        card = {
            "series_id": fee_sid, "model": FEE_MODEL,
            "specification": "fee_t = rate x GMV_t; Monte Carlo: GMV_t ~ lognormal matched to the 95% prediction "
                             f"interval of the selected {gmv_sid} model ({chosen}); rate ~ Uniform(observed min, "
                             "observed max), independent of GMV; median and 80%/95% quantiles reported",
            "assumption": fees.ASSUMPTION,
            "limitations": "intervals carry the GMV forecast's own interval and the spread of the observed "
                           "rates only: not model-choice uncertainty, not the fact that 3 of the rate points "
                           "are lower bounds, and not any change in Kuaishou's channel mix or pricing",
            "sample": {"first": str(rates["period"].iloc[0]), "last": str(rates["period"].iloc[-1]),
                       "n": len(rates), "rate_points": rates["stat_id"].tolist()},
            "data_vintage": vintage,
            "parameters": models._r({"rate_min": rng_["min"], "rate_max": rng_["max"], "rate_mean": rng_["mean"],
                                     "draws": draws, "seed": seed, "gmv_series_id": gmv_sid, "gmv_model": chosen}),
            "diagnostics": models._r({"rate_points": rates[["stat_id", "period", "rate", "rate_bound"]]
                                      .to_dict(orient="records"), "rate_range_note": rng_["note"],
                                      "gmv_backtest_mean_mape": float(sel_row["mean_mape"]),
                                      "gmv_forecast_reliable": bool(sel_row["reliable"])}),
            "selection": {"rule": "no selection among fee models: one model (GMV x rate); the GMV forecast comes "
                                  f"from the model selected for {gmv_sid} by its backtest", "selected_model": FEE_MODEL,
                          "gmv_model": chosen},
            "forecast_end": str(gfc["period"].iloc[-1]),
            "packages": models.package_versions(),
        }
        if fee_sid.startswith("douyin"):
            card["caveat"] = ("hypothetical: what Douyin would pay a third-party channel at Kuaishou's observed "
                              "rate; Douyin GMV is a media estimate (not official), and its definition changes "
                              "across sources")
        fileio.write_json(cards[(fee_sid, FEE_MODEL)], card)
    fileio.write_csv(_money(pd.concat(fc_rows, ignore_index=True))[FORECAST_COLUMNS], out["forecasts"])
    sens = fees.sensitivity(pd.DataFrame(sens_gmv), fees.rate_scenarios(rng_))
    sens["fee"] = sens["fee"].round(0)
    fileio.write_csv(sens, out["sensitivity"])
    log.info("fee rate %.5f-%.5f from %d points", rng_["min"], rng_["max"], rng_["n"])


# --------------------------------------------------------------------------- merged outputs

def _pt(rec, keys=("yhat", "lo80", "hi80", "lo95", "hi95")) -> dict[str, float]:
    return {k: float(rec[k]) for k in keys}


def forecasts_and_values(inp: Mapping[str, Any], out: Mapping[str, Any]) -> None:
    """One forecasts.csv (GMV and fee series) and model_values.json for the paper."""
    import pandas as pd

    from analysis import fees, models

    gfc = pd.read_csv(inp["gmv_forecasts"], dtype={"period": str, "origin": str})
    ffc = pd.read_csv(inp["fee_forecasts"], dtype={"period": str, "origin": str})
    fc = pd.concat([gfc, ffc], ignore_index=True)[FORECAST_COLUMNS]
    for c in ("yhat", "lo80", "hi80", "lo95", "hi95"):
        fc[c] = fc[c].astype(float)
    fileio.write_csv(fc, out["forecasts"])

    selection = pd.read_csv(inp["selection"], dtype={"first": str, "last": str})
    rates = pd.read_csv(inp["rates"], dtype={"period": str}, keep_default_na=False,
                        na_values={"fees": [""], "gmv": [""]})
    series_df = pd.read_csv(inp["series"], dtype={"period": str})
    cards = {k: json.loads(Path(p).read_text(encoding="utf-8")) for k, p in _card_paths(inp["cards"]).items()}
    points = rates[rates["rate_bound"] != "range"]
    rng_ = {r["stat_id"].removeprefix("range_"): float(r["rate"]) for _, r in
            rates[rates["rate_bound"] == "range"].iterrows()}

    gmv_values = {}
    for rec in selection.itertuples(index=False):
        sid = rec.series_id
        sub = gfc[gfc["series_id"] == sid]
        ll = cards[(sid, "loglinear_trend")]
        gmv_values[sid] = {
            "selected_model": rec.selected_model, "selection_reason": rec.reason,
            "backtest_mean_mape_pct": {m: c["selection"]["candidates"][m]["mean_mape"]
                                       for (s2, m), c in sorted(cards.items()) if s2 == sid},
            "reliable": bool(rec.reliable),
            "sample": {"first": rec.first, "last": rec.last, "n": int(rec.n_obs)},
            "growth_loglinear": ll["growth"],
            "forecast": {r["period"]: _pt(r) for _, r in sub[sub["model"] == rec.selected_model].iterrows()},
            "forecast_by_model": {m: {r["period"]: _pt(r, ("yhat", "lo95", "hi95")) for _, r in g.iterrows()}
                                  for m, g in sub.groupby("model", sort=True)},
        }
    # 2025 Kuaishou annual GMV implied by the three reported quarters + the Q4 forecast.
    q_rows = series_df[(series_df["series_id"] == QUARTERLY) & series_df["use_in_model"]]
    q_sel = selection.loc[selection["series_id"] == QUARTERLY, "selected_model"].iloc[0]
    q4 = gfc[(gfc["series_id"] == QUARTERLY) & (gfc["model"] == q_sel)]
    first_future = q4.iloc[0]
    year = first_future["period"][:4]
    reported = q_rows[q_rows["period"].str.startswith(year)]
    nowcast = None
    if len(reported) + 1 == 4 and first_future["period"].endswith("Q4"):
        known = float(reported["value_std"].sum())
        nowcast = {"year": year, "reported_quarters": sorted(reported["period"]), "reported_sum": known,
                   "model": q_sel, "q4": _pt(first_future),
                   "annual": {k: known + v for k, v in _pt(first_future).items()}}

    fee_values = {}
    for fee_sid, gmv_sid in FEE_SERIES.items():
        sub = ffc[ffc["series_id"] == fee_sid]
        fee_values[fee_sid] = {"gmv_model": gmv_values[gmv_sid]["selected_model"],
                               "gmv_forecast_reliable": gmv_values[gmv_sid]["reliable"],
                               "forecast": {r["period"]: _pt(r) for _, r in sub.iterrows()}}
    dy = series_df[(series_df["series_id"] == DY_ANNUAL) & series_df["use_in_model"]].sort_values("period")
    by_year = {r.period: {k: round(v) for k, v in fees.fee_bill(float(r.value_std), rng_).items()}
               | {"gmv_qualifier": r.qualifier} for r in dy.itertuples(index=False)}
    latest = dy["period"].iloc[-1]
    values = {
        "units": "CNY for amounts, fractions for rates and growth (0.25 = 25%), percent for MAPE",
        "data_vintage": data_vintage(inp["sources"]).isoformat(),
        "selection_rule": models.SELECTION_RULE,
        "reliability_rule": f"a selected model is flagged unreliable when its backtest mean MAPE exceeds "
                            f"{models.RELIABLE_MAPE:g}%",
        "gmv": gmv_values,
        "kuaishou_gmv_from_quarters": nowcast,
        "fee_rate": {**rng_, "n": len(points),
                     "n_lower_bounds": int((points["rate_bound"] == "lower_bound").sum()),
                     "assumption": fees.ASSUMPTION,
                     "points": {r["stat_id"]: {"period": r["period"], "rate": float(r["rate"]),
                                               "bound": r["rate_bound"]} for _, r in points.iterrows()}},
        "fees": fee_values,
        "douyin_fee_bill": {"latest": {"period": latest, **by_year[latest]}, "by_year": by_year,
                            "note": "Douyin GMV (media estimate) x Kuaishou's observed fee-rate range; "
                                    "estimate at the mean rate"},
    }
    fileio.write_json(out["values"], models._r(values, 12))
    log.info("forecasts: %d rows; values -> %s", len(fc), out["values"])
