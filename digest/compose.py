"""Compose each day's digest as Markdown (topic headings, linked headlines, ledes)."""

from __future__ import annotations

import re
from collections.abc import Callable

import markdown

from digest.i18n import Localizer
from digest.model import Day

# Escaping only what can start markup inside one line keeps the digest fast to render:
# every backslash escape costs Python-Markdown an inline pattern match.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]#])")
_BLOCK_START = re.compile(r"^(?:([#+-])|(\d+)([.)]))")


def md_escape(text: str) -> str:
    """One line of text that Markdown shows exactly as written (HTML-special characters too)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match[str]) -> str:
    if match.group(1):  # "# x", "- x", "+ x" would open a heading or a list
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"  # "1. x" would open a numbered list


def compose_day(
    day: Day,
    local: Localizer,
    link: Callable[[str], str],
    *,
    level: int = 2,
    anchors: bool = True,
    classes: bool = True,
) -> str:
    """The day's digest as Markdown: a heading per topic, each story's headline, lede and time.

    `link` turns a site path (`2026/02/11/slug/`) into the URL to write: relative on pages,
    absolute in exports. `anchors` adds `{#topic-key}` ids for jump links; `classes` marks
    the time line for styling. Exports turn both off to stay plain Markdown.
    """
    untagged = str(local.words["untagged"])
    also = str(local.words["also_in"])
    out: list[str] = []
    for section in day.sections:
        topic = section.topic
        name = topic.name if topic else untagged
        anchor = f" {{#topic-{topic.key if topic else 'untagged'}}}" if anchors else ""
        # (ids only where one day is on the page: several days would repeat them)
        out.append(f"{'#' * level} {md_escape(name)}{anchor}\n")
        for article in section.articles:
            out.append(f"{'#' * (level + 1)} [{md_escape(article.title)}]({link(article.url)})\n")
            if article.summary:
                out.append(md_escape(article.summary) + "\n")
            meta = []
            if article.has_time:
                meta.append(local.time(article.moment))
            others = [f"[{md_escape(t.name)}]({link(t.url)})" for t in article.topics[1:]]
            if others:
                meta.append(f"{also}: " + ", ".join(others))
            if meta:
                out.append(" · ".join(meta) + ("\n{: .story-meta }\n" if classes else "\n"))
    return "\n".join(out)


class DigestRenderer:
    """Renders composed digests to HTML with one reused converter."""

    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=["attr_list"], output_format="html")

    def __call__(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)
