"""Entries -> the frozen Site: drafts and embargoes, slugs, topics, days."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from digest.config import Config, TopicRule
from digest.errors import Problem
from digest.model import Article, Day, Section, Site, Topic, TopicGroup
from digest.slugs import slugify
from digest.sources import Entry


@dataclass(frozen=True)
class Selection:
    """Which entries get published: drafts and future-dated ones only when asked."""

    now: datetime
    drafts: bool = False
    future: bool = False


class TopicIndex:
    """Finds the topic for a tag as written, and the topics keyword rules give a text."""

    def __init__(self, rules: tuple[TopicRule, ...]) -> None:
        self.declared = {r.key: Topic(r.key, r.name, True) for r in rules}
        self._by_word: dict[str, Topic] = {}
        for rule in rules:
            topic = self.declared[rule.key]
            for word in (rule.key, rule.name):
                self._by_word.setdefault(word.casefold(), topic)
        self._rules = [
            (self.declared[r.key], _keyword_pattern(r.keywords)) for r in rules if r.keywords
        ]
        self._free: dict[str, Topic] = {}

    def for_tag(self, tag: str) -> Topic:
        known = self._by_word.get(tag.casefold())
        if known:
            return known
        key = slugify(tag)
        if key in self.declared:
            return self.declared[key]
        return self._free.setdefault(key, Topic(key, tag, False))

    def for_text(self, text: str) -> tuple[Topic, ...]:
        return tuple(topic for topic, pattern in self._rules if pattern.search(text))


def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    # A keyword is a word prefix: `переговор` matches `переговори` but not `міжпереговорний`.
    words = sorted((re.escape(k) for k in keywords), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + ")", re.IGNORECASE)


def group_site(
    entries: Iterable[Entry], config: Config, selection: Selection
) -> tuple[Site, list[Problem]]:
    """Apply the site's rules to what the readers found and freeze the result."""
    problems: list[Problem] = []
    index = TopicIndex(config.topics)
    published = sorted(
        (e for e in entries if is_published(e, selection)), key=lambda e: (e.date, e.path)
    )
    used: dict[tuple[date, str], str] = {}
    articles = []
    for entry in published:
        day = entry.date.date()
        slug = _unique_slug(entry, day, used, problems)
        if entry.tags:
            topics = tuple(dict.fromkeys(index.for_tag(t) for t in entry.tags))
            source = "tags"
        else:
            topics = index.for_text(entry.text)
            source = "keywords" if topics else ""
        articles.append(
            Article(
                path=entry.path,
                format=entry.format,
                title=entry.title,
                moment=entry.date,
                has_time=entry.has_time,
                day=day,
                slug=slug,
                topics=topics,
                topics_from=source,
                summary=entry.summary,
                author=entry.author,
                source=entry.source,
                lang=entry.lang,
                draft=entry.draft,
                body_html=entry.body_html,
            )
        )
    articles.reverse()  # newest first everywhere the reader sees lists
    order = {t.key: i for i, t in enumerate(index.declared.values())}
    site = Site(
        config=config,
        articles=tuple(articles),
        days=group_by_day(articles, order),
        topics=group_by_topic(articles, order),
        untagged=tuple(a for a in articles if not a.topics),
    )
    return site, problems


def is_published(entry: Entry, selection: Selection) -> bool:
    """Whether the site shows the entry: not a draft (unless drafts are asked for), and not
    dated after the selection's moment (unless future ones are). Reads only the date,
    has_time and draft, so the build can decide it from a cached stub (Entry.stub)."""
    if entry.draft and not selection.drafts:
        return False
    if selection.future:
        return True
    if entry.has_time:
        return entry.date <= selection.now
    return entry.date.date() <= selection.now.astimezone(entry.date.tzinfo).date()


def _unique_slug(
    entry: Entry, day: date, used: dict[tuple[date, str], str], problems: list[Problem]
) -> str:
    base = slugify(entry.slug or entry.title)
    slug, n = base, 1
    while (day, slug) in used:
        n += 1
        slug = f"{base}-{n}"
    if n > 1:
        problems.append(
            Problem(
                entry.path,
                None,
                f'slug "{base}" is already used on {day} by {used[(day, base)]}; '
                f'published as "{slug}"',
                "set a different slug: in the front matter",
            )
        )
    used[(day, slug)] = entry.path
    return slug


def _topic_sort_key(order: dict[str, int]) -> Callable[[Topic], tuple[int, str, str]]:
    def key(topic: Topic) -> tuple[int, str, str]:
        return (order.get(topic.key, len(order)), topic.name.casefold(), topic.key)

    return key


def group_by_day(articles: list[Article], order: dict[str, int]) -> tuple[Day, ...]:
    """Days newest first; each story once, under its first topic, sections in topic order."""
    by_day: dict[date, list[Article]] = defaultdict(list)
    for article in articles:
        by_day[article.day].append(article)
    dates = sorted(by_day, reverse=True)
    sort_key = _topic_sort_key(order)
    days = []
    for i, d in enumerate(dates):
        sections: dict[Topic | None, list[Article]] = defaultdict(list)
        for article in by_day[d]:
            sections[article.topics[0] if article.topics else None].append(article)
        named = sorted((t for t in sections if t is not None), key=sort_key)
        ordered: list[Topic | None] = [*named, None] if None in sections else list(named)
        days.append(
            Day(
                date=d,
                articles=tuple(by_day[d]),
                sections=tuple(Section(t, tuple(sections[t])) for t in ordered),
                previous=dates[i + 1] if i + 1 < len(dates) else None,
                next=dates[i - 1] if i > 0 else None,
            )
        )
    return tuple(days)


def group_by_topic(articles: list[Article], order: dict[str, int]) -> tuple[TopicGroup, ...]:
    by_topic: dict[Topic, list[Article]] = defaultdict(list)
    for article in articles:
        for topic in article.topics:
            by_topic[topic].append(article)
    ordered = sorted(by_topic, key=_topic_sort_key(order))
    return tuple(TopicGroup(t, tuple(by_topic[t])) for t in ordered)
