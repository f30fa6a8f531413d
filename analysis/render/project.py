"""The project around a document, as Quarto finds and reads it.

Upstream: ``project/project-context.ts`` (the nearest ``_quarto.yml`` above the
document; its ``metadata-files``; ``_variables.yml`` as ``_quarto-vars``),
``project/project-shared.ts`` (``_metadata.yml`` of each directory down to the
document; project paths made relative to the document's folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.render.config import Metadata, included_metadata, merge_configs
from analysis.render.yamlio import load_yaml_file

PROJECT_FILES = ("_quarto.yml", "_quarto.yaml")


@dataclass
class Project:
    dir: Path
    config: Metadata = field(default_factory=dict)
    config_file: Path | None = None
    is_single_file: bool = False

    @property
    def output_dir(self) -> Path:
        out = (self.config.get("project") or {}).get("output-dir")
        return self.dir / out if out else self.dir


def _merge_project_metadata(*configs: Metadata) -> Metadata:
    # mergeProjectMetadata only differs for website/book "contents"; not needed here
    return merge_configs(*configs)


def find_project(input_path: Path) -> Project:
    """The nearest enclosing project, or a single-file project in its folder."""
    input_path = input_path.resolve()
    for directory in [input_path.parent, *input_path.parent.parents]:
        for name in PROJECT_FILES:
            config_file = directory / name
            if config_file.is_file():
                config = load_yaml_file(config_file)
                config["project"] = config.get("project") or {}
                config = _merge_project_metadata(config, included_metadata(directory, config))
                config.pop("metadata-file", None)
                config.pop("metadata-files", None)
                for vars_name in ("_variables.yml", "_variables.yaml"):
                    if (directory / vars_name).is_file():
                        config["_quarto-vars"] = merge_configs(
                            config.get("_quarto-vars") or {}, load_yaml_file(directory / vars_name))
                        break
                return Project(dir=directory, config=config, config_file=config_file)
    return Project(dir=input_path.parent, is_single_file=True)


def _relative_to_input(value: Any, project_dir: Path, input_dir: Path, parent: str | None = None) -> Any:
    """``toInputRelativePaths``: strings naming files of the project become
    relative to the document's folder."""
    offset = os.path.relpath(project_dir, input_dir)
    if isinstance(value, list):
        return [_relative_to_input(v, project_dir, input_dir) for v in value]
    if isinstance(value, dict):
        return {k: (v if (parent == "html-math-method" and k == "method")
                    else _relative_to_input(v, project_dir, input_dir, k)) for k, v in value.items()}
    if isinstance(value, str) and value and not os.path.isabs(value) and offset != ".":
        try:
            if (project_dir / value).exists():
                return Path(offset, value).as_posix()
        except OSError:
            pass
    return value


def project_metadata_for_input(project: Project, input_path: Path) -> Metadata:
    if project.is_single_file:
        return {}
    config = {k: v for k, v in project.config.items() if k != "project"}
    return _relative_to_input(config, project.dir, input_path.resolve().parent)


def directory_metadata_for_input(project: Project, input_path: Path) -> Metadata:
    """``_metadata.yml`` files from the project folder down to the document's."""
    if project.is_single_file:
        return {}
    input_dir = input_path.resolve().parent
    config: Metadata = {}
    current = project.dir
    for part in input_dir.relative_to(project.dir).parts:
        current = current / part
        for name in ("_metadata.yml", "_metadata.yaml"):
            if (current / name).is_file():
                meta = load_yaml_file(current / name)
                if isinstance(meta.get("format"), str):
                    meta["format"] = {meta["format"]: {}}
                config = merge_configs(config, _relative_to_input(meta, current, input_dir))
                break
    return config
