"""Typst's compile as Quarto calls it (``command/render/output-typst.ts``,
``core/typst.ts``): the project folder is the root, Quarto's font folder comes
first, then ``font-paths`` (relative to the document) or ``TYPST_FONT_PATHS``;
Quarto's bundled packages are the package path. ``SOURCE_DATE_EPOCH`` fixes
the PDF's timestamp, as it does for the typst command line."""

from __future__ import annotations

import os
import re
from pathlib import Path

from analysis.render import resources
from analysis.render.errors import RenderError


class TypstFailure(RenderError):
    """Typst stopped; ``diagnostic`` is its message with the line of the .typ."""

    def __init__(self, diagnostic: str):
        super().__init__(f"typst failed:\n{diagnostic}")
        self.diagnostic = diagnostic

    @property
    def source_line(self) -> str | None:
        """The line of Typst source the error points at, as Typst quotes it."""
        import re

        m = re.search(r"^\s*\d+ │ (.*\S)\s*$", self.diagnostic, re.M)
        return m.group(1).strip() if m else None


def font_paths(metadata: dict, input_dir: Path) -> list[str]:
    configured = metadata.get("font-paths") or []
    configured = configured if isinstance(configured, list) else [configured]
    extra = [str(p if Path(p).is_absolute() else input_dir / p) for p in configured]
    if not extra and os.environ.get("TYPST_FONT_PATHS"):
        extra = [os.environ["TYPST_FONT_PATHS"]]
    return [str(resources.resource("formats", "typst", "fonts")), *extra]


def compile_pdf(typ: str, input_dir: Path, project_dir: Path, metadata: dict, output: Path,
                timestamp: int | None) -> list[str]:
    """Compile ``typ`` (Typst source that lives in ``input_dir``) to ``output``
    dated ``timestamp`` (Unix seconds; None: now); return Typst's warnings."""
    import typst

    kwargs = dict(root=str(project_dir), font_paths=font_paths(metadata, input_dir),
                  package_path=str(resources.resource("formats", "typst", "packages")),
                  timestamp=timestamp)
    typ_file = None
    try:
        if input_dir.resolve() == project_dir.resolve():
            source: object = typ.encode("utf-8")   # no file in the tree: paths resolve from the root
        else:  # relative paths resolve from the .typ, so it sits beside the document, as in Quarto
            typ_file = input_dir / f".{output.stem}.quarto-render.typ"
            typ_file.write_text(typ, encoding="utf-8")
            source = str(typ_file)
        _, warnings = typst.compile_with_warnings(source, output=str(output), **kwargs)
    except typst.TypstError as exc:
        raise TypstFailure(getattr(exc, "diagnostic", "") or str(exc)) from None
    finally:
        if typ_file is not None:
            typ_file.unlink(missing_ok=True)
    return [str(w) for w in warnings]


# format/typst/format-typst.ts, skylightingPostProcessor (Quarto issue #14126)
SKYLIGHTING_FN = re.compile(
    r"(#let Skylighting\(fill: none, number: false, start: 1, sourcelines\) = \{[\s\S]*?\n\})")


def fix_skylighting(typ: str) -> str:
    """Quarto's patch of pandoc's ``Skylighting`` function in the ``.typ``: code
    blocks get a full-width, padded, rounded background (``block(fill: bgcolor,
    width: 100%, inset: 8pt, radius: 2pt, blocks)``)."""
    match = SKYLIGHTING_FN.search(typ)
    if not match:
        return typ
    fixed = match.group(1).replace("block(fill: bgcolor, blocks)",
                                   "block(fill: bgcolor, width: 100%, inset: 8pt, radius: 2pt, blocks)")
    return typ.replace(match.group(1), fixed)

