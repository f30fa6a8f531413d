# Trend and forecast models (statsmodels, scipy) on the processed series, and the
# payment-fee model of §2.1.4. Three steps, one producer per file:
#   gmv_models            → backtest.csv, model_selection.csv, GMV forecasts, GMV model cards
#   payment_fees          → fee_rates.csv, fee_sensitivity.csv, fee forecasts, fee model cards
#   forecasts_and_values  → forecasts.csv (all series and models), model_values.json

# series_id → backtest/forecast settings; the models per series must match
# analysis.models.models_for (the step checks it). The quarterly series has one
# missing quarter (2022Q1), filled by identity from the annual total.
GMV_SERIES = {
    "kuaishou_ecommerce_gmv_annual": {"min_train": 3, "horizon_end": "2027"},
    "kuaishou_ecommerce_gmv_quarterly": {
        "min_train": 8,
        "horizon_end": "2027Q4",
        "fill_gaps_from": "kuaishou_ecommerce_gmv_annual",
    },
    "douyin_ecommerce_gmv_annual": {"min_train": 3, "horizon_end": "2027"},
}
ANNUAL_MODELS = ["loglinear_trend", "holt_damped", "gompertz"]
GMV_CARDS = [
    f"data/processed/model_cards/{sid}.{m}.json"
    for sid in GMV_SERIES
    for m in ANNUAL_MODELS + (["seasonal_trend"] if sid.endswith("_quarterly") else [])
]
FEE_CARDS = [
    f"data/processed/model_cards/{sid}.gmv_x_rate.json"
    for sid in ["kuaishou_payment_fee_annual", "douyin_thirdparty_fee_annual"]
]


rule gmv_models:
    input:
        series="data/processed/public_series.csv",
        sources="data/raw/sources.yaml",
        code=lib("models", "series", "pipeline/models"),
    output:
        forecasts="data/processed/gmv_forecasts.csv",
        backtest="data/processed/backtest.csv",
        selection="data/processed/model_selection.csv",
        cards=GMV_CARDS,
    log:
        "logs/gmv_models.log",
    params:
        series=GMV_SERIES,
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule):
            step.gmv_models(input, output, params.series)


rule payment_fees:
    input:
        cited="data/processed/cited_statistics.csv",
        series="data/processed/public_series.csv",
        gmv_forecasts="data/processed/gmv_forecasts.csv",
        selection="data/processed/model_selection.csv",
        sources="data/raw/sources.yaml",
        code=lib("fees", "models", "series", "pipeline/models"),
    output:
        rates="data/processed/fee_rates.csv",
        sensitivity="data/processed/fee_sensitivity.csv",
        forecasts="data/processed/fee_forecasts.csv",
        cards=FEE_CARDS,
    log:
        "logs/payment_fees.log",
    params:
        draws=2000,
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule):
            step.payment_fees(input, output, params.draws)


rule forecasts_and_values:
    input:
        gmv_forecasts="data/processed/gmv_forecasts.csv",
        fee_forecasts="data/processed/fee_forecasts.csv",
        selection="data/processed/model_selection.csv",
        rates="data/processed/fee_rates.csv",
        series="data/processed/public_series.csv",
        cards=GMV_CARDS + FEE_CARDS,
        sources="data/raw/sources.yaml",
        code=lib("fees", "models", "pipeline/models"),
    output:
        forecasts="data/processed/forecasts.csv",
        values="data/processed/model_values.json",
    log:
        "logs/forecasts_and_values.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule):
            step.forecasts_and_values(input, output)
