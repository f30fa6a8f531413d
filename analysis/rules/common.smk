# Names shared by the other workflow files. Kept light (nothing heavy is
# imported) so that parsing the workflow stays as fast as a Snakemake no-op.

LANGS = config["paper"]["languages"]
FORMATS = ["html", "pdf"]
TABLES = ["cited_statistics", "audit", "data_sources", "models"]


from analysis.figures import declaration as figure_declaration  # noqa: E402 - light, no matplotlib
from analysis.figures import names as figure_names  # noqa: E402

# One figure per module of analysis/figures/ (not the _shared ones).
FIGURES = figure_names()


def lib(*modules):
    """Library files a rule depends on, so editing them reruns the rule
    (a package, such as ``models``, stands for all its modules)."""
    from pathlib import Path

    files = []
    for m in modules:
        package = Path("analysis", m)
        files += sorted(map(str, package.glob("*.py"))) if package.is_dir() else [f"analysis/{m}.py"]
    return files


def value_inputs():
    """The files the values for the prose are computed from: whatever the
    declarations in analysis/values.py read."""
    from analysis.values import declared_inputs

    return declared_inputs()


def render_code():
    """The renderer: the driver of Quarto's vendored pieces, its check filter and the
    adapter that runs Quarto's YAML validator."""
    from pathlib import Path

    return (sorted(str(p) for p in Path("analysis/render").glob("*.py"))
            + ["analysis/render/strict.lua", "analysis/render/validate-yaml.mjs",
               "analysis/render/assets/ejs.cjs", "package-lock.json"])


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
    return (sections + extensions
            + [f"paper/_generated/metadata.{lang}.yml", f"paper/_generated/origins.{lang}.json"]
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


FIGURE_SHARED_CODE = lib("figures/__init__", "figures/_common", "figures/_read", "plotting", "fonts", "glossary", "tables",
                         "formatting", "fileio", "joblog", "pipeline/figures",
                         # names of models and series come from the registry and the tables module
                         "values", "paper_tables", "models")


def figure_inputs(wildcards):
    """The tables figure ``wildcards.figure`` declares (``*`` matches the model cards),
    its style, the glossary its names come from, and its code."""
    from fnmatch import fnmatch

    declared = figure_declaration(wildcards.figure)["inputs"]
    inputs = {key: ([c for c in GMV_CARDS + FEE_CARDS if fnmatch(c, path)] if "*" in path else path)
              for key, path in declared.items()}
    return {**inputs, "style": "analysis/style/paper.mplstyle", "glossary": "data/raw/glossary.csv",
            "code": sorted(set(FIGURE_SHARED_CODE + [f"analysis/figures/{wildcards.figure}.py"]
                               + figure_declaration(wildcards.figure)["code"]))}


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


# Scratch a killed job can leave that no job can claim by its name (a render's
# .typ beside a document below the project folder, the mediabag of a render
# that extracted images): removed when a run starts (onstart), unless another
# run of this workflow is going on here.
SCRATCH = ["paper/**/.*.quarto-render.typ", "paper/*_files/mediabag"]
