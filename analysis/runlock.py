"""Resume after a killed build without ``snakemake --unlock``.

Snakemake locks the files a run reads and writes (``.snakemake/locks/``) and
removes the locks when it ends. A run that is killed (SIGKILL, power loss, a
closed laptop) cannot remove them, and the next ``snakemake`` refuses to start
until someone runs ``snakemake --unlock``. Every run of this workflow
therefore registers itself in ``.snakemake/owners/`` (host, process id and
start time) while it runs; at start-up, when no registered run is still alive
on this host (and none is registered from another host), the locks are left
over and are removed, with a message saying so.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
from pathlib import Path

STATE = Path(".snakemake")
LOCKS = STATE / "locks"
OWNERS = STATE / "owners"


def _start_time(pid: int) -> float | None:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _alive(owner: Path) -> bool:
    """Whether the run that wrote ``owner`` may still be running."""
    try:
        host, pid, started = owner.read_text(encoding="utf-8").split()
        pid_n, started_f = int(pid), float(started)
    except (OSError, ValueError):
        return False  # unreadable: written by a run killed while writing it
    if host != socket.gethostname():
        return True  # cannot tell: leave its locks alone
    now = _start_time(pid_n)
    return now is not None and abs(now - started_f) < 1.0  # same process, not a reused pid


def release_stale_locks() -> list[Path]:
    """Remove Snakemake's locks if every run that could hold them is gone; return them."""
    owners = sorted(OWNERS.glob("*")) if OWNERS.is_dir() else []
    if any(_alive(o) for o in owners):
        return []
    for o in owners:
        o.unlink(missing_ok=True)
    locks = sorted(LOCKS.glob("*")) if LOCKS.is_dir() else []
    if locks:
        shutil.rmtree(LOCKS, ignore_errors=True)
    return locks


def register() -> Path:
    """Record this run as a possible owner of the locks until the interpreter exits."""
    OWNERS.mkdir(parents=True, exist_ok=True)
    pid = os.getpid()
    me = Path.cwd() / OWNERS / f"{socket.gethostname()}-{pid}"
    tmp = me.with_suffix(".part")
    tmp.write_text(f"{socket.gethostname()} {pid} {_start_time(pid)}\n", encoding="utf-8")
    os.replace(tmp, me)
    atexit.register(me.unlink, missing_ok=True)
    return me


def others_running() -> bool:
    """Whether another registered run of this workflow may be running here."""
    me = f"{socket.gethostname()}-{os.getpid()}"
    return any(_alive(o) for o in (OWNERS.glob("*") if OWNERS.is_dir() else []) if o.name != me)
