"""Payment-channel fees as a share of e-commerce GMV (§2.1.4).

Assumption (stated in every output): fees are proportional to GMV of the same
period, fee = rate × GMV. The rate is read off the paper's Kuaishou fee figures
divided by Kuaishou's official GMV of the same period (annual figures by annual
GMV, quarterly ones by quarterly GMV). Most of the paper's figures are printed
as "over X" (超过); those rates are lower bounds and are marked so.

Forecasts combine two uncertainties by a seeded Monte Carlo: GMV drawn from
its forecast distribution (a lognormal matched to the 95% prediction interval)
and the rate drawn uniformly within the observed range, independently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

FEE_METRIC = "payment_channel_fees"
FEE_ENTITY = "Kuaishou"
MC_DRAWS = 2000
Z975 = 1.959963984540054
ASSUMPTION = ("Payment-channel fees are proportional to e-commerce GMV of the same period "
              "(fee = rate x GMV); the rate is the paper's Kuaishou fee figure divided by "
              "Kuaishou's official e-commerce GMV of the same period.")
BOUNDS = {"over": "lower_bound", "nearly": "upper_bound", "under": "upper_bound",
          "about": "approximate", "exact": "exact"}
RATE_COLUMNS = ["stat_id", "period", "resolution", "fees", "fees_qualifier", "derived", "gmv_series_id",
                "gmv", "rate", "rate_bound", "note"]
# Rate scenarios for the sensitivity table: fixed rates (0.6% is the standard
# Chinese merchant rate for WeChat Pay / Alipay) plus the observed min/mean/max.
FIXED_RATES = {"rate_0.1pct": 0.001, "rate_0.2pct": 0.002, "rate_0.6pct": 0.006}


def gmv_series_for(period: str) -> str:
    """Kuaishou GMV series matching a fee figure's period (annual or quarterly)."""
    return "kuaishou_ecommerce_gmv_quarterly" if "Q" in period else "kuaishou_ecommerce_gmv_annual"


def fee_points(cited: "pd.DataFrame") -> "pd.DataFrame":
    """The paper's Kuaishou fee levels (not the increases), with their qualifiers."""
    sel = cited[(cited["metric"] == FEE_METRIC) & (cited["entity"] == FEE_ENTITY)
                & (cited["period"].astype(str) != "")]
    if sel.empty:
        raise KeyError(f"no {FEE_METRIC} rows for {FEE_ENTITY} in the cited statistics")
    return sel.sort_values("period").reset_index(drop=True)


def fee_rates(cited: "pd.DataFrame", gmv: Mapping[str, Mapping[str, float]]) -> "pd.DataFrame":
    """Rate = fees / GMV of the same period for every fee figure of the paper.

    ``gmv``: series_id → {period: value in CNY}. A figure printed as "over X"
    gives a lower bound on the rate (rate_bound = lower_bound), and so on.
    """
    import pandas as pd

    rows = []
    for rec in fee_points(cited).itertuples(index=False):
        period = str(rec.period)
        sid = gmv_series_for(period)
        if period not in gmv.get(sid, {}):
            raise KeyError(f"{rec.stat_id}: no {sid} value for {period}")
        g = float(gmv[sid][period])
        bound = BOUNDS.get(rec.qualifier, "approximate")
        derived = str(rec.derived) == "True" or rec.derived is True
        note = {"lower_bound": "fees printed as 'over' (超过) this figure, so the rate is at least this",
                "upper_bound": "fees printed as at most this figure, so the rate is at most this",
                "approximate": "fees printed as approximate",
                "exact": "fees printed as an exact figure"}[bound]
        if derived:
            note += f"; fees derived: {rec.formula}"
        rows.append({"stat_id": rec.stat_id, "period": period,
                     "resolution": "quarterly" if "Q" in period else "annual",
                     "fees": float(rec.value_std), "fees_qualifier": rec.qualifier, "derived": derived,
                     "gmv_series_id": sid, "gmv": g, "rate": float(rec.value_std) / g,
                     "rate_bound": bound, "note": note})
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def rate_range(rates: "pd.DataFrame") -> dict[str, Any]:
    """Min, mean and max of the rate points (bounds taken at face value)."""
    r = rates["rate"]
    lower = int((rates["rate_bound"] == "lower_bound").sum())
    return {"min": float(r.min()), "mean": float(r.mean()), "max": float(r.max()), "n": len(r),
            "n_lower_bounds": lower,
            "period_min": str(rates.loc[r.idxmin(), "period"]), "period_max": str(rates.loc[r.idxmax(), "period"]),
            "note": f"{lower} of {len(r)} points are lower bounds (fees printed as 'over'), so the true "
                    "rates are at least these and the range may understate the upper end"}


def rates_table(rates: "pd.DataFrame", rng_: Mapping[str, Any]) -> "pd.DataFrame":
    """The rate points followed by the range rows (min/mean/max), for fee_rates.csv."""
    import pandas as pd

    extra = [{"stat_id": f"range_{k}", "period": "", "resolution": "", "fees": math.nan,
              "fees_qualifier": "", "derived": True, "gmv_series_id": "", "gmv": math.nan,
              "rate": rng_[k], "rate_bound": "range", "note": f"{k} of the {rng_['n']} rate points; "
              + rng_["note"]} for k in ("min", "mean", "max")]
    out = pd.concat([rates, pd.DataFrame(extra, columns=RATE_COLUMNS)], ignore_index=True)
    out["derived"] = out["derived"].astype(bool)
    return out


def lognormal_from_pi(lo95: float, hi95: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal whose central 95% interval is [lo95, hi95]."""
    if not (0 < lo95 <= hi95):
        raise ValueError(f"need 0 < lo95 <= hi95, got {lo95}, {hi95}")
    return ((math.log(lo95) + math.log(hi95)) / 2, (math.log(hi95) - math.log(lo95)) / (2 * Z975))


def simulate_fees(gmv_forecast: "pd.DataFrame", rate_lo: float, rate_hi: float, *, seed: int,
                  draws: int = MC_DRAWS) -> "pd.DataFrame":
    """Fee forecast = GMV × rate by Monte Carlo.

    GMV per period ~ lognormal matched to its 95% PI; rate ~ Uniform(rate_lo, rate_hi),
    independent of GMV. The same draws are used for every period (a path that is
    high stays high); only per-period (marginal) quantiles are reported.
    Returns period, yhat (median), lo80, hi80, lo95, hi95.
    """
    import numpy as np
    import pandas as pd

    if not 0 < rate_lo <= rate_hi:
        raise ValueError(f"need 0 < rate_lo <= rate_hi, got {rate_lo}, {rate_hi}")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(draws)
    rate = rng.uniform(rate_lo, rate_hi, draws) if rate_hi > rate_lo else np.full(draws, rate_lo)
    rows = []
    for rec in gmv_forecast.itertuples(index=False):
        mu, sigma = lognormal_from_pi(float(rec.lo95), float(rec.hi95))
        fee = np.exp(mu + sigma * z) * rate
        q = np.quantile(fee, [0.5, 0.1, 0.9, 0.025, 0.975])
        rows.append({"period": str(rec.period), "yhat": q[0], "lo80": q[1], "hi80": q[2],
                     "lo95": q[3], "hi95": q[4]})
    return pd.DataFrame(rows, columns=["period", "yhat", "lo80", "hi80", "lo95", "hi95"])


def rate_scenarios(rng_: Mapping[str, Any]) -> dict[str, float]:
    """Fixed rates plus the observed min/mean/max, in increasing order."""
    sc = dict(FIXED_RATES) | {"observed_min": rng_["min"], "observed_mean": rng_["mean"],
                              "observed_max": rng_["max"]}
    return dict(sorted(sc.items(), key=lambda kv: (kv[1], kv[0])))


def sensitivity(gmv: "pd.DataFrame", scenarios: Mapping[str, float]) -> "pd.DataFrame":
    """Fee bill = GMV × rate for every GMV row (period, gmv, gmv_basis, series_id) and scenario."""
    import pandas as pd

    rows = []
    for rec in gmv.itertuples(index=False):
        for name, rate in scenarios.items():
            rows.append({"series_id": rec.series_id, "period": str(rec.period), "gmv_basis": rec.gmv_basis,
                         "gmv": float(rec.gmv), "scenario": name, "rate": float(rate),
                         "fee": float(rec.gmv) * float(rate)})
    return pd.DataFrame(rows, columns=["series_id", "period", "gmv_basis", "gmv", "scenario", "rate", "fee"])


def fee_bill(gmv: float, rng_: Mapping[str, Any]) -> dict[str, float]:
    """Hypothetical fee bill on a known GMV: at the mean rate, and over the observed range."""
    return {"gmv": gmv, "estimate": gmv * rng_["mean"], "lo": gmv * rng_["min"], "hi": gmv * rng_["max"]}
