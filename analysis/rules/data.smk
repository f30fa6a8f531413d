# Raw, hand-curated tables → validated, typed, processed tables.


rule cited_statistics:
    input:
        raw="data/raw/cited_statistics.csv",
        resolutions="data/raw/period_resolutions.csv",
        derived="data/raw/derived_statistics.csv",
        seed="data/raw/seed_paper.zh.txt",
        sources="data/raw/sources.yaml",
        code=lib("cited", "quotes", "units", "tables", "sources", "pipeline/data"),
    output:
        "data/processed/cited_statistics.csv",
    log:
        "logs/cited_statistics.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import data as step

        with joblog.job_log(log[0], rule, output):
            step.cited_statistics(input, output[0])


rule timeline:
    input:
        raw="data/raw/timeline_events.csv",
        seed="data/raw/seed_paper.zh.txt",
        sources="data/raw/sources.yaml",
        code=lib("timeline", "quotes", "units", "tables", "sources", "pipeline/data"),
    output:
        "data/processed/timeline.csv",
    log:
        "logs/timeline.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import data as step

        with joblog.job_log(log[0], rule, output):
            step.timeline(input, output[0])


rule public_series:
    input:
        raw="data/raw/public_series.csv",
        bib="paper/references.bib",
        sources="data/raw/sources.yaml",
        code=lib("series", "quotes", "units", "tables", "sources", "pipeline/data"),
    output:
        "data/processed/public_series.csv",
    log:
        "logs/public_series.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import data as step

        with joblog.job_log(log[0], rule, output):
            step.public_series(input, output[0])


rule reference_facts:
    input:
        raw="data/raw/reference_facts.csv",
        bib="paper/references.bib",
        sources="data/raw/sources.yaml",
        code=lib("audit", "cited", "series", "quotes", "units", "tables", "sources", "pipeline/data"),
    output:
        "data/processed/reference_facts.csv",
    log:
        "logs/reference_facts.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import data as step

        with joblog.job_log(log[0], rule, output):
            step.reference_facts(input, output[0])


rule consistency_audit:
    input:
        cited="data/processed/cited_statistics.csv",
        timeline="data/processed/timeline.csv",
        series="data/processed/public_series.csv",
        facts="data/processed/reference_facts.csv",
        expected="data/expected_audit.csv",
        code=lib("audit", "tables", "pipeline/data"),
    output:
        "data/processed/audit.csv",
    log:
        "logs/consistency_audit.log",
    resources:
        mem_mb=1000,
        runtime=5,
    run:
        from analysis import joblog
        from analysis.pipeline import data as step

        with joblog.job_log(log[0], rule, output):
            step.consistency_audit(input, output[0])
