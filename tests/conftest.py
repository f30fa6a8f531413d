"""Shared test helpers: the repository root and working copies of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def source_files() -> list[str]:
    """Files a fresh clone would have (tracked, plus new files not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return sorted(f for f in out.split("\0") if f and (ROOT / f).is_file())


def copy_repo(dest: Path) -> Path:
    """A clean copy of the repository's sources (no outputs) at ``dest``."""
    for rel in source_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    if (ROOT / "node_modules").is_dir():  # installed tools, shared like .venv
        (dest / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return dest


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


SNAKEMAKE = [sys.executable, "-m", "snakemake", "--cores", "2"]


def _offline_prefix() -> list[str]:
    """``unshare -rn``: a private network namespace with no interfaces but loopback."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"]).returncode == 0:
        return ["unshare", "-rn"]
    return []


def _snakemake(repo: Path, *args: str, offline: bool = False, quiet: bool = True) -> subprocess.CompletedProcess:
    cmd = (_offline_prefix() if offline else []) + SNAKEMAKE + (["--quiet"] if quiet else []) + list(args)
    return subprocess.run(cmd, cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    """Two clean builds of the same sources at different depths and names."""
    a = copy_repo(tmp_path_factory.mktemp("build-a") / "repo")
    b = copy_repo(tmp_path_factory.mktemp("build-b") / "some" / "deeper" / "clone")
    offline = bool(_offline_prefix())
    for repo in (a, b):
        proc = _snakemake(repo, offline=offline)
        assert proc.returncode == 0, proc.stderr[-4000:]
    return {"a": a, "b": b, "offline": offline}


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    path = os.environ.get("PAPER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("Chromium is not installed, so the browser tests cannot run. Fix: ./tools/run-tests "
                    "(installs it), or apt-get install chromium, or set PAPER_CHROMIUM=/path/to/chromium")
    return path


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser), one
    for the whole session: Playwright's sync API runs once per process."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as p:
        # launch() starts Chromium with a fresh temporary profile of its own
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
