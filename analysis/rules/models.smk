# Trend and forecast models (statsmodels) on the processed series.


rule gmv_trend:
    input:
        series="data/processed/public_series.csv",
        sources="data/raw/sources.yaml",
        code=lib("models", "series", "pipeline/models"),
    output:
        forecasts="data/processed/forecasts.csv",
        card="data/processed/model_cards/kuaishou_ecommerce_gmv_annual.loglinear_trend.json",
    log:
        "logs/gmv_trend.log",
    params:
        series_id="kuaishou_ecommerce_gmv_annual",
        horizon_end=2027,
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import models as step

        with joblog.job_log(log[0], rule):
            step.gmv_trend(input, output, params.series_id, params.horizon_end)
