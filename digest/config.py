"""site.yaml -> one typed, frozen Config, with every problem listed before one abort."""

from __future__ import annotations

import codecs
import dataclasses
import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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


@dataclass
class _Reading:
    """What a setting's reader gets besides its raw value: where to report, the site folder,
    the `-o` folder given on the command line, and the fields read so far."""

    check: _Checker
    site_dir: Path
    output_dir: Path | None
    fields: dict[str, Any]


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(Config)}
_MISSING: Any = object()  # a key site.yaml does not have
Reader = Callable[[_Reading, "Setting", Any], Any]


@dataclass(frozen=True)
class Setting:
    """One key of site.yaml: how to read it, its default, what it is for (one line of help,
    shown in the scaffolded site.yaml), and which Config fields it fills."""

    key: str
    read: Reader
    help: str
    example: str = ""  # for the scaffold: a value to show, commented out
    fields: tuple[str, ...] = ()  # Config fields it fills; default: the one named `key`
    render_only: bool = False  # changes how pages look, not what a file says when read
    expected: str = ""  # for numbers: the phrase after "expected" in its error

    @property
    def config_fields(self) -> tuple[str, ...]:
        return self.fields or (self.key,)

    @property
    def default(self) -> Any:
        """The default of the Config field it fills (declared there, with its type)."""
        return _DEFAULTS[self.config_fields[0]]


# --- readers of one kind of value ---------------------------------------------------------


def _text(r: _Reading, s: Setting, value: Any) -> str:
    if value is _MISSING or value is None:
        return str(s.default)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        r.check.fail((s.key,), f"{s.key}: expected text, got {type(value).__name__}")
        return str(s.default)
    return str(value)


def _whole(r: _Reading, s: Setting, value: Any) -> int:
    if value is _MISSING:
        return int(s.default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        r.check.fail((s.key,), f"{s.key}: expected {s.expected}, got {value!r}")
        return int(s.default)
    return value


def _flag(r: _Reading, s: Setting, value: Any) -> bool:
    if value is _MISSING:
        return bool(s.default)
    if not isinstance(value, bool):
        r.check.fail((s.key,), f"{s.key}: expected true or false, got {value!r}")
        return bool(s.default)
    return value


def _seconds(r: _Reading, s: Setting, value: Any) -> float:
    if value is _MISSING:
        return float(s.default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        r.check.fail((s.key,), f"{s.key}: expected {s.expected}, got {value!r}")
        return float(s.default)
    return float(value)


# --- readers of one setting -----------------------------------------------------------------


def _read_base_url(r: _Reading, s: Setting, value: Any) -> str:
    return _base_url(r.check, _text(r, s, value))


def _read_language(r: _Reading, s: Setting, value: Any) -> str:
    language = _text(r, s, value)
    try:
        Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        r.check.fail(
            ("language",), f"language: unknown language `{language}`", "use a code like uk or en"
        )
    return language


def _read_timezone(r: _Reading, s: Setting, value: Any) -> str:
    timezone = _text(r, s, value)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.check.fail(
            ("timezone",),
            f"timezone: unknown time zone `{timezone}`",
            "use an IANA name like Europe/Kyiv",
        )
    return timezone


def _read_theme(r: _Reading, s: Setting, value: Any) -> str:
    theme = _text(r, s, value)
    if theme != "default" and not (r.site_dir / "themes" / theme).is_dir():
        r.check.fail(
            ("theme",), f"theme: no folder themes/{theme}", "create it or use theme: default"
        )
    return theme


def _read_content_dir(r: _Reading, s: Setting, value: Any) -> Path:
    content_dir = r.site_dir / _text(r, s, value)
    if not content_dir.is_dir():
        r.check.fail(
            ("content_dir",),
            f"content_dir: no folder {content_dir.name}",
            "create it and put articles in it",
        )
    return content_dir.resolve()


def _read_output_dir(r: _Reading, s: Setting, value: Any) -> Path:
    out = r.output_dir if r.output_dir is not None else r.site_dir / _text(r, s, value)
    return out.resolve()


def _read_encoding(r: _Reading, s: Setting, value: Any) -> str:
    encoding = _text(r, s, value)
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            r.check.fail(
                ("encoding_fallback",),
                f"encoding_fallback: unknown encoding `{encoding}`",
                "use a Python codec name like cp1251 or koi8-u",
            )
            return ""
    return encoding


def _read_feeds(r: _Reading, s: Setting, value: Any) -> tuple[int, bool]:
    return _feeds(r.check, None if value is _MISSING else value)


def _read_theme_options(r: _Reading, s: Setting, value: Any) -> ThemeOptions:
    raw = None if value is _MISSING else value
    return read_theme_options(r.check, raw, r.site_dir, r.fields["theme"])


def _read_topics(r: _Reading, s: Setting, value: Any) -> tuple[TopicRule, ...]:
    return _topics(r.check, _PRESET if value is _MISSING else value, r.fields["language"])


def _read_stories(r: _Reading, s: Setting, value: Any) -> StorySettings:
    return _stories(r.check, True if value is _MISSING else value)


def _read_markdown(
    r: _Reading, s: Setting, value: Any
) -> tuple[tuple[str, ...], dict[str, dict[str, Any]]]:
    return _markdown(r.check, None if value is _MISSING else value)


def _read_cname(r: _Reading, s: Setting, value: Any) -> str:
    return _text(r, s, value).strip()


def _read_sources(r: _Reading, s: Setting, value: Any) -> tuple[Source, ...]:
    return _sources(r.check, None if value is _MISSING else value)


# Every key site.yaml may have, in the order they are checked (and problems listed). From
# this table come the validation, the unknown-key check, the settings that only change how
# pages look (a change to one reads no article again), and the scaffold's site.yaml.
SETTINGS: tuple[Setting, ...] = (
    Setting("title", _text, "the site's name", render_only=True),
    Setting("description", _text, "one line for feeds and search engines", render_only=True),
    Setting(
        "base_url",
        _read_base_url,
        "where the site is published; may carry a path",
        "https://user.github.io/news/",
        render_only=True,
    ),
    Setting("language", _read_language, "uk or en: dates and the theme's words", render_only=True),
    Setting("timezone", _read_timezone, "an IANA name: which day an article is on"),
    Setting("theme", _read_theme, "a folder under themes/", render_only=True),
    Setting("content_dir", _read_content_dir, "where the articles are"),
    Setting(
        "output_dir",
        _read_output_dir,
        "where the site is written (GitHub's Pages actions expect _site)",
        render_only=True,
    ),
    Setting(
        "per_page",
        _whole,
        "days per home page, stories per topic page",
        render_only=True,
        expected="a whole number of at least 1",
    ),
    Setting("raw_html", _flag, "keep HTML written in articles (else it is cleaned)"),
    Setting(
        "feeds",
        _read_feeds,
        "items per feed (limit) and a feed for each day (per_day)",
        "{limit: 20, per_day: false}",
        fields=("feed_limit", "feed_per_day"),
        render_only=True,
    ),
    Setting(
        "search",
        _flag,
        "offline full-text search that knows Ukrainian word forms",
        render_only=True,
    ),
    Setting(
        "encoding_fallback",
        _read_encoding,
        "how to read files that are not UTF-8",
        "cp1251",
    ),
    Setting(
        "max_article_kb",
        _whole,
        "larger articles are skipped with a warning",
        expected="a whole number of KB",
    ),
    Setting(
        "render_timeout",
        _seconds,
        "seconds of Markdown per article before giving up",
        expected="seconds above 0",
    ),
    Setting(
        "theme_options",
        _read_theme_options,
        "accent colours, a logo and links in the masthead",
        '{accent: "#b3261e"}',
        render_only=True,
    ),
    Setting(
        "topics",
        _read_topics,
        "topics by key (the URL): a name, and keywords that start words; "
        "the built-in ones for uk and en unless set (`topics: {}` for none)",
        "{world: {name: World, keywords: [summit]}}",
        render_only=True,
    ),
    Setting(
        "markdown",
        _read_markdown,
        "Python-Markdown extensions and their settings",
        "{extensions: [tables, footnotes, toc, fenced_code, sane_lists]}",
        fields=("markdown_extensions", "markdown_extension_configs"),
    ),
    Setting(
        "cname",
        _read_cname,
        "a custom domain: `digest deploy` writes it to CNAME",
        "news.example.org",
        render_only=True,
    ),
    Setting(
        "sources",
        _read_sources,
        "outlets by folder under content/ (name, site), and their feeds for digest fetch",
        "{unian: {name: УНІАН, url: https://www.unian.ua/rss}}",
    ),
    Setting(
        "stories",
        _read_stories,
        "reports of one event shown as one story: how far apart, how strict, or false",
        "{window_hours: 36, strictness: normal}",
    ),
)
KNOWN_KEYS = tuple(s.key for s in SETTINGS)
# Config fields whose change does not make digest read the articles again: the render-only
# settings' and the site folder's. Everything else counts, so a new reader setting is part
# of the key without anyone remembering to add it here.
RENDER_ONLY_FIELDS = frozenset(
    {"site_dir", *(f for s in SETTINGS if s.render_only for f in s.config_fields)}
)


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
    reading = _Reading(check, site_dir, output_dir, {})
    for setting in SETTINGS:
        value = setting.read(reading, setting, raw.get(setting.key, _MISSING))
        names = setting.config_fields
        reading.fields.update(
            zip(names, value, strict=True) if len(names) > 1 else [(names[0], value)]
        )
    if check.problems:
        raise ConfigError(check.problems)
    return Config(site_dir=site_dir, **reading.fields), check.warnings


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


def _keyed(
    check: _Checker,
    raw: dict[Any, Any],
    section: str,
    fields: tuple[str, ...],
    what: str,
    droppable: bool = False,
) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """The entries of a mapping of keys to settings (`topics:`, `sources:`) that can be used:
    a key that is `what` (lowercase latin, digits, - or _) and settings as a mapping, with
    unknown settings named. With `droppable`, `key: false` entries are left to the caller."""
    for key, spec in raw.items():
        if spec is False and droppable:
            continue
        where = (section, str(key))
        if not isinstance(key, str) or not TOPIC_KEY.match(key):
            check.fail(
                where,
                f"{section}: key `{key}` is not {what}",
                "use lowercase latin letters, digits, - or _",
            )
            continue
        spec = {} if spec is None else spec
        if not isinstance(spec, dict):
            names = " and ".join(f"`{name}:`" for name in fields[:2])
            check.fail(where, f"{section}.{key}: expected {names}")
            continue
        for unknown in set(spec) - set(fields):
            close = difflib.get_close_matches(str(unknown), fields, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "use " + ", ".join(fields)
            check.warn(where, f"{section}.{key}: unknown setting `{unknown}`", hint)
        yield key, spec, where


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
        check.fail(("topics",), "topics: expected a mapping of topic keys, like `war: {name: ...}`")
        return ()
    for dropped in [key for key, spec in raw.items() if spec is False]:
        preset.pop(str(dropped), None)
    topics = []
    keyed = _keyed(check, raw, "topics", ("name", "keywords"), "a URL-safe name", droppable=True)
    for key, spec, where in keyed:
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
    for key, spec, where in _keyed(check, raw, "sources", SOURCE_KEYS, "a folder name"):
        text = {}
        for name in ("name", "url", "site", "language"):
            value = spec.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, str)):
                check.fail((*where, name), f"sources.{key}.{name}: expected text, got {value!r}")
                value = None
            text[name] = value or ""
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
    import markdown  # here: only a site that names extensions needs it to read its settings

    try:
        markdown.Markdown(extensions=extensions, extension_configs=configs)
    except Exception as e:  # Python-Markdown raises many kinds for a bad extension name
        check.fail(("markdown",), f"markdown: cannot load extensions: {e}", "check the names")
        return DEFAULT_EXTENSIONS, {}
    return tuple(extensions), {str(k): dict(v) for k, v in configs.items()}
