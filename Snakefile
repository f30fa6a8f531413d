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


# Start-up checks name the file, line and key (analysis/startup.py): the config
# file before Snakemake reads it, then sources.yaml and the fonts.
from analysis import startup

with startup.stop_on_error():
    startup.check_config("config/config.yaml", "config/config.schema.yaml", workflow.overwrite_configfiles)
startup.resume_after_kill()  # a killed run's locks would block this one


configfile: "config/config.yaml"


validate(config, "config/config.schema.yaml")

with startup.stop_on_error():
    startup.check_sources("data/raw/sources.yaml")
    startup.check_fonts(config["fonts"])


include: "analysis/rules/common.smk"


wildcard_constraints:
    lang="|".join(LANGS),
    ext="|".join(FORMATS),
    figure="|".join(FIGURES),


include: "analysis/rules/data.smk"
include: "analysis/rules/models.smk"
include: "analysis/rules/figures.smk"
include: "analysis/rules/paper.smk"


# Every output of every rule, so that a missing or partial one is rebuilt.
rule all:
    default_target: True
    input:
        all_targets,


onstart:
    startup.remove_scratch(SCRATCH)


onerror:
    from analysis import joblog

    joblog.print_failures()
