"""Old addresses kept alive: a small page at each one that sends the reader to the article."""

from __future__ import annotations

import html
import re
from dataclasses import replace

from digest.config import Config
from digest.errors import Problem
from digest.model import Article

# First folders of the site's own pages: an old address there would take a page's place.
_RESERVED = {"tags", "archive", "page", "search", "404.html", "index.html"}
_DATE_FOLDER = re.compile(r"^\d{4}/(?:\d{2}/(?:\d{2}/)?)?$")


def redirect_file(path: str) -> str:
    """The file a redirect's site path is served from."""
    return path + "index.html" if path.endswith("/") else path


def settle_redirects(articles: list[Article]) -> tuple[list[Article], list[Problem]]:
    """Leave out the redirects that would take the place of a page of the site or of
    another article's redirect (the older article keeps it), each with a warning."""
    taken = {a.url for a in articles}
    claimed: dict[str, str] = {}
    problems: list[Problem] = []
    settled: list[Article] = []
    for article in articles:  # oldest first, as grouping orders them
        kept = []
        for redirect in article.redirects:
            path = redirect.path
            why = ""
            if path == article.url:
                continue  # the old address is the new one: nothing to redirect
            if path in taken or path.split("/")[0] in _RESERVED or _DATE_FOLDER.match(path):
                why = "is the address of a page of this site"
            elif path in claimed:
                why = f"is already an old address of {claimed[path]}"
            if why:
                problems.append(
                    Problem(
                        article.path,
                        None,
                        f"{redirect.key}: /{path} {why}; no redirect made",
                        f"remove it from {redirect.key}",
                    )
                )
                continue
            claimed[path] = article.path
            kept.append(redirect)
        if len(kept) != len(article.redirects):
            article = replace(article, redirects=tuple(kept))
        settled.append(article)
    return settled, problems


def redirect_page(path: str, article: Article, config: Config, moved_to: str) -> bytes:
    """A page that sends readers on at once (meta refresh), tells search engines where the
    article lives now (canonical), and shows a link for anyone whose browser does neither."""
    here = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/" if "/" in path else ""
    target = "../" * here.count("/") + article.url
    title = html.escape(article.title)
    href = html.escape(target)
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(article.lang or config.language)}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>{title}</title>\n"
        f'<link rel="canonical" href="{html.escape(config.absolute_url(article.url))}">\n'
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        "</head>\n"
        "<body>\n"
        f'<p>{html.escape(moved_to)} <a href="{href}">{title}</a></p>\n'
        "</body>\n"
        "</html>\n"
    ).encode()
