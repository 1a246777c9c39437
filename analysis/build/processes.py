"""Processes of a build: an analysis in a forked child that dies with its parent, and
handing freed memory back to the system between two analyses."""
from __future__ import annotations

import ctypes
import gc
import multiprocessing as mp
import os
import signal

from threadpoolctl import threadpool_limits


class Forked:
    """fn(*args, **kw) in a forked child process; result() waits for it. The child limits
    OpenMP and BLAS to one thread: an OpenMP pool the parent used before the fork would
    hang a child that starts its own. A child that dies without an answer (killed, out
    of memory) is not fatal: result() computes the value here instead (retry=False: it
    raises ChildDied). The child is killed when its parent dies (a killed build leaves
    no process behind that holds the store's lock). alone=True: the parent only waits, so
    the child's BLAS may use every core."""

    def __init__(self, fn, *args, retry: bool = True, alone: bool = False, **kw):
        self.call, self.retry = (fn, args, kw), retry
        ctx = mp.get_context("fork")
        self.conn, child_end = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_forked_child, args=(child_end, fn, args, kw, alone))
        self.proc.start()
        child_end.close()

    def result(self):
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            ok, value = None, None
        finally:
            self.conn.close()
            self.proc.join()
        if ok is None:
            if not self.retry:
                raise ChildDied(f"the {getattr(self.call[0], '__name__', 'analysis')} process died "
                                f"(exit code {self.proc.exitcode}): out of memory, or killed")
            fn, args, kw = self.call
            return fn(*args, **kw)
        if not ok:
            raise value
        return value


class ChildDied(RuntimeError):
    """A forked analysis process ended without an answer."""


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):   # not Linux: a killed parent leaves the child to finish
        pass


def _forked_child(conn, fn, args, kw, alone: bool) -> None:
    _die_with_parent()
    try:   # alone (no other busy process): BLAS may use every core; OpenMP never more than one
        with limit_threads(1, user_api="openmp" if alone else None):
            answer = (True, fn(*args, **kw))
    except BaseException as exc:   # noqa: BLE001 - handed to the parent, which raises it
        answer = (False, exc)
    try:
        conn.send(answer)
    finally:
        conn.close()


def limit_threads(n: int, *, user_api: str | None = None):
    """threadpool_limits(n) that also reaches the thread pools of libraries not loaded yet:
    threadpoolctl limits only the loaded ones, and scikit-learn's OpenMP and SciPy's BLAS load
    with scikit-learn's first import. A process that had not imported it yet ran KMeans with
    an OpenMP thread per core beside another busy process (the passage topics of 200 articles:
    29 s instead of 7 on a loaded machine)."""
    import sklearn.utils._openmp_helpers   # noqa: F401  lazy: loads the OpenMP and BLAS pools so that the limit reaches them

    return threadpool_limits(n, user_api=user_api)


# Below this resident size a process keeps its freed memory: a full collection walks every
# object (0.1-0.4 s each time with the gazetteer loaded: 1-2 s of a 200-article build).
RELEASE_FROM_MB = 1024


def release_memory() -> None:
    """Between two analyses: collect, then hand the freed heap back to the system (glibc
    keeps freed memory of large temporaries otherwise, so each stage's peak stacked on
    the last one's leftovers at 37k articles). A process under RELEASE_FROM_MB: nothing."""
    if _resident_mb() < RELEASE_FROM_MB:
        return
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):   # not glibc: nothing to do
        pass


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):   # not Linux: always release
        return float("inf")
