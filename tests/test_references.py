"""The reference lists as readers get them: no wrong English ordinals, no proper
noun lower-cased, no empty or run-together fields, one access-date style per
language, GB/T 7714 items with their place and publisher in Chinese, no
full-width apostrophes or letter-spaced names in the Chinese PDF.

The fast tests render every entry of ``paper/references.bib`` with pandoc and
each edition's CSL style (all entries, cited or not); the end-to-end tests read
the reference lists of a clean build (HTML and PDF, both editions).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIB = ROOT / "paper" / "references.bib"
STYLES = {"en": ("ieee.csl", "en-GB"), "zh": ("china-national-standard-gb-t-7714-2015-numeric.csl", "zh-Hans")}

# Proper nouns the bibliography uses that a style could lower-case (May and March
# are left out: they are also English words).
PROPER = ["Douyin", "Kuaishou", "Alipay", "WeChat", "Chinese", "China", "ByteDance", "Tenpay", "CNNIC",
          "TikTok", "Xinhua", "Reuters", "Pinduoduo", "Taobao", "Kwai", "Beijing", "Japanese", "English",
          "Portuguese", "January", "February", "April", "June", "July", "August", "September", "October",
          "November", "December"]
URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|io|nl|hk|app|ai)(?:\.\w+)?\b")
CJK = "\u4e00-\u9fff"
NON_ONLINE = r"\[(?:M|R|Z|A|S|G|C|D|N|J)\]"  # GB/T 7714 types printed without /OL


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def unmatched_quotes(entry: str) -> list[str]:
    """Quotation marks that do not pair up: every opening ‘ or “ needs its own
    closing ’ or ” (a ’ between letters, or after the s of a plural, is an
    apostrophe), and a prime ′ or ″ is never a quotation mark."""
    found, open_ = [], []
    if re.search("[′″]", entry):
        found.append("a prime for a closing quote")
    for i, c in enumerate(entry):
        before, after = entry[i - 1:i], entry[i + 1:i + 2]
        if c in "‘“":
            open_.append(c)
        elif c == "”":
            if not open_ or open_.pop() != "“":
                found.append("a closing ” without its opening “")
        elif c == "’":
            if before.isalnum() and after.isalpha():
                continue  # an apostrophe: China’s, don’t
            if open_ and open_[-1] == "‘":
                open_.pop()
            elif not before.isalpha():
                found.append("a closing ’ without its opening ‘")
    found += [f"an opening {q} never closed" for q in open_]
    return found


def problems(entries: list[str], lang: str, pdf: bool = False) -> list[str]:
    """What is wrong with the rendered ``entries`` of one edition's reference list."""
    found: list[str] = []

    def flag(entry: str, what: str) -> None:
        found.append(f"{what}: {entry[:160]}")

    styles = set()
    for raw in entries:
        entry = re.sub(r"\s+", " ", raw).strip()
        text = URL.sub("URL", entry)
        for m in re.finditer(r"\b(\d+)(st|nd|rd|th)\b", text):
            if m.group(2) != _ordinal(int(m.group(1))):
                flag(entry, f"ordinal '{m.group(0)}' (should be {m.group(1)}{_ordinal(int(m.group(1)))})")
        for name in PROPER:
            if re.search(rf"(?<![\w/.-]){name.lower()}(?![\w-])", text):
                flag(entry, f"'{name}' lower-cased")
        for pattern, what in [(r"\[(?:EB/OL|[A-Z](?:/OL)?)\]\.\s*[.,]", "an empty field after the type"),
                              (r",\s*,|\(\s*\)|‘\s*’|“\s*”|\[\s*\]", "an empty field"),
                              (r"\.\s+\.(?!\.)", "an empty field between two full stops"),
                              (r"\s[,.](?:\s|$)", "a space before a comma or full stop"),
                              (r"[a-z’”)]\.(?=[A-Z" + CJK + "])", "a full stop without the space after it"),
                              (r"[＇＂]", "a full-width quote mark"),
                              (r"[A-Za-z][’']\s+(?:s|t|d|m|ll|re|ve)\b", "an apostrophe set apart from its word"),
                              (r'"', "a straight double quote")]:
            if re.search(pattern, text):
                flag(entry, what)
        for what in unmatched_quotes(entry):
            flag(entry, what)
        if pdf and re.search(rf"(?:[{CJK}] ){{4,}}[{CJK}]", entry):
            flag(entry, "letter-spaced Chinese")
        if lang == "en":
            if "(accessed " in entry:
                styles.add("(accessed Mon. DD, YYYY)")
            if "Accessed:" in entry:
                styles.add("Accessed: Mon. DD, YYYY. [Online]. Available:")
        else:
            if re.search(r"[Aa]ccessed", entry):
                flag(entry, "an English access date in the Chinese list")
            for date in re.findall(r"(?:\d{4}|\)|\]\. )\[([^\[\]]*)\]", entry):
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}|[A-Z]{1,2}(?:/OL)?", date):
                    flag(entry, f"an access date not in the form [YYYY-MM-DD] ('{date}')")
            if re.search(NON_ONLINE + r"\.", entry) and not re.search(
                    NON_ONLINE + r"\. (?:[^.:\[\]]+\. )?[^.:\[\]]+: [^,\[\]]+, \d{4}", entry):
                flag(entry, "a GB/T 7714 item without 出版地: 出版者, 出版年")
            if re.search(r"\[EB/OL\]\. (?:\[|https?://)", entry):
                flag(entry, "an online item with neither publisher nor date")
            if re.search(rf"(?:增长|下降|增加|减少)\d+(?:\.\d+)?(?![\d.%])", text):
                flag(entry, "a growth rate without its %")
    if len(styles) > 1:
        found.append(f"{len(styles)} access-date styles in one list: {sorted(styles)}")
    return found


def render_bibliography(lang: str, bib: Path = BIB) -> list[str]:
    """Every entry of ``bib`` as pandoc and the edition's style print it (plain text)."""
    import pypandoc

    csl, locale = STYLES[lang]
    proc = subprocess.run([pypandoc.get_pandoc_path(), "--citeproc", "--bibliography", str(bib),
                           "--csl", str(ROOT / "paper" / "csl" / csl), "-M", f"lang={locale}",
                           "-f", "markdown", "-t", "plain", "--wrap=none"],
                          input="---\nnocite: |\n  @*\n---\n", capture_output=True, text=True, check=True)
    return [e for e in re.split(r"\n(?=\[\d+\] )", proc.stdout.strip()) if e.strip()]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_entry_renders_cleanly(lang):
    entries = render_bibliography(lang)
    assert len(entries) >= 80
    found = problems(entries, lang)
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang,entry,fragment", [
    ("en", "[29] CNNIC, ‘The 41th statistical report’, 2018.", "ordinal '41th'"),
    ("en", "[6] American Banker, ‘ByteDance launches douyin pay in china’, Jan. 2021.", "'Douyin' lower-cased"),
    ("en", "[1] Y. Yang, ‘Users hit 600 million in june’, 2020.", "'June' lower-cased"),
    ("en", "[16] 办公室, ‘2022年专项行动’.Mar. 17, 2022.", "a full stop without the space"),
    ("en", "[10] R. J. Hyndman, Forecasting, 3rd edn.Melbourne: OTexts, 2021.", "a full stop without the space"),
    ("zh", "[7] 武汉合众易宝科技有限公司. 抖音支付官网[EB/OL]. . http://www.ulpay.com.", "an empty field after the type"),
    ("zh", "[72] CZZHT.COM . 2016年电子商务[EB/OL]. (2017)[2026-11-25]. http://x.cn/a.", "a space before"),
    ("zh", "[13] 广播电视和网络视听发展规划[R]. 国家广播电视总局, 2021.", "without 出版地"),
    ("zh", "[18] 国家统计局. 2023年12月份社会消费品零售总额增长7.4[EB/OL]. (2024-01)[2026-11-25].", "without its %"),
    ("zh", "[9] SUPCHINA. The next target for TikTok’ s parent company[EB/OL]. SupChina, 2020[2026-11-25].",
     "apostrophe set apart"),
    ("zh", "[1] A. B[EB/OL]. X, 2020[Nov. 25, 2026]. http://x.cn/a.", "not in the form [YYYY-MM-DD]"),
    # what Typst's smart quotes made of the closing ’ of a title (paper-en.pdf before `variant: -smart`)
    ("en", "[18] 新华社 (Xinhua News Agency), ‘China’s retail sales up 7.2% in 2023′, Jan. 17, 2024.", "a prime"),
    ("en", "[20] ‘抖音支付“百万保障”‘, Oct. 20, 2025.", "never closed"),
    ("en", "[69] GMT Eight, ‘Maintaining a ‘buy’ rating on KUAISHOU-W (01024)‘, Nov. 21, 2025.", "never closed"),
    ("en", "[1] A, Report (2020)’, 2021.", "a closing ’ without its opening"),
    ("zh", "[1] 抖音支付“百万保障”“[EB/OL]. 2025.", "never closed"),
    ("zh", "[7] 武汉合众易宝科技有限公司. 抖音支付官网[EB/OL]. [2026-11-25]. http://www.ulpay.com.", "neither publisher nor date"),
])
def test_each_check_can_fail(lang, entry, fragment):
    found = problems([entry], lang)
    assert any(fragment in f for f in found), found


def test_apostrophes_and_nested_quotes_pair_up():
    assert unmatched_quotes("‘China’s retail sales: ‘buy’ in 2023’, users’ habits, “抖音“百万”保障”") == []


def test_mixed_access_styles_and_letter_spacing_are_caught():
    mixed = ["[1] A, ‘T’, 2020. http://x.org/a (accessed Nov. 25, 2026).",
             "[2] B, ‘U’, Report, 2021. Accessed: Nov. 25, 2026. [Online]. Available: http://y.org/b"]
    assert any("access-date styles" in f for f in problems(mixed, "en"))
    spaced = ["[24] 全 国 人 民 代 表 大 会 常 务 委 员 会 . 中华人民共和国个人信息保护法[EB/OL]. IAPP, 2021[2026-11-26]."]
    assert any("letter-spaced" in f for f in problems(spaced, "zh", pdf=True))
    assert not any("letter-spaced" in f for f in problems(spaced, "zh", pdf=False))


@pytest.mark.parametrize("lang,heading", [("en", "References"), ("zh", "参考文献")])
def test_every_entry_typesets_its_quotes(tmp_path, lang, heading):
    """Every entry as the edition's PDF sets it: the project's configuration and
    the edition's own front matter (style, language, Typst writer and fonts),
    rendered to Typst and compiled. A closing ’ that Typst's smart quotes set
    as a prime after a digit or as an opening ‘ after ) ] ” is caught here."""
    import shutil

    import yaml

    from analysis import render
    from analysis.render.yamlio import load_yaml

    paper = tmp_path / "paper"
    shutil.copytree(ROOT / "paper" / "_extensions", paper / "_extensions")
    shutil.copytree(ROOT / "paper" / "csl", paper / "csl")
    for name in ("_quarto.yml", "references.bib"):
        shutil.copy(ROOT / "paper" / name, paper / name)
    source = (ROOT / "paper" / f"paper-{lang}.qmd").read_text(encoding="utf-8")
    front = load_yaml(source.split("---\n")[1], f"paper-{lang}.qmd")
    front.pop("metadata-files", None)
    front["format"] = {"typst": front["format"]["typst"]}
    front["nocite"] = "@*"
    doc = paper / f"refs-{lang}.qmd"
    doc.write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n"
                   + f"# {heading} {{.unnumbered}}\n\n::: {{#refs}}\n:::\n", encoding="utf-8")
    pdf = render.render(doc, "typst", tmp_path / f"refs-{lang}.pdf", engine="vendored").output
    entries = _pdf_entries(pdf, heading)
    assert len(entries) >= 80
    found = problems(entries, lang, pdf=True)
    assert found == [], "\n".join(found)


def csl_items(bib: Path = BIB) -> list[dict]:
    """The entries of ``bib`` as pandoc reads them (CSL JSON)."""
    import json

    import pypandoc

    proc = subprocess.run([pypandoc.get_pandoc_path(), str(bib), "--from", "bibtex", "--to", "csljson"],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def duplicate_works(items: list[dict]) -> list[str]:
    """Entries that name the same work: the same title (case, spacing, punctuation
    and the English title added to a Chinese one aside) and the same edition and
    date. One work read on several pages is one entry; the pages are the rows'
    ``source_url`` (data/raw/sources.yaml gives each page's kind)."""
    def norm(text: str) -> str:
        return re.sub(r"[\W_]+", "", text).casefold()

    seen: dict[tuple, str] = {}
    found = []
    for item in items:
        issued = (item.get("issued") or {}).get("date-parts") or [[]]
        key = (norm(item.get("title", "")), str(item.get("edition", "")), tuple(issued[0]))
        if key[0] and key in seen:
            found.append(f"{seen[key]} and {item['id']}: {item.get('title')}")
        seen.setdefault(key, item["id"])
    return found


def test_no_work_is_listed_twice():
    assert duplicate_works(csl_items()) == []


def test_a_work_listed_twice_is_caught():
    report = {"title": "第46次中国互联网络发展状况统计报告", "issued": {"date-parts": [[2020, 9, 29]]}}
    items = [dict(report, id="a", URL="https://www.globaltimes.cn/x"), dict(report, id="b", URL="http://m.x.com/y"),
             dict(report, id="c", title="第46次 中国互联网络发展状况统计报告。", issued={"date-parts": [[2020, 9, 29]]}),
             dict(report, id="d", issued={"date-parts": [[2021, 2, 3]]}),   # another date: another work
             dict(report, id="e", edition="2")]                               # another edition
    assert [f.split(":")[0] for f in duplicate_works(items)] == ["a and b", "a and c"]


# --------------------------------------------------------------------------- the built documents

def _html_entries(path: Path) -> list[str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return [e.get_text("", strip=False) for e in soup.select("#refs .csl-entry")]


def _pdf_entries(path: Path, heading: str) -> list[str]:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    refs = text[text.rfind(heading) + len(heading):]
    refs = re.sub(r"\n\d+\n", "\n", refs)  # page numbers
    while True:  # a URL broken across lines is one URL
        joined = re.sub(r"(https?://\S*)\n(?!\[\d+\] )(\S+)", r"\1\2", refs)
        if joined == refs:
            break
        refs = joined
    return [e for e in re.split(r"\n(?=\[\d+\] )", refs.strip()) if e.strip()]


@pytest.mark.e2e
@pytest.mark.parametrize("lang,heading", [("en", "References"), ("zh", "参考文献")])
def test_built_reference_lists_are_clean(builds, lang, heading):
    out = builds["a"] / "paper" / "_output"
    html = _html_entries(out / f"paper-{lang}.html")
    pdf = _pdf_entries(out / f"paper-{lang}.pdf", heading)
    assert len(html) >= 70 and abs(len(pdf) - len(html)) <= 1, (len(html), len(pdf))
    found = problems(html, lang) + [f"PDF: {p}" for p in problems(pdf, lang, pdf=True)]
    assert found == [], "\n".join(found)


def test_no_wrong_ordinal_in_the_raw_data():
    """The notes and quotes of the raw tables name the CNNIC reports too (42nd, not 42th)."""
    wrong = []
    for path in sorted((ROOT / "data" / "raw").glob("*.csv")):
        text = URL.sub("URL", path.read_text(encoding="utf-8"))
        wrong += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\b(\d+)(st|nd|rd|th)\b", text)
                  if m.group(2) != _ordinal(int(m.group(1)))]
    assert wrong == []
