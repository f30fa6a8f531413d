"""Deterministic, atomic output: the same inputs give the same bytes, and a
failing step never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text with ``\\n`` line endings, atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def copy_file(source: str | Path, path: str | Path) -> None:
    """Copy bytes, atomically."""
    import shutil

    with atomic_path(path) as tmp:
        shutil.copyfile(source, tmp)


def format_float(x: float) -> str:
    """Shortest round-tripping positional form (no exponent, no trailing zeros)."""
    import numpy as np

    if x != x:  # NaN
        return ""
    return np.format_float_positional(float(x), trim="-")


def write_csv(df: "pd.DataFrame", path: str | Path) -> None:
    """Write a table with stable float formatting, ``\\n`` endings, no index."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(format_float).astype("string")
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8")


def write_yaml(path: str | Path, data: Any, header: str = "") -> None:
    """Write YAML with sorted keys and real Unicode (Chinese stays readable)."""
    import yaml

    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=1000,
                          default_flow_style=False)
    write_text(path, header + body)


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON with sorted keys, two-space indent and a final newline."""
    import json

    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
