"""Payment-channel fees as a share of e-commerce GMV (§2.1.4).

Assumption (stated in every output): fees are proportional to GMV of the same
period, fee = rate × GMV. The rate is read off the paper's Kuaishou fee figures
divided by Kuaishou's official GMV of the same period (annual figures by annual
GMV, quarterly ones by quarterly GMV). Most of the paper's figures are printed
as "over X" (超过); those rates are lower bounds and are marked so.

The rate's uncertainty is a distribution, stated once (:func:`rate_distribution`):
normal on the log scale with the mean and standard deviation of the observed
log rates, truncated below at the lowest observed rate, because most points
are lower bounds (a true rate can be higher than printed, not lower). The
central rate the paper prints is this distribution's median, the value the
Monte Carlo centres on. Forecasts combine it, independently, with GMV drawn
from its forecast distribution (a lognormal matched to the 95% interval).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

FEE_METRIC = "payment_channel_fees"
FEE_ENTITY = "Kuaishou"
Z975 = 1.959963984540054
ASSUMPTION = ("Payment-channel fees are proportional to e-commerce GMV of the same period "
              "(fee = rate x GMV); the rate is the paper's Kuaishou fee figure divided by "
              "Kuaishou's official e-commerce GMV of the same period.")
BOUNDS = {"over": "lower_bound", "nearly": "upper_bound", "under": "upper_bound",
          "about": "approximate", "exact": "exact"}
RATE_COLUMNS = ["stat_id", "period", "resolution", "fees", "fees_printed_precision", "fees_qualifier", "derived",
                "gmv_series_id", "gmv", "rate", "rate_bound", "note"]
RATE_DISTRIBUTION = ("log(rate) ~ Normal(mean, sd of the observed log rates), truncated below at the lowest "
                     "observed rate (most points are lower bounds: the true rate may be higher, not lower); "
                     "the central rate is the median of this distribution")


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
                     "fees": float(rec.value_std),
                     # the place value of the last digit the paper printed (16亿元: 1亿元), so
                     # that a caption prints the fee as the paper did, not to three digits
                     "fees_printed_precision": float(getattr(rec, "resolution_std", math.nan)),
                     "fees_qualifier": rec.qualifier, "derived": derived,
                     "gmv_series_id": sid, "gmv": g, "rate": float(rec.value_std) / g,
                     "rate_bound": bound, "note": note})
    return pd.DataFrame(rows, columns=RATE_COLUMNS)


def rate_range(rates: "pd.DataFrame") -> dict[str, Any]:
    """Min, mean and max of the rate points (bounds taken at face value)."""
    r = rates["rate"]
    lower = int((rates["rate_bound"] == "lower_bound").sum())
    return {"min": float(r.min()), "mean": float(r.mean()), "max": float(r.max()), "n": len(r),
            "n_lower_bounds": lower, "n_derived": int(rates["derived"].astype(bool).sum()),
            "period_min": str(rates.loc[r.idxmin(), "period"]), "period_max": str(rates.loc[r.idxmax(), "period"]),
            "note": f"{lower} of {len(r)} points are lower bounds (fees printed as 'over'), so the true "
                    "rates are at least these and the range may understate the upper end"}


def rates_table(rates: "pd.DataFrame", rng_: Mapping[str, Any], dist: Mapping[str, float]) -> "pd.DataFrame":
    """The rate points followed by the range rows (observed min and max; the distribution's central
    rate and 95% range)."""
    import pandas as pd

    values = {"min": (rng_["min"], f"lowest of the {rng_['n']} rate points; the distribution is truncated here"),
              "lo95": (dist["q025"], "2.5% quantile of the rate distribution"),
              "central": (dist["central"], "median of the rate distribution: " + RATE_DISTRIBUTION),
              "hi95": (dist["q975"], "97.5% quantile of the rate distribution"),
              "max": (rng_["max"], f"highest of the {rng_['n']} rate points")}
    extra = [{"stat_id": f"range_{k}", "period": "", "resolution": "", "fees": math.nan,
              "fees_printed_precision": math.nan, "fees_qualifier": "", "derived": True, "gmv_series_id": "", "gmv": math.nan,
              "rate": v, "rate_bound": "range", "note": f"{why}; {rng_['note']}"} for k, (v, why) in values.items()]
    out = pd.concat([rates, pd.DataFrame(extra, columns=RATE_COLUMNS)], ignore_index=True)
    out["derived"] = out["derived"].astype(bool)
    return out


def lognormal_from_pi(lo95: float, hi95: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal whose central 95% interval is [lo95, hi95]."""
    if not (0 < lo95 <= hi95):
        raise ValueError(f"need 0 < lo95 <= hi95, got {lo95}, {hi95}")
    return ((math.log(lo95) + math.log(hi95)) / 2, (math.log(hi95) - math.log(lo95)) / (2 * Z975))


def rate_distribution(rates: "pd.DataFrame") -> dict[str, float]:
    """The fee-rate distribution (:data:`RATE_DISTRIBUTION`): its parameters, median and quantiles."""
    import numpy as np
    from scipy.stats import truncnorm

    logs = np.log(rates["rate"].to_numpy(float))
    mu, sd = float(logs.mean()), float(logs.std(ddof=1))
    if not sd > 0:
        raise ValueError("the fee-rate distribution needs at least two different rates")
    a = (float(logs.min()) - mu) / sd
    dist = truncnorm(a, np.inf, loc=mu, scale=sd)
    q = {f"q{round(p * 1000):03d}": float(np.exp(dist.ppf(p))) for p in (0.025, 0.1, 0.5, 0.9, 0.975)}
    return {"log_mean": mu, "log_sd": sd, "truncated_below": float(np.exp(logs.min())),
            "central": q["q500"], **q}


def draw_rates(dist: Mapping[str, float], draws: int, rng: "np.random.Generator") -> "np.ndarray":
    """Rates drawn from :func:`rate_distribution`'s distribution."""
    import numpy as np
    from scipy.stats import truncnorm

    a = (math.log(dist["truncated_below"]) - dist["log_mean"]) / dist["log_sd"]
    z = truncnorm(a, np.inf).rvs(draws, random_state=rng)
    return np.exp(dist["log_mean"] + dist["log_sd"] * z)


def simulate_fees(gmv_forecast: "pd.DataFrame", dist: Mapping[str, float], *, seed: int,
                  draws: int) -> "pd.DataFrame":
    """Fee forecast = GMV × rate by Monte Carlo.

    GMV per period ~ lognormal matched to its 95% PI; rate ~ :func:`rate_distribution`,
    independent of GMV. The same draws are used for every period (a path that is
    high stays high); only per-period (marginal) quantiles are reported.
    Returns period, yhat (median), lo80, hi80, lo95, hi95.
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    z = rng.standard_normal(draws)
    rate = draw_rates(dist, draws, rng)
    rows = []
    for rec in gmv_forecast.itertuples(index=False):
        mu, sigma = lognormal_from_pi(float(rec.lo95), float(rec.hi95))
        fee = np.exp(mu + sigma * z) * rate
        q = np.quantile(fee, [0.5, 0.1, 0.9, 0.025, 0.975])
        rows.append({"period": str(rec.period), "yhat": q[0], "lo80": q[1], "hi80": q[2],
                     "lo95": q[3], "hi95": q[4]})
    return pd.DataFrame(rows, columns=["period", "yhat", "lo80", "hi80", "lo95", "hi95"])


def rate_scenarios(rng_: Mapping[str, Any], dist: Mapping[str, float], illustrative: Sequence[float]) -> dict[str, float]:
    """Illustrative rates, the observed min/max, the central rate and its 95% range, in increasing order.

    Illustrative rates are named by their percentage (0.001 → ``illustrative_0.1pct``).
    """
    sc = {f"illustrative_{r * 100:g}pct": float(r) for r in illustrative}
    sc |= {"observed_min": rng_["min"], "observed_max": rng_["max"], "rate_lo95": dist["q025"],
           "central": dist["central"], "rate_hi95": dist["q975"]}
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


def fee_bill(gmv: float, dist: Mapping[str, float]) -> dict[str, float]:
    """Hypothetical fee bill on a known GMV: at the central rate, and over the rate's 95% range."""
    return {"gmv": gmv, "estimate": gmv * dist["central"], "lo": gmv * dist["q025"], "hi": gmv * dist["q975"]}


def printed_fees(fees: float, precision: float | None, lang: str) -> str:
    """A fee figure of the paper as the paper printed it (16亿元, not 16.0亿元): the
    ``fees_printed_precision`` of ``fee_rates.csv`` (NaN or None: three significant
    digits, as for a model's figure)."""
    from analysis.formatting import format_quantity

    if precision is None or precision != precision or precision <= 0:
        precision = 10.0 ** (math.floor(math.log10(abs(fees))) - 2) if fees else None
    return format_quantity(float(fees), "CNY", lang, resolution=precision)
