"""Entries -> the frozen Site: drafts and embargoes, slugs, topics, stories, days."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from urllib.parse import urlsplit

from digest.config import Config, TopicRule
from digest.errors import Problem
from digest.model import Article, Day, Section, Site, Story, Topic, TopicGroup
from digest.redirects import settle_redirects
from digest.slugs import slugify
from digest.sources import Entry, Stub
from digest.stories import Report, StoryFeatures, StorySettings, cluster
from digest.words import normalize


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
        """The topics keyword rules give a text (headline, lede and body on their own lines),
        the strongest first: matches in the headline count three times, in the lede twice.
        The body is read only when headline and lede match nothing."""
        title, _, rest = normalize(text).partition("\n")
        lede, _, body = rest.partition("\n")
        scores: dict[Topic, tuple[int, int]] = {}
        for n, (topic, pattern) in enumerate(self._rules):
            score = 3 * len(pattern.findall(title)) + 2 * len(pattern.findall(lede))
            if score:
                scores[topic] = (-score, n)
        if not scores:
            for n, (topic, pattern) in enumerate(self._rules):
                score = len(pattern.findall(body))
                if score:
                    scores[topic] = (-score, n)
        return tuple(sorted(scores, key=scores.__getitem__))


def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    # A keyword is a word prefix: `переговор` matches `переговори` but not `міжпереговорний`;
    # `газ$` is the whole word only (not `газета`). Text and keywords are both normalised
    # (digest.words): lower case, one apostrophe, no invisible characters.
    words = []
    for keyword in sorted(keywords, key=len, reverse=True):
        whole = keyword.endswith("$")
        stem = normalize(keyword.removesuffix("$"))
        words.append(re.escape(stem) + (r"(?!\w)" if whole else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + ")")


def group_site(
    entries: Iterable[Entry], config: Config, selection: Selection
) -> tuple[Site, list[Problem]]:
    """Apply the site's rules to what the readers found and freeze the result."""
    problems: list[Problem] = []
    index = TopicIndex(config.topics)
    published = sorted(
        (e for e in entries if is_published(e, selection)), key=lambda e: (e.date, e.path)
    )
    features = {entry.path: entry.story or None for entry in published}
    used: dict[tuple[date, str], str] = {}
    articles = []
    # Each entry let go once it is an article: at 100,000 articles the entries (the texts of
    # wire stories) and the model would otherwise be held together. Pass an iterator.
    published.reverse()
    while published:
        entry = published.pop()
        day = entry.date.date()
        slug = _unique_slug(entry, day, used, problems)
        articles.append(make_article(entry, slug, index, config))
    articles, found = settle_redirects(articles)
    problems += found
    articles = _resolve_refs(articles)
    stories = find_stories(articles, config.stories, features)
    articles.reverse()  # newest first everywhere the reader sees lists
    order = {t.key: i for i, t in enumerate(index.declared.values())}
    site = Site(
        config=config,
        articles=tuple(articles),
        days=group_by_day(articles, order, stories),
        topics=group_by_topic(articles, order),
        untagged=tuple(a for a in articles if not a.topics),
        stories=stories,
    )
    return site, problems


def make_article(entry: Entry, slug: str, index: TopicIndex, config: Config) -> Article:
    """The article an entry is published as, at slug, its topics by the site's rules; its
    links to other articles are resolved later (_resolve_refs)."""
    if entry.tags:
        topics = tuple(dict.fromkeys(index.for_tag(t) for t in entry.tags))
        source = "tags"
    else:
        topics = index.for_text(entry.text)
        source = "keywords" if topics else ""
    return Article(
        path=entry.path,
        format=entry.format,
        title=entry.title,
        moment=entry.date,
        has_time=entry.has_time,
        day=entry.date.date(),
        slug=slug,
        topics=topics,
        topics_from=source,
        summary=entry.summary,
        author=entry.author,
        source=entry.source,
        lang=entry.lang,
        draft=entry.draft,
        body_html=entry.body_html,
        updated=entry.updated,
        authors=entry.authors,
        image=entry.image,
        redirects=entry.redirects,
        bundle=entry.bundle,
        refs=tuple((path, "") for path in entry.refs),
        outlet=outlet_of(entry, config),
        pinned=entry.pinned,
        priority=entry.priority,
    )


def _resolve_refs(articles: list[Article]) -> list[Article]:
    """Give the links an article makes to others (Hugo ref, Jekyll post_url) their URLs; an
    article not published is linked to nowhere."""
    if not any(a.refs for a in articles):
        return articles
    urls = {a.path: a.url for a in articles}
    return [
        replace(a, refs=tuple((path, urls.get(path, "")) for path, _ in a.refs)) if a.refs else a
        for a in articles
    ]


def outlet_of(entry: Entry, config: Config) -> str:
    """Who published an article: the site.yaml source whose folder holds it (content/<key>/)
    or whose site or feed is on the domain of its `source:` URL, else that domain."""
    by_key = {s.key: s.name for s in config.sources}
    try:
        folder = (config.site_dir / entry.path).relative_to(config.content_dir).parts[0]
    except (ValueError, IndexError):
        folder = ""
    if folder in by_key:
        return by_key[folder]
    host = _host(entry.source)
    if not host:
        return ""
    for source in config.sources:
        if host in (_host(source.site), _host(source.url)):
            return source.name
    return host


def _host(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        return ""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def find_stories(
    articles: list[Article],
    settings: StorySettings,
    features: Mapping[str, StoryFeatures | bytes | None] | None = None,
) -> tuple[Story, ...]:
    """Every story across days (a report nothing else matches is a story of one), in the
    order of their leads. `articles` oldest first; `features` by source path, as the reader
    found them (those missing are found here)."""
    known = features or {}
    reports = [Report(a.title, a.summary, a.moment, a.path, known.get(a.path)) for a in articles]
    return tuple(_story(tuple(articles[i] for i in group)) for group in cluster(reports, settings))


def _story(reports: tuple[Article, ...]) -> Story:
    # The lead is the earliest report; one without a time of day (a wire story gives only
    # its date) is not known to be early, so reports with a time come first. Of equally
    # early ones, the fuller lede leads.
    reports = tuple(
        sorted(reports, key=lambda a: (not a.has_time, a.moment, -len(a.summary), a.path))
    )
    topic = next((a.topics[0] for a in reports if a.topics), None)
    return Story(reports, topic)


TOP_STORIES = 5  # at most, on a day page


def rank(story: Story) -> tuple[bool, int, int, float]:
    """The biggest first: pinned, then priority, then most reports, then the latest report."""
    return (
        not any(a.pinned for a in story.reports),
        -max(a.priority for a in story.reports),
        -len(story.reports),
        -max(a.moment for a in story.reports).timestamp(),
    )


def is_top(story: Story) -> bool:
    """A story earns the top of its day by more than one report, or the editor's say."""
    return len(story.reports) > 1 or any(a.pinned or a.priority > 0 for a in story.reports)


def is_published(entry: Entry | Stub, selection: Selection) -> bool:
    """Whether the site shows the entry: not a draft (unless drafts are asked for), not
    expired, and not dated after the selection's moment (unless future ones are). Reads only
    the date, has_time, draft and expires, so the build can decide it from a Stub."""
    if entry.draft and not selection.drafts:
        return False
    if entry.expires is not None and entry.expires <= selection.now:
        return False  # Hugo's expiryDate: gone after it
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


def group_by_day(
    articles: list[Article], order: dict[str, int], stories: tuple[Story, ...] = ()
) -> tuple[Day, ...]:
    """Days newest first. A day shows its top stories, then each other story once, under its
    topic, sections in topic order; a story that spans midnight shows each day its reports."""
    by_day: dict[date, list[Article]] = defaultdict(list)
    for article in articles:
        by_day[article.day].append(article)
    stories_by_day: dict[date, list[Story]] = defaultdict(list)
    for story in stories or tuple(Story((a,), a.topics[0] if a.topics else None) for a in articles):
        days = sorted({a.day for a in story.reports})
        for d in days:
            part = tuple(a for a in story.reports if a.day == d)
            stories_by_day[d].append(story if len(days) == 1 else _story(part))
    dates = sorted(by_day, reverse=True)
    sort_key = _topic_sort_key(order)
    result = []
    for i, d in enumerate(dates):
        ranked = sorted(reversed(stories_by_day[d]), key=rank)  # ties: newest lead first
        top = tuple(s for s in ranked if is_top(s))[:TOP_STORIES]
        sections: dict[Topic | None, list[Story]] = defaultdict(list)
        for story in ranked:
            if story not in top:
                sections[story.topic].append(story)
        named = sorted((t for t in sections if t is not None), key=sort_key)
        ordered: list[Topic | None] = [*named, None] if None in sections else list(named)
        result.append(
            Day(
                date=d,
                articles=tuple(by_day[d]),
                sections=tuple(
                    Section(
                        t,
                        tuple(a for story in sections[t] for a in story.reports),
                        tuple(sections[t]),
                    )
                    for t in ordered
                ),
                previous=dates[i + 1] if i + 1 < len(dates) else None,
                next=dates[i - 1] if i > 0 else None,
                top=top,
                stories=(*top, *(story for t in ordered for story in sections[t])),
            )
        )
    return tuple(result)


def group_by_topic(articles: list[Article], order: dict[str, int]) -> tuple[TopicGroup, ...]:
    by_topic: dict[Topic, list[Article]] = defaultdict(list)
    for article in articles:
        for topic in article.topics:
            by_topic[topic].append(article)
    ordered = sorted(by_topic, key=_topic_sort_key(order))
    return tuple(TopicGroup(t, tuple(by_topic[t])) for t in ordered)
