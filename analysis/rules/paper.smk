# Values for the prose, then the paper in each language and format.


rule paper_variables:
    input:
        cited="data/processed/cited_statistics.csv",
        timeline="data/processed/timeline.csv",
        facts="data/processed/reference_facts.csv",
        audit="data/processed/audit.csv",
        series="data/processed/public_series.csv",
        model_values="data/processed/model_values.json",
        sensitivity="data/processed/fee_sensitivity.csv",
        figure_texts=expand("figures/{figure}.text.yml", figure=FIGURES),
        sources="data/raw/sources.yaml",
        code=lib("values", "formatting", "models", "pipeline/paper"),
    output:
        "paper/_variables.yml",
    log:
        "logs/paper_variables.log",
    params:
        author=config["paper"]["author"],
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import paper as step

        with joblog.job_log(log[0], rule, output):
            step.paper_variables(input, output[0], params.author)


rule paper_tables:
    input:
        cited="data/processed/cited_statistics.csv",
        audit="data/processed/audit.csv",
        series="data/processed/public_series.csv",
        backtest="data/processed/backtest.csv",
        selection="data/processed/model_selection.csv",
        figure_texts=expand("figures/{figure}.text.yml", figure=FIGURES),
        code=lib("paper_tables", "formatting", "values", "pipeline/paper"),
    output:
        **{
            f"{table}_{lang}": f"paper/_generated/{table}.{lang}.md"
            for table in TABLES
            for lang in LANGS
        },
        **{
            f"provenance_{figure}_{lang}": f"paper/_generated/provenance/{figure}.{lang}.md"
            for figure in FIGURES
            for lang in LANGS
        },
    log:
        "logs/paper_tables.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import paper as step

        with joblog.job_log(log[0], rule, output):
            step.paper_tables(input, output)


rule paper:
    input:
        qmd="paper/paper-{lang}.qmd",
        sections=paper_sources,
        variables="paper/_variables.yml",
        project="paper/_quarto.yml",
        bib="paper/references.bib",
        csl=expand("paper/csl/{name}.csl", name=glob_wildcards("paper/csl/{name}.csl").name),
        css="paper/style.css",
        figures=expand("figures/{figure}.{{lang}}.svg", figure=FIGURES),
        sources="data/raw/sources.yaml",
        code=lib("render", "fonts", "pipeline/paper")
        + ["analysis/pandoc/quarto_compat.lua", "analysis/pandoc/translations/zh.yaml"],
    output:
        "paper/_output/paper-{lang}.{ext}",
    log:
        "logs/paper-{lang}.{ext}.log",
    params:
        fonts=config["fonts"],
        engine=config["render"]["engine"],
    resources:
        mem_mb=2000,
        runtime=10,
    run:
        from analysis import joblog
        from analysis.pipeline import paper as step

        with joblog.job_log(log[0], rule, output):
            step.paper(input, output[0], params)
