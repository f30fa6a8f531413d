"""Checks made while Snakemake parses the workflow, before any job runs: the
configuration files, ``data/raw/sources.yaml`` and the configured fonts.

Each check raises an error that names the file, line and key; in the Snakefile
they run inside :func:`stop_on_error`, which prints that one message and stops
Snakemake (exit status 1) instead of showing a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from analysis import fonts, sources, yamlfiles
from analysis.errors import FontNotFoundError, InputError


def check_config(path: str | Path, schema: str | Path, overrides: Iterable[str | Path] = ()) -> None:
    """``config/config.yaml`` must be valid YAML without repeated keys and match the schema
    (file, line, key in every message); files given with ``--configfile`` are checked for
    syntax and repeated keys (the merged configuration is validated afterwards)."""
    data, node = yamlfiles.load(path)
    if not isinstance(data, dict):
        raise InputError(path, "the file must be a mapping of keys (paper:, fonts:, render:)")
    yamlfiles.validate(data, node, yamlfiles.load_schema(schema), path)
    for extra in overrides:
        yamlfiles.load(extra)


def check_sources(path: str | Path) -> None:
    """``data/raw/sources.yaml``: schema, dates, one entry per raw file (analysis.sources)."""
    sources.load(path)


def check_fonts(config_fonts: Mapping[str, str]) -> None:
    """Each configured font is installed and has Chinese glyphs (analysis.fonts)."""
    fonts.check_configured(config_fonts)


def resume_after_kill() -> None:
    """Remove the locks a killed run left behind (analysis/runlock.py), then register
    this run, so that a plain ``snakemake`` resumes an interrupted build."""
    from analysis import runlock

    stale = runlock.release_stale_locks()
    if stale:
        print("Removed the locks left by a Snakemake run that was killed "
              f"({', '.join(str(p) for p in stale)}); resuming.", file=sys.stderr)
    runlock.register()


def remove_scratch(patterns: Iterable[str]) -> None:
    """Remove scratch files of killed jobs that no job can claim by name (``onstart``),
    unless another run of this workflow is running here."""
    from analysis import fileio, runlock

    if not runlock.others_running():
        fileio.remove_scratch(patterns)


@contextlib.contextmanager
def stop_on_error() -> Iterator[None]:
    """Print the message of a failed start-up check and exit with status 1."""
    try:
        yield
    except (InputError, FontNotFoundError) as exc:
        print(f"The workflow cannot start:\n{exc}", file=sys.stderr)
        raise SystemExit(1) from None
