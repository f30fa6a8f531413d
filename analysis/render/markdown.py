"""A document's text as Quarto hands it to pandoc, with a map back to its files.

Upstream: ``core/yaml.ts`` (``partitionYamlFrontMatter``: the front matter is
taken off and pandoc sees ``"\\n" + the rest``) and
``core/handlers/include-standalone.ts`` (a line holding only
``{{< include f >}}`` is replaced by the file, recursively; ``f`` is relative
to the main document's folder, or to the project for ``/f``; a missing final
newline becomes a blank line). Unlike Quarto, every output line remembers the
file and line it came from, so errors can name the section file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.render.errors import RenderError
from analysis.render.yamlio import load_yaml

BEGIN_YAML = re.compile(r"^---\s*$")
END_YAML = re.compile(r"^(---|\.\.\.)\s*$")
BLOCK_INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(.*?)\s*>\}\}\s*$")


@dataclass
class SourceText:
    """Lines of text, each with the ``(file, line)`` it came from."""

    lines: list[str] = field(default_factory=list)
    origins: list[tuple[Path, int]] = field(default_factory=list)

    def append(self, line: str, origin: tuple[Path, int]) -> None:
        self.lines.append(line)
        self.origins.append(origin)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def origin(self, line_number: int) -> tuple[Path, int] | None:
        """Where line ``line_number`` (1-based) of :attr:`text` came from."""
        if 1 <= line_number <= len(self.origins):
            return self.origins[line_number - 1]
        return None

    def find(self, needle: str) -> list[tuple[Path, int]]:
        """Every ``(file, line)`` whose text contains ``needle``."""
        return [self.origins[i] for i, line in enumerate(self.lines) if needle in line]


def partition_front_matter(text: str, path: Path) -> tuple[dict[str, Any], int]:
    """The front matter of ``text`` and the number of lines it spans (0 if none)."""
    stripped = text.lstrip()
    lead = text[: len(text) - len(stripped)].count("\n")
    lines = stripped.split("\n")
    if len(lines) < 3 or not BEGIN_YAML.match(lines[0]) or not lines[1].strip() or END_YAML.match(lines[1]):
        return {}, 0
    end = next((i for i in range(1, len(lines)) if END_YAML.match(lines[i])), -1)
    if end == -1:
        return {}, 0
    meta = load_yaml("\n".join(lines[1:end]), path, first_line=lead + 2)
    if meta is not None and not isinstance(meta, dict):
        raise RenderError(f"{path}:{lead + 2}: the front matter must be a YAML mapping")
    return meta or {}, lead + end + 1


def _resolve_include(arg: str, main_dir: Path, project_dir: Path) -> Path:
    arg = arg.strip().strip('"').strip("'")
    return project_dir / arg.lstrip("/") if arg.startswith("/") else main_dir / arg


def expand_includes(path: Path, project_dir: Path, main_dir: Path | None = None) -> SourceText:
    """The document with block includes expanded, every line mapped to its file.
    ``main_dir``: where relative includes resolve (the main document's folder)."""
    out = SourceText()
    main_dir = main_dir or path.parent
    stack: list[Path] = []

    def retrieve(file: Path, where: tuple[Path, int] | None) -> None:
        resolved = file.resolve()
        if resolved in stack:
            raise RenderError(f"{where[0]}:{where[1]}: circular include of {file}" if where
                              else f"circular include of {file}")
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            chain = "".join(f"\n  in file {p}" for p in stack)
            raise RenderError(f"{where[0]}:{where[1]}: include not found: {file}{chain}\n"
                              "(Quarto resolves includes from the main document's folder, "
                              "or from the project for /paths)" if where
                              else f"file not found: {file}") from None
        stack.append(resolved)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        for number, line in enumerate(lines, start=1):
            m = BLOCK_INCLUDE.match(line)
            if m:
                if not m.group(1).strip():
                    raise RenderError(f"{file}:{number}: include needs a file name")
                retrieve(_resolve_include(m.group(1), main_dir, project_dir), (file, number))
            else:
                out.append(line, (file, number))
        out.append("", (file, len(lines)))  # Quarto ends each file with a blank line
        if not text.endswith("\n"):        # ("\n\n" after a file without a final newline)
            out.append("", (file, len(lines)))
        stack.pop()

    retrieve(path, None)
    return out


def body_for_pandoc(source: SourceText, front_matter_lines: int) -> SourceText:
    """What pandoc reads: ``"\\n"`` then the document after its front matter."""
    body = SourceText()
    first = source.origins[0] if source.origins else (Path("?"), 1)
    body.append("", first)
    for line, origin in zip(source.lines[front_matter_lines:], source.origins[front_matter_lines:]):
        body.append(line, origin)
    return body
