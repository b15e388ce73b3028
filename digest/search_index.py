"""The site's own search index: the words of each published article as lemmas, written as
small static JSON files that the browser fetches a few at a time (static/digest-search.js).

Layout under search/index/ (paths relative to the site):

    meta.json        {"v", "build", "docs", "shards", "chunk", "topics": [[key, name], ...]}
    f/<n>.json       word form -> its lemmas, for forms that are not their own only lemma
    t/<n>.json       lemma -> [forms seen in the articles, postings]
    d/<n>.json       articles n*chunk ... as [url, title, date, [topic numbers], excerpt]
    d/facets.json    per article [days since the previous one, topic numbers...]: filters

Forms and lemmas go to shard fnv1a(UTF-8 bytes) % shards, so a query fetches meta.json,
one form shard and a term shard or two per word; it ranks the hits with what the postings
say, and fetches the document files of the hits it shows only. Article numbers run oldest
first, so a higher number is newer (and an added news story takes the next number, leaving
the files of older ones as they were); postings are gaps between numbers, times two, plus
one where the word is in the title.

A word form can have several lemmas (Києві: кий, київ); all are indexed, and the query side
looks a word up through the same table, so it finds every form of every reading.
"""

from __future__ import annotations

import hashlib
import html
import json
import marshal
import multiprocessing
import os
import re
import sqlite3
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Protocol

from digest.model import Article, Site
from digest.words import distinct_words, lemmas
from digest.workers import can_fork, die_with

INDEX_DIR = "search/index"
FORMAT = 1  # meta.json "v": bumped when the files change shape
CHUNK = 8  # articles per document file: a result shown costs at most 8 articles' metadata
EXCERPT_CHARS = 240
_SHARD_TARGET = 24  # articles per shard: ~10 KB shards at news-sized articles
_MIN_SHARDS, _MAX_SHARDS = 8, 8192
_EPOCH = date(1970, 1, 1).toordinal()
_TAG = re.compile(r"<[^>]*>")


class Bodies(Protocol):
    def key(self, article: Article) -> bytes: ...
    def load(self, article: Article) -> str: ...


@dataclass(frozen=True, slots=True)
class ArticleTerms:
    """What the index keeps of one article's text (cached by its content key)."""

    title: tuple[str, ...]  # distinct word forms of the title
    body: tuple[str, ...]  # distinct word forms of the summary and body not in the title
    excerpt: str  # plain text shown under the result

    def pack(self) -> bytes:
        return marshal.dumps((self.title, self.body, self.excerpt))

    @staticmethod
    def unpack(data: bytes) -> ArticleTerms:
        title, body, excerpt = marshal.loads(data)
        return ArticleTerms(title, body, excerpt)


def plain_text(body_html: str) -> str:
    """The visible text of an article body (HTML the reader made: tags, entities), its
    whitespace runs one space (str.split() splits where the pattern \\s+ matches)."""
    return " ".join(html.unescape(_TAG.sub(" ", body_html)).split())


def article_terms(title: str, summary: str, body_html: str) -> ArticleTerms:
    text = plain_text(body_html)
    in_title = distinct_words(title)
    seen = set(in_title)
    in_body = [w for w in distinct_words(summary + " " + text) if w not in seen]
    return ArticleTerms(tuple(in_title), tuple(in_body), excerpt(summary or text))


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text.rfind(" ", 0, EXCERPT_CHARS)
    return text[: cut if cut > EXCERPT_CHARS // 2 else EXCERPT_CHARS].rstrip(" ,;:—-") + "…"


def shard_of(word: str, shards: int) -> int:
    """FNV-1a over the UTF-8 bytes: the script computes the same number."""
    h = 0x811C9DC5
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(docs: int) -> int:
    shards = _MIN_SHARDS
    while shards < _MAX_SHARDS and shards * _SHARD_TARGET < docs:
        shards *= 2
    return shards


def indexed(site: Site, now: datetime) -> list[Article]:
    """The articles search may show, oldest first: never drafts or future-dated ones, even
    when a preview build publishes them."""
    return [a for a in reversed(site.articles) if not a.draft and a.moment <= now]


class TermStore:
    """Per-article terms and the lemmas of every word form seen, in the build cache
    (search.sqlite3), so a build lemmatizes only the articles whose content changed."""

    def __init__(self, path: Path, version: bytes) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)")
        row = self.db.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
        if row is None or row[0] != version:
            self.db.execute("DROP TABLE IF EXISTS terms")
            self.db.execute("DELETE FROM meta")
            self.db.execute("INSERT INTO meta VALUES ('version', ?)", (version,))
        self.db.execute("CREATE TABLE IF NOT EXISTS terms (key BLOB PRIMARY KEY, data BLOB)")
        row = self.db.execute("SELECT value FROM meta WHERE name = 'lemmas'").fetchone()
        self.lemmas: dict[str, tuple[str, ...]] = marshal.loads(row[0]) if row else {}
        self._new_lemmas = False

    def close(self) -> None:
        self.db.close()

    def terms(self, keys: Sequence[bytes]) -> dict[bytes, ArticleTerms]:
        found: dict[bytes, ArticleTerms] = {}
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            for key, data in self.db.execute(
                f"SELECT key, data FROM terms WHERE key IN ({marks})", part
            ):
                found[key] = ArticleTerms.unpack(data)
        return found

    def keys(self) -> set[bytes]:
        """The content keys whose terms the store holds."""
        return {key for (key,) in self.db.execute("SELECT key FROM terms")}

    def put_terms(self, packed: Sequence[tuple[bytes, bytes]]) -> None:
        """Keep terms as they are read (content keys name them, so they are right for any
        later build, whether this one completes or not)."""
        self.db.execute("BEGIN")
        self.db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?)", packed)
        self.db.execute("COMMIT")

    def state(self) -> IndexState | None:
        """The last index's state, its rows not yet loaded (see rows())."""
        row = self.db.execute("SELECT value FROM meta WHERE name = 'state'").fetchone()
        return IndexState.unpack(row[0]) if row else None

    def rows(self) -> list[DocRow]:
        """The last index's rows (kept apart from its state: they are most of its size, and
        an edit build whose model is as before needs none of them)."""
        row = self.db.execute("SELECT value FROM meta WHERE name = 'rows'").fetchone()
        return list(marshal.loads(row[0])) if row else []

    def save(
        self,
        made: dict[bytes, ArticleTerms],
        used: Iterable[bytes],
        state: IndexState,
        rows: list[DocRow] | None,
    ) -> None:
        """Keep the index's state, and its rows unless None (as stored)."""
        db = self.db
        db.execute("BEGIN")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('state', ?)", (state.pack(),))
        if rows is not None:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('rows', ?)", (marshal.dumps(rows),))
        db.executemany(
            "INSERT OR REPLACE INTO terms VALUES (?, ?)", [(k, t.pack()) for k, t in made.items()]
        )
        if self._new_lemmas:
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('lemmas', ?)", (marshal.dumps(self.lemmas),)
            )
        keep = set(used)
        (count,) = db.execute("SELECT count(*) FROM terms").fetchone()
        if count > len(keep) * 3 // 2 + 100:  # forget old versions now and then
            stale = [(k,) for (k,) in db.execute("SELECT key FROM terms") if k not in keep]
            db.executemany("DELETE FROM terms WHERE key = ?", stale)
        db.execute("COMMIT")

    def add_lemmas(self, found: dict[str, tuple[str, ...]]) -> None:
        if found.keys() - self.lemmas.keys():
            self.lemmas.update(found)
            self._new_lemmas = True

    def lemmas_of(self, form: str) -> tuple[str, ...]:
        found = self.lemmas.get(form)
        if found is None:
            found = self.lemmas[form] = lemmas(form)
            self._new_lemmas = True
        return found


# One indexed article as the index's files show it, and where it comes from.
DocRow = tuple[str, str, str, list[int], str]  # url, title, date, topic numbers, excerpt


@dataclass
class IndexState:
    """What the last index was made from (kept in the term store), so the next build can
    rewrite only the files an edit touches: each article's path and content key, in how
    many articles each word form is, and the key of the model the articles' rows come from
    (the rows themselves are stored apart: TermStore.rows())."""

    shards: int
    topics: list[str]
    paths: list[str]
    keys: list[bytes]
    form_docs: dict[str, int]
    build: str
    digests: dict[str, bytes]  # file (path in the site) -> a hash of its bytes
    model: bytes  # the site model's key (empty: not known)

    def pack(self) -> bytes:
        return marshal.dumps(
            (
                self.shards,
                self.topics,
                self.paths,
                self.keys,
                self.form_docs,
                self.build,
                self.digests,
                self.model,
            )
        )

    @staticmethod
    def unpack(data: bytes) -> IndexState:
        return IndexState(*marshal.loads(data))


class Cancelled(Exception):
    """stream_search_files() gave up when asked to, before it stored anything."""


def stream_search_files(
    site: Site,
    bodies: Bodies,
    store: TermStore,
    now: datetime,
    live: Path | None = None,
    cancelled: Callable[[], bool] = lambda: False,
    model: bytes = b"",
) -> Iterator[tuple[str, bytes | None]]:
    """The index of the site's published articles: (path in the site, bytes) per file,
    made one at a time as they are asked for (at 100,000 articles a whole index is ~100 MB
    of JSON); the index's state is stored once the last file, meta.json, has been taken.

    With the previous build's index in `live` and the state it was made from, only the
    files that the changed articles touch are made again; the others come as (path, None):
    the live file, unchanged. `model`, the key of the site model, says when the articles'
    metadata are as last time (only their texts changed), so their rows need not be made.
    Raises Cancelled if `cancelled()` says so (it is asked before the files are made and
    before the index's state is stored; articles' terms read on the way stay in the store,
    keyed by content, for the next try)."""
    articles = indexed(site, now)
    keys = [bodies.key(a) for a in articles]
    topics = [group.topic.key for group in site.topics]
    names = [[group.topic.key, group.topic.name] for group in site.topics]
    paths = [a.path for a in articles]
    if cancelled():
        raise Cancelled
    old = store.state()
    previous = _live_files(live, old)
    made: dict[bytes, ArticleTerms] = {}

    def terms_of(wanted: set[bytes]) -> dict[bytes, ArticleTerms]:
        known = store.terms(list(wanted))
        todo = {k: a for a, k in zip(articles, keys, strict=True) if k in wanted and k not in known}
        made.update(_read_terms([(a, k) for k, a in todo.items()], bodies, store))
        known.update(made)
        return known

    def rows_now() -> list[DocRow]:
        numbers = {key: n for n, key in enumerate(topics)}
        return [_row(a, numbers) for a in articles]

    if (
        old is not None
        and previous is not None
        and old.shards == shard_count(len(articles))
        and old.topics == topics
        and old.paths[: len(paths)] == paths[: len(old.paths)]
    ):
        changed = [
            n
            for n in range(max(len(keys), len(old.keys)))
            if n >= len(keys) or n >= len(old.keys) or keys[n] != old.keys[n]
        ]
        wanted = {keys[n] for n in changed if n < len(keys)}
        gone = {old.keys[n] for n in changed if n < len(old.keys)}
        if cancelled():
            raise Cancelled
        known = terms_of(wanted)
        before = store.terms(list(gone))
        if len(before) == len(gone):
            # The same model and as many articles: the same articles, their rows as before.
            same = bool(model) and model == old.model and len(keys) == len(old.keys)
            state = IndexState(
                old.shards, topics, paths, keys, old.form_docs, "", dict(old.digests), model
            )
            if cancelled():
                raise Cancelled
            try:
                files, rows = _update(
                    state,
                    names,
                    None if same else rows_now(),
                    store,
                    previous,
                    changed,
                    known,
                    before,
                    old.keys,
                )
            except _Stale:
                pass  # a live file is not what the last build wrote: made from scratch
            else:
                if cancelled():
                    raise Cancelled
                store.save(made, keys, state, rows)
                yield from files
                return
    # From scratch: the articles' terms stream through in order, never all held at once
    # (at 100,000 articles they would be gigabytes of strings).
    state = IndexState(shard_count(len(articles)), topics, paths, keys, {}, "", {}, model)
    rows = rows_now()
    terms = _terms_in_order(articles, keys, bodies, store)
    made_all = _write_all(state, rows, names, terms, store)
    last = next(made_all)
    for following in made_all:  # the last one (meta.json) waits for the check below
        yield last
        last = following
    if cancelled():
        raise Cancelled
    store.save({}, keys, state, rows)
    yield last


class _Stale(Exception):
    """A live index file's bytes are not what the last build wrote there."""


# Below this many articles to read, starting processes costs more than it saves.
PARALLEL_MIN_ARTICLES = 300
_BATCH = 512  # articles looked up in the term store at once
_CHUNK = 64  # articles a worker process reads per task
_shared: tuple[list[tuple[Article, bytes]], Bodies, TermStore] | None = None
_sent: set[str] = set()  # in a worker: the forms whose lemmas it has sent


def _terms_in_order(
    articles: Sequence[Article], keys: Sequence[bytes], bodies: Bodies, store: TermStore
) -> Iterator[ArticleTerms]:
    """Every article's terms, in order: from the store, else read (and stored)."""
    have = store.keys()
    made = _read_terms(
        [(a, k) for a, k in zip(articles, keys, strict=True) if k not in have], bodies, store
    )
    for start in range(0, len(keys), _BATCH):
        part = keys[start : start + _BATCH]
        cached = store.terms([k for k in part if k in have])
        for key in part:
            found = cached.get(key)
            if found is None:
                made_key, found = next(made)
                assert made_key == key, "terms read out of order"
            yield found
    # Run the reader to its end, which stores the last of what it read.
    if next(made, None) is not None:
        raise AssertionError("terms read for no article")


def _read_terms(
    todo: list[tuple[Article, bytes]], bodies: Bodies, store: TermStore
) -> Iterator[tuple[bytes, ArticleTerms]]:
    """The terms of the articles in order, each stored with the lemmas of its new forms as
    it comes; in one process per core when there are many (a cold build: reading and
    lemmatizing), which hand them back a chunk at a time."""
    global _shared
    workers = os.cpu_count() or 1
    pending: list[tuple[bytes, bytes]] = []
    if workers < 2 or len(todo) < PARALLEL_MIN_ARTICLES or not can_fork():
        for article, key in todo:
            terms = article_terms(article.title, article.summary, bodies.load(article))
            for form in (*terms.title, *terms.body):
                store.lemmas_of(form)
            pending.append((key, terms.pack()))
            if len(pending) >= _BATCH:
                store.put_terms(pending)
                pending.clear()
            yield key, terms
        store.put_terms(pending)
        return
    _shared = (todo, bodies, store)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=die_with, initargs=(os.getpid(),)) as pool:
            chunks = range(0, len(todo), _CHUNK)
            for packed, lemmas_found in pool.imap(_terms_chunk, chunks):
                store.add_lemmas(lemmas_found)
                pending += packed
                if len(pending) >= _BATCH:
                    store.put_terms(pending)
                    pending.clear()
                for key, data in packed:
                    yield key, ArticleTerms.unpack(data)
        store.put_terms(pending)
    finally:
        _shared = None


def _terms_chunk(start: int) -> tuple[list[tuple[bytes, bytes]], dict[str, tuple[str, ...]]]:
    """In a forked worker: the terms of articles start... of the shared list, packed, and
    the lemmas of forms neither the store nor this worker's earlier chunks had."""
    assert _shared is not None
    todo, bodies, store = _shared
    terms, new = [], {}
    for article, key in todo[start : start + _CHUNK]:
        found = article_terms(article.title, article.summary, bodies.load(article))
        terms.append((key, found.pack()))
        for form in (*found.title, *found.body):
            if form not in store.lemmas and form not in _sent:
                new[form] = lemmas(form)
                _sent.add(form)
    return terms, new


def _row(article: Article, topic_numbers: dict[str, int]) -> DocRow:
    when = article.moment.isoformat(timespec="minutes")[:16] if article.has_time else ""
    when = when or article.day.isoformat()
    topics = [topic_numbers[t.key] for t in article.topics if t.key in topic_numbers]
    return (article.url, article.title, when, topics, "")


def _live_files(live: Path | None, state: IndexState | None) -> Path | None:
    """The previous index's folder, if it holds the files the state describes."""
    if live is None or state is None:
        return None
    try:
        meta = json.loads((live / INDEX_DIR / "meta.json").read_bytes())
        if meta.get("build") != state.build:
            return None
        there = {
            f"{INDEX_DIR}/{sub}/{entry.name}"
            for sub in ("t", "f", "d")
            for entry in os.scandir(live / INDEX_DIR / sub)
        }
    except (OSError, ValueError):
        return None
    return live if there >= state.digests.keys() else None


def _doc_lemmas(terms: ArticleTerms, store: TermStore) -> dict[str, int]:
    """Lemma -> 1 if a form of it is in the title, else 0."""
    known = store.lemmas
    for form in set(terms.title).union(terms.body) - known.keys():
        store.lemmas_of(form)
    found = dict.fromkeys(chain.from_iterable(map(known.__getitem__, terms.body)), 0)
    found.update(dict.fromkeys(chain.from_iterable(map(known.__getitem__, terms.title)), 1))
    return found


def _write_all(
    state: IndexState,
    rows: list[DocRow],
    names: list[list[str]],
    terms: Iterable[ArticleTerms],
    store: TermStore,
) -> Iterator[tuple[str, bytes]]:
    """The whole index, from every article's terms in order (each looked at once), one file
    at a time in the order of their paths, then meta.json; the rows get their excerpts."""
    shards = state.shards
    postings: dict[str, array[int]] = {}
    last: dict[str, int] = {}  # the article a lemma's postings end with
    counted: Counter[str] = Counter()  # form -> in how many articles
    count = 0
    for number, doc in enumerate(terms):
        count += 1
        rows[number] = (*rows[number][:4], doc.excerpt)
        counted.update(doc.title)
        counted.update(doc.body)
        for lemma, title in _doc_lemmas(doc, store).items():
            gaps = postings.get(lemma)
            if gaps is None:
                gaps = postings[lemma] = array("I")
                last[lemma] = -1
            gaps.append((number - last[lemma]) * 2 + title)
            last[lemma] = number
    assert count == len(rows), "an article's terms are missing"
    del last
    form_docs = state.form_docs
    form_docs.update(counted)
    del counted
    digests = state.digests
    build = hashlib.blake2b(digest_size=6)

    def made(rel: str, data: bytes) -> tuple[str, bytes]:
        digests[rel] = hashlib.blake2b(data, digest_size=8).digest()
        build.update(rel.encode())
        build.update(digests[rel])
        return rel, data

    chunks = -(-len(rows) // CHUNK)
    for n in _in_path_order(chunks):
        yield made(f"{INDEX_DIR}/d/{n}.json", _json(rows[n * CHUNK : (n + 1) * CHUNK]))
    yield made(*_facets(rows))
    form_shards: list[dict[str, object]] = [{} for _ in range(shards)]
    for form in form_docs:
        found = store.lemmas_of(form)
        if found != (form,):
            form_shards[shard_of(form, shards)][form] = list(found)
    for n in _in_path_order(shards):
        yield made(f"{INDEX_DIR}/f/{n}.json", _json(form_shards[n]))
        form_shards[n] = {}
    del form_shards
    forms = _forms_by_lemma(form_docs, store)
    # One shard's postings as Python lists at a time: all of them would be gigabytes.
    lemmas_in: list[list[str]] = [[] for _ in range(shards)]
    for lemma in postings:
        lemmas_in[shard_of(lemma, shards)].append(lemma)
    for n in _in_path_order(shards):
        shard = {lemma: [forms[lemma], postings.pop(lemma).tolist()] for lemma in lemmas_in[n]}
        yield made(f"{INDEX_DIR}/t/{n}.json", _json(shard))
    state.build = build.hexdigest()
    yield f"{INDEX_DIR}/meta.json", _meta(state, names)


def _in_path_order(count: int) -> list[int]:
    """0 ... count - 1 in the order of the files named <n>.json: 0, 1, 10, 100, 11, ..."""
    return sorted(range(count), key=lambda n: f"{n}.json")


def _forms_by_lemma(form_docs: dict[str, int], store: TermStore) -> dict[str, str]:
    """Lemma -> the forms of it the articles hold, sorted, joined by spaces."""
    found: dict[str, list[str]] = {}
    for form in sorted(form_docs):
        for lemma in store.lemmas_of(form):
            found.setdefault(lemma, []).append(form)
    return {lemma: " ".join(forms) for lemma, forms in found.items()}


def _update(
    state: IndexState,
    names: list[list[str]],
    rows: list[DocRow] | None,
    store: TermStore,
    live: Path,
    changed: list[int],
    known: dict[bytes, ArticleTerms],
    before: dict[bytes, ArticleTerms],
    old_keys: list[bytes],
) -> tuple[list[tuple[str, bytes | None]], list[DocRow] | None]:
    """The previous index with the changed articles' old terms taken out and new ones put
    in: only the shards of the lemmas and forms whose articles changed are made again.
    `rows` are the articles' rows without excerpts, None when they are as last time (the
    same model). Returns the files and the rows to store (None: as stored). Raises _Stale
    if a live file it needs is not what the last build wrote."""
    shards, keys, form_docs = state.shards, state.keys, state.form_docs
    new_lemmas: dict[int, dict[str, int]] = {}
    lemmas_touched: set[str] = set()
    present_before: dict[str, bool] = {}
    excerpts: dict[int, str] = {}
    old_excerpts: dict[int, str] = {}
    for n in changed:
        old_doc = before[old_keys[n]] if n < len(old_keys) else None
        new_doc = known[keys[n]] if n < len(keys) else None
        old_map = _doc_lemmas(old_doc, store) if old_doc else {}
        new_map = new_lemmas[n] = _doc_lemmas(new_doc, store) if new_doc else {}
        lemmas_touched.update(
            k for k in old_map.keys() | new_map.keys() if old_map.get(k) != new_map.get(k)
        )
        for doc, step in ((old_doc, -1), (new_doc, 1)):
            for form in (*doc.title, *doc.body) if doc else ():
                present_before.setdefault(form, form in form_docs)
                count = form_docs.get(form, 0) + step
                if count:
                    form_docs[form] = count
                else:
                    del form_docs[form]
        if new_doc:
            excerpts[n] = new_doc.excerpt
        if old_doc:
            old_excerpts[n] = old_doc.excerpt
    forms_toggled = {f for f, was in present_before.items() if was != (f in form_docs)}
    toggled_in: dict[str, list[str]] = {}  # lemma -> its forms that came or went
    for form in forms_toggled:
        for lemma in store.lemmas_of(form):
            toggled_in.setdefault(lemma, []).append(form)
    files: dict[str, bytes | None] = dict.fromkeys(state.digests)  # None: as it is
    digests = state.digests  # as the last build wrote them, until _with_meta()

    def current(rel: str) -> bytes:
        data = files[rel]
        if data is not None:
            return data
        try:
            data = (live / rel).read_bytes()
        except OSError as e:
            raise _Stale(rel) from e
        if hashlib.blake2b(data, digest_size=8).digest() != digests.get(rel):
            raise _Stale(rel)
        return data

    touched_shards: dict[int, set[str]] = {}
    for lemma in lemmas_touched | toggled_in.keys():
        touched_shards.setdefault(shard_of(lemma, shards), set()).add(lemma)
    for shard, lemmas_here in touched_shards.items():
        rel = f"{INDEX_DIR}/t/{shard}.json"
        entries: dict[str, list[object]] = json.loads(current(rel))
        for lemma in lemmas_here:
            entry = entries.get(lemma)
            docs = _decode(entry[1]) if entry else {}  # type: ignore[arg-type]
            for n in changed:
                docs.pop(n, None)
                flag = new_lemmas[n].get(lemma)
                if flag is not None:
                    docs[n] = flag
            if not docs:
                entries.pop(lemma, None)
                continue
            seen = str(entry[0]) if entry else ""
            if lemma in toggled_in:  # the forms of it the articles hold changed
                forms = set(seen.split(" ")) if seen else set()
                for form in toggled_in[lemma]:
                    if form in form_docs:
                        forms.add(form)
                    else:
                        forms.discard(form)
                seen = " ".join(sorted(forms))
            entries[lemma] = [seen, _encode(docs)]
        files[rel] = _json(entries)
    for form in forms_toggled:
        found = store.lemmas_of(form)
        if found == (form,):
            continue
        rel = f"{INDEX_DIR}/f/{shard_of(form, shards)}.json"
        table: dict[str, object] = json.loads(current(rel))
        if form in form_docs:
            table[form] = list(found)
        else:
            table.pop(form, None)
        files[rel] = _json(table)
    if rows is None:
        # The same articles with the same metadata: a document file changes only where an
        # article's excerpt did (its facets not at all).
        moved = {n: text for n, text in excerpts.items() if old_excerpts.get(n) != text}
        for chunk in sorted({n // CHUNK for n in moved}):
            rel = f"{INDEX_DIR}/d/{chunk}.json"
            part: list[list[object]] = json.loads(current(rel))
            for n in range(chunk * CHUNK, chunk * CHUNK + len(part)):
                if n in moved:
                    part[n - chunk * CHUNK][4] = moved[n]
            files[rel] = _json(part)
        stored = None
        if moved:
            stored = store.rows()
            for n, text in moved.items():
                stored[n] = (*stored[n][:4], text)
        return _with_meta(sorted(files.items()), state, names), stored
    old_rows = store.rows()
    for n in range(len(rows)):
        rows[n] = (*rows[n][:4], excerpts[n] if n in excerpts else old_rows[n][4])
    chunks = {n // CHUNK for n in changed} | {
        n // CHUNK for n in range(len(rows)) if n >= len(old_rows) or rows[n] != old_rows[n]
    }
    for chunk in chunks:
        rel = f"{INDEX_DIR}/d/{chunk}.json"
        chunk_rows = rows[chunk * CHUNK : (chunk + 1) * CHUNK]
        if chunk_rows:
            files[rel] = _json(chunk_rows)
        else:
            files.pop(rel, None)
    rel, data = _facets(rows)
    files[rel] = data
    return _with_meta(sorted(files.items()), state, names), rows


def _facets(rows: Sequence[DocRow]) -> tuple[str, bytes]:
    """What filters read, for every article: [days since the one before (the first: since
    1970-01-01), its topic numbers...], so a filtered search needs no document files."""
    facets, last = [], 0
    for row in rows:
        day = date.fromisoformat(row[2][:10]).toordinal() - _EPOCH
        facets.append([day - last, *row[3]])
        last = day
    return f"{INDEX_DIR}/d/facets.json", _json(facets)


def _decode(gaps: list[int]) -> dict[int, int]:
    docs, n = {}, -1
    for gap in gaps:
        n += gap >> 1
        docs[n] = gap & 1
    return docs


def _encode(docs: dict[int, int]) -> list[int]:
    gaps, last = [], -1
    for n in sorted(docs):
        gaps.append((n - last) * 2 + docs[n])
        last = n
    return gaps


def _with_meta(
    files: Sequence[tuple[str, bytes | None]], state: IndexState, names: list[list[str]]
) -> list[tuple[str, bytes | None]]:
    """The files and meta.json, whose `build` names them all; forgets files gone."""
    digests = state.digests
    build = hashlib.blake2b(digest_size=6)
    for rel, data in files:
        if data is not None:
            digests[rel] = hashlib.blake2b(data, digest_size=8).digest()
        build.update(rel.encode())
        build.update(digests[rel])
    for gone in digests.keys() - {rel for rel, _ in files}:
        del digests[gone]
    state.build = build.hexdigest()
    return [*files, (f"{INDEX_DIR}/meta.json", _meta(state, names))]


def _meta(state: IndexState, names: list[list[str]]) -> bytes:
    meta = {
        "v": FORMAT,
        "build": state.build,
        "docs": len(state.keys),
        "shards": state.shards,
        "chunk": CHUNK,
        "topics": names,
    }
    return _json(meta)


def _json(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.encode("utf-8")
