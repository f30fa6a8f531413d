"""Job logs, leftovers of killed writes, what a failing job shows (analysis/joblog.py,
analysis/fileio.py), and resuming after a killed run (analysis/runlock.py)."""

from __future__ import annotations

import io
import os
import socket
import traceback
from pathlib import Path

import pytest

from analysis import fileio, joblog, runlock
from analysis.errors import InputError


def test_atomic_write_removes_leftovers_of_killed_writes(tmp_path):
    out = tmp_path / "table.csv"
    stale = [tmp_path / ".table.csv.abc123.part", tmp_path / ".table.csv.zz.part"]
    other = tmp_path / ".other.csv.abc123.part"  # another output's: not ours to remove
    for p in stale + [other]:
        p.write_text("half", encoding="utf-8")
    fileio.write_text(out, "done\n")
    assert out.read_text(encoding="utf-8") == "done\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.csv.abc123.part", "table.csv"]


def test_job_removes_leftovers_of_its_outputs_when_it_starts(tmp_path):
    outs = [tmp_path / "a.svg", tmp_path / "sub" / "b.json"]
    (tmp_path / "sub").mkdir()
    leftovers = [tmp_path / ".a.svg.k3j.part", tmp_path / "sub" / ".b.json.9x.part"]
    for p in leftovers:
        p.write_text("half", encoding="utf-8")
    with joblog.job_log(tmp_path / "job.log", "some_rule", outs):
        assert not any(p.exists() for p in leftovers)
    assert "left by a killed run" in (tmp_path / "job.log").read_text(encoding="utf-8")


def _fail(exc: Exception, log: Path):
    def deep():
        raise exc
    try:
        with joblog.job_log(log, "some_rule"):
            deep()
    except Exception as caught:  # noqa: BLE001
        return caught
    raise AssertionError("no exception")


@pytest.fixture(autouse=True)
def _no_failures():
    joblog.FAILURES.clear()
    yield
    joblog.FAILURES.clear()


def test_a_failing_job_shows_the_message_not_our_stack(tmp_path):
    exc = _fail(InputError("data/raw/x.csv", "bad cell", row=3, column="unit"), tmp_path / "job.log")
    frames = traceback.extract_tb(exc.__traceback__)
    assert [f.name for f in frames] == ["_fail"]  # cut where the job's context was opened
    assert "failed: data/raw/x.csv, row 3 (line 4), column 'unit': bad cell" in \
        (tmp_path / "job.log").read_text(encoding="utf-8")
    stream = io.StringIO()
    joblog.print_failures(stream)
    assert "The build stopped. What to fix:" in stream.getvalue()
    assert "* data/raw/x.csv, row 3 (line 4), column 'unit': bad cell" in stream.getvalue()
    assert "(rule some_rule, log " in stream.getvalue()


def test_an_unexpected_error_keeps_its_traceback_in_the_log(tmp_path):
    _fail(ZeroDivisionError("float division by zero"), tmp_path / "job.log")
    text = (tmp_path / "job.log").read_text(encoding="utf-8")
    assert "failed with an unexpected ZeroDivisionError" in text and "Traceback" in text
    stream = io.StringIO()
    joblog.print_failures(stream)
    assert "rule some_rule stopped with an unexpected error: float division by zero" in stream.getvalue()


def test_no_summary_without_failures():
    stream = io.StringIO()
    joblog.print_failures(stream)
    assert stream.getvalue() == ""


# --------------------------------------------------------------------------- runlock

@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".snakemake" / "locks").mkdir(parents=True)
    (tmp_path / ".snakemake" / "locks" / "0.output.lock").write_text("x\n", encoding="utf-8")
    (tmp_path / ".snakemake" / "owners").mkdir()
    return tmp_path


def _owner(workdir: Path, host: str, pid: int, started: float) -> None:
    (workdir / ".snakemake" / "owners" / f"{host}-{pid}").write_text(f"{host} {pid} {started}\n",
                                                                       encoding="utf-8")


def test_locks_of_a_killed_run_are_released(workdir):
    _owner(workdir, socket.gethostname(), 2**22 + 12345, 1.0)  # no such process
    assert [p.name for p in runlock.release_stale_locks()] == ["0.output.lock"]
    assert not (workdir / ".snakemake" / "locks").exists()
    assert list((workdir / ".snakemake" / "owners").iterdir()) == []


def test_locks_of_a_running_run_are_kept(workdir):
    _owner(workdir, socket.gethostname(), os.getpid(), runlock._start_time(os.getpid()))
    assert runlock.release_stale_locks() == []
    assert (workdir / ".snakemake" / "locks" / "0.output.lock").exists()


def test_a_reused_process_id_does_not_keep_stale_locks(workdir):
    _owner(workdir, socket.gethostname(), os.getpid(), 1.0)  # our pid, another start time
    assert runlock.release_stale_locks() != []


def test_locks_of_a_run_on_another_host_are_kept(workdir):
    _owner(workdir, "some-other-host", 1, 1.0)
    assert runlock.release_stale_locks() == []


def test_register_records_this_run(workdir):
    me = runlock.register()
    assert me.read_text(encoding="utf-8").split()[:2] == [socket.gethostname(), str(os.getpid())]
    assert not runlock.others_running()
    assert runlock.release_stale_locks() == []  # we are alive


def test_a_figure_that_fails_to_save_leaves_nothing(tmp_path, monkeypatch):
    """A disk full while a figure is written: neither the SVG nor a .part stays behind,
    so the figure is missing and the next run rebuilds it (every output is a target)."""
    from matplotlib.figure import Figure

    from analysis import plotting

    def full_disk(self, fname, **kwargs):
        Path(fname).write_text("<svg", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    with pytest.raises(OSError, match="No space left"):
        plotting.save(plotting.new_figure(), tmp_path / "fig.zh.svg")
    assert list(tmp_path.iterdir()) == []
