"""Quarto's SCSS: its layers, the order it concatenates them in, and the
compile with Dart Sass (the npm ``sass`` package, pinned in package.json at
the version Quarto 1.10.18 ships).

Upstream: ``core/sass.ts`` (SassLayer, sassLayerStr, mergeLayers,
compileSass, compileWithCache), ``core/dart-sass.ts`` (the compile command).
The compiled CSS is cached by a hash of everything that goes into it (the
SCSS text, the files on the load paths, the compiler's version and style), so
a render compiles Quarto's theme once per machine, as Quarto does with its
own cache folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from analysis.render import resources
from analysis.render.errors import RenderError

REPO = Path(__file__).resolve().parents[2]
NODE_BIN = REPO / "node_modules" / ".bin"
SETUP_HINT = ("run tools/setup-env (it installs Node's packages with `npm ci`; "
              "needs Node 18 or later: apt-get install nodejs npm)")
SECTIONS = ("uses", "functions", "defaults", "mixins", "rules")
BOUNDARY = re.compile(r"^/\*--[ \t]*scss:(uses|functions|rules|defaults|mixins)[ \t]*--\*/$")
_compile_lock = threading.Lock()


@dataclass
class SassLayer:
    uses: str = ""
    functions: str = ""
    defaults: str = ""
    mixins: str = ""
    rules: str = ""


@dataclass
class SassBundle:
    """One ``SassBundle``: Quarto's, the framework's and the user's layers."""

    key: str
    dependency: str
    quarto: SassLayer | None = None
    framework: SassLayer | None = None
    user: list[SassLayer] = field(default_factory=list)
    load_paths: list[Path] = field(default_factory=list)
    attribs: dict[str, str] = field(default_factory=dict)


def layer_from_text(text: str, hint: str) -> SassLayer:
    """``sassLayerStr``: split a file at its ``/*-- scss:<section> --*/`` lines."""
    if not any(BOUNDARY.match(line) for line in text.splitlines()):
        raise RenderError(f"The file {hint} doesn't contain at least one layer boundary "
                          "(/*-- scss:defaults --*/, /*-- scss:rules --*/, /*-- scss:mixins --*/, "
                          "/*-- scss:functions --*/, or /*-- scss:uses --*/)")
    parts: dict[str, list[str]] = {s: [] for s in SECTIONS}
    current = parts["defaults"]
    for line in re.split(r"\r?\n", text):
        m = BOUNDARY.match(line)
        if m:
            current = parts[m.group(1)]
        else:
            current.append(line)
    return SassLayer(**{s: "\n".join(lines) for s, lines in parts.items()})


def layer_from_file(path: Path) -> SassLayer:
    return layer_from_text(path.read_text(encoding="utf-8"), str(path))


def merge_layers(*layers: SassLayer) -> SassLayer:
    """``mergeLayers``: defaults in reverse (the first ``!default`` wins)."""
    pick = lambda s: [getattr(layer, s) for layer in layers if getattr(layer, s)]  # noqa: E731
    return SassLayer(uses="\n".join(pick("uses")), functions="\n".join(pick("functions")),
                     defaults="\n".join(reversed(pick("defaults"))),
                     mixins="\n".join(pick("mixins")), rules="\n".join(pick("rules")))


def _annotation(origin: str | None) -> str:
    value = "null" if origin is None else f'"{origin}"'
    return f'// quarto-scss-analysis-annotation {{ "origin": {value} }}'


def scss_input(bundles: list[SassBundle]) -> str:
    """``compileSass``'s one SCSS text: functions, then variables (Quarto's and
    the framework's defaults in reverse), mixins, rules; user layers between."""
    fw = lambda s: [getattr(b.framework, s) if b.framework else "" for b in bundles]  # noqa: E731
    qu = lambda s: [getattr(b.quarto, s) if b.quarto else "" for b in bundles]  # noqa: E731
    user = merge_layers(*[layer for b in bundles for layer in b.user])
    parts = [
        f'// quarto-scss-analysis-annotation {{ "quarto-version": "{resources.QUARTO_VERSION}" }}',
        _annotation("'use' section from format"), *fw("uses"),
        _annotation("'use' section from Quarto"), *qu("uses"),
        _annotation("'use' section from user-defined SCSS"), user.uses,
        _annotation("'functions' section from format"), *fw("functions"),
        _annotation("'functions' section from Quarto"), *qu("functions"),
        _annotation("'functions' section from user-defined SCSS"), user.functions,
        _annotation("Defaults from user-defined SCSS"), user.defaults,
        _annotation("Defaults from Quarto's SCSS"), *reversed(qu("defaults")),
        _annotation("Defaults from the format SCSS"), *reversed(fw("defaults")),
        _annotation("'mixins' section from format"), *fw("mixins"),
        _annotation("'mixins' section from Quarto"), *qu("mixins"),
        _annotation("'mixins' section from user-defined SCSS"), user.mixins,
        _annotation("'rules' section from format"), *fw("rules"),
        _annotation("'rules' section from Quarto"), *qu("rules"),
        _annotation("'rules' section from user-defined SCSS"), user.rules,
        _annotation(None),
    ]
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- compiling

def node_tool(name: str, env_override: str) -> list[str]:
    """A tool from ``node_modules/.bin`` (or Quarto's override variable)."""
    override = os.environ.get(env_override)
    if override:
        if not Path(override).exists():
            raise RenderError(f"{env_override}={override}: no such file")
        return [override]
    tool = NODE_BIN / name
    if not tool.exists():
        raise RenderError(f"Quarto's HTML needs {name} from node_modules/ ({tool} is missing): "
                          + SETUP_HINT)
    if shutil.which("node") is None:
        raise RenderError(f"Quarto's HTML needs Node.js to run {name}: " + SETUP_HINT)
    return [str(tool)]


@cache
def sass_version() -> str:
    """The compiler's version (part of the cache key): from the installed
    package, or by asking the override named by QUARTO_DART_SASS."""
    package = NODE_BIN.parent / "sass" / "package.json"
    if not os.environ.get("QUARTO_DART_SASS") and package.is_file():
        node_tool("sass", "QUARTO_DART_SASS")  # says what is missing, if anything
        return "sass " + json.loads(package.read_text(encoding="utf-8"))["version"]
    proc = subprocess.run([*node_tool("sass", "QUARTO_DART_SASS"), "--version"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RenderError(f"Dart Sass does not run: {proc.stderr.strip()}\n" + SETUP_HINT)
    return proc.stdout.strip()


def cache_dir() -> Path:
    """Like Quarto's ``quartoCacheDir("sass")``: the user's cache folder."""
    base = os.environ.get("QUARTO_VENDORED_CACHE_DIR")
    if base:
        return Path(base) / "sass"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "quarto-vendored" / "sass"


def _load_path_digest(load_paths: list[Path]) -> str:
    return _digest_of(tuple(load_paths))


@cache  # the load paths are vendored files: read once per process
def _digest_of(load_paths: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for base in load_paths:
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def compile_scss(scss: str, load_paths: list[Path], compressed: bool = True) -> str:
    """The CSS of ``scss`` (``dartCompile``), from the cache when it is there."""
    style = "compressed" if compressed else "expanded"
    key = hashlib.sha256("\0".join([sass_version(), style, _load_path_digest(load_paths),
                                     scss]).encode("utf-8")).hexdigest()
    cached = cache_dir() / f"{key}.css"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    with _compile_lock, tempfile.TemporaryDirectory(prefix="quarto-sass-") as tmp:
        if cached.is_file():  # another thread compiled it meanwhile
            return cached.read_text(encoding="utf-8")
        source, target = Path(tmp) / "input.scss", Path(tmp) / "output.css"
        source.write_text(scss, encoding="utf-8")
        cmd = [*node_tool("sass", "QUARTO_DART_SASS"), str(source), str(target), "--style", style,
               "--quiet", "--no-source-map", *(f"--load-path={p}" for p in load_paths)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            raise RenderError("Theme file compilation failed:\n\n" + "\n".join(lines[:-2] or lines))
        css = target.read_text(encoding="utf-8").strip()
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            part = cached.with_suffix(f".{os.getpid()}.part")
            part.write_text(css, encoding="utf-8")
            part.replace(cached)
        except OSError:
            pass  # an unwritable cache only costs time
        return css
