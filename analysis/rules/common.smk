# Shared names for the rule files. Nothing heavy is imported here: parsing the
# workflow must stay as fast as Snakemake's own no-op.

LANGS = config["paper"]["languages"]
FIGURES = ["kuaishou_gmv_trend"]


wildcard_constraints:
    lang="|".join(LANGS),
    ext="html|pdf",
    figure="|".join(FIGURES),


def lib(*modules):
    """Library files a rule depends on, so editing them reruns the rule."""
    return [f"analysis/{m}.py" for m in modules]
