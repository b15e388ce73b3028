"""The site's own search index: the words of each published article as lemmas, written as
small static JSON files that the browser fetches a few at a time (static/digest-search.js).

Layout under search/index/ (paths relative to the site):

    meta.json        {"v", "build", "docs", "shards", "chunk", "topics": [[key, name], ...]}
    f/<n>.json       word form -> its lemmas, for forms that are not their own only lemma
    t/<n>.json       lemma -> [forms seen in the articles, postings]
    d/<n>.json       articles n*chunk ... as [url, title, date, [topic numbers], excerpt]

Forms and lemmas go to shard fnv1a(UTF-8 bytes) % shards, so a query fetches meta.json,
one form shard and a term shard or two per word, and the document chunks of its hits.
Article numbers run oldest first (an added news story takes the next number, so the files
of older ones stay as they were); postings are gaps between numbers, times two, plus one
where the word is in the title.

A word form can have several lemmas (Києві: кий, київ); all are indexed, and the query side
looks a word up through the same table, so it finds every form of every reading.
"""

from __future__ import annotations

import hashlib
import html
import json
import marshal
import re
import sqlite3
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from digest.model import Article, Site
from digest.words import lemmas, words

INDEX_DIR = "search/index"
FORMAT = 1  # meta.json "v": bumped when the files change shape
CHUNK = 16  # articles per document file: a hit costs at most 16 articles' metadata
EXCERPT_CHARS = 240
_SHARD_TARGET = 24  # articles per shard: ~10 KB shards at news-sized articles
_MIN_SHARDS, _MAX_SHARDS = 8, 8192
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


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
    """The visible text of an article body (HTML the reader made: tags, entities)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body_html))).strip()


def article_terms(title: str, summary: str, body_html: str) -> ArticleTerms:
    text = plain_text(body_html)
    in_title = dict.fromkeys(words(title))
    in_body = dict.fromkeys(w for w in words(summary + " " + text) if w not in in_title)
    return ArticleTerms(tuple(in_title), tuple(in_body), excerpt(summary or text))


def excerpt(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
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

    def save(self, made: dict[bytes, ArticleTerms], used: Iterable[bytes]) -> None:
        db = self.db
        db.execute("BEGIN")
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

    def lemmas_of(self, form: str) -> tuple[str, ...]:
        found = self.lemmas.get(form)
        if found is None:
            found = self.lemmas[form] = lemmas(form)
            self._new_lemmas = True
        return found


def search_files(
    site: Site, bodies: Bodies, store: TermStore, now: datetime
) -> list[tuple[str, bytes]]:
    """The index of the site's published articles: (path in the site, bytes) per file."""
    articles = indexed(site, now)
    keys = [bodies.key(a) for a in articles]
    known = store.terms(keys)
    made: dict[bytes, ArticleTerms] = {}
    for article, key in zip(articles, keys, strict=True):
        if key not in known:
            known[key] = made[key] = article_terms(
                article.title, article.summary, bodies.load(article)
            )
    terms = [known[key] for key in keys]
    files = write_index(articles, terms, store, site)
    store.save(made, keys)
    return files


def write_index(
    articles: Sequence[Article], terms: Sequence[ArticleTerms], store: TermStore, site: Site
) -> list[tuple[str, bytes]]:
    shards = shard_count(len(articles))
    postings: dict[str, array[int]] = {}
    last: dict[str, int] = {}  # the article a lemma's postings end with
    forms: dict[str, dict[str, None]] = {}
    lemmas_of = store.lemmas_of
    for number, article_terms in enumerate(terms):
        for title, group in ((1, article_terms.title), (0, article_terms.body)):
            for form in group:
                for lemma in lemmas_of(form):
                    seen = forms.get(lemma)
                    if seen is None:
                        seen = forms[lemma] = {}
                        postings[lemma] = array("I")
                        last[lemma] = -1
                    seen[form] = None
                    if last[lemma] != number:
                        previous = last[lemma]
                        postings[lemma].append((number - previous) * 2 + title)
                        last[lemma] = number
    term_shards: list[dict[str, list[object]]] = [{} for _ in range(shards)]
    for lemma in sorted(postings):
        term_shards[shard_of(lemma, shards)][lemma] = [
            " ".join(forms[lemma]),
            list(postings[lemma]),
        ]
    form_shards: list[dict[str, list[str]]] = [{} for _ in range(shards)]
    for form in sorted({f for seen in forms.values() for f in seen}):
        found = lemmas_of(form)
        if found != (form,):
            form_shards[shard_of(form, shards)][form] = list(found)
    topic_keys = [group.topic.key for group in site.topics]
    topic_number = {key: n for n, key in enumerate(topic_keys)}
    chunks: list[list[object]] = []
    for n, (article, article_terms) in enumerate(zip(articles, terms, strict=True)):
        if n % CHUNK == 0:
            chunks.append([])
        when = article.moment.strftime("%Y-%m-%dT%H:%M") if article.has_time else f"{article.day}"
        topics = [topic_number[t.key] for t in article.topics if t.key in topic_number]
        chunks[-1].append([article.url, article.title, when, topics, article_terms.excerpt])

    files: list[tuple[str, bytes]] = []
    files += [(f"{INDEX_DIR}/t/{n}.json", _json(s)) for n, s in enumerate(term_shards)]
    files += [(f"{INDEX_DIR}/f/{n}.json", _json(s)) for n, s in enumerate(form_shards)]
    files += [(f"{INDEX_DIR}/d/{n}.json", _json(c)) for n, c in enumerate(chunks)]
    build = hashlib.blake2b(digest_size=6)
    for _, data in files:
        build.update(data)
    meta = {
        "v": FORMAT,
        "build": build.hexdigest(),
        "docs": len(articles),
        "shards": shards,
        "chunk": CHUNK,
        "topics": [[group.topic.key, group.topic.name] for group in site.topics],
    }
    files.append((f"{INDEX_DIR}/meta.json", _json(meta)))
    return files


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
