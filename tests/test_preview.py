"""tools/preview: a prose edit shows in the browser by itself."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis import preview


def test_sources_are_classified(tmp_path):
    root = tmp_path
    assert preview.classify(root / "paper/sections/zh/01-introduction.qmd", root) == "prose"
    assert preview.classify(root / "paper/paper-en.qmd", root) == "prose"
    assert preview.classify(root / "paper/_extensions/paper/paper.lua", root) == "prose"
    assert preview.classify(root / "data/raw/cited_statistics.csv", root) == "build"
    assert preview.classify(root / "analysis/models.py", root) == "build"
    # what the build itself writes never triggers a render
    for written in ("paper/_generated/sections.zh.qmd", "paper/_variables.yml", "paper/_output/paper-zh.html",
                    "analysis/__pycache__/models.cpython-311.pyc", "data/processed/audit.csv"):
        assert preview.classify(root / written, root) is None, written


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
def test_prose_edit_reloads_the_page(builds, browser, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(builds["a"], repo, symlinks=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "analysis.preview", "en", "--no-browser",
                             "--port", str(port)], cwd=repo, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        page = browser.new_page()
        url = f"http://127.0.0.1:{port}/paper-en.html"
        for _ in range(300):  # the first build and render
            try:
                if page.goto(url).ok:
                    break
            except Exception:  # noqa: BLE001 - not listening yet
                time.sleep(0.2)
        page.wait_for_selector("text=Contents", timeout=60_000)
        section = repo / "paper/sections/en/07-conclusion.qmd"
        section.write_text(section.read_text(encoding="utf-8") + "\nA sentence the preview must show.\n",
                           encoding="utf-8")
        page.wait_for_selector("text=A sentence the preview must show.", timeout=60_000)
        assert not (repo / "paper/_output/paper-en.html").read_text(encoding="utf-8").count(
            "A sentence the preview must show"), "the preview must not write the build's outputs"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
