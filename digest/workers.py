"""Worker processes: when forking is safe, dying with the build, and one parallel map."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

In = TypeVar("In")
Out = TypeVar("Out")

# How far a long step is: (stage, done, total). The CLI prints it; tests and servers ignore it.
Progress = Callable[[str, int, int], None]


def no_progress(stage: str, done: int, total: int) -> None:
    pass


def can_fork() -> bool:
    """Whether a child may be forked: with other threads about (a preview server) it is
    unsafe, as a lock held by another thread stays held in the child forever."""
    return hasattr(os, "fork") and threading.active_count() == 1


_PR_SET_PDEATHSIG = 1


def die_with(build_pid: int) -> None:
    """In a worker process: be killed as soon as the build that started it dies. A worker
    left behind would keep the cache locked (it shares the lock when forked) or write into
    the staging folder while the next build works there. build_pid is the parent of a
    forked worker (0 for one started by a forkserver, which dies with the build)."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if build_pid and os.getppid() != build_pid:  # it died before this process could ask
        os._exit(1)


def run_apart(make: Callable[[], bytes]) -> bytes | None:
    """make() in a forked child, its bytes handed back through a pipe: what make()
    allocates on the way never becomes this process's memory (Python seldom gives freed
    memory back to the system, and workers forked later would inherit it). None when
    forking is unsafe or the child failed: the caller then does the work itself, which
    also shows the error."""
    if not can_fork():
        return None
    parent = os.getpid()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(readable)
            die_with(parent)
            data = make()
            with open(writable, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(writable)
    try:
        with open(readable, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    return data if status == 0 else None


# In a worker process: the function it applies, made once by parallel_map's `start`.
_apply: Callable[[object], object] | None = None


def _start_worker(
    build_pid: int, start: Callable[..., Callable[[object], object]], args: tuple[object, ...]
) -> None:
    global _apply
    die_with(build_pid)
    _apply = start(*args)


def _apply_in_worker(item: object) -> object:
    assert _apply is not None, "worker used before it was started"
    return _apply(item)


def parallel_map(
    start: Callable[..., Callable[[In], Out]],
    args: tuple[object, ...],
    items: list[In],
    workers: int,
    *,
    min_items: int,
    chunksize: int,
) -> Iterator[Out]:
    """`start(*args)(item)` for every item, in order. `start` makes the function once per
    process (a reader with its Markdown parser, say). With fewer than min_items items, or
    one worker, it all runs here: starting processes would cost more than it saves.

    Workers are forked when that is safe: they start without importing digest again.
    Otherwise each is a fresh interpreter from a forkserver, so `start` and args must be
    picklable. Either way a worker dies with the build."""
    if workers <= 1 or len(items) < min_items:
        apply = start(*args)
        for item in items:
            yield apply(item)
        return
    import multiprocessing  # here: a build that reads nothing new starts no processes
    from concurrent.futures import ProcessPoolExecutor

    fork = can_fork()
    context = multiprocessing.get_context("fork" if fork else "forkserver")
    initializer: Callable[..., None] = _start_worker
    initargs: tuple[object, ...] = (os.getpid() if fork else 0, start, args)
    with ProcessPoolExecutor(workers, context, initializer, initargs) as pool:
        yield from pool.map(_apply_in_worker, items, chunksize=chunksize)  # type: ignore[misc]
