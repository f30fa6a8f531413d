# Names shared by the other workflow files. Kept light (nothing heavy is
# imported) so that parsing the workflow stays as fast as a Snakemake no-op.

LANGS = config["paper"]["languages"]
FORMATS = ["html", "pdf"]
TABLES = ["cited_statistics", "audit", "data_sources", "models"]
FIGURES = [
    "douyin_pay_timeline",
    "market_context_retail",
    "market_context_internet",
    "payment_market_shares",
    "complaints_risk",
    "gmv_history_forecast",
    "kuaishou_quarterly_gmv",
    "payment_fees",
    "douyin_fee_bill",
    "backtest_errors",
]


def lib(*modules):
    """Library files a rule depends on, so editing them reruns the rule."""
    return [f"analysis/{m}.py" for m in modules]


def paper_sources(wildcards):
    """The files one language's document includes (and only those): its
    sections and its generated tables."""
    from pathlib import Path

    sections = sorted(str(p) for p in Path("paper/sections", wildcards.lang).glob("*.qmd"))
    return (sections + [f"paper/_generated/{t}.{wildcards.lang}.md" for t in TABLES]
            + [f"paper/_generated/provenance/{f}.{wildcards.lang}.md" for f in FIGURES])


def all_targets(wildcards):
    """Every file the rules write (processed tables, model cards, figures, documents),
    read off the rules themselves, so that a missing or partial output is rebuilt
    whichever rule writes it. Wildcards take their configured values."""
    from snakemake.io import get_wildcard_names, strip_wildcard_constraints

    values = {"lang": LANGS, "ext": FORMATS, "figure": FIGURES}
    targets = set()
    for r in workflow.rules:
        if r.name == "all":
            continue
        for output in r.output:
            pattern = strip_wildcard_constraints(output)
            names = get_wildcard_names(pattern)
            unknown = sorted(names - values.keys())
            if unknown:
                raise WorkflowError(f"the output {pattern} of '{r.name}' has wildcard(s) {unknown} "
                                    "without known values; add them in all_targets (common.smk)")
            targets.update(expand(pattern, **{n: values[n] for n in names}) if names else [pattern])
    return sorted(targets)


# Scratch a killed job can leave that no job can claim by its name (the fallback
# renderer's temporary folders and .typ files): removed when a run starts
# (onstart), unless another run of this workflow is going on here.
SCRATCH = ["paper/.render-*", "paper/.*.typ"]
