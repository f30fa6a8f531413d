# Names shared by the other workflow files. Kept light (nothing heavy is
# imported) so that parsing the workflow stays as fast as a Snakemake no-op.

LANGS = config["paper"]["languages"]
TABLES = ["cited_statistics", "audit", "data_sources"]
FIGURES = ["kuaishou_gmv_trend"]


def lib(*modules):
    """Library files a rule depends on, so editing them reruns the rule."""
    return [f"analysis/{m}.py" for m in modules]


def paper_sources(wildcards):
    """The files one language's document includes (and only those): its
    sections and its generated tables."""
    from pathlib import Path

    sections = sorted(str(p) for p in Path("paper/sections", wildcards.lang).glob("*.qmd"))
    return sections + [f"paper/_generated/{t}.{wildcards.lang}.md" for t in TABLES]
