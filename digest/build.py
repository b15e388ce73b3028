"""build(): site.yaml -> config -> sources -> model -> pages -> output folder, one way."""

from __future__ import annotations

import contextlib
import gc
import html
import multiprocessing
import multiprocessing.connection
import os
import shutil
import sqlite3
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path

from digest.cache import (
    CACHE_DIR,
    BuildCache,
    Generation,
    ReadOutcome,
    Record,
    can_fork,
    die_with,
    files_fingerprint,
    fingerprint,
    published,
)
from digest.check import escaping_link_problems
from digest.config import Config, load_config
from digest.errors import DigestError, Problem
from digest.group import Selection, build_site
from digest.model import Site
from digest.render import Bodies, Output, Page, SiteRenderer
from digest.search import index_files, live_index
from digest.search_index import INDEX_DIR
from digest.sources import Entry, find_articles
from digest.theme import Theme, theme_folders
from digest.write import (
    MANIFEST,
    Placed,
    SiteWriter,
    check_output_dir,
    output_matches,
    read_manifest,
    staging_folder,
)

# Below this many pages to render, starting processes costs more than it saves.
PARALLEL_MIN_PAGES = 400


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    future: bool = False
    output_dir: Path | None = None
    workers: int = 0  # processes for reading and rendering; 0 = one per core
    now: datetime | None = None  # the moment that decides what is future-dated
    cache_dir: Path | None = None  # default: .digest-cache beside site.yaml
    # What a long-running process (serve, build --watch) keeps from one build to the next.
    session: BuildSession | None = field(default=None, compare=False, repr=False)
    # Keep the live search index when pages changed, so the preview reloads sooner; the
    # session notes it is stale and its next build without this makes it (serve does so
    # right after the reload).
    defer_search: bool = False


class BuildSession:
    """Kept by a process that builds again and again (serve, build --watch): the compiled
    theme, used by the next build while the theme's files are byte for byte the same."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[object, ...], Theme] | None = None
        self.search_stale = False  # a build left the search index as it was (defer_search)

    def theme(self, config: Config) -> tuple[Theme, bytes]:
        """The theme for config and the fingerprint of its files."""
        folders = theme_folders(config)
        key = files_fingerprint(folders)
        ident = (key, config.language, *folders)
        if self._kept is None or self._kept[0] != ident:
            self._kept = (ident, Theme(config))
        return self._kept[1], key


@dataclass
class BuildResult:
    config: Config
    model: Site | Callable[[], Site]  # the site, or how to load it: a build that finds
    # nothing to do does not unpickle the model unless asked
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    changed: int = 0  # files whose bytes differ from the previous build's
    removed: int = 0
    seconds: float = 0.0
    parsed: int = 0  # articles read and parsed (the rest came from the cache)
    rendered: int = 0  # pages made (the rest were unchanged and kept)

    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # articles, days, topics, untagged

    @property
    def site(self) -> Site:
        if not isinstance(self.model, Site):
            self.model = self.model()
        return self.model

    def summary(self) -> str:
        articles, days, topics, untagged = self.counts
        return (
            f"{articles} articles, {days} days, {topics} topics, "
            f"{untagged} untagged, {self.pages} pages, {len(self.warnings)} warnings "
            f"in {self.seconds:.2f} s"
        )


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class Staged:
    """What a post-write step gets: the new site complete in `folder`, not yet live; the
    previous one still in `live`. `pages_changed` also holds when an earlier build left
    the steps' files stale (defer_search); with `defer`, a step may keep them stale."""

    folder: Path
    live: Path
    config: Config
    pages_changed: bool
    defer: bool = False
    site: Site | None = None  # the model and where its bodies are, for the search index
    bodies: Bodies | None = None
    cache_folder: Path | None = None
    now: datetime | None = None


# Steps that read the written site and add files to it (a search index), run after every
# page is in the staging folder and before it is swapped in. Each returns the files to add
# (path in the site, bytes) and its warnings.
# (path, None) keeps the live file at path as it is.
PostWriteStep = Callable[[Staged], tuple[list[tuple[str, bytes | None]], list[Problem]]]


def search_step(staged: Staged) -> tuple[list[tuple[str, bytes | None]], list[Problem]]:
    if not staged.config.search:
        return [], []
    # With no page changed, the live site's index is still the right one; when deferred,
    # it stays until a later build (if there is one to keep).
    if not staged.pages_changed or (staged.defer and _has_index(staged.live)):
        return live_index(staged.live), []
    assert staged.site is not None and staged.bodies is not None
    assert staged.cache_folder is not None and staged.now is not None
    files = index_files(staged.site, staged.bodies, staged.cache_folder, staged.now, staged.live)
    return files, []


def _has_index(site: Path) -> bool:
    return (site / INDEX_DIR / "meta.json").is_file()


POST_WRITE_STEPS: list[tuple[str, PostWriteStep]] = [("search index", search_step)]


def build(
    site_dir: Path, options: BuildOptions | None = None, progress: Progress = _no_progress
) -> BuildResult:
    """Build the site in site_dir. Raises DigestError subclasses for whole-build failures;
    problems with single articles come back as warnings and those articles are skipped.

    Unchanged articles come from the cache, unchanged pages are kept, and the new output
    replaces the old one in one step only when it is complete."""
    options = options or BuildOptions()
    started = time.perf_counter()
    config, warnings = load_config(site_dir, options.output_dir)
    check_output_dir(config)
    session = options.session or BuildSession()
    theme, theme_key = session.theme(config)
    run = _Run(
        config=config,
        theme=theme,
        theme_key=theme_key,
        session=session,
        defer_search=options.defer_search,
        selection=Selection(options.now or datetime.now(config.tz), options.drafts, options.future),
        workers=options.workers or os.cpu_count() or 1,
        progress=progress,
        warnings=warnings,
    )
    folder = options.cache_dir or config.site_dir / CACHE_DIR
    try:
        with BuildCache(folder) as cache:
            result = run.build(cache)
    except sqlite3.DatabaseError:  # a damaged cache, found only now: the output is untouched
        BuildCache.discard(folder)
        run.warnings = list(warnings)
        with BuildCache(folder) as cache:
            result = run.build(cache)
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Run:
    """One build's steps, in order: read, group, check whether anything changed, write the
    pages that did into the staging folder, run the post-write steps, swap."""

    config: Config
    theme: Theme
    theme_key: bytes
    session: BuildSession
    defer_search: bool
    selection: Selection
    workers: int
    progress: Progress
    warnings: list[Problem]

    def build(self, cache: BuildCache) -> BuildResult:
        config, selection = self.config, self.selection
        warnings = self.warnings = list(self.warnings)
        paths, problems = find_articles(config.content_dir)
        warnings.extend(problems)
        read = cache.read_entries(config, paths, self.workers, self.progress)
        warnings.extend(read.problems)
        chosen = published(read, selection)
        model_key = cache.model_key(config, selection, chosen, read)
        cached = cache.load_model(model_key, config)
        links = _escaping_links(chosen, read, config)
        # Everything the output is made from (the model holds no bodies: their keys count).
        theme_key = self.theme_key
        bodies = (read.keys[stub.path] for stub in chosen)
        build_key = fingerprint(model_key, theme_key, *bodies)
        del paths, chosen, read.stubs[:]  # not needed again; a large site's worth of memory
        read.lean.clear()

        last = cache.generation(config.output_dir)
        writer = SiteWriter(config.output_dir, staging_folder(config.output_dir, cache.folder))
        stale = self.session.search_stale and config.search
        if (
            cached is not None
            and last is not None
            and not stale
            and _unchanged(last, build_key, writer)
        ):
            return BuildResult(
                config=config,
                model=cached[0],
                warnings=[*warnings, *cached[1], *links, *last.notes],
                pages=last.pages,
                files=len(last.records),
                counts=last.counts,
            )

        if cached is not None:
            site, problems = cached[0](), cached[1]
        else:
            site, problems = build_site(cache.entries(read), config, selection)
            read.fresh.clear()  # the model has what grouping needed; let the texts go
            cache.store_model(model_key, site, problems)
        warnings += problems + links
        renderer = SiteRenderer(
            site, self.theme, cache.bodies(read), model_key, theme_key, cache.digests()
        )
        records, pages, rendered = self.write_pages(renderer, writer, last)
        notes = self.post_write(writer, records, site, cache.bodies(read), cache.folder)
        warnings += notes
        counts = (len(site.articles), len(site.days), len(site.topics), len(site.untagged))
        # Saved before the swap; the records vouch only for the files they name (see Generation).
        cache.save_generation(
            config.output_dir, Generation(build_key, pages, counts, records, notes)
        )
        removed = writer.finish()
        cache.tidy()
        cache.forget_unused(read)
        _forget_staging(cache)
        return BuildResult(
            config=config,
            model=site,
            warnings=warnings,
            pages=pages,
            files=len(writer.written),
            changed=writer.changed,
            removed=removed,
            parsed=read.parsed,
            rendered=rendered,
            counts=counts,
        )

    def write_pages(
        self, renderer: SiteRenderer, writer: SiteWriter, last: Generation | None
    ) -> tuple[dict[str, Record], int, int]:
        """Every output into the staging folder: a page whose inputs are as last time is
        the live file, linked; the others are settled by _settle(), in worker processes when
        there are many. Returns (records, outputs, pages rendered)."""
        writer.open()
        before = last.records if last is not None else {}
        records: dict[str, Record] = {}
        jobs: list[Job] = []
        count = 0
        for item in renderer.all_pages():
            count += 1
            if isinstance(item, Output):
                placed = writer.write(item.path, item.data, item.origin)
                records[placed.path] = (None, None, *placed.record)
                continue
            old = before.get(item.path)
            if old is not None and old[0] == item.key:
                # The same model, theme and inputs make the same page: no need to look closer.
                kept = writer.keep(item.path, item.origin, old[2:])
                if kept is not None:
                    records[kept.path] = (item.key, old[1], *kept.record)
                    continue
            jobs.append(Job(writer.claim(item.path, item.origin), item, old))
        rendered = 0
        prepare = partial(renderer.prepare, [job.page for job in jobs])
        settled = settle_pages(jobs, writer, self.workers, self.progress, prepare)
        for page, fine, placed, made in settled:
            records[placed.path] = (page.key, fine, *placed.record)
            rendered += made
        for rel, source in self.theme.static_files():
            placed = writer.write(rel, source.read_bytes(), str(source))
            records[placed.path] = (None, None, *placed.record)
        placed = writer.write(".nojekyll", b"", "GitHub Pages marker")
        records[placed.path] = (None, None, *placed.record)
        return records, count, rendered

    def post_write(
        self,
        writer: SiteWriter,
        records: dict[str, Record],
        site: Site,
        bodies: Bodies,
        cache_folder: Path,
    ) -> list[Problem]:
        """Run POST_WRITE_STEPS on the complete new site; their files join it."""
        writer.complete()  # the staging folder now holds the whole new site
        config, session = self.config, self.session
        changed = writer.changed > 0 or session.search_stale
        staged = Staged(
            writer.staging,
            config.output_dir,
            config,
            changed,
            self.defer_search,
            site,
            bodies,
            cache_folder,
            self.selection.now,
        )
        session.search_stale = (
            changed and self.defer_search and config.search and _has_index(config.output_dir)
        )
        notes: list[Problem] = []
        for name, step in POST_WRITE_STEPS:
            files, problems = step(staged)
            notes.extend(problems)
            for rel, data in files:
                kept = writer.keep_live(rel, name) if data is None else None
                if data is None and kept is None:
                    raise DigestError(f"{rel} vanished from the output while building: build again")
                placed = kept or writer.write(rel, data or b"", name)
                records[placed.path] = (None, None, *placed.record)
        return notes


def _forget_staging(cache: BuildCache) -> None:
    """Remove staging folders (kept in the cache) of output folders no longer built."""
    kept = {staging_folder(out, cache.folder).name for out in cache.outputs()}
    with contextlib.suppress(OSError):
        for folder in (cache.folder / "output").iterdir():
            if folder.name.removesuffix(".old") not in kept:
                shutil.rmtree(folder, ignore_errors=True)


def _unchanged(last: Generation, build_key: bytes, writer: SiteWriter) -> bool:
    """Whether the output folder still holds exactly what a build from the same inputs
    wrote: then there is nothing to do."""
    return (
        last.build_key == build_key
        and set(last.records) == writer.previous
        and output_matches(writer.out, {k: r[2:] for k, r in last.records.items()})
    )


def _escaping_links(chosen: list[Entry], read: ReadOutcome, config: Config) -> list[Problem]:
    """Links like /css/x.css break a site served under /news/. The links were found when the
    article was read (the model holds no bodies); check.py judges them."""
    found: list[Problem] = []
    for article in chosen:
        links = read.links.get(article.path)
        if links:
            anchors = "".join(f'<a href="{html.escape(link)}"></a>' for link in links)
            found.extend(escaping_link_problems(article.path, anchors, config.base_path))
    return found


# --- rendering, in processes when there is much of it -------------------------------------


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
    if job.old is not None and job.old[1] == fine:
        kept = writer.keep_claimed(job.key, job.old[2:])
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


# --- verify ------------------------------------------------------------------------------


def verify(
    site_dir: Path, options: BuildOptions | None = None, progress: Progress = _no_progress
) -> tuple[BuildResult, list[str]]:
    """Build as usual (incrementally), then from scratch into a temporary folder with an
    empty cache, and list every file whose bytes differ between the two (empty: identical)."""
    options = options or BuildOptions()
    if options.now is None:
        config, _ = load_config(site_dir, options.output_dir)
        options = replace(options, now=datetime.now(config.tz))
    result = build(site_dir, options, progress)
    with tempfile.TemporaryDirectory(prefix="digest-verify-") as tmp:
        fresh = Path(tmp) / "site"
        build(site_dir, replace(options, output_dir=fresh, cache_dir=Path(tmp) / "cache"))
        return result, compare_outputs(result.config.output_dir, fresh)


def compare_outputs(incremental: Path, fresh: Path) -> list[str]:
    """What differs between two builds' files (each output's own manifest lists them)."""
    ours = set(read_manifest(incremental))
    theirs = set(read_manifest(fresh))
    differences = []
    for rel in sorted(ours | theirs):
        if rel == MANIFEST:
            continue
        if rel not in theirs:
            differences.append(f"{rel}: only in the incremental build")
        elif rel not in ours:
            differences.append(f"{rel}: missing from the incremental build")
        elif (incremental / rel).read_bytes() != (fresh / rel).read_bytes():
            differences.append(f"{rel}: differs from a build from scratch")
    return differences
