"""The frozen Site -> pages (path, bytes) through the theme's templates. Reads the model only."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import jinja2

from digest import __version__
from digest.calendar_view import Calendars
from digest.compose import DigestRenderer, compose_day
from digest.feeds import (
    SitemapEntry,
    atom,
    day_json,
    day_markdown,
    json_feed,
    newest,
    robots_txt,
    rss,
    site_feed,
    sitemaps,
    topic_feed,
)
from digest.i18n import Localizer
from digest.metadata import day_collection, news_article, og_locale
from digest.model import Article, Day, Site, TopicGroup
from digest.theme import Theme

T = TypeVar("T")


@dataclass(frozen=True)
class Output:
    path: str  # file path inside the output folder
    data: bytes
    origin: str  # what produced it, for messages


@dataclass(frozen=True)
class Pager:
    number: int
    count: int
    previous_url: str | None
    next_url: str | None


@dataclass(frozen=True)
class Month:
    first: date
    days: tuple[Day, ...]  # newest first

    @property
    def url(self) -> str:
        return f"{self.first:%Y/%m}/"

    @property
    def story_count(self) -> int:
        return sum(len(d.articles) for d in self.days)


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]  # newest first

    @property
    def url(self) -> str:
        return f"{self.year}/"

    @property
    def story_count(self) -> int:
        return sum(m.story_count for m in self.months)


def pages(items: Sequence[T], per_page: int) -> list[Sequence[T]]:
    return [items[i : i + per_page] for i in range(0, len(items), per_page)] or [items]


def depth_root(url: str) -> str:
    """The relative prefix from a page at `url` back to the site root ("" at the root)."""
    return "../" * url.count("/")


def relative_url(page_url: str, target: str) -> str:
    """A relative link from the page at `page_url` to the site path `target`.

    Relative links work under any base_url path, in preview and from a file:// folder.
    """
    if target.startswith(page_url):  # the page's own children: the common case on day pages
        return target[len(page_url) :] or "./"
    return "../" * page_url.count("/") + target or "./"


# Digests are rendered once with links rooted here, then rooted per page by _root_links.
# A private-use character cannot come from user text next to href=" (titles are escaped).
LINK_ROOT = "\ue000/"
_HEADING = re.compile(r"<(/?)h([1-5])(?: id=\"[^\"]*\")?>")


def _root_links(html: str, page_url: str) -> str:
    html = html.replace(f'href="{LINK_ROOT}{page_url}', 'href="') if page_url else html
    return html.replace(f'href="{LINK_ROOT}', 'href="' + depth_root(page_url))


def _heading_down(html: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}>", html)


def group_archive(days: Sequence[Day]) -> tuple[Year, ...]:
    months: dict[date, list[Day]] = defaultdict(list)
    for day in days:
        months[day.date.replace(day=1)].append(day)
    years: dict[int, list[Month]] = defaultdict(list)
    for first in sorted(months, reverse=True):
        years[first.year].append(Month(first, tuple(months[first])))
    return tuple(Year(y, tuple(years[y])) for y in sorted(years, reverse=True))


@jinja2.pass_context
def _url(context: Any, path: str) -> str:
    root = str(context["root"])
    if root.startswith("/"):  # the 404 page links by absolute path
        return root + path
    return relative_url(str(context["page_url"]), path)


class SiteRenderer:
    def __init__(self, site: Site, theme: Theme) -> None:
        self.site = site
        self.theme = theme
        self.config = site.config
        self.local = Localizer(self.config.language, theme.words)
        self.digest_html = DigestRenderer()
        self.archive = group_archive(site.days)
        self.sitemap: list[SitemapEntry] = []  # every HTML page but 404, as it is rendered
        self.og_locale = og_locale(self.config.language)
        env = theme.env
        env.globals.update(
            url=_url,
            plural=self.local.plural,
            t=theme.words,
            site=self.config,
            topics=site.topics,
            archive=self.archive,
            calendar=Calendars(site.days, self.local.locale),
            generator=f"digest {__version__}",
        )
        env.filters.update(
            date_long=self.local.date_long,
            date_full=self.local.date_full,
            date_short=self.local.date_short,
            month_year=self.local.month_year,
            month=self.local.month,
            weekday=self.local.weekday,
            time=self.local.time,
        )

    def page(
        self, url: str, template: str, origin: str, updated: datetime | None = None, **context: Any
    ) -> Output:
        self.sitemap.append(SitemapEntry(url, updated))
        html = self.theme.render(template, self.context(url, depth_root(url), context))
        return Output(url + "index.html", html.encode("utf-8"), origin)

    def context(self, url: str, root: str, context: dict[str, Any]) -> dict[str, Any]:
        """What every template gets, with page-specific values from `context` winning."""
        return {
            "root": root,
            "page_url": url,
            "canonical": self.config.absolute_url(url),
            "lang": self.config.language,
            "description": self.config.description or self.config.title,
            "og_type": "website",
            "og_locale": self.og_locale,
            "jsonld": None,
            "topic_feed": None,
            **context,
        }

    def day_digest(self, day: Day) -> str:
        """The day's digest as HTML, rendered once, its links rooted at LINK_ROOT."""
        text = compose_day(day, self.local, lambda path: LINK_ROOT + path, level=2)
        return self.digest_html(text)

    def all_pages(self) -> Iterator[Output]:
        # Days go in home-page order, so each digest is rendered once and used twice
        # while only one home page's worth of them is held.
        chunks = pages(self.site.days, self.config.per_page)
        for n, chunk in enumerate(chunks, start=1):
            digests = []
            for day in chunk:
                digest = self.day_digest(day)
                digests.append((day, digest))
                yield self.day_page(day, digest)
                yield from self.day_exports(day)
                for article in day.articles:
                    yield self.article_page(article, day)
            yield self.home_page(n, len(chunks), digests)
        yield self.page("tags/", "topics.html", "topics index", title=self.theme.words["topics"])
        for group in self.site.topics:
            yield from self.topic_pages(group)
        yield from self.archive_pages()
        if self.config.search:
            yield self.page(
                "search/", "search.html", "search page", title=self.theme.words["search"]
            )
        yield self.not_found_page()
        yield from self.feed_files()
        # The sitemap lists the pages rendered above, so it comes last.
        for path, data in sitemaps(self.sitemap, self.config):
            yield Output(path, data, "sitemap")
        yield Output("robots.txt", robots_txt(self.config), "robots.txt")

    def feed_files(self) -> Iterator[Output]:
        config = self.config
        feed = site_feed(self.site, self.local, self.digest_html)
        yield Output("feed.xml", atom(feed, config), "Atom feed")
        yield Output("rss.xml", rss(feed, config, "rss.xml"), "RSS feed")
        yield Output("feed.json", json_feed(feed, config, "feed.json"), "JSON feed")
        for group in self.site.topics:
            topic = topic_feed(self.site, group.topic.key)
            yield Output(topic.self_path, atom(topic, config), f"topic feed {group.topic.key}")

    def day_exports(self, day: Day) -> Iterator[Output]:
        """The day's digest as Markdown and JSON, for newsletters."""
        text = day_markdown(day, self.config, self.local)
        yield Output(day.url + "digest.md", text.encode("utf-8"), f"day export {day.date}")
        yield Output(
            day.url + "digest.json", day_json(day, self.config, self.local), f"day json {day.date}"
        )

    def home_page(self, n: int, count: int, digests: list[tuple[Day, str]]) -> Output:
        url = "" if n == 1 else f"page/{n}/"
        # On the home page each day is a section: its digest's headings go one level down
        # and lose their ids, which several days would repeat.
        entries = [(day, _heading_down(_root_links(html, url))) for day, html in digests]
        pager = _pager(n, count, lambda k: "" if k == 1 else f"page/{k}/")
        updated = newest(a for day, _ in digests for a in day.articles)
        return self.page(
            url, "home.html", f"home page {n}", updated, days=entries, pager=pager, title=""
        )

    def day_page(self, day: Day, digest: str) -> Output:
        return self.page(
            day.url,
            "day.html",
            f"day {day.date}",
            updated=newest(day.articles),
            jsonld=day_collection(day, self.config, self.local),
            day=day,
            digest=_root_links(digest, day.url),
            title=self.local.date_long(day.date),
        )

    def article_page(self, article: Article, day: Day) -> Output:
        return self.page(
            article.url,
            "article.html",
            article.path,
            article.moment,
            description=article.summary or article.title,
            og_type="article",
            jsonld=news_article(article, day, self.config),
            article=article,
            day=day,
            title=article.title,
            lang=article.lang or self.config.language,
        )

    def topic_pages(self, group: TopicGroup) -> Iterator[Output]:
        chunks = pages(group.articles, self.config.per_page)
        base = group.topic.url
        for n, chunk in enumerate(chunks, start=1):
            url = base if n == 1 else f"{base}page/{n}/"
            pager = _pager(n, len(chunks), lambda k: base if k == 1 else f"{base}page/{k}/")
            yield self.page(
                url,
                "topic.html",
                f"topic {group.topic.key} page {n}",
                newest(chunk),
                topic_feed=base + "feed.xml",
                group=group,
                articles=chunk,
                pager=pager,
                title=group.topic.name,
            )

    def archive_pages(self) -> Iterator[Output]:
        yield self.page("archive/", "archive.html", "archive", title=self.theme.words["archive"])
        for year in self.archive:
            yield self.page(
                year.url, "year.html", f"archive {year.year}", year=year, title=str(year.year)
            )
            for month in year.months:
                yield self.page(
                    month.url,
                    "month.html",
                    f"archive {month.first:%Y-%m}",
                    month=month,
                    title=self.local.month_year(month.first),
                )

    def not_found_page(self) -> Output:
        # GitHub Pages serves 404.html at any depth, so its links are absolute paths.
        title = self.theme.words["not_found_title"]
        html = self.theme.render(
            "404.html", self.context("404.html", self.config.base_path, {"title": title})
        )
        return Output("404.html", html.encode("utf-8"), "404 page")


def _pager(n: int, count: int, url_of: Any) -> Pager:
    return Pager(
        number=n,
        count=count,
        previous_url=url_of(n - 1) if n > 1 else None,
        next_url=url_of(n + 1) if n < count else None,
    )
