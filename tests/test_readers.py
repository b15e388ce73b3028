"""Both article formats, as a user writes them, read into what the site shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest.config import load_config
from digest.errors import SourceError
from digest.sources import ArticleReader, Entry, find_articles, is_subheading
from tests.conftest import MakeSite

WIRE = (
    "date 2026-02-11 Генеральний секретар НАТО прибув до Києва.\n"
    "\n"
    "Генеральний секретар НАТО прибув до Києва з неоголошеним візитом.\n"
    "\n"
    "Зустріч тривала дві години.\n"
    "\n"
    "Що обговорили\n"
    "\n"
    "Сторони говорили про «енергетичну безпеку», сім’ю та об'єкти — детально.\n"
)


def read_one(make_site: MakeSite, name: str, text: str | bytes) -> Entry:
    site = make_site({f"content/{name}": text})
    config, _ = load_config(site)
    entry, _problems = ArticleReader(config).read(site / "content" / name)
    return entry


def test_wire_story_title_date_summary_and_subheading(make_site: MakeSite) -> None:
    entry = read_one(make_site, "a.txt", WIRE)
    assert entry.format == "plain"
    assert entry.title == "Генеральний секретар НАТО прибув до Києва"
    assert entry.date.date().isoformat() == "2026-02-11"
    assert not entry.has_time
    assert entry.summary == "Генеральний секретар НАТО прибув до Києва з неоголошеним візитом."
    assert "<h2>Що обговорили</h2>" in entry.body_html
    assert "<p>Зустріч тривала дві години.</p>" in entry.body_html
    assert "«енергетичну безпеку», сім’ю та об'єкти — детально." in entry.body_html
    assert entry.tags == ()


@pytest.mark.parametrize(
    "variant",
    [
        WIRE.replace("\n", "\r\n"),
        WIRE.replace("\n", "\r"),
        "\ufeff" + WIRE,
        "   " + WIRE,
        "\ufeff  " + WIRE.replace("\n", "\r\n"),
    ],
    ids=["crlf", "cr", "bom", "leading-spaces", "bom-spaces-crlf"],
)
def test_wire_story_line_ends_bom_and_spaces_read_the_same(
    make_site: MakeSite, variant: str
) -> None:
    expected = read_one(make_site, "lf.txt", WIRE)
    entry = read_one(make_site, "variant.txt", variant.encode("utf-8"))
    assert (entry.title, entry.summary, entry.body_html) == (
        expected.title,
        expected.summary,
        expected.body_html,
    )


def test_md_file_in_wire_format_is_read_as_wire(make_site: MakeSite) -> None:
    entry = read_one(make_site, "scraped.md", WIRE)
    assert entry.format == "plain"
    assert entry.title == "Генеральний секретар НАТО прибув до Києва"


def test_short_line_is_a_subheading_only_between_paragraphs(make_site: MakeSite) -> None:
    text = "date 2026-02-11 Заголовок\n\nПідпис на початку\n\nАбзац.\n\nКінцевий рядок\n"
    entry = read_one(make_site, "a.txt", text)
    assert "<h2>" not in entry.body_html
    assert is_subheading("Що обговорили")
    assert not is_subheading("Що обговорили.")
    assert not is_subheading("Він сказав: «Так!»")
    assert not is_subheading("x" * 90)
    assert not is_subheading("рядок один\nрядок два")


def test_markdown_front_matter_fields(make_site: MakeSite) -> None:
    entry = read_one(
        make_site,
        "2026/02/story.md",
        """\
        ---
        title: "Переговори у Брюсселі"
        date: 2026-02-11 18:00
        tags: [diplomacy, Економіка]
        summary: Коротко про головне.
        author: Олена Коваль
        source: https://example.org/x
        lang: uk
        slug: brussels-talks
        ---

        Текст **статті**.
        """,
    )
    assert entry.title == "Переговори у Брюсселі"
    assert entry.date.isoformat() == "2026-02-11T18:00:00+02:00"
    assert entry.tags == ("diplomacy", "Економіка")
    assert entry.summary == "Коротко про головне."
    assert (entry.author, entry.source, entry.lang, entry.slug) == (
        "Олена Коваль",
        "https://example.org/x",
        "uk",
        "brussels-talks",
    )
    assert "<strong>статті</strong>" in entry.body_html


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026-02-11", datetime(2026, 2, 11, tzinfo=timezone(timedelta(hours=2)))),
        ("2026-02-11 18:00", datetime(2026, 2, 11, 18, 0, tzinfo=timezone(timedelta(hours=2)))),
        ('"2026-02-11 18:00:00 +0200"', datetime(2026, 2, 11, 16, 0, tzinfo=UTC)),
        ("2026-02-11T18:00:00+05:30", datetime(2026, 2, 11, 12, 30, tzinfo=UTC)),
        ("2026-02-10T23:30:00Z", datetime(2026, 2, 10, 23, 30, tzinfo=UTC)),
    ],
)
def test_front_matter_date_forms(make_site: MakeSite, written: str, expected: datetime) -> None:
    entry = read_one(make_site, "a.md", f"---\ntitle: T\ndate: {written}\n---\nBody\n")
    assert entry.date == expected


def test_date_from_filename_and_summary_from_first_paragraph(make_site: MakeSite) -> None:
    entry = read_one(
        make_site, "2026-02-09-x.md", "---\ntitle: T\n---\n\nПерший *абзац*.\n\nДругий.\n"
    )
    assert entry.date.date().isoformat() == "2026-02-09"
    assert entry.summary == "Перший абзац."


def test_jekyll_post_categories_count_as_tags(make_site: MakeSite) -> None:
    entry = read_one(
        make_site,
        "_posts/2013-05-06-jekyll-1-0-0-released.markdown",
        """\
        ---
        title: "Jekyll 1.0.0 Released"
        date: "2013-05-06 02:12:52 +0200"
        author: parkr
        version: 1.0.0
        categories: [release, news]
        category: release
        ---

        Hey! [Home]({{ site.baseurl }}/) and {% raw %}{{ liquid }}{% endraw %} as Jekyll shows.
        """,
    )
    assert entry.tags == ("release", "news")
    assert entry.date == datetime(2013, 5, 6, 0, 12, 52, tzinfo=UTC)  # Kyiv: 03:12 EEST
    # The site's root is finished on the article's page (see test_imported.py).
    assert entry.body_html == (
        '<p>Hey! <a href=".digest-root/">Home</a> and {{ liquid }} as Jekyll shows.</p>'
    )


def test_space_separated_categories_like_jekyll(make_site: MakeSite) -> None:
    entry = read_one(
        make_site, "a.md", "---\ntitle: T\ndate: 2026-01-01\ncategories: a b\n---\nx\n"
    )
    assert entry.tags == ("a", "b")


def test_raw_html_is_sanitised_by_default(make_site: MakeSite) -> None:
    entry = read_one(
        make_site,
        "a.md",
        "---\ntitle: T\ndate: 2026-01-01\n---\n\n<script>alert(1)</script>\n\n"
        '<p onclick="x()">ok</p> <a href="javascript:alert(1)">link</a>\n',
    )
    assert "<script" not in entry.body_html
    assert "onclick" not in entry.body_html
    assert "javascript:" not in entry.body_html
    assert "ok" in entry.body_html


def test_hidden_folders_and_other_files_are_not_articles(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: T\ndate: 2026-01-01\n---\n",
            "content/.git/x.md": "x",
            "content/notes.rst": "x",
            "content/deep/er/b.txt": WIRE,
        }
    )
    names = [p.relative_to(site / "content").as_posix() for p in find_articles(site / "content")[0]]
    assert names == ["a.md", "deep/er/b.txt"]


def test_unreadable_article_names_file_and_line(make_site: MakeSite) -> None:
    site = make_site({"content/bad.md": "---\ntitle: T\ndate: 11/02\n---\n"})
    config, _ = load_config(site)
    with pytest.raises(SourceError) as caught:
        ArticleReader(config).read(Path(site / "content/bad.md"))
    assert str(caught.value) == (
        "content/bad.md:3: date: expected a date like 2026-02-11, 2026-02-11 18:00 or "
        '2026-02-11T18:00:00+02:00, got "11/02" — fix the date'
    )
