# Figures: both languages from one run over the same processed data. One thin
# rule per figure; the step in analysis/pipeline/figures.py reads the tables and
# the pure function in analysis/figures.py draws (it never fits a model).

from pathlib import Path

FIGURE_CODE = lib("figures", "plotting", "fonts", "formatting", "fileio", "joblog", "pipeline/figures")
# model names and series names come from the registry and the tables module
FORECAST_FIGURE_CODE = FIGURE_CODE + lib("values", "paper_tables", "models")
FIGURE_STYLE = "analysis/style/paper.mplstyle"


rule figure_gmv_history_forecast:
    input:
        series="data/processed/public_series.csv",
        forecasts="data/processed/forecasts.csv",
        selection="data/processed/model_selection.csv",
        style=FIGURE_STYLE,
        code=FORECAST_FIGURE_CODE,
    output:
        zh=report(
            "figures/gmv_history_forecast.zh.svg",
            caption="../report/gmv_history_forecast.rst",
            category="Figures",
            labels={"figure": "GMV history and forecasts", "language": "zh"},
        ),
        en=report(
            "figures/gmv_history_forecast.en.svg",
            caption="../report/gmv_history_forecast.rst",
            category="Figures",
            labels={"figure": "GMV history and forecasts", "language": "en"},
        ),
        text="figures/gmv_history_forecast.text.yml",
    log:
        "logs/figure_gmv_history_forecast.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.gmv_history_forecast(input, output, log[0], params.cjk_font)


rule figure_kuaishou_quarterly_gmv:
    input:
        series="data/processed/public_series.csv",
        forecasts="data/processed/forecasts.csv",
        selection="data/processed/model_selection.csv",
        cards=[c for c in GMV_CARDS if Path(c).name.startswith("kuaishou_ecommerce_gmv_quarterly.")],
        style=FIGURE_STYLE,
        code=FORECAST_FIGURE_CODE,
    output:
        zh=report(
            "figures/kuaishou_quarterly_gmv.zh.svg",
            caption="../report/kuaishou_quarterly_gmv.rst",
            category="Figures",
            labels={"figure": "Kuaishou quarterly GMV", "language": "zh"},
        ),
        en=report(
            "figures/kuaishou_quarterly_gmv.en.svg",
            caption="../report/kuaishou_quarterly_gmv.rst",
            category="Figures",
            labels={"figure": "Kuaishou quarterly GMV", "language": "en"},
        ),
        text="figures/kuaishou_quarterly_gmv.text.yml",
    log:
        "logs/figure_kuaishou_quarterly_gmv.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.kuaishou_quarterly_gmv(input, output, log[0], params.cjk_font)


rule figure_payment_fees:
    input:
        rates="data/processed/fee_rates.csv",
        sensitivity="data/processed/fee_sensitivity.csv",
        forecasts="data/processed/forecasts.csv",
        style=FIGURE_STYLE,
        code=FORECAST_FIGURE_CODE,
    output:
        zh=report(
            "figures/payment_fees.zh.svg",
            caption="../report/payment_fees.rst",
            category="Figures",
            labels={"figure": "Kuaishou payment-channel fees", "language": "zh"},
        ),
        en=report(
            "figures/payment_fees.en.svg",
            caption="../report/payment_fees.rst",
            category="Figures",
            labels={"figure": "Kuaishou payment-channel fees", "language": "en"},
        ),
        text="figures/payment_fees.text.yml",
    log:
        "logs/figure_payment_fees.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.payment_fees(input, output, log[0], params.cjk_font)


rule figure_douyin_fee_bill:
    input:
        sensitivity="data/processed/fee_sensitivity.csv",
        forecasts="data/processed/forecasts.csv",
        style=FIGURE_STYLE,
        code=FORECAST_FIGURE_CODE,
    output:
        zh=report(
            "figures/douyin_fee_bill.zh.svg",
            caption="../report/douyin_fee_bill.rst",
            category="Figures",
            labels={"figure": "Douyin third-party fee bill", "language": "zh"},
        ),
        en=report(
            "figures/douyin_fee_bill.en.svg",
            caption="../report/douyin_fee_bill.rst",
            category="Figures",
            labels={"figure": "Douyin third-party fee bill", "language": "en"},
        ),
        text="figures/douyin_fee_bill.text.yml",
    log:
        "logs/figure_douyin_fee_bill.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.douyin_fee_bill(input, output, log[0], params.cjk_font)


rule figure_market_context_retail:
    input:
        series="data/processed/public_series.csv",
        style=FIGURE_STYLE,
        code=FIGURE_CODE,
    output:
        zh=report(
            "figures/market_context_retail.zh.svg",
            caption="../report/market_context_retail.rst",
            category="Figures",
            labels={"figure": "Online retail sales", "language": "zh"},
        ),
        en=report(
            "figures/market_context_retail.en.svg",
            caption="../report/market_context_retail.rst",
            category="Figures",
            labels={"figure": "Online retail sales", "language": "en"},
        ),
        text="figures/market_context_retail.text.yml",
    log:
        "logs/figure_market_context_retail.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.market_context_retail(input, output, log[0], params.cjk_font)


rule figure_market_context_internet:
    input:
        series="data/processed/public_series.csv",
        style=FIGURE_STYLE,
        code=FIGURE_CODE,
    output:
        zh=report(
            "figures/market_context_internet.zh.svg",
            caption="../report/market_context_internet.rst",
            category="Figures",
            labels={"figure": "Internet users and penetration", "language": "zh"},
        ),
        en=report(
            "figures/market_context_internet.en.svg",
            caption="../report/market_context_internet.rst",
            category="Figures",
            labels={"figure": "Internet users and penetration", "language": "en"},
        ),
        text="figures/market_context_internet.text.yml",
    log:
        "logs/figure_market_context_internet.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.market_context_internet(input, output, log[0], params.cjk_font)


rule figure_payment_market_shares:
    input:
        series="data/processed/public_series.csv",
        style=FIGURE_STYLE,
        code=FIGURE_CODE,
    output:
        zh=report(
            "figures/payment_market_shares.zh.svg",
            caption="../report/payment_market_shares.rst",
            category="Figures",
            labels={"figure": "Mobile payment market shares", "language": "zh"},
        ),
        en=report(
            "figures/payment_market_shares.en.svg",
            caption="../report/payment_market_shares.rst",
            category="Figures",
            labels={"figure": "Mobile payment market shares", "language": "en"},
        ),
        text="figures/payment_market_shares.text.yml",
    log:
        "logs/figure_payment_market_shares.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.payment_market_shares(input, output, log[0], params.cjk_font)


rule figure_complaints_risk:
    input:
        cited="data/processed/cited_statistics.csv",
        style=FIGURE_STYLE,
        code=FIGURE_CODE,
    output:
        zh=report(
            "figures/complaints_risk.zh.svg",
            caption="../report/complaints_risk.rst",
            category="Figures",
            labels={"figure": "Complaints and risk events", "language": "zh"},
        ),
        en=report(
            "figures/complaints_risk.en.svg",
            caption="../report/complaints_risk.rst",
            category="Figures",
            labels={"figure": "Complaints and risk events", "language": "en"},
        ),
        text="figures/complaints_risk.text.yml",
    log:
        "logs/figure_complaints_risk.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.complaints_risk(input, output, log[0], params.cjk_font)


rule figure_douyin_pay_timeline:
    input:
        timeline="data/processed/timeline.csv",
        style=FIGURE_STYLE,
        code=FIGURE_CODE,
    output:
        zh=report(
            "figures/douyin_pay_timeline.zh.svg",
            caption="../report/douyin_pay_timeline.rst",
            category="Figures",
            labels={"figure": "Douyin Pay timeline", "language": "zh"},
        ),
        en=report(
            "figures/douyin_pay_timeline.en.svg",
            caption="../report/douyin_pay_timeline.rst",
            category="Figures",
            labels={"figure": "Douyin Pay timeline", "language": "en"},
        ),
        text="figures/douyin_pay_timeline.text.yml",
    log:
        "logs/figure_douyin_pay_timeline.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.douyin_pay_timeline(input, output, log[0], params.cjk_font)


rule figure_backtest_errors:
    input:
        summary="data/processed/backtest_summary.csv",
        selection="data/processed/model_selection.csv",
        style=FIGURE_STYLE,
        code=FORECAST_FIGURE_CODE,
    output:
        zh=report(
            "figures/backtest_errors.zh.svg",
            caption="../report/backtest_errors.rst",
            category="Figures",
            labels={"figure": "Backtest errors", "language": "zh"},
        ),
        en=report(
            "figures/backtest_errors.en.svg",
            caption="../report/backtest_errors.rst",
            category="Figures",
            labels={"figure": "Backtest errors", "language": "en"},
        ),
        text="figures/backtest_errors.text.yml",
    log:
        "logs/figure_backtest_errors.log",
    params:
        cjk_font=config["fonts"]["cjk_sans"],
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.backtest_errors(input, output, log[0], params.cjk_font)
