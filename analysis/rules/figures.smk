# Figures: one module per figure in analysis/figures/ (found by itself; see its
# __init__ for what a module holds), one rule for all of them. A figure's
# inputs are the tables its module declares; its code is its own module plus
# the shared helpers, so editing one figure redraws that figure only.

rule figure:
    input:
        unpack(figure_inputs),
    output:
        zh=report(
            "figures/{figure}.zh.svg",
            caption="../report/figure.rst",
            category="Figures",
            labels={"figure": "{figure}", "language": "zh"},
        ),
        en=report(
            "figures/{figure}.en.svg",
            caption="../report/figure.rst",
            category="Figures",
            labels={"figure": "{figure}", "language": "en"},
        ),
        text="figures/{figure}.text.yml",
    log:
        "logs/figure/{figure}.log",
    params:
        fonts=config["fonts"],
        langs=LANGS,
        caption=lambda wildcards: figure_declaration(wildcards.figure)["doc"],
        data=lambda wildcards: sorted(figure_declaration(wildcards.figure)["inputs"].values()),
    resources:
        mem_mb=1500,
        runtime=5,
    run:
        from analysis.pipeline import figures as step

        step.make_figure(wildcards.figure, input, output, log[0], dict(params.fonts), tuple(params.langs))
