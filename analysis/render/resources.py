"""Where the vendored Quarto 1.10.18 pieces live, and the facts read off them.

Quarto's TypeScript sorts every option into buckets (pandoc, render, execute,
language, metadata) by lists in ``src/config/constants.ts``. Those lists are
read from the vendored file itself, not retyped, so the driver sorts options
exactly as the pinned Quarto does.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

QUARTO_VERSION = "1.10.18"
VENDOR = Path(__file__).resolve().parents[2] / "vendor" / f"quarto-{QUARTO_VERSION}"
RESOURCES = VENDOR / "src" / "resources"   # what Quarto calls resourcePath()


def resource(*parts: str) -> Path:
    """A path under Quarto's ``src/resources`` (its ``QUARTO_SHARE_PATH``)."""
    return RESOURCES.joinpath(*parts)


KEY_LISTS = ("kIdentifierDefaultsKeys", "kExecuteDefaultsKeys", "kRenderDefaultsKeys",
             "kLanguageDefaultsKeys", "kPandocDefaultsKeys")


@cache
def constants() -> dict[str, object]:
    """The string constants and key lists of Quarto's ``constants.ts``."""
    text = (VENDOR / "src" / "config" / "constants.ts").read_text(encoding="utf-8")
    strings = dict(re.findall(r'^export const (k\w+) =\s*"([^"]*)";', text, re.M))
    out: dict[str, object] = dict(strings)
    for name in KEY_LISTS:
        m = re.search(rf"^export const {name} = \[(.*?)^\];", text, re.M | re.S)
        if not m:
            raise RuntimeError(f"{name} not found in the vendored constants.ts")
        body = re.sub(r"//[^\n]*", "", m.group(1))
        items = []
        for token in (t.strip() for t in body.split(",")):
            if not token:
                continue
            if token.startswith('"'):
                items.append(token.strip('"'))
            elif token in strings:
                items.append(strings[token])
            else:
                raise RuntimeError(f"{name}: cannot resolve {token!r} in constants.ts")
        out[name] = items
    return out


def key_list(name: str) -> list[str]:
    value = constants()[name]
    assert isinstance(value, list)
    return value
