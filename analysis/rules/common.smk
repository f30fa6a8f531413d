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


def paper_sources(wildcards):
    """The files one language's document includes (and only those): its
    sections and its generated tables."""
    from pathlib import Path

    sections = sorted(str(p) for p in Path("paper/sections", wildcards.lang).glob("*.qmd"))
    return (sections + [f"paper/_generated/{t}.{wildcards.lang}.md" for t in TABLES]
            + [f"paper/_generated/provenance/{f}.{wildcards.lang}.md" for f in FIGURES])
