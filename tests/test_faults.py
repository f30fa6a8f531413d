"""Faults: missing outputs and killed builds. After each, a plain ``snakemake``
must end with exactly the files of a clean build, byte for byte, and nothing
else (no ``.part`` file, no scratch folder) — whatever the rules are.

The clean build is the session's end-to-end build (``builds["a"]``); each case
works in a copy of it.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import SNAKEMAKE, _snakemake

pytestmark = pytest.mark.e2e

KILLS = 20
SKIP = {".snakemake", "logs", "__pycache__", ".pytest_cache"}


def snapshot(repo: Path) -> dict[str, str]:
    """Every file of the tree but Snakemake's state and the logs: path → sha256."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d not in SKIP]
        for name in filenames:
            path = Path(dirpath, name)
            files[str(path.relative_to(repo))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def differences(reference: dict[str, str], got: dict[str, str]) -> list[str]:
    return ([f"missing {f}" for f in sorted(reference.keys() - got.keys())]
            + [f"extra {f}" for f in sorted(got.keys() - reference.keys())]
            + [f"changed {f}" for f in sorted(reference.keys() & got.keys()) if reference[f] != got[f]])


@pytest.fixture(scope="module")
def reference(builds) -> tuple[Path, dict[str, str]]:
    return builds["a"], snapshot(builds["a"])


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


@pytest.mark.parametrize("remove", [
    ["data/processed"],
    ["figures/*.svg", "figures/*.yml"],
    ["paper/_generated"],
    ["paper/_variables.yml"],
    ["paper/_output"],
], ids=["processed", "figures", "generated", "variables", "documents"])
def test_deleted_outputs_are_rebuilt(reference, tmp_path, remove):
    ref_repo, ref_files = reference
    repo = _copy(ref_repo, tmp_path / "repo")
    for pattern in remove:
        for path in repo.glob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    proc = _snakemake(repo)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert differences(ref_files, snapshot(repo)) == []


def _rules(repo: Path) -> list[str]:
    proc = subprocess.run(SNAKEMAKE + ["--list-rules"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return sorted(line.strip() for line in proc.stdout.splitlines()
                  if line.strip() and line.strip() != "all" and " " not in line.strip())


def _outputs_in_progress(repo: Path) -> int:
    """Outputs of jobs Snakemake has started and not finished (its incomplete markers)."""
    marks = repo / ".snakemake" / "incomplete"
    return sum(1 for p in marks.iterdir() if p.is_file()) if marks.is_dir() else 0


def test_kill_and_resume(reference, tmp_path):
    """SIGKILL the whole process group of a build at a random moment while its jobs
    run, 20 times; each following plain ``snakemake`` (no --unlock, no clean-up) must
    end with the clean build's files. Each killed build re-runs the jobs of one rule
    drawn at random (``--forcerun R --until R``), so kills land in every kind of job
    at a small cost per kill."""
    ref_repo, ref_files = reference
    repo = _copy(ref_repo, tmp_path / "repo")
    rules = _rules(repo)
    rng = random.Random(13)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    kills, attempts, report = 0, 0, []
    took: dict[str, float] = {}  # how long the jobs of a rule ran when not killed
    while kills < KILLS:
        attempts += 1
        assert attempts <= 3 * KILLS, f"only {kills} of {attempts} builds could be killed: {report}"
        rule = rng.choice(rules)
        proc = subprocess.Popen(SNAKEMAKE + ["--quiet", "--forcerun", rule, "--until", rule], cwd=repo,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        while proc.poll() is None and not _outputs_in_progress(repo):
            time.sleep(0.01)  # Snakemake's start-up
        jobs_started = time.perf_counter()
        delay = rng.uniform(0.0, took.get(rule, 4.0))
        try:
            proc.wait(timeout=delay)
            killed = False  # it finished first: not a kill, draw again
            took[rule] = time.perf_counter() - jobs_started
        except subprocess.TimeoutExpired:
            in_progress = _outputs_in_progress(repo)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            killed = True
        parts = len(list(repo.rglob("*.part")))
        start = time.perf_counter()
        resume = _snakemake(repo)
        report.append(f"{rule}: " + (f"killed {delay:.2f}s into its jobs ({in_progress} outputs in "
                                      f"progress, {parts} .part left)" if killed
                                      else "finished before the kill")
                      + f"; resumed in {time.perf_counter() - start:.1f}s, exit {resume.returncode}")
        assert resume.returncode == 0, f"{report[-1]}\n{resume.stderr[-3000:]}"
        diff = differences(ref_files, snapshot(repo))
        assert diff == [], f"{report[-1]}: {diff}"
        kills += killed
    print("\n".join(report))


def test_a_bad_cell_stops_the_build_with_our_message_and_no_stack(reference, tmp_path):
    """What the user reads: the message (file, row, column, both readings), the rule's
    line and no stack below it, then a summary of what to fix at the end."""
    ref_repo, _ = reference
    repo = _copy(ref_repo, tmp_path / "repo")
    raw = repo / "data/raw/cited_statistics.csv"
    text = raw.read_text(encoding="utf-8")
    assert text.count(",1.41,万亿元,") == 1
    raw.write_text(text.replace(",1.41,万亿元,", ",1.41,亿元,"), encoding="utf-8")
    proc = subprocess.run(SNAKEMAKE, cwd=repo, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    message = ("data/raw/cited_statistics.csv, row 3 (line 4), column 'unit_printed': the typed value "
               "reads 1.41 亿元 (= 1.41e+08 CNY), but the quote '约合1.41万亿元人民币' prints '1.41万亿元'")
    assert message in out, out[-3000:]
    stack = [line for line in out.splitlines() if line.strip().startswith('File "')]
    assert len(stack) == 1 and "analysis/rules/data.smk" in stack[0], stack
    summary = out[out.index("The build stopped. What to fix:"):]
    assert message in summary and "(rule cited_statistics, log logs/cited_statistics.log)" in summary
