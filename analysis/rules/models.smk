# Forecasts (analysis/models/: a registry of models, time-series cross-validation
# against benchmarks, calibrated intervals, scenarios) and the payment-fee model
# of §2.1.4. Three steps, one producer per file:
#   gmv_models            → backtest.csv, backtest_summary.csv, model_selection.csv, GMV forecasts, GMV cards
#   payment_fees          → fee_rates.csv, fee_sensitivity.csv, fee forecasts, fee cards
#   forecasts_and_values  → forecasts.csv (all series and methods), model_values.json
# Which models compete for which series is config (models.series); the cards
# follow from it: one per configured (series, model).

MODELS = config["models"]
MODEL_CODE = lib("models", "series", "fileio", "pipeline/models")
GMV_CARDS = [
    f"data/processed/model_cards/{sid}.{m}.json"
    for sid, s in MODELS["series"].items()
    for m in s["benchmarks"] + s["candidates"]
]
FEE_CARDS = [
    f"data/processed/model_cards/{sid}.gmv_x_rate.json"
    for sid in ["kuaishou_payment_fee_annual", "douyin_thirdparty_fee_annual"]
]


rule gmv_models:
    input:
        series="data/processed/public_series.csv",
        sources="data/raw/sources.yaml",
        code=MODEL_CODE,
    output:
        forecasts="data/processed/gmv_forecasts.csv",
        backtest="data/processed/backtest.csv",
        summary="data/processed/backtest_summary.csv",
        selection="data/processed/model_selection.csv",
        cards=GMV_CARDS,
    log:
        "logs/gmv_models.log",
    params:
        models=MODELS,
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule, output):
            step.gmv_models(input, output, params.models)


rule payment_fees:
    input:
        cited="data/processed/cited_statistics.csv",
        series="data/processed/public_series.csv",
        gmv_forecasts="data/processed/gmv_forecasts.csv",
        sources="data/raw/sources.yaml",
        code=lib("fees") + MODEL_CODE,
    output:
        rates="data/processed/fee_rates.csv",
        sensitivity="data/processed/fee_sensitivity.csv",
        forecasts="data/processed/fee_forecasts.csv",
        cards=FEE_CARDS,
    log:
        "logs/payment_fees.log",
    params:
        draws=MODELS["draws"],
        rates=config["fees"]["illustrative_rates"],
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule, output):
            step.payment_fees(input, output, params.draws, params.rates)


rule forecasts_and_values:
    input:
        gmv_forecasts="data/processed/gmv_forecasts.csv",
        fee_forecasts="data/processed/fee_forecasts.csv",
        selection="data/processed/model_selection.csv",
        summary="data/processed/backtest_summary.csv",
        rates="data/processed/fee_rates.csv",
        fee_card=FEE_CARDS[0],
        series="data/processed/public_series.csv",
        sources="data/raw/sources.yaml",
        code=lib("fees") + MODEL_CODE,
    output:
        forecasts="data/processed/forecasts.csv",
        values="data/processed/model_values.json",
    log:
        "logs/forecasts_and_values.log",
    params:
        models=MODELS,
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule, output):
            step.forecasts_and_values(input, output, params.models)
