"""The HTML editions in a real browser: Chromium (Debian's) driven by
Playwright, the pages served over HTTP from a local thread.

Checks: no console error and no request to any other host; the sidebar table
of contents at 1280 px (following the reader) and the menu that replaces it
at 400 px; hover previews of cross-references, footnotes and citations
(Quarto's tippy); figures that open larger; lang on Chinese words in the
English edition and alt text on every figure; the PDF and other-language links lead to
files that exist; no serious or critical axe-core violation (the axe Quarto
vendors); hover cards of values on a document that has them. Screenshots at
both widths are written to tests/_artifacts/screenshots/ (git-ignored);
tools/update-screenshots copies them to docs/screenshots/ for the README.

Chromium: tools/run-tests installs it (apt-get install chromium); elsewhere
set PAPER_CHROMIUM. Without it these tests fail with that message: they
never skip.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from collections import Counter
from pathlib import Path

import pytest

from analysis.render import resources

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = Path(os.environ.get("PAPER_SCREENSHOTS", ROOT / "tests" / "_artifacts" / "screenshots"))
AXE = resources.resource("formats", "html", "axe", "axe.min.js")
LANGS = ("zh", "en")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def site(request):
    """The clean build's paper/_output/, served (PAPER_BROWSER_OUTPUT=folder
    serves an existing build instead, for a quick look while developing)."""
    folder = os.environ.get("PAPER_BROWSER_OUTPUT")
    output = Path(folder) if folder else request.getfixturevalue("builds")["a"] / "paper" / "_output"
    server, url = serve(output)
    yield url
    server.shutdown()


class Page:
    """A page opened at a width, with what it logged and requested."""

    def __init__(self, browser, url: str, width: int, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(200)  # DOMContentLoaded handlers, quarto.js

    def close(self):
        self.context.close()


@pytest.fixture
def open_page(browser):
    pages = []

    def opener(url: str, width: int = 1280, height: int = 900) -> Page:
        pages.append(Page(browser, url, width, height))
        return pages[-1]
    yield opener
    for page in pages:
        page.close()


# --------------------------------------------------------------------------- the paper



@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_loads_without_errors_or_other_hosts(site, open_page, lang):
    view = open_page(f"{site}/paper-{lang}.html")
    assert view.errors == []
    foreign = [u for u in view.requests if not u.startswith((site + "/", "data:", "blob:"))]
    assert foreign == [], foreign
    assert view.requests[0] == f"{site}/paper-{lang}.html"
    assert view.page.evaluate("document.documentElement.lang") == ("zh-Hans" if lang == "zh" else "en-GB")


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_sidebar_toc_wide_and_menu_narrow(site, open_page, lang):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    wide = open_page(f"{site}/paper-{lang}.html", 1280)
    toc = wide.page.locator("#quarto-sidebar-toc-left nav#TOC")
    assert toc.is_visible()
    assert wide.page.locator(".toc-menu button").is_hidden()
    wide.page.screenshot(path=str(SCREENSHOTS / f"paper-{lang}-1280.png"))
    wide.page.locator("#sec-results").scroll_into_view_if_needed()
    wide.page.wait_for_timeout(400)
    active = wide.page.locator("nav#TOC a.nav-link.active").first.get_attribute("href")
    assert active.startswith("#sec-results")                        # follows the reader

    narrow = open_page(f"{site}/paper-{lang}.html", 400)
    assert narrow.page.locator("nav#TOC").is_hidden()                # collapsed …
    narrow.page.screenshot(path=str(SCREENSHOTS / f"paper-{lang}-400.png"))
    menu = narrow.page.locator(".toc-menu button")
    assert menu.is_visible()
    menu.click()                                                     # … into a menu
    narrow.page.locator("nav#TOC").wait_for(state="visible")
    narrow.page.locator("nav#TOC a[href='#sec-status']").click()
    narrow.page.locator("nav#TOC").wait_for(state="hidden")
    assert narrow.page.evaluate("location.hash") == "#sec-status"


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_hover_previews_of_crossrefs_and_citations(site, open_page, lang):
    view = open_page(f"{site}/paper-{lang}.html")
    for selector, expect in (("a.quarto-xref[href^='#fig-']", "figcaption, img"),
                             ("a.quarto-xref[href^='#tbl-']", "table"),
                             ("a.quarto-xref[href^='#sec-']", "h1, h2, h3, h4"),
                             ("a[role='doc-noteref']", "p"),
                             ("a[role='doc-biblioref']", ".csl-entry")):
        link = view.page.locator(selector).first
        link.scroll_into_view_if_needed()
        link.hover()
        tip = view.page.locator(".tippy-box:visible").last
        tip.wait_for(state="visible", timeout=3000)
        assert tip.locator(expect).count() > 0, (selector, tip.inner_html()[:300])
        view.page.mouse.move(0, 0)
        view.page.wait_for_timeout(300)


@pytest.mark.e2e
def test_figures_open_larger(site, open_page):
    view = open_page(f"{site}/paper-en.html")
    view.page.locator("#fig-payment-fees a.lightbox").click()
    view.page.locator(".glightbox-container .gslide-image img").first.wait_for(state="visible", timeout=5000)


@pytest.mark.e2e
@pytest.mark.parametrize("lang,pdf,other", [("zh", "PDF 版", "English version"), ("en", "PDF", "中文版")])
def test_pdf_and_language_links_lead_to_files(site, open_page, lang, pdf, other):
    view = open_page(f"{site}/paper-{lang}.html")
    links = view.page.locator(".quarto-title-block .quarto-alternate-formats a")
    texts = [t.strip() for t in links.all_inner_texts()]
    assert texts == [pdf, other]
    targets = {"zh": "en", "en": "zh"}
    for link, (name, kind) in zip(links.all(), [(f"paper-{lang}.pdf", "application/pdf"),
                                                (f"paper-{targets[lang]}.html", "text/html")]):
        assert link.get_attribute("href") == name
        response = view.page.request.get(f"{site}/{name}")
        assert response.status == 200 and response.headers["content-type"].startswith(kind)
    assert view.page.locator(".quarto-alternate-formats a[hreflang]").get_attribute("lang") == \
        ("en" if lang == "zh" else "zh-Hans")


@pytest.mark.e2e
def test_chinese_words_in_the_english_edition_say_so(site, open_page):
    view = open_page(f"{site}/paper-en.html")
    unmarked = view.page.evaluate("""() => {
        const cjk = /[\\u3040-\\u30ff\\u3400-\\u9fff]/, out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, el = node.parentElement;
            if (!cjk.test(node.textContent) || el.closest('script, style')) continue;
            if (!/^(zh|ja)/.test(el.closest('[lang]').lang)) out.push(node.textContent.trim().slice(0, 40));
        }
        return out;
    }""")
    assert unmarked == []
    assert view.page.locator("span[lang='zh']").count() > 20


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_alt_text(site, open_page, lang):
    view = open_page(f"{site}/paper-{lang}.html")
    alts = view.page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.getAttribute('alt') || '')")
    assert len(alts) == 10 and all(len(a) > 20 for a in alts)


def axe_violations(view: Page) -> list[dict]:
    view.page.add_script_tag(path=str(AXE))
    return view.page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                            help: v.help, target: v.nodes[0].target.join(' ')}));
    }""")


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_serious_violation(site, open_page, lang):
    view = open_page(f"{site}/paper-{lang}.html")
    violations = axe_violations(view)
    counts = Counter()
    for v in violations:
        counts[v["impact"]] += v["nodes"]
    print(f"\naxe-core on paper-{lang}.html: "
          + (", ".join(f"{k}: {counts[k]}" for k in ("critical", "serious", "moderate", "minor"))))
    for v in violations:
        print(f"  {v['impact']}: {v['id']} ({v['nodes']}×) {v['help']} — e.g. {v['target']}")
    assert not [v for v in violations if v["impact"] in ("serious", "critical")], violations


# --------------------------------------------------------------------------- values with origins

ORIGINS = {
    "cite.douyin_dau": {"id": "douyin_dau", "kind": "statistic", "label": "Douyin daily active users",
                        "source": {"title": "抖音数据报告", "url": "https://example.org/report"},
                        "quote": "抖音日活跃用户已达6亿",
                        "citation": "Douyin daily active users: 600 million (douyin_dau; 抖音数据报告)"},
    "model.gmv_2027": {"id": "gmv_2027", "kind": "model", "label": "Douyin e-commerce GMV, 2027",
                       "model": {"name": "log-linear trend", "card": "model_cards/gmv.json"},
                       "citation": "Douyin e-commerce GMV, 2027 forecast (model gmv_2027)"},
}


@pytest.fixture(scope="module")
def origins_site(tmp_path_factory):
    """A small project with the paper's extension and values that carry
    their origin, as the value shortcode writes them (a Span and raw HTML)."""
    from analysis import render

    project = tmp_path_factory.mktemp("origins")
    shutil.copytree(ROOT / "paper" / "_extensions", project / "_extensions")
    (project / "_quarto.yml").write_text(
        "project:\n  type: default\nfilters: [paper]\nformat:\n  html:\n    embed-resources: true\n"
        "    include-in-header:\n      - text: <link rel=\"icon\" href=\"data:,\">\n", encoding="utf-8")
    (project / "doc.qmd").write_text(
        "---\ntitle: Values\nlang: en\n---\n\n# Values\n\n"
        'Douyin has [600 million]{.data-value data-origin="cite.douyin_dau"} daily users; the model '
        'gives <span class="data-value" data-origin="model.gmv_2027">RMB 4.1 trillion</span>.\n\n'
        "```{=html}\n<script type=\"application/json\" id=\"data-origins\">"
        + json.dumps(ORIGINS, ensure_ascii=False) + "</script>\n```\n", encoding="utf-8")
    render.render(project / "doc.qmd", "html", project / "out" / "doc.html", strict=True)
    server, url = serve(project / "out")
    yield url
    server.shutdown()


def test_value_hover_card_shows_its_origin(origins_site, open_page):
    view = open_page(f"{origins_site}/doc.html")
    assert view.errors == []
    assert [u for u in view.requests if not u.startswith((origins_site, "data:"))] == []
    value = view.page.locator('.data-value[data-origin="cite.douyin_dau"]')
    value.hover()
    card = view.page.locator(".tippy-box .data-origin-card")
    card.wait_for(state="visible", timeout=3000)
    text = card.inner_text()
    assert "douyin_dau" in text and "抖音日活跃用户已达6亿" in text
    source = card.locator("a", has_text="抖音数据报告")
    assert source.get_attribute("href") == "https://example.org/report"
    assert card.locator("blockquote").get_attribute("lang") == "zh-Hans"


def test_value_card_by_keyboard_and_copy(origins_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origins_site)
    page = context.new_page()
    try:
        page.goto(f"{origins_site}/doc.html", wait_until="load")
        page.locator('.data-value[data-origin="model.gmv_2027"]').focus()       # focus opens it
        card = page.locator(".tippy-box .data-origin-card")
        card.wait_for(state="visible", timeout=3000)
        assert "log-linear trend" in card.inner_text()
        assert card.locator("a").get_attribute("href") == "model_cards/gmv.json"
        page.keyboard.press("Tab")                                                 # into the card
        assert page.evaluate("document.activeElement.closest('.data-origin-card') !== null")
        button = card.locator("button.data-origin-copy")
        button.click()
        assert page.evaluate("navigator.clipboard.readText()") == ORIGINS["model.gmv_2027"]["citation"]
        page.keyboard.press("Escape")
        card.wait_for(state="hidden", timeout=3000)
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_number_in_the_paper_shows_where_it_comes_from(site, open_page, lang):
    """Every value the prose prints carries its origin; pointing at one shows the
    data row, its source and the seed's own sentence, and a model number shows
    its model and card."""
    view = open_page(f"{site}/paper-{lang}.html")
    values = view.page.locator(".data-value[data-origin]")
    assert values.count() > 100
    statistic = view.page.locator('.data-value[data-origin="statistic:douyin_dau"]').first
    statistic.scroll_into_view_if_needed()
    statistic.hover()
    card = view.page.locator(".tippy-box .data-origin-card")
    card.wait_for(state="visible", timeout=5000)
    text = card.inner_text()
    assert "data/processed/cited_statistics.csv#douyin_dau" in text
    assert "抖音的日活跃用户已达6亿人" in text                     # the seed's own words
    view.page.mouse.move(0, 0)
    card.wait_for(state="hidden", timeout=5000)
    model = view.page.locator('.data-value[data-origin="model:kuaishou_ecommerce_gmv_quarterly"]').first
    model.scroll_into_view_if_needed()
    model.hover()
    card.wait_for(state="visible", timeout=5000)
    link = card.locator('a[href*="model_cards/kuaishou_ecommerce_gmv_quarterly."]')
    assert link.count() == 1
