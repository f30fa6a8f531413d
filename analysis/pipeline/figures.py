"""Processed tables → one figure in both languages, with captions and alt text.

The one step behind every figure rule: it loads the figure module's inputs,
draws each language with the module's pure ``draw`` (inside
:func:`analysis.plotting.figure_context`), saves both SVGs and writes
``<name>.text.yml`` with the captions, the alt texts and the data files it was
drawn from (its provenance line in the paper).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from analysis import fileio

log = logging.getLogger(__name__)


def make_figure(name: str, inp: Mapping[str, Any], out: Mapping[str, str], log_path: str,
                fonts: Mapping[str, str], langs: tuple[str, ...]) -> None:
    from analysis import figures, joblog, plotting

    outputs = list(out.values()) if isinstance(out, dict) else list(out)
    with joblog.job_log(log_path, f"figure[{name}]", outputs) as jlog:
        fig_module = figures.module(name)
        data = figures.loader(name)({key: inp[key] for key in figures.declaration(name)["inputs"]})
        texts: dict[str, Any] = {}
        for lang in langs:
            with plotting.figure_context(lang, fonts):
                fig, text = fig_module.draw(**data, lang=lang)
                plotting.save(fig, out[lang])
            texts[lang] = {"caption": text.caption, "alt": text.alt}
            jlog.info("%s: wrote %s", name, out[lang])
        files: list[str] = []
        for key in figures.declaration(name)["inputs"]:
            value = inp[key]
            files += [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]
        texts["data"] = sorted({f for f in files if f.startswith("data/")})
        texts["code"] = f"analysis/figures/{name}.py"
        fileio.write_yaml(out["text"], texts)
