"""The site model: frozen articles, topics and days that rendering only reads."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

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

    @functools.cached_property  # read by many pages; cached outside the fields (eq, hash)
    def url(self) -> str:
        return f"{self.day:%Y/%m/%d}/{self.slug}/"


@dataclass(frozen=True)
class Section:
    """One topic's stories on a day page; topic None holds the untagged ones."""

    topic: Topic | None
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Day:
    date: dt.date
    articles: tuple[Article, ...]  # newest first
    sections: tuple[Section, ...]
    previous: dt.date | None
    next: dt.date | None

    @functools.cached_property
    def url(self) -> str:
        return day_url(self.date)


@dataclass(frozen=True)
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
