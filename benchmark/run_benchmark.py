#!/usr/bin/env python3
"""Build-speed benchmark: clean build, no-op and a one-language prose edit,
each beside its floor, in a fresh copy of the repository.

Floors: the import of the analysis stack (pandas, matplotlib.pyplot,
statsmodels.api) in a new interpreter, and Snakemake's own no-op on a
one-rule workflow. Targets: clean build ≤ 3 × the import floor; no-op ≤ 1.5 ×
Snakemake's no-op. For each document it also prints the bare render (pandoc
with Quarto's filters, plus Typst for a PDF, as the render logs them) beside
the build's own job for it. Run: .venv/bin/python benchmark/run_benchmark.py
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.conftest import copy_repo  # noqa: E402

SNAKEMAKE = [sys.executable, "-m", "snakemake", "--quiet"]


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return elapsed


def render_times(repo: Path) -> list[tuple[str, float, float]]:
    """(document, bare pandoc + Typst seconds, the job's seconds) from the job logs."""
    rows = []
    for log in sorted((repo / "logs").glob("paper-*.log")):
        text = log.read_text(encoding="utf-8")
        bare = sum(float(x) for x in re.findall(r"(?:pandoc|typst) ([\d.]+) s", text))
        job = re.search(r"done in ([\d.]+) s", text)
        if job:
            rows.append((log.name.removesuffix(".log"), bare, float(job.group(1))))
    return rows


def preview_latency(repo: Path, repeat: int) -> tuple[float, float] | None:
    """Seconds from saving a one-paragraph edit to the page showing it in a
    headless browser (tools/preview), and the bare render of that HTML (pandoc
    with Quarto's filters) the preview logged for the same edit. None without
    Chromium."""
    import socket

    from tests.conftest import CHROMIUM_ARGS, chromium_path

    try:
        executable = chromium_path()
    except BaseException:  # noqa: BLE001 - pytest.fail outside pytest
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = repo / "preview.log"
    with log_path.open("w") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "analysis.preview", "en", "--no-browser",
                                 "--port", str(port)], cwd=repo, stdout=log_file, stderr=subprocess.STDOUT)
    latencies, bare = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            page = browser.new_page()
            url = f"http://127.0.0.1:{port}/paper-en.html"
            for _ in range(600):
                try:
                    if page.goto(url).ok and "data-value" in page.content():
                        break
                except Exception:  # noqa: BLE001 - not up yet
                    pass
                time.sleep(0.2)
            section = sorted((repo / "paper/sections/en").glob("*.qmd"))[0]
            for i in range(repeat):
                marker = f"Benchmark sentence {time.time_ns()}."
                logged = log_path.read_text().count("timings paper-en.qmd")
                start = time.perf_counter()
                section.write_text(section.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
                page.wait_for_selector(f"text={marker}", timeout=120_000)
                latencies.append(time.perf_counter() - start)
                for _ in range(100):
                    lines = re.findall(r"timings paper-en\.qmd: pandoc ([\d.]+) s", log_path.read_text())
                    if len(lines) > logged:
                        bare.append(float(lines[-1]))
                        break
                    time.sleep(0.05)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return statistics.median(latencies), statistics.median(bare)


def median_of(n: int, fn) -> float:
    return statistics.median(fn() for _ in range(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions for the medians")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        floor_import = median_of(args.repeat, lambda: timed(
            [sys.executable, "-c", "import pandas, matplotlib.pyplot, statsmodels.api"], work))
        one = work / "one-rule"
        one.mkdir()
        (one / "Snakefile").write_text('rule all:\n    output: "a.txt"\n    shell: "touch {output}"\n')
        timed(SNAKEMAKE + ["--cores", "1"], one)
        floor_noop = median_of(args.repeat, lambda: timed(SNAKEMAKE + ["--cores", "1"], one))

        def clean_build() -> float:
            repo = work / f"repo-{time.monotonic_ns()}"
            copy_repo(repo)
            return timed(SNAKEMAKE, repo)

        clean = median_of(args.repeat, clean_build)
        repo = work / "repo-edit"
        copy_repo(repo)
        timed(SNAKEMAKE, repo)
        renders = render_times(repo)
        noop = median_of(args.repeat, lambda: timed(SNAKEMAKE, repo))

        def prose_edit() -> float:
            section = sorted((repo / "paper/sections/en").glob("*.qmd"))[-1]
            section.write_text(section.read_text(encoding="utf-8") + f"\n<!-- {time.time_ns()} -->\n",
                               encoding="utf-8")
            return timed(SNAKEMAKE, repo)

        edit = median_of(args.repeat, prose_edit)
        preview = preview_latency(repo, args.repeat)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("clean build", clean, "import floor", floor_import, 3.0),
        ("no-op", noop, "snakemake no-op", floor_noop, 1.5),
        ("prose edit (en)", edit, "snakemake no-op", floor_noop, None),
    ]
    print(f"{'measure':<18}{'seconds':>9}  {'floor':<17}{'seconds':>9}{'ratio':>8}  target")
    for name, t, fname, f, target in rows:
        ratio = t / f
        verdict = "" if target is None else (f"≤ {target}×  {'met' if ratio <= target else 'MISSED'}")
        print(f"{name:<18}{t:>9.2f}  {fname:<17}{f:>9.2f}{ratio:>7.2f}×  {verdict}")
    print(f"\n{'document':<18}{'bare render':>12}{'build job':>11}  (pandoc + Quarto filters [+ Typst])")
    for name, bare, job in renders:
        print(f"{name:<18}{bare:>11.2f}s{job:>10.2f}s")
    if preview:
        latency, bare = preview
        verdict = "met" if latency <= bare + 0.5 else "MISSED"
        print(f"\npreview: prose edit visible in the browser after {latency:.2f} s; bare render (pandoc with "
              f"Quarto's filters) {bare:.2f} s; the loop adds {latency - bare:.2f} s (target ≤ 0.5 s: {verdict})")
    else:
        print("\npreview: not measured (no Chromium: apt-get install chromium)")
    print(f"peak memory of any child process: {peak_mb:.0f} MB "
          f"(medians of {args.repeat}; {Path(sys.executable).parent.parent.name} Python)")


if __name__ == "__main__":
    main()
