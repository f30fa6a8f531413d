"""Deterministic, atomic output: the same inputs give the same bytes, and a
failing step never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def stale_parts(path: str | Path) -> list[Path]:
    """Temporary files :func:`atomic_path` left beside ``path`` when a job was killed."""
    path = Path(path)
    if not path.parent.is_dir():
        return []
    return sorted(p for p in path.parent.glob(f".{glob.escape(path.name)}.*.part") if p.is_file())


def remove_stale_parts(paths: Iterable[str | Path]) -> list[Path]:
    """Remove the leftovers of killed writes of ``paths`` (only the job that writes a file
    calls this, so no live write can be hit); return what was removed."""
    removed = [p for path in paths for p in stale_parts(path)]
    for p in removed:
        p.unlink(missing_ok=True)
    return removed


def remove_scratch(patterns: Iterable[str], root: str | Path = ".") -> list[Path]:
    """Remove files and folders matching the glob ``patterns`` below ``root``."""
    removed = sorted({p for pattern in patterns for p in Path(root).glob(pattern)})
    for p in removed:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    Leftovers of an earlier, killed write of the same file are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts([path])
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
