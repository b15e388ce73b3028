"""What `digest fetch` remembers between runs, and the decisions made from it (pure arithmetic
with the time passed in), plus loading and saving it atomically.

One small file per source (written after that source's articles, so saving stays linear in
what changed): the validators for a conditional GET, failures and when to try again. Per item:
the file it became, the publisher's fingerprint and the hash of the bytes written, so a
change by the publisher updates only a file the editor has not touched. The article files
themselves carry each item's `id:`, so a lost or stale state never duplicates an item.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

FIRST_BACKOFF = 30 * 60.0  # seconds after the first failure; doubles with each one after
MAX_BACKOFF = 48 * 3600.0
STATE_VERSION = 1


@dataclass(frozen=True)
class SourceState:
    etag: str = ""
    last_modified: str = ""
    failures: int = 0  # in a row
    next_try: float = 0.0  # epoch seconds; before it the source is skipped
    last_error: str = ""


@dataclass(frozen=True)
class ItemRecord:
    path: str  # relative to the site folder, with /
    fingerprint: str  # FeedItem.fingerprint() of the version written; "" when adopted
    file_sha: str  # sha256 of the bytes written


@dataclass
class SourceMemory:
    """All that is kept of one source: its own file, written after its articles."""

    source: SourceState = field(default_factory=SourceState)
    items: dict[str, ItemRecord] = field(default_factory=dict)  # by item id


def backoff_seconds(failures: int) -> float:
    """How long a source that failed `failures` times in a row rests: 30 min, 1 h, ... 48 h."""
    if failures <= 0:
        return 0.0
    return min(FIRST_BACKOFF * 2.0 ** min(failures - 1, 16), MAX_BACKOFF)


def after_failure(
    state: SourceState, now: float, error: str, retry_after: float | None = None
) -> SourceState:
    """The source's state after a failed fetch: one more failure, rested for longer
    (or for as long as the server's Retry-After asked, whichever is later, up to 48 h)."""
    failures = state.failures + 1
    rest = backoff_seconds(failures)
    if retry_after is not None:
        rest = min(max(rest, retry_after), MAX_BACKOFF)
    return replace(state, failures=failures, next_try=now + rest, last_error=error)


def after_success(
    state: SourceState, now: float, etag: str, last_modified: str, retry_after: float | None = None
) -> SourceState:
    """The source's state after a good answer (200 or 304): validators kept, failures reset,
    and a Retry-After sent with it honoured too."""
    return SourceState(
        etag=etag or state.etag,
        last_modified=last_modified or state.last_modified,
        failures=0,
        next_try=0.0 if retry_after is None else now + min(retry_after, MAX_BACKOFF),
        last_error="",
    )


def is_due(state: SourceState, now: float, retry_now: bool = False) -> bool:
    return retry_now or state.next_try <= now


def parse_retry_after(value: str, now: float) -> float | None:
    """Seconds to wait from a Retry-After header: a number, or an HTTP date; None if neither."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - now, 0.0)


class ItemAction(Enum):
    WRITE = "new"  # not seen before: write a file
    UPDATE = "changed"  # the publisher changed it and the file is as digest wrote it
    KEEP_EDITED = "kept as edited"  # the publisher changed it, but so did the editor
    NOTHING = "known"  # the same again, or its file was deleted on purpose


def decide_item(
    record: ItemRecord | None, fingerprint: str, file_sha: str | None, in_files: bool
) -> ItemAction:
    """What to do with an item seen in a feed. record: what the state remembers of it;
    file_sha: the hash of its file now (None when the file is gone); in_files: a file under
    the source's folder carries its id (the files are the truth when the state is behind)."""
    if record is None:
        return ItemAction.NOTHING if in_files else ItemAction.WRITE
    if record.fingerprint in ("", fingerprint) or file_sha is None:
        return ItemAction.NOTHING
    if file_sha == record.file_sha:
        return ItemAction.UPDATE
    return ItemAction.KEEP_EDITED


def load_memory(path: Path) -> tuple[SourceMemory, str]:
    """What was saved of one source, or nothing and why (a missing file says nothing)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SourceMemory(), ""
    except (OSError, ValueError) as e:
        return SourceMemory(), f"{path.name}: cannot be read ({e}); starting afresh"
    try:
        if raw.get("version") != STATE_VERSION:
            return (
                SourceMemory(),
                f"{path.name}: written by another digest version; starting afresh",
            )
        source = SourceState(**raw["source"])
        items = {ident: ItemRecord(*record) for ident, record in raw["items"].items()}
    except (AttributeError, KeyError, TypeError) as e:
        return SourceMemory(), f"{path.name}: damaged ({e}); starting afresh"
    return SourceMemory(source, items), ""


def save_memory(path: Path, memory: SourceMemory) -> None:
    """Write one source's memory whole or not at all (temp file beside it, then a rename)."""
    data: dict[str, Any] = {
        "version": STATE_VERSION,
        "source": asdict(memory.source),
        "items": {
            ident: [r.path, r.fingerprint, r.file_sha] for ident, r in sorted(memory.items.items())
        },
    }
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=0).encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """The file appears whole or not at all: a temp file beside it, then os.replace.

    Not synced one by one (that was half the time of a first fetch): a kill cannot lose
    what the kernel holds, and fetch syncs once per source before saving its state."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


TEMP_SUFFIX = ".digest-tmp"  # left behind only by a kill mid-write; the next fetch removes them
