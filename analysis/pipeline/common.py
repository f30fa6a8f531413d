"""What several stages share: the data vintage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def data_vintage(sources_yaml: str | Path) -> dt.date:
    """The latest retrieval date of any raw input (data/raw/sources.yaml)."""
    import yaml

    meta = yaml.safe_load(Path(sources_yaml).read_text(encoding="utf-8"))
    dates = []
    for name, entry in meta.items():
        value = entry.get("retrieved") if isinstance(entry, dict) else None
        if value is None:
            raise ValueError(f"{sources_yaml}: '{name}' has no 'retrieved' date")
        dates.append(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
    return max(dates)


def vintage_timestamp(vintage: dt.date) -> int:
    """Midnight UTC of the vintage, as Unix seconds (the PDFs' creation time)."""
    return int(dt.datetime(vintage.year, vintage.month, vintage.day, tzinfo=dt.timezone.utc).timestamp())
