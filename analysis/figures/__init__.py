"""The paper's figures: one module per figure, found by the workflow by itself.

A figure ``<name>`` is the module ``analysis/figures/<name>.py``. Its stem is
its name everywhere: the rule's wildcard, ``figures/<name>.{zh,en}.svg``,
``figures/<name>.text.yml``, the ``fig-<name with - for _>`` label and the
``{{< fig <name> >}}`` shortcode that places it in the paper. The module holds:

* a docstring: what the figure shows and where the paper cites it (it is the
  figure's caption in Snakemake's report);
* ``INPUTS``: ``{key: path}`` of the processed tables it reads (``*`` matches
  model cards); the workflow makes them the rule's inputs;
* ``load(paths) -> dict`` (optional): reads them, where a figure needs more than
  every input read as it is (:func:`analysis.figures._read.read_inputs`, keyed
  as ``INPUTS``): filters, options, model cards;
* ``draw(**data, lang) -> (Figure, FigureText)``: draws one language and
  returns its caption and alt text, computed from the data. It draws, it never
  fits (model results come from the processed tables and model cards).

Modules starting with ``_`` are shared helpers. Figures are drawn inside
:func:`analysis.plotting.figure_context` (style, fonts, missing glyphs as
errors); artists that carry data have a ``gid`` so tests can check the plotted
numbers against the tables. Reading ``INPUTS`` and the docstring does not
import the module (:func:`declaration`), so parsing the workflow stays fast.
"""

from __future__ import annotations

import ast
import importlib
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).parent


def names() -> list[str]:
    """Every figure, by module name."""
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


@cache
def declaration(name: str) -> dict[str, Any]:
    """A figure's docstring and ``INPUTS``, read without importing it."""
    path = HERE / f"{name}.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as exc:
        raise ValueError(f"{path.relative_to(HERE.parent.parent)}:{exc.lineno}: {exc.msg}") from None
    inputs = next((ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
                   and any(getattr(t, "id", None) == "INPUTS" for t in node.targets)), None)
    if not isinstance(inputs, dict):
        raise ValueError(f"{path}: a figure module declares INPUTS = {{key: path, ...}}")
    code = _own_imports(tree)
    if not any(isinstance(node, ast.FunctionDef) and node.name == "load" for node in tree.body):
        code = sorted({*code, "analysis/figures/_read.py"})  # the default load reads its inputs
    return {"doc": ast.get_docstring(tree) or "", "inputs": inputs, "code": code}


def _own_imports(tree: ast.Module) -> list[str]:
    """The files of this package a figure module imports (its code inputs: editing
    one of them redraws the figures that use it)."""
    root = HERE.parent
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    files = set()
    for name in names:
        if name == "analysis" or not name.startswith("analysis."):
            continue
        rel = Path(*name.split(".")[1:])
        for candidate in (root / rel.with_suffix(".py"), root / rel / "__init__.py"):
            if candidate.is_file():
                files.add(candidate.relative_to(root.parent).as_posix())
    return sorted(files)


def module(name: str) -> ModuleType:
    return importlib.import_module(f"analysis.figures.{name}")


def loader(name: str) -> Any:
    """The figure's ``load``, or the default that reads every input as it is."""
    from analysis.figures._read import read_inputs

    return getattr(module(name), "load", read_inputs)
