# Douyin Pay paper: data → processed tables → models → figures → bilingual paper.
# Rules live in analysis/rules/; they are thin and call the analysis package.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config/config.yaml"


validate(config, "config/config.schema.yaml")


include: "analysis/rules/common.smk"


wildcard_constraints:
    lang="|".join(LANGS),
    ext="html|pdf",
    figure="|".join(FIGURES),


include: "analysis/rules/data.smk"
include: "analysis/rules/models.smk"
include: "analysis/rules/figures.smk"
include: "analysis/rules/paper.smk"


rule all:
    default_target: True
    input:
        expand("paper/_output/paper-{lang}.{ext}", lang=LANGS, ext=["html", "pdf"]),
