"""Settling pages: each page whose cheap key changed is kept (its fine fingerprint is as
last time) or rendered into the staging folder, in forked worker processes when there are
many."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from digest.cache import Record
from digest.errors import DigestError
from digest.render import Page
from digest.workers import Progress, can_fork, die_with
from digest.write import Placed, SiteWriter

# Below this many pages to render, starting processes costs more than it saves.
PARALLEL_MIN_PAGES = 400


@dataclass(frozen=True, slots=True)
class Job:
    """A page whose cheap key changed, at its claimed path, with what was there last time."""

    key: str
    page: Page
    old: Record | None


def settle(job: Job, writer: SiteWriter) -> tuple[bytes, Placed, bool]:
    """Keep the live file if the page's fine fingerprint is as last time, else render it.
    Returns (fingerprint, Placed, whether it was rendered). Safe in forked processes."""
    fine = job.page.fingerprint()
    if job.old is not None and job.old.fine == fine:
        kept = writer.keep_claimed(job.key, job.old.stamp)
        if kept is not None:
            return fine, kept, False
    return fine, writer.put(job.key, job.page.make()), True


def settle_pages(
    jobs: list[Job],
    writer: SiteWriter,
    workers: int,
    progress: Progress,
    before_fork: Callable[[], None] = lambda: None,
) -> Iterator[tuple[Page, bytes, Placed, bool]]:
    """settle() every job; yields (page, its fingerprint, Placed, rendered). Many jobs go
    to worker processes, forked after before_fork() (which readies what they share)."""
    if workers > 1 and len(jobs) >= PARALLEL_MIN_PAGES and can_fork():
        before_fork()
        yield from _settle_forked(jobs, writer, workers, progress)
        return
    for n, job in enumerate(jobs, start=1):
        fine, placed, made = settle(job, writer)
        writer.note(placed)
        yield job.page, fine, placed, made
        if n % 1000 == 0:
            progress("render", n, len(jobs))


def _shares(jobs: list[Job], workers: int) -> list[list[int]]:
    """Split the pages between processes, keeping a group (a home page with its days, which
    share their digests) in one, each next run of pages going to the least loaded."""
    shares: list[list[int]] = [[] for _ in range(workers)]
    start = 0
    while start < len(jobs):
        end = start + 1
        group = jobs[start].page.group
        while group and end < len(jobs) and jobs[end].page.group == group:
            end += 1
        min(shares, key=len).extend(range(start, end))
        start = end
    return [share for share in shares if share]


def _settle_forked(
    jobs: list[Job], writer: SiteWriter, workers: int, progress: Progress
) -> Iterator[tuple[Page, bytes, Placed, bool]]:
    # fork: the children share the model and the pages' recipes without copying them; frozen,
    # the parent's objects are not copied into a child just for its garbage collector to look.
    gc.freeze()
    try:
        yield from _settle_in_children(jobs, writer, workers, progress)
    finally:
        gc.unfreeze()


def _settle_in_children(
    jobs: list[Job], writer: SiteWriter, workers: int, progress: Progress
) -> Iterator[tuple[Page, bytes, Placed, bool]]:
    context = multiprocessing.get_context("fork")
    waiting: dict[multiprocessing.connection.Connection, multiprocessing.process.BaseProcess] = {}
    for share in _shares(jobs, workers):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_settle_share, args=(jobs, share, writer, send, os.getpid())
        )
        process.daemon = True
        process.start()
        send.close()
        waiting[receive] = process
    processes = list(waiting.values())
    results: list[tuple[int, bytes, Placed, bool]] = []
    error: BaseException | None = None
    done = 0
    while waiting:
        for ready in multiprocessing.connection.wait(list(waiting)):
            assert isinstance(ready, multiprocessing.connection.Connection)
            try:
                kind, payload = ready.recv()
            except EOFError:
                kind, payload = "error", DigestError("a rendering process stopped unexpectedly")
            if kind == "progress":
                done += payload
                progress("render", done, len(jobs))
                continue
            if kind == "done":
                results.extend(payload)
            elif error is None:
                error = payload
                for other in processes:
                    other.terminate()  # the build fails anyway: stop the others
            ready.close()
            del waiting[ready]
    for finished in processes:
        finished.join()
    if error is not None:
        raise error
    for index, fine, placed, made in results:
        writer.note(placed)
        yield jobs[index].page, fine, placed, made


def _settle_share(
    jobs: list[Job],
    share: list[int],
    writer: SiteWriter,
    conn: multiprocessing.connection.Connection,
    build_pid: int,
) -> None:
    die_with(build_pid)
    try:
        placed = []
        for n, index in enumerate(share, start=1):
            placed.append((index, *settle(jobs[index], writer)))
            if n % 500 == 0:
                conn.send(("progress", 500))
        conn.send(("done", placed))
    except DigestError as e:
        conn.send(("error", e))
    except BaseException as e:  # a bug: keep its traceback for the report
        conn.send(("error", RuntimeError(f"{type(e).__name__}: {e}\n{traceback.format_exc()}")))
    finally:
        conn.close()
