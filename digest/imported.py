"""What front-matter keys mean for an article: those Hugo, Jekyll, Pelican, Eleventy and Zola
write, and the editor's ranking (`pinned:`, `priority:`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from digest.errors import Problem
from digest.model import Author, Redirect

# The first key present wins.
DATE_KEYS = ("date", "publishdate", "pubdate")
UPDATED_KEYS = ("lastmod", "updated", "last_modified_at", "modified", "datemodified")
EXPIRY_KEYS = ("expirydate", "unpublishdate")
SUMMARY_KEYS = ("summary", "description", "excerpt")
IMAGE_KEYS = ("images", "image", "cover", "featured_image", "og_image")
# Old addresses: each becomes a redirect page.
ALIAS_KEYS = ("aliases", "redirect_from")
PERMALINK_KEYS = ("url", "permalink")
_NAME_URL = re.compile(r"^(?P<name>.*?)\s*<(?P<url>[^<>]*)>\s*(?:\(.*\))?$")
_TEMPLATE = re.compile(r"\{\{|\{%|(?:^|/):[a-z_]+")

LineOf = Callable[[str], int]


def first_key(meta: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of keys that meta has a value for."""
    return next((k for k in keys if meta.get(k) not in (None, "")), None)


def read_authors(
    meta: dict[str, Any], shown: str, line_of: LineOf
) -> tuple[tuple[Author, ...], list[Problem]]:
    """`author:` and `authors:` as text, a list, `Name <https://...>` or {name:, url:}."""
    found: list[Author] = []
    problems: list[Problem] = []
    for key in ("author", "authors"):
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            # Pelican writes `Authors: A, B`; one author's name may hold a comma of its own.
            items: list[Any] = value.split(",") if key == "authors" else [value]
        elif isinstance(value, list):
            items = value
        else:
            items = [value]
        for item in items:
            author = _author(item)
            if author is None:
                problems.append(
                    Problem(
                        shown,
                        line_of(key),
                        f"{key}: expected a name, a list of names or name: and url:, "
                        f"got {type(item).__name__}",
                        f"write {key}: Олена Коваль",
                    )
                )
            elif author.name and author not in found:
                found.append(author)
    return tuple(found), problems


def _author(item: object) -> Author | None:
    if isinstance(item, dict):
        name = item.get("name") or item.get("title") or ""
        url = item.get("url") or item.get("website") or item.get("link") or ""
        if not isinstance(name, str) or not isinstance(url, str):
            return None
        return Author(" ".join(name.split()), _web_url(url))
    if isinstance(item, str | int | float) and not isinstance(item, bool):
        text = " ".join(str(item).split())
        match = _NAME_URL.match(text)
        if match and match.group("name"):
            return Author(match.group("name"), _web_url(match.group("url")))
        return Author(text)
    return None


def _web_url(url: str) -> str:
    """Only web addresses are linked: `Name <name@example.org>` gives no author URL."""
    url = url.strip()
    return url if url.startswith(("https://", "http://")) else ""


def read_image(meta: dict[str, Any]) -> str:
    """The first image of `images:`, `image:` or `cover:` (text, a list, or a mapping with
    src/path/url/image/feature)."""
    key = first_key(meta, IMAGE_KEYS)
    value = meta.get(key) if key else None
    for _ in range(3):  # a list of mappings, a mapping holding a list...
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = next(
                (value[k] for k in ("src", "path", "url", "image", "feature") if k in value), None
            )
    return value.strip() if isinstance(value, str) else ""


def read_redirects(
    meta: dict[str, Any], shown: str, line_of: LineOf, section: str
) -> tuple[tuple[Redirect, ...], list[Problem]]:
    """The article's old addresses as site paths. A Hugo alias without a leading slash is
    beside the article's section (`section`: its folder under content/, "" at the top)."""
    found: list[Redirect] = []
    problems: list[Problem] = []
    for key in ALIAS_KEYS + PERMALINK_KEYS:
        value = meta.get(key)
        if value is None or value is False:  # Eleventy's `permalink: false`: no page at all
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, str) or not item.strip():
                problems.append(
                    Problem(
                        shown,
                        line_of(key),
                        f"{key}: expected a path like /2019/01/old-post/, got {item!r}",
                        "write the old address as text",
                    )
                )
                continue
            if _TEMPLATE.search(item):
                problems.append(
                    Problem(
                        shown,
                        line_of(key),
                        f'{key}: "{item}" is a pattern, not an address; no redirect made',
                        "write the old address as it was, e.g. /2019/01/old-post/",
                    )
                )
                continue
            if key in PERMALINK_KEYS and urlsplit(item.strip()).netloc:
                continue  # `url: https://outlet/...` names where a story came from
            relative = key == "aliases" and not item.startswith("/") and "://" not in item
            path = site_path(f"{section}/{item}" if relative and section else item)
            if path is None:
                problems.append(
                    Problem(
                        shown,
                        line_of(key),
                        f'{key}: "{item}" is not an address inside the site; no redirect made',
                        "write a path like /2019/01/old-post/",
                    )
                )
                continue
            redirect = Redirect(path, key)
            if all(r.path != path for r in found):
                found.append(redirect)
    return tuple(found), problems


def site_path(url: str) -> str | None:
    """`/2019/01/x` -> `2019/01/x/`, `old.html` stays a file; None for the site's root, for
    `..`, for a full URL and for anything else that is not a path in this site."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc:
        return None  # another site's address: nothing this site can answer
    segments = [s for s in unquote(parts.path).split("/") if s not in ("", ".")]
    if not segments or ".." in segments or any(s.startswith(".") for s in segments):
        return None
    if any(c in s for s in segments for c in '\\<>"\x00'):
        return None
    last = segments[-1]
    if "." in last and last.rsplit(".", 1)[1].lower() in ("html", "htm"):
        return "/".join(segments)
    return "/".join(segments) + "/"


def read_ranking(
    meta: dict[str, Any], shown: str, line_of: LineOf, problems: list[Problem]
) -> tuple[bool, int]:
    """`pinned:` and `priority:`, the editor's say over a story's rank; a wrong value is a
    warning and ranks as if it were not there."""
    pinned = meta.get("pinned", False)
    if not isinstance(pinned, bool):
        problems.append(
            Problem(shown, line_of("pinned"), f"pinned: expected true or false, got {pinned!r}")
        )
        pinned = False
    priority = meta.get("priority", 0)
    if priority is None:
        priority = 0
    if isinstance(priority, bool) or not isinstance(priority, int):
        problems.append(
            Problem(
                shown,
                line_of("priority"),
                f"priority: expected a whole number, got {priority!r}",
                "write priority: 1 (higher ranks first)",
            )
        )
        priority = 0
    return pinned, priority
