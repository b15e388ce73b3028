"""`digest fetch`: the network and disk around feed_items and fetch_state.

Sources are fetched a few at a time, one request at a time per host, each with a timeout,
a size limit and a conditional GET. Each new item becomes a file written whole (temp file
in the same folder, then os.replace); the state is saved after the files, so a fetch
killed at any moment loses nothing and duplicates nothing when run again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from digest import __version__
from digest.cache import CACHE_DIR
from digest.config import Config, Source, load_config
from digest.errors import DigestError, Problem
from digest.feed_items import (
    ArticleFile,
    Extracted,
    FeedItem,
    NotAFeed,
    article_file,
    parse_feed,
)
from digest.fetch_state import (
    TEMP_SUFFIX,
    ItemAction,
    ItemRecord,
    SourceMemory,
    after_failure,
    after_success,
    decide_item,
    is_due,
    load_memory,
    parse_retry_after,
    save_memory,
    write_atomically,
)
from digest.slugs import slugify
from digest.yamlload import YamlProblem, load_yaml

STATE_FOLDER = "fetch"  # in the cache folder: <key>.json per source
USER_AGENT = f"digest/{__version__} (static news digest; feed fetcher)"
_ID_LINE = re.compile(rb"^id:[ \t]*(.+?)[ \t]*$", re.M)
_HEAD_BYTES = 16 * 1024  # the front matter of a fetched file is well within this

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FetchOptions:
    only: tuple[str, ...] = ()  # source keys; empty: every source with a url
    dry_run: bool = False  # fetch and report, write no file and no state
    retry_now: bool = False  # ignore the rest a failing source was given
    timeout: float = 20.0  # seconds per request, the whole answer included
    max_feed_bytes: int = 10 * 1024 * 1024
    max_page_bytes: int = 5 * 1024 * 1024
    workers: int = 4  # requests at a time (never two at once to one host)
    user_agent: str = USER_AGENT
    state_dir: Path | None = None  # default: .digest-cache/fetch/
    now: Callable[[], float] = time.time


@dataclass(frozen=True)
class SourceReport:
    key: str
    url: str
    outcome: str  # "fetched", "not modified", "failed", "skipped"
    reason: str = ""  # why it failed or was skipped
    new: tuple[str, ...] = ()  # files written (or that would be, with --dry-run)
    changed: tuple[str, ...] = ()
    kept_edited: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchResult:
    config: Config
    reports: tuple[SourceReport, ...]
    warnings: tuple[Problem, ...]
    seconds: float
    dry_run: bool = False

    @property
    def failed(self) -> tuple[SourceReport, ...]:
        return tuple(r for r in self.reports if r.outcome == "failed")

    @property
    def all_failed(self) -> bool:
        tried = [r for r in self.reports if r.outcome != "skipped"]
        return bool(tried) and all(r.outcome == "failed" for r in tried)

    def summary(self) -> str:
        """`Fetched 8 sources: 37 new, 0 changed, 2 failed in 1.9 s`."""
        new = sum(len(r.new) for r in self.reports)
        changed = sum(len(r.changed) for r in self.reports)
        skipped = sum(r.outcome == "skipped" for r in self.reports)
        n = len(self.reports)
        text = (
            f"Fetched {n} source{'s' if n != 1 else ''}: {new} new, {changed} changed, "
            f"{len(self.failed)} failed"
        )
        if skipped:
            text += f", {skipped} resting"
        text += f" in {self.seconds:.1f} s"
        return text + (" (dry run: nothing written)" if self.dry_run else "")


class FetchError(DigestError):
    """digest fetch cannot start (no such source, another fetch running)."""


class HttpFailure(Exception):
    """A request that gave no usable answer; the reason is meant for the user."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Response:
    status: int  # 200 or 304
    body: bytes
    headers: dict[str, str]  # names lowercased
    url: str  # after redirects


def fetch_sources(
    site_dir: Path, options: FetchOptions | None = None, progress: Progress | None = None
) -> FetchResult:
    """Fetch the site's sources into article files; see the module's first lines."""
    options = options or FetchOptions()
    started = time.monotonic()
    config, config_warnings = load_config(site_dir)
    sources = _chosen(config, options.only)
    cache = config.site_dir / CACHE_DIR
    with _fetch_lock(cache, options.dry_run):
        run = _Run(config, options, options.state_dir or cache / STATE_FOLDER)
        reports: dict[str, SourceReport] = {}
        done = 0
        with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
            futures = {pool.submit(run.fetch_source, source): source for source in sources}
            for future in as_completed(futures):
                report = future.result()
                reports[report.key] = report
                done += 1
                if progress is not None:
                    progress(report.key, done, len(sources))
        warnings = [*config_warnings, *run.warnings]
    return FetchResult(
        config=config,
        reports=tuple(reports[s.key] for s in sources),
        warnings=tuple(warnings),
        seconds=time.monotonic() - started,
        dry_run=options.dry_run,
    )


def _chosen(config: Config, only: tuple[str, ...]) -> list[Source]:
    by_key = {s.key: s for s in config.sources}
    unknown = [k for k in only if k not in by_key]
    if unknown:
        known = ", ".join(by_key) or "none"
        raise FetchError(f"no source {', '.join(unknown)} in site.yaml (sources: {known})")
    chosen = [by_key[k] for k in only] if only else list(config.sources)
    return [s for s in chosen if s.url]


@dataclass
class _Run:
    """One fetch: host locks and warnings shared by the worker threads (one source each)."""

    config: Config
    options: FetchOptions
    state_dir: Path
    warnings: list[Problem] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    host_locks: dict[str, threading.Lock] = field(default_factory=dict)

    def fetch_source(self, source: Source) -> SourceReport:
        path = self.state_dir / f"{source.key}.json"
        memory, note = load_memory(path)
        if note:
            self.warn(path.relative_to(self.config.site_dir).as_posix(), note)
        report = self.fetch_into(source, memory)
        if not self.options.dry_run:
            if report.new or report.changed:
                os.sync()  # the files reach the disk before the state that names them
            save_memory(path, memory)
        return report

    def warn(self, path: str, message: str, hint: str = "") -> None:
        with self.lock:
            self.warnings.append(Problem(path, None, message, hint))

    def fetch_into(self, source: Source, memory: SourceMemory) -> SourceReport:
        now = self.options.now()
        known_state = memory.source
        if not is_due(known_state, now, self.options.retry_now):
            until = datetime.fromtimestamp(known_state.next_try, self.config.tz)
            return SourceReport(
                source.key,
                source.url,
                "skipped",
                f"resting after {known_state.failures} failure(s) ({known_state.last_error}) "
                f"until {until:%Y-%m-%d %H:%M}",
            )
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                   "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"}  # fmt: skip
        if known_state.etag:
            headers["If-None-Match"] = known_state.etag
        if known_state.last_modified:
            headers["If-Modified-Since"] = known_state.last_modified
        try:
            response = self.get(source.url, headers, self.options.max_feed_bytes)
            if response.status == 304:
                parsed_items: tuple[FeedItem, ...] = ()
            else:
                feed = parse_feed(
                    response.body, response.url, response.headers.get("content-type", "")
                )
                parsed_items = feed.items
                for note in feed.warnings:
                    self.warn(f"sources.{source.key}", f"{source.url}: {note}")
        except (HttpFailure, NotAFeed) as e:
            reason = e.reason if isinstance(e, HttpFailure) else str(e)
            retry_after = e.retry_after if isinstance(e, HttpFailure) else None
            memory.source = after_failure(known_state, now, reason, retry_after)
            return SourceReport(source.key, source.url, "failed", reason)
        retry_after = parse_retry_after(response.headers.get("retry-after", ""), now)
        new_state = after_success(
            known_state,
            now,
            response.headers.get("etag", ""),
            response.headers.get("last-modified", ""),
            retry_after,
        )
        if response.status == 304:
            memory.source = new_state
            return SourceReport(source.key, source.url, "not modified")
        report = self.write_items(source, parsed_items, memory.items)
        memory.source = new_state  # validators only once the items are on disk
        return report

    def write_items(
        self, source: Source, items: tuple[FeedItem, ...], records: dict[str, ItemRecord]
    ) -> SourceReport:
        folder = self.config.content_dir / source.key
        if not self.options.dry_run:
            _remove_stale_temps(folder)
        known_paths = {record.path for record in records.values()}
        in_files = _ids_in_files(folder, self.config.site_dir, skip=known_paths)
        new: list[str] = []
        changed: list[str] = []
        kept: list[str] = []
        seen: set[str] = set()
        for item in items:
            if item.id in seen:  # the same item twice in one feed
                continue
            seen.add(item.id)
            record = records.get(item.id)
            if record is None and item.id in in_files:
                rel = in_files[item.id]
                sha = _sha_of(self.config.site_dir / rel) or ""
                record = ItemRecord(rel, item.fingerprint(), sha)
                records[item.id] = record  # adopted: its file was written by a fetch cut short
            fingerprint = item.fingerprint()
            file_sha = _sha_of(self.config.site_dir / record.path) if record else None
            action = decide_item(record, fingerprint, file_sha, item.id in in_files)
            if action is ItemAction.NOTHING:
                continue
            if (
                action is ItemAction.KEEP_EDITED
                and record is not None
                and file_sha == _sha(self.make_file(source, item).text.encode("utf-8"))
            ):  # the new version, written by a fetch killed before it saved the state
                records[item.id] = ItemRecord(record.path, fingerprint, file_sha)
                continue
            if action is ItemAction.KEEP_EDITED and record is not None:
                self.warn(
                    record.path,
                    "the publisher changed this item since it was fetched, but the file was "
                    "edited here; left as edited",
                    f"compare with {item.link or item.id}",
                )
                records[item.id] = ItemRecord(record.path, fingerprint, record.file_sha)
                kept.append(record.path)
                continue
            made = self.make_file(source, item)
            for note in made.warnings:
                self.warn(f"sources.{source.key}", note)
            rel = record.path if record is not None else self.new_path(source, made)
            data = made.text.encode("utf-8")
            if not self.options.dry_run:
                write_atomically(self.config.site_dir / rel, data)
                records[item.id] = ItemRecord(rel, fingerprint, _sha(data))
            (new if action is ItemAction.WRITE else changed).append(rel)
        return SourceReport(
            source.key, source.url, "fetched", "", tuple(new), tuple(changed), tuple(kept)
        )

    def make_file(self, source: Source, item: FeedItem) -> ArticleFile:
        extracted = None
        if source.full_text and item.link:
            extracted = self.extract(item.link)
        return article_file(
            item,
            source,
            site_language=self.config.language,
            fetched_at=datetime.fromtimestamp(self.options.now(), self.config.tz),
            extracted=extracted,
        )

    def extract(self, url: str) -> Extracted:
        name = extractor_name()
        try:
            page = self.get(url, {"Accept": "text/html,*/*;q=0.5"}, self.options.max_page_bytes)
        except HttpFailure as e:
            return Extracted(name, "", e.reason)
        return extract_article(page.body, page.url)

    def new_path(self, source: Source, made: ArticleFile) -> str:
        """content/<key>/YYYY/MM/YYYY-MM-DD-<slug>.md, numbered when the name is taken."""
        day = made.date.astimezone(self.config.tz)
        folder = self.config.content_dir / source.key / f"{day:%Y}" / f"{day:%m}"
        stem = f"{day:%Y-%m-%d}-{slugify(made.slug_text)}"
        path = folder / f"{stem}.md"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{stem}-{n}.md"
        return path.relative_to(self.config.site_dir).as_posix()

    def get(self, url: str, headers: dict[str, str], max_bytes: int) -> Response:
        host = (urlsplit(url).hostname or "").lower()
        with self.lock:
            host_lock = self.host_locks.setdefault(host, threading.Lock())
        with host_lock:  # one request at a time per host
            return http_get(
                url,
                {"User-Agent": self.options.user_agent, **headers},
                timeout=self.options.timeout,
                max_bytes=max_bytes,
            )


def http_get(url: str, headers: dict[str, str], *, timeout: float, max_bytes: int) -> Response:
    """GET url (redirects followed, gzip accepted); 304 is an answer, any other non-2xx,
    a timeout (the whole answer within `timeout` seconds) or a body over max_bytes fails."""
    request = urllib.request.Request(url, headers={**headers, "Accept-Encoding": "gzip"})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = _read_limited(answer, deadline, timeout, max_bytes)
            names = {k.lower(): v for k, v in answer.headers.items()}
            if names.get("content-encoding", "").lower() == "gzip":
                body = _gunzip(body, max_bytes)
            return Response(answer.status, body, names, answer.url)
    except urllib.error.HTTPError as e:
        names = {k.lower(): v for k, v in (e.headers or {}).items()}
        if e.code == 304:
            return Response(304, b"", names, url)
        retry_after = parse_retry_after(names.get("retry-after", ""), time.time())
        raise HttpFailure(f"HTTP {e.code} {e.reason}", retry_after) from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError | socket.timeout):
            raise HttpFailure(f"no answer within {timeout:g} s") from None
        raise HttpFailure(f"cannot connect: {e.reason}") from None
    except TimeoutError:
        raise HttpFailure(f"no answer within {timeout:g} s") from None
    except (OSError, ValueError) as e:  # a connection reset mid-answer, a malformed URL
        raise HttpFailure(f"request failed: {e}") from None


def _read_limited(answer: object, deadline: float, timeout: float, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    read = answer.read  # type: ignore[attr-defined]
    while True:
        if time.monotonic() > deadline:
            raise HttpFailure(f"no whole answer within {timeout:g} s")
        chunk = read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise HttpFailure(f"answer larger than {_size(max_bytes)}; not read")
        chunks.append(chunk)


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflate.decompress(body, max_bytes + 1)
    except zlib.error as e:
        raise HttpFailure(f"damaged gzip answer ({e})") from None
    if len(data) > max_bytes:
        raise HttpFailure(f"answer larger than {_size(max_bytes)}; not read")
    return data


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n / 1024:g} KB"


def extractor_name() -> str:
    try:
        from importlib.metadata import version

        return f"trafilatura {version('trafilatura')}"
    except Exception:  # not installed: named so the file says what was missing
        return "trafilatura"


def extract_article(page: bytes, url: str) -> Extracted:
    """The article text of a page as Markdown (trafilatura); empty with a reason on failure."""
    name = extractor_name()
    try:
        import trafilatura
    except ImportError:
        return Extracted(name, "", "trafilatura is not installed")
    try:
        text = trafilatura.extract(
            page,
            url=url,
            output_format="markdown",
            include_comments=False,
            include_tables=True,
            include_links=True,
            favor_precision=True,
        )
    except Exception as e:  # an extractor can fail on any page; the feed's text stays
        return Extracted(name, "", f"failed: {e}")
    if not text or not text.strip():
        return Extracted(name, "", "no article text found on the page")
    return Extracted(name, text.strip())


def _ids_in_files(folder: Path, site_dir: Path, skip: set[str]) -> dict[str, str]:
    """id -> file (relative to the site folder, with /) for the fetched files under folder
    that the state does not know (`skip`): those of a fetch killed before saving it."""
    found: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.endswith(".md") or name.startswith("."):
                continue
            path = Path(root) / name
            if path.relative_to(site_dir).as_posix() in skip:
                continue
            try:
                with path.open("rb") as f:
                    head = f.read(_HEAD_BYTES)
            except OSError:
                continue
            ident = _front_matter_id(head)
            if ident:
                found.setdefault(ident, path.relative_to(site_dir).as_posix())
    return found


def _front_matter_id(head: bytes) -> str:
    if not head.startswith(b"---\n"):
        return ""
    end = head.find(b"\n---", 3)
    match = _ID_LINE.search(head, 4, end if end > 0 else len(head))
    if not match:
        return ""
    try:
        value, _ = load_yaml(match.group(1))
    except YamlProblem:
        return ""
    return str(value) if isinstance(value, str | int) else ""


def _sha_of(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _remove_stale_temps(folder: Path) -> None:
    """Temp files a killed fetch left (ours only: hidden, with our suffix)."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(root, name))


@contextlib.contextmanager
def _fetch_lock(cache: Path, dry_run: bool) -> Iterator[None]:
    """Two fetches of one site take turns; a second one says so instead of waiting."""
    if dry_run:
        yield
        return
    cache.mkdir(parents=True, exist_ok=True)
    ignore = cache / ".gitignore"
    if not ignore.exists():  # the same words the build cache writes
        ignore.write_text("# digest's build cache: safe to delete\n*\n", encoding="utf-8")
    with (cache / "fetch.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(
                "another digest fetch of this site is running — wait for it to end"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
