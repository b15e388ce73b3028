"""site.yaml's `theme_options:`: accent colour, logo, footer text and links for the theme."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, Protocol
from urllib.parse import urlsplit

from digest.colors import DEFAULT_ACCENT, HEX, palette

BUILTIN_THEME = Path(__file__).parent / "themes" / "default"
KNOWN_OPTIONS = ("accent", "accent_dark", "logo", "footer", "links")


@dataclass(frozen=True)
class ThemeLink:
    name: str
    url: str  # a full http(s) or mailto URL, or a path inside the site such as about/

    @property
    def in_site(self) -> bool:
        return not urlsplit(self.url).scheme


@dataclass(frozen=True)
class ThemeOptions:
    accent: str = DEFAULT_ACCENT
    accent_dark: str = ""  # else the accent, lightened until it reads on the dark background
    logo: str = ""  # a file in the theme's static/ folder, e.g. static/logo.svg
    footer: str = ""
    links: tuple[ThemeLink, ...] = ()

    @property
    def custom_colours(self) -> bool:
        return self.accent.lower() != DEFAULT_ACCENT or bool(self.accent_dark)

    @cached_property
    def palette_css(self) -> str:
        """CSS custom properties for the accent in light and dark mode, contrast kept."""
        return palette(self.accent, self.accent_dark).css


class Checker(Protocol):
    def fail(self, where: tuple[str, ...], message: str, hint: str = "") -> None: ...

    def warn(self, where: tuple[str, ...], message: str, hint: str = "") -> None: ...


def read_theme_options(check: Checker, raw: Any, site_dir: Path, theme: str) -> ThemeOptions:
    """Validate the `theme_options:` mapping, reporting every problem through `check`."""
    if raw is None:
        return ThemeOptions()
    here = ("theme_options",)
    if not isinstance(raw, dict):
        check.fail(here, 'theme_options: expected a mapping like `accent: "#b3261e"`')
        return ThemeOptions()
    for key in raw:
        if key not in KNOWN_OPTIONS:
            close = difflib.get_close_matches(str(key), KNOWN_OPTIONS, n=1)
            hint = f"did you mean `{close[0]}`?" if close else "use " + ", ".join(KNOWN_OPTIONS)
            check.warn((*here, str(key)), f"theme_options: unknown setting `{key}`", hint)
    return ThemeOptions(
        accent=_colour(check, raw, "accent") or DEFAULT_ACCENT,
        accent_dark=_colour(check, raw, "accent_dark"),
        logo=_logo(check, raw.get("logo"), site_dir, theme),
        footer=_text(check, raw, "footer"),
        links=_links(check, raw.get("links")),
    )


def _text(check: Checker, raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        check.fail(("theme_options", key), f"theme_options.{key}: expected text")
        return ""
    return str(value).strip()


def _colour(check: Checker, raw: dict[str, Any], key: str) -> str:
    if key not in raw:
        return ""
    value = raw[key]
    where = ("theme_options", key)
    if value is None:  # `accent: #b3261e` unquoted is a YAML comment: the value is empty
        check.fail(
            where,
            f"theme_options.{key}: empty",
            f'quote the colour, {key}: "#b3261e" (an unquoted # starts a YAML comment)',
        )
        return ""
    if not isinstance(value, str) or not HEX.match(value):
        check.fail(
            where, f"theme_options.{key}: expected a CSS hex colour like #b3261e, got {value!r}"
        )
        return ""
    return value.lower()


def _logo(check: Checker, value: Any, site_dir: Path, theme: str) -> str:
    if value is None or value == "":
        return ""
    where = ("theme_options", "logo")
    path = PurePosixPath(str(value))
    if not isinstance(value, str) or path.parts[:1] != ("static",) or ".." in path.parts:
        check.fail(
            where,
            f"theme_options.logo: expected a path in the theme's static folder, got {value!r}",
            f"put the image in themes/{theme}/static/ and write logo: static/<file>",
        )
        return ""
    if not any(
        (folder / path).is_file() for folder in (site_dir / "themes" / theme, BUILTIN_THEME)
    ):
        check.fail(
            where,
            f"theme_options.logo: no file themes/{theme}/{path}",
            f"put the image in themes/{theme}/static/",
        )
        return ""
    return str(path)


def _links(check: Checker, raw: Any) -> tuple[ThemeLink, ...]:
    if raw is None:
        return ()
    where = ("theme_options", "links")
    if not isinstance(raw, list):
        check.fail(where, "theme_options.links: expected a list of `- {name: ..., url: ...}`")
        return ()
    links = []
    for n, item in enumerate(raw, start=1):
        label = f"theme_options.links[{n}]"
        if not isinstance(item, dict) or not {"name", "url"} <= set(item):
            check.fail(where, f"{label}: expected `name:` and `url:`")
            continue
        name, url = str(item["name"]).strip(), str(item["url"]).strip()
        parts = urlsplit(url)
        site_path = not parts.scheme and not parts.netloc and not url.startswith("/")
        web = parts.scheme in ("http", "https") and bool(parts.netloc)
        if not name or not (site_path or web or (parts.scheme == "mailto" and parts.path)):
            check.fail(
                where,
                f"{label}: expected a name and a URL like https://…, mailto:… or a path in "
                f"the site like about/, got {url!r}",
            )
            continue
        links.append(ThemeLink(name, url))
    return tuple(links)
