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
    """Library files a rule depends on, so editing them reruns the rule."""
    return [f"analysis/{m}.py" for m in modules]


def render_code():
    """The renderer: the driver of Quarto's vendored pieces and its check filter."""
    from pathlib import Path

    return (sorted(str(p) for p in Path("analysis/render").glob("*.py"))
            + ["analysis/render/strict.lua", "analysis/render/assets/ejs.cjs", "package-lock.json"])


def paper_sources(wildcards):
    """The files one language's document reads (and only those): its sections,
    its metadata file, the generated tables and figures the shortcodes place,
    the staged figures, and the project's extensions."""
    from pathlib import Path

    lang = wildcards.lang
    sections = sorted(str(p) for p in Path("paper/sections", lang).glob("*.qmd"))
    extensions = sorted(str(p) for p in Path("paper/_extensions").rglob("*") if p.is_file())
    return (sections + extensions + [f"paper/_generated/metadata.{lang}.yml"]
            + [f"paper/_generated/tables/{t}.{lang}.md" for t in TABLES]
            + [f"paper/_generated/figures/{f}.{lang}.md" for f in FIGURES]
            + [f"paper/_figures/{f}.{lang}.svg" for f in FIGURES])


def repository():
    """Where the provenance links point: ``paper.repository_url`` (a template
    with {path}, optionally {commit}) and the commit being built, from git
    when the template asks for it and git knows it."""
    import subprocess

    url = config["paper"].get("repository_url")
    commit = None
    if url and "{commit}" in url:
        proc = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True)
        commit = proc.stdout.strip() if proc.returncode == 0 else None
    return {"url": url, "commit": commit}
