"""Which pages a build keeps as the live files are and which it settles (settle.py): found
from every page's recipe, or, when the model, theme and settings are those of the output's
last build, from that build's records, with recipes made only for the pages whose key
changed (an article's own page, when its body was edited) or whose live file is not as
recorded. Either way it writes the outputs made on every build (feeds, redirects)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from digest.cache import Generation, Record
from digest.fingerprints import fingerprint
from digest.render import Output, SiteRenderer
from digest.settle import Job
from digest.write import SiteWriter

# How often (in pages) the build is asked whether it should give way (BuildSession.check).
CHECK_EVERY = 256


@dataclass(frozen=True)
class Plan:
    """What plan_pages() found: the pages to settle, how many outputs the site has (pages,
    feeds and the like), and the key to save with the records (see plan_key())."""

    jobs: list[Job]
    outputs: int
    key: bytes


def plan_key(renderer: SiteRenderer, pages: int) -> bytes:
    """What names the pages a build makes, saved with its records: the renderer's plan key
    (model, theme, settings) and the number of pages. A later build with the same key makes
    the same pages, at the paths of the records that carry a page key; a record whose page
    key was dropped since (fast_render.py) no longer adds up to the number."""
    return fingerprint(renderer.plan_key, str(pages))


def plan_pages(
    renderer: SiteRenderer,
    writer: SiteWriter,
    last: Generation | None,
    records: dict[str, Record],
    check: Callable[[], None],
) -> Plan:
    """Keep the pages whose key and live file are as last time (into `records`), write the
    outputs made on every build, and return the pages left to settle."""
    if last is not None and last.plan:
        pages = sum(1 for record in last.records.values() if record.page_key is not None)
        if last.plan == plan_key(renderer, pages):
            return _from_records(renderer, writer, last, records, check, pages)
    return _from_recipes(renderer, writer, last, records, check)


def _from_recipes(
    renderer: SiteRenderer,
    writer: SiteWriter,
    last: Generation | None,
    records: dict[str, Record],
    check: Callable[[], None],
) -> Plan:
    """Every page's recipe made, and its key compared with its record's."""
    before = last.records if last is not None else {}
    jobs: list[Job] = []
    pages = 0
    for page in renderer.pages():
        pages += 1
        if pages % CHECK_EVERY == 0:
            check()
        old = before.get(page.path)
        if old is not None and old.page_key == page.key:
            # The same model, theme and inputs make the same page: no need to look closer.
            kept = writer.keep(page.path, page.origin, old.stamp)
            if kept is not None:
                records[kept.path] = Record(page.key, old.fine, *kept.record)
                continue
        jobs.append(Job(writer.claim(page.path, page.origin), page, old))
    outputs = _write(renderer.outputs(), writer, records)
    return Plan(jobs, pages + outputs, plan_key(renderer, pages))


def _from_records(
    renderer: SiteRenderer,
    writer: SiteWriter,
    last: Generation,
    records: dict[str, Record],
    check: Callable[[], None],
    pages: int,
) -> Plan:
    """The pages are those of the last build: each record's key is made again from its
    path (and an article page's body key) without the page's recipe; only pages whose key
    differs or whose live file is not as recorded get one."""
    shown = {path: (article, day) for path, article, day in renderer.article_pages()}
    feeds = renderer.feed_inputs()
    redo: dict[str, Record] = {}
    same: list[tuple[str, str, tuple[int, int, int]]] = []  # (path, origin, the file's stamp)
    for n, (path, old) in enumerate(last.records.items()):
        if old.page_key is None:
            continue  # made on every build (static files, redirects, the search index)
        if n % CHECK_EVERY == 0:
            check()
        where = shown.get(path)
        key = renderer.key_at(path, feeds.get(path, ()) if where is None else (where[0],))
        if key == old.page_key:
            same.append((path, path if where is None else where[0].path, old.stamp))
        else:
            redo[path] = old
    failed, copied = writer.keep_all(same)
    for path, _origin, _stamp in same:
        records[path] = last.records[path]  # the very file recorded: the same record
    for path in failed:
        redo[path] = records.pop(path)
    for path, placed in copied.items():
        records[path] = records[path]._replace(
            size=placed.size, mtime_ns=placed.mtime_ns, inode=placed.inode
        )
    if all(path in shown or path in feeds for path in redo):
        found = [renderer.article_page(*shown[path]) for path in redo if path in shown]
        found += [page for page in renderer.feed_pages() if page.path in redo]
    else:  # others changed behind our back: find them among all pages (and the sitemap's
        # entries with them)
        found = [page for page in renderer.pages() if page.path in redo]
    jobs = [Job(writer.claim(page.path, page.origin), page, redo[page.path]) for page in found]
    outputs = _write(renderer.outputs(), writer, records)
    return Plan(jobs, pages + outputs, last.plan)


def _write(outputs: Iterable[Output], writer: SiteWriter, records: dict[str, Record]) -> int:
    """Write each output (a link to the live file if its bytes are the same); how many."""
    count = 0
    for output in outputs:
        placed = writer.write(output.path, output.data, output.origin)
        records[placed.path] = Record(None, None, *placed.record)
        count += 1
    return count
