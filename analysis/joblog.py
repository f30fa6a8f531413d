"""Per-job log files for rules that run in Snakemake's own process, and what a
failing job shows the user.

Snakemake runs ``run:`` blocks in worker threads of one interpreter (this is
what keeps a clean build near the cost of a single import of pandas,
matplotlib and statsmodels). A thread filter sends each job's records from the
``analysis`` loggers to that job's ``log:`` file only.

When a job fails, Snakemake prints the exception with the stack below the
rule. :class:`job_log` cuts that stack at the rule (the full traceback goes to
the job's log file), and records the message so that the ``onerror`` handler
can end the run with :func:`print_failures`: what to fix, file by file.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis import fileio

# Python's warning filters and matplotlib's rcParams are process-wide. Every
# piece of code that changes them (figure drawing, fits that record their
# warnings into a model card) holds this lock, so a job in another thread can
# neither see nor swallow its warnings, and outputs do not depend on timing.
GLOBAL_STATE_LOCK = threading.RLock()


@dataclass(frozen=True)
class Failure:
    job: str
    message: str
    log: str
    expected: bool  # raised on purpose by the analysis package (bad input, missing font …)


FAILURES: list[Failure] = []  # the failed jobs of this process, in order
_FAILURES_LOCK = threading.Lock()


class _ThreadFilter(logging.Filter):
    def __init__(self, ident: int):
        super().__init__()
        self.ident = ident

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread == self.ident


def is_expected(exc: BaseException) -> bool:
    """An error the analysis package raises on purpose, with a message for the user."""
    return type(exc).__module__.split(".")[0] == "analysis"


class job_log:  # noqa: N801 (used like a function: ``with job_log(log[0], rule):``)
    """Capture this thread's ``analysis.*`` log records into ``path`` while a job runs.

    On entry, leftovers of killed writes of ``outputs`` are removed (the job owns
    them). On failure the exception is logged (with its traceback if it is not one
    of ours), recorded for :func:`print_failures`, and its traceback is cut at the
    frame that opened this context, so Snakemake shows the message, not our stack.
    """

    def __init__(self, path: str | Path, job: str, outputs: Iterable[str | Path] = ()):
        self.path, self.job, self.outputs = Path(path), job, list(outputs)

    def __enter__(self) -> logging.Logger:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handler = logging.FileHandler(self.path, mode="w", encoding="utf-8")
        self.handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.handler.addFilter(_ThreadFilter(threading.get_ident()))
        root = logging.getLogger("analysis")
        root.setLevel(logging.INFO)
        root.addHandler(self.handler)
        self.log = logging.getLogger(f"analysis.job.{self.job}")
        self.start = time.perf_counter()
        self.log.info("start %s", self.job)
        for part in fileio.remove_stale_parts(self.outputs):
            self.log.info("removed %s, left by a killed run", part)
        return self.log

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc is None:
                self.log.info("done in %.2f s", time.perf_counter() - self.start)
            elif isinstance(exc, Exception):
                expected = is_expected(exc)
                if expected:
                    self.log.error("failed: %s", exc)
                else:
                    self.log.error("failed with an unexpected %s", type(exc).__name__,
                                   exc_info=(exc_type, exc, tb))
                with _FAILURES_LOCK:
                    FAILURES.append(Failure(self.job, str(exc) or type(exc).__name__,
                                            str(self.path), expected))
                if tb is not None:
                    tb.tb_next = None  # the rule's line stays; the full stack is in the log
        finally:
            logging.getLogger("analysis").removeHandler(self.handler)
            self.handler.close()
        return False


def print_failures(stream=None) -> None:
    """What to fix, after a failed run (the Snakefile's ``onerror``)."""
    stream = stream or sys.stderr
    with _FAILURES_LOCK:
        failures = list(FAILURES)
    if not failures:
        return
    lines = ["", "The build stopped. What to fix:"]
    for f in failures:
        if f.expected:
            lines.append(f"  * {f.message}")
        else:
            lines.append(f"  * rule {f.job} stopped with an unexpected error: {f.message}. This "
                         "is a bug, or an input no check catches yet; the traceback is in the log")
        lines.append(f"    (rule {f.job}, log {f.log})")
    print("\n".join(lines), file=stream)
