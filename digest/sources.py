"""Read article files (Markdown with front matter, or plain wire stories) into Entries."""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import markdown
import nh3

from digest.config import Config
from digest.dates import parse_date, parse_date_leniently
from digest.errors import Problem, SourceError, display_path
from digest.slugs import slugify
from digest.workers import parallel_map
from digest.yamlload import YamlProblem, load_yaml

MARKDOWN_SUFFIXES = (".md", ".markdown")
PLAIN_SUFFIXES = (".txt",)
ARTICLE_SUFFIXES = MARKDOWN_SUFFIXES + PLAIN_SUFFIXES
SUMMARY_CHARS = 300
MAX_SUBHEADING = 80
_WIRE_FIRST_LINE = re.compile(r"^[ \t]*date[ \t]+(\S+)[ \t]*(.*?)\s*$")
_FILENAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
_CLOSING_PUNCTUATION = ".!?…:;,"
_TRAILING_QUOTES = "\"'»”’)]"
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")
_FIRST_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.M)
FRONT_MATTER_KEYS = {
    "title", "date", "tags", "tag", "category", "categories", "summary", "description",
    "excerpt", "author", "source", "lang", "slug", "draft", "published",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "reversed"},
    "time": {"datetime"},
    "abbr": {"title"},
    "blockquote": {"cite"},
}


@dataclass(frozen=True)
class Entry:
    """What one file says, before the site's rules (slugs, topics, days) apply."""

    path: str  # relative to the site folder, as shown in messages
    format: str  # "markdown" or "plain"
    title: str
    date: datetime  # in the site's time zone
    has_time: bool
    tags: tuple[str, ...]
    summary: str  # plain text
    author: str
    source: str
    lang: str
    slug: str
    draft: bool
    body_html: str
    text: str  # plain words for keyword rules: title, summary, body

    @classmethod
    def stub(cls, path: str, when: datetime, has_time: bool, draft: bool) -> Entry:
        """An entry carrying only what deciding whether it is published reads (see
        group.is_published), so a build need not load whole entries to know whether its
        cached model still holds."""
        return cls(
            path=path,
            format="",
            title="",
            date=when,
            has_time=has_time,
            tags=(),
            summary="",
            author="",
            source="",
            lang="",
            slug="",
            draft=draft,
            body_html="",
            text="",
        )


def find_articles(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Every article file under content_dir, nested folders included, in a stable order.

    Hidden files and folders are skipped. Symlinks are not followed out of content_dir:
    a link that resolves outside it is named in a warning and left alone.
    """
    root = content_dir.resolve()
    found: list[Path] = []
    problems: list[Problem] = []
    folders = [content_dir]
    while folders:  # depth first, in name order, as os.walk would go
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=lambda item: item.name)
        except OSError:
            continue  # as os.walk does: a folder that vanished or cannot be read
        subfolders: list[Path] = []
        outside: list[Problem] = []  # folders' first, then files', as before
        for item in items:  # the entries' types come free with the listing
            if item.name.startswith("."):
                continue
            path = folder / item.name
            if item.is_symlink():
                linked_folder = item.is_dir()  # a folder inside: walked through its real place
                if not (linked_folder or _is_article(item.name)):
                    continue
                if not _inside(path, root):
                    problem = _outside_link(path, content_dir)
                    if linked_folder:
                        problems.append(problem)
                    else:
                        outside.append(problem)
                elif not linked_folder and path.is_file():
                    found.append(path)
            elif item.is_dir(follow_symlinks=False):
                subfolders.append(path)
            elif _is_article(item.name) and item.is_file(follow_symlinks=False):
                found.append(path)
        problems += outside
        folders += reversed(subfolders)
    return sorted(found), problems


def _is_article(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in ARTICLE_SUFFIXES


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop of links
        return False


def _outside_link(path: Path, content_dir: Path) -> Problem:
    shown = display_path(path, content_dir.parent.resolve())
    return Problem(
        shown,
        None,
        "symlink points outside the content folder; not followed",
        "copy the file into content/ instead",
    )


class ArticleReader:
    """Reads files for one site; keeps one Markdown converter to reuse across articles."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.tz = config.tz
        self.md = self._new_markdown()

    def _new_markdown(self) -> markdown.Markdown:
        config = self.config
        ext_configs = dict(config.markdown_extension_configs)
        if "toc" in config.markdown_extensions:
            # Heading ids from Cyrillic headings: transliterated, not dropped to "_1".
            ext_configs["toc"] = {"slugify": _heading_id, **ext_configs.get("toc", {})}
        return markdown.Markdown(
            extensions=list(config.markdown_extensions),
            extension_configs=ext_configs,
            output_format="html",
        )

    def read(self, path: Path) -> tuple[Entry, list[Problem]]:
        """Read one file; raise SourceError naming the file and line if it cannot be used."""
        shown = display_path(path, self.config.site_dir)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise SourceError(Problem(shown, None, f"cannot read: {e.strerror}")) from e
        limit = self.config.max_article_kb * 1024
        if len(data) > limit:
            raise SourceError(
                Problem(
                    shown,
                    None,
                    f"article is {_size(len(data))}, over the {_size(limit)} limit; skipped",
                    "split it, or raise max_article_kb in site.yaml",
                )
            )
        text = _decode(data, shown, self.config.encoding_fallback)
        if not text.strip():
            raise SourceError(
                Problem(shown, 1, "file is empty", "write an article or delete the file")
            )
        first = text.lstrip("\n").split("\n", 1)[0]
        if path.suffix.lower() in PLAIN_SUFFIXES or _WIRE_FIRST_LINE.match(first):
            return self._read_plain(text, shown, path)
        return self._read_markdown(text, shown, path)

    def _read_plain(self, text: str, shown: str, path: Path) -> tuple[Entry, list[Problem]]:
        lines = text.split("\n")
        index = next(i for i, line in enumerate(lines) if line.strip())
        match = _WIRE_FIRST_LINE.match(lines[index])
        if not match:
            raise SourceError(
                Problem(
                    shown,
                    index + 1,
                    'expected the first line to be "date YYYY-MM-DD headline"',
                    "start the story with its date and headline",
                )
            )
        try:
            moment, has_time = parse_date(match.group(1), self.tz)
        except ValueError as e:
            raise SourceError(Problem(shown, index + 1, f"date: {e}", "fix the date")) from None
        title = match.group(2).strip()
        problems = []
        if title.endswith(".") and not title.endswith(".."):
            title = title[:-1].rstrip()
        paragraphs = _paragraphs(lines[index + 1 :])
        if not title:
            title = paragraphs[0][:80] if paragraphs else path.stem
            problems.append(
                Problem(
                    shown, index + 1, "no headline after the date", "write it on the first line"
                )
            )
        body = _plain_body_html(paragraphs)
        first = paragraphs[0] if paragraphs else ""
        summary = _shorten(" ".join(first.split()))
        entry = Entry(
            path=shown,
            format="plain",
            title=title,
            date=moment,
            has_time=has_time,
            tags=(),
            summary=summary,
            author="",
            source="",
            lang="",
            slug="",
            draft=False,
            body_html=body,
            text="\n".join((title, *paragraphs)),
        )
        return entry, problems

    def _read_markdown(self, text: str, shown: str, path: Path) -> tuple[Entry, list[Problem]]:
        meta, lines, body, body_line = _split_front_matter(text, shown)
        problems: list[Problem] = []

        def line_of(key: str) -> int:
            return lines.get((key,), 1)

        def field(key: str) -> str:
            value = meta.get(key)
            if value is None:
                return ""
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                return str(value).strip()
            raise SourceError(
                Problem(
                    shown,
                    line_of(key),
                    f"{key}: expected text, got a {_kind(value)}",
                    f"write {key}: some text",
                )
            )

        title = field("title")
        if not title:
            heading = _FIRST_HEADING.search(body)
            if heading:
                title = heading.group(1).strip()
                problems.append(
                    Problem(
                        shown,
                        1,
                        "no title; using the first heading",
                        "add title: to the front matter",
                    )
                )
            else:
                title = path.stem
                problems.append(
                    Problem(
                        shown, 1, "no title; using the file name", "add title: to the front matter"
                    )
                )
        if "date" in meta and meta["date"] is not None:
            try:
                moment, has_time, ignored = parse_date_leniently(meta["date"], self.tz)
            except ValueError as e:
                raise SourceError(
                    Problem(shown, line_of("date"), f"date: {e}", "fix the date")
                ) from None
            if ignored:
                problems.append(
                    Problem(
                        shown,
                        line_of("date"),
                        f'date: ignored "{ignored}" in "{meta["date"]}"; '
                        f"read it as {moment.isoformat()}",
                        "fix the date",
                    )
                )
        else:
            named = _FILENAME_DATE.match(path.name)
            if not named:
                raise SourceError(
                    Problem(
                        shown,
                        1,
                        "no date",
                        "add date: 2026-02-11 to the front matter or start the file name with it",
                    )
                )
            try:
                moment, has_time = parse_date(named.group(1), self.tz)
            except ValueError as e:
                raise SourceError(
                    Problem(shown, None, f"file name date: {e}", "rename the file")
                ) from None
        tags = _tags(meta, shown, line_of)
        draft = meta.get("draft") is True or meta.get("published") is False
        self.md.reset()
        try:
            with time_limit(self.config.render_timeout):
                body_html = self.md.convert(body)
        except RenderTimeout:
            self.md = self._new_markdown()  # interrupted mid-way: start from a clean converter
            raise SourceError(
                Problem(
                    shown,
                    body_line,
                    f"Markdown took longer than {self.config.render_timeout:g} s; "
                    "gave up on this article",
                    "look for thousands of unmatched [ or very deep nesting, "
                    "or raise render_timeout",
                )
            ) from None
        except Exception as e:  # Python-Markdown and extensions can raise anything
            raise SourceError(
                Problem(shown, body_line, f"Markdown could not be rendered: {e}")
            ) from e
        if not self.config.raw_html:
            body_html = sanitize(body_html)
        summary = field("summary") or field("description") or field("excerpt")
        if not summary:
            summary = _summary_from_html(body_html)
        entry = Entry(
            path=shown,
            format="markdown",
            title=title,
            date=moment,
            has_time=has_time,
            tags=tags,
            summary=summary,
            author=field("author"),
            source=field("source"),
            lang=field("lang"),
            slug=field("slug"),
            draft=draft,
            body_html=body_html,
            text="\n".join((title, summary, body)),
        )
        return entry, problems


class RenderTimeout(Exception):
    """Raised inside a Markdown conversion that ran past render_timeout."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` with RenderTimeout.

    Python-Markdown is pure Python, so a timer signal can stop it between bytecodes. Signals
    reach only the main thread: elsewhere (a preview server's build thread) the size cap is
    the only bound.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _heading_id(value: str, separator: str) -> str:
    return slugify(value, fallback_prefix="h")


def sanitize(fragment: str) -> str:
    """Keep formatting, drop scripts, event handlers, javascript: URLs and frames."""
    return str(nh3.clean(fragment, attributes=ALLOWED_ATTRIBUTES, link_rel=None))


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.0f} KB"


def _decode(data: bytes, shown: str, fallback: str = "") -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if not fallback:
            line = data[: e.start].count(b"\n") + 1
            raise SourceError(
                Problem(
                    shown,
                    line,
                    f"not UTF-8 text (byte 0x{data[e.start]:02x})",
                    "save the file as UTF-8, or set encoding_fallback: cp1251 in site.yaml",
                )
            ) from None
        text = data.decode(fallback, errors="replace")
    if "\x00" in text:
        raise SourceError(
            Problem(shown, None, "contains NUL bytes: not a text file", "remove or re-save it")
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(
    text: str, shown: str
) -> tuple[dict[str, Any], dict[tuple[str, ...], int], str, int]:
    """Return (metadata, key lines in the file, body, line the body starts on)."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, {}, text, 1
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", text[4:], re.M)
    if end is None:
        raise SourceError(
            Problem(shown, 1, "front matter is not closed", "add a line with --- after it")
        )
    block = text[4 : 4 + end.start()]
    body = text[4 + end.end() :].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    try:
        meta, lines = load_yaml(block, with_lines=True)
    except YamlProblem as e:
        line = e.line + 1 if e.line is not None else 1
        raise SourceError(
            Problem(shown, line, f"front matter: {e.message}", "fix the YAML between the --- lines")
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError(
            Problem(
                shown, 2, "front matter: expected `key: value` lines", "write title: ..., date: ..."
            )
        )
    return (
        {str(k): v for k, v in meta.items()},
        {k: v + 1 for k, v in lines.items()},
        body,
        body_line,
    )


def _kind(value: object) -> str:
    return {"list": "list", "dict": "mapping", "bool": "true/false"}.get(
        type(value).__name__, type(value).__name__
    )


def _tags(meta: dict[str, Any], shown: str, line_of: Any) -> tuple[str, ...]:
    """tags, plus Jekyll's category/categories; a string splits on commas, else on spaces."""
    out: list[str] = []
    for key in ("tags", "tag", "categories", "category"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            items: list[Any] = value.split(",") if "," in value else value.split()
        elif isinstance(value, list):
            items = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            items = [value]
        else:
            raise SourceError(
                Problem(
                    shown,
                    line_of(key),
                    f"{key}: expected a list like [economy, energy], got a {_kind(value)}",
                )
            )
        for item in items:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise SourceError(
                    Problem(
                        shown,
                        line_of(key),
                        f"{key}: each tag must be text, got a {_kind(item)}",
                        "write tags: [a, b]",
                    )
                )
            tag = " ".join(str(item).split())
            if tag and tag not in out:
                out.append(tag)
    return tuple(out)


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def is_subheading(paragraph: str) -> bool:
    """A short single line with no closing punctuation reads as a subheading."""
    if "\n" in paragraph or len(paragraph) > MAX_SUBHEADING:
        return False
    stripped = paragraph.rstrip(_TRAILING_QUOTES).rstrip()
    return bool(stripped) and stripped[-1] not in _CLOSING_PUNCTUATION


def _plain_body_html(paragraphs: list[str]) -> str:
    out = []
    for i, paragraph in enumerate(paragraphs):
        between = 0 < i < len(paragraphs) - 1
        if between and is_subheading(paragraph):
            out.append(f"<h2>{html.escape(paragraph, quote=False)}</h2>")
        else:
            out.append(f"<p>{html.escape(paragraph, quote=False)}</p>")
    return "\n".join(out)


def _summary_from_html(body_html: str) -> str:
    match = _FIRST_PARAGRAPH.search(body_html)
    if not match:
        return ""
    return _shorten(" ".join(html.unescape(_TAG.sub("", match.group(1))).split()))


def _shorten(text: str) -> str:
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—– ") + "…"


ReadResult = tuple[Path, Entry | None, list[Problem]]
PARALLEL_MIN_FILES = 300  # below this, starting worker processes costs more than it saves


def read_file(reader: ArticleReader, path: Path) -> ReadResult:
    """Read one path; a file that cannot be used gives None and its problem."""
    try:
        entry, problems = reader.read(path)
    except SourceError as e:
        return path, None, [e.problem]
    return path, entry, problems


def iter_entries(config: Config, paths: list[Path], workers: int = 1) -> Iterator[ReadResult]:
    """Read each path, in order; Markdown is CPU-bound, so large sites use worker processes."""
    yield from parallel_map(
        _reader, (config,), paths, workers, min_items=PARALLEL_MIN_FILES, chunksize=64
    )


def _reader(config: Config) -> Callable[[Path], ReadResult]:
    return partial(read_file, ArticleReader(config))
