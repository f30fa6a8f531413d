"""The ``models`` section of the config checked against the registry, so a
typo or a model in the wrong list stops the build with the key to fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.errors import InputError
from analysis.models._registry import ModelInfo
from analysis.models._scenarios import SCENARIOS

CONFIG_FILE = "config/config.yaml"


def check(cfg: Mapping[str, Any], registry: Mapping[str, ModelInfo]) -> None:
    """Every configured name is registered, of the right kind, and aggregates name their source."""
    def fail(key: str, msg: str) -> None:
        raise InputError(CONFIG_FILE, f"models.{key}: {msg}")

    for rule in cfg["scenarios"]:
        if rule not in SCENARIOS:
            fail("scenarios", f"unknown scenario rule '{rule}' (known: {', '.join(SCENARIOS)})")
    series = cfg["series"]
    for sid, s in series.items():
        for key, kinds in (("benchmarks", ("benchmark",)), ("candidates", ("model", "aggregate"))):
            for name in s[key]:
                if name not in registry:
                    fail(f"series.{sid}.{key}", f"unknown model '{name}' (registered: {', '.join(registry)})")
                if registry[name].kind not in kinds:
                    fail(f"series.{sid}.{key}", f"'{name}' is a {registry[name].kind}, not a {' or '.join(kinds)}")
        aggregates = [n for n in s["candidates"] if registry[n].kind == "aggregate"]
        if aggregates and s.get("sum_of") not in series:
            fail(f"series.{sid}.sum_of", f"{aggregates[0]} needs 'sum_of', the id of another configured series")
        if s.get("sum_of") and not aggregates:
            fail(f"series.{sid}.sum_of", "given, but no aggregate (e.g. sum_of_quarters) among the candidates")
        if (s["benchmarks"] or s["candidates"]) and not {"min_train", "max_horizon"} <= set(s):
            fail(f"series.{sid}", "a series with models needs min_train and max_horizon for its backtest")


def check_frequency(sid: str, freq: str, names: list[str], registry: Mapping[str, ModelInfo]) -> None:
    """Each configured model handles the series' frequency (known once the series is loaded)."""
    for name in names:
        if freq not in registry[name].freqs:
            raise InputError(CONFIG_FILE, f"models.series.{sid}: '{name}' handles frequencies "
                                          f"{'/'.join(registry[name].freqs)}, the series is {freq}")
