"""Feeds (Atom, RSS 2.0, JSON Feed 1.1), sitemap, robots.txt and per-day digest exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from digest import __version__
from digest.compose import compose_day
from digest.config import Config
from digest.i18n import Localizer
from digest.model import Article, Day, Site

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000
ET.register_namespace("", ATOM)
ET.register_namespace("content", CONTENT)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: an article, or a whole day's digest when feeds.per_day is on."""

    id: str
    url: str
    title: str
    published: datetime
    summary: str
    content_html: str
    tags: tuple[tuple[str, str], ...]  # (key, name)
    author: str
    lang: str
    updated: datetime | None = None  # when the article says it was last changed


@dataclass(frozen=True)
class Feed:
    title: str
    description: str
    page_url: str  # absolute
    self_path: str  # site path of the Atom file, e.g. tags/war/feed.xml
    language: str
    items: tuple[FeedItem, ...]  # newest first


def article_item(article: Article, config: Config) -> FeedItem:
    url = config.absolute_url(article.url)
    return FeedItem(
        id=url,
        url=url,
        title=article.title,
        published=article.moment,
        summary=article.summary,
        content_html=article.body_html,
        tags=tuple((t.key, t.name) for t in article.topics),
        author=article.author,
        lang=article.lang or config.language,
        updated=article.updated,
    )


def day_item(day: Day, config: Config, local: Localizer, to_html: Callable[[str], str]) -> FeedItem:
    url = config.absolute_url(day.url)
    text = compose_day(day, local, config.absolute_url, anchors=False, classes=False)
    return FeedItem(
        id=url,
        url=url,
        title=f"{config.title}: {local.date_long(day.date)}",
        published=max(a.moment for a in day.articles),
        summary=local.plural("stories", len(day.articles)),
        content_html=to_html(text),
        tags=(),
        author="",
        lang=config.language,
    )


def site_feed(site: Site, local: Localizer, to_html: Callable[[str], str]) -> Feed:
    config = site.config
    items = [article_item(a, config) for a in site.articles[: config.feed_limit]]
    if config.feed_per_day:
        items += [day_item(d, config, local, to_html) for d in site.days[: config.feed_limit]]
        items.sort(key=lambda i: (i.published, i.url), reverse=True)
        items = items[: config.feed_limit]
    return Feed(
        title=config.title,
        description=config.description or config.title,
        page_url=config.base_url,
        self_path="feed.xml",
        language=config.language,
        items=tuple(items),
    )


def topic_feed(site: Site, key: str) -> Feed:
    config = site.config
    group = next(g for g in site.topics if g.topic.key == key)
    return Feed(
        title=f"{config.title}: {group.topic.name}",
        description=group.topic.name,
        page_url=config.absolute_url(group.topic.url),
        self_path=group.topic.url + "feed.xml",
        language=config.language,
        items=tuple(article_item(a, config) for a in group.articles[: config.feed_limit]),
    )


def _updated(feed: Feed) -> datetime | None:
    return max((i.updated or i.published for i in feed.items), default=None)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def atom(feed: Feed, config: Config) -> bytes:
    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    root = ET.Element(
        f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": feed.language}
    )
    sub(root, "title", feed.title)
    sub(root, "subtitle", feed.description)
    sub(root, "id", config.absolute_url(feed.self_path))
    sub(
        root,
        "link",
        rel="self",
        type="application/atom+xml",
        href=config.absolute_url(feed.self_path),
    )
    sub(root, "link", rel="alternate", type="text/html", href=feed.page_url)
    updated = _updated(feed)
    sub(root, "updated", (updated or datetime(1970, 1, 1, tzinfo=config.tz)).isoformat())
    author = sub(root, "author")
    sub(author, "name", config.title)
    sub(root, "generator", "digest", version=__version__)
    for item in feed.items:
        entry = sub(root, "entry")
        sub(entry, "title", item.title)
        sub(entry, "id", item.id)
        sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        sub(entry, "published", item.published.isoformat())
        sub(entry, "updated", (item.updated or item.published).isoformat())
        if item.author:
            sub(sub(entry, "author"), "name", item.author)
        for key, name in item.tags:
            sub(entry, "category", term=key, label=name)
        if item.summary:
            sub(entry, "summary", item.summary)
        content = sub(entry, "content", item.content_html, type="html")
        content.set("{http://www.w3.org/XML/1998/namespace}base", item.url)
    return _xml(root)


def rss(feed: Feed, config: Config, path: str) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attrs)
        element.text = text
        return element

    sub(channel, "title", feed.title)
    sub(channel, "link", feed.page_url)
    sub(channel, "description", feed.description)
    sub(channel, "language", feed.language)
    sub(channel, "generator", f"digest {__version__}")
    updated = _updated(feed)
    if updated:
        sub(channel, "lastBuildDate", format_datetime(updated))
    sub(
        channel,
        f"{{{ATOM}}}link",
        rel="self",
        type="application/rss+xml",
        href=config.absolute_url(path),
    )
    for item in feed.items:
        entry = sub(channel, "item")
        sub(entry, "title", item.title)
        sub(entry, "link", item.url)
        sub(entry, "guid", item.id, isPermaLink="true")
        sub(entry, "pubDate", format_datetime(item.published))
        for _key, name in item.tags:
            sub(entry, "category", name)
        sub(entry, "description", item.summary or item.title)
        sub(entry, f"{{{CONTENT}}}encoded", item.content_html)
    return _xml(root)


def json_feed(feed: Feed, config: Config, path: str) -> bytes:
    items = []
    for item in feed.items:
        data: dict[str, object] = {
            "id": item.id,
            "url": item.url,
            "title": item.title,
            "content_html": item.content_html,
            "date_published": item.published.isoformat(),
            "language": item.lang,
        }
        if item.updated:
            data["date_modified"] = item.updated.isoformat()
        if item.summary:
            data["summary"] = item.summary
        if item.tags:
            data["tags"] = [name for _key, name in item.tags]
        if item.author:
            data["authors"] = [{"name": item.author}]
        items.append(data)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": config.absolute_url(path),
        "description": feed.description,
        "language": feed.language,
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


@dataclass(frozen=True)
class SitemapEntry:
    path: str  # site path of the page, e.g. 2026/02/11/
    updated: datetime | None


def sitemaps(entries: Sequence[SitemapEntry], config: Config) -> list[tuple[str, bytes]]:
    """sitemap.xml, or an index with sitemap-N.xml parts past 50,000 URLs."""
    chunks = [entries[i : i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)] or [[]]
    files = []
    for chunk in chunks:
        root = ET.Element("urlset", {"xmlns": SITEMAP})
        for entry in chunk:
            url = ET.SubElement(root, "url")
            ET.SubElement(url, "loc").text = config.absolute_url(entry.path)
            if entry.updated:
                ET.SubElement(url, "lastmod").text = entry.updated.isoformat(timespec="seconds")
        files.append(_xml(root))
    if len(files) == 1:
        return [("sitemap.xml", files[0])]
    index = ET.Element("sitemapindex", {"xmlns": SITEMAP})
    parts = []
    for n, data in enumerate(files, start=1):
        name = f"sitemap-{n}.xml"
        ET.SubElement(ET.SubElement(index, "sitemap"), "loc").text = config.absolute_url(name)
        parts.append((name, data))
    return [("sitemap.xml", _xml(index)), *parts]


def robots_txt(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {config.absolute_url('sitemap.xml')}\n".encode()


def day_markdown(day: Day, config: Config, local: Localizer) -> str:
    """The day's digest for a newsletter: plain Markdown with absolute links."""
    title = f"# {config.title}: {local.date_long(day.date)}\n\n"
    count = local.plural("stories", len(day.articles))
    body = compose_day(day, local, config.absolute_url, anchors=False, classes=False)
    return f"{title}{count} · {config.absolute_url(day.url)}\n\n{body}"


def day_json(day: Day, config: Config, local: Localizer) -> bytes:
    def article(a: Article) -> dict[str, object]:
        return {
            "title": a.title,
            "url": config.absolute_url(a.url),
            "summary": a.summary,
            "tags": [t.key for t in a.topics],
            "date": a.moment.isoformat() if a.has_time else a.day.isoformat(),
            "author": a.author,
            "lang": a.lang or config.language,
        }

    document = {
        "date": day.date.isoformat(),
        "title": local.date_long(day.date),
        "url": config.absolute_url(day.url),
        "topics": [
            {
                "key": s.topic.key if s.topic else None,
                "name": s.topic.name if s.topic else str(local.words["untagged"]),
                "articles": [config.absolute_url(a.url) for a in s.articles],
            }
            for s in day.sections
        ],
        "articles": [article(a) for a in day.articles],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def newest(articles: Iterable[Article]) -> datetime | None:
    return max((a.moment for a in articles), default=None)
