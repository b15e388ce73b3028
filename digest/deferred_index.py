"""The search index a preview build deferred (BuildSession.pending), made alone afterwards
from the model the session kept, and put into the live site file by file."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from digest.build import BuildSession, stale_key
from digest.cache import BuildCache, Record
from digest.search import stream_index_files
from digest.search_index import INDEX_DIR, Cancelled
from digest.write import MANIFEST, checked_path


@dataclass(frozen=True)
class IndexUpdate:
    """What make_deferred_index() did: `done` (the index is live), `cancelled` (a new change
    came first; the index is still to make) or `superseded` (another build replaced the
    output, index and all: nothing left to do)."""

    state: str
    written: int = 0  # index files replaced, added or removed
    seconds: float = 0.0


def make_deferred_index(
    session: BuildSession, cancelled: Callable[[], bool] = lambda: False
) -> IndexUpdate:
    """Bring the live search index up to date with the session's last build, without
    another build: only the index files that changed are replaced, each in one step (a
    reader sees the old file or the new one), meta.json last. The output's generation then
    carries the build's own key again, so a later `digest build` finds nothing to do.

    `cancelled` is asked as the work goes (up to the point where the files are written):
    when a new change is waiting, its build comes first (and the index follows that one).
    Raises DigestError and OSError."""
    started = time.perf_counter()
    pending = session.pending
    if pending is None:
        return IndexUpdate("superseded")
    out = pending.config.output_dir
    with BuildCache(pending.cache_folder) as cache:
        last = cache.generation(out)
        if last is None or last.build_key != stale_key(pending.build_key):
            session.pending = None  # built since, by another process: it made the index
            return IndexUpdate("superseded")
        if cancelled():
            return IndexUpdate("cancelled")
        try:
            made = stream_index_files(
                pending.site, pending.bodies, pending.cache_folder, pending.now, out, cancelled
            )
            files = list(made)
        except Cancelled:
            return IndexUpdate("cancelled")
        records = dict(last.records)
        before = {rel for rel in records if rel.startswith(INDEX_DIR + "/")}
        written = 0
        for rel, data in sorted(files, key=lambda item: item[0].endswith("/meta.json")):
            if data is None:
                if rel not in records:
                    raise FileNotFoundError(f"{out / rel} vanished while the index was made")
                continue
            placed = replace_file(out, checked_path(rel), data)
            if placed is not None:
                records[rel] = placed
                written += 1
        gone = before - {rel for rel, _ in files}
        for rel in gone:
            _unlink(out / rel)
            del records[rel]
        if gone or records.keys() != last.records.keys():
            names = json.dumps(sorted(records), ensure_ascii=False).encode("utf-8")
            replace_file(out, MANIFEST, names)
        generation = replace(last, build_key=pending.build_key, records=records)
        cache.save_generation(out, generation)
    session.pending = None
    if session.last is not None and session.last.saved_key == last.build_key:
        session.last = replace(session.last, saved_key=pending.build_key, generation=generation)
    if session.fast is not None and session.fast.key == pending.build_key:
        session.fast = replace(session.fast, generation=generation)
    return IndexUpdate("done", written + len(gone), time.perf_counter() - started)


def replace_file(out: Path, rel: str, data: bytes) -> Record | None:
    """Put data at out/rel in one step (a new file renamed over the old one; never writing
    into a file, which may be a hard link the staging folder shares); None if the file
    holds those bytes already."""
    target = out / rel
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return None
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.digest-{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, target)
    except BaseException:
        _unlink(temp)
        raise
    st = os.stat(target)
    return Record(None, None, st.st_size, st.st_mtime_ns, st.st_ino)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
