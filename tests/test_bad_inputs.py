"""The bad-input suite: bad input stops the build with an InputError that names
file, row and column (YAML files: file, line and key); harmless edits do not.

Each case writes a corrupted copy of a real input file into tmp_path (the real
files are only read), runs the pipeline step that consumes it and checks:

* ``InputError`` is raised;
* the message starts with the path of the file to fix and names the data row
  (``row N (line M)``, 1-based, header excluded; M counts comment lines) and the
  column where they apply, and explains the problem;
* no processed output is left behind (neither the file nor a ``.part``).

Expected rows of edited cells are looked up in the unmodified file by key
(``At``), independently of the code under test. ``HARMLESS`` edits (column
order, blank lines at the end, comments, padded cells) must give the same bytes
as the unmodified file; ``YAML_CASES`` corrupt ``sources.yaml`` and
``config.yaml``. Faults of the workflow itself (missing outputs, killed builds)
are in test_faults.py.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.errors import InputError
from analysis.pipeline import data as step

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
BIB = ROOT / "paper" / "references.bib"

C = "cited_statistics.csv"
R = "period_resolutions.csv"
D = "derived_statistics.csv"
T = "timeline_events.csv"
S = "public_series.csv"
F = "reference_facts.csv"
E = "expected_audit.csv"
BIBFILE = "references.bib"
EXPECTED = ROOT / "data" / E


class _Original(dict):
    """The real file each copy in the work folder is made from."""

    def __missing__(self, name: str) -> Path:
        return RAW / name


ORIGINAL = _Original({E: EXPECTED, BIBFILE: BIB})

STEP_OF = {C: "cited", R: "cited", D: "cited", T: "timeline", S: "series", BIBFILE: "series",
           F: "facts", E: "audit"}
OUTPUT_OF = {"cited": "cited_statistics.csv", "timeline": "timeline.csv",
             "series": "public_series.csv", "facts": "reference_facts.csv", "audit": "audit.csv"}


# --------------------------------------------------------------------------- helpers

@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A private copy of data/raw, data/expected_audit.csv and paper/references.bib."""
    shutil.copytree(RAW, tmp_path / "raw")
    shutil.copy(BIB, tmp_path / "raw" / BIBFILE)
    shutil.copy(EXPECTED, tmp_path / "raw" / E)
    return tmp_path


def inputs(stage: str, raw: Path) -> dict[str, str]:
    sources = {"sources": str(raw / "sources.yaml")}
    if stage == "cited":
        return {"raw": str(raw / C), "resolutions": str(raw / R), "derived": str(raw / D),
                "seed": str(raw / "seed_paper.zh.txt"), **sources}
    if stage == "timeline":
        return {"raw": str(raw / T), "seed": str(raw / "seed_paper.zh.txt"), **sources}
    if stage == "facts":
        return {"raw": str(raw / F), "bib": str(raw / BIBFILE), **sources}
    return {"raw": str(raw / S), "bib": str(raw / BIBFILE), **sources}


def run(stage: str, work: Path) -> Path:
    out = work / "processed" / OUTPUT_OF[stage]
    if stage == "audit":
        processed = {key: str(run(s, work)) for key, s in
                     [("cited", "cited"), ("timeline", "timeline"), ("series", "series"),
                      ("facts", "facts")]}
        step.consistency_audit({**processed, "expected": str(work / "raw" / E)}, str(out))
        return out
    fn = {"cited": step.cited_statistics, "timeline": step.timeline,
          "series": step.public_series, "facts": step.reference_facts}[stage]
    fn(inputs(stage, work / "raw"), str(out))
    return out


def rows_of(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data records (comment lines left out)."""
    with path.open(encoding="utf-8", newline="") as f:
        records = [r for r in csv.reader(f) if not (r and r[0].startswith("#"))]
    return records[0], records[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@dataclass(frozen=True)
class At:
    """The 1-based data row of the REAL raw ``file`` whose cells match ``match``."""

    file: str
    match: tuple[tuple[str, str], ...]

    def resolve(self) -> int:
        header, rows = rows_of(ORIGINAL[self.file])
        hits = [i for i, r in enumerate(rows, start=1)
                if all(r[header.index(k)] == v for k, v in self.match)]
        assert len(hits) == 1, (self, hits)
        return hits[0]


def at(file: str, **match: str) -> At:
    return At(file, tuple(match.items()))


Mutation = Callable[[Path], None]


def replace(old: str, new: str) -> Mutation:
    def mutate(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return mutate


def set_cell(column: str, value: str, **match: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        hits = [r for r in rows if all(r[header.index(k)] == v for k, v in match.items())]
        assert len(hits) == 1, (match, len(hits))
        assert hits[0][header.index(column)] != value, "the corruption must change the cell"
        hits[0][header.index(column)] = value
        write_rows(path, header, rows)
    return mutate


def drop_column(column: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        i = header.index(column)
        write_rows(path, header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows])
    return mutate


def add_column(column: str, value: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        write_rows(path, header + [column], [r + [value] for r in rows])
    return mutate


def rename_column(old: str, new: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        header[header.index(old)] = new
        write_rows(path, header, rows)
    return mutate


def drop_row(**match: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        kept = [r for r in rows if not all(r[header.index(k)] == v for k, v in match.items())]
        assert len(kept) == len(rows) - 1
        write_rows(path, header, kept)
    return mutate


def append_row(*cells: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        assert len(cells) == len(header)
        write_rows(path, header, rows + [list(cells)])
    return mutate


def duplicate_row(**match: str) -> Mutation:
    """Repeat the matching row right after itself."""
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        i = next(i for i, r in enumerate(rows) if all(r[header.index(k)] == v
                                                      for k, v in match.items()))
        rows.insert(i + 1, list(rows[i]))
        write_rows(path, header, rows)
    return mutate


def insert_line(before_row: int, line: str) -> Mutation:
    """Insert a physical line so that it becomes data row ``before_row``."""
    def mutate(path: Path) -> None:
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(before_row, line)
        path.write_text("\n".join(lines), encoding="utf-8")
    return mutate


def write_text(text: str) -> Mutation:
    return lambda path: path.write_text(text, encoding="utf-8")


def header_only(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")


def encode_all(encoding: str) -> Mutation:
    def mutate(path: Path) -> None:
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return mutate


def encode_one_line(key: str, encoding: str) -> Mutation:
    """Re-encode the one line starting with ``key,`` (the rest stays UTF-8)."""
    def mutate(path: Path) -> None:
        lines = path.read_text(encoding="utf-8").split("\n")
        hits = [i for i, line in enumerate(lines) if line.startswith(key + ",")]
        assert len(hits) == 1
        data = b"\n".join(line.encode(encoding if i == hits[0] else "utf-8")
                          for i, line in enumerate(lines))
        path.write_bytes(data)
    return mutate


def encode_header_gbk(column: str, name: str) -> Mutation:
    """Rename a header column to a Chinese name saved as GBK (the header is line 1)."""
    def mutate(path: Path) -> None:
        data = path.read_bytes()
        head, rest = data.split(b"\n", 1)
        assert head.endswith(column.encode())
        path.write_bytes(head[: -len(column)] + name.encode("gbk") + b"\n" + rest)
    return mutate


def remove_bib_entry(key: str) -> Mutation:
    def mutate(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        marker = "{" + key + ","
        assert text.count(marker) == 1
        path.write_text(text.replace(marker, "{" + key + "_removed,"), encoding="utf-8")
    return mutate


# --------------------------------------------------------------------------- the cases

@dataclass(frozen=True)
class Case:
    id: str
    edit: str                 # the file that is corrupted
    mutate: Mutation
    fragment: str             # part of the explanation
    row: int | At | None = None
    column: str | None = None
    blame: str | None = None  # the file the error must name (default: the edited one)
    lines_before: int = 0     # lines inserted above the row (comments): its line moves down
    stage: str | None = None  # the step to run (default: the one that reads the edited file)


COUPON = at(C, stat_id="douyin_pay_coupon_value")

CASES = [
    # ---- malformed CSV -------------------------------------------------------------
    Case("unbalanced_quote", C,
         replace("douyin_pay_coupon_value,2.3.1,翻卡抽88元优惠券",
                 'douyin_pay_coupon_value,2.3.1,"翻卡抽88元优惠券'),
         "malformed CSV", COUPON),
    Case("unclosed_quote_at_end_of_row", C,
         replace("are encoded, not printed.\"\ndouyin_pay_fund_loss_risk_events_2023",
                 "are encoded, not printed.\ndouyin_pay_fund_loss_risk_events_2023"),
         "malformed CSV", at(C, stat_id="douyin_pay_account_leak_risk_events_2023")),
    Case("extra_field", C,
         replace("douyin_pay_coupon_value,2.3.1,", "douyin_pay_coupon_value,2.3.1,2.3.1,"),
         "15 fields where the header has 14", COUPON),
    Case("missing_field", C,
         replace("Douyin Pay card-flip lottery coupon value,none,\n",
                 "Douyin Pay card-flip lottery coupon value,none\n"),
         "13 fields where the header has 14", COUPON),
    Case("extra_field_timeline", T,
         replace("hezhong_yibao_founded,2012年11月,", "hezhong_yibao_founded,2012年11月,x,"),
         "malformed CSV", at(T, event_id="hezhong_yibao_founded")),
    Case("extra_field_public_series", S,
         replace("cnnic_internet_users,CNNIC,2023-06,10.79,",
                 "cnnic_internet_users,CNNIC,2023-06,10.79,10.79,"),
         "malformed CSV", at(S, series_id="cnnic_internet_users", period="2023-06")),
    # ---- encoding, empty files ---------------------------------------------------
    Case("gbk_file", C, encode_all("gbk"), "not valid UTF-8", 1),
    Case("gbk_in_header", C, encode_header_gbk("note", "备注"), "not valid UTF-8 at byte"),
    Case("gbk_one_row", C, encode_one_line("douyin_pay_coupon_value", "gbk"),
         "not valid UTF-8", COUPON),
    Case("empty_file", C, write_text(""), "the file is empty"),
    Case("whitespace_only_file", T, write_text("\n  \n"), "the file is empty"),
    Case("empty_resolutions", R, write_text(""), "the file is empty"),
    Case("bom_only_file", D, lambda path: path.write_bytes(b"\xef\xbb\xbf"),
         "no header row"),
    Case("unbalanced_quote_in_header", T,
         replace("event_id,date_printed,", 'event_id,"date_printed,'), "malformed CSV"),
    Case("header_only", C, header_only, "header but no data rows"),
    Case("header_only_public_series", S, header_only, "header but no data rows"),
    # ---- columns -----------------------------------------------------------------
    Case("missing_column", C, drop_column("label_en"), "missing column", None, "label_en"),
    Case("missing_column_derived", D, drop_column("unit_std"), "missing column", None,
         "unit_std"),
    Case("missing_column_public_series", S, drop_column("source_key"), "missing column",
         None, "source_key"),
    Case("unexpected_column", C, add_column("comment", "x"), "unexpected column", None,
         "comment"),
    Case("unexpected_column_timeline", T, add_column("date_start", ""), "unexpected column",
         None, "date_start"),
    Case("duplicate_column", C, rename_column("note", "section"), "duplicate column", None,
         "section"),
    # ---- rows and ids --------------------------------------------------------------
    Case("blank_line_in_the_middle", C, insert_line(6, ""), "blank line", 6),
    Case("blank_line_public_series", S, insert_line(40, ""), "blank line", 40),
    Case("duplicate_stat_id", C,
         set_cell("stat_id", "douyin_pay_fast_pay_goods_price_limit",
                  stat_id="douyin_pay_fast_pay_order_limit"),
         "uniqueness", at(C, stat_id="douyin_pay_fast_pay_goods_price_limit"), "stat_id"),
    Case("bad_id_characters", C,
         set_cell("stat_id", "Douyin-Pay coupon", stat_id="douyin_pay_coupon_value"),
         "snake_case", COUPON, "stat_id"),
    Case("non_ascii_id", C,
         set_cell("stat_id", "抖音_dau", stat_id="douyin_dau"),
         "snake_case", at(C, stat_id="douyin_dau"), "stat_id"),
    Case("bad_section", C,
         set_cell("section", "2.2.x", stat_id="nbs_online_retail_2023"),
         "section must be", at(C, stat_id="nbs_online_retail_2023"), "section"),
    # ---- values, units, qualifiers -----------------------------------------------
    Case("unknown_unit", C,
         set_cell("unit_printed", "兆元", stat_id="nbs_online_retail_2023"),
         "unknown unit", at(C, stat_id="nbs_online_retail_2023"), "unit_printed"),
    Case("unknown_qualifier", C,
         set_cell("qualifier_printed", "大约", stat_id="douyin_ecommerce_gmv_cny_last_year"),
         "unknown qualifier", at(C, stat_id="douyin_ecommerce_gmv_cny_last_year"),
         "qualifier_printed"),
    Case("text_in_number", C,
         set_cell("value_printed", "abc", stat_id="nbs_online_retail_2023"),
         "value must be a number", at(C, stat_id="nbs_online_retail_2023"), "value_printed"),
    Case("number_with_thousands_separator", C,
         set_cell("value_printed", "46,098", stat_id="hezhong_yibao_complaints_total"),
         "value must be a number", at(C, stat_id="hezhong_yibao_complaints_total"),
         "value_printed"),
    Case("negative_amount", C,
         set_cell("value_printed", "-16", stat_id="kuaishou_payment_fees_2021"),
         "must not be negative", at(C, stat_id="kuaishou_payment_fees_2021"),
         "value_printed"),
    Case("negative_count", C,
         set_cell("value_printed", "-24", stat_id="douyin_pay_fund_loss_risk_events_2023"),
         "must not be negative", at(C, stat_id="douyin_pay_fund_loss_risk_events_2023"),
         "value_printed"),
    Case("percentage_over_100", C,
         set_cell("value_printed", "111.0", stat_id="nbs_online_retail_growth_2023"),
         "within 0-100", at(C, stat_id="nbs_online_retail_growth_2023"), "value_printed"),
    Case("empty_quote", C,
         set_cell("quote_zh", "", stat_id="nbs_online_retail_growth_2023"),
         "must not be empty", at(C, stat_id="nbs_online_retail_growth_2023"), "quote_zh"),
    Case("quote_not_in_seed", C,
         set_cell("quote_zh", "同比增长11.5%", stat_id="nbs_online_retail_growth_2023"),
         "quote not found in the seed", at(C, stat_id="nbs_online_retail_growth_2023"),
         "quote_zh"),
    Case("empty_source_given", C,
         set_cell("source_given", "", stat_id="nbs_online_retail_growth_2023"),
         "must not be empty", at(C, stat_id="nbs_online_retail_growth_2023"), "source_given"),
    # ---- periods -------------------------------------------------------------------
    Case("impossible_date_in_period", C,
         set_cell("period", "2023-02-30", stat_id="cnnic_internet_users_2023_06"),
         "real date", at(C, stat_id="cnnic_internet_users_2023_06"), "period"),
    Case("impossible_month_in_period", C,
         set_cell("period", "2023-13", stat_id="cnnic_internet_users_2023_06"),
         "real date", at(C, stat_id="cnnic_internet_users_2023_06"), "period"),
    Case("bad_period_shape", C,
         set_cell("period", "2022-Q3", stat_id="kuaishou_payment_fees_2022q3"),
         "period must be ISO", at(C, stat_id="kuaishou_payment_fees_2022q3"), "period"),
    Case("reversed_period_range", C,
         set_cell("period", "2023/2004", stat_id="nbs_online_retail_2023"),
         "period must be ISO", at(C, stat_id="nbs_online_retail_2023"),
         "period"),
    Case("period_disagrees_with_printed", C,
         set_cell("period", "2022Q2", stat_id="kuaishou_payment_fees_2022q3"),
         "disagrees with the printed", at(C, stat_id="kuaishou_payment_fees_2022q3"),
         "period"),
    Case("relative_period_without_resolution", R,
         drop_row(stat_id="kuaishou_payment_fees_2021"),
         "needs a row in period_resolutions.csv", at(C, stat_id="kuaishou_payment_fees_2021"),
         "period", blame=C),
    Case("resolution_for_unknown_stat_id", R,
         append_row("ghost_statistic", "2022", "some evidence", "paper"),
         "unknown stat_id 'ghost_statistic'", 10, "stat_id"),
    Case("resolution_with_impossible_period", R,
         set_cell("period", "2020-13", stat_id="douyin_dau"),
         "real date", at(R, stat_id="douyin_dau"), "period"),
    Case("resolution_twice_for_one_stat_id", R, duplicate_row(stat_id="douyin_dau"),
         "uniqueness", at(R, stat_id="douyin_dau"), "stat_id"),
    Case("resolution_without_evidence", R,
         set_cell("evidence", "", stat_id="douyin_dau"),
         "must not be empty", at(R, stat_id="douyin_dau"), "evidence"),
    # ---- derived statistics ------------------------------------------------------
    Case("formula_unknown_stat_id", D,
         set_cell("formula", "kuaishou_payment_fees_2019 - kuaishou_payment_fees_increase_2021_vs_2020",
                  stat_id="kuaishou_payment_fees_2020"),
         "unknown stat_id(s): kuaishou_payment_fees_2019",
         at(D, stat_id="kuaishou_payment_fees_2020"), "formula"),
    Case("formula_syntax_error", D,
         set_cell("formula", "kuaishou_payment_fees_2021 - * kuaishou_payment_fees_increase_2021_vs_2020",
                  stat_id="kuaishou_payment_fees_2020"),
         "cannot evaluate formula", at(D, stat_id="kuaishou_payment_fees_2020"), "formula"),
    Case("formula_gives_negative_amount", D,
         set_cell("formula", "kuaishou_payment_fees_increase_2021_vs_2020 - kuaishou_payment_fees_2021",
                  stat_id="kuaishou_payment_fees_2020"),
         "must not be negative", at(D, stat_id="kuaishou_payment_fees_2020"), "formula"),
    Case("derived_unknown_unit_std", D,
         set_cell("unit_std", "EUR", stat_id="kuaishou_payment_fees_2021q3"),
         "unknown unit_std", at(D, stat_id="kuaishou_payment_fees_2021q3"), "unit_std"),
    Case("derived_unknown_qualifier", D,
         set_cell("qualifier", "roughly", stat_id="kuaishou_payment_fees_2021q3"),
         "unknown qualifier", at(D, stat_id="kuaishou_payment_fees_2021q3"), "qualifier"),
    Case("derived_impossible_period", D,
         set_cell("period", "2021Q5", stat_id="kuaishou_payment_fees_2021q3"),
         "period must be", at(D, stat_id="kuaishou_payment_fees_2021q3"), "period"),
    Case("derived_id_clashes_with_raw_id", D,
         set_cell("stat_id", "douyin_dau", stat_id="hezhong_yibao_complaints_rank"),
         "already defined", at(D, stat_id="hezhong_yibao_complaints_rank"), "stat_id"),
    # ---- timeline ------------------------------------------------------------------
    Case("timeline_precision_mismatch", T,
         set_cell("precision", "day", event_id="hezhong_yibao_founded"),
         "month-precise", at(T, event_id="hezhong_yibao_founded"), "precision"),
    Case("timeline_unknown_precision", T,
         set_cell("precision", "week", event_id="hezhong_yibao_founded"),
         "precision must be", at(T, event_id="hezhong_yibao_founded"), "precision"),
    Case("timeline_date_disagrees_with_printed", T,
         set_cell("date", "2012-10", event_id="hezhong_yibao_founded"),
         "disagrees with the printed", at(T, event_id="hezhong_yibao_founded"), "date"),
    Case("timeline_impossible_date", T,
         set_cell("date", "2021-02-30", event_id="pipl_adopted"),
         "real date", at(T, event_id="pipl_adopted"), "date"),
    Case("timeline_date_end_before_date", T,
         set_cell("date_end", "2017", event_id="douyin_taobao_link"),
         "date_end is before date", at(T, event_id="douyin_taobao_link"), "date_end"),
    Case("timeline_date_end_disagrees_with_printed", T,
         set_cell("date_end", "2022", event_id="nrta_av_14th_fyp_development_plan"),
         "disagrees with the printed", at(T, event_id="nrta_av_14th_fyp_development_plan"),
         "date_end"),
    Case("timeline_duplicate_event_id", T,
         set_cell("event_id", "pipl_adopted", event_id="pipl_effective"),
         "uniqueness", at(T, event_id="pipl_adopted"), "event_id"),
    Case("timeline_quote_not_in_seed", T,
         set_cell("quote_zh", "2012年12月合众易宝成立", event_id="hezhong_yibao_founded"),
         "quote not found in the seed", at(T, event_id="hezhong_yibao_founded"), "quote_zh"),
    # ---- public series -------------------------------------------------------------
    Case("series_source_key_not_in_bib", S,
         set_cell("source_key", "cnnic2016report99", series_id="cnnic_internet_users",
                  period="2016-06"),
         "no entry in paper/references.bib",
         at(S, series_id="cnnic_internet_users", period="2016-06"), "source_key"),
    Case("series_bib_entry_removed", BIBFILE, remove_bib_entry("cnnic2016report37"),
         "no entry in paper/references.bib",
         at(S, series_id="cnnic_internet_penetration", period="2015-12"), "source_key",
         blame=S),
    Case("series_bad_status", S,
         set_cell("status", "officious", series_id="cnnic_internet_penetration",
                  period="2016-06"),
         "status must be official or media_estimate",
         at(S, series_id="cnnic_internet_penetration", period="2016-06"), "status"),
    Case("series_non_numeric_value", S,
         set_cell("value", "51.7%", series_id="cnnic_internet_penetration", period="2016-06"),
         "value must be a plain number",
         at(S, series_id="cnnic_internet_penetration", period="2016-06"), "value"),
    Case("series_chinese_numeral_value", S,
         set_cell("value", "七", series_id="cnnic_internet_users", period="2016-06"),
         "value must be a plain number",
         at(S, series_id="cnnic_internet_users", period="2016-06"), "value"),
    Case("series_negative_amount", S,
         set_cell("value", "-7.10", series_id="cnnic_internet_users", period="2016-06"),
         "must not be negative",
         at(S, series_id="cnnic_internet_users", period="2016-06"), "value"),
    Case("series_two_model_rows", S,
         duplicate_row(series_id="cnnic_internet_penetration", period="2016-06"),
         "mark exactly one",
         at(S, series_id="cnnic_internet_penetration", period="2016-06").resolve() + 1,
         "use_in_model"),
    Case("series_bad_url", S,
         set_cell("source_url", "www.kmw.com/news/12165.html",
                  series_id="cnnic_internet_penetration", period="2016-06"),
         "http(s) address", at(S, series_id="cnnic_internet_penetration", period="2016-06"),
         "source_url"),
    Case("series_bad_period", S,
         set_cell("period", "2016-6", series_id="cnnic_internet_penetration", period="2016-06"),
         "period must be ISO",
         at(S, series_id="cnnic_internet_penetration", period="2016-06"), "period"),
    Case("series_unknown_unit", S,
         set_cell("unit", "亿户", series_id="cnnic_internet_users", period="2016-06"),
         "unknown unit", at(S, series_id="cnnic_internet_users", period="2016-06"), "unit"),
    Case("series_bad_use_in_model", S,
         set_cell("use_in_model", "true", series_id="cnnic_internet_users", period="2016-06"),
         "use_in_model must be yes or no",
         at(S, series_id="cnnic_internet_users", period="2016-06"), "use_in_model"),
    # ---- full-width digits (they looked valid and crashed the audit) ---------------
    Case("series_full_width_year", S,
         set_cell("period", "２０２１", series_id="kuaishou_ecommerce_gmv_annual", period="2021"),
         "type it as '2021'", at(S, series_id="kuaishou_ecommerce_gmv_annual", period="2021"),
         "period"),
    Case("series_full_width_value", S,
         set_cell("value", "６８００", series_id="kuaishou_ecommerce_gmv_annual", period="2021"),
         "type it as '6800'", at(S, series_id="kuaishou_ecommerce_gmv_annual", period="2021"),
         "value"),
    Case("full_width_value_printed", C,
         set_cell("value_printed", "８８", stat_id="douyin_pay_coupon_value"),
         "type it as '88'", COUPON, "value_printed"),
    # ---- where: lines after comment lines, header hints ---------------------------
    Case("line_number_after_comment_lines", C,
         lambda path: (set_cell("unit_printed", "兆元", stat_id="nbs_online_retail_2023")(path),
                       insert_line(1, "# 注释 / a comment line")(path),
                       insert_line(4, "# another one")(path)),
         "unknown unit", at(C, stat_id="nbs_online_retail_2023"), "unit_printed", lines_before=2),
    Case("misspelt_header_cell", C, rename_column("label_en", "lable_en"),
         "the header has 'lable_en'", None, "label_en"),
    Case("whitespace_line_inside_table", C, insert_line(6, "   "), "blank line", 6),
    # ---- typed values against their own quotes (these used to be printed) ----------
    Case("quote_unit_wanyi_typed_as_yi", C,
         set_cell("unit_printed", "亿元", stat_id="douyin_ecommerce_gmv_cny_last_year"),
         "prints '1.41万亿元' (= 1.41e+12 CNY)",
         at(C, stat_id="douyin_ecommerce_gmv_cny_last_year"), "unit_printed"),
    Case("quote_value_88_typed_as_8", C,
         set_cell("value_printed", "8", stat_id="douyin_pay_coupon_value"),
         "the typed value reads 8 元", COUPON, "value_printed"),
    Case("quote_qualifier_dropped", C,
         set_cell("qualifier_printed", "", stat_id="kuaishou_payment_fees_2021"),
         "prints '超过' (over)", at(C, stat_id="kuaishou_payment_fees_2021"), "qualifier_printed"),
    Case("quote_qualifier_added", C,
         set_cell("qualifier_printed", "约", stat_id="nbs_online_retail_2023"),
         "prints no qualifier (exact)", at(C, stat_id="nbs_online_retail_2023"),
         "qualifier_printed"),
    Case("quote_currency_changed", C,
         set_cell("unit_printed", "亿元", stat_id="douyin_ecommerce_gmv_usd_last_year"),
         "prints '2080亿美元'", at(C, stat_id="douyin_ecommerce_gmv_usd_last_year"), "unit_printed"),
    Case("quote_period_changed_with_its_printed_form", C,
         lambda path: (set_cell("period", "2022Q2", stat_id="kuaishou_payment_fees_2022q3")(path),
                       set_cell("period_printed", "2022年第二季度",
                                stat_id="kuaishou_payment_fees_2022q3")(path)),
         "it states 2022Q3", at(C, stat_id="kuaishou_payment_fees_2022q3"), "period_printed"),
    Case("timeline_date_contradicts_its_quote", T,
         lambda path: (set_cell("date", "2012-10", event_id="hezhong_yibao_founded")(path),
                       set_cell("date_printed", "2012年10月", event_id="hezhong_yibao_founded")(path)),
         "is not printed in the quote", at(T, event_id="hezhong_yibao_founded"), "date_printed"),
    Case("timeline_range_contradicts_its_quote", T,
         lambda path: (set_cell("date_end", "", event_id="nrta_av_14th_fyp_development_plan")(path),
                        set_cell("date_printed", "2020年", event_id="nrta_av_14th_fyp_development_plan")(path)),
         "it states 2020/2021", at(T, event_id="nrta_av_14th_fyp_development_plan"), "date"),
    Case("resolution_overrides_a_stated_period", R,
         append_row("kuaishou_payment_fees_2022q3", "2022Q2", "left over from an old draft", "paper"),
         "has a period the paper states ('2022年第三季度', 2022Q3)", 10, "period"),
    Case("resolution_for_a_dated_statistic", R,
         append_row("nbs_online_retail_2023", "2022", "a guess", "paper"),
         "may only resolve a relative period", 10, "period"),
    Case("series_gmv_typed_in_wanyi", S,
         set_cell("unit", "万亿元", series_id="kuaishou_ecommerce_gmv_annual", period="2022"),
         "prints '人民币9012亿元' (= 9.012e+11 CNY)",
         at(S, series_id="kuaishou_ecommerce_gmv_annual", period="2022"), "unit"),
    Case("series_value_digits_swapped", S,
         set_cell("value", "9021", series_id="kuaishou_ecommerce_gmv_annual", period="2022"),
         "the typed value reads 9021 亿元",
         at(S, series_id="kuaishou_ecommerce_gmv_annual", period="2022"), "value"),
    Case("series_english_billion_typed_as_yi", S,
         set_cell("unit", "亿元", series_id="kuaishou_ecommerce_gmv_annual", period="2020"),
         "prints '381.2 billion yuan'",
         at(S, series_id="kuaishou_ecommerce_gmv_annual", period="2020"), "unit"),
    Case("series_qualifier_dropped", S,
         set_cell("qualifier", "", series_id="douyin_ecommerce_gmv_caixin", period="2021"),
         "prints 'more than' (over)",
         at(S, series_id="douyin_ecommerce_gmv_caixin", period="2021"), "qualifier"),
    Case("facts_value_against_quote", F,
         set_cell("value", "801.8", fact_id="kuaishou_revenue_2021"),
         "81 billion 80 million yuan", at(F, fact_id="kuaishou_revenue_2021"), "value"),
    Case("facts_unit_against_quote", F,
         set_cell("value", "81.08", fact_id="kuaishou_revenue_2021"),
         "(= 8.108e+10 CNY)", at(F, fact_id="kuaishou_revenue_2021"), "unit"),
    # ---- values a schema accepted that the steps after it cannot use --------------
    Case("series_zero_gmv", S,
         set_cell("value", "0", series_id="kuaishou_ecommerce_gmv_annual", period="2021"),
         "a level of 0 CNY is not an observation",
         at(S, series_id="kuaishou_ecommerce_gmv_annual", period="2021"), "value"),
    Case("facts_negative_value", F,
         set_cell("value", "-6", fact_id="douyin_dau_600m"),
         "must not be negative", at(F, fact_id="douyin_dau_600m"), "value"),
    # ---- the audit against its reviewed expectations -------------------------------
    Case("audit_new_inconsistency_from_a_consistent_typo", S,
         lambda path: (set_cell("value", "37.15", series_id="nbs_total_retail_sales", period="2023")(path),
                       replace("reached 47.15 trillion yuan", "reached 37.15 trillion yuan")(path)),
         "most likely a typo in one of its inputs: nbs_physical_goods_online_retail_2023",
         at(E, check_id="physical_share_2023"), "status", blame=E, lines_before=4, stage="audit"),
    Case("audit_expectation_contradicts_result", E,
         set_cell("status", "consistent", check_id="licence_holder"),
         "came out inconsistent", at(E, check_id="licence_holder"), "status"),
    Case("audit_expectation_missing", E, drop_row(check_id="douyin_dau"),
         "'douyin_dau' has no reviewed status", None, "check_id"),
    Case("audit_expectation_for_unknown_check", E,
         append_row("ghost_check", "consistent", ""),
         "no audit check is named 'ghost_check'",
         sum(1 for line in EXPECTED.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")), "check_id"),  # the appended row (header not counted)
    Case("audit_expectation_unknown_status", E,
         set_cell("status", "ok", check_id="douyin_dau"),
         "status must be consistent", at(E, check_id="douyin_dau"), "status"),
    # ---- dates after the day the file was read (sources.yaml) ----------------------
    Case("series_period_after_retrieval", S,
         set_cell("period", "2062-06", series_id="cnnic_internet_users", period="2016-06"),
         "period 2062-06 begins after 2026-11-26, the day this file was read",
         at(S, series_id="cnnic_internet_users", period="2016-06"), "period"),
    Case("facts_date_after_retrieval", F,
         set_cell("date", "2027-10-20", fact_id="douyinpay_picc_guarantee"),
         "date 2027-10-20 begins after 2026-11-26", at(F, fact_id="douyinpay_picc_guarantee"), "date"),
    Case("resolution_after_retrieval", R,
         set_cell("period", "2028-08", stat_id="douyin_dau"),
         "period 2028-08 begins after 2026-11-25", at(R, stat_id="douyin_dau"), "period"),
]


def test_case_ids_are_unique():
    assert len({c.id for c in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_stops_the_step(work: Path, case: Case):
    raw = work / "raw"
    case.mutate(raw / case.edit)
    stage = case.stage or STEP_OF[case.edit]
    out = work / "processed" / OUTPUT_OF[stage]

    with pytest.raises(InputError) as info:
        run(stage, work)

    err = info.value
    message = str(err)
    blamed = raw / (case.blame or case.edit)
    assert message.startswith((f"{blamed}, ", f"{blamed}: ")), message
    assert err.path == str(blamed)

    row = case.row.resolve() if isinstance(case.row, At) else case.row
    if row is None:
        assert err.row is None, message
        assert ", row " not in message.split(": ")[0], message
    else:
        assert err.row == row, message
        assert f"row {row} (line {row + 1 + case.lines_before})" in message, message

    if case.column is None:
        assert err.column is None, message
    else:
        assert err.column == case.column, message
        assert f"column '{case.column}'" in message, message

    assert case.fragment in message, message

    assert not out.exists(), "a failing step must not leave an output file"
    leftovers = os.listdir(out.parent) if out.parent.exists() else []
    earlier = {OUTPUT_OF[s] for s in ("cited", "timeline", "series", "facts")} if stage == "audit" else set()
    assert set(leftovers) <= earlier, f"half-written files left behind: {leftovers}"


# --------------------------------------------------------------------------- positive controls

@pytest.mark.parametrize("stage", ["cited", "timeline", "series", "facts", "audit"])
def test_unmodified_copy_builds(work: Path, stage: str):
    """The cases fail because of their corruption, not because of the fixture."""
    out = run(stage, work)
    assert out.exists()
    assert [p for p in os.listdir(out.parent) if p.endswith(".part")] == []


@pytest.mark.parametrize(("stage", "file"),
                         [("cited", C), ("cited", R), ("cited", D), ("timeline", T),
                          ("series", S)])
def test_utf8_bom_is_accepted(work: Path, stage: str, file: str):
    plain = run(stage, work).read_bytes()
    path = work / "raw" / file
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    out = run(stage, work)
    assert out.read_bytes() == plain
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")


def reorder_columns(path: Path) -> None:
    header, rows = rows_of(path)
    order = list(reversed(range(len(header))))
    write_rows(path, [header[i] for i in order], [[r[i] for i in order] for r in rows])


def append_text(text: str) -> Mutation:
    def mutate(path: Path) -> None:
        with path.open("a", encoding="utf-8", newline="") as f:
            f.write(text)
    return mutate


def pad_header_cell(column: str) -> Mutation:
    def mutate(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        head, rest = text.split("\n", 1)
        cells = head.split(",")
        cells[cells.index(column)] = f" {column} "
        path.write_text(",".join(cells) + "\n" + rest, encoding="utf-8")
    return mutate


def pad_cell(column: str, **match: str) -> Mutation:
    def mutate(path: Path) -> None:
        header, rows = rows_of(path)
        hit = next(r for r in rows if all(r[header.index(k)] == v for k, v in match.items()))
        hit[header.index(column)] = f"  {hit[header.index(column)]} "
        write_rows(path, header, rows)
    return mutate


HARMLESS = [
    ("reordered_columns", C, reorder_columns),
    ("reordered_columns_timeline", T, reorder_columns),
    ("reordered_columns_public_series", S, reorder_columns),
    ("reordered_columns_resolutions", R, reorder_columns),
    ("trailing_line_of_spaces", C, append_text("   \n")),
    ("second_trailing_newline", S, append_text("\n")),
    ("trailing_blank_lines_and_tabs", T, append_text("\n\t\n \n")),
    ("comment_line_at_top", C, insert_line(0, "# curated by hand; see data/README.md")),
    ("comment_line_inside", S, insert_line(7, "# the next rows are from CNNIC")),
    ("comment_line_at_end", D, append_text("# end of table\n")),
    ("header_cell_with_spaces", C, pad_header_cell("note")),
    ("cell_with_surrounding_spaces", C, pad_cell("unit_printed", stat_id="nbs_online_retail_2023")),
]


@pytest.mark.parametrize(("file", "mutate"), [(f, m) for _, f, m in HARMLESS],
                         ids=[i for i, _, _ in HARMLESS])
def test_harmless_edit_is_accepted(work: Path, file: str, mutate: Mutation):
    """Column order, trailing blank lines and spaces, '#' comment lines and padded
    cells change nothing: the step writes the same bytes as for the unmodified file."""
    stage = STEP_OF[file]
    plain = run(stage, work).read_bytes()
    mutate(work / "raw" / file)
    assert run(stage, work).read_bytes() == plain


def test_padded_header_cell_is_reported_in_the_log(work: Path, caplog):
    pad_header_cell("note")(work / "raw" / C)
    with caplog.at_level("WARNING", logger="analysis"):
        run("cited", work)
    assert "header cell ' note ' read as 'note'" in caplog.text


def test_crlf_line_endings_are_accepted(work: Path):
    plain = run("cited", work).read_bytes()
    path = work / "raw" / C
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert run("cited", work).read_bytes() == plain


def test_failure_while_writing_leaves_nothing(work: Path, monkeypatch):
    """A crash in the middle of writing must not leave a partial output."""
    import pandas as pd

    def broken_to_csv(self, path, *args, **kwargs):
        Path(path).write_text("stat_id,sect", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken_to_csv)
    with pytest.raises(OSError, match="disk full"):
        run("cited", work)
    out = work / "processed" / OUTPUT_OF["cited"]
    assert not out.exists()
    assert os.listdir(out.parent) == []


def test_error_lists_further_failures(work: Path):
    """One run shows every bad cell, not just the first."""
    set_cell("unit_printed", "兆元", stat_id="nbs_online_retail_2023")(work / "raw" / C)
    set_cell("unit_printed", "京元", stat_id="nbs_physical_goods_online_retail_2023")(work / "raw" / C)
    with pytest.raises(InputError) as info:
        run("cited", work)
    first = at(C, stat_id="nbs_online_retail_2023").resolve()
    second = at(C, stat_id="nbs_physical_goods_online_retail_2023").resolve()
    assert info.value.row == first
    assert f"row {second}, column 'unit_printed'" in str(info.value)
    assert "京元" in str(info.value)


# --------------------------------------------------------------------------- YAML inputs

SOURCES = "sources.yaml"
CONFIG = ROOT / "config" / "config.yaml"
CONFIG_SCHEMA = ROOT / "config" / "config.schema.yaml"


@dataclass(frozen=True)
class YamlCase:
    id: str
    file: str                 # "sources.yaml" (in the raw copy) or "config.yaml"
    mutate: Mutation
    fragment: str
    line: int | None = None
    key: str | None = None


def set_text(old: str, new: str, count: int = 1) -> Mutation:
    """Replace the first ``count`` occurrences of ``old``."""
    def mutate(path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return mutate


def drop_entry(name: str) -> Mutation:
    """Delete the block of one sources.yaml entry (its key line and indented lines)."""
    def mutate(path: Path) -> None:
        lines = path.read_text(encoding="utf-8").split("\n")
        start = lines.index(f"{name}:")
        end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith(" "))
        path.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    return mutate


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if text in line)


SOURCES_FILE = RAW / SOURCES
FIRST_RETRIEVED = _line(SOURCES_FILE, "retrieved:")

YAML_CASES = [
    YamlCase("sources_date_in_the_future", SOURCES, set_text("retrieved: 2026-11-25", "retrieved: 2062-11-25"),
             "is after today", FIRST_RETRIEVED, "seed_paper.zh.txt.retrieved"),
    YamlCase("sources_date_with_slashes", SOURCES, set_text("retrieved: 2026-11-25", "retrieved: 2026/11/25"),
             "'2026/11/25' is not an ISO date", FIRST_RETRIEVED, "seed_paper.zh.txt.retrieved"),
    YamlCase("sources_impossible_date", SOURCES, set_text("retrieved: 2026-11-25", "retrieved: 2026-02-30"),
             "is not an ISO date", FIRST_RETRIEVED, "seed_paper.zh.txt.retrieved"),
    YamlCase("sources_empty_file", SOURCES, write_text(""), "the file is empty"),
    YamlCase("sources_not_a_mapping", SOURCES, write_text("- a\n- b\n"), "one entry per raw file", 1),
    YamlCase("sources_entry_misspelt", SOURCES, set_text("timeline_events.csv:", "timeline_event.csv:"),
             "did you mean 'timeline_events.csv'", _line(SOURCES_FILE, "timeline_events.csv:"),
             "timeline_event.csv"),
    YamlCase("sources_entry_deleted", SOURCES, drop_entry("reference_facts.csv"),
             "reference_facts.csv has no entry", None, "reference_facts.csv"),
    YamlCase("sources_entry_without_units", SOURCES, set_text("  units: ISO periods\n", ""),
             "'units' is a required property", _line(SOURCES_FILE, "period_resolutions.csv:"),
             "period_resolutions.csv"),
    YamlCase("sources_unknown_key", SOURCES, set_text("  units: ISO periods\n", "  units: ISO periods\n  licence: CC0\n"),
             "unknown key 'licence'", _line(SOURCES_FILE, "units: ISO periods") + 1,
             "period_resolutions.csv.licence"),
    YamlCase("sources_repeated_key", SOURCES, set_text("  units: ISO periods\n", "  units: ISO periods\n  units: ISO\n"),
             "'units' appears twice", _line(SOURCES_FILE, "units: ISO periods") + 1, "units"),
    YamlCase("sources_syntax_error", SOURCES, set_text("  title: Every dated event", '  title: "Every dated event'),
             "not valid YAML", None),
    YamlCase("config_duplicate_fonts_block", "config.yaml",
             append_text('\nfonts:\n  cjk_serif: "DejaVu Serif"\n  latin_serif: "DejaVu Serif"\n'),
             "'fonts' appears twice", len(CONFIG.read_text(encoding="utf-8").splitlines()) + 2, "fonts"),
    YamlCase("config_syntax_error", "config.yaml", set_text("  engine: auto", "  engine: auto\n   bad: ["),
             "not valid YAML", _line(CONFIG, "engine: auto") + 1),
    YamlCase("config_wrong_type", "config.yaml",
             set_text('latin_serif: "Linux Libertine O"', "latin_serif: 12"),
             "12 is not of type 'string'", _line(CONFIG, "latin_serif:"), "fonts.latin_serif"),
    YamlCase("config_misspelt_key", "config.yaml", set_text("render:", "rendr:"),
             "unknown key 'rendr'", _line(CONFIG, "render:"), "rendr"),
    YamlCase("config_language_the_paper_lacks", "config.yaml",
             set_text("languages: [zh, en]", "languages: [en]"),
             "['en'] is too short", _line(CONFIG, "languages:"), "paper.languages"),
]


@pytest.fixture
def raw_only(tmp_path: Path) -> Path:
    """A private copy of data/raw alone (every file there needs a sources.yaml entry)."""
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path


@pytest.mark.parametrize("case", YAML_CASES, ids=[c.id for c in YAML_CASES])
def test_bad_yaml_input_is_named_by_file_line_and_key(raw_only: Path, case: YamlCase):
    from analysis import startup

    work = raw_only
    if case.file == SOURCES:
        path = work / "raw" / SOURCES
        check = lambda: startup.check_sources(path)  # noqa: E731
    else:
        path = work / "config.yaml"
        shutil.copy(CONFIG, path)
        check = lambda: startup.check_config(path, CONFIG_SCHEMA)  # noqa: E731
    case.mutate(path)
    with pytest.raises(InputError) as info:
        check()
    err, message = info.value, str(info.value)
    assert message.startswith((f"{path}, ", f"{path}: ")), message
    assert case.fragment in message, message
    if case.line is not None:
        assert err.line == case.line and f", line {case.line}" in message, message
    if case.key is not None:
        assert err.key == case.key and f"key '{case.key}'" in message, message


def test_shipped_yaml_inputs_pass(raw_only: Path):
    from analysis import startup

    startup.check_sources(raw_only / "raw" / SOURCES)
    startup.check_config(CONFIG, CONFIG_SCHEMA)
