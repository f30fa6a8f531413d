"""Reading the processed tables the figure modules draw from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def read_series(path: str) -> Any:
    """``public_series.csv`` with ``use_in_model`` as a boolean."""
    import pandas as pd

    df = pd.read_csv(path, dtype={"period": str})
    df["use_in_model"] = df["use_in_model"].astype(str).str.lower().isin(["true", "yes", "1"])
    return df


def read_table(path: str, **kw) -> Any:
    """A processed table, periods and origins as text (2021Q3 is not a number)."""
    import pandas as pd

    return pd.read_csv(path, dtype={"period": str, "origin": str}, **kw)


def read_inputs(paths: Mapping[str, Any]) -> dict[str, Any]:
    """The default ``load`` of a figure module: every input read as it is, by its key
    (``public_series.csv`` with its booleans, any other table with text periods)."""
    from pathlib import Path

    return {key: read_series(path) if Path(path).name == "public_series.csv" else read_table(path)
            for key, path in paths.items()}


def fitted_from_card(card: Mapping[str, Any]) -> Any:
    """In-sample fitted values a model card records (none for a method without them)."""
    import pandas as pd

    rows = card.get("fitted") or card.get("diagnostics", {}).get("fitted") or []
    return pd.DataFrame(rows, columns=["period", "yhat"]).astype({"period": str, "yhat": float})
