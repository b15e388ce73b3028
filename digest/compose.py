"""Compose each day's digest as Markdown (topic headings, linked headlines, ledes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import markdown

from digest.i18n import Localizer
from digest.model import Day, Story

# Escaping only what can start markup inside one line keeps the digest fast to render:
# every backslash escape costs Python-Markdown an inline pattern match.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]#])")
_BLOCK_START = re.compile(r"^(?:([#+-])|(\d+)([.)]))")


def md_escape(text: str) -> str:
    """One line of text that Markdown shows exactly as written (HTML-special characters too)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _INLINE_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    # "]:" would make a line that starts with a link a reference definition (a list item)
    text = text.replace("\\]:", "\\]&#58;")
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match[str]) -> str:
    if match.group(1):  # "# x", "- x", "+ x" would open a heading or a list
        return "\\" + match.group(1)
    return f"{match.group(2)}\\{match.group(3)}"  # "1. x" would open a numbered list


@dataclass(frozen=True, slots=True)
class _Story:
    title: str
    url: str  # as link() wrote it
    summary: str
    meta: tuple[str, tuple[tuple[str, str], ...]]  # (time or "", other topics' (name, url))
    outlet: str  # the lead's, shown when other reports follow
    others: tuple[tuple[str, str, str], ...]  # the other reports' (title, url, outlet)


# Stories: a day up to this size shows every story's lede and other topics; a larger day, the
# top stories' only, and each topic's stories as a list of headlines, one line each with its
# other reports (the rest is a click away), to stay light enough to read on a phone.
SMALL_DAY = 40


def _outline(
    day: Day, local: Localizer, link: Callable[[str], str]
) -> Iterator[tuple[str, str, list[_Story], bool]]:
    """The day's digest as (topic name, topic key, stories, as a list of headlines), for
    both ways of writing it: the top stories first, then each topic's."""
    untagged = str(local.words["untagged"])
    ledes = len(day.stories) <= SMALL_DAY

    def story(item: Story, lede: bool) -> _Story:
        lead = item.lead
        return _Story(
            lead.title,
            link(lead.url),
            lead.summary if lede else "",
            (
                local.time(lead.moment) if lead.has_time else "",
                tuple((t.name, link(t.url)) for t in lead.topics[1:]) if lede else (),
            ),
            _one_line(lead.outlet) if item.others else "",
            tuple((a.title, link(a.url), _one_line(a.outlet)) for a in item.others),
        )

    if day.top:
        yield str(local.words["top_stories"]), "top", [story(s, True) for s in day.top], False
    for section in day.sections:
        topic = section.topic
        items = section.stories or tuple(Story((a,), topic) for a in section.articles)
        stories = [story(item, ledes) for item in items]
        name, key = (topic.name, topic.key) if topic else (untagged, "untagged")
        yield name, key, stories, not ledes


def _one_line(text: str) -> str:
    return " ".join(text.split())


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
    also = md_escape(str(local.words["also_in"]))
    out: list[str] = []
    for name, key, stories, headlines in _outline(day, local, link):
        anchor = f" {{#topic-{key}}}" if anchors else ""
        # (ids only where one day is on the page: several days would repeat them)
        out.append(f"{'#' * level} {md_escape(name)}{anchor}\n")
        if headlines:
            if stories:
                out.append("\n".join(_headline_markdown(s, local) for s in stories) + "\n")
            continue
        for story in stories:
            out.append(f"{'#' * (level + 1)} [{md_escape(story.title)}]({story.url})\n")
            if story.summary:
                out.append(md_escape(story.summary) + "\n")
            moment, others = story.meta
            meta = [moment] if moment else []
            if story.outlet:
                meta.append(md_escape(story.outlet))
            if others:
                meta.append(f"{also}: " + ", ".join(f"[{md_escape(n)}]({u})" for n, u in others))
            if meta:
                out.append(" · ".join(meta) + ("\n{: .story-meta }\n" if classes else "\n"))
            if story.others:
                more = md_escape(local.plural("more_reports", len(story.others)))
                out.append(more + ("\n{: .more-reports }\n" if classes else "\n"))
                out.append(
                    "\n".join(
                        f"- [{md_escape(t)}]({u})" + (f" — {md_escape(o)}" if o else "")
                        for t, u, o in story.others
                    )
                    + "\n"
                )
    return "\n".join(out)


def _headline_meta(
    story: _Story, local: Localizer, text: Callable[[str], str], anchor: Callable[[str, str], str]
) -> list[str]:
    """The line under a headline in a list: its time, outlet and other reports, written with
    `text` for plain text and `anchor(title, url)` for links (Markdown or HTML)."""
    meta = [story.meta[0]] if story.meta[0] else []
    if story.outlet:
        meta.append(text(story.outlet))
    if story.others:
        more = text(local.plural("more_reports", len(story.others)))
        reports = (anchor(t, u) + (f" — {text(o)}" if o else "") for t, u, o in story.others)
        meta.append(f"{more}: " + "; ".join(reports))
    return meta


def _headline_markdown(story: _Story, local: Localizer) -> str:
    """One story as an item of a list: its headline, then a line of its time, outlet and
    other reports."""
    meta = _headline_meta(story, local, md_escape, _md_link)
    headline = f"- {_md_link(story.title, story.url)}"
    return headline + ("  \n" + " · ".join(meta) if meta else "")


def _headline_html(story: _Story, local: Localizer) -> str:
    """What Markdown makes of _headline_markdown(story, local)."""
    meta = _headline_meta(story, local, _text, _html_link)
    headline = _html_link(story.title, story.url)
    return f"<li>{headline}" + ("<br>\n" + " · ".join(meta) if meta else "") + "</li>"


def _md_link(title: str, url: str) -> str:
    return f"[{md_escape(title)}]({url})"


def _html_link(title: str, url: str) -> str:
    return f'<a href="{_attr(url)}">{_text(title)}</a>'


def compose_day_html(day: Day, local: Localizer, link: Callable[[str], str]) -> str:
    """What DigestRenderer makes of compose_day(day, local, link) (level 2, anchors and
    classes), written directly: the same HTML, without parsing Markdown that was just made.
    Links must be URLs as the site makes them (no spaces, quotes or parentheses)."""
    also = _text(str(local.words["also_in"]))
    out: list[str] = []
    for name, key, stories, headlines in _outline(day, local, link):
        out.append(f'<h2 id="topic-{_attr(key)}">{_text(name)}</h2>')
        if headlines:
            if stories:
                items = "\n".join(_headline_html(s, local) for s in stories)
                out.append(f"<ul>\n{items}\n</ul>")
            continue
        for story in stories:
            out.append(f'<h3><a href="{_attr(story.url)}">{_text(story.title)}</a></h3>')
            if summary := _text(story.summary):
                out.append(f"<p>{summary}</p>")
            moment, others = story.meta
            meta = [moment] if moment else []
            if story.outlet:
                meta.append(_text(story.outlet))
            if others:
                links = (f'<a href="{_attr(u)}">{_text(n)}</a>' for n, u in others)
                meta.append(f"{also}: " + ", ".join(links))
            if meta:
                out.append(f'<p class="story-meta">{" · ".join(meta)}</p>')
            if story.others:
                more = _text(local.plural("more_reports", len(story.others)))
                out.append(f'<p class="more-reports">{more}</p>')
                items = "\n".join(
                    f'<li><a href="{_attr(u)}">{_text(t)}</a>'
                    + (f" — {_text(o)}" if o else "")
                    + "</li>"
                    for t, u, o in story.others
                )
                out.append(f"<ul>\n{items}\n</ul>")
    return "\n".join(out)


def is_large(day: Day) -> bool:
    """Whether a day is too large to show whole beside other days (on the home page)."""
    return len(day.stories) > SMALL_DAY


def compose_day_brief_html(day: Day, local: Localizer, link: Callable[[str], str]) -> str:
    """A large day in short, for a page of several days: its top stories as its own page
    shows them, then its topics with their counts of stories, each linking to its place on
    the day's page."""
    top = compose_day_html(replace(day, sections=()), local, link)
    untagged = str(local.words["untagged"])
    items = []
    for section in day.sections:
        topic = section.topic
        name, key = (topic.name, topic.key) if topic else (untagged, "untagged")
        count = len(section.stories or section.articles)
        href = _attr(link(day.url) + "#topic-" + key)
        said = _text(local.plural("stories", count))
        items.append(
            f'<li><a href="{href}">{_text(name)} <span class="count" aria-hidden="true">{count}'
            f'</span><span class="visually-hidden">({said})</span></a></li>'
        )
    if not items:
        return top
    heading = _text(str(local.words["topics"]))
    rest = "\n".join(items)
    return f'{top}\n<h2>{heading}</h2>\n<ul class="day-topics">\n{rest}\n</ul>'


def _text(text: str) -> str:
    """One line of text as Markdown shows md_escape(text): spaces collapsed, & < > escaped."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("]:", "]&#58;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")


class DigestRenderer:
    """Renders composed digests to HTML with one reused converter."""

    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=["attr_list"], output_format="html")

    def __call__(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)
