"""Read article files (Markdown with front matter, or plain wire stories) into Entries."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from digest.bundles import BUNDLE_INDEXES, bundle_folder
from digest.config import Config
from digest.dates import parse_date, parse_date_leniently
from digest.errors import Problem, SourceError, display_path
from digest.frontmatter import split_front_matter
from digest.imported import (
    DATE_KEYS,
    EXPIRY_KEYS,
    SUMMARY_KEYS,
    UPDATED_KEYS,
    first_key,
    read_authors,
    read_image,
    read_ranking,
    read_redirects,
)
from digest.model import Author, Redirect
from digest.shortcodes import Where, expand
from digest.slugs import slugify
from digest.timelimit import RenderTimeout, time_limit
from digest.workers import parallel_map

if TYPE_CHECKING:  # imported by the reader that uses it: a build with nothing new reads nothing
    import markdown

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


@dataclass(frozen=True, slots=True)  # 100,000 are held at once to group
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
    # Keys other generators write (see digest/imported.py); empty for most articles.
    updated: datetime | None = None
    expires: datetime | None = None
    authors: tuple[Author, ...] = ()
    image: str = ""
    redirects: tuple[Redirect, ...] = ()
    bundle: str = ""  # the folder of a page bundle (index.md with its files), else ""
    refs: tuple[str, ...] = ()  # the articles its body links to, by path
    pinned: bool = False  # front matter `pinned: true`: a top story of its day
    priority: int = 0  # front matter `priority:`: higher ranks first among top stories
    story: bytes = b""  # its words as stories compare them, packed (reading.py)


class Stub(NamedTuple):
    """What deciding whether an article file is published reads (group.is_published), and
    its path: a build knows it for every file from the cache, without loading entries, to
    tell whether its cached model still holds. A plain tuple: a build makes one per file."""

    path: str  # as Entry.path
    date: datetime
    has_time: bool
    draft: bool
    expires: datetime | None


def find_articles(content_dir: Path) -> tuple[list[Path], list[Problem]]:
    """Every article file under content_dir, nested folders included, in a stable order.

    Hidden files and folders are skipped. Symlinks are not followed out of content_dir:
    a link that resolves outside it is named in a warning and left alone.
    """
    files, problems = article_files(content_dir)
    return [Path(file) for file in files], problems


def article_files(content_dir: Path) -> tuple[list[str], list[Problem]]:
    """find_articles() with the files as path strings (content_dir joined with their names),
    in the same order: a build walks 100,000 files, and a Path each costs more than the walk."""
    root = content_dir.resolve()
    found: list[str] = []
    problems: list[Problem] = []
    sections: list[str] = []
    top = os.fspath(content_dir)
    folders = [top]
    mixed = False  # a folder with both article files and folders: see the end
    while folders:  # depth first, in name order, as os.walk would go
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                items = sorted(listing, key=_name)
        except OSError:
            continue  # as os.walk does: a folder that vanished or cannot be read
        subfolders: list[str] = []
        outside: list[Problem] = []  # folders' first, then files', as before
        before = len(found)
        index = _bundle_index(items) if folder != top else ""
        if index:
            # A page bundle: its index.md is the article, the rest its files (bundles.py).
            found.append(os.path.join(folder, index))
            problems += _inside_bundle(Path(folder), index, content_dir)
            continue
        for item in items:  # the entries' types come free with the listing
            name = item.name
            if name[0] == ".":
                continue
            article = _is_article(name)
            if article and name.lower().startswith("_index."):
                sections.append(item.path)  # a Hugo section's list page
            elif item.is_symlink():
                linked_folder = item.is_dir()  # a folder inside: walked through its real place
                if not (linked_folder or article):
                    continue
                path = Path(item.path)
                if not _inside(path, root):
                    problem = _outside_link(path, content_dir)
                    if linked_folder:
                        problems.append(problem)
                    else:
                        outside.append(problem)
                elif not linked_folder and path.is_file():
                    found.append(item.path)
            elif item.is_dir(follow_symlinks=False):
                subfolders.append(item.path)
            elif article and item.is_file(follow_symlinks=False):
                found.append(item.path)
        problems += outside
        folders += reversed(subfolders)
        mixed = mixed or (len(found) > before and bool(subfolders))
    if sections:
        more = f" (and {len(sections) - 1} more)" if len(sections) > 1 else ""
        problems.append(
            Problem(
                display_path(Path(sections[0]), content_dir.parent.resolve()),
                None,
                f"a section's list page (Hugo's _index.md), not an article; skipped{more}",
                "its text is not shown: put what matters in site.yaml (description, topics)",
            )
        )
    if mixed:  # else the walk's order is already the order of Paths: part by part
        found.sort(key=_parts)
    return found, problems


def _name(item: os.DirEntry[str]) -> str:
    return item.name


def _parts(path: str) -> list[str]:
    return path.split(os.sep)


def _inside_bundle(folder: Path, index: str, content_dir: Path) -> list[Problem]:
    """Articles in a page bundle beside its index.md are the page's files (as in Hugo): say
    so, since they will not be published."""
    site = content_dir.parent.resolve()
    problems = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(root, name)
            if _is_article(name) and not name.startswith(".") and path != folder / index:
                problems.append(
                    Problem(
                        display_path(path, site),
                        None,
                        f"inside the page bundle {display_path(folder, site)}/ (beside its "
                        f"{index}), so not an article; skipped",
                        "move it out of the bundle's folder to publish it",
                    )
                )
    return problems


def _bundle_index(items: list[os.DirEntry[str]]) -> str:
    """The name of a page bundle's index.md among a folder's entries, else ""."""
    for item in items:
        if item.name.lower() in BUNDLE_INDEXES and item.is_file():
            return item.name
    return ""


def _is_article(name: str) -> bool:
    """Whether a (not hidden) file name is that of an article: .md, .markdown or .txt."""
    return name.lower().endswith(ARTICLE_SUFFIXES)


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
        import markdown

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

    def not_carried(self, path: Path) -> list[Problem]:
        """What reading path leaves out of what another generator would have made of it
        (as the build warns), found without rendering its Markdown: for `digest check`."""
        shown = display_path(path, self.config.site_dir)
        try:
            text = _decode(path.read_bytes(), shown, self.config.encoding_fallback)
        except (OSError, SourceError):
            return []  # not about another generator: the build names it
        first = text.lstrip("\n").split("\n", 1)[0]
        if path.suffix.lower() in PLAIN_SUFFIXES or _WIRE_FIRST_LINE.match(first):
            return []
        try:
            front = split_front_matter(text, shown)
        except SourceError as e:
            return [e.problem]
        where = Where(shown, path, self.config.site_dir, self.config.content_dir, front.body_line)
        problems = expand(front.body, where).problems
        bundle = bool(bundle_folder(path, self.config))
        section = _section(path, self.config.content_dir, bundle)
        return problems + read_redirects(front.meta, shown, front.line_of, section)[1]

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
        front = split_front_matter(text, shown)
        meta, line_of, body = front.meta, front.line_of, front.body
        problems: list[Problem] = []

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
                title = path.stem if path.stem != "index" else path.parent.name
                problems.append(
                    Problem(
                        shown, 1, "no title; using the file name", "add title: to the front matter"
                    )
                )
        date_key = first_key(meta, DATE_KEYS)
        if date_key is not None:
            moment, has_time = self._date(meta, date_key, shown, line_of, problems)
        else:
            named = _FILENAME_DATE.match(path.name)
            if named is None and path.stem == "index":  # a bundle: 2019-01-02-post/index.md
                named = _FILENAME_DATE.match(path.parent.name + "-")
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
        updated_key = first_key(meta, UPDATED_KEYS)
        updated = None
        if updated_key is not None:
            updated = self._date(meta, updated_key, shown, line_of, problems)[0]
            if updated <= moment:
                updated = None  # "updated" before it was published says nothing new
        expiry_key = first_key(meta, EXPIRY_KEYS)
        expires = self._date(meta, expiry_key, shown, line_of, problems)[0] if expiry_key else None
        taxonomies = meta.get("taxonomies")  # Zola: [taxonomies] tags = [...]
        if isinstance(taxonomies, dict):
            meta = {**{str(k).lower(): v for k, v in taxonomies.items()}, **meta}
        tags = _tags(meta, shown, line_of)
        draft = (
            meta.get("draft") is True
            or meta.get("published") is False
            or str(meta.get("status", "")).lower() in ("draft", "hidden")  # Pelican
            or "_drafts" in path.parts  # Jekyll's drafts folder
        )
        bundle = bundle_folder(path, self.config)
        where = Where(shown, path, self.config.site_dir, self.config.content_dir, front.body_line)
        expansion = expand(body, where)
        problems += expansion.problems
        pinned, priority = read_ranking(meta, shown, line_of, problems)
        self.md.reset()
        try:
            with time_limit(self.config.render_timeout):
                body_html = self.md.convert(expansion.text)
        except RenderTimeout:
            self.md = self._new_markdown()  # interrupted mid-way: start from a clean converter
            raise SourceError(
                Problem(
                    shown,
                    front.body_line,
                    f"Markdown took longer than {self.config.render_timeout:g} s; "
                    "gave up on this article",
                    "look for thousands of unmatched [ or very deep nesting, "
                    "or raise render_timeout",
                )
            ) from None
        except Exception as e:  # Python-Markdown and extensions can raise anything
            raise SourceError(
                Problem(shown, front.body_line, f"Markdown could not be rendered: {e}")
            ) from e
        if not self.config.raw_html:
            body_html = sanitize(body_html)
        summary_key = first_key(meta, SUMMARY_KEYS)
        summary = field(summary_key) if summary_key else ""
        if not summary:
            summary = _summary_from_html(body_html)
        authors, found = read_authors(meta, shown, line_of)
        problems += found
        section = _section(path, self.config.content_dir, bool(bundle))
        redirects, found = read_redirects(meta, shown, line_of, section)
        problems += found
        entry = Entry(
            path=shown,
            format="markdown",
            title=title,
            date=moment,
            has_time=has_time,
            tags=tags,
            summary=summary,
            author=", ".join(a.name for a in authors),
            source=field("source"),
            lang=field("lang"),
            slug=field("slug"),
            draft=draft,
            body_html=body_html,
            text="\n".join((title, summary, body)),
            updated=updated,
            expires=expires,
            authors=authors,
            image=read_image(meta),
            redirects=redirects,
            bundle=bundle,
            refs=expansion.refs,
            pinned=pinned,
            priority=priority,
        )
        return entry, problems

    def _date(
        self,
        meta: dict[str, Any],
        key: str,
        shown: str,
        line_of: Callable[[str], int],
        problems: list[Problem],
    ) -> tuple[datetime, bool]:
        """A date in front matter, read as Jekyll would; what had to be ignored is a warning."""
        try:
            moment, has_time, ignored = parse_date_leniently(meta[key], self.tz)
        except ValueError as e:
            raise SourceError(Problem(shown, line_of(key), f"{key}: {e}", "fix the date")) from None
        if ignored:
            problems.append(
                Problem(
                    shown,
                    line_of(key),
                    f'{key}: ignored "{ignored}" in "{meta[key]}"; read it as {moment.isoformat()}',
                    "fix the date",
                )
            )
        return moment, has_time


def _section(path: Path, content_dir: Path, bundle: bool) -> str:
    """The folder under content/ that a relative Hugo alias is beside."""
    folder = path.parent.parent if bundle else path.parent
    try:
        return folder.relative_to(content_dir).as_posix().strip(".")
    except ValueError:
        return ""


def _heading_id(value: str, separator: str) -> str:
    return slugify(value, fallback_prefix="h")


def sanitize(fragment: str) -> str:
    """Keep formatting, drop scripts, event handlers, javascript: URLs and frames."""
    import nh3

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
