"""Quarto's HTML document: its template and partials, and its own way of
making the page self-contained (``core/pandoc/self-contained.ts``: a second
pandoc pass over the page with ``pandoc-selfcontained/selfcontained.html`` and
``--embed-resources``)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from analysis.render import resources
from analysis.render.errors import RenderError
from analysis.render.pandoc import pandoc_binary

TEMPLATE = resources.resource("formats", "html", "pandoc", "template.html")
DEPENDENCIES_MARKER = "<!-- htmldependencies:E3FAD763 -->"


# A comment or a raw-text element (kept as it is), or a no-break space.
_RAW_OR_NBSP = re.compile(r"<!--.*?-->|<(script|style|xmp|iframe|noembed|noframes|noscript)\b[^>]*>.*?</\1\s*>"
                          r"|\u00a0", re.S | re.I)


def serialize_nbsp(html: str) -> str:
    """Quarto reads every HTML page it renders into a DOM and writes it back
    (``command/render/render.ts``, ``runHtmlPostprocessors``: ``outerHTML``);
    the HTML serializer writes U+00A0 as ``&nbsp;`` in text and attribute
    values, not in comments or raw-text elements (script, style, ...)."""
    return _RAW_OR_NBSP.sub(lambda m: "&nbsp;" if m.group(0) == "\u00a0" else m.group(0), html)


def finish_page(html: str, dependencies: str = "") -> str:
    """Put the page's dependencies where Quarto's template marks them, and
    write it as Quarto's post-processing does."""
    return serialize_nbsp(html.replace(DEPENDENCIES_MARKER, dependencies))


def embed_resources(html: str, working_dir: Path, resource_path: list[Path] | None = None) -> str:
    """``pandocIngestSelfContainedContent``: images, styles and scripts inline."""
    doctype = re.match(r"^<!DOCTYPE.*?>", html)
    body = html[doctype.end():].lstrip("\n") if doctype else html
    source = "\n".join(["````````{=html}", *( [doctype.group(0)] if doctype else []), body, "````````"])
    cmd = [pandoc_binary(), "--to", "html", "--from", "markdown", "--template",
           str(resources.resource("formats", "html", "pandoc-selfcontained", "selfcontained.html")),
           "--metadata", "title=placeholder", "--embed-resources"]
    if resource_path:
        cmd += ["--resource-path", ":".join(str(p) for p in resource_path)]
    proc = subprocess.run(cmd, input=source, capture_output=True, text=True, cwd=working_dir,
                          env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise RenderError(f"embedding the page's resources failed:\n{proc.stderr.strip()}")
    return proc.stdout
