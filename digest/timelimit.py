"""A time limit on a block of code in the main thread, by a timer signal."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class RenderTimeout(Exception):
    """Raised inside a Markdown conversion that ran past render_timeout."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` with RenderTimeout.

    Python-Markdown is pure Python, so a timer signal can stop it between bytecodes. Signals
    reach only the main thread: elsewhere (a preview server's build thread) the size cap is
    the only bound.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
