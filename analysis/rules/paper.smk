# Values for the prose, then the paper in each language and format.


rule paper_variables:
    """Every value analysis/values.py declares (its inputs are what the
    declarations read), their origins, and each edition's metadata file."""
    input:
        **value_inputs(),
        **{f"abstract_{lang}": f"paper/abstract-{lang}.md" for lang in LANGS},
        sources="data/raw/sources.yaml",
        glossary="data/raw/glossary.csv",
        code=lib("values", "formatting", "models", "paper_tables", "glossary", "tables", "pipeline/paper"),
    output:
        variables="paper/_variables.yml",
        **{f"origins_{lang}": f"paper/_generated/origins.{lang}.json" for lang in LANGS},
        **{f"metadata_{lang}": f"paper/_generated/metadata.{lang}.yml" for lang in LANGS},
    log:
        "logs/paper_variables.log",
    params:
        author=config["paper"]["author"],
        langs=tuple(LANGS),
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import paper as step

        with joblog.job_log(log[0], rule, output):
            step.paper_variables(input, output, params.author, params.langs)


rule paper_tables:
    input:
        cited="data/processed/cited_statistics.csv",
        audit="data/processed/audit.csv",
        series="data/processed/public_series.csv",
        summary="data/processed/backtest_summary.csv",
        selection="data/processed/model_selection.csv",
        figure_texts=expand("figures/{figure}.text.yml", figure=FIGURES),
        glossary="data/raw/glossary.csv",
        code=lib("paper_tables", "formatting", "values", "sources", "glossary", "tables", "pipeline/paper",
                 "models"),
    output:
        **{
            f"table_{table}_{lang}": f"paper/_generated/tables/{table}.{lang}.md"
            for table in TABLES
            for lang in LANGS
        },
        **{
            f"figure_{figure}_{lang}": f"paper/_generated/figures/{figure}.{lang}.md"
            for figure in FIGURES
            for lang in LANGS
        },
    log:
        "logs/paper_tables.log",
    params:
        repository=repository(),
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import paper as step

        with joblog.job_log(log[0], rule, output):
            step.paper_tables(input, output, params.repository)


rule paper_sections:
    """A language's sections in the order of their file names (Quarto includes
    files, not folders): a new section file is picked up by itself. Only the
    list matters, so editing a section does not rerun this (ancient)."""
    input:
        sections=lambda wildcards: ancient(section_files(wildcards.lang)),
        code=lib("pipeline/paper"),
    output:
        "paper/_generated/sections.{lang}.qmd",
    log:
        "logs/paper_sections/{lang}.log",
    resources:
        mem_mb=100,
        runtime=1,
    run:
        from analysis import joblog
        from analysis.pipeline import paper as step

        with joblog.job_log(log[0], rule, output):
            step.paper_sections(input.sections, output[0])


rule stage_figure:
    """Quarto compiles Typst with the project folder (paper/) as its root, so
    the figures the paper shows are staged inside it."""
    input:
        "figures/{figure}.{lang}.svg",
    output:
        "paper/_figures/{figure}.{lang}.svg",
    log:
        "logs/stage_figure/{figure}.{lang}.log",
    resources:
        mem_mb=100,
        runtime=1,
    run:
        from analysis import fileio, joblog

        with joblog.job_log(log[0], rule, output):
            fileio.copy_file(input[0], output[0])


rule paper:
    input:
        qmd="paper/paper-{lang}.qmd",
        sections=paper_sources,
        variables="paper/_variables.yml",
        project="paper/_quarto.yml",
        bib="paper/references.bib",
        csl=expand("paper/csl/{name}.csl", name=glob_wildcards("paper/csl/{name}.csl").name),
        css="paper/style.css",
        after_body="paper/after-body.html",
        theme="paper/theme.scss",
        sources="data/raw/sources.yaml",
        code=lib("fonts", "pipeline/paper") + render_code(),
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
