"""The build cache (.digest-cache/ beside site.yaml): an SQLite store of what was read,
grouped and written before, so a build redoes only what changed. What a build does with it
is in reading.py and build.py; this module only keeps it."""

from __future__ import annotations

import marshal
import mmap
import os
import pickle
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from digest.config import Config
from digest.errors import CacheError, Problem
from digest.fingerprints import code_fingerprint
from digest.model import Article, Site
from digest.model_pack import pack_site, unpack_site

CACHE_DIR = ".digest-cache"
_SCHEMA = "digest-cache 3"  # bump when the tables change shape
_TABLES = (
    "blobs (name TEXT PRIMARY KEY, value BLOB)",
    "entries (key BLOB PRIMARY KEY, entry BLOB)",
    "bodies (key BLOB PRIMARY KEY, body BLOB)",
    "models (key BLOB PRIMARY KEY, problems BLOB, used REAL)",  # the packs are files
    "digests (day TEXT PRIMARY KEY, key BLOB, html BLOB)",
    "generations (id TEXT PRIMARY KEY, created REAL, build_key BLOB, pages INT, counts BLOB,"
    " records BLOB, notes BLOB, plan BLOB)",
)
_GENERATIONS_KEPT = 4  # output folders' records kept, for people who build to several places
_MODELS_KEPT = 2
_INDEX_CHANGES_KEPT = 256  # index rows kept apart from the rest before they are folded in


class Record(NamedTuple):
    """What a build wrote at a path: the page's cheap key and fine fingerprint (None for
    files made on every build: feeds, static files), and the file's size, mtime and inode."""

    page_key: bytes | None
    fine: bytes | None
    size: int
    mtime_ns: int
    inode: int

    @property
    def stamp(self) -> tuple[int, int, int]:
        """The file as it was written: (size, mtime_ns, inode)."""
        return self[2], self[3], self[4]


class IndexRow(NamedTuple):
    """What the cache knows of one article file. The index is marshalled as plain tuples
    (quick for 10,000 rows), named on the way in and out."""

    mtime_ns: int
    ctime_ns: int
    size: int
    inode: int
    seen_ns: int  # when those were seen
    key: bytes | None  # content key; None: the file changed while it was read
    lean: bytes  # the lean entry's fingerprint but for its text
    date: str  # ISO
    has_time: bool
    draft: bool
    problems: bytes | None  # pickled warnings
    links: tuple[str, ...]  # root-absolute links in the body
    matches: tuple[str, ...]  # the topics keyword rules give its text
    rules: bytes  # the fingerprint of the rules that gave them
    expires: str = ""  # ISO, or "" for an article that never expires (Hugo's expiryDate)

    def restamped(self, stat: tuple[int, int, int, int], seen_ns: int) -> IndexRow:
        """The row for the same content, with the file's (mtime, ctime, size, inode)."""
        return IndexRow._make((*stat, seen_ns, *self[5:]))


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
    plan: bytes = b""  # names the pages written (page_plan.py); b"": unknown


class ModelLoader:
    """A cached site model, unpacked on first use: a build with nothing to do may never
    need it. The pack is bytes, or its file mapped into memory (which stays readable when
    a later build replaces the file)."""

    def __init__(self, pack: bytes | mmap.mmap, config: Config) -> None:
        self._pack = pack
        self._config = config
        self._loaded: Site | None = None

    def __call__(self) -> Site:
        if self._loaded is None:
            site = unpack_site(self._pack)
            # The key covers every setting but the folders, which may differ (`-o elsewhere`).
            self._loaded = replace(site, config=self._config)
            if isinstance(self._pack, mmap.mmap):
                self._pack.close()
            self._pack = b""
        return self._loaded


class BuildCache:
    """One site's cache: an SQLite file plus a lock held for the whole build, so two builds of
    one site (a preview server and a `digest build`) take turns. A cache written by another
    version of digest is emptied, never read; a damaged one is deleted and started again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_path = folder / "cache.sqlite3"
        self._lock_fd: int | None = None
        self._db: sqlite3.Connection | None = None
        self._pid = os.getpid()  # the process that opened it
        # What index() found: the parse fingerprint its rows were read with, and the rows
        # stored apart from the rest (see save_index()).
        self._index_of = b""
        self._index_changes: dict[str, tuple[object, ...] | None] = {}

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
        self._pid = os.getpid()
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

    # --- articles read -----------------------------------------------------------------

    def index(self, parse_fp: bytes) -> dict[str, IndexRow]:
        """Every article file known, by its shown path, if it was read with the settings and
        code parse_fp names; else none (a file's unchanged stat then says nothing)."""
        self._index_of, self._index_changes = b"", {}
        stored = dict(
            self.db.execute(
                "SELECT name, value FROM blobs WHERE name IN ('index', 'index changes')"
            ).fetchall()
        )
        if "index" not in stored:
            return {}
        made_with, rows = marshal.loads(stored["index"])
        if made_with != parse_fp:
            return {}
        self._index_of = parse_fp
        if "index changes" in stored:
            made_with, changes = marshal.loads(stored["index changes"])
            if made_with == parse_fp:
                self._index_changes = changes
                for path, row in changes.items():
                    if row is None:
                        rows.pop(path, None)
                    else:
                        rows[path] = row
        return dict(zip(rows.keys(), map(IndexRow._make, rows.values()), strict=True))

    def save_index(
        self, parse_fp: bytes, index: dict[str, IndexRow], changed: dict[str, IndexRow | None]
    ) -> None:
        """Keep the index: `index` (what index(parse_fp) gave, or {}) with the rows in
        `changed` put in (None: the file is gone). A few changed rows are stored apart from
        the rest, so an edit does not rewrite every row; once there are many, all are
        written again."""
        if not changed:
            return
        changes = dict(self._index_changes) if self._index_of == parse_fp else {}
        changes.update((path, None if row is None else tuple(row)) for path, row in changed.items())
        if self._index_of == parse_fp and len(changes) <= max(
            _INDEX_CHANGES_KEPT, len(index) // 32
        ):
            data = marshal.dumps((parse_fp, changes))
            self.db.execute("INSERT OR REPLACE INTO blobs VALUES ('index changes', ?)", (data,))
        else:
            plain = {path: tuple(row) for path, row in index.items() if path not in changed}
            plain.update((path, tuple(row)) for path, row in changed.items() if row is not None)
            data = marshal.dumps((parse_fp, plain))
            with self.transaction():  # never a new index under old changes
                self.db.execute("INSERT OR REPLACE INTO blobs VALUES ('index', ?)", (data,))
                self.db.execute("DELETE FROM blobs WHERE name = 'index changes'")
            changes = {}
        self._index_of, self._index_changes = parse_fp, changes

    def put_entry(self, key: bytes, entry: bytes, body: bytes) -> None:
        """A file's pickled lean entry and compressed body, under its content key."""
        self.db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?)", (key, entry))
        self.db.execute("INSERT OR REPLACE INTO bodies VALUES (?, ?)", (key, body))

    def entry(self, key: bytes) -> bytes | None:
        found = self.db.execute("SELECT entry FROM entries WHERE key = ?", (key,)).fetchone()
        return None if found is None else bytes(found[0])

    def all_entries(self) -> Iterator[tuple[bytes, bytes]]:
        """(content key, pickled entry) of every entry kept; one scan beats 10,000 lookups.
        Safe in a forked child (which must not use its parent's connection)."""
        db = self.db if os.getpid() == self._pid else _connect(self.db_path)
        yield from db.execute("SELECT key, entry FROM entries")

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # --- the grouped model ---------------------------------------------------------------

    def load_model(self, key: bytes, config: Config) -> tuple[ModelLoader, list[Problem]] | None:
        """The cached model for key (unpacked only when asked for) and grouping's problems."""
        row = self.db.execute("SELECT problems FROM models WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:  # mapped, not read: a build with nothing to do never reads it
            with self._model_file(key).open("rb") as file:
                pack = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # gone or empty (a cache tidied by hand): group again
            return None
        self.db.execute("UPDATE models SET used = ? WHERE key = ?", (time.time(), key))
        return ModelLoader(pack, config), pickle.loads(row[0])

    def store_model(self, key: bytes, site: Site, problems: list[Problem]) -> None:
        self.store_packed_model(key, pack_site(site), problems)

    def store_packed_model(self, key: bytes, data: bytes, problems: list[Problem]) -> None:
        """Keep a model pack_site() made (ModelLoader(data, config) gives it back). The pack
        is a file of its own beside the database, which reads it whole more slowly (its
        pages are a chain); the row comes after the file, so a row always has one."""
        path = self._model_file(key)
        try:
            path.parent.mkdir(exist_ok=True)
            part = path.with_name(f"{path.name}.{os.getpid()}.part")
            part.write_bytes(data)
            part.replace(path)
        except OSError as e:
            raise CacheError(f"cannot write {path}: {e.strerror}") from e
        db = self.db
        db.execute("BEGIN")
        db.execute(
            "INSERT OR REPLACE INTO models VALUES (?, ?, ?)",
            (key, pickle.dumps(problems), time.time()),
        )
        db.execute(
            "DELETE FROM models WHERE key NOT IN "
            "(SELECT key FROM models ORDER BY used DESC LIMIT ?)",
            (_MODELS_KEPT,),
        )
        kept = {self._model_file(k).name for (k,) in db.execute("SELECT key FROM models")}
        db.execute("COMMIT")
        for file in path.parent.iterdir():  # older models', and any a killed build left
            if file.name not in kept:
                file.unlink(missing_ok=True)

    def _model_file(self, key: bytes) -> Path:
        return self.folder / "models" / f"{key.hex()}.pack"

    def bodies(self, keys: dict[str, bytes], unstable: dict[str, bytes]) -> BodyStore:
        return BodyStore(self.db_path, keys, unstable)

    def digests(self) -> DigestStore:
        return DigestStore(self.db_path)

    # --- what was written ----------------------------------------------------------------

    def generation(self, out: Path) -> Generation | None:
        row = self.db.execute(
            "SELECT build_key, pages, counts, records, notes, plan FROM generations WHERE id = ?",
            (str(out),),
        ).fetchone()
        if row is None:
            return None
        records = {path: Record._make(r) for path, r in marshal.loads(row[3]).items()}
        notes = pickle.loads(row[4])
        return Generation(row[0], row[1], marshal.loads(row[2]), records, notes, bytes(row[5]))

    def generation_key(self, out: Path) -> bytes | None:
        """The build key of out's last generation, without loading its records."""
        row = self.db.execute(
            "SELECT build_key FROM generations WHERE id = ?", (str(out),)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def save_generation(self, out: Path, generation: Generation) -> None:
        db = self.db
        db.execute("BEGIN")
        db.execute(
            "INSERT OR REPLACE INTO generations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(out),
                time.time(),
                generation.build_key,
                generation.pages,
                marshal.dumps(generation.counts),
                marshal.dumps({path: tuple(r) for path, r in generation.records.items()}),
                pickle.dumps(generation.notes),
                generation.plan,
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

    def listing(self, staging: Path) -> Path | None:
        """Where the writer notes what a staging folder in the cache holds (see
        SiteWriter); None for one elsewhere, beside the output folder."""
        if staging.parent != self.folder / "output":
            return None
        return staging.with_name(staging.name + ".listing")

    def outputs(self) -> list[Path]:
        """The output folders whose last build the cache remembers."""
        return [Path(name) for (name,) in self.db.execute("SELECT id FROM generations")]

    def forget_unused(self, used: set[bytes]) -> None:
        """Drop the entries and bodies of files that are gone or changed: all but `used`."""
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


class _Transaction:
    """`with cache.transaction():` groups writes into one commit."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
