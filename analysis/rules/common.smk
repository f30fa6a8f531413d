# Names shared by the other workflow files. Kept light (nothing heavy is
# imported) so that parsing the workflow stays as fast as a Snakemake no-op.

LANGS = config["paper"]["languages"]
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
    """Library files a rule depends on, so editing them reruns the rule
    (a package, such as ``models``, stands for all its modules)."""
    from pathlib import Path

    files = []
    for m in modules:
        package = Path("analysis", m)
        files += sorted(map(str, package.glob("*.py"))) if package.is_dir() else [f"analysis/{m}.py"]
    return files


def render_code():
    """The renderer: the driver of Quarto's vendored pieces, its check filter and the
    adapter that runs Quarto's YAML validator."""
    from pathlib import Path

    return sorted(str(p) for p in Path("analysis/render").glob("*.py")) + [
        "analysis/render/strict.lua", "analysis/render/validate-yaml.mjs"]


def section_files(lang):
    """paper/sections/<lang>/*.qmd in file-name order: the order of the paper."""
    from pathlib import Path

    return sorted(str(p) for p in Path("paper/sections", lang).glob("*.qmd"))


def paper_sources(wildcards):
    """The files one language's document reads (and only those): its sections,
    its metadata file, the generated tables and figures the shortcodes place,
    the staged figures, and the project's extensions."""
    from pathlib import Path

    lang = wildcards.lang
    sections = section_files(lang) + [f"paper/_generated/sections.{lang}.qmd"]
    extensions = sorted(str(p) for p in Path("paper/_extensions").rglob("*") if p.is_file())
    return (sections + extensions + [f"paper/_generated/metadata.{lang}.yml"]
            + [f"paper/_generated/tables/{t}.{lang}.md" for t in TABLES]
            + [f"paper/_generated/figures/{f}.{lang}.md" for f in FIGURES]
            + [f"paper/_figures/{f}.{lang}.svg" for f in FIGURES])
