"""The README's "Extending" recipes, followed as a new user would, in a copy of
a built repository: a figure is one new file plus one line per language, a
value one declaration, a section one file per language; each builds both
editions (strictly) and shows up in them."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import _snakemake

FIGURE_MODULE = '''"""How many statistics the original paper states, by the section that states
them (an example figure added by the README's recipe)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.figures._common import FigureText, pick, sources
from analysis.figures._read import read_table
from analysis.plotting import new_figure

INPUTS = {"cited": "data/processed/cited_statistics.csv"}


def load(paths: Mapping[str, Any]) -> dict[str, Any]:
    return {"cited": read_table(paths["cited"], keep_default_na=False)}


def draw(cited, lang: str):
    counts = cited.groupby("section").size().sort_index()
    fig = new_figure(figsize=(5, 3))
    ax = fig.add_subplot()
    ax.bar(range(len(counts)), counts.values, gid="bars")
    ax.set_xticks(range(len(counts)), list(counts.index), rotation=90)
    ax.set_ylabel(pick(lang, "统计数据项数", "statistics"))
    n = int(counts.sum())
    caption = pick(lang, f"原论文各节陈述的统计数据（共{n}项）。", f"Statistics the original paper states, by section ({n} in all). ")
    return fig, FigureText(caption + sources(lang, ("原论文", "the original paper")),
                           pick(lang, f"柱状图：各节的统计数据项数，共{n}项。", f"Bar chart of statistics per section, {n} in all."))
'''

VALUE_DECLARATION = '''

@declare("demo", "cited")
def _demo(d: Data, lang: str) -> dict[str, Any]:
    """How many statistics the original paper states (an example added by the README's recipe)."""
    origin = Origin(id="count:demo_statistics", kind="count", row=SEED,
                    label=_pick(lang, "原论文的统计数据", "statistics of the original paper"))
    return {"statistics": Value(str(len(d.cited)), origin)}
'''


@pytest.mark.e2e
def test_a_figure_a_value_and_a_section_each_in_one_place(builds, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(builds["a"], repo, symlinks=True)
    # a figure: one module, one line per language
    (repo / "analysis/figures/demo_statistics.py").write_text(FIGURE_MODULE, encoding="utf-8")
    # a value: one declaration
    values = repo / "analysis/values.py"
    values.write_text(values.read_text(encoding="utf-8") + VALUE_DECLARATION, encoding="utf-8")
    # a section: one file per language, using the figure and the value
    (repo / "paper/sections/zh/10-demo.qmd").write_text(
        "# 示例 {#sec-demo}\n\n原论文共陈述{{< value demo.statistics >}}项统计数据（见图[-@fig-demo-statistics]）。\n\n"
        "{{< fig demo_statistics >}}\n", encoding="utf-8")
    (repo / "paper/sections/en/10-demo.qmd").write_text(
        "# Example {#sec-demo}\n\nThe original paper states {{< value demo.statistics >}} statistics "
        "(@fig-demo-statistics).\n\n{{< fig demo_statistics >}}\n", encoding="utf-8")

    proc = _snakemake(repo, quiet=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    n = str(len((repo / "data/processed/cited_statistics.csv").read_text(encoding="utf-8").splitlines()) - 1)
    for lang, heading in (("zh", "示例"), ("en", "Example")):
        html = (repo / f"paper/_output/paper-{lang}.html").read_text(encoding="utf-8")
        assert 'id="fig-demo-statistics"' in html and 'id="sec-demo"' in html and heading in html
        assert f'data-origin="count:demo_statistics">{n}</span>' in html
        assert (repo / f"figures/demo_statistics.{lang}.svg").stat().st_size > 5_000
        pdf = (repo / f"paper/_output/paper-{lang}.pdf").read_bytes()
        assert len(pdf) > 100_000
    # the figure was found by itself: its rule ran for it alone
    assert (repo / "logs/figure/demo_statistics.log").is_file()
