"""site.yaml -> one typed, frozen Config, with every problem listed before one abort."""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import markdown
from babel import Locale, UnknownLocaleError

from digest.errors import ConfigError, Problem
from digest.presets import preset_topics
from digest.stories import STRICTNESS, StorySettings
from digest.theme_options import ThemeOptions, read_theme_options
from digest.yamlload import YamlProblem, load_yaml

CONFIG_NAME = "site.yaml"
DEFAULT_EXTENSIONS = ("tables", "footnotes", "toc", "fenced_code", "sane_lists")


@dataclass(frozen=True)
class TopicRule:
    """A topic declared in site.yaml: its key (URL), its display name and keyword prefixes."""

    key: str
    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """An outlet from site.yaml's `sources:`: names everything under content/<key>/, and its
    feed (`url`) is what `digest fetch` reads."""

    key: str
    name: str
    url: str = ""  # the feed
    site: str = ""  # the outlet's home page, if given
    language: str = ""
    full_text: bool = False
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything site.yaml can say, with defaults; paths are absolute."""

    site_dir: Path
    title: str = "Digest"
    description: str = ""
    base_url: str = "/"
    language: str = "uk"
    timezone: str = "Europe/Kyiv"
    theme: str = "default"
    content_dir: Path = Path("content")
    output_dir: Path = Path("_site")
    per_page: int = 10
    topics: tuple[TopicRule, ...] = ()
    markdown_extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    markdown_extension_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    raw_html: bool = False
    feed_limit: int = 20
    feed_per_day: bool = False
    search: bool = True
    encoding_fallback: str = ""  # e.g. cp1251: how to read files that are not UTF-8
    max_article_kb: int = 2048  # larger articles are skipped with a warning
    render_timeout: float = 5.0  # seconds of Markdown per article before giving up
    theme_options: ThemeOptions = field(default_factory=ThemeOptions)  # accent, logo, links
    cname: str = ""  # custom domain for GitHub Pages, written to CNAME by digest deploy
    sources: tuple[Source, ...] = ()  # outlets by content folder; their feeds for digest fetch
    stories: StorySettings = field(default_factory=StorySettings)  # one story per event

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, e.g. `/news/` for https://u.github.io/news/."""
        return urlsplit(self.base_url).path or "/"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def absolute_url(self, path: str) -> str:
        """A site-relative path such as `2026/02/11/` as a full URL under base_url."""
        return self.base_url + path


KNOWN_KEYS = (
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "theme",
    "content_dir",
    "output_dir",
    "per_page",
    "topics",
    "markdown",
    "raw_html",
    "feeds",
    "search",
    "encoding_fallback",
    "max_article_kb",
    "render_timeout",
    "theme_options",
    "cname",
    "sources",
    "stories",
)
TOPIC_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Checker:
    """Collects problems while reading the raw mapping, so all are reported at once."""

    def __init__(self, path: str, lines: dict[tuple[str, ...], int]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def fail(self, where: tuple[str, ...], message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, self._line(where), message, hint))

    def warn(self, where: tuple[str, ...], message: str, hint: str = "") -> None:
        self.warnings.append(Problem(self.path, self._line(where), message, hint))

    def _line(self, where: tuple[str, ...]) -> int | None:
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return None

    def string(self, raw: dict[str, Any], key: str, default: str) -> str:
        value = raw.get(key, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail((key,), f"{key}: expected text, got {type(value).__name__}")
            return default
        return str(value)


def load_config(site_dir: Path, output_dir: Path | None = None) -> tuple[Config, list[Problem]]:
    """Read site.yaml from site_dir; return the config and its warnings, or raise ConfigError."""
    site_dir = site_dir.resolve()
    path = site_dir / CONFIG_NAME
    shown = CONFIG_NAME
    if not path.is_file():
        raise ConfigError(
            [
                Problem(
                    str(path),
                    None,
                    "no site.yaml here",
                    "run digest in a site folder or pass -s DIR",
                )
            ]
        )
    try:
        raw, lines = load_yaml(path.read_bytes(), with_lines=True)
    except YamlProblem as e:
        raise ConfigError([Problem(shown, e.line, e.message, "fix the YAML syntax")]) from e
    except UnicodeDecodeError as e:
        raise ConfigError([Problem(shown, None, "not UTF-8 text", "save it as UTF-8")]) from e
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([Problem(shown, 1, "expected a mapping of settings like `title: ...`")])
    check = _Checker(shown, lines)
    for key in raw:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "remove it"
            check.warn((str(key),), f"unknown setting `{key}`", hint)

    title = check.string(raw, "title", Config.title)
    description = check.string(raw, "description", "")
    base_url = _base_url(check, check.string(raw, "base_url", "/"))
    language = check.string(raw, "language", Config.language)
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        check.fail(
            ("language",), f"language: unknown language `{language}`", "use a code like uk or en"
        )
    timezone = check.string(raw, "timezone", Config.timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        check.fail(
            ("timezone",),
            f"timezone: unknown time zone `{timezone}`",
            "use an IANA name like Europe/Kyiv",
        )
    theme = check.string(raw, "theme", "default")
    if theme != "default" and not (site_dir / "themes" / theme).is_dir():
        check.fail(
            ("theme",), f"theme: no folder themes/{theme}", "create it or use theme: default"
        )
    content_dir = site_dir / check.string(raw, "content_dir", "content")
    if not content_dir.is_dir():
        check.fail(
            ("content_dir",),
            f"content_dir: no folder {content_dir.name}",
            "create it and put articles in it",
        )
    out = (
        output_dir
        if output_dir is not None
        else site_dir / check.string(raw, "output_dir", "_site")
    )
    per_page = raw.get("per_page", Config.per_page)
    if isinstance(per_page, bool) or not isinstance(per_page, int) or per_page < 1:
        check.fail(
            ("per_page",), f"per_page: expected a whole number of at least 1, got {per_page!r}"
        )
        per_page = Config.per_page
    raw_html = raw.get("raw_html", False)
    if not isinstance(raw_html, bool):
        check.fail(("raw_html",), f"raw_html: expected true or false, got {raw_html!r}")
        raw_html = False
    feed_limit, feed_per_day = _feeds(check, raw.get("feeds"))
    search = raw.get("search", True)
    if not isinstance(search, bool):
        check.fail(("search",), f"search: expected true or false, got {search!r}")
        search = True
    encoding_fallback = check.string(raw, "encoding_fallback", "")
    if encoding_fallback:
        try:
            codecs.lookup(encoding_fallback)
        except LookupError:
            check.fail(
                ("encoding_fallback",),
                f"encoding_fallback: unknown encoding `{encoding_fallback}`",
                "use a Python codec name like cp1251 or koi8-u",
            )
            encoding_fallback = ""
    max_article_kb = raw.get("max_article_kb", Config.max_article_kb)
    if (
        isinstance(max_article_kb, bool)
        or not isinstance(max_article_kb, int)
        or max_article_kb < 1
    ):
        check.fail(
            ("max_article_kb",),
            f"max_article_kb: expected a whole number of KB, got {max_article_kb!r}",
        )
        max_article_kb = Config.max_article_kb
    render_timeout = raw.get("render_timeout", Config.render_timeout)
    if (
        isinstance(render_timeout, bool)
        or not isinstance(render_timeout, int | float)
        or render_timeout <= 0
    ):
        check.fail(
            ("render_timeout",), f"render_timeout: expected seconds above 0, got {render_timeout!r}"
        )
        render_timeout = Config.render_timeout
    theme_options = read_theme_options(check, raw.get("theme_options"), site_dir, theme)
    topics = _topics(check, raw.get("topics", _PRESET), language)
    extensions, ext_configs = _markdown(check, raw.get("markdown"))
    cname = check.string(raw, "cname", "").strip()
    sources = _sources(check, raw.get("sources"))
    stories = _stories(check, raw.get("stories", True))

    if check.problems:
        raise ConfigError(check.problems)
    config = Config(
        site_dir=site_dir,
        title=title,
        description=description,
        base_url=base_url,
        language=language,
        timezone=timezone,
        theme=theme,
        content_dir=content_dir.resolve(),
        output_dir=out.resolve(),
        per_page=per_page,
        topics=topics,
        markdown_extensions=extensions,
        markdown_extension_configs=ext_configs,
        raw_html=raw_html,
        feed_limit=feed_limit,
        feed_per_day=feed_per_day,
        search=search,
        encoding_fallback=encoding_fallback,
        max_article_kb=max_article_kb,
        render_timeout=float(render_timeout),
        theme_options=theme_options,
        cname=cname,
        sources=sources,
        stories=stories,
    )
    return config, check.warnings


def _base_url(check: _Checker, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("", "http", "https") or (parts.scheme and not parts.netloc):
        check.fail(
            ("base_url",),
            f"base_url: expected a URL like https://user.github.io/news/, got `{value}`",
        )
        return "/"
    if not parts.scheme and not value.startswith("/"):
        check.fail(
            ("base_url",), f"base_url: expected a full URL or a path starting with /, got `{value}`"
        )
        return "/"
    if parts.query or parts.fragment:
        check.fail(("base_url",), "base_url: must not carry a ?query or #fragment")
    return value if value.endswith("/") else value + "/"


def _feeds(check: _Checker, raw: Any) -> tuple[int, bool]:
    if raw is None:
        return Config.feed_limit, Config.feed_per_day
    if not isinstance(raw, dict):
        check.fail(("feeds",), "feeds: expected `limit:` and `per_day:`")
        return Config.feed_limit, Config.feed_per_day
    for unknown in set(raw) - {"limit", "per_day"}:
        check.warn(("feeds",), f"feeds: unknown setting `{unknown}`", "use limit or per_day")
    limit = raw.get("limit", Config.feed_limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        check.fail(
            ("feeds", "limit"), f"feeds.limit: expected a whole number of at least 1, got {limit!r}"
        )
        limit = Config.feed_limit
    per_day = raw.get("per_day", False)
    if not isinstance(per_day, bool):
        check.fail(("feeds", "per_day"), f"feeds.per_day: expected true or false, got {per_day!r}")
        per_day = False
    return limit, per_day


_PRESET = object()  # site.yaml has no `topics:`


def _topics(check: _Checker, raw: Any, language: str) -> tuple[TopicRule, ...]:
    """The language's preset topics, with site.yaml's entries in their place: a key of the
    preset is replaced (a name or keywords left out stay the preset's), `key: false` drops
    one, a new key is added, and `topics: {}` turns them all off. Site keys come first, in
    site.yaml's order, then the rest of the preset."""
    preset = {key: TopicRule(key, name, words) for key, name, words in preset_topics(language)}
    if raw is _PRESET:
        return tuple(preset.values())
    if raw is None or raw == {}:
        return ()
    if not isinstance(raw, dict):
        check.fail(
            ("topics",), "topics: expected a mapping of topic keys, like `diplomacy: {name: ...}`"
        )
        return ()
    topics = []
    for key, spec in raw.items():
        if spec is False:
            preset.pop(str(key), None)
            continue
        where = ("topics", str(key))
        if not isinstance(key, str) or not TOPIC_KEY.match(key):
            check.fail(
                where,
                f"topics: key `{key}` is not a URL-safe name",
                "use lowercase latin letters, digits, - or _",
            )
            continue
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            check.fail(where, f"topics.{key}: expected `name:` and `keywords:`")
            continue
        for unknown in set(spec) - {"name", "keywords"}:
            check.warn(where, f"topics.{key}: unknown setting `{unknown}`", "use name and keywords")
        base = preset.pop(key, TopicRule(key, key))
        name = spec.get("name", base.name)
        if not isinstance(name, str | int | float) or isinstance(name, bool):
            check.fail(where, f"topics.{key}.name: expected text")
            name = key
        keywords = spec.get("keywords", list(base.keywords)) or []
        if isinstance(keywords, str):
            keywords = [keywords]
        if not isinstance(keywords, list) or not all(
            isinstance(k, str | int | float) and not isinstance(k, bool) for k in keywords
        ):
            check.fail(where, f"topics.{key}.keywords: expected a list of words")
            keywords = []
        clean = tuple(str(k).strip() for k in keywords if str(k).strip())
        topics.append(TopicRule(key=key, name=str(name), keywords=clean))
    return (*topics, *preset.values())


def _stories(check: _Checker, raw: Any) -> StorySettings:
    """`stories: false`, or `stories: {window_hours: 36, strictness: normal}`."""
    if raw is True or raw is None:
        return StorySettings()
    if raw is False:
        return StorySettings(enabled=False)
    if not isinstance(raw, dict):
        check.fail(
            ("stories",),
            f"stories: expected false or settings like `{{window_hours: 36}}`, got {raw!r}",
        )
        return StorySettings()
    for unknown in set(raw) - {"window_hours", "strictness"}:
        check.warn(
            ("stories", str(unknown)),
            f"stories: unknown setting `{unknown}`",
            "use window_hours and strictness",
        )
    window = raw.get("window_hours", StorySettings.window_hours)
    if isinstance(window, bool) or not isinstance(window, int | float) or window <= 0:
        check.fail(
            ("stories", "window_hours"),
            f"stories.window_hours: expected hours above 0, got {window!r}",
        )
        window = StorySettings.window_hours
    strictness = raw.get("strictness", StorySettings.strictness)
    if strictness not in STRICTNESS:
        check.fail(
            ("stories", "strictness"),
            f"stories.strictness: expected one of {', '.join(STRICTNESS)}, got {strictness!r}",
        )
        strictness = StorySettings.strictness
    return StorySettings(window_hours=float(window), strictness=str(strictness))


SOURCE_KEYS = ("name", "url", "site", "language", "full_text", "topics")


def _sources(check: _Checker, raw: Any) -> tuple[Source, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        check.fail(
            ("sources",), "sources: expected a mapping of folder keys, like `unian: {name: ...}`"
        )
        return ()
    sources = []
    for key, spec in raw.items():
        where = ("sources", str(key))
        if not isinstance(key, str) or not TOPIC_KEY.match(key):
            check.fail(
                where,
                f"sources: key `{key}` is not a folder name",
                "use lowercase latin letters, digits, - or _",
            )
            continue
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            check.fail(where, f"sources.{key}: expected `name:` and `url:`")
            continue
        for unknown in set(spec) - set(SOURCE_KEYS):
            close = difflib.get_close_matches(str(unknown), SOURCE_KEYS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "use " + ", ".join(SOURCE_KEYS)
            check.warn(where, f"sources.{key}: unknown setting `{unknown}`", hint)
        text = {name: check.string(spec, name, "") for name in ("name", "url", "site", "language")}
        for name in ("url", "site"):
            if text[name] and urlsplit(text[name]).scheme not in ("http", "https"):
                check.fail(
                    (*where, name),
                    f"sources.{key}.{name}: expected an http(s) URL, got `{text[name]}`",
                )
        full_text = spec.get("full_text", False)
        if not isinstance(full_text, bool):
            check.fail(
                (*where, "full_text"),
                f"sources.{key}.full_text: expected true or false, got {full_text!r}",
            )
            full_text = False
        topics = spec.get("topics") or []
        if isinstance(topics, str):
            topics = [topics]
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            check.fail((*where, "topics"), f"sources.{key}.topics: expected a list of topic keys")
            topics = []
        sources.append(
            Source(
                key=key,
                name=text["name"] or key,
                url=text["url"],
                site=text["site"],
                language=text["language"],
                full_text=full_text,
                topics=tuple(topics),
            )
        )
    return tuple(sources)


def _markdown(check: _Checker, raw: Any) -> tuple[tuple[str, ...], dict[str, dict[str, Any]]]:
    if raw is None:
        return DEFAULT_EXTENSIONS, {}
    if not isinstance(raw, dict):
        check.fail(("markdown",), "markdown: expected `extensions:` and `extension_configs:`")
        return DEFAULT_EXTENSIONS, {}
    for unknown in set(raw) - {"extensions", "extension_configs"}:
        check.warn(
            ("markdown",),
            f"markdown: unknown setting `{unknown}`",
            "use extensions or extension_configs",
        )
    extensions = raw.get("extensions", list(DEFAULT_EXTENSIONS))
    configs = raw.get("extension_configs") or {}
    if not isinstance(extensions, list) or not all(isinstance(e, str) for e in extensions):
        check.fail(("markdown",), "markdown.extensions: expected a list of extension names")
        return DEFAULT_EXTENSIONS, {}
    if not isinstance(configs, dict) or not all(isinstance(v, dict) for v in configs.values()):
        check.fail(
            ("markdown",), "markdown.extension_configs: expected a mapping of name -> settings"
        )
        configs = {}
    try:
        markdown.Markdown(extensions=extensions, extension_configs=configs)
    except Exception as e:  # Python-Markdown raises many kinds for a bad extension name
        check.fail(("markdown",), f"markdown: cannot load extensions: {e}", "check the names")
        return DEFAULT_EXTENSIONS, {}
    return tuple(extensions), {str(k): dict(v) for k, v in configs.items()}
