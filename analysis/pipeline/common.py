"""What several stages share: the data vintage."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def data_vintage(sources_yaml: str | Path) -> dt.date:
    """The latest retrieval date of any raw input (data/raw/sources.yaml, validated)."""
    from analysis import sources

    return sources.data_vintage(sources_yaml)


def vintage_timestamp(vintage: dt.date) -> int:
    """Midnight UTC of the vintage, as Unix seconds (the PDFs' creation time)."""
    return int(dt.datetime(vintage.year, vintage.month, vintage.day, tzinfo=dt.timezone.utc).timestamp())
