"""The site model: frozen articles, topics and days that rendering only reads."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from digest.config import Config


@dataclass(frozen=True)
class Topic:
    """A topic: declared in site.yaml, or a free tag found in front matter."""

    key: str  # the URL segment under tags/
    name: str
    declared: bool

    @property
    def url(self) -> str:
        return topic_url(self.key)


@dataclass(frozen=True)
class Author:
    name: str
    url: str = ""  # from `name <https://...>` or a mapping with url:


@dataclass(frozen=True)
class Redirect:
    """An old address of an article (a Hugo alias, a Jekyll redirect_from, an old permalink):
    a small page at `path` sends readers on to the article."""

    path: str  # a site path: "2019/01/old/" (a folder) or "old/page.html" (a file)
    key: str  # the front-matter key it came from, for messages


# Slots: a site of 100,000 articles holds as many articles and stories, in the build and
# in every process forked from it.
@dataclass(frozen=True, slots=True)
class Article:
    path: str  # source file, relative to the site folder
    format: str
    title: str
    moment: dt.datetime  # in the site's zone
    has_time: bool
    day: dt.date
    slug: str
    topics: tuple[Topic, ...]
    topics_from: str  # "tags", "keywords" or "" when it has none
    summary: str
    author: str
    source: str
    lang: str
    draft: bool
    body_html: str
    # From front matter other generators write; empty for most articles.
    updated: dt.datetime | None = None
    authors: tuple[Author, ...] = ()
    image: str = ""  # as written: a full URL, a site path from "/", or beside the article
    redirects: tuple[Redirect, ...] = ()
    bundle: str = ""  # a page bundle's folder (relative to the site): its files are copied
    refs: tuple[tuple[str, str], ...] = ()  # (source path, site URL) of articles it links to
    outlet: str = ""  # who published it: a site.yaml source's name, or the source URL's site
    pinned: bool = False
    priority: int = 0
    # Read by many pages: made once, with the article, and left out of eq, hash and repr.
    url: str = field(init=False, compare=False, repr=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", f"{self.day:%Y/%m/%d}/{self.slug}/")


@dataclass(frozen=True, slots=True)
class Story:
    """Reports of one event: the lead (the earliest) first, then the others in time order."""

    reports: tuple[Article, ...]
    topic: Topic | None  # the lead's primary topic, else the first report's that has one

    @property
    def lead(self) -> Article:
        return self.reports[0]

    @property
    def others(self) -> tuple[Article, ...]:
        return self.reports[1:]


@dataclass(frozen=True, slots=True)
class Section:
    """One topic's stories on a day page; topic None holds the untagged ones."""

    topic: Topic | None
    articles: tuple[Article, ...]  # every report of its stories
    stories: tuple[Story, ...] = ()  # biggest first; the day's top stories are not repeated


@dataclass(frozen=True)
class Day:
    date: dt.date
    articles: tuple[Article, ...]  # newest first
    sections: tuple[Section, ...]
    previous: dt.date | None
    next: dt.date | None
    top: tuple[Story, ...] = ()  # the day's top stories, biggest first
    stories: tuple[Story, ...] = ()  # every story of the day in page order: top, then sections

    @functools.cached_property
    def url(self) -> str:
        return day_url(self.date)


@dataclass(frozen=True, slots=True)
class TopicGroup:
    topic: Topic
    articles: tuple[Article, ...]  # newest first


@dataclass(frozen=True)
class Site:
    config: Config
    articles: tuple[Article, ...]  # newest first
    days: tuple[Day, ...]  # newest first
    topics: tuple[TopicGroup, ...]  # declared order, then free tags by name
    untagged: tuple[Article, ...]
    stories: tuple[Story, ...] = ()  # every story, across days, in the order of their leads


# The site's URL scheme, in one place: the model's objects and the templates use these.


def day_url(d: dt.date) -> str:
    """A day's digest: `2026/02/11/`."""
    return f"{d:%Y/%m/%d}/"


def month_url(d: dt.date) -> str:
    """The month archive of the month d is in: `2026/02/`."""
    return f"{d:%Y/%m}/"


def year_url(year: int) -> str:
    """A year's archive: `2026/`."""
    return f"{year}/"


def topic_url(key: str) -> str:
    """A topic's first page: `tags/economy/`."""
    return f"tags/{key}/"
