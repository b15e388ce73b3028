"""Incremental reading: what every article file says, from the cache when the file is
unchanged, else read (in worker processes when there are many), and what of it is published."""

from __future__ import annotations

import dataclasses
import os
import pickle
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter
from pathlib import Path

from digest.cache import BuildCache, IndexRow
from digest.check import root_absolute_links
from digest.config import Config
from digest.errors import CacheError, Problem, display_path
from digest.fingerprints import (
    config_fingerprint,
    content_key,
    fingerprint,
    parse_fingerprint,
    rules_fingerprint,
)
from digest.group import Selection, TopicIndex, is_published
from digest.sources import PARALLEL_MIN_FILES, ArticleReader, Entry, Stub, read_file
from digest.stories import pack_features, story_features
from digest.workers import Progress, parallel_map

# A file's size and times are trusted to mean "unchanged" only if the file was at least this
# much older than the moment they were recorded: filesystems with coarse timestamps can
# otherwise hide an edit made in the same tick as the previous build's look at the file.
_TRUST_AFTER_NS = 2_000_000_000
# In an index row instead of the rules' fingerprint: an entry with tags, which keyword rules
# never look at, so a change to them needs nothing looked up again.
_ANY_RULES = b"tags"


@dataclass
class ReadOutcome:
    config: Config
    stubs: list[Stub] = dataclasses.field(default_factory=list)  # every file's, in path order
    problems: list[Problem] = dataclasses.field(default_factory=list)
    keys: dict[str, bytes] = dataclasses.field(default_factory=dict)  # path -> content key
    # path -> what grouping reads of it: its lean entry's fingerprint and keyword topics
    lean: dict[str, tuple[bytes, tuple[str, ...]]] = dataclasses.field(default_factory=dict)
    links: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    # Entries read in this build that the cache does not hold (they changed while read);
    # the others are loaded again from the cache to group: 100,000 held here are too many.
    fresh: dict[str, Entry] = dataclasses.field(default_factory=dict)
    unstable: dict[str, bytes] = dataclasses.field(default_factory=dict)  # bodies not cached
    parsed: int = 0  # files read and parsed in this build


@dataclass(frozen=True)
class Parsed:
    """One file read in a worker: its lean entry pickled, its body compressed."""

    path: Path
    shown: str
    key: bytes | None  # None: the file changed while it was read, so nothing is cached
    entry: bytes  # pickled (lean Entry, problems, links), b"" if the file could not be used
    body: bytes  # zlib of the body HTML
    problems: tuple[Problem, ...]
    grouping: tuple[bytes, tuple[str, ...]] = (b"", ())  # see grouping_facts()


def lean_entry(entry: Entry) -> Entry:
    """The entry without what grows with the article: the body lives in the cache and is
    loaded for the article's own page; the text is kept only where grouping reads it (an
    article with tags never has its text searched for keywords)."""
    return dataclasses.replace(entry, body_html="", text="" if entry.tags else entry.text)


def grouping_facts(entry: Entry, rules: TopicIndex) -> tuple[bytes, tuple[str, ...]]:
    """What grouping reads of an entry: all of its lean self but the text, which it reads
    only for the topics keyword rules find in it (entries without tags). So an edit to a
    wire story's body that leaves its summary and topics as they were changes no page but
    its own."""
    # The story features are made from the title and summary, which are in: not again (and
    # their sets pickle in an order that changes from process to process).
    textless = dataclasses.replace(entry, text="", story=b"")
    facts = fingerprint(pickle.dumps(textless, protocol=pickle.HIGHEST_PROTOCOL))
    return facts, () if entry.tags else tuple(t.key for t in rules.for_text(entry.text))


def published(read: ReadOutcome, selection: Selection) -> list[Stub]:
    """The stubs of the articles the site publishes, newest first (as the model orders them)."""
    chosen = [stub for stub in read.stubs if is_published(stub, selection)]
    chosen.sort(key=attrgetter("date", "path"), reverse=True)
    return chosen


def read_entries(
    cache: BuildCache, config: Config, files: list[str], workers: int, progress: Progress
) -> ReadOutcome:
    """What every file says (paths as article_files() gives them): from the cache when the
    file is unchanged, else read (in worker processes when there are many). Full entries are
    loaded only if grouping needs them (entries()); problems come back in path order."""
    parse_fp = parse_fingerprint(config)
    rules_fp = rules_fingerprint(config)
    index = cache.index(parse_fp)
    now_ns = time.time_ns()
    # Keyed by the path as shown, a string: hashing 10,000 Paths costs more than reading.
    shown_of = shown_paths(files, config.site_dir)
    known: dict[str, IndexRow] = {}  # files not read again: their rows
    stats: dict[str, tuple[int, int, int, int]] = {}  # files not trusted as recorded: as seen
    to_read: list[Path] = []
    again: dict[str, IndexRow] = {}  # files read again: their rows in the index
    get_row, stat = index.get, os.stat
    for file, shown in zip(files, shown_of, strict=True):
        try:
            st = stat(file)
        except OSError:
            to_read.append(Path(file))  # the reader names the problem
            continue
        old = get_row(shown)
        if (
            old is not None
            and old.mtime_ns == st.st_mtime_ns
            and old.ctime_ns == st.st_ctime_ns
            and old.size == st.st_size
            and old.inode == st.st_ino
            and old.key is not None
            and old.seen_ns - st.st_mtime_ns > _TRUST_AFTER_NS
        ):
            known[shown] = old  # its stat is as recorded: the very same row
            continue
        stats[shown] = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
        if old is not None and old.key is not None:
            # The same bytes under a new date or inode (a checkout, a touch)? The key names
            # the path too, so only the file's own row can have it.
            try:
                same = content_key(parse_fp, shown, Path(file).read_bytes()) == old.key
            except OSError:
                same = False
            if same:
                known[shown] = old
                continue
            again[shown] = old
        to_read.append(Path(file))

    outcome = ReadOutcome(config)
    # What was read now, kept small: bodies go straight to the cache, never into memory.
    parsed: dict[str, tuple[IndexRow | None, tuple[Problem, ...]]] = {}
    if to_read:
        # A few files (an edit) are read in this process, from what the cache holds of them.
        earlier = _earlier(cache, again) if len(to_read) < PARALLEL_MIN_FILES else {}
        with cache.transaction():
            parsing = parallel_map(
                _parser,
                (config, parse_fp, earlier),
                to_read,
                workers,
                min_items=PARALLEL_MIN_FILES,
                chunksize=32,
            )
            for n, fresh in enumerate(parsing, start=1):
                parsed[fresh.shown] = (_remember(cache, fresh, outcome, rules_fp), fresh.problems)
                if n % 500 == 0 or n == len(to_read):
                    progress("read", n, len(to_read))

    tz, stubs = config.tz, outcome.stubs
    rules: TopicIndex | None = None
    keys, lean, links, problems = outcome.keys, outcome.lean, outcome.links, outcome.problems
    # The index's rows that change: a row, or None for a file not to be remembered.
    changed: dict[str, IndexRow | None] = dict.fromkeys(index.keys() - shown_of)  # files gone
    for shown in shown_of:
        row = known.get(shown)
        if row is None:
            result = parsed.get(shown)
            if result is None or result[0] is None:
                changed[shown] = None
                problems.extend(result[1] if result else ())
                continue
            problems.extend(result[1])
            row = result[0]
        if row.rules not in (rules_fp, _ANY_RULES):
            if rules is None:  # made only when needed: most builds never need it
                rules = TopicIndex(config.topics)
            row = _match_again(cache, row, rules_fp, rules)  # topics found by other rules
        if row.problems is not None:
            problems.extend(pickle.loads(row.problems))
        expires = datetime.fromisoformat(row.expires).astimezone(tz) if row.expires else None
        when = datetime.fromisoformat(row.date).astimezone(tz)
        stubs.append(Stub(shown, when, row.has_time, row.draft, expires))
        keys[shown] = row.key or b""
        lean[shown] = (row.lean, row.matches)
        if row.links:
            links[shown] = row.links
        if (looked := stats.get(shown)) is not None:
            row = row.restamped(looked, now_ns)  # not trusted as it was: as seen now
        elif shown not in known:
            changed[shown] = None  # read although it could not be looked at: not remembered
            continue
        if row is not get_row(shown):
            changed[shown] = row
    cache.save_index(parse_fp, index, {p: r for p, r in changed.items() if r or p in index})
    outcome.parsed = len(parsed)
    return outcome


def shown_paths(files: list[str], site_dir: Path) -> list[str]:
    """display_path() of each file, as plain string work on the common prefix."""
    root = os.fspath(site_dir)
    prefix = root if root.endswith(os.sep) else root + os.sep
    if os.sep != "/":
        return [display_path(Path(file), site_dir) for file in files]
    cut = len(prefix)
    return [
        file[cut:] if file.startswith(prefix) else display_path(Path(file), site_dir)
        for file in files
    ]


def _remember(
    cache: BuildCache, fresh: Parsed, outcome: ReadOutcome, rules_fp: bytes
) -> IndexRow | None:
    """Keep a file just read: its entry and body in the cache (unless it changed while it
    was read), its index row returned (its file stamp filled in later)."""
    if not fresh.entry:
        return None
    entry, problems, links = pickle.loads(fresh.entry)
    if fresh.key is None:  # changed while read: used now, not remembered
        outcome.fresh[fresh.shown] = entry
        outcome.unstable[fresh.shown] = fresh.body
    else:
        cache.put_entry(fresh.key, fresh.entry, fresh.body)
    return IndexRow(
        *(0, 0, 0, 0, 0),
        key=fresh.key,
        lean=fresh.grouping[0],
        date=entry.date.isoformat(),
        has_time=entry.has_time,
        draft=entry.draft,
        problems=pickle.dumps(problems) if problems else None,
        links=links,
        matches=fresh.grouping[1],
        rules=_ANY_RULES if entry.tags else rules_fp,
        expires=entry.expires.isoformat() if entry.expires else "",
    )


def _match_again(cache: BuildCache, row: IndexRow, rules_fp: bytes, rules: TopicIndex) -> IndexRow:
    """A row whose keyword topics were found by other rules: find them with these."""
    found = cache.entry(row.key) if row.key is not None else None
    if found is None:
        # The row names an entry the cache lost: a topic no rule gives keeps the model
        # key apart, so grouping asks for the entry and entries() reports the loss.
        return row._replace(matches=("?",), rules=b"")
    entry = pickle.loads(found)[0]
    return row._replace(
        matches=grouping_facts(entry, rules)[1], rules=_ANY_RULES if entry.tags else rules_fp
    )


def entries(cache: BuildCache, read: ReadOutcome) -> list[Entry]:
    """The lean entries themselves, for grouping (a build whose model is cached needs none
    of them)."""
    wanted = {key: shown for shown, key in read.keys.items() if shown not in read.fresh}
    found = list(read.fresh.values())
    for key, blob in cache.all_entries():
        if key in wanted:
            found.append(pickle.loads(blob)[0])
            del wanted[key]
    if wanted:
        raise CacheError(
            f"the cache lost {len(wanted)} articles — delete {cache.folder} and build again"
        )
    return found


def model_key(config: Config, selection: Selection, chosen: list[Stub], read: ReadOutcome) -> bytes:
    """Names the grouped site exactly: the settings, and the published entries as read
    (chosen: their stubs, from published())."""
    parts: list[bytes | str] = [
        config_fingerprint(config),
        f"drafts={selection.drafts} future={selection.future}",
    ]
    for stub in chosen:
        lean, matches = read.lean[stub.path]
        parts += [stub.path, lean, str(len(matches)), *matches]
    return fingerprint(*parts)


# --- reading one file, in a worker process or here -----------------------------------------


def _parser(config: Config, parse_fp: bytes, earlier: Earlier) -> Callable[[Path], Parsed]:
    """parse_file() with a reader and keyword rules made once per process."""
    reader, rules = ArticleReader(config), TopicIndex(config.topics)
    return lambda path: parse_file(reader, parse_fp, path, rules, earlier)


# Shown path -> an earlier version's (title, summary, story features) of files read again.
Earlier = dict[str, tuple[str, str, bytes]]


def _earlier(cache: BuildCache, rows: dict[str, IndexRow]) -> Earlier:
    """What the cache holds of the files about to be read again, by their rows in the index:
    an edit that leaves an article's headline and summary as they were (most edits) needs its
    story features, the costly part of reading it (the lemmas of its words), not made again."""
    found: Earlier = {}
    for path, row in rows.items():
        blob = cache.entry(row.key) if row.key is not None else None
        if blob is not None:
            entry = pickle.loads(blob)[0]
            found[path] = (entry.title, entry.summary, entry.story)
    return found


def parse_file(
    reader: ArticleReader,
    parse_fp: bytes,
    path: Path,
    rules: TopicIndex,
    earlier: Earlier | None = None,
) -> Parsed:
    """Read one path with its content key. The bytes are hashed before and after the reader
    reads them, so an entry is never cached under the key of bytes it was not made from."""
    shown = display_path(path, reader.config.site_dir)

    def key_now() -> bytes | None:
        try:
            return content_key(parse_fp, shown, path.read_bytes())
        except OSError:
            return None

    before = key_now()
    _path, entry, problems = read_file(reader, path)
    if entry is None:
        return Parsed(path, shown, None, b"", b"", tuple(problems))
    after = key_now()
    key = before if before is not None and before == after else None
    # Facts about the body that the build needs for every article, kept so it is not loaded.
    links = tuple(root_absolute_links(entry.body_html))
    # Read once per article here (in a worker, cached with the entry): grouping only compares.
    before_edit = earlier.get(shown) if earlier else None
    if before_edit is not None and before_edit[:2] == (entry.title, entry.summary):
        story = before_edit[2]  # made from the same words
    else:
        story = pack_features(story_features(entry.title, entry.summary))
    lean = dataclasses.replace(lean_entry(entry), story=story)
    blob = pickle.dumps((lean, problems, links), protocol=pickle.HIGHEST_PROTOCOL)
    body = zlib.compress(entry.body_html.encode("utf-8"), 1)
    return Parsed(path, shown, key, blob, body, (), grouping_facts(lean, rules))
