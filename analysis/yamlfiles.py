"""Read YAML input files strictly and validate them against JSON schemas, with
messages that name the file, the line and the key.

PyYAML (and Snakemake's config loader) let a repeated key silently win and
report syntax errors against ``"<unicode string>"``; here a repeated key is an
error, every error names the file and line, and a schema violation names the
dotted key (``fonts.cjk_serif``) and the line it is on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis.errors import InputError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects repeated keys; dates stay strings when ``dates_as_text``."""

    path = ""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputError(self.path, f"'{key}' appears twice (lines {seen[key]} and {line}); "
                                            "the second would silently replace the first: keep one",
                                 line=line, key=str(key))
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


class _TextDatesLoader(_StrictLoader):
    """Like _StrictLoader, but 2026-11-25 stays the text '2026-11-25' (for JSON schemas)."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path: str | Path, *, dates_as_text: bool = False) -> tuple[Any, yaml.Node | None]:
    """The data of a YAML file and its node tree (for line numbers).

    Raises ``InputError`` naming the file and line for a syntax error, a repeated
    key, or a file that is not UTF-8.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not valid UTF-8 at byte {exc.start}; save the file as UTF-8") from None
    loader_class = type("Loader", (_TextDatesLoader if dates_as_text else _StrictLoader,),
                        {"path": str(path)})
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise InputError(path, f"not valid YAML: {what}",
                         line=mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, node


def line_of(node: yaml.Node | None, keys: list[Any]) -> int | None:
    """The line of the deepest of ``keys`` (a path into mappings and lists) found in ``node``."""
    line = None
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if hit is None:
                break
            line, node = hit[0].start_mark.line + 1, hit[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    if line is None and node is not None:
        line = node.start_mark.line + 1
    return line


def _describe(error) -> tuple[list[Any], str]:
    """Where a jsonschema error is (a key path) and what to say about it."""
    keys = list(error.absolute_path)
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        if extra and allowed:
            keys.append(extra[0])
            message = f"unknown key '{extra[0]}' (allowed here: {', '.join(sorted(allowed))})"
    description = error.schema.get("description")
    if description and error.validator not in ("required", "additionalProperties"):
        message += f" ({description})"
    return keys, message


def validate(data: Any, node: yaml.Node | None, schema: dict, path: str | Path,
             max_listed: int = 5) -> None:
    """Validate ``data`` (loaded from ``path``) against a JSON ``schema``; raise ``InputError``
    at the first violation (file, line, dotted key), listing a few more."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    found = [_describe(e) for e in errors]
    keys, message = found[0]
    others = [f"line {line_of(node, k)}, key '{'.'.join(map(str, k)) or '(top)'}': {m}"
              for k, m in found[1:max_listed + 1]]
    if others:
        message += ". Also: " + "; ".join(others)
    raise InputError(path, message, line=line_of(node, keys),
                     key=".".join(map(str, keys)) or None)


def load_schema(path: str | Path) -> dict:
    data, _ = load(path)
    return data
