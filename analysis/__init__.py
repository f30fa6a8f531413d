"""Library behind the Douyin Pay paper workflow.

Pure, tested functions (parse, clean, fit, plot, format, render) that the
Snakemake rules in ``analysis/rules/`` call. Modules import their heavy
dependencies (pandas, matplotlib, statsmodels) lazily or on import of the
module itself, never from this package's ``__init__``, so that parsing the
Snakefile stays as fast as Snakemake's own no-op.
"""
