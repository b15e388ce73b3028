"""Day pages write their digest's HTML directly; it must be exactly what Python-Markdown makes
of the digest's Markdown (digest.md), whatever the titles and ledes hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import compose
from digest.build import BuildOptions, build
from digest.compose import DigestRenderer, compose_day, compose_day_html
from digest.i18n import Localizer, load_words
from digest.model import Article, Day, Section, Story, Topic
from digest.theme import BUILTIN_THEME
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[1]
KYIV = dt.timezone(dt.timedelta(hours=2))
LOCAL = Localizer("uk", load_words([BUILTIN_THEME], "uk"))
TO_HTML = DigestRenderer()


def link(path: str) -> str:
    return "\ue000/" + path


def as_markdown_would(day: Day, local: Localizer = LOCAL) -> str:
    return TO_HTML(compose_day(day, local, link))


# Text with everything Markdown treats specially, at the start of a line and inside it.
SPECIAL = [*"\\`*_{}[]#+-.!<>&\"'()|~=:^ \t", "1. ", "# ", "- ", "&amp;", "<b>", "  \n"]
TEXT = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.text(alphabet="абвгґaz09 ", max_size=6)), max_size=12
).map("".join)


def article(
    title: str, summary: str, topics: tuple[Topic, ...], hour: int | None, outlet: str = ""
) -> Article:
    moment = dt.datetime(2026, 2, 11, hour or 0, 5, tzinfo=KYIV)
    return Article(
        path="content/a.md",
        format="markdown",
        title=title,
        moment=moment,
        has_time=hour is not None,
        day=moment.date(),
        slug="a",
        topics=topics,
        topics_from="tags",
        summary=summary,
        author="",
        source="",
        lang="",
        draft=False,
        body_html="",
        outlet=outlet,
    )


TOPIC = st.builds(
    Topic,
    key=st.sampled_from(["economy", "war", "kultura-2"]),
    name=TEXT.filter(str.strip),
    declared=st.booleans(),
)
STORY = st.builds(
    article,
    title=TEXT,
    summary=TEXT,
    topics=st.lists(TOPIC, max_size=3).map(tuple),
    hour=st.one_of(st.none(), st.integers(0, 23)),
    outlet=st.one_of(st.just(""), TEXT),
)


@st.composite
def days(draw: st.DrawFn) -> Day:
    """Days of stories of one to three reports each, some of them top stories."""
    sections = []
    for topic in draw(st.lists(st.one_of(st.none(), TOPIC), min_size=1, max_size=3)):
        stories = tuple(
            Story(tuple(reports), topic)
            for reports in draw(st.lists(st.lists(STORY, min_size=1, max_size=3), max_size=3))
        )
        sections.append(Section(topic, tuple(a for s in stories for a in s.reports), stories))
    top = tuple(
        Story(tuple(reports), None)
        for reports in draw(st.lists(st.lists(STORY, min_size=2, max_size=3), max_size=2))
    )
    stories = (*top, *(s for section in sections for s in section.stories))
    articles = tuple(a for s in stories for a in s.reports)
    return Day(dt.date(2026, 2, 11), articles, tuple(sections), None, None, top, stories)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(days())
def test_direct_html_is_what_markdown_makes_of_the_digest(day: Day) -> None:
    assert compose_day_html(day, LOCAL, link) == as_markdown_would(day)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(days())
def test_a_large_days_headline_lists_are_what_markdown_makes_of_them(day: Day) -> None:
    with patch.object(compose, "SMALL_DAY", 0):  # every day large: topics as headline lists
        html = compose_day_html(day, LOCAL, link)
        assert html == as_markdown_would(day)
    if any(section.stories for section in day.sections):
        assert "<ul>\n<li><a " in html


def test_every_day_of_the_example_site_in_both_languages(tmp_path: Path) -> None:
    result = build(ROOT, BuildOptions(now=NOW, output_dir=tmp_path / "site", cache_dir=tmp_path))
    english = Localizer("en", load_words([BUILTIN_THEME], "en"))
    assert len(result.site.days) > 5
    for day in result.site.days:
        for local in (LOCAL, english):
            html = compose_day_html(day, local, link)
            assert html == as_markdown_would(day, local)
            assert all(f'href="\ue000/{a.url}"' in html for a in day.articles)
