"""Quarto's Bootstrap HTML document, from Quarto 1.10.18's own pieces.

What ``quarto render`` adds around pandoc for an ``html`` document whose
``theme`` is not ``none``/``pandoc`` (the default), ported from its
TypeScript and driven with the vendored resources, unmodified:

* format extras (``format/html/format-html.ts`` htmlFormatExtras,
  ``format-html-bootstrap.ts`` bootstrapExtras, ``format-html-title.ts``):
  the feature options, the EJS templates (body envelope of the article
  layout, ``quarto-html-after-body.ejs``) rendered with lodash as Quarto
  renders them, the template and its partials, the HTML dependencies
  (quarto.js, popper, tippy, anchor, clipboard, Bootstrap and its icons);
* the SCSS (``format-html-scss.ts`` layerQuartoScss, ``pandoc-html.ts``
  resolveSassBundles and the syntax-highlighting stylesheet), compiled with
  Dart Sass (``analysis.render.sass``);
* the HTML post-processors and finalizers, in Quarto's order
  (``pandoc-dependencies-html.ts`` readAndInjectDependencies,
  htmlFormatPostprocessor, bootstrapHtmlPostprocessor with the TOC moved to
  the sidebar, the title block, the other-format and other links, the
  appendix, and bootstrapHtmlFinalizer), on BeautifulSoup's DOM;
* the bundling of module scripts before the page is made self-contained
  (``core/pandoc/self-contained.ts`` bundleModules, with esbuild).

What is not ported (options this project does not use) is listed in the
README; asking for one of them stops the render rather than ignore it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.render import resources, sass
from analysis.render.config import Metadata, format_keys, merge_configs
from analysis.render.errors import RenderError

HTML = resources.resource("formats", "html")
EJS_SCRIPT = Path(__file__).with_name("assets") / "ejs.cjs"
BOOTSTRAP_SCSS = HTML / "bootstrap" / "dist" / "scss"
BSLIB_SCSS = HTML / "bslib" / "bslib-scss"
DEPENDENCY_MARKER = "htmldependencies:E3FAD763"
# Options whose Quarto behaviour is not ported (each would change the page).
UNSUPPORTED = ("comments", "code-tools", "code-links", "canonical-url",
               "google-scholar", "citation", "license", "copyright", "brand", "grid",
               "reference-location", "citation-location", "cap-location", "fig-cap-location",
               "page-layout", "title-block-banner", "listing")
# kAbbrevs (quarto-core/text-highlighting.ts, after skylighting's HTML writer)
ALL_COLUMNS = ("column-body-outset", "column-body-outset-left", "column-body-outset-right",
               "column-page-inset", "column-page-inset-left", "column-page-inset-right", "column-page",
               "column-page-left", "column-page-right", "column-screen-inset",
               "column-screen-inset-left", "column-screen-inset-right", "column-screen",
               "column-screen-left", "column-screen-right", "column-margin")
NON_SCREEN_COLUMNS = tuple(c for c in ALL_COLUMNS if c != "column-screen")
HL_ABBREVS = {
    "Keyword": "kw", "DataType": "dt", "DecVal": "dv", "BaseN": "bn", "Float": "fl",
    "Char": "ch", "String": "st", "Comment": "co", "Other": "ot", "Alert": "al",
    "Function": "fu", "RegionMarker": "re", "Error": "er", "Constant": "cn",
    "SpecialChar": "sc", "VerbatimString": "vs", "SpecialString": "ss", "Import": "im",
    "Documentation": "do", "Annotation": "an", "CommentVar": "cv", "Variable": "va",
    "ControlFlow": "cf", "Operator": "op", "BuiltIn": "bu", "Extension": "ex",
    "Preprocessor": "pp", "Attribute": "at", "Information": "in", "Warning": "wa",
    "Normal": "",
}
ADAPTIVE_THEMES = ("a11y", "arrow", "atom-one", "ayu", "breeze", "github", "gruvbox", "monochrome")


def has_bootstrap(fmt: Metadata) -> bool:
    """``formatHasBootstrap``."""
    return fmt["metadata"].get("theme") not in ("none", "pandoc") and \
        fmt["metadata"].get("minimal") is not True


# --------------------------------------------------------------------------- helpers

def _read(*parts: str) -> str:
    return HTML.joinpath(*parts).read_text(encoding="utf-8")


def render_ejs(jobs: list[tuple[Path, dict[str, Any]]]) -> list[str]:
    """``renderEjs`` for each (template, data), in one Node process."""
    payload = [{"file": str(path), "data": {k: v for k, v in data.items() if v is not None},
                "undefinedKeys": [k for k, v in data.items() if v is None]} for path, data in jobs]
    node = shutil.which("node")
    if node is None:
        raise RenderError("Quarto's HTML needs Node.js for its EJS templates: " + sass.SETUP_HINT)
    if not (sass.REPO / "node_modules" / "lodash").is_dir():
        raise RenderError("Quarto's HTML needs lodash from node_modules/: " + sass.SETUP_HINT)
    proc = subprocess.run([node, str(EJS_SCRIPT)], input=json.dumps(payload), capture_output=True,
                          text=True, env={**os.environ, "NODE_PATH": str(sass.REPO / "node_modules")})
    if proc.returncode != 0:
        raise RenderError(f"rendering Quarto's EJS templates failed:\n{proc.stderr.strip()}")
    return json.loads(proc.stdout)


def _css_font(value: Any) -> str:
    """``asCssFont``."""
    fonts = []
    for font in str(value).split(","):
        font = font.strip()
        if " " in font and not font.startswith(('"', "'")):
            font = f'"{font}"'
        if font:
            fonts.append(font)
    return ", ".join(fonts)


def _css_size(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "0" if value == 0 else f"{value}px"
    text = str(value)
    return text + "px" if text != "0" and re.search(r"[0-9]$", text) else text


def _css_number(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    m = re.match(r"^[0-9]*", str(value))
    return m.group(0) if m else ""


def pandoc_variables_scss(meta: Metadata) -> str:
    """``pandocVariablesToThemeScss``: mainfont, fontsize, colours … as
    Bootstrap variables."""
    out = []
    add = lambda name, value, fmt=None: out.append(  # noqa: E731
        f"${name}: {fmt(value) if fmt else value};") if value else None
    add("line-height-base", meta.get("linestretch"), _css_number)
    add("font-size-root", meta.get("fontsize"))
    add("body-bg", meta.get("backgroundcolor"))
    add("body-color", meta.get("fontcolor"))
    add("link-color", meta.get("linkcolor"))
    add("font-family-base", meta.get("mainfont"), _css_font)
    add("font-family-code", meta.get("monofont"), _css_font)
    add("mono-background-color", meta.get("monobackgroundcolor"))
    for key in ("max-width", "margin-top", "margin-bottom", "margin-left", "margin-right"):
        add(key, meta.get(key), _css_size)
    return "\n".join(out)


def highlight_theme(fmt: Metadata, input_dir: Path, style: str) -> dict | None:
    """``readHighlightingTheme`` (arrow by default)."""
    theme = fmt["pandoc"].get("syntax-highlighting") or fmt["pandoc"].get("highlight-style") or "arrow"
    if not isinstance(theme, str) or theme == "none":
        return None
    names = [f"{theme}-{'dark' if style == 'dark' else 'light'}", theme] if style != "default" \
        else [f"{theme}-light", theme]
    for name in names:
        path = resources.resource("pandoc", "highlight-styles", f"{name}.theme")
        if path.is_file():
            return {"json": json.loads(path.read_text(encoding="utf-8")),
                    "adaptive": theme in ADAPTIVE_THEMES, "path": path}
    user = input_dir / theme
    if user.is_file():
        return {"json": json.loads(user.read_text(encoding="utf-8")), "adaptive": False, "path": user}
    return None


def _js(value: Any) -> str:
    """A value as JavaScript's template literal prints it."""
    return "null" if value is None else ("true" if value is True else "false" if value is False
                                         else str(value))


# --------------------------------------------------------------------------- the page

@dataclass
class Dependency:
    name: str
    scripts: list[dict[str, Any]] = field(default_factory=list)
    stylesheets: list[dict[str, Any]] = field(default_factory=list)
    head: str | None = None


class BootstrapPage:
    """One HTML render's Bootstrap extras: prepared before pandoc runs,
    applied to pandoc's page after it."""

    def __init__(self, fmt: Metadata, input_path: Path, output: Path, scratch: Path,
                 layers: list[Metadata]):
        self.fmt, self.input, self.output, self.scratch = fmt, input_path, output, scratch
        self.meta, self.render_opts = fmt["metadata"], fmt["render"]
        self.language = fmt["language"]
        self.libs = f"{output.stem}_files/libs"
        self.lib_dir = scratch / "page" / self.libs
        self.other_formats = [k for k in format_keys(merge_configs(*layers, format_rules=True))
                              if k not in ("html", "html4", "html5")]
        value = lambda k: self.meta.get(k, self.render_opts.get(k))  # noqa: E731
        unsupported = [k for k in UNSUPPORTED if value(k) not in (None, False)
                       and not (k.endswith("location") and value(k) != "margin")
                       and not (k == "page-layout" and value(k) == "article")]
        if unsupported:
            raise RenderError(f"{input_path.name}: {', '.join(unsupported)}: Quarto's handling of "
                              "this HTML option is not ported to the render without Quarto "
                              "(see the README); use Quarto or drop the option")
        self.toc = bool(fmt["pandoc"].get("toc") or fmt["pandoc"].get("table-of-contents"))
        self.toc_location = (self.meta.get("toc-location") or "right") if self.toc else None
        self.options = self._feature_options()
        self.dependencies: list[Dependency] = []

    # ------------------------------------------------------------------ before pandoc

    def _feature_options(self) -> dict[str, Any]:
        """``htmlFormatExtras``'s options, with the Bootstrap feature defaults."""
        m = self.meta
        on = lambda key: m.get(key) is not False  # noqa: E731
        opts: dict[str, Any] = {"codeLink": m.get("code-link") or False, "tabby": m.get("tabsets") or False,
                                "copyCode": on("code-copy"), "anchors": on("anchor-sections"),
                                "hoverCitations": on("citations-hover"),
                                "hoverFootnotes": on("footnotes-hover"),
                                "hoverXrefs": on("crossrefs-hover"),
                                "figResponsive": m.get("fig-responsive") is not False,
                                "codeAnnotations": m.get("code-annotations") or True,
                                "zenscroll": m.get("smooth-scroll"), "codeTools": False,
                                "darkMode": None, "darkModeDefault": None,
                                "respectUserColorScheme": m.get("respect-user-color-scheme") or False,
                                "linkExternalIcon": self.render_opts.get("link-external-icon"),
                                "linkExternalNewwindow": self.render_opts.get("link-external-newwindow"),
                                "linkExternalFilter": self.render_opts.get("link-external-filter")}
        if isinstance(m.get("theme"), dict) or isinstance(m.get("brand"), dict):
            raise RenderError(f"{self.input.name}: light/dark themes are not ported to the render "
                              "without Quarto; give one theme")
        opts["tippy"] = bool(opts["hoverCitations"] or opts["hoverFootnotes"]
                             or opts["codeAnnotations"] or opts["hoverXrefs"])
        opts["tippyOptions"] = {"theme": "quarto", "config": {}}
        opts["language"] = self.language
        if opts["anchors"] is not True and not isinstance(opts["anchors"], str):
            opts["anchors"] = bool(opts["anchors"])
        return opts

    def prepare(self) -> Path:
        """Merge the format extras into ``fmt``; return the staged template."""
        fmt, opts = self.fmt, self.options
        html_dep = Dependency("quarto-html")
        html_dep.scripts += [{"name": "quarto.js", "path": HTML / "quarto.js", "attribs": {"type": "module"}}]
        analysis = json.loads(_read("esbuild-analysis-cache.json"))["quarto.js"]
        for output in analysis["outputs"].values():
            for imp in output["imports"]:
                if imp["external"]:
                    rel = os.path.normpath(imp["path"])
                    html_dep.scripts.append({"name": rel, "path": HTML / rel, "attribs": {"type": "module"}})
        header_files: list[str] = []
        if opts["zenscroll"]:
            html_dep.scripts.append({"name": "zenscroll-min.js", "afterBody": True,
                                     "path": HTML / "zenscroll" / "zenscroll-min.js"})
            header_files.append(self._write("zen.html", "<style>html{ scroll-behavior: smooth; }</style>"))
        html_dep.scripts.append({"name": "popper.min.js", "path": HTML / "popper" / "popper.min.js"})
        if opts["tippy"]:
            html_dep.scripts.append({"name": "tippy.umd.min.js", "path": HTML / "tippy" / "tippy.umd.min.js"})
            html_dep.stylesheets.append({"name": "tippy.css", "path": HTML / "tippy" / "tippy.css"})
        if opts["anchors"]:
            html_dep.scripts.append({"name": "anchor.min.js", "path": HTML / "anchor" / "anchor.min.js"})
        if opts["copyCode"]:
            self.dependencies.append(Dependency("clipboard", scripts=[
                {"name": "clipboard.min.js", "path": HTML / "clipboard" / "clipboard.min.js"}]))
        self.dependencies.append(html_dep)
        bootstrap_dep = Dependency("bootstrap", scripts=[
            {"name": "bootstrap.min.js", "path": HTML / "bootstrap" / "dist" / "bootstrap.min.js"}],
            stylesheets=[{"name": "bootstrap-icons.css",
                          "path": HTML / "bootstrap" / "dist" / "bootstrap-icons.css"}])
        self.dependencies.append(bootstrap_dep)
        self._compile_styles(html_dep, bootstrap_dep)

        # EJS: the orchestration scripts and the article layout's body envelope
        templates = HTML / "templates"
        layout = {"toc": self.toc, "tocLocation": self.toc_location, "pageLayout": "article"}
        before, after, env_before, env_pre, env_post = render_ejs([
            (templates / "quarto-html-before-body.ejs", opts),
            (templates / "quarto-html-after-body.ejs", opts),
            (templates / "before-body-article.ejs", layout),
            (templates / "after-body-article-preamble.ejs", layout),
            (templates / "after-body-article-postamble.ejs", layout)])
        pandoc = fmt["pandoc"]
        as_list = lambda v: [] if v is None else v if isinstance(v, list) else [v]  # noqa: E731
        before_files = [self._write("before.html", before)] if before.strip() else []
        after_files = [self._write("after.html", after)] if after.strip() else []
        pandoc["include-in-header"] = header_files + as_list(pandoc.get("include-in-header"))
        pandoc["include-before-body"] = ([self._write("envelope-before.html", env_before)]
                                         + before_files + as_list(pandoc.get("include-before-body")))
        pandoc["include-after-body"] = ([self._write("envelope-after-preamble.html", env_pre)]
                                        + as_list(pandoc.get("include-after-body")) + after_files
                                        + [self._write("envelope-after-postamble.html", env_post)])

        # bootstrapExtras: pandoc and metadata defaults under the user's
        fmt["pandoc"] = merge_configs({"section-divs": True, "html-math-method": "mathjax"}, pandoc)
        style = self.meta.get("title-block-style")
        partials = [HTML / "pandoc" / p for p in ("metadata.html", "title-block.html", "toc.html",
                                                    "styles.html")]
        params: dict[str, Any] = {}
        if style not in (False, "none"):
            params["title-block-categories"] = "true" if self.meta.get("title-block-categories") is not False else ""
            partials += [templates / "_title-meta-author.html", templates / "title-metadata.html"]
            if style == "manuscript":
                partials += [templates / "manuscript" / "title-block.html",
                             templates / "manuscript" / "title-metadata.html"]
                if self.meta.get("toc-location") == "left":
                    params["banner-header-class"] = "toc-left"
            else:
                partials.append(templates / "title-block.html")
        defaults = {"document-css": False, "link-citations": True, "quarto-template-params": params}
        if style not in (False, "none") and self.meta.get("date-format") is None:
            defaults["date-format"] = self._long_date()
        fmt["metadata"] = merge_configs(defaults, self.meta)
        self.meta = fmt["metadata"]
        return self._stage_template(partials)

    def _long_date(self) -> str:
        """``documentTitleMetadata``'s ``date-format: long``: the date as
        ``Date.toLocaleString(lang, {dateStyle: "long"})`` prints it (Node's
        Intl, as Quarto's), given to the driver's dayjs formatter as a literal."""
        date = self.meta.get("date")
        text = date.isoformat() if hasattr(date, "isoformat") else str(date or "")
        if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
            return "long"  # the driver's date formatting says what it needs
        lang = str(self.meta.get("lang") or "en")
        script = ('const [d, l] = process.argv.slice(1); const [y, m, dd] = d.split("-").map(Number);'
                  'process.stdout.write(new Date(y, m - 1, dd).toLocaleString(l, {dateStyle: "long"}))')
        proc = subprocess.run([shutil.which("node") or "node", "-e", script, text[:10], lang],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RenderError(f"formatting the date with Node's Intl failed: {proc.stderr.strip()}")
        return "[" + proc.stdout.replace("]", "") + "]"

    def _write(self, name: str, text: str) -> str:
        path = self.scratch / "includes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    def _stage_template(self, partials: list[Path]) -> Path:
        """``stageTemplate``: the template and its partials in one folder."""
        folder = self.scratch / "template"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HTML / "pandoc" / "template.html", folder / "template.patched")
        for partial in partials:
            shutil.copyfile(partial, folder / partial.name)
        return folder / "template.patched"

    # ------------------------------------------------------------------ styles

    def _sass_bundles(self) -> list[sass.SassBundle]:
        """The bundles of the ``bootstrap`` dependency: tippy's rules, then
        ``layerQuartoScss`` with the user layers of ``resolveThemeLayer``."""
        meta = self.meta
        bundles = []
        if self.options["tippy"]:
            bundles.append(sass.SassBundle("tippy.scss", "bootstrap",
                                           quarto=sass.SassLayer(rules=_read("tippy", "_tippy.scss"))))
        user: list[sass.SassLayer] = []
        theme = meta.get("theme") or []
        themes = [theme] if isinstance(theme, str) else list(theme)
        load_paths: list[Path] = []
        customize = sass.layer_from_file(HTML / "bootstrap" / "_bootstrap-customize.scss")
        injected = False
        for name in themes:
            if name.endswith((".scss", ".css")):
                path = (self.input.parent / name).resolve()
                if not path.is_file():
                    raise RenderError(f"Theme file not found: {path}")
                load_paths.append(path.parent)
                user.append(sass.layer_from_file(path))
            elif (HTML / "bootstrap" / "themes" / f"{name}.scss").is_file():
                user += [sass.layer_from_file(HTML / "bootstrap" / "themes" / f"{name}.scss"), customize]
                injected = True
        if not injected:
            user.insert(0, customize)
        if meta.get("title-block-style") not in (False, "none", "plain"):
            user.insert(0, sass.layer_from_file(HTML / "templates" / "title-block.scss"))
        user.insert(0, self._highlighting_layer())
        defaults = "\n".join([
            f'$code-copy-selector: {chr(34) + "div.code-copy-outer-scaffold:hover > " + chr(34) if meta.get("code-copy") in (None, "hover") else chr(34) * 2} !default;',
            f'$code-white-space: {"pre-wrap" if self.render_opts.get("code-overflow") == "wrap" else "pre"} !default;',
            f'$tbl-cap-location: {meta.get("tbl-cap-location") or meta.get("cap-location") or "top"} !default;'])
        quarto_defaults = "\n".join(reversed([
            _read("bootstrap", "_bootstrap-variables.scss"),
            "$sidebar-bg: if(variable-exists(body-bg), $body-bg, #fff) !default;"]))
        bslib = sorted(p for d in (BSLIB_SCSS, HTML / "bslib" / "components" / "scss")
                       for p in d.iterdir() if p.is_file())
        bundles.append(sass.SassBundle(
            "quarto-theme", "bootstrap",
            quarto=sass.SassLayer(
                uses=_read("_quarto-uses.scss"),
                defaults="\n".join([defaults, quarto_defaults, _read("_quarto-variables-copy-code.scss")]),
                functions="\n".join([_read("_quarto-functions.scss"),
                                     _read("bootstrap", "_bootstrap-functions.scss")]),
                mixins=_read("bootstrap", "_bootstrap-mixins.scss"),
                rules="\n".join([_read("_quarto-rules.scss"), _read("_quarto-rules-copy-code.scss"),
                                 _read("bootstrap", "_bootstrap-rules.scss"),
                                 GLOBAL_CSS_VARIABLE_RULES,
                                 _read("_quarto-rules-link-external.scss"),
                                 _read("_quarto-rules-code-filename.scss")])),
            framework=sass.SassLayer(
                functions="\n".join([(BOOTSTRAP_SCSS / "_functions.scss").read_text(encoding="utf-8"),
                                     _read("bootstrap", "dist", "sass-utils", "color-contrast.scss")]),
                defaults="\n".join([(BOOTSTRAP_SCSS / "_variables.scss").read_text(encoding="utf-8"),
                                    pandoc_variables_scss(meta)]),
                mixins="\n".join([(BOOTSTRAP_SCSS / "_mixins.scss").read_text(encoding="utf-8"),
                                  _read("bslib", "components", "scss", "mixins", "_mixins.scss")]),
                rules="\n".join([(BOOTSTRAP_SCSS / "bootstrap.scss").read_text(encoding="utf-8"),
                                 "\n".join(p.read_text(encoding="utf-8") for p in bslib),
                                 _read("htmltools", "fill.css")])),
            user=user, load_paths=[*load_paths, BOOTSTRAP_SCSS, BSLIB_SCSS],
            attribs={"id": "quarto-bootstrap"}))
        return bundles

    def _highlighting_layer(self) -> sass.SassLayer:
        """``resolveTextHighlightingLayer`` (light)."""
        theme = highlight_theme(self.fmt, self.input.parent, "light")
        defaults: list[str] = []
        if theme is None:
            return sass.SassLayer()
        data = theme["json"]
        if self.meta.get("code-block-bg") is None and not theme["adaptive"]:
            background = data.get("background-color") or (data.get("editor-colors") or {}).get("BackgroundColor")
            if background:
                defaults.append(f"$code-block-bg: {'transparent' if background == 'none' else background} !default;")
            if data.get("text-color"):
                defaults.append(f"$code-block-color: {data['text-color']} !default;")
        styles = data.get("text-styles") or {}
        for name, variable in (("Comment", "btn-code-copy-color"), ("Function", "btn-code-copy-color-active")):
            color = (styles.get(name) or {}).get("text-color")
            if color:
                defaults.append(f"${variable}: {color} !default;")
        return sass.SassLayer(defaults="\n".join(defaults))

    def _compile_styles(self, html_dep: Dependency, bootstrap_dep: Dependency) -> None:
        """``resolveSassBundles``: Bootstrap's CSS (its Quarto variables taken
        out), then ``resolveQuartoSyntaxHighlighting``."""
        bundles = self._sass_bundles()
        css = sass.compile_scss(sass.scss_input(bundles),
                                [p for b in bundles for p in b.load_paths])
        pattern = re.compile(r"/\*! quarto-variables-start \*/([\S\s]*)/\*! quarto-variables-end \*/")
        variables = list(dict.fromkeys(m.group(1) for m in pattern.finditer(css)))
        css = pattern.sub("", css)
        attribs = {"append-hash": "true"}
        for bundle in bundles:
            for key, value in bundle.attribs.items():
                attribs.setdefault(key, value)
        attribs["data-mode"] = "dark" if re.search(r"/\*! dark \*/", css) else "light"
        digest = hashlib.md5(css.encode("utf-8")).hexdigest()
        bootstrap_dep.stylesheets.append({"name": f"bootstrap-{digest}.min.css",
                                          "text": css, "attribs": attribs})
        theme = highlight_theme(self.fmt, self.input.parent, "default")
        styles = (theme or {}).get("json", {}).get("text-styles")
        if not styles:
            return
        lines = ["/* quarto syntax highlight colors */", ":root {"]
        for name, values in styles.items():
            abbr = HL_ABBREVS.get(name)
            if abbr:
                for attr, value in values.items():
                    if attr == "text-color":
                        lines.append(f"  --quarto-hl-{abbr}-color: {value or 'inherit'};")
        lines.append("}")
        fixed = []
        for variable in variables:
            variable = variable.strip()
            if variable.endswith("}") and variable.startswith(":root") and not re.match(r".*;\s?}$", variable, re.S):
                variable = variable[:-1] + ";}"
            fixed.append(variable)
        rules = ["\n".join(lines), "", "/* other quarto variables */", *fixed]
        other, by_abbr = ["/* syntax highlight based on Pandoc's rules */"], {}
        for name, values in styles.items():
            abbr = HL_ABBREVS.get(name)
            if abbr is None:
                continue
            decls = []
            for attr, value in values.items():
                if attr == "text-color":
                    decls.append(f"color: {_js(value)};")
                elif attr == "background-color":
                    decls.append(f"background-color: {_js(value)};")
                elif attr == "bold" and value:
                    decls.append("font-weight: bold;")
                elif attr == "italic":
                    decls.append("font-style: italic;" if value else "font-style: inherit;")
                elif attr == "underline" and value:
                    decls.append("text-decoration: underline;")
            by_abbr[abbr] = [f"/* {name} */", f"\ncode span{'.' + abbr if abbr else ''} {{",
                             *(f"  {d}" for d in decls), "}\n"]
            if abbr == "":
                for selector in ("pre > code.sourceCode > span", "code.sourceCode > span",
                                 "div.sourceCode,\ndiv.sourceCode pre.sourceCode"):
                    other += [f"\n{selector} {{", *decls, "}\n"]
        rules += other + [line for abbr in sorted(by_abbr, key=lambda a: (a != "", a))
                          for line in by_abbr[abbr]]
        rules.append(".prevent-inlining { content: '</'; }")
        highlight_css = sass.compile_scss(sass.scss_input([sass.SassBundle(
            "quarto-syntax-highlighting.css", "quarto-html",
            quarto=sass.SassLayer(rules="\n".join(rules)))]), [], compressed=False)
        digest = hashlib.md5(highlight_css.encode("utf-8")).hexdigest()
        html_dep.stylesheets.append({"name": f"quarto-syntax-highlighting-{digest}.css",
                                     "text": highlight_css,
                                     "attribs": {"id": "quarto-text-highlighting-styles"}})

    # ------------------------------------------------------------------ after pandoc

    def finish(self, page: str, embed: bool) -> str:
        """Quarto's HTML post-processors and finalizers over pandoc's page."""
        from bs4 import BeautifulSoup, Doctype

        soup = BeautifulSoup(page, "html.parser")
        self.soup = soup
        traits = self._input_traits()
        self._inject_dependencies()
        self._format_postprocess()
        self._bootstrap_postprocess(traits)
        self._fix_empty_hrefs()
        self._finalize()
        if embed:
            self._bundle_modules()
        doctype = next((c for c in soup.contents if isinstance(c, Doctype)), None)
        html_el = soup.find("html")
        return (f"<!DOCTYPE {doctype}>\n" if doctype else "") + html_el.decode(formatter=_SOURCE_ORDER)

    @property
    def resource_path(self) -> list[Path]:
        """Where the page's dependencies are, for the self-contained pass."""
        return [self.input.parent, self.scratch / "page"]

    def _input_traits(self) -> dict[str, Any]:
        results = self.scratch / "results.json"
        if results.is_file() and results.read_text(encoding="utf-8").strip():
            return json.loads(results.read_text(encoding="utf-8")).get("inputTraits") or {}
        return {}

    def _filter_dependencies(self) -> list[Dependency]:
        """HTML dependencies Quarto's Lua filters added (``quarto.doc.add_html_dependency``)."""
        path = self.scratch / "dependencies.json"
        deps = []
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line) if line.strip() else None
                if item and item["type"] == "html":
                    c = item["content"]
                    if c.get("links") or c.get("meta") or c.get("serviceworkers"):
                        raise RenderError(f"HTML dependency {c['name']}: links, meta and service "
                                          "workers are not ported to the render without Quarto")
                    deps.append(Dependency(
                        c["name"] + (f"-{c['version']}" if c.get("version") else ""),
                        scripts=[{**s, "path": Path(s["path"])} for s in c.get("scripts") or []],
                        stylesheets=[{**s, "path": Path(s["path"])} for s in c.get("stylesheets") or []],
                        head=c.get("head")))
        return deps

    def _inject_dependencies(self) -> None:
        """``readAndInjectDependencies``: copy each dependency to
        ``<stem>_files/libs/<name>/`` and link it where the template marks."""
        from bs4 import BeautifulSoup, Comment

        soup = self.soup
        head = soup.head
        marker = next((c for c in head.children if isinstance(c, Comment)
                       and c.strip() == DEPENDENCY_MARKER), None)
        seen: set[str] = set()

        def inject(el, after_body: bool) -> None:
            if after_body:
                soup.body.append(el)
                soup.body.append("\n")
            elif marker is not None:
                marker.insert_before("\n")
                marker.insert_before(el)
            else:
                head.insert(0, el)

        for dep in self.dependencies + self._filter_dependencies():
            if dep.name in seen:
                continue
            seen.add(dep.name)
            folder = self.lib_dir / dep.name
            for kind, items in (("script", dep.scripts), ("style", dep.stylesheets)):
                for item in items:
                    target = folder / item["name"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if "text" in item:
                        target.write_text(item["text"], encoding="utf-8")
                    else:
                        shutil.copyfile(item["path"], target)
                        if kind == "style":
                            self._copy_css_refs(Path(item["path"]), target)
                    href = f"{self.libs}/{dep.name}/{item['name']}"
                    if kind == "script":
                        el = soup.new_tag("script", attrs={"src": href})
                    else:
                        el = soup.new_tag("link", attrs={"href": href, "rel": "stylesheet"})
                    for key, value in (item.get("attribs") or {}).items():
                        el[key] = value
                    inject(el, bool(item.get("afterBody")))
            if dep.head:
                for child in list(BeautifulSoup(dep.head, "html.parser").contents):
                    if getattr(child, "name", None):
                        inject(child, False)
        if marker is not None:
            marker.extract()

    @staticmethod
    def _copy_css_refs(source: Path, target: Path) -> None:
        """Files a stylesheet refers to (``url(...)``), copied beside it."""
        css = source.read_text(encoding="utf-8")
        for ref in re.findall(r"url\((?!['\"]?(?:data|https?):)['\"]?([^'\")?#]*)", css):
            origin = source.parent / ref
            if ref and origin.is_file():
                (target.parent / ref).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, target.parent / ref)

    def _format_postprocess(self) -> None:
        """``htmlFormatPostprocessor`` for what a document without code cells has."""
        soup = self.soup
        for code in soup.select("pre.sourceCode"):
            for clz in ("cell-code", "hidden"):
                if clz in code.get("class", []):
                    code["class"].remove(clz)
                    code.parent["class"] = code.parent.get("class", []) + [clz]
            if self.options["copyCode"]:
                scaffold = soup.new_tag("div", attrs={"class": "code-copy-outer-scaffold"})
                button = soup.new_tag("button", attrs={
                    "title": self.language.get("copy-button-tooltip") or "Copy to Clipboard",
                    "class": "code-copy-button"})
                button.append(soup.new_tag("i", attrs={"class": "bi"}))
                code["class"] = code.get("class", []) + ["code-with-copy"]
                source_div = code.parent
                source_div.replace_with(scaffold)
                scaffold.append(source_div)
                scaffold.append(button)
        if self.options["anchors"]:
            container = soup.find("main") or soup.body
            for selector in ("h2", "h3", "h4", "h5", "h6", ".quarto-figure[id]", "div[id^=tbl-]"):
                for el in container.select(selector):
                    if el.get("id") != "toc-title" and "no-anchor" not in el.get("class", []):
                        el["class"] = el.get("class", []) + ["anchored"]
        for number in soup.select(".header-section-number"):
            prev = number.find_previous_sibling()
            if prev is not None and "toc-section-number" in prev.get("class", []):
                number.decompose()
        for table in soup.select('table[data-quarto-postprocess="true"]'):
            if table.get("data-quarto-disable-processing") == "true":
                continue
            del table["data-quarto-postprocess"]
            if table.has_attr("data-quarto-disable-processing"):
                del table["data-quarto-disable-processing"]
            for cell in table.select("tr > th, tr > td"):
                cell.name = "th" if cell.get("data-quarto-table-cell-role") == "th" else "td"

    def _bootstrap_postprocess(self, traits: dict[str, Any]) -> None:
        soup = self.soup
        title = soup.select_one("header > .title")
        if title is not None:
            title["class"] = title.get("class", []) + ["display-7"]
        subtitle = soup.select_one("header > .subtitle")
        if subtitle is not None and "lead" not in subtitle.get("class", []):
            subtitle["class"] = subtitle.get("class", []) + ["lead"]
        for quote in soup.find_all("blockquote"):
            quote["class"] = quote.get("class", []) + ["blockquote"]
        for figure in soup.find_all("figure"):
            figure["class"] = figure.get("class", []) + ["figure"]
            for img in figure.find_all("img"):
                img["class"] = img.get("class", []) + ["figure-img"]
        toc = soup.select_one('nav[role="doc-toc"]')
        target = soup.find(id="quarto-toc-target")
        if toc is not None and target is not None:
            toc["class"] = toc.get("class", []) + ["toc-active"]
            expanded = self.meta.get("toc-expand")
            if expanded is not None:
                toc["data-toc-expanded"] = "99" if expanded is True else str(expanded) if expanded else "-1"
            for i, link in enumerate(soup.select('nav#TOC[role="doc-toc"] > ul a')):
                link["class"] = link.get("class", []) + ["nav-link"] + (["active"] if i == 0 else [])
                if not link.has_attr("data-scroll-target"):
                    link["data-scroll-target"] = (link.get("href") or "").replace(":", "\\:")
            depth = int(self.fmt["pandoc"].get("toc-depth") or 3)
            if depth > 1:
                for ul in toc.select(" ".join(["ul"] * (depth - 1))):
                    ul["class"] = ul.get("class", []) + ["collapse"]
            target.replace_with(toc.extract())
        elif target is not None:
            target.decompose()
        if self.render_opts.get("format-links", self.meta.get("format-links")) is not False:
            self._alternate_format_links()
        self._other_links()
        for table in soup.select("tbody > tr:first-child.odd"):
            table = table.parent.parent
            if table is not None and table.name == "table":
                if table.has_attr("style"):
                    del table["style"]
                table["class"] = table.get("class", []) + ["table"]
        for section in soup.select('section[class^="level"]'):
            heading = next((section.find(h) for h in ("h2", "h3", "h4", "h5", "h6") if section.find(h)), None)
            if heading is not None:
                heading["data-anchor-id"] = section.get("id", "")
        if self.meta.get("title-block-style") == "manuscript":  # processDocumentTitle
            header, content = soup.find(id="title-block-header"), soup.find(id="quarto-content")
            if header is not None and content is not None:
                content.insert_before(header.extract())
            main = soup.select_one("main.content")
            if main is not None:
                main["class"] = main.get("class", []) + ["quarto-banner-title-block"]
        before_script = soup.select_one("script#quarto-html-before-body")
        if before_script is not None:
            soup.body.insert(0, before_script.extract())
        if self.meta.get("appendix-style") not in (False, "none"):
            self._appendix(traits)

    def _link(self, href: str, icon: str, title: str, attr: dict | None = None, download: str | None = None):
        """``createLinkChild``."""
        soup = self.soup
        link = soup.new_tag("a", attrs={"href": href})
        for key, value in (attr or {}).items():
            link[key] = str(value)
        if download:
            link["download"] = download
        link.append(soup.new_tag("i", attrs={"class": f"bi bi-{icon}"}))
        link.append(title)
        return link

    def _link_target(self, providers: tuple[str, str]):
        """``getLinkTarget``: an explicit target in the title block, else the TOC."""
        soup = self.soup
        for kind, selector in zip(("heading", "text"), providers):
            el = soup.select_one(f".{selector}")
            if el is not None:
                def heading(text, soup=soup):
                    div = soup.new_tag("div", attrs={"class": "quarto-title-meta-heading"})
                    div.string = text
                    return div

                if kind == "heading":
                    def item(link, i, n, soup=soup):
                        div = soup.new_tag("div", attrs={"class": "quarto-title-meta-contents"})
                        p = soup.new_tag("p")
                        p.append(link)
                        div.append(p)
                        return div
                    return el, heading, lambda: None, item

                def text_item(link, i, n, soup=soup):
                    span = soup.new_tag("span")
                    span.append(link)
                    if i < n - 1:
                        span.append(",")
                        span["style"] = "padding-right: 0.5em;"
                    return span
                return el, heading, lambda soup=soup: soup.new_tag(
                    "div", attrs={"class": "quarto-title-meta-contents"}), text_item
        el = soup.select_one('nav[role="doc-toc"]') or soup.find(id="quarto-sidebar-toc-left") \
            or soup.find(id="quarto-margin-sidebar")
        if el is None:
            return None

        def h2(text, soup=soup):
            tag = soup.new_tag("h2")
            tag.string = text
            return tag

        def li(link, i, n, soup=soup):
            tag = soup.new_tag("li")
            tag.append(link)
            return tag
        return el, h2, lambda soup=soup: soup.new_tag("ul"), li

    def _place_links(self, providers, clz: str, title: str, links: list[dict]) -> None:
        target = self._link_target(providers)
        if target is None or not links:
            return
        el, heading, container, item = target
        box = self.soup.new_tag("div", attrs={"class": clz})
        box.append(heading(title))
        lst = container()
        for i, link in enumerate(links):
            entry = item(self._link(link["href"], link["icon"], link["title"], link.get("attr"),
                                    link.get("download")), i, len(links))
            (lst if lst is not None else box).append(entry)
        if lst is not None:
            box.append(lst)
        el.append(box)

    def _alternate_format_links(self) -> None:
        """``processAlternateFormatLinks`` + ``otherFormatLinks`` for the
        document's other formats in the project (Quarto renders them all
        before it post-processes the HTML)."""
        if not self.other_formats:
            return
        user = self.render_opts.get("format-links", self.meta.get("format-links"))
        user = None if isinstance(user, bool) else user if isinstance(user, list) else \
            [user] if user is not None else None
        display = {"typst": "Typst", "pdf": "PDF", "docx": "MS Word", "beamer": "Beamer"}
        icons = {"typst": "file-pdf", "pdf": "file-pdf", "beamer": "file-slides", "docx": "file-word"}
        ext = {"typst": "pdf", "pdf": "pdf", "beamer": "pdf", "docx": "docx"}
        formats = [f for f in self.other_formats if f in ext]

        def for_format(name, order, title=None, icon=None):
            return {"title": title or display[name], "href": f"{self.input.stem}.{ext[name]}",
                    "icon": icon or icons[name], "order": order}
        links, count = [], 1
        for link in user or []:
            if isinstance(link, str):
                if link in formats:
                    links.append(for_format(link, count))
            elif "format" in link:
                if link["format"] in formats:
                    links.append(for_format(link["format"], count, link.get("text"), link.get("icon")))
            else:
                icon = link.get("icon") or {".pdf": "file-pdf", ".docx": "file-word", ".md": "file-code",
                                            ".xml": "filetype-xml", ".ipynb": "journal-code"}.get(
                    Path(str(link["href"])).suffix.lower(), "file")
                links.append({"title": link["text"], "href": link["href"], "icon": icon,
                              "order": link.get("order") or count, "attr": link.get("attr")})
            count += 1
        if not any(isinstance(link, str) for link in user or []):
            for name in formats:
                links.append(for_format(name, count))
                count += 1
        links.sort(key=lambda link: link["order"])
        self._place_links(("quarto-other-formats-target", "quarto-other-formats-text-target"),
                          "quarto-alternate-formats", self.language.get("related-formats-title"), links)

    def _other_links(self) -> None:
        """``processOtherLinks`` for ``other-links`` (code links are not ported)."""
        links = self.meta.get("other-links") or []
        out = []
        for link in links:
            attr = {k: link[k] for k in ("rel", "target") if link.get(k)}
            out.append({"title": link["text"], "href": link["href"],
                        "icon": link.get("icon") or "link-45deg", "attr": attr or None})
        self._place_links(("quarto-other-links-target", "quarto-other-links-text-target"),
                          "quarto-other-links", self.language.get("other-links-title") or "Other Links", out)

    def _appendix(self, traits: dict[str, Any]) -> None:
        """``processDocumentAppendix``: references, footnotes and sections
        marked ``.appendix`` gathered after the main text."""
        soup = self.soup
        main = soup.select_one("main.content") or soup.find(id="quarto-content")
        if main is None:
            return
        appendix = soup.new_tag("div", attrs={"id": "quarto-appendix"})
        if self.meta.get("appendix-style") != "plain":
            appendix["class"] = ["default"]
        classes = ["anchored", "quarto-appendix-heading"]

        def heading(text):
            tag = soup.new_tag("h2", attrs={"class": classes})
            if text is not None and text != "none":
                for node in _fragment(text):
                    tag.append(node)
            return tag
        sections = []
        refs = soup.find(id="refs")
        if refs is not None and not traits.get("positioned-refs"):
            parent, existing = refs.parent, None
            if parent is not None and parent.name == "section" and len(parent.find_all(recursive=False)) == 2:
                found = parent.find(["h1", "h2", "h3", "h4", "h5", "h6"])
                if found is not None:
                    existing = found.get_text()
                    found.decompose()
            section = soup.new_tag("section", attrs={"class": "quarto-appendix-contents",
                                                     "role": "doc-bibliography", "id": "quarto-bibliography"})
            section.append(refs.extract())
            section.insert(0, heading(existing if existing is not None
                                      else self.language.get("section-title-references")))
            sections.append(section)
        notes = soup.select('section[role="doc-endnotes"]')
        if len(notes) == 1:
            note = notes[0]
            note.insert(0, heading(self.language.get("section-title-footnotes")))
            hr = note.find("hr")
            if hr is not None:
                hr.decompose()
            note["class"] = note.get("class", [])
            sections.append(note.extract())
        marked = []
        for section in soup.select("section.appendix"):
            if section.get("id"):
                entry = soup.select_one(f'#TOC a[href="#{section["id"]}"]')
                if entry is not None and entry.parent is not None:
                    entry.parent.decompose()
            found = section.find(["h1", "h2", "h3", "h4", "h5", "h6"])
            h2 = soup.new_tag("h2")
            if found is not None:
                found.extract()
                for child in list(found.contents):
                    h2.append(child)
                if section.get("id"):
                    h2["class"] = ["anchored"]
            h2["class"] = h2.get("class", []) + ["quarto-appendix-heading"]
            contents = soup.new_tag("div", attrs={"class": "quarto-appendix-contents"})
            for child in list(section.contents):
                contents.append(child)
            section.append(h2)
            section.append(contents)
            marked.append(section)
        for section in marked + sections:
            appendix.append(section)
        if appendix.find(recursive=False) is not None:
            main.append(appendix)

    def _fix_empty_hrefs(self) -> None:
        for a in self.soup.find_all("a"):
            if not a.get("href"):
                a["href"] = ""

    def _finalize(self) -> None:
        """``bootstrapHtmlFinalizer`` for an article without column elements."""
        soup = self.soup
        margin = soup.select('.column-margin, aside:not(.footnotes):not(.sidebar), '
                             '[class*="margin-caption"], [class*="margin-ref"]')
        if margin:
            raise RenderError(f"{self.input.name}: margin layouts are not ported to the render "
                              "without Quarto")
        self._column_elements()
        has_toc = self.toc
        right = soup.find(id="quarto-margin-sidebar")
        has_right = right is not None and right.find(recursive=False) is not None
        if right is not None and not has_right and not has_toc:
            right.decompose()
            right = None
        if not has_right and not has_toc:
            soup.body["class"] = soup.body.get("class", []) + ["fullcontent"]
        soup.body["class"] = soup.body.get("class", []) + ["quarto-light"]
        if right is not None and right.find(recursive=False) is None:
            right["class"] = right.get("class", []) + ["zindex-bottom"]

    def _column_elements(self) -> None:
        """``processColumnElements`` without margin content: nested column
        classes dropped, a lone figure takes its container's column, and each
        column element's ancestors join the page grid."""
        soup = self.soup
        select = lambda: soup.select('[class^="column-"], [class*=" column-"]')  # noqa: E731
        for el in select():
            if any(set(p.get("class", [])) & set(NON_SCREEN_COLUMNS) for p in el.parents):
                el["class"] = [c for c in el["class"] if c not in ALL_COLUMNS]
        for el in select():
            if any(c.startswith("column-") for c in el.get("class", [])) and el.select_one(".grid") is None:
                images = el.select("figure img.figure-img")
                if len(images) == 1:
                    moved = [c for c in el["class"] if c.startswith("column-")]
                    el["class"] = [c for c in el["class"] if c not in moved]
                    images[0]["class"] = images[0].get("class", []) + moved
        for el in select():
            parent = el.parent
            while parent is not None and parent.name not in ("body", "[document]") \
                    and not (parent.name == "div" and parent.get("id") == "quarto-content"):
                classes = parent.get("class", [])
                if "quarto-layout-row" not in classes and "page-columns" not in classes:
                    classes = classes + ["page-columns"]
                if "page-full" not in classes:
                    classes = classes + ["page-full"]
                parent["class"] = classes
                parent = parent.parent

    def _bundle_modules(self) -> None:
        """``bundleModules``: each module script bundled with its imports
        (esbuild, as Quarto does) into one ``data:`` URL."""
        for script in self.soup.select("script[type='module'][src]"):
            source = self.scratch / "page" / script["src"]
            proc = subprocess.run([*sass.node_tool("esbuild", "QUARTO_ESBUILD"), "--bundle", "--format=esm"],
                                  input=source.read_text(encoding="utf-8"), cwd=source.parent,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise RenderError(f"esbuild failed on {script['src']}:\n{proc.stderr.strip()}")
            script["src"] = "data:application/javascript;base64," + base64.b64encode(
                proc.stdout.encode("utf-8")).decode("ascii")


class _SourceOrder:
    """BeautifulSoup's HTML formatter, attributes in their own order (as a
    browser's DOM serializes them) rather than sorted."""

    def __new__(cls):
        from bs4.formatter import HTMLFormatter

        class Formatter(HTMLFormatter):
            def attributes(self, tag):
                return list(tag.attrs.items())
        return Formatter(entity_substitution=HTMLFormatter.REGISTRY["minimal"].entity_substitution)


_SOURCE_ORDER = _SourceOrder()


def _fragment(html: str) -> list:
    """The nodes of an HTML snippet (``innerHTML = html``)."""
    from bs4 import BeautifulSoup

    return list(BeautifulSoup(html, "html.parser").contents)


GLOBAL_CSS_VARIABLE_RULES = """
  $font-family-monospace: SFMono-Regular, Menlo, Monaco, Consolas, "Liberation Mono", "Courier New", monospace !default;
  /*! quarto-variables-start */
  :root {
    --quarto-font-monospace: #{inspect($font-family-monospace)};
  }
  /*! quarto-variables-end */
  """
