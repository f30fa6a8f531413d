"""Every page a data row was read on has a kind (official, press or mirror) in
data/raw/sources.yaml; the build carries it into the processed tables, the
data-sources table of the appendix shows it, and the methods can count it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import paper_tables, sources, startup
from analysis.errors import InputError
from analysis.pipeline import data as step

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
BIB = ROOT / "paper" / "references.bib"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path / "raw"


def _inputs(raw: Path, name: str) -> dict[str, str]:
    return {"raw": str(raw / name), "bib": str(BIB), "sources": str(raw / "sources.yaml")}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _entry_line(raw: Path, key: str) -> str:
    return next(line for line in (raw / "sources.yaml").read_text(encoding="utf-8").splitlines()
                if line.strip().startswith(f"{key}:"))


@pytest.mark.parametrize("name,step_fn", [("public_series.csv", step.public_series),
                                          ("reference_facts.csv", step.reference_facts)])
def test_every_source_has_a_kind_in_the_processed_table(raw: Path, tmp_path: Path, name, step_fn):
    out = tmp_path / name
    step_fn(_inputs(raw, name), str(out))
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns).index("source_kind") == list(df.columns).index("source_key") + 1
    found = df[df["source_key"] != ""]
    assert set(found["source_kind"]) <= set(sources.KINDS) and (found["source_kind"] != "").all()
    assert (df.loc[df["source_key"] == "", "source_kind"] == "").all()


def test_a_work_read_on_two_pages_gives_each_row_its_page_kind(raw: Path, tmp_path: Path):
    """One reference (the 46th CNNIC report), two pages: the users from Global
    Times (press), the penetration rate from a mirror (its ``pages``)."""
    out = tmp_path / "public_series.csv"
    step.public_series(_inputs(raw, "public_series.csv"), str(out))
    df = pd.read_csv(out, keep_default_na=False)
    rows = df[df["source_key"] == "cnnic2020report46"].set_index("series_id")["source_kind"]
    assert rows.to_dict() == {"cnnic_internet_penetration": "mirror", "cnnic_internet_users": "press"}
    mirror = "http://m.yinlong168.com/politics/2020-09/29/c_1126559666.htm"
    _edit(raw / "public_series.csv", mirror, "https://www.globaltimes.cn/content/1202453.shtml")
    with pytest.raises(InputError) as info:
        step.public_series(_inputs(raw, "public_series.csv"), str(out))
    assert f"the page {mirror} of source 'cnnic2020report46'" in str(info.value)
    assert info.value.key == "public_series.csv.sources.cnnic2020report46.pages"


def test_a_source_without_a_kind_names_the_row(raw: Path, tmp_path: Path):
    line = _entry_line(raw, "kuaishou2022q3results")
    _edit(raw / "sources.yaml", line + "\n", "")
    with pytest.raises(InputError) as info:
        step.public_series(_inputs(raw, "public_series.csv"), str(tmp_path / "out.csv"))
    message = str(info.value)
    assert message.startswith(str(raw / "public_series.csv")), message
    assert "source_key 'kuaishou2022q3results' has no kind" in message and "column 'source_key'" in message
    assert not (tmp_path / "out.csv").exists()


def test_a_kind_no_row_uses_is_named_by_line(raw: Path, tmp_path: Path):
    line = _entry_line(raw, "kuaishou2022q3results")
    _edit(raw / "sources.yaml", line + "\n", line + "\n" + line.replace("kuaishou2022q3results", "nosuchsource")
          + "\n")
    with pytest.raises(InputError) as info:
        step.public_series(_inputs(raw, "public_series.csv"), str(tmp_path / "out.csv"))
    assert "'nosuchsource' is listed under 'public_series.csv' but no row" in str(info.value)
    assert info.value.key == "public_series.csv.sources.nosuchsource" and info.value.line


@pytest.mark.parametrize("old,new,fragment", [
    ("{kind: mirror,", "{kind: blog,", "'blog' is not one of ['official', 'press', 'mirror']"),
    ("{kind: mirror, note: ", "{kind: mirror, nota: ", "unknown key 'nota'"),
])
def test_a_bad_kind_stops_the_start_up_check(raw: Path, old, new, fragment):
    _edit(raw / "sources.yaml", old, new)
    with pytest.raises(InputError) as info:
        startup.check_sources(raw / "sources.yaml")
    assert fragment in str(info.value), str(info.value)
    assert ".sources." in (info.value.key or "")


def test_shipped_kinds_pass_and_are_complete(raw: Path):
    """The shipped file validates, and every source_key of both tables has a kind."""
    startup.check_sources(raw / "sources.yaml")
    for name in ("public_series.csv", "reference_facts.csv"):
        kinds = sources.source_kinds(raw / "sources.yaml", name)
        used = {k for k in pd.read_csv(raw / name, dtype=str, keep_default_na=False, comment="#")["source_key"] if k}
        assert used == set(kinds), name
        for key, spec in kinds.items():
            assert spec["kind"] in sources.KINDS and spec["note"].strip(), key


def test_data_sources_table_groups_citations_by_kind():
    rows = pd.DataFrame({"series_id": ["nbs_total_retail_sales"] * 3, "period": ["2021", "2022", "2023"],
                         "status": ["official"] * 3, "source_key": ["b", "a", "c"],
                         "source_kind": ["press", "official", "mirror"], "use_in_model": [True] * 3})
    zh, en = (paper_tables.data_sources_table(rows, lang) for lang in ("zh", "en"))
    assert "official [@a]; press [@b]; mirror [@c]" in en
    assert "官方 [@a]；媒体 [@b]；转载/镜像 [@c]" in zh
    with pytest.raises(ValueError, match="unknown source kind"):
        paper_tables.data_sources_table(rows.assign(source_kind=["press", "official", "blog"]), "en")


def test_data_sources_table_says_which_rows_only_cross_check():
    """20 rows for 19 quarters: a second source's copy of a quarter is a row, not an observation."""
    rows = pd.DataFrame({"series_id": ["nbs_total_retail_sales"] * 3, "period": ["2021", "2022", "2022"],
                         "status": ["official"] * 3, "source_key": ["a", "a", "b"],
                         "source_kind": ["official"] * 3, "use_in_model": [True, True, False]})
    assert "| 3 (2 used) |" in paper_tables.data_sources_table(rows, "en")
    assert "| 3（用于分析 2） |" in paper_tables.data_sources_table(rows, "zh")
    assert "| 2 |" in paper_tables.data_sources_table(rows[rows["use_in_model"]], "en")


def test_kind_counts_are_declared_values(builds):
    """The methods can print how many sources of each kind the data rest on (read from the
    tables of the session's clean build, so that a fresh clone runs it too)."""
    from analysis import values

    paths = {k: str(builds["a"] / v) for k, v in values.INPUTS.items()}
    data = values.Data(paths)
    decl = next(d for d in values.REGISTRY if d.family == "count")
    out = decl.make(data, "en")
    n = {k: int(out[k].text) for k in ("sources", "sources_official", "sources_press", "sources_mirror")}
    assert n["sources"] == n["sources_official"] + n["sources_press"] + n["sources_mirror"] > 0
    assert re.fullmatch(r"\d+", out["source_rows_mirror"].text)
