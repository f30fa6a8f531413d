"""I/O glue between the Snakemake rules and the library: one module per stage
(data, models, figures, paper), one function per rule. Each reads its inputs,
calls the pure functions of ``analysis`` and writes its outputs atomically, so
a step can also be run and debugged from a Python prompt with the same paths.
"""
