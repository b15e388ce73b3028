"""Watch a site's sources and rebuild: debounced sets of changes, editor temp files left out."""

from __future__ import annotations

import contextlib
import errno
import logging
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Protocol

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from digest.build import BuildCancelled, BuildOptions, BuildResult, BuildSession, build
from digest.bundles import in_bundle
from digest.config import CONFIG_NAME, Config, load_config
from digest.deferred_index import make_deferred_index
from digest.errors import ConfigError, DigestError, Problem, display_path
from digest.fast_render import fast_render
from digest.quick_edit import quick_build
from digest.report import echo_problems, problem_lines
from digest.sources import ARTICLE_SUFFIXES

QUIET_SECONDS = 0.02  # a save is a handful of events within a few ms; wait this long for calm
MAX_WAIT_SECONDS = 0.5  # but never longer than this, so constant events cannot starve rebuilds
POLL_SECONDS = 0.5


class _StopRace(logging.Filter):
    """Watchdog logs an error when an inotify read races with stopping; nothing is lost."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_StopRace())

# Events that mean bytes or names changed. Watchdog also reports opens, reads and chmods:
# the build itself opens every article, so listening to those would rebuild forever.
_CHANGE_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed"})
_TEMP_SUFFIXES = (".swp", ".swo", ".swn", ".swx", ".swpx", ".tmp", ".part", ".kate-swp")


def is_editor_temp(name: str) -> bool:
    """True for files editors and tools write next to the real one and throw away."""
    return (
        name.startswith((".", "#"))  # dotfiles (.#lock, .x.swp, .x.tmp) and Emacs #autosave#
        or name.endswith("~")  # backups: vim, Emacs, gedit, Kate
        or name.endswith(_TEMP_SUFFIXES)
        or "___jb_" in name  # JetBrains safe write: x.md___jb_tmp___, x.md___jb_old___
        or _is_vim_probe(name)
    )


def _is_vim_probe(name: str) -> bool:
    """Vim checks it may write a folder by creating 4913 (then 5036, 5159...) and deleting it."""
    return name.isdigit() and int(name) >= 4913 and (int(name) - 4913) % 123 == 0


class ChangeKind(Enum):
    CONTENT = "content"
    TEMPLATE = "template"
    STATIC = "static"
    CONFIG = "config"


@dataclass(frozen=True)
class Change:
    path: Path
    kind: ChangeKind


@dataclass(frozen=True)
class SiteLayout:
    """Where a site's sources live, to decide what a changed path means."""

    site_dir: Path
    content_dir: Path
    themes_dir: Path

    @classmethod
    def of(cls, config: Config) -> SiteLayout:
        return cls(config.site_dir, config.content_dir, config.site_dir / "themes")

    def roots(self) -> tuple[tuple[Path, bool], ...]:
        """(folder, recursive) to watch: the site folder itself only for site.yaml and new
        folders, never recursively (it may hold .venv, .git and the output)."""
        found = [(self.site_dir, False)]
        found += [(d, True) for d in (self.content_dir, self.themes_dir) if d.is_dir()]
        return tuple(found)

    def classify(self, path: Path, is_dir: bool = False) -> Change | None:
        """What a change at path means for the build, or None if the build does not read it."""
        if is_editor_temp(path.name):
            return None
        if path == self.site_dir / CONFIG_NAME:
            return Change(path, ChangeKind.CONFIG)
        if path == self.content_dir or path.is_relative_to(self.content_dir):
            inside = path.relative_to(self.content_dir).parts
            if any(part.startswith(".") for part in inside):
                return None  # the build skips hidden folders too
            if is_dir or path.suffix.lower() in ARTICLE_SUFFIXES:
                return Change(path, ChangeKind.CONTENT)
            if in_bundle(path, self.content_dir):  # a page bundle's image, copied by the build
                return Change(path, ChangeKind.CONTENT)
            return None  # images, notes elsewhere: the build does not read them
        if path == self.themes_dir or path.is_relative_to(self.themes_dir):
            inside = path.relative_to(self.themes_dir).parts
            if len(inside) >= 2 and inside[1] == "static":
                return Change(path, ChangeKind.STATIC)
            return Change(path, ChangeKind.TEMPLATE)
        return None


class Debouncer:
    """Collects items until things are quiet for `quiet` seconds, or `max_wait` has passed
    since the first one, whichever comes first. Time is passed in, so tests need no clock."""

    def __init__(self, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        self.items: set[Change] = set()
        self.first: float | None = None
        self.last = 0.0

    def add(self, item: Change, now: float) -> None:
        if self.first is None:
            self.first = now
        self.last = now
        self.items.add(item)

    def deadline(self) -> float | None:
        if self.first is None:
            return None
        return min(self.last + self.quiet, self.first + self.max_wait)

    def ready(self, now: float) -> bool:
        deadline = self.deadline()
        return deadline is not None and now >= deadline

    def take(self) -> frozenset[Change]:
        items = frozenset(self.items)
        self.items.clear()
        self.first = None
        return items


class _Forward(FileSystemEventHandler):
    def __init__(self, sink: queue.Queue[tuple[Path, bool] | None]) -> None:
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in _CHANGE_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder "changes" whenever a file in it does: the file event says more
        for raw in (event.src_path, event.dest_path):
            if raw:
                text = raw.decode() if isinstance(raw, bytes) else raw
                self.sink.put((Path(text), event.is_directory))


ObserverFactory = Callable[[], BaseObserver]


class Watcher:
    """Yields frozensets of Changes to a site's sources, debounced.

    Iterating blocks until the next batch; events that arrive while the caller is busy
    (building) are kept and come out together as the next batch. stop() ends iteration.
    """

    def __init__(
        self,
        layout: SiteLayout,
        *,
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
        max_wait: float = MAX_WAIT_SECONDS,
        notice: Callable[[str], None] = lambda text: None,
        observer_factory: ObserverFactory = Observer,
    ) -> None:
        self.layout = layout
        self.notice = notice
        self.polling = poll
        self._factory: ObserverFactory = _polling if poll else observer_factory
        self._events: queue.Queue[tuple[Path, bool] | None] = queue.Queue()
        self._debounce = Debouncer(quiet, max_wait)
        self._stopped = threading.Event()
        self._observer: BaseObserver | None = None
        self._roots: tuple[tuple[Path, bool], ...] = ()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    @property
    def folders(self) -> tuple[Path, ...]:
        return tuple(folder for folder, _recursive in self._roots)

    def start(self) -> None:
        self._roots = self.layout.roots()
        try:
            self._observer = self._observe(self._factory, self._roots)
        except OSError as e:
            if self.polling or e.errno not in (errno.ENOSPC, errno.EMFILE):
                raise
            self.polling = True
            self._factory = _polling
            self.notice(
                "the system's limit on watched folders is reached "
                "(fs.inotify.max_user_watches / max_user_instances): watching by polling "
                f"every {POLL_SECONDS:g} s instead; raise the limit with sysctl for instant "
                "rebuilds"
            )
            self._observer = self._observe(self._factory, self._roots)

    def _observe(
        self, factory: ObserverFactory, roots: tuple[tuple[Path, bool], ...]
    ) -> BaseObserver:
        observer = factory()
        handler = _Forward(self._events)
        try:
            for folder, recursive in roots:
                observer.schedule(handler, str(folder), recursive=recursive)
            observer.start()
        except BaseException:
            _stop_observer(observer)
            raise
        return observer

    def follow(self, layout: SiteLayout) -> bool:
        """Watch layout's folders from now on (site.yaml moved content_dir, themes/ appeared).
        Returns True if new folders are watched: their files may have changed unseen."""
        self.layout = layout
        roots = layout.roots()
        if roots == self._roots or self._observer is None:
            return False
        old, self._observer = self._observer, self._observe(self._factory, roots)
        _stop_observer(old)
        added = set(roots) - set(self._roots)
        self._roots = roots
        for folder, _recursive in added:
            self._events.put((folder, True))
        return bool(added)

    def stop(self) -> None:
        self._stopped.set()
        self._events.put(None)
        if self._observer is not None:
            _stop_observer(self._observer)

    def next_batch(self, timeout: float | None = None) -> frozenset[Change] | None:
        """The next debounced set of changes; None if stopped or timeout passed first (events
        already waiting are looked at all the same, so has_changes() is then up to date)."""
        give_up = None if timeout is None else time.monotonic() + timeout
        while not self._stopped.is_set():
            now = time.monotonic()
            if self._debounce.ready(now):
                return self._debounce.take()
            deadline = self._debounce.deadline()
            wait = 1.0 if deadline is None else deadline - now
            if give_up is not None:
                wait = min(wait, give_up - now)
            try:
                item = self._events.get(timeout=wait) if wait > 0 else self._events.get_nowait()
            except queue.Empty:
                if give_up is not None and time.monotonic() >= give_up:
                    return None
                continue
            if item is None:
                continue
            change = self.layout.classify(*item)
            if change is not None:
                self._debounce.add(change, time.monotonic())
        return None

    def has_changes(self) -> bool:
        """Whether a change (or an event not yet looked at) is waiting to come out."""
        return self._debounce.first is not None or not self._events.empty()

    def __iter__(self) -> Iterator[frozenset[Change]]:
        while (batch := self.next_batch()) is not None:
            yield batch


def _polling() -> BaseObserver:
    return PollingObserver(timeout=POLL_SECONDS)


def _stop_observer(observer: BaseObserver) -> None:
    observer.stop()
    if observer.is_alive():
        observer.join()


# Rebuilding ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One rebuild: what set it off and what came of it. result is None when it failed."""

    changes: frozenset[Change]
    result: BuildResult | None
    problems: tuple[Problem, ...]  # the errors if it failed, else the build's warnings
    seconds: float
    config: Config | None = None  # the config in force, when it could be read
    details: str = field(default="", compare=False)  # a traceback, for a bug in digest
    catch_up: bool = False  # the whole build owed after fast renders or a cancelled build

    @property
    def failed(self) -> bool:
        return self.result is None


def build_once(
    site_dir: Path, options: BuildOptions, changes: frozenset[Change] = frozenset()
) -> Outcome:
    """Run build() and never raise for a problem in the site: a preview must stay up.
    Raises BuildCancelled when the session's `cancelled` says a newer change is waiting."""
    started = time.perf_counter()
    try:
        result = _quick_or_whole(site_dir, options, changes)
    except BuildCancelled:
        raise
    except DigestError as e:
        return Outcome(
            changes,
            None,
            tuple(e.problems),
            time.perf_counter() - started,
            _try_config(site_dir, options),
        )
    except Exception as e:  # a bug in digest must not take the preview down either
        return Outcome(
            changes,
            None,
            (Problem("digest", None, f"internal error: {type(e).__name__}: {e}",
                     "this is a bug in digest; the traceback is in the terminal"),),
            time.perf_counter() - started,
            _try_config(site_dir, options),
            details=traceback.format_exc(),
        )  # fmt: skip
    return Outcome(
        changes,
        result,
        tuple(result.warnings),
        time.perf_counter() - started,
        result.site.config,
    )


def _quick_or_whole(
    site_dir: Path, options: BuildOptions, changes: frozenset[Change]
) -> BuildResult:
    """A build of only what articles' new bodies change when that is all the changes do
    (quick_edit.py); else the edited articles' own pages alone, ahead of the whole build
    (fast_render.py, in a session); else the whole build."""
    if changes and all(change.kind is ChangeKind.CONTENT for change in changes):
        paths = [change.path for change in changes]
        quick = quick_build(site_dir, options, paths)
        if quick is None and options.fast_render:
            quick = fast_render(site_dir, options, paths)
        if quick is not None:
            return quick
    return build(site_dir, options)


def _try_config(site_dir: Path, options: BuildOptions) -> Config | None:
    try:
        return load_config(site_dir, options.output_dir)[0]
    except DigestError:
        return None


def rebuild_on_changes(
    site_dir: Path,
    options: BuildOptions,
    watcher: Watcher,
    on_outcome: Callable[[Outcome], None],
    on_start: Callable[[frozenset[Change]], None] = lambda changes: None,
) -> None:
    """For each batch the watcher yields, build and hand over the outcome, until it stops.

    Saves never wait for work that only catches up: a build gives way when a newer change
    is waiting (the session's `cancelled`), and the whole build it owes then comes after
    that change's. With options.defer_search, a build whose pages changed keeps the old
    search index, so the outcome (a reload) comes sooner; the index is then made from what
    the session kept (no second build), unless more changes are waiting: their build comes
    first and the index follows it. With options.fast_render, an edited article's page goes
    live first and the whole build follows, after the index. Only a failure to make the
    index is handed over."""
    session = options.session
    while True:
        changes = None
        if session is not None and (session.pending is not None or owes_build(session)):
            changes = watcher.next_batch(timeout=0.0)
            if changes is None and not watcher.stopped and not watcher.has_changes():
                if session.pending is not None:
                    failed = index_once(session, watcher.has_changes)
                    if failed is not None:
                        on_outcome(failed)
                else:
                    caught_up = _build_unless_cancelled(session, watcher, site_dir, options)
                    if caught_up is not None:
                        if caught_up.config is not None:  # site.yaml may have changed
                            watcher.follow(SiteLayout.of(caught_up.config))
                        on_outcome(replace(caught_up, catch_up=True))
                continue
        if changes is None:
            changes = watcher.next_batch()
        if changes is None:
            return
        on_start(changes)
        outcome = _build_unless_cancelled(session, watcher, site_dir, options, changes)
        if outcome is None:
            continue  # a newer change came: its build comes first, then the whole one
        if outcome.config is not None:
            watcher.follow(SiteLayout.of(outcome.config))
        on_outcome(outcome)


def owes_build(session: BuildSession) -> bool:
    """Whether the live site is behind its sources: pages put live ahead of the whole
    build (fast renders), or a build given up for a newer change."""
    return session.fast is not None or session.behind


def _build_unless_cancelled(
    session: BuildSession | None,
    watcher: Watcher,
    site_dir: Path,
    options: BuildOptions,
    changes: frozenset[Change] = frozenset(),
) -> Outcome | None:
    """build_once(), given up (None) as soon as a newer change is waiting."""
    if session is None:
        return build_once(site_dir, options, changes)
    session.cancelled = watcher.has_changes
    try:
        return build_once(site_dir, options, changes)
    except BuildCancelled:
        if any(change.kind is ChangeKind.CONFIG for change in changes):
            session.last = None  # its settings are not known yet: no quick builds from it
        return None
    finally:
        session.cancelled = lambda: False


def index_once(session: BuildSession, cancelled: Callable[[], bool]) -> Outcome | None:
    """Make the search index the session's last build deferred; an Outcome only if that
    failed (the live index stays as it was; the next build makes it whole)."""
    pending = session.pending
    started = time.perf_counter()
    try:
        make_deferred_index(session, cancelled)
        return None
    except DigestError as e:
        problems = tuple(e.problems)
        details = ""
    except Exception as e:  # a bug in digest (or a full disk) must not take the preview down
        problems = (Problem("digest", None, f"search index: {type(e).__name__}: {e}",
                            "the next save makes it again"),)  # fmt: skip
        details = traceback.format_exc()
    session.pending = None
    config = pending.config if pending is not None else None
    return Outcome(
        frozenset(), None, problems, time.perf_counter() - started, config, details=details
    )


# Reporting ----------------------------------------------------------------------------


class Reporter(Protocol):
    def built(self, outcome: Outcome) -> None: ...

    def notice(self, text: str) -> None: ...


def describe_changes(changes: frozenset[Change], site_dir: Path) -> str:
    """'content/a.md changed', 'site.yaml and 3 more changed', for one terminal line."""
    if not changes:
        return "first build"
    shown = sorted({display_path(c.path, site_dir) for c in changes})
    kinds = {c.kind for c in changes}
    text = shown[0] if len(shown) == 1 else f"{shown[0]} and {len(shown) - 1} more"
    suffix = " (config reloaded)" if ChangeKind.CONFIG in kinds else ""
    return f"{text} changed{suffix}"


def watching(watcher: Watcher, site_dir: Path) -> str:
    """'watching site.yaml, content/, themes/ for changes' (or polling)."""
    names = [display_path(folder, site_dir) + "/" for folder in watcher.folders[1:]]
    how = "polling" if watcher.polling else "watching"
    return f"{how} {', '.join([CONFIG_NAME, *names])} for changes"


class TerminalReporter:
    """One line per rebuild (what changed, files written, ms), then its warnings or errors."""

    def __init__(self, site_dir: Path, quiet: bool = False, serving: bool = True) -> None:
        self.site_dir = site_dir.resolve()
        self.quiet = quiet
        self.kept = "still serving the last good build" if serving else "output left as it was"

    def built(self, outcome: Outcome) -> None:
        when = time.strftime("%H:%M:%S")
        what = describe_changes(outcome.changes, self.site_dir)
        ms = outcome.seconds * 1000
        if outcome.result is None:
            click.echo(f"{when} {what}: build failed in {ms:.0f} ms; {self.kept}:", err=True)
            echo_problems(outcome.problems)
            if outcome.details:
                click.echo(outcome.details.rstrip(), err=True)
            return
        result = outcome.result
        echo_problems(outcome.problems, "warning")  # before the summary, as `digest build` does
        if not self.quiet and outcome.catch_up:
            click.echo(
                f"{when} whole build after the quick ones: {result.changed} files written, "
                f"{result.removed} removed, {len(result.warnings)} warnings in {ms:.0f} ms"
            )
        elif not self.quiet and not outcome.changes:
            click.echo(f"Built {result.summary()} -> {result.site.config.output_dir}")
        elif not self.quiet:
            click.echo(
                f"{when} {what}: {result.changed} files written, {result.removed} removed, "
                f"{len(result.warnings)} warnings in {ms:.0f} ms"
            )

    def notice(self, text: str) -> None:
        click.echo(text, err=True)


def watch_and_build(
    site_dir: Path, options: BuildOptions, reporter: Reporter, *, poll: bool = False
) -> int:
    """`digest build --watch`: build, then rebuild on every change until Ctrl+C.
    Returns the exit status: 1 only if site.yaml cannot be read at the start."""
    try:
        config, _ = load_config(site_dir, options.output_dir)
    except ConfigError as e:
        for line in problem_lines(e.problems):
            reporter.notice(line)
        return 1
    options = replace(options, session=BuildSession())  # the theme compiled once, not per save
    watcher = Watcher(SiteLayout.of(config), poll=poll, notice=reporter.notice)
    watcher.start()
    try:
        first = build_once(site_dir, options)
        if first.config is not None:
            watcher.follow(SiteLayout.of(first.config))
        reporter.built(first)
        click.echo(f"{watching(watcher, config.site_dir)} (Ctrl+C to stop)")
        with stop_on_sigterm():
            rebuild_on_changes(site_dir, options, watcher, reporter.built)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
    return 0


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Let `kill PID` end a watch as cleanly as Ctrl+C does (main thread only)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
