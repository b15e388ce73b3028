"""build(): site.yaml -> config -> sources -> model -> pages -> output folder, one way."""

from __future__ import annotations

import contextlib
import html
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from digest.bundles import BUNDLE_ENDINGS, bundle_files, bundle_folder, bundles_state
from digest.cache import CACHE_DIR, BuildCache, Generation, ModelLoader, Record
from digest.check import escaping_link_problems
from digest.config import Config, load_config
from digest.errors import DigestError, Problem
from digest.fingerprints import files_fingerprint, fingerprint
from digest.group import Selection
from digest.model import Article, Site
from digest.reading import ReadOutcome, entries, model_key, published, read_entries
from digest.sources import Entry, Stub, article_files
from digest.theme import Theme, theme_folders
from digest.workers import Progress, no_progress, run_apart
from digest.write import SiteWriter, check_output_dir, output_matches, staging_folder

if TYPE_CHECKING:  # imported where used: a build with nothing to do never renders
    from digest.render import Bodies, SiteRenderer


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
    # Put an edited article's own page live first, from the session's last model, and
    # leave the whole build to follow (fast_render.py; serve does so).
    fast_render: bool = False


class BuildCancelled(Exception):
    """A session's build gave up because a newer change was waiting (BuildSession.cancelled);
    the live site and the cache's record of it are as they were."""


class BuildSession:
    """Kept by a process that builds again and again (serve, build --watch): the compiled
    theme, used by the next build while the theme's files are byte for byte the same, and
    the search index a deferred build left to make (`pending`, see deferred_index.py)."""

    def __init__(self) -> None:
        self._kept: tuple[tuple[object, ...], Theme] | None = None
        self.pending: PendingIndex | None = None
        self.last: LastBuild | None = None  # what the last build was made from (quick_edit.py)
        # Pages put live ahead of a whole build (fast_render.py); while set, one is owed.
        self.fast: FastEdits | None = None
        # A build was given up (cancelled): the live site lags behind the sources.
        self.behind = False
        # Asked as a build goes: True gives it up (BuildCancelled) for a newer change.
        self.cancelled: Callable[[], bool] = lambda: False

    def check(self) -> None:
        """Raise BuildCancelled if the build under way should give way to a newer change."""
        if self.cancelled():
            raise BuildCancelled

    @property
    def search_stale(self) -> bool:
        """Whether a build left the live search index as it was (defer_search)."""
        return self.pending is not None

    def theme(self, config: Config, cache_folder: Path | None = None) -> tuple[Theme, bytes]:
        """The theme for config and the fingerprint of its files (compiled templates are
        kept in cache_folder, when given)."""
        folders = theme_folders(config)
        key = files_fingerprint(folders)
        ident = (key, config.language, *folders)
        if self._kept is None or self._kept[0] != ident:
            self._kept = (ident, Theme(config, cache_folder))
        return self._kept[1], key


@dataclass(frozen=True)
class PendingIndex:
    """What a deferred build kept to make the search index alone afterwards: its model, the
    bodies it was made from, and the key of its inputs. Until the index is made, the output
    folder's generation carries stale_key(build_key), so no build takes it for complete."""

    config: Config
    site: Site
    bodies: Bodies
    cache_folder: Path
    now: datetime
    build_key: bytes


@dataclass(frozen=True)
class LastBuild:
    """What a session's last build was made from, so an edit that changes no more than an
    article's body can be built from it (quick_edit.py): the articles as read, the model,
    the keys the output was made under, and the warnings it gave."""

    config: Config
    theme_key: bytes
    drafts: bool
    future: bool
    stubs: list[Stub]  # every article file's
    chosen: list[str]  # the published ones' paths, newest first
    keys: dict[str, bytes]  # path -> content key
    lean: dict[str, tuple[bytes, tuple[str, ...]]]  # path -> what grouping reads of it
    links: dict[str, tuple[str, ...]]
    bundles: tuple[str, ...]  # bundles_state() of the published bundles
    model_key: bytes
    build_key: bytes
    # Known once the build is done: the key the output's generation carries (stale_key()
    # while the search index is deferred), the model (or its loader) and the warnings.
    saved_key: bytes = b""
    model: Site | Callable[[], Site] | None = None
    warnings: tuple[Problem, ...] = ()
    generation: Generation | None = None  # what the output's generation holds

    @property
    def site(self) -> Site:
        assert self.model is not None
        return self.model if isinstance(self.model, Site) else self.model()


@dataclass(frozen=True)
class FastEdits:
    """Articles whose own pages a session put live from their new text within the last
    build's model (fast_render.py), before the whole build that brings the other pages
    (day, home, topics, feeds) up to date: the articles as shown, their content keys, and
    the key the output's generation carries meanwhile (no build makes it), and that
    generation."""

    articles: dict[str, Article]  # source path -> the article as its page now shows it
    keys: dict[str, bytes]  # source path -> content key
    key: bytes
    generation: Generation | None  # what the output's generation holds now


def output_key(
    model_key: bytes, theme_key: bytes, body_keys: Iterable[bytes], bundles: Iterable[str]
) -> bytes:
    """What the whole output is made from: the model, the theme, the published articles'
    bodies (the model holds none) and their page bundles' files."""
    return fingerprint(model_key, theme_key, *body_keys, *bundles)


def stale_key(build_key: bytes) -> bytes:
    """The key saved for an output whose pages are built from build_key's inputs but whose
    search index is older."""
    return fingerprint(b"search index stale", build_key)


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
    # Pages that moved to a new address (a fast render of a retitled article): old -> new.
    moved: tuple[tuple[str, str], ...] = ()
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


@dataclass(frozen=True)
class Staged:
    """What a post-write step gets: the new site complete in `folder` (a model step runs
    before the folder is complete: see MODEL_STEPS), not yet live; the previous one still
    in `live`. `pages_changed` also holds when an earlier build left
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
    model_key: bytes = b""  # the site model's key: same as last time, the same metadata


# Steps that add files to the new site (a search index), run after every page is in the
# staging folder and before it is swapped in. Each returns the files to add
# (path in the site, bytes) and its warnings; the files may be made as they are taken.
# (path, None) keeps the live file at path as it is.
PostWriteStep = Callable[[Staged], tuple[Iterable[tuple[str, bytes | None]], list[Problem]]]


def search_step(staged: Staged) -> tuple[Iterable[tuple[str, bytes | None]], list[Problem]]:
    if not staged.config.search:
        return [], []
    from digest.search import live_index, stream_index_files

    # With no page changed, the live site's index is still the right one; when deferred,
    # it stays until a later build (if there is one to keep).
    if not staged.pages_changed or (staged.defer and _has_index(staged.live)):
        return live_index(staged.live), []
    assert staged.site is not None and staged.bodies is not None
    assert staged.cache_folder is not None and staged.now is not None
    site, bodies, live = staged.site, staged.bodies, staged.live
    files = stream_index_files(
        site, bodies, staged.cache_folder, staged.now, live, model=staged.model_key
    )
    return files, []


def _has_index(site: Path) -> bool:
    from digest.search_index import INDEX_DIR

    return (site / INDEX_DIR / "meta.json").is_file()


# Steps made from the model alone, reading no page (the search index): they run before the
# staging folder is completed, so the files they keep as they are stay linked there rather
# than being taken out by complete() and linked again, thousands of them.
MODEL_STEPS: list[tuple[str, PostWriteStep]] = [("search index", search_step)]
# Steps that read the complete new site in Staged.folder (none built in: Pagefind's place).
POST_WRITE_STEPS: list[tuple[str, PostWriteStep]] = []


def build(
    site_dir: Path, options: BuildOptions | None = None, progress: Progress = no_progress
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
    kept = session.last, session.fast  # put back if the build is given up
    session.last = None  # until this build is done (a failed one leaves nothing to build on)
    folder = options.cache_dir or config.site_dir / CACHE_DIR
    theme, theme_key = session.theme(config, folder)
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
        keep=options.session is not None,
    )
    try:
        result = _build_in(folder, run, warnings)
    except BuildCancelled:
        (session.last, session.fast), session.behind = kept, True
        raise
    except BaseException:
        session.fast, session.behind = None, False  # failed: the next save builds again
        raise
    session.fast, session.behind = None, False  # every page is up to date
    result.seconds = time.perf_counter() - started
    return result


def _build_in(folder: Path, run: _Run, warnings: list[Problem]) -> BuildResult:
    try:
        with BuildCache(folder) as cache:
            return run.build(cache)
    except sqlite3.DatabaseError:  # a damaged cache, found only now: the output is untouched
        BuildCache.discard(folder)
        run.warnings = list(warnings)
        with BuildCache(folder) as cache:
            return run.build(cache)


# From this many articles, grouping runs in a child process (see _Run.grouped).
GROUP_APART_MIN = 2000


@dataclass(frozen=True)
class _Keyed:
    """What the published articles come to before grouping: the key of the grouped model,
    the key of the whole output, and the warnings about their links."""

    model_key: bytes
    build_key: bytes
    link_problems: list[Problem]
    kept: LastBuild | None = None  # for a session: what the keys were made from (no model yet)


@dataclass
class _Written:
    """What write_pages() put into the staging folder."""

    records: dict[str, Record]
    outputs: int  # pages, feeds and the like (not static files)
    rendered: int  # pages made (the rest were unchanged and kept)
    plan: bytes  # names the pages made (see page_plan.py)


@dataclass
class _Run:
    """One build's steps, in order: read, key, nothing to do?, group, write the pages that
    changed into the staging folder, run the post-write steps, swap. Warnings gather in
    `warnings` in that order."""

    config: Config
    theme: Theme
    theme_key: bytes
    session: BuildSession
    defer_search: bool
    selection: Selection
    workers: int
    progress: Progress
    warnings: list[Problem]
    deferred: bool = False  # the search index was left as it was (defer_search)
    keep: bool = False  # keep what the build is made from in the session (session.last)

    def build(self, cache: BuildCache) -> BuildResult:
        self.warnings = list(self.warnings)
        from digest.search import stored_lemmas
        from digest.words import remember_lemmas

        # Words earlier builds met need no dictionary: an edit build seldom loads it.
        remember_lemmas(partial(stored_lemmas, cache.folder))
        read = self.read(cache)
        self.session.check()
        keyed = self.key(read)
        cached = cache.load_model(keyed.model_key, self.config)
        last = cache.generation(self.config.output_dir)
        staging = staging_folder(self.config.output_dir, cache.folder)
        writer = SiteWriter(self.config.output_dir, staging, cache.listing(staging))
        if cached is not None and last is not None and self.nothing_to_do(last, keyed, writer):
            self.session.pending = None  # the output is complete: its index too
            return self.as_before(cached, last, keyed)
        site = self.group(cache, read, keyed, cached)
        from digest.render import SiteRenderer

        renderer = SiteRenderer(
            site,
            self.theme,
            cache.bodies(read.keys, read.unstable),
            keyed.model_key,
            self.theme_key,
            cache.digests(),
        )
        written = self.write_pages(renderer, writer, last)
        del renderer  # its caches (pages' fingerprints, the sitemap) make room for the index
        self.session.check()
        bodies = cache.bodies(read.keys, read.unstable)
        stale = last is None or last.build_key != keyed.build_key
        notes = self.post_write(
            writer, written.records, site, bodies, cache.folder, stale, keyed.model_key
        )
        self.session.check()  # the last moment: from here on the new site goes live
        return self.swap(cache, writer, site, read, keyed, written, notes, bodies)

    def read(self, cache: BuildCache) -> ReadOutcome:
        """Every article file under content/, from the cache where unchanged."""
        files, problems = article_files(self.config.content_dir)
        self.warnings.extend(problems)
        read = read_entries(cache, self.config, files, self.workers, self.progress)
        self.warnings.extend(read.problems)
        return read

    def key(self, read: ReadOutcome) -> _Keyed:
        """Name what the output is made from: the published articles as read (the model),
        the theme and the articles' bodies (the model holds none: their keys count)."""
        chosen = published(read, self.selection)
        model = model_key(self.config, self.selection, chosen, read)
        links = _escaping_links(chosen, read, self.config)
        bodies = (read.keys[stub.path] for stub in chosen)
        bundles = bundles_state(self.config.site_dir, _bundle_folders(chosen, self.config))
        build_key = output_key(model, self.theme_key, bodies, bundles)
        kept = None
        if self.keep and not read.unstable:
            kept = LastBuild(
                self.config, self.theme_key, self.selection.drafts, self.selection.future,
                list(read.stubs), [stub.path for stub in chosen], read.keys, dict(read.lean),
                read.links, tuple(bundles), model, build_key,
            )  # fmt: skip
        read.stubs.clear()  # not needed again; a large site's worth of memory
        read.lean.clear()
        return _Keyed(model, build_key, links, kept)

    def nothing_to_do(self, last: Generation, keyed: _Keyed, writer: SiteWriter) -> bool:
        """Whether the output folder holds exactly what a build from these inputs writes."""
        return _unchanged(last, keyed.build_key, writer)

    def as_before(
        self, cached: tuple[ModelLoader, list[Problem]], last: Generation, keyed: _Keyed
    ) -> BuildResult:
        """The result of the last build, said again (its model is loaded only if asked)."""
        loader, problems = cached
        warnings = [*self.warnings, *problems, *keyed.link_problems, *last.notes]
        self.remember(keyed, loader, last, warnings)
        return BuildResult(
            config=self.config,
            model=loader,
            warnings=warnings,
            pages=last.pages,
            files=len(last.records),
            counts=last.counts,
        )

    def remember(
        self,
        keyed: _Keyed,
        model: Site | Callable[[], Site],
        saved: Generation,
        warnings: list[Problem],
    ) -> None:
        """Keep in the session what this build was made from (see LastBuild)."""
        if keyed.kept is not None:
            self.session.last = replace(
                keyed.kept,
                saved_key=saved.build_key,
                model=model,
                warnings=tuple(warnings),
                generation=saved,
            )

    def group(
        self,
        cache: BuildCache,
        read: ReadOutcome,
        keyed: _Keyed,
        cached: tuple[ModelLoader, list[Problem]] | None,
    ) -> Site:
        """The site model: cached, or grouped from the entries and kept."""
        if cached is not None:
            site, problems = cached[0](), cached[1]
        else:
            site, problems = self.grouped(cache, read, keyed.model_key)
            read.fresh.clear()  # the model has what grouping needed; let the texts go
        self.warnings += problems + keyed.link_problems
        return site

    def grouped(
        self, cache: BuildCache, read: ReadOutcome, key: bytes
    ) -> tuple[Site, list[Problem]]:
        """The model grouped from the entries, and kept in the cache. A large site is
        grouped in a child process: every entry is loaded to be grouped, and the memory they
        took would stay with the build (and the render workers forked from it) long after
        they are gone; the child hands back the model as the cache keeps it."""
        import pickle
        import zlib

        from digest.group import group_site
        from digest.model_pack import pack_site_zipped

        def group() -> bytes:
            # An iterator: grouping lets each entry go as it goes (the list would hold them).
            found = _checked(entries(cache, read), self.session)
            site, problems = group_site(found, self.config, self.selection)
            return pickle.dumps((pack_site_zipped(site), problems), pickle.HIGHEST_PROTOCOL)

        data = run_apart(group) if len(read.keys) >= GROUP_APART_MIN else None
        if data is not None:
            zipped, problems = pickle.loads(data)
            del data
            packed = zlib.decompress(zipped)
            del zipped
            cache.store_packed_model(key, packed, problems)
            return ModelLoader(packed, self.config)(), problems
        found = _checked(entries(cache, read), self.session)
        site, problems = group_site(found, self.config, self.selection)
        cache.store_model(key, site, problems)
        return site, problems

    def write_pages(
        self, renderer: SiteRenderer, writer: SiteWriter, last: Generation | None
    ) -> _Written:
        """Every output into the staging folder: a page whose inputs are as last time is
        the live file, linked (page_plan.py); the others are settled (settle.py), in worker
        processes when there are many."""
        from digest.page_plan import plan_pages
        from digest.settle import settle_pages

        writer.open()
        records: dict[str, Record] = {}
        plan = plan_pages(renderer, writer, last, records, self.session.check)
        jobs = plan.jobs
        rendered = 0
        prepare = partial(renderer.prepare, [job.page for job in jobs])
        settled = settle_pages(jobs, writer, self.workers, self.progress, prepare)
        for page, fine, placed, made in settled:
            records[placed.path] = Record(page.key, fine, *placed.record)
            rendered += made
        for rel, source in self.theme.static_files():
            placed = writer.write(rel, source.read_bytes(), str(source))
            records[placed.path] = Record(None, None, *placed.record)
        for article in renderer.site.articles:  # page bundles' images and attachments
            if article.bundle:
                for rel, source in bundle_files(self.config.site_dir / article.bundle):
                    try:
                        data = source.read_bytes()
                    except OSError:
                        continue  # gone since it was listed: the next build has it right
                    placed = writer.write(article.url + rel, data, str(source))
                    records[placed.path] = Record(None, None, *placed.record)
        placed = writer.write(".nojekyll", b"", "GitHub Pages marker")
        records[placed.path] = Record(None, None, *placed.record)
        return _Written(records, plan.outputs, rendered, plan.key)

    def post_write(
        self,
        writer: SiteWriter,
        records: dict[str, Record],
        site: Site,
        bodies: Bodies,
        cache_folder: Path,
        inputs_changed: bool,
        model_key: bytes = b"",
    ) -> list[Problem]:
        """Run MODEL_STEPS, then POST_WRITE_STEPS on the complete new site; their files join
        it. A step runs when pages changed or the inputs did (the last build may have left
        its files stale)."""
        config = self.config
        changed = writer.changed > 0 or inputs_changed
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
            model_key,
        )
        self.deferred = (
            changed and self.defer_search and config.search and _has_index(config.output_dir)
        )
        notes = _run_steps(MODEL_STEPS, staged, writer, records)
        writer.complete()  # the staging folder now holds the whole new site
        notes += _run_steps(POST_WRITE_STEPS, staged, writer, records)
        self.warnings += notes
        return notes

    def swap(
        self,
        cache: BuildCache,
        writer: SiteWriter,
        site: Site,
        read: ReadOutcome,
        keyed: _Keyed,
        written: _Written,
        notes: list[Problem],
        bodies: Bodies,
    ) -> BuildResult:
        """Put the new site live and remember what it is; then tidy the cache."""
        counts = (len(site.articles), len(site.days), len(site.topics), len(site.untagged))
        key = stale_key(keyed.build_key) if self.deferred else keyed.build_key
        # Saved before the swap; the records vouch only for the files they name (see Generation).
        generation = Generation(key, written.outputs, counts, written.records, notes, written.plan)
        cache.save_generation(self.config.output_dir, generation)
        removed = writer.finish()
        cache.tidy()
        cache.forget_unused(set(read.keys.values()))
        _forget_staging(cache)
        self.session.pending = None
        self.remember(keyed, site, generation, self.warnings)
        if self.deferred:
            self.session.pending = PendingIndex(
                self.config, site, bodies, cache.folder, self.selection.now, keyed.build_key
            )
        return BuildResult(
            config=self.config,
            model=site,
            warnings=self.warnings,
            pages=written.outputs,
            files=len(writer.written),
            changed=writer.changed,
            removed=removed,
            parsed=read.parsed,
            rendered=written.rendered,
            counts=counts,
        )


def _run_steps(
    steps: list[tuple[str, PostWriteStep]],
    staged: Staged,
    writer: SiteWriter,
    records: dict[str, Record],
) -> list[Problem]:
    """Run each step; the files it gives join the staging folder (and `records`). Returns
    the steps' warnings."""
    notes: list[Problem] = []
    for name, step in steps:
        files, problems = step(staged)
        notes.extend(problems)
        for rel, data in files:
            kept = writer.keep_live(rel, name) if data is None else None
            if data is None and kept is None:
                raise DigestError(f"{rel} vanished from the output while building: build again")
            placed = kept or writer.write(rel, data or b"", name)
            records[placed.path] = Record(None, None, *placed.record)
    return notes


def _checked(items: Iterable[Entry], session: BuildSession) -> Iterator[Entry]:
    """items, asking the session now and then whether the build should give way."""
    for n, item in enumerate(items):
        if n % 256 == 0:
            session.check()
        yield item


def _bundle_folders(chosen: list[Stub], config: Config) -> list[str]:
    """The page bundles among the published articles, as folders relative to the site."""
    return [
        folder
        for stub in chosen
        if stub.path.lower().endswith(BUNDLE_ENDINGS)  # a string test first: 100,000 stubs
        and (folder := bundle_folder(config.site_dir / stub.path, config))
    ]


def _forget_staging(cache: BuildCache) -> None:
    """Remove staging folders (kept in the cache) of output folders no longer built."""
    kept = {staging_folder(out, cache.folder).name for out in cache.outputs()}
    with contextlib.suppress(OSError):
        for folder in (cache.folder / "output").iterdir():
            if folder.name.removesuffix(".old").removesuffix(".listing") not in kept:
                if folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)
                else:
                    folder.unlink()


def _unchanged(last: Generation, build_key: bytes, writer: SiteWriter) -> bool:
    """Whether the output folder still holds exactly what a build from the same inputs
    wrote: then there is nothing to do."""
    return (
        last.build_key == build_key
        and set(last.records) == writer.previous
        and output_matches(writer.out, {k: r.stamp for k, r in last.records.items()})
    )


def _escaping_links(chosen: list[Stub], read: ReadOutcome, config: Config) -> list[Problem]:
    """Links like /css/x.css break a site served under /news/. The links were found when the
    article was read (the model holds no bodies); check.py judges them."""
    found: list[Problem] = []
    for article in chosen:
        links = read.links.get(article.path)
        if links:
            anchors = "".join(f'<a href="{html.escape(link)}"></a>' for link in links)
            found.extend(escaping_link_problems(article.path, anchors, config.base_path))
    return found
