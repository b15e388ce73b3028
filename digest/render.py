"""The frozen Site -> pages (path, bytes) through the theme's templates. Reads the model only."""

from __future__ import annotations

import dataclasses
import os
import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, Protocol, TypeVar

import jinja2

from digest import __version__, feeds
from digest.calendar_view import Calendars
from digest.compose import (
    SMALL_DAY,
    DigestRenderer,
    compose_day_brief_html,
    compose_day_html,
    is_large,
)
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
from digest.fingerprints import (
    Fingerprinter,
    Lazy,
    ValueHasher,
    config_fingerprint,
    fingerprint,
    lazy,
)
from digest.i18n import Localizer
from digest.metadata import day_collection, image_url, news_article, og_locale
from digest.model import (
    Article,
    Day,
    Site,
    TopicGroup,
    day_url,
    month_url,
    topic_url,
    year_url,
)
from digest.redirects import redirect_file, redirect_page
from digest.shortcodes import link_body
from digest.theme import Theme

T = TypeVar("T")


@dataclass(frozen=True)
class Output:
    path: str  # file path inside the output folder
    data: bytes
    origin: str  # what produced it, for messages


class Recipe(Protocol):
    def make(self) -> bytes: ...

    def fingerprint(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Page:
    """An output made only if needed. Two fingerprints say when it is: `key` names the whole
    model, settings and theme plus the page's own inputs from outside the model (an
    article's body), and is cheap; `fingerprint()` names just what the page is made from
    (its template and what that pulls in, the values it is given), and is computed only when
    the key changed. A build whose last version of the file has either keeps the file.
    (Slots, and one small recipe per page: a site of 100,000 articles holds 136,000.)"""

    path: str
    origin: str
    key: bytes
    recipe: Recipe
    group: str = ""  # pages of one group share work (a day's digest): render them together

    def make(self) -> bytes:
        return self.recipe.make()

    def fingerprint(self) -> bytes:
        return self.recipe.fingerprint()


class _TemplatePage:
    __slots__ = ("context", "renderer", "root", "template", "url")

    def __init__(
        self,
        renderer: SiteRenderer,
        template: str,
        url: str,
        root: str,
        context: Callable[[], dict[str, Any]],
    ) -> None:
        self.renderer, self.template, self.url, self.root = renderer, template, url, root
        self.context = context

    def make(self) -> bytes:
        return self.renderer._render(self.template, self.url, self.root, self.context)

    def fingerprint(self) -> bytes:
        return self.renderer._fingerprint(self.template, self.url, self.root, self.context)


class _Made:
    __slots__ = ("args", "function", "renderer")

    def __init__(
        self, renderer: SiteRenderer, function: Callable[..., bytes], args: tuple[Any, ...]
    ) -> None:
        self.renderer, self.function, self.args = renderer, function, args

    def make(self) -> bytes:
        return self.function(*self.args)

    def fingerprint(self) -> bytes:
        return self.renderer._deferred_fingerprint(self.function, self.args)


class _Feed:
    """A feed: made with the others when one is needed. What it is made from is the model,
    the settings (and the theme's words) and the bodies it carries: not the templates."""

    __slots__ = ("path", "renderer", "shown")

    def __init__(self, renderer: SiteRenderer, path: str, shown: tuple[Article, ...]) -> None:
        self.renderer, self.path, self.shown = renderer, path, shown

    def make(self) -> bytes:
        return self.renderer.feed_file(self.path)

    def fingerprint(self) -> bytes:
        renderer = self.renderer
        bodies = [renderer.bodies.key(a) for a in self.shown] if renderer.bodies else []
        return fingerprint(b"feed", renderer.settings, renderer.model_key, self.path, *bodies)


class Digests(Protocol):
    """Where rendered day digests are kept between builds, by day and fingerprint."""

    def get(self, day: str, key: bytes) -> str | None: ...

    def put(self, day: str, key: bytes, html: str) -> None: ...


class Bodies(Protocol):
    """Where article bodies come from when the model does not hold them."""

    def key(self, article: Article) -> bytes: ...

    def load(self, article: Article) -> str: ...


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
        return month_url(self.first)

    @property
    def story_count(self) -> int:
        return sum(len(d.articles) for d in self.days)


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]  # newest first

    @property
    def url(self) -> str:
        return year_url(self.year)

    @property
    def story_count(self) -> int:
        return sum(m.story_count for m in self.months)


def paginate(items: Sequence[T], per_page: int) -> list[Sequence[T]]:
    """items in runs of per_page, one a page (one empty page when there are none)."""
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
    def __init__(
        self,
        site: Site,
        theme: Theme,
        bodies: Bodies | None = None,
        model_key: bytes | None = None,
        theme_key: bytes | None = None,
        digests: Digests | None = None,
    ) -> None:
        """`bodies` gives articles their bodies when the model holds none; `model_key` names
        the model and `theme_key` the theme's files, as the cache keys them; `digests`
        keeps rendered day digests between builds."""
        self.site = site
        self.theme = theme
        self.config = site.config
        self.bodies = bodies
        self.digests = digests
        self.model_key = model_key if model_key is not None else os.urandom(16)
        self.site_key = fingerprint(self.model_key, theme_key or os.urandom(16))
        self.local = Localizer(self.config.language, theme.words)
        self.digest_html = DigestRenderer()
        self.archive = group_archive(site.days)
        self.story_of = {a.path: story for story in site.stories for a in story.reports}
        self.sitemap: list[SitemapEntry] = []  # every HTML page but 404, as it is rendered
        self.og_locale = og_locale(self.config.language)
        env = theme.env
        env.globals.update(
            url=_url,
            day_url=day_url,
            month_url=month_url,
            year_url=year_url,
            topic_url=topic_url,
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
        self.hasher = ValueHasher(
            {id(self): "renderer", id(self.config): "config", id(self.local): "localizer"}
        )
        self.settings = fingerprint(config_fingerprint(self.config), repr(theme.words))
        self.page_key = Fingerprinter(self.site_key, self.settings)  # + path and own inputs
        # What every page's key shares. Two renderers with one plan_key make the same pages
        # at the same paths, whose keys differ only by the bodies they show (key_at()).
        self.plan_key = fingerprint(self.site_key, self.settings)
        self._templates: dict[str, bytes] = {}
        self._globals: dict[str, str] = {}
        self._digests: OrderedDict[date, str] = OrderedDict()
        self._sitemaps: dict[tuple[SitemapEntry, ...], dict[str, bytes]] = {}
        self._feeds: dict[str, bytes] | None = None

    def page(
        self, url: str, template: str, origin: str, updated: datetime | None = None, **context: Any
    ) -> Page:
        """A page at url from template. Values in context that are Lazy are made only if the
        page is rendered; everything else is fingerprinted as given. The values must come
        from the model and the settings: anything else is the `extra` of recipe()."""
        return self.recipe(url, template, origin, updated, lambda: context)

    def recipe(
        self,
        url: str,
        template: str,
        origin: str,
        updated: datetime | None,
        context: Callable[[], dict[str, Any]],
        group: str = "",
        root: str | None = None,
        path: str | None = None,
        extra: tuple[bytes, ...] = (),
    ) -> Page:
        """Like page(), with the context made by a function: called for the fingerprint and
        again to render, so a build holds no page's context while it decides. `extra` names
        inputs from outside the model (an article body's key)."""
        if root is None:
            self.sitemap.append(SitemapEntry(url, updated))
            root = depth_root(url)
        path = url + "index.html" if path is None else path
        key = self.page_key(path, *extra)
        return Page(path, origin, key, _TemplatePage(self, template, url, root, context), group)

    def key_at(self, path: str, shown: Sequence[Article] = ()) -> bytes:
        """The key of the page at path, as pages() makes it; `shown`: the articles whose
        bodies it shows (an article's own page, a feed), its only inputs from outside the
        model."""
        if not shown or self.bodies is None:
            return self.page_key.path_key(path)
        if len(shown) == 1:
            return self.page_key.path_key(path, self.bodies.key(shown[0]))
        return self.page_key(path, *[self.bodies.key(article) for article in shown])

    def _body_key(self, article: Article | None) -> tuple[bytes, ...]:
        return () if article is None or self.bodies is None else (self.bodies.key(article),)

    def article_pages(self) -> Iterator[tuple[str, Article, Day]]:
        """Each article's own page as pages() makes it: (path, article, day)."""
        for day in self.site.days:
            for article in day.articles:
                yield article.url + "index.html", article, day

    def _fingerprint(
        self, template: str, url: str, root: str, context: Callable[[], dict[str, Any]]
    ) -> bytes:
        values = self.context(url, root, context())
        return fingerprint(self.settings, self.template_key(template), self.hasher.token(values))

    def _render(
        self, template: str, url: str, root: str, context: Callable[[], dict[str, Any]]
    ) -> bytes:
        values = self.context(url, root, context())
        for name, value in values.items():
            if isinstance(value, Lazy):
                values[name] = value()
        return self.theme.render(template, values).encode("utf-8")

    def deferred(
        self, path: str, origin: str, make: Callable[..., bytes], *args: Any, group: str = ""
    ) -> Page:
        """An output that is not a template page, made by make(*args) only if needed."""
        key = self.page_key(path)
        return Page(path, origin, key, _Made(self, make, args), group)

    def _deferred_fingerprint(self, make: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
        return fingerprint(self.settings, self.hasher.token(lazy(make, *args)))

    def template_key(self, name: str) -> bytes:
        """The template's source and everything it extends, includes or imports, and the
        globals they read (`topics`, `calendar`, ...) by what they hold; the model's key if
        one of them picks a template only while rendering."""
        key = self._templates.get(name)
        if key is None:
            sources, names, dynamic = self.theme.closure(name)
            parts: list[bytes | str] = [text for pair in sorted(sources.items()) for text in pair]
            for used in sorted(names & self.theme.env.globals.keys()):
                parts += [used, self.global_token(used)]
            if dynamic:
                parts.append(self.model_key)
            key = self._templates[name] = fingerprint(*parts)
        return key

    def global_token(self, name: str) -> str:
        """What a template global holds. Taken before any page is rendered (globals such as
        `calendar` fill caches as they are used), so call prepare() before forking."""
        token = self._globals.get(name)
        if token is None:
            token = self._globals[name] = self.hasher.token(self.theme.env.globals[name])
        return token

    def prepare(self, pages: Iterable[Page]) -> None:
        """Take the keys of these pages' templates (and the globals they read) now, in this
        process, before any page renders: worker processes forked next inherit them."""
        for name in {p.recipe.template for p in pages if isinstance(p.recipe, _TemplatePage)}:
            self.template_key(name)

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
            "og_image": None,
            "topic_feed": None,
            **context,
        }

    def day_digest(self, day: Day) -> str:
        """The day's digest as HTML, its links rooted at LINK_ROOT. Rendered once for the
        day page and the home page showing it, which come out next to each other."""
        html = self._digests.get(day.date)
        if html is None:
            key = fingerprint(self.settings, self.hasher.token(day))
            stored = self.digests.get(day.date.isoformat(), key) if self.digests else None
            if stored is None:
                stored = compose_day_html(day, self.local, lambda path: LINK_ROOT + path)
                if self.digests is not None:
                    self.digests.put(day.date.isoformat(), key, stored)
            html = self._digests[day.date] = stored
            if len(self._digests) > 2 * self.config.per_page:
                self._digests.popitem(last=False)
        return html

    def pages(self) -> Iterator[Page]:
        """Every page: templates' pages, the days' exports and the sitemap."""
        # Days go in home-page order, so each digest is rendered once and used twice
        # while only one home page's worth of them is held.
        chunks = paginate(self.site.days, self.config.per_page)
        for n, chunk in enumerate(chunks, start=1):
            together = f"home page {n}"
            for day in chunk:
                yield self.day_page(day, together)
                yield from self.day_exports(day, together)
                for article in day.articles:
                    yield self.article_page(article, day)
            yield self.home_page(n, len(chunks), chunk, together)
        yield self.page("tags/", "topics.html", "topics index", title=self.theme.words["topics"])
        for group in self.site.topics:
            yield from self.topic_pages(group)
        yield from self.archive_pages()
        if self.config.search:
            yield self.page(
                "search/", "search.html", "search page", title=self.theme.words["search"]
            )
        yield self.not_found_page()
        yield from self.feed_pages()
        # The sitemap lists the pages above, so it comes last.
        yield from self.sitemap_files()

    def outputs(self) -> Iterator[Output]:
        """The files made on every build (no key names what they are made from): the
        redirects and robots.txt."""
        yield from self.redirect_files()
        yield Output("robots.txt", robots_txt(self.config), "robots.txt")

    def redirect_files(self) -> Iterator[Output]:
        """A small page at each old address of an article (never in the sitemap or search)."""
        moved_to = str(self.theme.words["moved_to"])
        for article in self.site.articles:
            for redirect in article.redirects:
                data = redirect_page(redirect.path, article, self.config, moved_to)
                yield Output(redirect_file(redirect.path), data, f"redirect to {article.path}")

    def sitemap_files(self) -> Iterator[Page]:
        """sitemap.xml (and its parts past SITEMAP_LIMIT URLs), made only when the pages'
        list changed."""
        # The files sitemaps() makes, named as it names them.
        count = max(1, -(-len(self.sitemap) // feeds.SITEMAP_LIMIT))
        paths = ["sitemap.xml"] + ([f"sitemap-{n}.xml" for n in range(1, count + 1)] * (count > 1))
        entries = tuple(self.sitemap)
        for path in paths:
            yield self.deferred(path, "sitemap", self._sitemap_file, path, entries)

    def _sitemap_file(self, path: str, entries: tuple[SitemapEntry, ...]) -> bytes:
        files = self._sitemaps.get(entries)
        if files is None:
            files = self._sitemaps[entries] = dict(sitemaps(entries, self.config))
        return files[path]

    def feed_inputs(self) -> dict[str, tuple[Article, ...]]:
        """Each feed's path, with the articles it carries in full (see _feed_site())."""
        limit = self.config.feed_limit
        newest = self.site.articles[:limit]
        found = {"feed.xml": newest, "rss.xml": newest, "feed.json": newest}
        for group in self.site.topics:
            found[group.topic.url + "feed.xml"] = group.articles[:limit]
        return found

    def feed_pages(self) -> Iterator[Page]:
        """The feeds as pages, made only when their key changed: besides the model, theme
        and settings, it names the bodies they carry."""
        origins = {"feed.xml": "Atom feed", "rss.xml": "RSS feed", "feed.json": "JSON feed"}
        for path, shown in self.feed_inputs().items():
            key = self.key_at(path, shown)
            origin = origins.get(path) or f"topic feed {path.removesuffix('feed.xml')}"
            yield Page(path, origin, key, _Feed(self, path, shown))

    def feed_file(self, path: str) -> bytes:
        """The feed at path (every feed is made the first time one is asked for)."""
        if self._feeds is None:
            self._feeds = {output.path: output.data for output in self.feed_files()}
        return self._feeds[path]

    def feed_files(self) -> Iterator[Output]:
        """The site's feeds and every topic's."""
        config = self.config
        site = self._feed_site()
        feed = site_feed(site, self.local, self.digest_html)
        yield Output("feed.xml", atom(feed, config), "Atom feed")
        yield Output("rss.xml", rss(feed, config, "rss.xml"), "RSS feed")
        yield Output("feed.json", json_feed(feed, config, "feed.json"), "JSON feed")
        for group in site.topics:
            topic = topic_feed(site, group.topic.key)
            yield Output(topic.self_path, atom(topic, config), f"topic feed {group.topic.key}")

    def _feed_site(self) -> Site:
        """The site with bodies in the articles feeds carry in full (the newest of the site
        and of each topic): the model itself keeps no bodies when they come from `bodies`."""
        limit = self.config.feed_limit
        full: dict[int, Article] = {}

        def with_bodies(articles: tuple[Article, ...]) -> tuple[Article, ...]:
            for a in articles[:limit]:
                if id(a) not in full:
                    full[id(a)] = self._with_body(a)
            return tuple(full[id(a)] for a in articles[:limit]) + articles[limit:]

        topics = tuple(
            dataclasses.replace(g, articles=with_bodies(g.articles)) for g in self.site.topics
        )
        return dataclasses.replace(
            self.site, articles=with_bodies(self.site.articles), topics=topics
        )

    def _with_body(self, article: Article, key: bytes = b"") -> Article:
        body = article.body_html if self.bodies is None else self.bodies.load(article)
        body = link_body(body, article.url, dict(article.refs))  # `key` names the body
        return dataclasses.replace(article, body_html=body)

    def day_exports(self, day: Day, group: str = "") -> Iterator[Page]:
        """The day's digest as Markdown and JSON, for newsletters."""
        yield self.deferred(
            day.url + "digest.md", f"day export {day.date}", self._day_markdown, day, group=group
        )
        yield self.deferred(
            day.url + "digest.json",
            f"day json {day.date}",
            day_json,
            day,
            self.config,
            self.local,
            group=group,
        )

    def _day_markdown(self, day: Day) -> bytes:
        return day_markdown(day, self.config, self.local).encode("utf-8")

    def home_page(self, n: int, count: int, chunk: Sequence[Day], group: str = "") -> Page:
        url = "" if n == 1 else f"page/{n}/"
        pager = _pager(n, count, lambda k: "" if k == 1 else f"page/{k}/")
        updated = newest(a for day in chunk for a in day.articles)
        return self.recipe(
            url,
            "home.html",
            f"home page {n}",
            updated,
            partial(self._home_context, tuple(chunk), url, pager),
            group,
        )

    def _home_context(self, chunk: tuple[Day, ...], url: str, pager: Pager) -> dict[str, Any]:
        return {
            "days": lazy(self._home_digests, chunk, url),
            "pager": pager,
            "title": "",
            "brief_over": SMALL_DAY,
        }

    def _home_digests(self, chunk: tuple[Day, ...], url: str) -> list[tuple[Day, str]]:
        # On the home page each day is a section: its digest's headings go one level down
        # and lose their ids, which several days would repeat. A large day shows its top
        # stories and its topics' counts: twenty days of 300 stories would be megabytes.
        return [(day, _heading_down(_root_links(self._home_digest(day), url))) for day in chunk]

    def _home_digest(self, day: Day) -> str:
        if is_large(day):
            return compose_day_brief_html(day, self.local, lambda path: LINK_ROOT + path)
        return self.day_digest(day)

    def day_page(self, day: Day, group: str = "") -> Page:
        return self.recipe(
            day.url,
            "day.html",
            f"day {day.date}",
            newest(day.articles),
            partial(self._day_context, day),
            group,
        )

    def _day_context(self, day: Day) -> dict[str, Any]:
        return {
            "jsonld": lazy(day_collection, day, self.config, self.local),
            "day": day,
            "digest": lazy(self._day_digest_at, day),
            "title": self.local.date_long(day.date),
        }

    def _day_digest_at(self, day: Day) -> str:
        return _root_links(self.day_digest(day), day.url)

    def article_page(self, article: Article, day: Day) -> Page:
        return self.recipe(
            article.url,
            "article.html",
            article.path,
            article.moment,
            partial(self._article_context, article, day),
            extra=self._body_key(article),
        )

    def _article_context(self, article: Article, day: Day) -> dict[str, Any]:
        # The body is named by its key in the fingerprint and loaded only to render.
        key = self.bodies.key(article) if self.bodies is not None else b""
        return {
            "description": article.summary or article.title,
            "og_type": "article",
            "og_image": image_url(article, self.config),
            "jsonld": lazy(news_article, article, day, self.config),
            "article": lazy(self._with_body, article, key),
            "day": day,
            "story": self.story_of.get(article.path),
            "title": article.title,
            "lang": article.lang or self.config.language,
        }

    def topic_pages(self, group: TopicGroup) -> Iterator[Page]:
        chunks = paginate(group.articles, self.config.per_page)
        base = group.topic.url
        for n, chunk in enumerate(chunks, start=1):
            url = base if n == 1 else f"{base}page/{n}/"
            pager = _pager(n, len(chunks), lambda k: base if k == 1 else f"{base}page/{k}/")
            yield self.recipe(
                url,
                "topic.html",
                f"topic {group.topic.key} page {n}",
                newest(chunk),
                partial(self._topic_context, group, tuple(chunk), pager),
            )

    def _topic_context(
        self, group: TopicGroup, chunk: tuple[Article, ...], pager: Pager
    ) -> dict[str, Any]:
        return {
            "topic_feed": group.topic.url + "feed.xml",
            "group": group,
            "articles": chunk,
            "pager": pager,
            "title": group.topic.name,
        }

    def archive_pages(self) -> Iterator[Page]:
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

    def not_found_page(self) -> Page:
        # GitHub Pages serves 404.html at any depth, so its links are absolute paths.
        title = self.theme.words["not_found_title"]
        return self.recipe(
            "404.html",
            "404.html",
            "404 page",
            None,
            lambda: {"title": title},
            root=self.config.base_path,
            path="404.html",
        )


def _pager(n: int, count: int, url_of: Any) -> Pager:
    return Pager(
        number=n,
        count=count,
        previous_url=url_of(n - 1) if n > 1 else None,
        next_url=url_of(n + 1) if n < count else None,
    )
