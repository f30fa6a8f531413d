"""Quarto's option handling, as its TypeScript does it, for html and typst.

Sources in the vendored tree (``vendor/quarto-1.10.18/src``, upstream paths):
``core/config.ts`` (mergeConfigs: lodash ``mergeWith``, arrays concatenated
and de-duplicated), ``config/metadata.ts`` (metadataAsFormat,
formatFromMetadata, mergeFormatMetadata, includedMetadata),
``command/render/render-contexts.ts`` (resolveFormats: project < directory <
document, each with its ``format.<to>`` block), ``format/formats-shared.ts``
and ``format/typst/format-typst.ts`` / ``format/html/format-html.ts`` (format
defaults), ``core/language.ts`` (language strings) and ``core/date.ts``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from analysis.render import resources
from analysis.render.errors import RenderError
from analysis.render.yamlio import load_yaml_file

Metadata = dict[str, Any]
BUCKETS = ("identifier", "render", "execute", "pandoc", "language", "metadata")


# --------------------------------------------------------------------------- merging

def _js_falsy(value: Any) -> bool:
    return value is None or value is False or value == "" or (
        isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0)


def _merge_arrays(obj: Any, src: Any) -> Any:
    """``mergeArrayCustomizer``: concatenate, keep the first of equal items."""
    if not (isinstance(obj, list) or isinstance(src, list)):
        return _UNSET
    if _js_falsy(obj):
        return copy.deepcopy(src)
    if _js_falsy(src):
        return obj
    combined = (obj if isinstance(obj, list) else [obj]) + copy.deepcopy(
        src if isinstance(src, list) else [src])
    seen, out = set(), []
    for item in combined:
        key = json.dumps(item, sort_keys=False, default=str)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


class _Unset:
    pass


_UNSET = _Unset()


def _merge_format_customizer(obj: Any, src: Any, key: str) -> Any:
    """``mergeFormatMetadata``'s special keys, then the array rule."""
    if key == "tbl-colwidths":
        return copy.deepcopy(src)
    if key == "variant" and isinstance(obj, str) and isinstance(src, str) and obj != src:
        exts: dict[str, bool] = {}
        for variant in (obj, src):
            for sign, name in re.findall(r"([+-])([a-z_]+)", variant.replace("\n", ",")):
                exts[name] = sign == "+"
        return "".join(f"{'+' if on else '-'}{name}" for name, on in exts.items())
    if key in ("code-links", "other-links") and not (isinstance(obj, list) and isinstance(src, list)):
        if src is False:
            return []
        as_list = lambda v: [] if v is None else v if isinstance(v, list) else [v]  # noqa: E731
        return _merge_arrays(as_list(obj), as_list(src))
    return _merge_arrays(obj, src)


def _merge_into(target: dict[str, Any], src: dict[str, Any], customizer) -> None:
    for key, value in src.items():
        current = target.get(key, _UNSET)
        custom = customizer(None if current is _UNSET else current, value, key)
        if custom is not _UNSET:
            target[key] = custom
        elif isinstance(value, dict):
            if not isinstance(current, dict):
                current = {}
            target[key] = current
            _merge_into(current, value, customizer)
        else:
            target[key] = copy.deepcopy(value)


def merge_configs(*configs: dict[str, Any] | None, format_rules: bool = False) -> dict[str, Any]:
    """Quarto's ``mergeConfigs`` (or ``mergeFormatMetadata`` with ``format_rules``)."""
    customizer = _merge_format_customizer if format_rules else (lambda o, s, k: _merge_arrays(o, s))
    out: dict[str, Any] = {}
    for config in configs:
        if config:
            _merge_into(out, copy.deepcopy(config), customizer)
    return out


# --------------------------------------------------------------------------- formats

def empty_format() -> Metadata:
    return {bucket: {} for bucket in BUCKETS}


def metadata_as_format(metadata: Metadata) -> Metadata:
    """Sort options into Quarto's buckets by the vendored key lists."""
    keys = {bucket: set(resources.key_list(name)) for bucket, name in (
        ("identifier", "kIdentifierDefaultsKeys"), ("render", "kRenderDefaultsKeys"),
        ("execute", "kExecuteDefaultsKeys"), ("pandoc", "kPandocDefaultsKeys"))}
    fmt = empty_format()
    for key, value in metadata.items():
        if key in BUCKETS:
            if isinstance(value, bool):
                if key == "execute":
                    fmt["execute"]["enabled"] = value
            elif isinstance(value, dict):
                fmt[key] = {**fmt[key], **value}
            continue
        bucket = next((b for b, ks in keys.items() if key in ks), "metadata")
        fmt[bucket][key] = value
    return fmt


def format_from_metadata(base: Metadata, to: str) -> Metadata:
    """The ``format.<to>`` block of ``base``'s metadata merged over ``base``."""
    configured = (base["metadata"].get("format") or {})
    block = configured.get(to) if isinstance(configured, dict) else None
    fmt = metadata_as_format(block) if isinstance(block, dict) else empty_format()
    return merge_configs(base, fmt, format_rules=True)


def format_keys(metadata: Metadata) -> list[str]:
    formats = metadata.get("format")
    if isinstance(formats, str):
        return [formats]
    if isinstance(formats, dict):
        return [k for k, v in formats.items() if v is not None]
    return []


def _default_format(display_name: str, ext: str) -> Metadata:
    """``defaultFormat`` + ``createFormat`` (``format/formats-shared.ts``): the
    render and execute defaults the filters read."""
    return {
        "identifier": {"display-name": display_name},
        "execute": {"fig-width": 7, "fig-height": 5, "fig-format": "png", "fig-dpi": 96,
                    "df-print": "default", "error": False, "eval": True, "cache": None,
                    "freeze": False, "echo": True, "output": True, "warning": True,
                    "include": True, "keep-md": False, "keep-ipynb": False},
        "render": {"keep-tex": False, "keep-typ": False, "keep-source": False,
                   "keep-hidden": False, "prefer-html": False, "output-divs": True,
                   "output-ext": ext, "fig-align": "default", "fig-pos": None, "fig-env": None,
                   "code-fold": "none", "code-overflow": "scroll", "code-link": False,
                   "code-line-numbers": False, "code-tools": False, "tbl-colwidths": True,
                   "merge-includes": True, "inline-includes": False, "preserve-yaml": False,
                   "link-external-icon": False, "link-external-newwindow": False,
                   "self-contained-math": False, "format-resources": [], "variant": ""},
        "pandoc": {}, "language": {}, "metadata": {},
    }


def default_writer_format(to: str) -> Metadata:
    """The writer defaults Quarto merges under user options."""
    if to == "typst":  # format/typst/format-typst.ts
        return merge_configs(_default_format("Typst", "pdf"), {
            "execute": {"fig-width": 5.5, "fig-height": 3.5, "fig-format": "svg"},
            "pandoc": {"standalone": True, "default-image-extension": "svg", "wrap": "none",
                       "citeproc": False}})
    if to == "html":  # format/html/format-html.ts, createHtmlFormat
        return merge_configs(_default_format("HTML", "html"), {
            "metadata": {"lang": "en", "fig-responsive": True,
                         "quarto-version": resources.QUARTO_VERSION},
            "execute": {"fig-format": "retina", "fig-width": 7, "fig-height": 5},
            "render": {"tbl-colwidths": "auto", "notebook-links": True},
            "pandoc": {"standalone": True, "wrap": "none", "default-image-extension": "png"}})
    raise RenderError(f"format '{to}' is not supported without Quarto (use html or typst)")


def resolve_format(layers: list[Metadata], to: str, input_dir: Path,
                   flags_metadata: Metadata | None = None) -> Metadata:
    """``resolveFormats`` for one target: each layer (project, directories,
    document) resolved alone, then merged over the writer's defaults."""
    resolved = []
    for layer in layers:
        included = included_metadata(input_dir, layer)
        merged = merge_configs(layer, included, flags_metadata or {}, format_rules=True)
        resolve_language_metadata(merged, input_dir)
        resolved.append(format_from_metadata(metadata_as_format(merged), to))
    user = merge_configs(*resolved, format_rules=True)
    fmt = merge_configs(default_writer_format(to), user, format_rules=True)
    fmt["identifier"]["target-format"] = to
    if to == "typst":  # typstResolveFormat: citeproc: true means pandoc's citeproc
        pandoc = fmt["pandoc"]
        if pandoc.get("citeproc") is True and "-citations" not in str(fmt["render"].get("variant", "")):
            fmt["render"]["variant"] = str(fmt["render"].get("variant") or "") + "-citations"
    if to == "html" and fmt["metadata"].get("minimal") is True:
        fmt["metadata"].setdefault("fig-responsive", False)
        fmt["metadata"].setdefault("theme", "none")
    return fmt


def included_metadata(input_dir: Path, metadata: Metadata) -> Metadata:
    """``metadata-file``/``metadata-files`` named in ``metadata``, merged."""
    files = []
    if metadata.get("metadata-file"):
        files.append(metadata["metadata-file"])
    if isinstance(metadata.get("metadata-files"), list):
        files += metadata["metadata-files"]
    layers = [load_yaml_file(input_dir / f) for f in files if (input_dir / f).exists()]
    return merge_configs(*layers, format_rules=True)


# --------------------------------------------------------------------------- language

def _read_translations(path: Path, lang: str | None) -> Metadata:
    """``readLanguageTranslations``: the file, then its ``-<variation>`` files."""
    language: Metadata = load_yaml_file(path) if path.exists() else {}
    stem, suffix = path.stem, path.suffix
    if lang:
        subtags = lang.split("-")
        variations = ["-".join(subtags[:i + 1]) for i in range(len(subtags))]
    else:
        variations = sorted(m.group(1) for p in path.parent.glob(f"{stem}-*{suffix}")
                            if (m := re.match(rf"^{re.escape(stem)}-(.*?){re.escape(suffix)}$", p.name)))
    defaults_keys = set(resources.key_list("kLanguageDefaultsKeys"))
    for variation in variations:
        vfile = path.parent / f"{stem}-{variation}{suffix}"
        translations = load_yaml_file(vfile) if vfile.exists() else {}
        for key, value in translations.items():
            if key in defaults_keys:
                language.setdefault(variation, {})[key] = value
            elif isinstance(value, dict):
                language[f"{variation}-{key}"] = {**language.get(f"{variation}-{key}", {}), **value}
    return language


def _translations_for_lang(language: Metadata, lang: str) -> Metadata:
    defaults_keys = set(resources.key_list("kLanguageDefaultsKeys"))
    out = {k: v for k, v in language.items()
           if k in defaults_keys or re.match(r"^crossref-.*-(title|prefix)$", k)}
    subtags = lang.split("-")
    for i in range(len(subtags)):
        variation = "-".join(subtags[:i + 1])
        if isinstance(language.get(variation), dict):
            out = merge_configs(out, language[variation])
    return out


def resolve_language_metadata(metadata: Metadata, input_dir: Path) -> None:
    """A ``language:`` given as a file name is read relative to the document."""
    value = metadata.get("language")
    if isinstance(value, str):
        path = input_dir / value
        if not path.exists():
            raise RenderError(f"Specified 'language' file does not exist: {path}")
        metadata["language"] = _read_translations(path, None)
    elif not isinstance(value, dict):
        metadata["language"] = {}


def format_language(fmt: Metadata, flags_lang: str | None = None) -> Metadata:
    """``formatLanguage``: Quarto's strings for ``lang``, the user's on top."""
    lang = flags_lang or fmt["metadata"].get("lang") or "en"
    defaults = _translations_for_lang(
        _read_translations(resources.resource("language", "_language.yml"), lang), lang)
    return _translations_for_lang(merge_configs(defaults, fmt.get("language") or {}), lang)


# --------------------------------------------------------------------------- dates

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_DAYJS = re.compile(r"\[([^\]]*)\]|YYYY|YY|MMMM|MMM|MM|M|DD|D")


def format_date(value: Any, date_format: str | None, source: Path) -> str:
    """``resolveAndFormatDate`` for ISO dates, with dayjs tokens (YYYY, MM, M,
    MMMM, DD, D, [literal]); ``iso`` by default. Locale styles (``long`` …)
    need Intl and are refused with a message, not guessed."""
    if isinstance(value, dict):
        date_format = value.get("format") or date_format
        value = value.get("value")
    if isinstance(value, (dt.date, dt.datetime)):
        day = value if isinstance(value, dt.date) else value.date()
    else:
        text = str(value)
        if text in ("today", "now", "last-modified"):
            raise RenderError(f"{source}: date: {text} would date the output by the build; "
                              "give an ISO date (the build must be reproducible)")
        try:
            day = dt.date.fromisoformat(text[:10])
        except ValueError:
            raise RenderError(f"{source}: date '{text}' is not an ISO date (YYYY-MM-DD)") from None
    fmt = date_format or "iso"
    if fmt in ("full", "long", "medium", "short"):
        raise RenderError(f"{source}: date-format '{fmt}' needs a locale database; "
                          "give a dayjs pattern such as 'D MMMM YYYY' or 'YYYY年M月D日'")
    if fmt == "iso":
        fmt = "YYYY-MM-DD"
    tokens = {"YYYY": f"{day.year:04d}", "YY": f"{day.year % 100:02d}",
              "MMMM": _MONTHS[day.month - 1], "MMM": _MONTHS[day.month - 1][:3],
              "MM": f"{day.month:02d}", "M": str(day.month), "DD": f"{day.day:02d}",
              "D": str(day.day)}
    return _DAYJS.sub(lambda m: m.group(1) if m.group(1) is not None else tokens[m.group(0)], fmt)
