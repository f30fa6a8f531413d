# Names shared by the other workflow files. Kept light (nothing heavy is
# imported) so that parsing the workflow stays as fast as a Snakemake no-op.

LANGS = config["paper"]["languages"]
FIGURES = ["kuaishou_gmv_trend"]


def lib(*modules):
    """Library files a rule depends on, so editing them reruns the rule."""
    return [f"analysis/{m}.py" for m in modules]
