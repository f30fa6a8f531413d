"""Per-job log files for rules that run in Snakemake's own process.

Snakemake runs ``run:`` blocks in worker threads of one interpreter (this is
what keeps a clean build near the cost of a single import of pandas,
matplotlib and statsmodels). A thread filter sends each job's records from the
``analysis`` loggers to that job's ``log:`` file only.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

# Python's warning filters and matplotlib's rcParams are process-wide. Every
# piece of code that changes them (figure drawing, fits that record their
# warnings into a model card) holds this lock, so a job in another thread can
# neither see nor swallow its warnings, and outputs do not depend on timing.
GLOBAL_STATE_LOCK = threading.RLock()


class _ThreadFilter(logging.Filter):
    def __init__(self, ident: int):
        super().__init__()
        self.ident = ident

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread == self.ident


@contextlib.contextmanager
def job_log(path: str | Path, job: str) -> Iterator[logging.Logger]:
    """Capture this thread's ``analysis.*`` log records into ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_ThreadFilter(threading.get_ident()))
    root = logging.getLogger("analysis")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    log = logging.getLogger(f"analysis.job.{job}")
    start = time.perf_counter()
    log.info("start %s", job)
    try:
        yield log
    except Exception as exc:
        log.error("failed: %s", exc)
        raise
    else:
        log.info("done in %.2f s", time.perf_counter() - start)
    finally:
        root.removeHandler(handler)
        handler.close()
