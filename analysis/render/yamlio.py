"""YAML as Quarto reads it (js-yaml): dates stay strings, a duplicated key is
an error, and every error names the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis.render.errors import RenderError


class QuartoLoader(yaml.SafeLoader):
    """Safe YAML without timestamp resolution, refusing duplicate keys."""

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key '{key}'", key_node.start_mark)
            seen[key] = True
        return super().construct_mapping(node, deep=deep)


QuartoLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load_yaml(text: str, source: str | Path, first_line: int = 1) -> Any:
    """Parse ``text``; errors say ``source:line:column``. ``first_line`` is the
    line of ``source`` where ``text`` starts (front matter sits below ``---``)."""
    try:
        return yaml.load(text, Loader=QuartoLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + first_line}:{mark.column + 1}" if mark else str(source)
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise RenderError(f"{where}: invalid YAML: {what}") from None
    except yaml.YAMLError as exc:
        raise RenderError(f"{source}: invalid YAML: {exc}") from None


def load_yaml_file(path: Path) -> dict[str, Any]:
    """A YAML file that must hold a mapping (or nothing)."""
    data = load_yaml(Path(path).read_text(encoding="utf-8"), path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RenderError(f"{path}:1: expected a YAML mapping, found {type(data).__name__}")
    return data
