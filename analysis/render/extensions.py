"""Quarto extensions a document can use, found where Quarto looks for them.

Upstream: ``extension/extension.ts``. Built-in extensions first
(``resources/extensions``), then every ``_extensions/`` folder from the
document's folder up to the project's; an extension is
``_extensions/[<org>/]<name>/_extension.yml``. Every extension's
``contributes.shortcodes`` is active; ``contributes.filters`` are used when a
document names the extension in ``filters:``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analysis.render import resources
from analysis.render.yamlio import load_yaml_file

EXTENSION_FILES = ("_extension.yml", "_extension.yaml")


@dataclass(frozen=True)
class Extension:
    name: str
    organization: str | None
    path: Path
    shortcodes: tuple[str, ...]
    filters: tuple[object, ...]


def extension_dirs(input_path: Path, project_dir: Path | None) -> list[Path]:
    dirs = [resources.resource("extensions")]
    current = input_path.resolve().parent
    found = []
    while True:
        if (current / "_extensions").is_dir():
            found.append(current / "_extensions")
        if project_dir is None or current == project_dir.resolve() or project_dir.resolve() not in current.parents:
            break
        current = current.parent
    return dirs + found


def _read_extension(ext_file: Path, organization: str | None) -> Extension:
    data = load_yaml_file(ext_file)
    contributes = data.get("contributes") or {}
    here = ext_file.parent

    def resolve(item: object) -> object:
        if isinstance(item, str):
            return str(here / item) if (here / item).exists() else item
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            return {**item, "path": str(here / item["path"])}
        return item

    return Extension(name=here.name, organization=organization, path=here,
                     shortcodes=tuple(str(resolve(s)) for s in contributes.get("shortcodes") or []),
                     filters=tuple(resolve(f) for f in contributes.get("filters") or []))


def read_extensions(directory: Path) -> list[Extension]:
    out = []
    for child in sorted(p for p in directory.iterdir() if p.is_dir()):
        ext_file = next((child / n for n in EXTENSION_FILES if (child / n).is_file()), None)
        if ext_file:
            organization = "quarto" if directory == resources.resource("extensions") else None
            out.append(_read_extension(ext_file, organization))
            continue
        for grandchild in sorted(p for p in child.iterdir() if p.is_dir()):
            ext_file = next((grandchild / n for n in EXTENSION_FILES if (grandchild / n).is_file()), None)
            if ext_file:
                out.append(_read_extension(ext_file, child.name))
    return out


def extensions_for(input_path: Path, project_dir: Path | None) -> list[Extension]:
    return [ext for d in extension_dirs(input_path, project_dir) for ext in read_extensions(d)]


def shortcode_files(exts: list[Extension]) -> list[str]:
    return [s for ext in exts for s in ext.shortcodes]


def resolve_filters(filters: list[object], exts: list[Extension]) -> list[object]:
    """Filters named by extension (``name`` or ``org/name``) become its files."""
    out: list[object] = []
    for filt in filters:
        name = filt if isinstance(filt, str) else (filt.get("path") if isinstance(filt, dict) else None)
        match = [e for e in exts if name in (e.name, f"{e.organization}/{e.name}")] if name else []
        if isinstance(name, str) and not Path(name).is_file() and match and match[-1].filters:
            at = filt.get("at") if isinstance(filt, dict) else None
            out += [({"at": at, "type": "lua", "path": f} if at and isinstance(f, str) else f)
                    for f in match[-1].filters]
        else:
            out.append(filt)
    return out
