"""``quarto render`` itself, in a private copy of the project.

Quarto keeps state in the project (``.quarto/``, ``<doc>_files/``, a
``.gitignore`` it writes) and renders side by side race on it. Each render
here copies the project's sources to its own temporary folder, runs Quarto
there and moves the one output into place: nothing is written into the
sources and no two renders share state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from analysis import fileio
from analysis.render import OUTPUT_EXT, quarto_path
from analysis.render.errors import RenderError
from analysis.render.project import find_project

# Quarto's warnings that mean the output is wrong, not just noisy.
WARNING_LINE = re.compile(r"^(WARN(ING)?\b|warning:).*", re.M)
SKIP = (".quarto", ".git", "_freeze", ".snakemake")


def _copy_project(project_dir: Path, destination: Path, output_dir: str | None) -> None:
    ignore_names = set(SKIP) | ({output_dir} if output_dir else set())

    def ignore(folder: str, names: list[str]) -> list[str]:
        top = Path(folder).resolve() == project_dir.resolve()
        return [n for n in names if (top and n in ignore_names) or n.endswith("_files")]

    shutil.copytree(project_dir, destination, ignore=ignore, symlinks=False)


def render_with_quarto(input_path: Path, to: str, output: Path, metadata: dict[str, Any],
                       source_date_epoch: int | None) -> list[str]:
    project = find_project(input_path)
    output_dir = (project.config.get("project") or {}).get("output-dir")
    rel_input = input_path.resolve().relative_to(project.dir)
    with tempfile.TemporaryDirectory(prefix="quarto-project-") as tmp:
        copy = Path(tmp) / project.dir.name
        _copy_project(project.dir, copy, output_dir)
        name = f"{input_path.stem}.{OUTPUT_EXT[to]}"
        cmd = [quarto_path() or "quarto", "render", str(rel_input), "--to", to, "--output", name]
        for key, value in metadata.items():
            cmd += ["-M", f"{key}:{json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}"]
        env = dict(os.environ)
        if source_date_epoch is not None:
            env["SOURCE_DATE_EPOCH"] = str(source_date_epoch)
        proc = subprocess.run(cmd, cwd=copy, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RenderError(f"quarto render {rel_input} --to {to} failed:\n{proc.stderr.strip()}")
        produced = [p for p in copy.rglob(name) if p.is_file()]
        if not produced:
            raise RenderError(f"quarto render {rel_input} --to {to} made no {name}")
        with fileio.atomic_path(output) as part:
            shutil.copyfile(produced[0], part)
    return [m.group(0) for m in WARNING_LINE.finditer(proc.stderr)]
