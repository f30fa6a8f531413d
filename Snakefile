# Douyin Pay paper: data → processed tables → models → figures → bilingual paper.
# Rules live in analysis/rules/; they are thin and call the analysis package.
import os

from snakemake.utils import min_version, validate

min_version("9.0")

# Jobs run side by side in threads (profiles/default); one BLAS thread each
# avoids oversubscribing the cores and keeps floating-point reductions in the
# same order from run to run. Set before any job imports numpy.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


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
