"""Live preview of one edition's HTML: ``tools/preview [zh|en]``.

Serves the page on localhost and reloads it in the browser when its sources
change, as ``quarto preview`` does. A prose edit (the documents, sections,
``_quarto.yml``, extensions, bibliography) goes straight through the renderer
in this warm process, so the page changes about as fast as pandoc with
Quarto's filters can render it; an edit to data, code or configuration goes
through Snakemake, which rebuilds what depends on it, then the page is
rendered again. The preview writes to ``.preview/`` (never to the build's
outputs); other files (the PDF, the other language) come from
``paper/_output/``. A render error is shown in the page, with its file and
line, until it is fixed.
"""

from __future__ import annotations

import argparse
import html
import http.server
import logging
import queue
import subprocess
import sys
import threading
import time
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

PROSE = ("paper/*.qmd", "paper/sections/**/*.qmd", "paper/_quarto.yml", "paper/_extensions/**/*",
         "paper/references.bib", "paper/csl/*", "paper/style.css")
BUILD = ("data/raw/**/*", "analysis/**/*.py", "analysis/**/*.lua", "analysis/**/*.mplstyle",
         "config/*", "Snakefile", "analysis/rules/*.smk")
EVENTS_PATH = "/__preview/events"
RELOAD_SCRIPT = f"""<script>
// live reload (tools/preview): keep the reader's place across reloads
addEventListener("load", () => {{ const y = sessionStorage.getItem("preview-y");
  if (y !== null) scrollTo(0, +y); }});
new EventSource("{EVENTS_PATH}").onmessage = () => {{
  sessionStorage.setItem("preview-y", scrollY); location.reload(); }};
</script>"""


def classify(path: Path, root: Path) -> str | None:
    """``prose``, ``build`` or None (not a source of the paper)."""
    rel = path.resolve().relative_to(root.resolve())
    if any(rel.match(p) or _glob_match(rel, p) for p in PROSE):
        return "prose"
    if any(rel.match(p) or _glob_match(rel, p) for p in BUILD):
        return "build"
    return None


def _glob_match(rel: Path, pattern: str) -> bool:
    if "**" not in pattern:
        return False
    head, _, tail = pattern.partition("/**/")
    return rel.as_posix().startswith(head + "/") and rel.match(tail)


@dataclass
class Preview:
    """The state of one preview: what is shown and who is watching."""

    root: Path
    lang: str
    engine: str = "auto"
    out_dir: Path = field(init=False)
    listeners: list[queue.Queue] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_render: float = 0.0

    def __post_init__(self) -> None:
        self.out_dir = self.root / ".preview"
        self.out_dir.mkdir(exist_ok=True)

    @property
    def page(self) -> Path:
        return self.out_dir / f"paper-{self.lang}.html"

    def snakemake(self) -> str | None:
        """Bring the generated inputs up to date; the error text if it fails."""
        target = f"paper/_output/paper-{self.lang}.html"
        proc = subprocess.run([sys.executable, "-m", "snakemake", target, "--quiet"], cwd=self.root,
                              capture_output=True, text=True)
        return None if proc.returncode == 0 else (proc.stderr or proc.stdout)[-4000:]

    def render(self) -> None:
        """Render the page now (strictly); on failure, show the error instead."""
        from analysis import fileio, render

        started = time.perf_counter()
        try:
            # not self-contained: the browser loads the figures and Quarto's
            # scripts beside the page, which saves the embedding pass on every edit
            render.render(self.root / "paper" / f"paper-{self.lang}.qmd", "html", self.page,
                          metadata={"embed-resources": False}, engine=self.engine, strict=True)
        except render.RenderError as exc:
            fileio.write_text(self.page, error_page(str(exc)))
        self.last_render = time.perf_counter() - started
        log.info("rendered in %.2f s", self.last_render)
        self.notify()

    def rebuild(self, kind: str) -> None:
        with self.lock:
            error = self.snakemake() if kind == "build" else None
            if error:
                from analysis import fileio

                fileio.write_text(self.page, error_page(error))
                self.notify()
            else:
                self.render()

    def notify(self) -> None:
        for q in list(self.listeners):
            q.put("reload")


def error_page(message: str) -> str:
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Preview: error</title></head>"
            "<body style='font-family:sans-serif;margin:2em'><h1>The paper does not render</h1>"
            f"<pre style='white-space:pre-wrap'>{html.escape(message)}</pre></body></html>")


def make_handler(preview: Preview):
    """Serves ``.preview/`` (the page and its libraries), then ``paper/_output/``
    (the PDF, the other language) and ``paper/`` (the figures the page links),
    adds the reload script to HTML pages, and streams reload events."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.root / "paper" / "_output"), **kwargs)

        def log_message(self, fmt, *args):  # quiet: the terminal shows renders only
            log.debug(fmt, *args)

        def do_GET(self):  # noqa: N802 - http.server's name
            if self.path == EVENTS_PATH:
                return self.events()
            if self.path in ("/", ""):
                self.send_response(302)
                self.send_header("Location", f"/paper-{preview.lang}.html")
                return self.end_headers()
            name = self.path.split("?")[0].lstrip("/")
            folders = (preview.out_dir, preview.root / "paper" / "_output", preview.root / "paper")
            source = next((f / name for f in folders if (f / name).is_file()
                           and (f / name).resolve().is_relative_to(f.resolve())),
                          Path(self.translate_path(self.path)))
            if source.suffix != ".html" and source.is_file():
                body = source.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(source)))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return self.wfile.write(body)
            if source.suffix == ".html" and source.is_file():
                body = source.read_text(encoding="utf-8")
                body = body.replace("</body>", RELOAD_SCRIPT + "</body>", 1).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return self.wfile.write(body)
            return super().do_GET()

        def events(self):
            q: queue.Queue = queue.Queue()
            preview.listeners.append(q)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            try:
                while True:
                    try:
                        message = q.get(timeout=15)
                    except queue.Empty:
                        message = None
                    self.wfile.write(b": keep-alive\n\n" if message is None
                                     else f"data: {message}\n\n".encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                preview.listeners.remove(q)

    return Handler


def watch(preview: Preview, stop: threading.Event) -> None:
    """Re-render on every change to the paper's sources (prose first)."""
    from watchfiles import watch as watch_files

    folders = [preview.root / d for d in ("paper", "data/raw", "analysis", "config")]
    for changes in watch_files(*folders, preview.root / "Snakefile", stop_event=stop,
                               debounce=400, step=20, rust_timeout=200):
        kinds = {classify(Path(path), preview.root) for _, path in changes}
        kinds.discard(None)
        if kinds:
            preview.rebuild("build" if "build" in kinds else "prose")


def serve(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), make_handler(preview))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/preview", description=__doc__.split("\n\n")[0])
    parser.add_argument("lang", nargs="?", default="zh", choices=["zh", "en"])
    parser.add_argument("--port", type=int, default=4848)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument("--engine", default="auto", choices=["auto", "quarto", "vendored"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[preview] %(message)s")
    root = Path.cwd()
    preview = Preview(root=root, lang=args.lang, engine=args.engine)
    print(f"[preview] building what paper-{args.lang}.html needs ...", file=sys.stderr)
    preview.rebuild("build")
    server = serve(preview, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}/paper-{args.lang}.html"
    print(f"[preview] {url} (Ctrl-C to stop)", file=sys.stderr)
    if not args.no_browser:
        webbrowser.open(url)
    stop = threading.Event()
    try:
        watch(preview, stop)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
