"""Figures: both languages, the CJK font with no missing glyphs, plotted numbers equal
to the data, byte-identical saves, captions and alt text carrying the formatted values.

The pure drawing functions are called on small frames built here, so the tests are
self-contained and fast; one test also checks a built workflow's outputs when present.
"""

from __future__ import annotations

import re

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from matplotlib.backends.backend_agg import FigureCanvasAgg

from analysis import figures, plotting
from analysis.figures import _common as common
from analysis.formatting import format_period, format_quantity

ROOT = Path(__file__).resolve().parents[1]
FONTS = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))["fonts"]
CJK, LATIN = FONTS["cjk_serif"], FONTS["latin_serif"]
LANGS = ("zh", "en")


@pytest.fixture(scope="module", autouse=True)
def _fonts():
    try:
        from analysis.fonts import find_font_file

        find_font_file(CJK)
        find_font_file(LATIN, script="latin")
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"fonts not installed: {exc}")


# --------------------------------------------------------------------------- small frames

def _series_rows(series_id, entity, periods, values, unit="CNY", status="official", used=None,
                 resolution=1e8, source_key="src", qualifier="exact"):
    used = used if used is not None else [True] * len(periods)
    return pd.DataFrame({"series_id": series_id, "entity": entity, "period": [str(p) for p in periods],
                         "value_std": [float(v) for v in values], "unit_std": unit, "status": status,
                         "use_in_model": used, "resolution_std": resolution, "source_key": source_key,
                         "qualifier": qualifier})


def _forecast(series_id, model, periods, yhat, spread=0.1, role="selected"):
    yhat = np.asarray(yhat, dtype=float)
    return pd.DataFrame({"series_id": series_id, "model": model, "role": role, "period": [str(p) for p in periods],
                         "yhat": yhat, "lo80": yhat * (1 - spread), "hi80": yhat * (1 + spread),
                         "lo95": yhat * (1 - 2 * spread), "hi95": yhat * (1 + 2 * spread)})


KS, DY, DY_OTHER = "kuaishou_ecommerce_gmv_annual", "douyin_ecommerce_gmv_36kr", "douyin_ecommerce_gmv_caixin"
DY_LIVE = "douyin_livestream_gmv_annual"  # a scope of Douyin's estimates the fee bill does not use
DY_SCOPES = [DY, DY_OTHER, DY_LIVE]
Q = "kuaishou_ecommerce_gmv_quarterly"


def gmv_frames():
    series = pd.concat([
        _series_rows(KS, "Kuaishou", [2020, 2021, 2022], [381.2e9, 680e9, 901.2e9]),
        _series_rows(DY_OTHER, "Douyin", [2020, 2020, 2021], [170e9, 180e9, 800e9], status="media_estimate",
                     used=[False, False, True], qualifier="about").assign(
                         qualifier=["about", "about", "over"]),
        _series_rows(DY, "Douyin", [2021, 2022], [1.0e12, 1.3e12], status="media_estimate", qualifier="about"),
    ], ignore_index=True)
    fc = pd.concat([_forecast(KS, "sum_of_quarters", [2023, 2024], [1.1e12, 1.3e12]),
                    _forecast(KS, "naive", [2023, 2024], [901.2e9, 901.2e9], role="benchmark")
                    .assign(lo80=np.nan, hi80=np.nan, lo95=np.nan, hi95=np.nan),
                    _forecast(DY, "hold_level", [2023, 2024], [1.3e12, 1.3e12], role="scenario"),
                    _forecast(DY, "last_growth", [2023, 2024], [1.69e12, 2.197e12], role="scenario")],
                   ignore_index=True)
    for c in ("lo80", "hi80", "lo95", "hi95"):
        fc.loc[fc["role"] == "scenario", c] = np.nan
    selection = pd.DataFrame({"series_id": [KS, DY], "last": ["2022", "2022"],
                              "forecast_kind": ["forecast", "scenario"],
                              "selected_model": ["sum_of_quarters", ""], "best_benchmark": ["naive", ""]})
    return series, fc, selection


def quarterly_frames():
    history = pd.DataFrame({"period": ["2021Q1", "2021Q2", "2021Q3", "2021Q4", "2022Q1"],
                            "value_std": [118.6e9, 145.4e9, 175.8e9, 240.3e9, 175.1e9],
                            "imputed": [False, False, False, False, True]})
    fitted = history[["period"]].assign(yhat=history["value_std"] * 1.01)
    qfc = _forecast(Q, "seasonal_arima", ["2022Q2", "2022Q3"], [2e11, 2.2e11])
    bench = _forecast(Q, "seasonal_naive", ["2022Q2", "2022Q3"], [1.454e11, 1.758e11], role="benchmark")
    selection = pd.Series({"selected_model": "seasonal_arima", "best_benchmark": "seasonal_naive",
                           "interval_method": "empirical", "coverage80": 0.79, "coverage95": 0.89,
                           "raw_coverage80": 0.68, "raw_coverage95": 0.74, "selected_mase": 0.36,
                           "best_benchmark_mase": 0.98})
    return history, fitted, qfc, bench, selection


def fee_frames():
    rates = pd.DataFrame({
        "stat_id": ["kuaishou_payment_fees_2021", "kuaishou_payment_fees_2022q3", "range_min", "range_lo95",
                    "range_central", "range_hi95", "range_max"],
        "period": ["2021", "2022Q3"] + [None] * 5, "resolution": ["annual", "quarterly"] + [None] * 5,
        "fees": [1.6e9, 5.26e8] + [None] * 5, "fees_printed_precision": [1e8, 1e6] + [None] * 5,
        "rate": [0.00235, 0.00236, 0.00235, 0.002351, 0.00238, 0.0025, 0.00236],
        "rate_bound": ["lower_bound", "exact"] + ["range"] * 5})
    kfc = _forecast("kuaishou_payment_fee_annual", "gmv_x_rate", [2023, 2024], [3e9, 3.5e9])
    implied = pd.DataFrame({"series_id": KS, "period": ["2021", "2021", "2022", "2022"],
                            "gmv_basis": "official (exact)", "scenario": ["rate_lo95", "rate_hi95"] * 2,
                            "fee": [1.5e9, 1.7e9, 2.0e9, 2.3e9]})
    scen = (("illustrative_0.1pct", 0.001), ("rate_lo95", 0.00236), ("central", 0.0024),
            ("rate_hi95", 0.0026), ("illustrative_0.5pct", 0.005))
    sens = pd.DataFrame([(sid, p, "media_estimate (about)", g, s, r, g * r)
                         for sid, p, g in ((DY_OTHER, "2021", 8e11), (DY, "2021", 1.0e12), (DY, "2022", 1.3e12))
                         for s, r in scen],
                        columns=["series_id", "period", "gmv_basis", "gmv", "scenario", "rate", "fee"])
    dfc = pd.concat([_forecast("douyin_thirdparty_fee_annual", "hold_level", [2023, 2024], [3.12e9, 3.12e9],
                               role="scenario"),
                     _forecast("douyin_thirdparty_fee_annual", "last_growth", [2023, 2024], [4.1e9, 5.3e9],
                               role="scenario")], ignore_index=True)
    return rates, kfc, implied, sens, dfc


def backtest_frames():
    summary = pd.DataFrame([(s, m, k, h, n, mase) for s, m, k, h, n, mase in (
        (Q, "seasonal_naive", "benchmark", 1, 11, 0.99), (Q, "seasonal_naive", "benchmark", 2, 10, 1.01),
        (Q, "seasonal_arima", "model", 1, 11, 0.22), (Q, "seasonal_arima", "model", 2, 10, 0.31),
        (KS, "naive", "benchmark", 1, 2, 0.93), (KS, "naive", "benchmark", 2, 1, 1.88),
        (KS, "sum_of_quarters", "aggregate", 1, 2, 0.33), (KS, "sum_of_quarters", "aggregate", 2, 1, 0.64))],
        columns=["series_id", "model", "kind", "horizon", "n_scored", "mase"])
    selection = pd.DataFrame({"series_id": [Q, KS, DY], "selected_model": ["seasonal_arima", "sum_of_quarters", ""],
                              "n_origins": [11, 2, 0], "selected_mase": [0.26, 0.43, np.nan],
                              "best_benchmark": ["seasonal_naive", "naive", ""],
                              "best_benchmark_mase": [1.0, 1.24, np.nan]})
    return summary, selection


def cited_frame():
    rows = []
    for kind, vals in (("transaction", [59, 31, 56]), ("service", [30, 20, 7])):
        for year, v in zip((2018, 2019, 2020), vals):
            rows.append((f"hezhong_yibao_{kind}_complaints_{year}", str(year), v, "count", f"{kind} {year}"))
    rows += [("hezhong_yibao_complaints_total", "2021", 46098, "count", "total"),
             ("douyin_pay_account_leak_risk_events_2023", "2023", 0, "count", "leak"),
             ("douyin_pay_fund_loss_risk_events_2023", "2023", 24, "count", "fund loss"),
             ("douyin_pay_customers_affected_2023", "2023", 24, "persons", "customers"),
             ("douyin_pay_bank_accounts_affected_2023", "2023", 17, "count", "bank"),
             ("douyin_pay_payment_accounts_affected_2023", "2023", 24, "count", "payment")]
    return pd.DataFrame(rows, columns=["stat_id", "period", "value_std", "unit_std", "label_en"]).assign(
        label_zh=lambda d: d["label_en"])


def timeline_frames():
    """Events as the original paper states them (one of them wrong), the independent facts
    and the audit that corrects it."""
    events = pd.DataFrame({
        "event_id": ["hezhong_yibao_founded", "douyin_pay_launch", "plan", "nonbank_payment_regulation",
                     "short_video_platform_ecommerce_rise"],
        "date": ["2012-11", "2021-01", "2020", "2020-12-01", "2016"], "date_end": ["", "", "2021", "", ""],
        "precision": ["month", "month", "year", "day", "year"],
        "label_zh": ["合众易宝成立", "抖音支付上线", "发展规划", "中国人民银行推出实施《非银行支付机构管理条例》", "电商崛起"],
        "label_en": ["合众易宝 was founded", "Douyin Pay launched", "A plan",
                     "PBOC introduced the Regulations on Non-bank Payment Institutions", "E-commerce rose"],
        "entity": ["合众易宝", "Douyin Pay", "NRTA", "PBOC", "Douyin"]})
    facts = pd.DataFrame({"fact_id": ["nbpi_reg_draft_2021", "nbpi_reg_effective"],
                          "date": ["2021-01-20", "2024-05-01"], "verdict_hint": ["contradicts", "contradicts"]})
    audit = pd.DataFrame({"check_id": ["nonbank_regulation_date", "date_hezhong_yibao_founded",
                                       "date_douyin_pay_launch"],
                          "status": ["inconsistent", "consistent", "consistent"]})
    return events, facts, audit


def _all_by_gid(fig, gid):
    found = [a for ax in fig.axes for a in list(ax.lines) + list(ax.patches) + list(ax.collections)
             if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found


def _by_gid(fig, gid):
    return _all_by_gid(fig, gid)[0]


def _heights(fig, gid):
    return [p.get_height() for p in _all_by_gid(fig, gid)]


def _draw(fn, *args, lang):
    with plotting.figure_context(lang, FONTS):
        fig, text = fn(*args, lang)
        FigureCanvasAgg(fig).draw()  # missing glyphs surface here, as errors
    return fig, text


# --------------------------------------------------------------------------- every figure, both languages

def _all_calls():
    series, fc, selection = gmv_frames()
    rates, kfc, implied, sens, dfc = fee_frames()
    context = pd.concat([
        _series_rows("nbs_online_retail_sales", "NBS", [2016, 2017, 2019], [5.16e12, 7.18e12, 1.06e13]),
        _series_rows("nbs_physical_online_retail_sales", "NBS", [2016, 2017, 2019], [4.2e12, 5.48e12, 8.52e12]),
        _series_rows("nbs_physical_share_of_retail_sales", "NBS", [2016, 2017, 2019], [12.6, 15.0, 20.7],
                     unit="percent", resolution=0.1),
        _series_rows("cnnic_internet_users", "CNNIC", ["2022-12", "2023-06"], [1.067e9, 1.079e9], unit="persons",
                     resolution=1e6),
        _series_rows("cnnic_internet_penetration", "CNNIC", ["2022-12", "2023-06"], [75.6, 76.4],
                     unit="percent", resolution=0.1),
        _series_rows("payment_market_share_mobile", "Alipay", ["2017Q1", "2020Q2"], [53.7, 55.6], unit="percent",
                     status="media_estimate", resolution=0.1, source_key="iresearch2020x"),
        _series_rows("payment_market_share_mobile", "Tenpay", ["2017Q1"], [39.51], unit="percent",
                     status="media_estimate", resolution=0.01, source_key="analysys2017x"),
    ], ignore_index=True)
    events, facts, audit = timeline_frames()
    return {
        "gmv_history_forecast": (figures.module("gmv_history_forecast").draw, series, fc, selection),
        "kuaishou_quarterly_gmv": (figures.module("kuaishou_quarterly_gmv").draw, *quarterly_frames()),
        "payment_fees": (figures.module("payment_fees").draw, rates, kfc, implied),
        "douyin_fee_bill": (figures.module("douyin_fee_bill").draw, sens, dfc, DY_SCOPES),
        "market_context_retail": (figures.module("market_context_retail").draw, context),
        "market_context_internet": (figures.module("market_context_internet").draw, context),
        "payment_market_shares": (figures.module("payment_market_shares").draw, context),
        "complaints_risk": (figures.module("complaints_risk").draw, cited_frame()),
        "douyin_pay_timeline": (figures.module("douyin_pay_timeline").draw, events, facts, audit),
        "backtest_errors": (figures.module("backtest_errors").draw, *backtest_frames()),
    }


CALLS = _all_calls()


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_figure_in_both_languages(name, tmp_path):
    fn, *args = CALLS[name]
    texts = {}
    for lang in LANGS:
        fig, text = _draw(fn, *args, lang=lang)
        out = tmp_path / f"{name}.{lang}.svg"
        with plotting.figure_context(lang, FONTS):
            plotting.save(fig, out)
        assert out.stat().st_size > 5_000
        texts[lang] = text
        # a caption ends with its data source; alt text is there
        assert text.caption.rstrip("。.").split("。" if lang == "zh" else ". ")[-1]
        assert ("数据来源：" if lang == "zh" else "Source: ") in text.caption.rsplit("\n")[-1]
        assert text.alt
    # the languages differ (really translated) and the Chinese one is Chinese
    assert texts["zh"].caption != texts["en"].caption
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts["zh"].caption)


def test_complaints_alt_text_counts_the_account_leaks_from_the_data():
    """The alt text says 'no account-leak events' because the data say 0, not because it is typed."""
    draw = figures.module("complaints_risk").draw
    frame = cited_frame()
    assert "there were no account-leak" in _draw(draw, frame, lang="en")[1].alt
    assert "账户泄露类风险事件为零" in _draw(draw, frame, lang="zh")[1].alt
    frame.loc[frame["stat_id"] == "douyin_pay_account_leak_risk_events_2023", "value_std"] = 3
    assert "there were 3 account-leak" in _draw(draw, frame, lang="en")[1].alt
    assert "账户泄露类风险事件3起" in _draw(draw, frame, lang="zh")[1].alt


def test_chinese_text_is_set_in_the_cjk_font():
    fn, *args = CALLS["complaints_risk"]
    fig, _ = _draw(fn, *args, lang="zh")
    from matplotlib import font_manager

    title = fig.axes[0].yaxis.label
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title.get_text())
    assert title.get_fontfamily()[0] == CJK
    cjk_files = {f.fname for f in font_manager.fontManager.ttflist if f.name == CJK}
    found = font_manager.findfont(title.get_fontproperties())
    assert str(getattr(found, "path", found)) in cjk_files
    assert font_manager.get_font(found).family_name == CJK
    # English figures set Latin text in the serif of the body first, the CJK serif as fallback
    fig, _ = _draw(fn, *args, lang="en")
    assert fig.axes[0].yaxis.label.get_fontfamily()[:2] == [LATIN, CJK]
    found = font_manager.findfont(fig.axes[0].yaxis.label.get_fontproperties())
    assert font_manager.get_font(found).family_name == LATIN


def test_missing_glyph_raises(tmp_path):
    """A glyph the fonts do not have must fail the build, not draw tofu."""
    from matplotlib.figure import Figure

    for lang in LANGS:
        with plotting.figure_context(lang, FONTS):
            fig = Figure()
            fig.text(0.5, 0.5, "抖音 \U0001D11E")  # a musical G clef: in neither font
            with pytest.raises(UserWarning, match="missing from"):
                FigureCanvasAgg(fig).draw()
            with pytest.raises(UserWarning, match="missing from"):
                plotting.save(fig, tmp_path / f"tofu.{lang}.svg")
        assert not (tmp_path / f"tofu.{lang}.svg").exists()
    # the Chinese text alone draws without a warning in either language
    for lang in LANGS:
        with plotting.figure_context(lang, FONTS):
            fig = Figure()
            fig.text(0.5, 0.5, "抖音支付 Douyin Pay 合众易宝")
            FigureCanvasAgg(fig).draw()
    # outside the context the same glyph is only a warning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = Figure()
        fig.text(0, 0, "\U0001D11E")
        FigureCanvasAgg(fig).draw()


def test_missing_font_raises():
    from analysis.errors import FontNotFoundError

    with pytest.raises(FontNotFoundError):
        with plotting.figure_context("zh", {**FONTS, "cjk_serif": "No Such Font SC"}):
            pass
    with pytest.raises(FontNotFoundError, match="latin_serif"):
        with plotting.figure_context("en", {**FONTS, "latin_serif": "No Such Serif"}):
            pass


# --------------------------------------------------------------------------- numbers

def test_gmv_numbers_match_the_data():
    series, fc, selection = gmv_frames()
    fig, text = _draw(figures.module("gmv_history_forecast").draw, series, fc, selection, lang="zh")
    scale = 1e12  # Douyin's estimates reach a trillion: the axis is in 万亿元
    assert "万亿元" in fig.axes[0].yaxis.label.get_text()
    hist = _by_gid(fig, f"history:{KS}")
    assert list(hist.get_xdata()) == [2020, 2021, 2022]
    np.testing.assert_allclose(hist.get_ydata(), np.array([381.2e9, 680e9, 901.2e9]) / scale)
    # the forecast is the selected method's; the benchmark is drawn beside it
    np.testing.assert_allclose(_by_gid(fig, f"forecast:{KS}").get_ydata(), np.array([1.1e12, 1.3e12]) / scale)
    np.testing.assert_allclose(_by_gid(fig, f"benchmark:{KS}").get_ydata()[1:], np.array([901.2e9] * 2) / scale)
    # Douyin: each scope its own line, never joined; a printed range is a bar between its ends
    np.testing.assert_allclose(_by_gid(fig, f"history:{DY}").get_ydata(), np.array([1.0e12, 1.3e12]) / scale)
    assert list(_by_gid(fig, f"history:{DY_OTHER}").get_xdata()) == [2020, 2021]
    np.testing.assert_allclose(_by_gid(fig, f"range:{DY_OTHER}:2020").get_ydata(), np.array([170e9, 180e9]) / scale)
    # a scenario range, not a fan: no forecast line and no interval band for Douyin
    assert _all_by_gid(fig, f"scenario:{DY}")
    assert not [a for ax in fig.axes for a in ax.collections if a.get_gid() in (f"band95:{DY}", f"band80:{DY}")]
    assert common.money(2.197e12, "zh") in text.caption and "情景区间" in text.caption
    assert common.money(1.3e12, "zh") in text.caption and common.money(901.2e9, "zh") in text.caption
    _, en = _draw(figures.module("gmv_history_forecast").draw, series, fc, selection, lang="en")
    assert "not a prediction interval" in en.caption and common.money(2.197e12, "en") in en.caption


def test_quarterly_figure_shows_the_forecast_and_the_benchmark():
    history, fitted, qfc, bench, selection = quarterly_frames()
    fig, text = _draw(figures.module("kuaishou_quarterly_gmv").draw, history, fitted, qfc, bench, selection, lang="en")
    scale = common.MONEY_SCALE["en"][0]
    np.testing.assert_allclose(_by_gid(fig, f"forecast:{Q}").get_ydata(), np.array([2e11, 2.2e11]) / scale)
    np.testing.assert_allclose(_by_gid(fig, f"benchmark:{Q}").get_ydata()[1:], np.array([1.454e11, 1.758e11]) / scale)
    assert "68%" in text.caption and "79%" in text.caption and "0.36" in text.caption


def test_fee_numbers_match_the_data():
    rates, kfc, implied, _, _ = fee_frames()
    fig, text = _draw(figures.module("payment_fees").draw, rates, kfc, implied, lang="en")
    scale = common.MONEY_SCALE["en"][0]
    assert _by_gid(fig, "fees:kuaishou_payment_fees_2021").get_ydata()[0] == pytest.approx(1.6e9 / scale)
    assert _by_gid(fig, "fees:kuaishou_payment_fees_2021").get_marker() == "^"  # a lower bound
    assert _by_gid(fig, "fees:kuaishou_payment_fees_2022q3").get_marker() == "o"  # exact
    assert _by_gid(fig, "rate:kuaishou_payment_fees_2022q3").get_ydata()[0] == pytest.approx(0.236)
    assert _by_gid(fig, "rate_central").get_ydata()[0] == pytest.approx(0.238)  # the central rate, not the mean
    np.testing.assert_allclose(_by_gid(fig, "forecast:kuaishou_payment_fee_annual").get_ydata(),
                               np.array([3e9, 3.5e9]) / scale)
    assert common.rate_pct(0.00235, "en") in text.caption and common.rate_pct(0.00238, "en") in text.caption
    assert format_quantity(3.5e9, "CNY", "en", resolution=1e7) in text.caption


def test_douyin_fee_bill_numbers():
    _, _, _, sens, dfc = fee_frames()
    fig, text = _draw(figures.module("douyin_fee_bill").draw, sens, dfc, DY_SCOPES, lang="zh")
    central = sens[(sens["series_id"] == DY) & (sens["scenario"] == "central")].sort_values("period")
    bars = _by_gid(fig, f"bill:{DY}")
    np.testing.assert_allclose(np.asarray(bars.get_ydata(), dtype=float), (central["fee"] / 1e8).to_numpy())
    line = _by_gid(fig, "sensitivity")
    latest = sens[(sens["series_id"] == DY) & (sens["period"] == "2022")].sort_values("rate")
    np.testing.assert_allclose(line.get_xdata(), latest["rate"] * 100)
    np.testing.assert_allclose(line.get_ydata(), latest["fee"] / 1e8)
    assert common.money(1.3e12 * 0.0024, "zh") in text.caption and common.money(5.3e9, "zh") in text.caption
    assert "情景区间" in text.caption


def test_complaints_and_context_numbers():
    fig, text = _draw(figures.module("complaints_risk").draw, cited_frame(), lang="zh")
    assert _heights(fig, "complaints:transaction") == [59, 31, 56]
    assert _heights(fig, "complaints:total") == [46098]
    assert fig.axes[0].get_yscale() == "linear"  # bars, never on a log axis
    assert [p.get_width() for p in _all_by_gid(fig, "risk")] == [0, 24, 24, 17, 24]
    assert format_quantity(46098, "count", "zh") in text.caption
    context = CALLS["market_context_retail"][1]
    fig, text = _draw(figures.module("market_context_retail").draw, context, lang="en")
    assert _heights(fig, "total") == pytest.approx([5.16, 7.18, 10.6])  # RMB tn: the sales reach trillions
    assert "RMB tn" in fig.axes[0].yaxis.label.get_text()
    share = _by_gid(fig, "share").get_ydata()
    assert np.isnan(share[2])  # 2018 has no figure: the line breaks
    np.testing.assert_allclose(share[[0, 1, 3]], [12.6, 15.0, 20.7])
    assert "20.7%" in text.caption and format_period("2019", "en") in text.caption
    fig, text = _draw(figures.module("market_context_internet").draw, context, lang="zh")
    np.testing.assert_allclose(_by_gid(fig, "users").get_ydata(), [10.67, 10.79])
    assert "10.79亿人" in text.caption
    fig, text = _draw(figures.module("payment_market_shares").draw, context, lang="en")
    assert _by_gid(fig, "share:Tenpay:2017Q1").get_height() == pytest.approx(39.51)
    assert "39.51%" in text.caption and "research firms" in text.caption


def test_backtest_numbers():
    summary, selection = backtest_frames()
    fig, text = _draw(figures.module("backtest_errors").draw, summary, selection, lang="en")
    h1 = _by_gid(fig, f"mase:{Q}:h1").get_xdata()
    assert list(h1) == pytest.approx([0.99, 0.22])
    assert "0.26" in text.caption and "1.00" in text.caption and "(11 origins)" in text.caption
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("(benchmark)" in t for t in labels) and any("(selected)" in t for t in labels)
    assert len(fig.axes) == 2  # the series without scored forecasts has no panel


# --------------------------------------------------------------------------- determinism

def test_saving_twice_gives_identical_bytes(tmp_path):
    fn, *args = CALLS["gmv_history_forecast"]
    blobs = []
    for i in range(2):
        fig, _ = _draw(fn, *args, lang="zh")
        with plotting.figure_context("zh", FONTS):
            plotting.save(fig, tmp_path / f"a{i}.svg")
        blobs.append((tmp_path / f"a{i}.svg").read_bytes())
    assert blobs[0] == blobs[1]
    assert b"<dc:date>" not in blobs[0]


# --------------------------------------------------------------------------- the built figures

def _figure_names() -> list[str]:
    return figures.names()


def test_figure_modules_are_found_and_declare_what_they_read():
    """Every module of analysis/figures/ is a figure (no list to keep): a
    docstring for its report caption, INPUTS the workflow can read without
    importing it, and a load (its own, or the default that reads every input as it is) and a
    draw; the draw tests above cover each of them."""
    assert set(_figure_names()) == set(CALLS)
    for name in _figure_names():
        decl = figures.declaration(name)
        assert len(decl["doc"]) > 40, name
        assert decl["inputs"] and all(p.startswith("data/processed/") for p in decl["inputs"].values())
        module = figures.module(name)
        assert callable(figures.loader(name)) and callable(module.draw)


def test_a_figure_without_load_reads_its_inputs_as_they_are(tmp_path):
    """The default load: public_series.csv with its booleans, other tables with text periods;
    and the module that reads through it has the reader among its code inputs."""
    from analysis.figures._read import read_inputs

    (tmp_path / "public_series.csv").write_text("series_id,period,use_in_model\ns,2021,True\ns,2022,False\n")
    (tmp_path / "backtest.csv").write_text("series_id,origin,period\ns,2021,2022\n")
    data = read_inputs({"series": str(tmp_path / "public_series.csv"), "bt": str(tmp_path / "backtest.csv")})
    assert data["series"]["use_in_model"].tolist() == [True, False]
    assert data["series"]["period"].tolist() == ["2021", "2022"]
    assert data["bt"]["origin"].tolist() == ["2021"] and data["bt"]["period"].tolist() == ["2022"]
    assert not hasattr(figures.module("market_context_retail"), "load")
    assert "analysis/figures/_read.py" in figures.declaration("market_context_retail")["code"]


def test_every_figure_is_placed_once_per_language_and_referenced():
    for name in _figure_names():
        fid = "fig-" + name.replace("_", "-")
        for lang in LANGS:
            body = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "paper/sections" / lang).glob("*.qmd"))
            assert body.count(f"{{{{< fig {name} >}}}}") == 1, (name, lang)
            # a reference pandoc recognises: @ not preceded by a letter or digit
            assert re.search(rf"(?<![\w@]){fid}\b".replace(fid, "@" + fid), body), (name, lang)


@pytest.mark.e2e
def test_built_figures_exist_in_both_languages(builds):
    names = _figure_names()
    built = builds["a"]
    for name in names:
        for lang in LANGS:
            svg = built / f"figures/{name}.{lang}.svg"
            assert svg.is_file() and svg.stat().st_size > 5_000, svg
        texts = yaml.safe_load((built / f"figures/{name}.text.yml").read_text(encoding="utf-8"))
        assert set(texts) == set(LANGS) | {"data", "code"}
        assert texts["code"] == f"analysis/figures/{name}.py"
        assert texts["data"] and all((ROOT / p).suffix in (".csv", ".json") for p in texts["data"])
        for lang in LANGS:
            assert texts[lang]["caption"] and texts[lang]["alt"]


# --------------------------------------------------------------------------- what the figures say and show

def _texts(fig) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_english_figures_are_english(name):
    """An English figure has no Chinese: not in its labels, legend, caption or alt text
    (its names come from the glossary, data/raw/glossary.csv)."""
    from analysis.glossary import chinese_runs

    fn, *args = CALLS[name]
    fig, text = _draw(fn, *args, lang="en")
    assert [t for t in _texts(fig) + [text.caption, text.alt] if chinese_runs(t)] == []


@pytest.mark.parametrize("name", sorted(CALLS))
def test_no_bars_on_a_log_axis(name):
    """A bar's length is its value: on a log axis it would say nothing (and start nowhere)."""
    from matplotlib.container import BarContainer

    fn, *args = CALLS[name]
    for lang in LANGS:
        fig, _ = _draw(fn, *args, lang=lang)
        for ax in fig.axes:
            if "log" in (ax.get_xscale(), ax.get_yscale()):
                assert not [c for c in ax.containers if isinstance(c, BarContainer)], (name, lang)


def _rgb(colour) -> tuple[float, ...]:
    from matplotlib.colors import to_rgb

    return tuple(round(v, 3) for v in to_rgb(colour))


def _legend_handles(fig) -> dict[str, object]:
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    return {t.get_text(): h for lg in legends for t, h in zip(lg.get_texts(), lg.legend_handles)}


@pytest.mark.parametrize("name", ["gmv_history_forecast", "kuaishou_quarterly_gmv", "payment_fees"])
def test_band_swatches_are_the_colour_of_the_bands(name):
    """The legend's 80% and 95% swatches are the colour of the bands they label (not grey
    beside blue or orange bands), the 80% one darker, as it is seen through the 95% band."""
    fn, *args = CALLS[name]
    for lang in LANGS:
        fig, _ = _draw(fn, *args, lang=lang)
        handles = _legend_handles(fig)
        alpha = {}
        for level in ("80", "95"):
            label = common.pick(lang, f"{level}%预测区间", f"{level}% prediction interval")
            bands = [c for ax in fig.axes for c in ax.collections if str(c.get_gid()).startswith(f"band{level}:")]
            assert bands and label in handles, (name, lang, level)
            swatch = handles[label].get_facecolor()
            assert _rgb(swatch[:3]) == _rgb(bands[0].get_facecolor()[0][:3]), (name, lang, level)
            alpha[level] = swatch[3]
        assert alpha["80"] > alpha["95"]


def test_timeline_shows_the_corrections_in_the_colours_its_caption_names():
    """The timeline draws what the audit corrected, not the original paper's wrong date, marks
    it as corrected, and colours each event as its caption says."""
    mod = figures.module("douyin_pay_timeline")
    events, facts, audit = timeline_frames()
    for lang in LANGS:
        fig, text = _draw(mod.draw, events, facts, audit, lang=lang)
        drawn = re.sub(r"\s*\n\s*", "" if lang == "zh" else " ", "\n".join(_texts(fig)))  # lines unwrapped
        assert format_period("2020-12-01", lang) not in drawn + text.caption
        for day in ("2021-01-20", "2024-05-01"):
            assert format_period(day, lang) in drawn
        assert drawn.count(common.pick(lang, "（更正）", " (corrected)")) == 2
        frame = mod.corrected_events(events, facts, audit, lang)
        for rec in frame.itertuples():
            _, colour, words = mod.category(rec.entity)
            artist = _by_gid(fig, f"event:{rec.event_id}")
            face = artist.get_markerfacecolor() if hasattr(artist, "get_markerfacecolor") else artist.get_facecolor()
            assert _rgb(face[:3] if isinstance(face, tuple) else face) == _rgb(colour), rec.event_id
            named = common.colour_name(colour, lang)
            assert (f"{named}为{words[0]}" if lang == "zh" else f"{named}: {words[1]}") in text.caption
        # the legend's swatches are the colours of the categories they name
        handles = _legend_handles(fig)
        for _, colour, words, _ in mod.CATEGORIES:
            label = words[0 if lang == "zh" else 1]
            if label in handles:
                assert _rgb(handles[label].get_facecolor()[:3]) == _rgb(colour)
    # once the evidence no longer contradicts the original paper, its event is drawn as it states it
    fig, _ = _draw(mod.draw, events, facts, audit.assign(status="consistent"), lang="en")
    assert format_period("2020-12-01", "en") in "\n".join(_texts(fig))


def test_money_axes_read_in_trillions_where_the_amounts_do():
    assert common.money_scale(1.54e13, "zh") == (1e12, "万亿元")
    assert common.money_scale(1.54e13, "en") == (1e12, "RMB tn")
    assert common.money_scale(9.9e11, "zh") == (1e8, "亿元")


# --------------------------------------------------------------------------- reviewer's figure defects

def _tick_labels(axis) -> list[tuple[float, str]]:
    """The major ticks of ``axis`` and the labels the shared number formatter
    (:func:`analysis.figures._common.number_formatter`) gives them, as drawn; none on an axis
    labelled otherwise (categories, years centred in their span)."""
    fmt = axis.get_major_formatter()
    if type(fmt).__name__ != type(common.number_formatter("en")).__name__:
        return []
    locs = list(axis.get_majorticklocs())
    return list(zip(locs, fmt.format_ticks(locs)))


def _number(label: str) -> float | None:
    try:
        return float(label.replace(",", "").rstrip("%"))
    except ValueError:
        return None


@pytest.mark.parametrize("name", sorted(CALLS))
def test_numeric_tick_labels_are_their_ticks(name):
    """A tick label that is a number is its tick, whatever the step (12.5 is not printed as 12)."""
    fn, *args = CALLS[name]
    for lang in LANGS:
        fig, _ = _draw(fn, *args, lang=lang)
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                for loc, label in _tick_labels(axis):
                    value = _number(label)
                    if value is not None:
                        assert value == pytest.approx(loc, rel=1e-9, abs=1e-12), (name, lang, loc, label)


def test_fee_bill_ticks_two_and_a_half_apart_read_as_such():
    """Douyin's bill reaching RMB 17.5 billion: ticks 2.5 apart are labelled 12.5 and 17.5, every
    label with the one decimal the step needs (the English edition read 12 and 18)."""
    _, _, _, sens, dfc = fee_frames()
    sens = sens.copy()
    big = (sens["series_id"] == DY) & (sens["period"] == "2022")
    sens.loc[big, "gmv"] = 3.5e12
    sens.loc[big, "fee"] = sens.loc[big, "gmv"] * sens.loc[big, "rate"]
    fig, _ = _draw(figures.module("douyin_fee_bill").draw, sens, dfc, DY_SCOPES, lang="en")
    panel_b = fig.axes[1]
    ticks = _tick_labels(panel_b.yaxis)
    step = ticks[1][0] - ticks[0][0]
    assert step == pytest.approx(2.5)
    labels = [label for _, label in ticks]
    assert "12.5" in labels and "17.5" in labels
    assert labels[:3] == ["0.0", "2.5", "5.0"]
    # the formatter works the same for any tick step, on every figure that uses it
    assert [common.number_formatter("en").format_ticks([0, 0.25, 0.5])][0] == ["0.00", "0.25", "0.50"]
    assert common.number_formatter("en", suffix="%").format_ticks([0, 10, 20]) == ["0%", "10%", "20%"]
    assert common.number_formatter("en").format_ticks([10000, 12500]) == ["10,000", "12,500"]
    assert common.number_formatter("zh").format_ticks([10000, 12500]) == ["10000", "12500"]


def test_fee_bill_caption_counts_every_scope_and_names_the_one_it_leaves_out():
    """The bill is drawn for the scopes of e-commerce GMV; the caption counts all of Douyin's
    scopes (as the text and the GMV figure do) and names the one left out."""
    from analysis.paper_tables import SERIES_NAMES as FULL

    _, _, _, sens, dfc = fee_frames()
    drawn = sens["series_id"].nunique()
    for lang in LANGS:
        _, text = _draw(figures.module("douyin_fee_bill").draw, sens, dfc, DY_SCOPES, lang=lang)
        count = (f"{len(DY_SCOPES)}种口径中的{drawn}种" if lang == "zh"
                 else f"{drawn} of its {len(DY_SCOPES)} different scopes")
        assert count in text.caption, (lang, text.caption)
        assert FULL[DY_LIVE][0 if lang == "zh" else 1] in text.caption
        # with nothing left out, the caption counts what it draws and names nothing else
        _, text = _draw(figures.module("douyin_fee_bill").draw, sens, dfc, [DY, DY_OTHER], lang=lang)
        assert (f"（{drawn}种口径，" if lang == "zh" else f"of {drawn} different scopes") in text.caption
        assert FULL[DY_LIVE][0 if lang == "zh" else 1] not in text.caption


def test_timeline_caption_counts_the_original_papers_events():
    """The caption counts the original paper's events (not the drawn ones, where one contradicted
    event is replaced by two corrections), and the counts add up to them."""
    mod = figures.module("douyin_pay_timeline")
    events, facts, audit = timeline_frames()
    replaced = [e for e in events["event_id"] if e in mod.CORRECTIONS]
    n_corrections = sum(len(mod.CORRECTIONS[e]["events"]) for e in replaced)
    status = dict(zip(audit["check_id"], audit["status"]))
    kept = [e for e in events["event_id"] if e not in replaced]
    n_ok = sum(status.get(f"date_{e}") == "consistent" for e in kept)
    n_open = len(kept) - n_ok
    assert n_ok + n_open + len(replaced) == len(events)
    for lang in LANGS:
        _, text = _draw(mod.draw, events, facts, audit, lang=lang)
        if lang == "zh":
            expected = (f"原论文所述的{len(events)}项事件中，{n_ok}项的日期与独立来源一致，{n_open}项没有可供核对的独立来源，"
                        f"{len(replaced)}项与独立来源不符，图中代之以依据独立来源更正后的{n_corrections}项事件")
        else:
            expected = (f"Of the original paper's {len(events)} events, {n_ok} agree with independent sources, "
                        f"{n_open} have no independent source to check them against and {len(replaced)} is "
                        f"contradicted by them and replaced here by the {n_corrections} corrected events")
        assert expected in text.caption, (lang, text.caption)


# the money units of each edition, longest first (万亿元 before 亿元)
_UNITS = {"zh": ["万亿元", "亿元", "万元"], "en": ["trillion", "billion", "million"]}


def _interval_units(caption: str, lang: str) -> list[tuple[str, list[str]]]:
    """(unit of the value, units inside its parenthesis) for every value followed by an
    interval in parentheses (95%区间… / 95% interval …)."""
    units = "|".join(_UNITS[lang])
    pattern = (rf"({units})（([^（）]*区间[^（）]*)）" if lang == "zh"
               else rf"({units})(?: (?:in|for) [^()]{{1,20}}?)? \(([^()]*interval[^()]*)\)")
    return [(m.group(1), re.findall(units, m.group(2))) for m in re.finditer(pattern, caption)]


def _crossing_calls():
    """Forecasts whose intervals straddle a unit (亿元 and 万亿元, million and billion)."""
    history, fitted, qfc, bench, selection = quarterly_frames()
    qfc = _forecast(Q, "seasonal_arima", ["2022Q2", "2022Q3"], [2e11, 9e11])  # to 1.08万亿元
    series, fc, sel = gmv_frames()
    fc = fc.copy()
    ks = (fc["series_id"] == KS) & (fc["role"] == "selected")
    fc.loc[ks, ["yhat", "lo80", "hi80", "lo95", "hi95"]] = [[9e11, 8.1e11, 9.9e11, 7.2e11, 1.08e12],
                                                            [9.5e11, 8.55e11, 1.045e12, 7.6e11, 1.14e12]]
    rates, kfc, implied, _, _ = fee_frames()
    kfc = _forecast("kuaishou_payment_fee_annual", "gmv_x_rate", [2023, 2024], [8e8, 9e8])  # to RMB 1.08 bn
    return {"kuaishou_quarterly_gmv": (figures.module("kuaishou_quarterly_gmv").draw, history, fitted, qfc, bench,
                                       selection),
            "gmv_history_forecast": (figures.module("gmv_history_forecast").draw, series, fc, sel),
            "payment_fees": (figures.module("payment_fees").draw, rates, kfc, implied)}


@pytest.mark.parametrize("name", sorted(_crossing_calls()))
def test_a_value_and_its_interval_are_printed_in_one_unit(name):
    """7090亿元（95%区间3070亿元至1.63万亿元）mixes units: a value and its intervals are printed
    in the unit of the largest of them."""
    fn, *args = _crossing_calls()[name]
    for lang in LANGS:
        _, text = _draw(fn, *args, lang=lang)
        found = _interval_units(text.caption, lang)
        assert found, (name, lang, text.caption)
        for unit, inside in found:
            assert inside and set(inside) == {unit}, (name, lang, unit, inside, text.caption)


def test_quarterly_caption_prints_the_interval_as_the_reviewer_asked():
    history, fitted, _, bench, selection = quarterly_frames()
    qfc = _forecast(Q, "seasonal_arima", ["2022Q2", "2022Q3"], [2e11, 7.09e11]).assign(
        lo95=[1.6e11, 3.07e11], hi95=[2.4e11, 1.63e12])
    fn = figures.module("kuaishou_quarterly_gmv").draw
    _, zh = _draw(fn, history, fitted, qfc, bench, selection, lang="zh")
    _, en = _draw(fn, history, fitted, qfc, bench, selection, lang="en")
    assert "0.71万亿元（95%区间0.31至1.63万亿元）" in zh.caption
    assert "RMB 0.71 trillion (95% interval RMB 0.31–1.63 trillion)" in en.caption


@pytest.mark.parametrize("name", sorted(CALLS))
def test_legends_inside_the_axes_hide_the_grid(name):
    """A legend drawn over the plot has an opaque background above the grid, so no grid line
    runs through its text."""
    fn, *args = CALLS[name]
    for lang in LANGS:
        fig, _ = _draw(fn, *args, lang=lang)
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            box, area = legend.get_window_extent(renderer), ax.get_window_extent(renderer)
            if not box.overlaps(area):
                continue  # placed outside the data
            frame = legend.get_frame()
            assert legend.get_frame_on() and frame.get_visible(), (name, lang)
            assert frame.get_facecolor()[3] == 1.0, (name, lang)
            grid_z = max((line.get_zorder() for line in ax.get_xgridlines() + ax.get_ygridlines()), default=0)
            assert legend.get_zorder() > grid_z


def test_timeline_labels_keep_clear_of_their_markers():
    """Every label stands clear of its diamond or bar (the reviewer saw '…took effect' run into its
    diamond), by at least two points."""
    from matplotlib.transforms import Affine2D

    mod = figures.module("douyin_pay_timeline")
    events, facts, audit = timeline_frames()
    for lang in LANGS:
        fig, _ = _draw(mod.draw, events, facts, audit, lang=lang)
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        px = fig.dpi / 72
        labels = {t.get_gid(): t for t in ax.texts if str(t.get_gid()).startswith("label:")}
        frame = mod.corrected_events(events, facts, audit, lang)
        assert len(labels) == len(frame)
        for rec in frame.itertuples():
            artist = _by_gid(fig, f"event:{rec.event_id}")
            if hasattr(artist, "get_marker"):  # a diamond: its path at its size, plus half its edge
                ms = artist.get_markersize() * px
                path = artist._marker.get_path().transformed(artist._marker.get_transform() + Affine2D().scale(ms))
                half = path.get_extents().width / 2 + artist.get_markeredgewidth() * px / 2
                cx = ax.transData.transform((artist.get_xdata()[0], artist.get_ydata()[0]))[0]
                left, right = cx - half, cx + half
            else:
                ext = artist.get_window_extent(renderer)
                left, right = ext.x0, ext.x1
            label = labels[f"label:{rec.event_id}"].get_window_extent(renderer)
            gap = label.x0 - right if label.x0 >= (left + right) / 2 else left - label.x1
            assert gap >= 2 * px, (lang, rec.event_id, gap / px)
