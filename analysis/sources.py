"""``data/raw/sources.yaml``: the provenance of every raw input, and the data
vintage it defines (the latest ``retrieved`` date, which dates the paper).

The file is validated before anything uses it: its schema
(``data/sources.schema.yaml``), ISO dates that are not in the future, one entry
for every file in ``data/raw/`` and no entry without its file. Every message
names the file, the line and the key.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

from analysis import yamlfiles
from analysis.errors import InputError

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sources.schema.yaml"
IGNORED = ("sources.yaml",)  # the file itself


def raw_files(raw_dir: str | Path) -> list[str]:
    """The files of ``raw_dir`` that need provenance (hidden files and backups aside)."""
    return sorted(p.name for p in Path(raw_dir).iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith("~")
                  and p.name not in IGNORED)


def _load(path: Path) -> tuple[dict, object]:
    data, node = yamlfiles.load(path, dates_as_text=True)
    if data is None:
        raise InputError(path, "the file is empty: it needs one entry (title, source, retrieved, "
                               "units) for each file in its folder")
    if not isinstance(data, dict):
        raise InputError(path, "expected one entry per raw file (file name: title, source, "
                               "retrieved, units)", line=1)
    return data, node


def _retrieval_dates(data: dict, node, path: Path, today: dt.date | None) -> dict[str, dt.date]:
    """Each entry's ``retrieved`` date: an ISO date, not after today."""
    today = today or dt.date.today()
    dates = {}
    for name, entry in data.items():
        value = entry.get("retrieved") if isinstance(entry, dict) else None
        where = {"line": yamlfiles.line_of(node, [name, "retrieved"]), "key": f"{name}.retrieved"}
        if value is None:
            raise InputError(path, "no 'retrieved' date (an ISO date such as 2026-11-25)", **where)
        try:
            if not (isinstance(value, str) and len(value) == 10):
                raise ValueError
            retrieved = dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(path, f"retrieved {value!r} is not an ISO date such as 2026-11-25 "
                                   "(year-month-day, with dashes)", **where) from None
        if retrieved > today:
            raise InputError(path, f"retrieved {value} is after today ({today}): a file cannot have "
                                   f"been read in the future (it would date the paper {retrieved.year})",
                             **where)
        dates[name] = retrieved
    return dates


def load(path: str | Path, today: dt.date | None = None) -> dict[str, dict[str, str]]:
    """Validated entries of ``sources.yaml`` (file name → title, source, retrieved, units):
    the schema, the dates, and one entry for each file of its folder."""
    path = Path(path)
    data, node = _load(path)
    _retrieval_dates(data, node, path, today)
    yamlfiles.validate(data, node, yamlfiles.load_schema(SCHEMA), path)
    files = raw_files(path.parent)
    for name in data:
        if name not in files:
            close = difflib.get_close_matches(name, files, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise InputError(path, f"the entry '{name}' names no file in {path.parent}{hint}",
                             line=yamlfiles.line_of(node, [name]), key=name)
    missing = [f for f in files if f not in data]
    if missing:
        raise InputError(path, f"{', '.join(missing)} has no entry: every file in {path.parent} needs "
                               "its provenance here (title, source, retrieved, units)",
                         key=missing[0])
    return data


def data_vintage(path: str | Path, today: dt.date | None = None) -> dt.date:
    """The latest retrieval date of any raw input. Only the dates are checked here (ISO,
    not in the future); the start-up check (:func:`load`) checks the rest."""
    path = Path(path)
    data, node = _load(path)
    return max(_retrieval_dates(data, node, path, today).values())


def retrieved(path: str | Path, name: str, today: dt.date | None = None) -> dt.date:
    """The day the raw file ``name`` was read (the data vintage if it has no entry)."""
    path = Path(path)
    data, node = _load(path)
    dates = _retrieval_dates(data, node, path, today)
    return dates.get(name) or max(dates.values())


# --------------------------------------------------------------------- kinds of sources

KINDS = ("official", "press", "mirror")
KIND_WORDS = {"zh": {"official": "官方", "press": "媒体", "mirror": "转载/镜像"},
              "en": {"official": "official", "press": "press", "mirror": "mirror"}}


def source_kinds(path: str | Path, name: str) -> dict[str, dict[str, str]]:
    """The ``sources`` of raw file ``name`` in ``sources.yaml``: source_key → {kind, note}
    (empty when the entry lists none; the schema is checked at start-up)."""
    path = Path(path)
    data, _ = _load(path)
    entry = data.get(name) if isinstance(data, dict) else None
    listed = entry.get("sources") if isinstance(entry, dict) else None
    return dict(listed or {})


def check_kinds(df, path: str | Path, sources_path: str | Path, column: str = "source_key") -> dict[str, str]:
    """Every ``source_key`` the rows of ``path`` use has a kind in ``sources.yaml`` (under
    the file's entry, ``sources:``), and every source listed there is used by a row.
    Returns source_key → kind; an empty key (a fact not found) has no kind."""
    sources_path = Path(sources_path)
    name = Path(path).name
    kinds = source_kinds(sources_path, name)
    for key, spec in kinds.items():
        kind = spec.get("kind") if isinstance(spec, dict) else None
        if kind not in KINDS:
            _, node = _load(sources_path)
            raise InputError(sources_path, f"source '{key}' has kind {kind!r}; a kind is one of "
                                           f"{', '.join(KINDS)}",
                             line=yamlfiles.line_of(node, [name, "sources", key]),
                             key=f"{name}.sources.{key}")
    used = [k for k in df[column] if k]
    for row, key in df[column].items():
        if key and key not in kinds:
            raise InputError(path, f"source_key '{key}' has no kind: add it under '{name}: sources:' "
                                   f"in {sources_path} as '{key}: {{kind: official|press|mirror, "
                                   "note: …}}'", row=int(row), column=column)
    for key, spec in kinds.items():  # the other pages a source was read on
        pages = (spec.get("pages") or {}) if isinstance(spec, dict) else {}
        read = set(df.loc[df[column] == key, "source_url"]) if "source_url" in df else set()
        for url in sorted(set(pages) - read):
            _, node = _load(sources_path)
            raise InputError(sources_path, f"the page {url} of source '{key}' is listed under '{name}' "
                                           f"but no row of {name} with source_key '{key}' was read on it "
                                           "(source_url): delete it (or restore its rows)",
                             line=yamlfiles.line_of(node, [name, "sources", key, "pages", url]),
                             key=f"{name}.sources.{key}.pages")
    stale = sorted(set(kinds) - set(used))
    if stale:
        _, node = _load(sources_path)
        raise InputError(sources_path, f"the source '{stale[0]}' is listed under '{name}' but no row "
                                       f"of {name} uses it: delete it (or restore its rows)",
                         line=yamlfiles.line_of(node, [name, "sources", stale[0]]),
                         key=f"{name}.sources.{stale[0]}")
    return {k: v["kind"] for k, v in kinds.items()}


def row_kinds(df, kinds_by_key: dict[str, str], path_kinds: dict[str, dict]) -> list[str]:
    """The kind of the page each row of ``df`` was read on: its source's kind
    (``kinds_by_key``, from :func:`check_kinds`), or, when the source lists the
    row's ``source_url`` among its ``pages`` (one work read on more than one
    page, e.g. a report's figures in a press article and in a mirror), that
    page's kind. ``path_kinds`` is :func:`source_kinds` of the file."""
    urls = df["source_url"] if "source_url" in df else [""] * len(df)
    out = []
    for key, url in zip(df["source_key"], urls):
        pages = (path_kinds.get(key) or {}).get("pages") or {}
        out.append(pages[url]["kind"] if url in pages else kinds_by_key.get(key, ""))
    return out
