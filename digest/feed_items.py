"""Feed bytes -> FeedItems (feedparser, or JSON Feed) -> the text of one article file each.

Pure: no network, no disk, the clock passed in. `digest/fetch.py` does the I/O around it.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from digest.config import Source
from digest.html_markdown import html_to_markdown, html_to_text

SUMMARY_CHARS = 600  # a feed's summary is kept whole up to this, then cut at a word
TITLE_CHARS = 160  # a first sentence used as a title is cut at a word past this
_INVISIBLE = re.compile(
    "[\u200b\u2060\ufeff\u00ad]"
)  # zero-width space, word joiner, BOM, soft hyphen
_REAL_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z][a-zA-Z0-9]*)[\s>/]")
_ESCAPED_TAG = re.compile(r"&lt;(?:[a-zA-Z][a-zA-Z0-9]*|/[a-zA-Z][a-zA-Z0-9]*)[\s&/]", re.I)
_YAML_RAW = re.compile("[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'»”’)]*\s")
_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|yclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|"
    r"ref_src|at_medium|at_campaign|at_custom\d*|cmpid|ito|wt_mc|xtor|from|ocid)$",
    re.I,
)
_IMAGE_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)(?:$|\?)", re.I)
# RFC 822 zone names email.utils does not know but feeds from this part of the world use.
_ZONES = {"EET": 2, "EEST": 3, "MSK": 3, "CET": 1, "CEST": 2, "BST": 1, "WET": 0, "WEST": 1,
          "IST": 2, "KYIV": 2}  # fmt: skip


class NotAFeed(ValueError):
    """The bytes are not RSS, Atom or JSON Feed; the message says what was found instead."""


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed as the fetcher needs it: identity, words, the fullest HTML."""

    id: str  # guid/id, else the canonical URL; never the title
    link: str  # the item's URL, absolute, tracking parameters dropped
    title: str  # may be empty: the first sentence is used then
    published: datetime | None  # with the feed's own offset; None when the feed gave none
    date_text: str  # the date as the feed wrote it, for messages
    author: str
    tags: tuple[str, ...]
    summary: str  # plain text of the description, when the body comes from fuller text
    body_html: str  # content:encoded, a full-text element, else the description
    image: str  # an image enclosure (or media:content / media:thumbnail), absolute
    lang: str
    base: str = ""  # what relative links in body_html are relative to (xml:base, else link)

    def fingerprint(self) -> str:
        """What the publisher said, hashed: a change here is a change by the publisher."""
        said = [self.link, self.title, self.date_text, self.author, list(self.tags),
                self.summary, self.body_html, self.image]  # fmt: skip
        return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    language: str
    items: tuple[FeedItem, ...]
    warnings: tuple[str, ...]  # items skipped and feed oddities, each a sentence


@dataclass(frozen=True)
class ArticleFile:
    """The file one item becomes: where it goes (by date and title) and its whole text."""

    date: datetime
    slug_text: str  # the title the file name is made from
    text: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Extracted:
    """A page's text found by an extractor (`full_text: true`); markdown empty on failure."""

    extractor: str  # e.g. "trafilatura 2.3.1"
    markdown: str
    reason: str = ""  # why nothing was found


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Read RSS 0.9x/1.0/2.0, Atom or JSON Feed bytes fetched from url; raise NotAFeed."""
    if _looks_like_json(data, content_type):
        return _parse_json_feed(data, url)
    import feedparser  # imported here: only fetching needs it

    # No content-location: feedparser would resolve a bare guid (`unian-1001`) against the
    # feed's URL, and an item's identity must not change when its feed moves.
    headers: dict[str, str] = {}
    # A text/xml type without a charset means US-ASCII by RFC 3023 and would override the
    # encoding the XML prolog declares (windows-1251 feeds do this); pass only a real charset.
    if "charset=" in content_type.lower():
        headers["content-type"] = content_type
    # Relative links are resolved here against each item's own page, not the feed's URL.
    parsed = feedparser.parse(data, response_headers=headers, resolve_relative_uris=False)
    version = parsed.get("version") or ""
    if not parsed.entries and not version:
        cause = parsed.get("bozo_exception")
        found = _what_it_is(data)
        detail = f": {cause}" if cause and found != "an HTML page" else ""
        raise NotAFeed(f"not a feed ({found}{detail})")
    feed = parsed.feed
    language = _language(feed.get("language", ""))
    items: list[FeedItem] = []
    warnings: list[str] = []
    for n, entry in enumerate(parsed.entries, 1):
        item = _item_from_entry(entry, url, language)
        if item is None:
            warnings.append(f"item {n} has no id, link or text; skipped")
            continue
        items.append(item)
    return ParsedFeed(
        title=_clean_line(feed.get("title", "")),
        link=feed.get("link", ""),
        language=language,
        items=tuple(items),
        warnings=tuple(warnings),
    )


def canonical_url(url: str) -> str:
    """The URL an item is known by: scheme and host lowercased, default port, fragment and
    tracking parameters (utm_*, fbclid, ...) dropped; other parameters kept in order."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        return url.strip()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and (parts.scheme.lower(), port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k)]  # fmt: skip
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(kept), ""))


def item_identity(guid: str, link: str, body: str) -> str:
    """guid/id, else the canonical link, else a hash of the text; URLs canonical either way."""
    guid = guid.strip()
    if guid:
        return canonical_url(guid) if urlsplit(guid).scheme in ("http", "https") else guid
    if link:
        return canonical_url(link)
    if body.strip():
        return "sha256:" + hashlib.sha256(body.encode()).hexdigest()[:32]
    return ""


def parse_feed_date(text: str) -> datetime | None:
    """An RFC 822 or ISO 8601 date with its own offset (odd zone names included), or None."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        moment = None
    if moment is None:
        parts = email.utils.parsedate_tz(text)
        if parts is None:
            return None
        offset = parts[9]
        if offset is None or (offset == 0 and not re.search(r"(?:GMT|UTC?|Z|[+-]0000)\s*$", text)):
            zone = text.rsplit(None, 1)[-1].upper()
            if zone not in _ZONES:
                return None  # a zone nobody can place: not a moment we can vouch for
            offset = _ZONES[zone] * 3600
        return _moment(parts, offset)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def article_file(
    item: FeedItem,
    source: Source,
    *,
    site_language: str,
    fetched_at: datetime,
    extracted: Extracted | None = None,
) -> ArticleFile:
    """The Markdown file for an item: front matter digest reads back exactly, then the body."""
    warnings: list[str] = []
    body = html_to_markdown(item.body_html, item.base or item.link)
    summary = item.summary
    extractor = ""
    if extracted is not None:
        if extracted.markdown.strip():
            if not summary:
                summary = _shorten(html_to_text(item.body_html), SUMMARY_CHARS)
            body = extracted.markdown.strip()
            extractor = extracted.extractor
        else:
            extractor = f"feed ({extracted.extractor}: {extracted.reason or 'no text found'})"
            warnings.append(
                f"{item.link}: full text not extracted ({extracted.reason or 'no text found'}); "
                "kept the feed's text"
            )
    if item.image and item.image not in body:
        body = f"![{_alt(item.title)}]({item.image})\n\n{body}"
    title = item.title
    if not title:
        title = first_sentence(html_to_text(item.body_html) or summary) or item.link
        warnings.append(f"{item.link or item.id}: no title; used the first sentence")
    date = item.published
    if date is None:
        date = fetched_at.replace(microsecond=0)
        said = f'"{item.date_text}" is not a date' if item.date_text else "no date"
        warnings.append(f"{item.link or item.id}: {said}; dated it by the fetch time")
    tags = list(dict.fromkeys([*item.tags, *source.topics]))
    lang = source.language or item.lang or site_language
    lines = ["---", f"title: {yaml_str(title)}", f"date: {format_date(date)}"]
    if item.link:
        lines.append(f"source: {yaml_str(item.link)}")
    if item.author:
        lines.append(f"author: {yaml_str(item.author)}")
    if tags:
        lines.append(f"tags: [{', '.join(yaml_str(t) for t in tags)}]")
    if summary:
        lines.append(f"summary: {yaml_str(summary)}")
    lines.append(f"lang: {yaml_str(lang)}")
    if item.image:
        lines.append(f"image: {yaml_str(item.image)}")
    lines.append(f"id: {yaml_str(item.id)}")
    if extractor:
        lines.append(f"extractor: {yaml_str(extractor)}")
    lines.append("---")
    text = "\n".join(lines) + "\n\n" + (body.strip() + "\n" if body.strip() else "")
    return ArticleFile(date=date, slug_text=title, text=text, warnings=tuple(warnings))


def format_date(moment: datetime) -> str:
    """`2026-11-29 10:15:00 +02:00`: digest's reader keeps the offset, people can read it."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{moment:%Y-%m-%d %H:%M:%S} {sign}{hours:02d}:{rest:02d}"


def yaml_str(text: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly this text."""
    quoted = json.dumps(text, ensure_ascii=False)
    # JSON leaves these raw; YAML would read them as line breaks or refuse them.
    return _YAML_RAW.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def first_sentence(text: str) -> str:
    """The first sentence of text, cut at a word if long; empty for empty text."""
    text = " ".join(text.split())
    end = _SENTENCE_END.search(text + " ")
    sentence = text[: end.start()] if end else text
    return _shorten(sentence.rstrip(), TITLE_CHARS)


def _item_from_entry(entry: Any, feed_url: str, feed_language: str) -> FeedItem | None:
    link = canonical_url(urljoin(feed_url, entry.get("link", ""))) if entry.get("link") else ""
    details = [entry.get("summary_detail") or {}, *entry.get("content", [])]
    xml_base = next((str(d["base"]) for d in details if d.get("base")), "")
    description = _undo_double_escape(_html_of(entry.get("summary_detail")) or "")
    fuller = [_undo_double_escape(_html_of(c)) for c in entry.get("content", [])]
    fuller += [
        _undo_double_escape(str(value))
        for key, value in entry.items()
        if key.endswith(("full-text", "fulltext", "full_text")) and isinstance(value, str)
    ]
    fuller = [f for f in fuller if f.strip()]
    body = max(fuller, key=lambda f: len(html_to_text(f)), default="") or description
    summary = ""
    if body is not description and description.strip():
        summary = _shorten(html_to_text(description), SUMMARY_CHARS)
    identity = item_identity(entry.get("id", ""), link, body)
    if not identity:
        return None
    date_text = entry.get("published") or entry.get("updated") or ""
    published = parse_feed_date(date_text)
    if published is None:
        parsed = entry.get("published_parsed") or entry.get("updated_parsed")
        if parsed is not None:
            y, mo, d, h, mi, sec = parsed[:6]
            published = datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
    title_detail = entry.get("title_detail") or {}
    title = entry.get("title", "")
    if "html" in title_detail.get("type", ""):
        title = html_to_text(_undo_double_escape(title))
    author_detail = entry.get("author_detail") or {}
    author = author_detail.get("name") or entry.get("author", "")
    tags = tuple(
        dict.fromkeys(
            _clean_line(t.get("term") or t.get("label") or "")
            for t in entry.get("tags", [])
            if _clean_line(t.get("term") or t.get("label") or "")
        )
    )
    return FeedItem(
        id=identity,
        link=link,
        title=_clean_line(title),
        published=published,
        date_text=date_text,
        author=_clean_line(author),
        tags=tags,
        summary=summary,
        body_html=body,
        image=_image(entry, link or feed_url),
        lang=_language(entry.get("language") or "") or feed_language,
        base=xml_base or link or feed_url,
    )


def _parse_json_feed(data: bytes, url: str) -> ParsedFeed:
    try:
        feed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NotAFeed(f"not a feed (JSON that cannot be read: {e})") from None
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")):
        raise NotAFeed("not a feed (JSON without a jsonfeed.org version)")
    language = _language(str(feed.get("language") or ""))
    items: list[FeedItem] = []
    warnings: list[str] = []
    raw_items = feed.get("items")
    for n, raw in enumerate(raw_items if isinstance(raw_items, list) else [], 1):
        if not isinstance(raw, dict):
            warnings.append(f"item {n} is not an object; skipped")
            continue
        link = str(raw.get("url") or raw.get("external_url") or "")
        link = canonical_url(urljoin(url, link)) if link else ""
        content = str(raw.get("content_html") or "") or html.escape(
            str(raw.get("content_text") or "")
        ).replace("\n\n", "</p><p>")
        summary_text = str(raw.get("summary") or "")
        body = content or html.escape(summary_text)
        identity = item_identity(str(raw.get("id") or ""), link, body)
        if not identity:
            warnings.append(f"item {n} has no id, link or text; skipped")
            continue
        authors = raw.get("authors") or [raw.get("author")]
        authors = authors if isinstance(authors, list) else []
        author = ", ".join(
            str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")
        )
        date_text = str(raw.get("date_published") or raw.get("date_modified") or "")
        image = str(raw.get("image") or raw.get("banner_image") or "")
        raw_tags = raw.get("tags")
        tags: list[Any] = raw_tags if isinstance(raw_tags, list) else []
        items.append(
            FeedItem(
                id=identity,
                link=link,
                title=_clean_line(str(raw.get("title") or "")),
                published=parse_feed_date(date_text),
                date_text=date_text,
                author=_clean_line(author),
                tags=tuple(dict.fromkeys(_clean_line(str(t)) for t in tags if str(t).strip())),
                summary=_shorten(_clean_line(summary_text), SUMMARY_CHARS) if content else "",
                body_html=body,
                image=urljoin(link or url, image) if image else "",
                lang=_language(str(raw.get("language") or "")) or language,
                base=link or url,
            )
        )
    return ParsedFeed(
        title=_clean_line(str(feed.get("title") or "")),
        link=str(feed.get("home_page_url") or ""),
        language=language,
        items=tuple(items),
        warnings=tuple(warnings),
    )


def _looks_like_json(data: bytes, content_type: str) -> bool:
    return "json" in content_type.lower() or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _what_it_is(data: bytes) -> str:
    head = data.lstrip()[:200].lower()
    if not head:
        return "empty answer"
    if b"<html" in head or b"<!doctype html" in head:
        return "an HTML page"
    return "no RSS, Atom or JSON Feed"


def _html_of(detail: Any) -> str:
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    kind = str(detail.get("type") or "")
    if "html" in kind or "xml" in kind:
        return value
    return "<p>" + html.escape(value).replace("\n\n", "</p><p>") + "</p>" if value else ""


def _undo_double_escape(fragment: str) -> str:
    """HTML escaped twice (`&lt;p&gt;` inside CDATA) has no real tags but escaped ones."""
    if _ESCAPED_TAG.search(fragment) and not _REAL_TAG.search(fragment):
        return html.unescape(fragment)
    return fragment


def _image(entry: Any, base: str) -> str:
    candidates: list[tuple[str, str]] = [
        (str(link.get("href") or ""), str(link.get("type") or ""))
        for link in entry.get("links", [])
        if link.get("rel") == "enclosure"
    ]
    candidates += [
        (str(m.get("url") or ""), str(m.get("type") or m.get("medium") or ""))
        for m in entry.get("media_content", [])
    ]
    candidates += [(str(m.get("url") or ""), "image") for m in entry.get("media_thumbnail", [])]
    for href, kind in candidates:
        if href and (kind.startswith("image") or (not kind and _IMAGE_SUFFIX.search(href))):
            return urljoin(base, href)
    return ""


def _language(value: str) -> str:
    """`uk-UA` -> `uk`: the primary subtag is what digest's pages need."""
    return value.strip().replace("_", "-").split("-")[0].lower()


def _clean_line(text: str) -> str:
    """One line: invisible characters dropped, spaces collapsed; apostrophes kept as written."""
    return " ".join(_INVISIBLE.sub("", html.unescape(text) if "&" in text else text).split())


def _alt(title: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", title)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—– ") + "…"


def _moment(parts: tuple[Any, ...], offset: int) -> datetime:
    y, mo, d, h, mi, sec = parts[:6]
    return datetime(y, mo, d, h, mi, sec, tzinfo=timezone(timedelta(seconds=offset)))
