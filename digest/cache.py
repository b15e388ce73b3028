"""The build cache (.digest-cache/ beside site.yaml): what was read, grouped and written before,
keyed by content and by digest's own code, so a build redoes only what changed."""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import functools
import hashlib
import marshal
import multiprocessing
import os
import pickle
import signal
import sqlite3
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType, TracebackType

import digest
from digest.check import root_absolute_links
from digest.config import Config
from digest.errors import DigestError, Problem
from digest.group import Selection, TopicIndex, _is_published
from digest.model import Article, Site
from digest.sources import PARALLEL_MIN_FILES, ArticleReader, Entry, read_file

CACHE_DIR = ".digest-cache"
_SCHEMA = "digest-cache 1"  # bump when the tables change shape
# A file's size and times are trusted to mean "unchanged" only if the file was at least this
# much older than the moment they were recorded: filesystems with coarse timestamps can
# otherwise hide an edit made in the same tick as the previous build's look at the file.
_TRUST_AFTER_NS = 2_000_000_000
# Settings that change how pages look but not what a file says: editing them does not make
# digest parse the articles again. Everything else in Config counts, so a new reader setting
# is part of the key without anyone remembering to add it here.
RENDER_ONLY_SETTINGS = frozenset(
    {
        "site_dir",
        "output_dir",
        "title",
        "description",
        "base_url",
        "language",
        "theme",
        "per_page",
        "topics",
        "feed_limit",
        "feed_per_day",
        "search",
        "theme_options",
        "cname",
    }
)
_TABLES = (
    "blobs (name TEXT PRIMARY KEY, value BLOB)",
    "entries (key BLOB PRIMARY KEY, entry BLOB)",
    "bodies (key BLOB PRIMARY KEY, body BLOB)",
    "models (key BLOB PRIMARY KEY, site BLOB, problems BLOB, used REAL)",
    "digests (day TEXT PRIMARY KEY, key BLOB, html BLOB)",
    "generations (id TEXT PRIMARY KEY, created REAL, build_key BLOB, pages INT, counts BLOB,"
    " records BLOB, notes BLOB)",
)
_GENERATIONS_KEPT = 4  # output folders' records kept, for people who build to several places
_MODELS_KEPT = 2

ProgressFn = Callable[[str, int, int], None]
# What was written at a path: (page key, page fingerprint, size, mtime_ns, inode); the two
# fingerprints are None for files made on every build (feeds, static files).
Record = tuple[bytes | None, bytes | None, int, int, int]


def fingerprint(*parts: bytes | str) -> bytes:
    """A 128-bit BLAKE2 digest of the parts, each length-prefixed so they cannot run together."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


@functools.cache
def code_fingerprint() -> bytes:
    """digest's version, its Python modules' bytes and the Python version: any change to the
    code that reads, groups or renders makes every cached result a stranger."""
    package = Path(digest.__file__).parent
    parts: list[bytes | str] = [digest.__version__, sys.version]
    for path in sorted(package.glob("*.py")):
        parts += [path.name, path.read_bytes()]
    return fingerprint(*parts)


def files_fingerprint(folders: Iterable[Path]) -> bytes:
    """Every file under the folders, by name and bytes (a theme: templates, words, static)."""
    parts: list[bytes | str] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts += [str(path), path.read_bytes()]
    return fingerprint(*parts)


def _settings(config: Config, skip: frozenset[str]) -> str:
    lines = []
    for f in dataclasses.fields(config):
        if f.name in skip:
            continue
        value = getattr(config, f.name)
        if isinstance(value, Path) and value.is_relative_to(config.site_dir):
            value = value.relative_to(config.site_dir)  # so a moved site keeps its cache
        lines.append(f"{f.name}={value!r}")
    return "\n".join(lines)


def parse_fingerprint(config: Config) -> bytes:
    """What, besides a file's bytes and path, decides what reading it gives."""
    return fingerprint(code_fingerprint(), _settings(config, RENDER_ONLY_SETTINGS))


def config_fingerprint(config: Config) -> bytes:
    """Every setting that can change a page (the output folder's place cannot)."""
    return fingerprint(code_fingerprint(), _settings(config, frozenset({"site_dir", "output_dir"})))


def content_key(parse_fp: bytes, shown: str, data: bytes) -> bytes:
    return fingerprint(parse_fp, shown, data)


def lean_entry(entry: Entry) -> Entry:
    """The entry without what grows with the article: the body lives in the cache and is
    loaded for the article's own page; the text is kept only where grouping reads it (an
    article with tags never has its text searched for keywords)."""
    return dataclasses.replace(entry, body_html="", text="" if entry.tags else entry.text)


def shown_path(path: Path, site_dir: Path) -> str:
    """The path as messages and Entry.path show it (as sources.py makes it)."""
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return str(path)


# --- values to fingerprints -------------------------------------------------------------


@dataclass(frozen=True)
class Lazy:
    """A template value made only when the page is rendered, fingerprinted by its inputs."""

    make: Callable[..., object]
    args: tuple[object, ...]

    def __call__(self) -> object:
        return self.make(*self.args)


def lazy(make: Callable[..., object], *args: object) -> Lazy:
    return Lazy(make, args)


_PLAIN = (str, int, float, bool, type(None), bytes, date, datetime, clock_time, timedelta)
_PLAIN_TYPES = frozenset(_PLAIN)  # exactly these types: their repr says all they hold
_FUNCTIONS = (FunctionType, BuiltinFunctionType, MethodType)


class ValueHasher:
    """Fingerprints of what a template is given: plain values by repr, dataclasses and tuples
    by their parts (frozen ones remembered, as the model's objects are shared by many pages),
    functions by name (the code fingerprint covers their code). Objects fixed for a whole
    build (the config, the localizer) are named by `constants`. Anything else that cannot be
    told apart by its repr gets a token that never matches, so its page is always rendered."""

    def __init__(self, constants: Mapping[int, str]) -> None:
        self._constants = dict(constants)
        self._memo: dict[int, tuple[object, str]] = {}
        self._fields: dict[type, tuple[tuple[str, ...], bool]] = {}

    def token(self, value: object) -> str:
        kind = type(value)
        if kind in _PLAIN_TYPES or isinstance(value, _PLAIN):
            return repr(value)
        key = id(value)
        constant = self._constants.get(key)
        if constant is not None:
            return constant
        seen = self._memo.get(key)
        if seen is not None and seen[0] is value:
            return seen[1]
        plain, token = _PLAIN_TYPES, self.token
        remember = False
        if isinstance(value, tuple | list) and kind in (tuple, list):
            text = "(" + ",".join([repr(v) if type(v) in plain else token(v) for v in value])
            remember = kind is tuple and len(value) >= 4  # the model's lists, not pairs
        elif kind is dict:
            pairs = value.items()  # type: ignore[attr-defined]
            text = "{" + ",".join(
                [
                    f"{repr(k) if type(k) in plain else token(k)}:"
                    f"{repr(v) if type(v) in plain else token(v)}"
                    for k, v in pairs
                ]
            )
        elif kind is Lazy:
            text = f"lazy {token(value.make)}{token(value.args)}"  # type: ignore[attr-defined]
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            names, frozen = self._dataclass_fields(kind)
            parts = []
            for name in names:
                field = getattr(value, name)
                parts.append(repr(field) if type(field) in plain else token(field))
            text = kind.__qualname__ + "(" + ",".join(parts)
            remember = frozen
        elif isinstance(value, _FUNCTIONS):
            owner = getattr(value, "__self__", None)
            text = f"{value.__module__}.{value.__qualname__}"
            if owner is not None and not isinstance(owner, ModuleType):
                text += f" of {token(owner)}"
        elif isinstance(value, functools.partial):
            text = f"partial {token((value.func, value.args, value.keywords))}"
        elif hasattr(value, "__wrapped__"):  # functools.cache and friends
            text = f"wrapped {token(value.__wrapped__)}"
        else:
            text = repr(value)
            if " at 0x" in text or " object at " in text:
                # No repr of its own: an object is what it holds (templates' helpers such as
                # the calendar); one holding nothing readable never matches.
                held = getattr(value, "__dict__", None)
                text = (
                    f"{kind.__qualname__} {token(held)}"
                    if isinstance(held, dict)
                    else f"unique {os.urandom(16).hex()}"
                )
        if remember or len(text) > 4000:  # remembered tokens stay short inside others
            text = (
                "#"
                + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            )
        if remember:
            self._memo[key] = (value, text)
        return text

    def _dataclass_fields(self, kind: type) -> tuple[tuple[str, ...], bool]:
        known = self._fields.get(kind)
        if known is None:
            params = getattr(kind, "__dataclass_params__", None)
            names = tuple(f.name for f in dataclasses.fields(kind))
            known = self._fields[kind] = (names, bool(params and params.frozen))
        return known


# --- the database -----------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """One file read in a worker: its lean entry pickled, its body compressed."""

    path: Path
    shown: str
    key: bytes | None  # None: the file changed while it was read, so nothing is cached
    entry: bytes  # pickled lean Entry, b"" if the file could not be used
    body: bytes  # zlib of the body HTML
    problems: tuple[Problem, ...]
    grouping: tuple[bytes, tuple[str, ...]] = (b"", ())  # see grouping_facts()


# What the cache knows of one article file: (mtime_ns, ctime_ns, size, inode, when those were
# seen, content key or None, lean entry's fingerprint but for its text, date (ISO), has_time,
# draft, pickled problems or None, root-absolute links in the body, the topics keyword rules
# give its text, the fingerprint of the rules that gave them, expiry date (ISO) or "").
# marshal keeps 10,000 quick.
IndexRow = tuple[
    int,
    int,
    int,
    int,
    int,
    bytes | None,
    bytes,
    str,
    bool,
    bool,
    bytes | None,
    tuple[str, ...],
    tuple[str, ...],
    bytes,
    str,
]


def grouping_facts(entry: Entry, rules: TopicIndex) -> tuple[bytes, tuple[str, ...]]:
    """What grouping reads of an entry: all of its lean self but the text, which it reads
    only for the topics keyword rules find in it (entries without tags). So an edit to a
    wire story's body that leaves its summary and topics as they were changes no page but
    its own."""
    textless = dataclasses.replace(entry, text="")
    facts = fingerprint(pickle.dumps(textless, protocol=pickle.HIGHEST_PROTOCOL))
    return facts, () if entry.tags else tuple(t.key for t in rules.for_text(entry.text))


def rules_fingerprint(config: Config) -> bytes:
    return fingerprint(repr(config.topics))


# In an index row instead of the rules' fingerprint: an entry with tags, which keyword rules
# never look at, so a change to them needs nothing looked up again.
_ANY_RULES = b"tags"


@dataclass
class ReadOutcome:
    config: Config
    stubs: list[Entry] = dataclasses.field(default_factory=list)  # see _stub()
    problems: list[Problem] = dataclasses.field(default_factory=list)
    keys: dict[str, bytes] = dataclasses.field(default_factory=dict)  # path -> content key
    lean: dict[str, bytes] = dataclasses.field(default_factory=dict)  # path -> lean entry's fp
    links: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    fresh: dict[str, Entry] = dataclasses.field(default_factory=dict)  # read in this build
    unstable: dict[str, bytes] = dataclasses.field(default_factory=dict)  # bodies not cached
    parsed: int = 0  # files read and parsed in this build


def published(read: ReadOutcome, selection: Selection) -> list[Entry]:
    """The stubs of the articles the site publishes, newest first (as the model orders them)."""
    chosen = [stub for stub in read.stubs if _is_published(stub, selection)]
    chosen.sort(key=lambda e: (e.date, e.path), reverse=True)
    return chosen


def _stub(
    path: str, when: datetime, has_time: bool, draft: bool, expires: datetime | None
) -> Entry:
    """An entry carrying only what deciding whether it is published reads (group.py's
    _is_published: date, has_time, draft, expires), so a build need not load whole entries
    to know whether its cached model still holds."""
    return Entry(
        path, "", "", when, has_time, (), "", "", "", "", "", draft, "", "", expires=expires
    )


def _shown(path: Path, prefix: str) -> str:
    """shown_path() for a path under the site folder, without pathlib's cost."""
    text = os.fspath(path)
    if text.startswith(prefix):
        text = text[len(prefix) :]
        return text if os.sep == "/" else text.replace(os.sep, "/")
    return text


@dataclass(frozen=True)
class Generation:
    """What the last build wrote into an output folder. Each file's record holds its size,
    mtime and inode, so it vouches only for that very file: a build killed after saving
    these but before its swap leaves records that the live files do not match."""

    build_key: bytes
    pages: int
    counts: tuple[int, int, int, int]  # articles, days, topics, untagged: for the summary
    records: dict[str, Record]
    notes: list[Problem]  # warnings of the steps after writing, said again by a build that
    # finds nothing to do


class _Compressed:
    """A file-like sink that keeps only the zlib-compressed bytes written to it."""

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(1)
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(self._zlib.compress(data))
        return len(data)

    def data(self) -> bytes:
        self._parts.append(self._zlib.flush())
        return b"".join(self._parts)


class ModelLoader:
    """A cached site model, unpickled on first use: a build with nothing to do may never
    need it."""

    def __init__(self, blob: bytes, config: Config) -> None:
        self._blob = blob
        self._config = config
        self._loaded: Site | None = None

    def __call__(self) -> Site:
        if self._loaded is None:
            site = pickle.loads(zlib.decompress(self._blob))
            # The key covers every setting but the folders, which may differ (`-o elsewhere`).
            self._loaded = dataclasses.replace(site, config=self._config)
            self._blob = b""
        return self._loaded


class CacheError(DigestError):
    """The cache folder cannot be used (not writable) or lost what it should hold."""


class BuildCache:
    """One site's cache: an SQLite file plus a lock held for the whole build, so two builds of
    one site (a preview server and a `digest build`) take turns. A cache written by another
    version of digest is emptied, never read; a damaged one is deleted and started again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_path = folder / "cache.sqlite3"
        self._lock_fd: int | None = None
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> BuildCache:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# digest's build cache: safe to delete\n*\n", encoding="utf-8")
            self._lock_fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise CacheError(f"cannot use the cache folder {self.folder}: {e.strerror}") from e
        _lock(self._lock_fd)
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError:
            self.discard(self.folder)
            self._db = self._connect()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # also releases the lock
            self._lock_fd = None

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db is not None, "BuildCache used before open()"
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = _connect(self.db_path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
        version = f"{_SCHEMA} {code_fingerprint().hex()}"
        if row is None or row[0] != version:
            db.execute("BEGIN")
            for (table,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'meta'"
            ).fetchall():
                db.execute(f'DROP TABLE "{table}"')
            for table in _TABLES:
                db.execute(f"CREATE TABLE {table}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (version,))
            db.execute("COMMIT")
        return db

    @staticmethod
    def discard(folder: Path) -> None:
        """Delete a damaged cache's database (the next open starts an empty one)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            (folder / f"cache.sqlite3{suffix}").unlink(missing_ok=True)

    # --- reading articles ---------------------------------------------------------------

    def read_entries(
        self, config: Config, paths: list[Path], workers: int, progress: ProgressFn
    ) -> ReadOutcome:
        """What every path says: from the cache when the file is unchanged, else read (in
        worker processes when there are many). Full entries are loaded only if grouping
        needs them (entries()); problems come back in path order."""
        parse_fp = parse_fingerprint(config)
        rules, rules_fp = TopicIndex(config.topics), rules_fingerprint(config)
        db = self.db
        stored = db.execute("SELECT value FROM blobs WHERE name = 'index'").fetchone()
        index: dict[str, IndexRow] = marshal.loads(stored[0]) if stored else {}
        now_ns = time.time_ns()
        prefix = os.fspath(config.site_dir) + os.sep
        shown_of = {p: _shown(p, prefix) for p in paths}
        known: dict[Path, IndexRow] = {}
        stats: dict[Path, tuple[int, int, int, int]] = {}
        trusted: set[Path] = set()
        to_read: list[Path] = []
        by_key = {r[5]: r for r in index.values() if r[5] is not None}
        for path in paths:
            shown = shown_of[path]
            try:
                st = os.stat(path)
            except OSError:
                to_read.append(path)  # the reader names the problem
                continue
            sig = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            stats[path] = sig
            old = index.get(shown)
            if (
                old is not None
                and old[5] is not None
                and old[:4] == sig
                and old[4] - st.st_mtime_ns > _TRUST_AFTER_NS
            ):
                known[path] = old
                trusted.add(path)
                continue
            if by_key:  # the same bytes under a new date or inode (a checkout, a touch)?
                try:
                    same = by_key.get(content_key(parse_fp, shown, path.read_bytes()))
                except OSError:
                    same = None
                if same is not None:
                    known[path] = same
                    continue
            to_read.append(path)

        tz = config.tz
        outcome = ReadOutcome(config)
        # What was read now, kept small: bodies go straight to the cache, never into memory.
        parsed: dict[Path, tuple[IndexRow | None, tuple[Problem, ...]]] = {}
        if to_read:
            db.execute("BEGIN")
            for n, fresh in enumerate(_parse_all(config, parse_fp, to_read, workers), start=1):
                row: IndexRow | None = None
                if fresh.entry:
                    entry, problems, links = pickle.loads(fresh.entry)
                    outcome.fresh[fresh.shown] = entry
                    if fresh.key is None:  # changed while read: used now, not remembered
                        outcome.unstable[fresh.shown] = fresh.body
                    else:
                        db.execute(
                            "INSERT OR REPLACE INTO entries VALUES (?, ?)",
                            (fresh.key, fresh.entry),
                        )
                        db.execute(
                            "INSERT OR REPLACE INTO bodies VALUES (?, ?)", (fresh.key, fresh.body)
                        )
                    row = (
                        *(0, 0, 0, 0, 0),
                        fresh.key,
                        fresh.grouping[0],
                        entry.date.isoformat(),
                        entry.has_time,
                        entry.draft,
                        pickle.dumps(problems) if problems else None,
                        links,
                        fresh.grouping[1],
                        _ANY_RULES if entry.tags else rules_fp,
                        entry.expires.isoformat() if entry.expires else "",
                    )
                parsed[fresh.path] = (row, fresh.problems)
                if n % 500 == 0 or n == len(to_read):
                    progress("read", n, len(to_read))
            db.execute("COMMIT")

        new_index: dict[str, IndexRow] = {}
        for path in paths:
            shown = shown_of[path]
            result = parsed.get(path)
            if result is not None:
                outcome.problems.extend(result[1])
                if result[0] is None:
                    continue
                facts: IndexRow = result[0]
            else:
                facts = known[path]
            if facts[13] not in (rules_fp, _ANY_RULES):  # topics found by other keyword rules
                facts = self._match_again(facts, rules_fp, rules)
            key, lean_fp, when, has_time, draft, problems_blob, links, matches = facts[5:13]
            if problems_blob is not None:
                outcome.problems.extend(pickle.loads(problems_blob))
            expires = datetime.fromisoformat(facts[14]).astimezone(tz) if facts[14] else None
            outcome.stubs.append(
                _stub(shown, datetime.fromisoformat(when).astimezone(tz), has_time, draft, expires)
            )
            outcome.keys[shown] = key or b""
            outcome.lean[shown] = fingerprint(lean_fp, *matches)
            if links:
                outcome.links[shown] = links
            looked = stats.get(path)
            if looked is not None:
                seen = facts[4] if path in trusted else now_ns
                new_index[shown] = (*looked, seen, *facts[5:])
        if new_index != index:
            db.execute(
                "INSERT OR REPLACE INTO blobs VALUES ('index', ?)", (marshal.dumps(new_index),)
            )
        outcome.parsed = len(parsed)
        return outcome

    def _match_again(self, facts: IndexRow, rules_fp: bytes, rules: TopicIndex) -> IndexRow:
        """A row whose keyword topics were found by other rules: find them with these."""
        found = self.db.execute("SELECT entry FROM entries WHERE key = ?", (facts[5],)).fetchone()
        if found is None:
            # The row names an entry the cache lost: a topic no rule gives keeps the model
            # key apart, so grouping asks for the entry and entries() reports the loss.
            return (*facts[:12], ("?",), b"", facts[14])
        entry = pickle.loads(found[0])[0]
        return (
            *facts[:12],
            grouping_facts(entry, rules)[1],
            _ANY_RULES if entry.tags else rules_fp,
            facts[14],
        )

    def entries(self, read: ReadOutcome) -> list[Entry]:
        """The lean entries themselves, for grouping (a build whose model is cached needs
        none of them)."""
        wanted = {key: shown for shown, key in read.keys.items() if shown not in read.fresh}
        found = list(read.fresh.values())
        for key, blob in self.db.execute("SELECT key, entry FROM entries"):
            if key in wanted:
                found.append(pickle.loads(blob)[0])
                del wanted[key]
        if wanted:
            raise CacheError(
                f"the cache lost {len(wanted)} articles — delete {self.folder} and build again"
            )
        return found

    # --- the grouped model ---------------------------------------------------------------

    def model_key(
        self, config: Config, selection: Selection, chosen: list[Entry], read: ReadOutcome
    ) -> bytes:
        """Names the grouped site exactly: the settings, and the published entries as read
        (chosen: their stubs, from published())."""
        parts: list[bytes | str] = [
            config_fingerprint(config),
            f"drafts={selection.drafts} future={selection.future}",
        ]
        for stub in chosen:
            parts += [stub.path, read.lean[stub.path]]
        return fingerprint(*parts)

    def load_model(self, key: bytes, config: Config) -> tuple[ModelLoader, list[Problem]] | None:
        """The cached model for key (unpickled only when asked for) and grouping's problems."""
        row = self.db.execute("SELECT site, problems FROM models WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        self.db.execute("UPDATE models SET used = ? WHERE key = ?", (time.time(), key))
        return ModelLoader(row[0], config), pickle.loads(row[1])

    def store_model(self, key: bytes, site: Site, problems: list[Problem]) -> None:
        sink = _Compressed()  # pickled straight into zlib: no second copy of the model
        pickle.Pickler(sink, protocol=pickle.HIGHEST_PROTOCOL).dump(site)
        data = sink.data()
        db = self.db
        db.execute("BEGIN")
        db.execute(
            "INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?)",
            (key, data, pickle.dumps(problems), time.time()),
        )
        db.execute(
            "DELETE FROM models WHERE key NOT IN "
            "(SELECT key FROM models ORDER BY used DESC LIMIT ?)",
            (_MODELS_KEPT,),
        )
        db.execute("COMMIT")

    def bodies(self, read: ReadOutcome) -> BodyStore:
        return BodyStore(self.db_path, read.keys, read.unstable)

    def digests(self) -> DigestStore:
        return DigestStore(self.db_path)

    # --- what was written ----------------------------------------------------------------

    def generation(self, out: Path) -> Generation | None:
        row = self.db.execute(
            "SELECT build_key, pages, counts, records, notes FROM generations WHERE id = ?",
            (str(out),),
        ).fetchone()
        if row is None:
            return None
        counts, records, notes = marshal.loads(row[2]), marshal.loads(row[3]), pickle.loads(row[4])
        return Generation(row[0], row[1], counts, records, notes)

    def save_generation(self, out: Path, generation: Generation) -> None:
        db = self.db
        db.execute("BEGIN")
        db.execute(
            "INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                str(out),
                time.time(),
                generation.build_key,
                generation.pages,
                marshal.dumps(generation.counts),
                marshal.dumps(generation.records),
                pickle.dumps(generation.notes),
            ),
        )
        db.execute("COMMIT")

    def tidy(self) -> None:
        """Forget output folders not built for long and entries no file has any more."""
        db = self.db
        db.execute("BEGIN")
        db.execute(
            "DELETE FROM generations WHERE id NOT IN "
            "(SELECT id FROM generations ORDER BY created DESC LIMIT ?)",
            (_GENERATIONS_KEPT,),
        )
        db.execute("COMMIT")

    def outputs(self) -> list[Path]:
        """The output folders whose last build the cache remembers."""
        return [Path(name) for (name,) in self.db.execute("SELECT id FROM generations")]

    def forget_unused(self, read: ReadOutcome) -> None:
        """Drop the entries and bodies of files that are gone or changed."""
        used = set(read.keys.values())
        db = self.db
        stale = [key for (key,) in db.execute("SELECT key FROM entries") if key not in used]
        if stale:
            db.execute("BEGIN")
            db.executemany("DELETE FROM entries WHERE key = ?", [(k,) for k in stale])
            db.executemany("DELETE FROM bodies WHERE key = ?", [(k,) for k in stale])
            db.execute("COMMIT")


def _connect(path: Path) -> sqlite3.Connection:
    """A connection that never waits for the disk (synchronous=OFF): a killed build leaves
    the database consistent all the same, and a power cut at worst damages the cache, which
    is then started again. Waiting on fsync behind a large build's unwritten output made
    small builds slow."""
    db = sqlite3.connect(path, isolation_level=None, timeout=60)
    db.execute("PRAGMA synchronous=OFF")
    return db


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not a POSIX system: builds of one site must not overlap
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


class _PerProcess:
    """A connection to the cache opened in the process that uses it: safe in forked
    rendering processes, which must not share their parent's."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db = _connect(self.db_path)
            self._pid = os.getpid()
        return self._db


class DigestStore(_PerProcess):
    """Rendered day digests kept between builds, by day, with the fingerprint of what each
    was made from. A home page shows a run of days and is made again whenever a count in
    its side rail changes, but its days' digests rarely do, and rendering them is most of
    its cost."""

    def get(self, day: str, key: bytes) -> str | None:
        row = self.db.execute("SELECT key, html FROM digests WHERE day = ?", (day,)).fetchone()
        return zlib.decompress(row[1]).decode("utf-8") if row and row[0] == key else None

    def put(self, day: str, key: bytes, html: str) -> None:
        data = zlib.compress(html.encode("utf-8"), 1)
        self.db.execute("INSERT OR REPLACE INTO digests VALUES (?, ?, ?)", (day, key, data))


class BodyStore(_PerProcess):
    """Article bodies, read from the cache one page at a time (the model holds none)."""

    def __init__(self, db_path: Path, keys: dict[str, bytes], extra: dict[str, bytes]) -> None:
        super().__init__(db_path)
        self.keys = keys
        self._extra = extra  # bodies of files that changed while read: not in the cache

    def key(self, article: Article) -> bytes:
        return self.keys[article.path]

    def load(self, article: Article) -> str:
        extra = self._extra.get(article.path)
        if extra is not None:
            return zlib.decompress(extra).decode("utf-8")
        row = self.db.execute(
            "SELECT body FROM bodies WHERE key = ?", (self.keys[article.path],)
        ).fetchone()
        if row is None:
            raise CacheError(
                f"the cache has no body for {article.path} — delete {self.db_path.parent} "
                "and build again"
            )
        return zlib.decompress(row[0]).decode("utf-8")


# --- reading in worker processes ---------------------------------------------------------

_worker: tuple[ArticleReader, bytes, TopicIndex] | None = None


def parse_file(reader: ArticleReader, parse_fp: bytes, path: Path, rules: TopicIndex) -> Parsed:
    """Read one file with its content key. The bytes are hashed before and after the reader
    reads them, so an entry is never cached under the key of bytes it was not made from."""
    shown = shown_path(path, reader.config.site_dir)

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
    lean = lean_entry(entry)
    blob = pickle.dumps((lean, problems, links), protocol=pickle.HIGHEST_PROTOCOL)
    body = zlib.compress(entry.body_html.encode("utf-8"), 1)
    return Parsed(path, shown, key, blob, body, (), grouping_facts(lean, rules))


def _start_worker(config: Config, parse_fp: bytes, build_pid: int) -> None:
    global _worker
    die_with(build_pid)
    _worker = (ArticleReader(config), parse_fp, TopicIndex(config.topics))


def _parse_in_worker(path: Path) -> Parsed:
    assert _worker is not None
    return parse_file(*_worker[:2], path, _worker[2])


def _parse_all(
    config: Config, parse_fp: bytes, paths: list[Path], workers: int
) -> Iterator[Parsed]:
    """Parse paths in order; Markdown is CPU-bound, so many files go to worker processes."""
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        reader, rules = ArticleReader(config), TopicIndex(config.topics)
        for path in paths:
            yield parse_file(reader, parse_fp, path, rules)
        return
    # fork starts workers without importing digest again; with other threads about (a
    # preview server) forking is unsafe, so a fresh interpreter per worker is used instead.
    method = "fork" if can_fork() else "forkserver"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        workers,
        context,
        initializer=_start_worker,
        initargs=(config, parse_fp, os.getpid() if method == "fork" else 0),
    ) as pool:
        yield from pool.map(_parse_in_worker, paths, chunksize=32)


def die_with(build_pid: int) -> None:
    """In a worker process: be killed as soon as the build that started it dies. A worker
    left behind would keep the cache locked (it shares the lock when forked) or write into
    the staging folder while the next build works there. build_pid is the parent of a
    forked worker (0 for one started by a forkserver, which dies with the build)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if build_pid and os.getppid() != build_pid:  # it died before this process could ask
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1
