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


@contextlib.contextmanager
def stop_on_error() -> Iterator[None]:
    """Print the message of a failed start-up check and exit with status 1."""
    try:
        yield
    except (InputError, FontNotFoundError) as exc:
        print(f"The workflow cannot start:\n{exc}", file=sys.stderr)
        raise SystemExit(1) from None
