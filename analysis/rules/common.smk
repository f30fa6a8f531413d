# Names shared by the other workflow files. Kept light (nothing heavy is
# imported) so that parsing the workflow stays as fast as a Snakemake no-op.

LANGS = config["paper"]["languages"]
FIGURES = ["kuaishou_gmv_trend"]


def lib(*modules):
    """Library files a rule depends on, so editing them reruns the rule."""
    return [f"analysis/{m}.py" for m in modules]


def paper_sources(wildcards):
    """The section files one language's document includes (and only those)."""
    from pathlib import Path

    return sorted(str(p) for p in Path("paper/sections", wildcards.lang).glob("*.qmd"))
