# Figures: both languages from one run over the same processed data.


rule figure_kuaishou_gmv_trend:
    input:
        series="data/processed/public_series.csv",
        forecasts="data/processed/forecasts.csv",
        card="data/processed/model_cards/kuaishou_ecommerce_gmv_annual.loglinear_trend.json",
        style="analysis/style/paper.mplstyle",
        code=lib("figures", "plotting", "fonts", "formatting", "pipeline/figures"),
    output:
        zh=report(
            "figures/kuaishou_gmv_trend.zh.svg",
            caption="../report/kuaishou_gmv_trend.rst",
            category="Figures",
            labels={"figure": "Kuaishou GMV trend", "language": "zh"},
        ),
        en=report(
            "figures/kuaishou_gmv_trend.en.svg",
            caption="../report/kuaishou_gmv_trend.rst",
            category="Figures",
            labels={"figure": "Kuaishou GMV trend", "language": "en"},
        ),
        text="figures/kuaishou_gmv_trend.text.yml",
    log:
        "logs/figure_kuaishou_gmv_trend.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import figures as step

        with joblog.job_log(log[0], rule):
            step.figure_kuaishou_gmv_trend(input, output, params.cjk_font)
