"""Incremental builds give the same bytes as builds from scratch (`digest build --verify`),
after every kind of edit a newsroom makes, one at a time and one after another."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from digest.build import BuildOptions, BuildResult
from digest.verify import verify
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, build_at_now, read, run_cli

CONFIG = BASIC_CONFIG + "per_page: 2\n"


def md(title: str, date: str, tags: str = "", extra: str = "", body: str = "Текст.") -> str:
    tag_line = f"tags: {tags}\n" if tags else ""
    return f"---\ntitle: {title}\ndate: {date}\n{tag_line}{extra}---\n\n{body}\n"


SITE = {
    "content/2026/02/a.md": md(
        "Уряд ухвалив бюджет", "2026-02-10 09:00", "[economy]", body="Бюджет на рік.\n\nДалі."
    ),
    "content/2026/02/b.md": md("Переговори в Брюсселі", "2026-02-10 12:00", "[diplomacy, economy]"),
    "content/2026/02/c.txt": "date 2026-02-11 Діалог про мир триває.\n\nСторони говорили.\n",
    "content/2026/02/d.md": md("Театр відкрив сезон", "2026-02-11", body="Прем'єра в суботу."),
    "content/2026/02/e.md": md("Ціни на пальне", "2026-02-12 08:00", "[economy]"),
    "content/2026/12/f.md": md("Новина з майбутнього", "2026-12-01", "[economy]"),
    "content/2026/02/g.md": md("Чернетка", "2026-02-12", "[economy]", extra="draft: true\n"),
}


def write(site: Path, rel: str, text: str) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def replace_in(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_body(site: Path) -> None:
    replace_in(site, "content/2026/02/a.md", "Далі.", "Далі. Доповнено вдень.")


def edit_title(site: Path) -> None:
    replace_in(site, "content/2026/02/b.md", "Переговори в Брюсселі", "Переговори у Варшаві")


def delete_article(site: Path) -> None:
    (site / "content/2026/02/c.txt").unlink()


def rename_file(site: Path) -> None:
    (site / "content/2026/02/archive").mkdir()
    os.rename(site / "content/2026/02/a.md", site / "content/2026/02/archive/a-renamed.md")


def retag(site: Path) -> None:
    replace_in(site, "content/2026/02/b.md", "[diplomacy, economy]", "[culture]")


def untag_to_keywords(site: Path) -> None:
    replace_in(site, "content/2026/02/e.md", "tags: [economy]\n", "")
    replace_in(site, "content/2026/02/e.md", "Текст.", "Гривня подешевшала.")


def move_date(site: Path) -> None:
    replace_in(site, "content/2026/02/a.md", "2026-02-10 09:00", "2026-02-13 10:00")


def empty_a_day(site: Path) -> None:
    replace_in(site, "content/2026/02/c.txt", "2026-02-11", "2026-02-10")
    replace_in(site, "content/2026/02/d.md", "2026-02-11", "2026-02-12")


def add_article(site: Path) -> None:
    write(site, "content/2026/02/h.md", md("Новий день", "2026-02-09 07:00", "[diplomacy]"))


def collide_slugs(site: Path) -> None:
    write(site, "content/2026/02/a2.md", md("Уряд ухвалив бюджет", "2026-02-10 18:00"))


def publish_draft(site: Path) -> None:
    replace_in(site, "content/2026/02/g.md", "draft: true\n", "")


def change_keywords(site: Path) -> None:
    replace_in(site, "site.yaml", "keywords: [діалог, переговор, НАТО]", "keywords: [театр]")


def change_site_title(site: Path) -> None:
    replace_in(site, "site.yaml", "title: Тестовий дайджест", "title: Ранковий дайджест")


def change_per_page(site: Path) -> None:
    replace_in(site, "site.yaml", "per_page: 2", "per_page: 1")


def override_template(site: Path) -> None:
    write(
        site,
        "themes/default/templates/article.html",
        '{% extends "!default/article.html" %}{% block head %}'
        '<meta name="edited" content="yes">{% endblock %}',
    )


def override_stylesheet(site: Path) -> None:
    write(site, "themes/default/static/style.css", "body { color: #222; }\n")


# In an order in which each edit still finds the files it changes, for the run of all.
EDITS: dict[str, Callable[[Path], None]] = {
    "body": edit_body,
    "title": edit_title,
    "retag": retag,
    "untag-to-keywords": untag_to_keywords,
    "date-move": move_date,
    "empty-a-day": empty_a_day,
    "delete": delete_article,
    "new-article": add_article,
    "slug-collision": collide_slugs,
    "publish-draft": publish_draft,
    "topic-keywords": change_keywords,
    "site-title": change_site_title,
    "per-page": change_per_page,
    "template": override_template,
    "stylesheet": override_stylesheet,
    "rename": rename_file,
}


def verified(site: Path, now_offset: timedelta = timedelta()) -> BuildResult:
    result, differences = verify(site, BuildOptions(now=NOW + now_offset))
    assert differences == []
    return result


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EDITS))
def test_verify_passes_after_each_kind_of_edit(make_site: MakeSite, name: str) -> None:
    site = make_site(SITE, config=CONFIG)
    verified(site)
    EDITS[name](site)
    result = verified(site)
    if name == "rename":  # the path shows nowhere in the output: the same bytes result
        assert (result.parsed, result.changed, result.removed) == (1, 0, 0)
    else:
        assert result.changed + result.removed > 0, "the edit changed nothing in the output"


@pytest.mark.slow
def test_verify_passes_after_every_edit_in_turn(make_site: MakeSite) -> None:
    """One site through all the edits: the staging folder holds the build before last, so
    a long run of builds is where stale files would pile up."""
    site = make_site(SITE, config=CONFIG)
    verified(site)
    for edit in EDITS.values():
        edit(site)
        verified(site)
    # And back: an edit that returns a file to bytes the cache has seen before.
    replace_in(site, "content/2026/02/archive/a-renamed.md", " Доповнено вдень.", "")
    verified(site)


@pytest.mark.slow
def test_edits_show_up_where_a_reader_looks(make_site: MakeSite) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    move_date(site)
    edit_title(site)
    retag(site)
    build_at_now(site)
    assert not (site / "_site/2026/02/10/uriad-ukhvalyv-biudzhet").exists()
    assert "Уряд ухвалив бюджет" not in read(site, "2026/02/10/index.html")
    assert "Уряд ухвалив бюджет" in read(site, "2026/02/13/index.html")
    assert "Переговори у Варшаві" in read(site, "tags/culture/index.html")
    assert "Переговори у Варшаві" not in read(site, "tags/diplomacy/index.html")
    assert "Переговори у Варшаві" in read(site, "index.html") + read(site, "page/2/index.html")


@pytest.mark.slow
def test_time_passing_publishes_a_future_article(make_site: MakeSite) -> None:
    site = make_site(SITE, config=CONFIG)
    result = verified(site)
    assert "Новина з майбутнього" not in {a.title for a in result.site.articles}
    result = verified(site, now_offset=timedelta(days=7))
    assert result.parsed == 0  # nothing was read again: only the calendar moved
    assert "Новина з майбутнього" in read(site, "2026/12/01/index.html")


@pytest.mark.slow
def test_build_verify_on_the_command_line(make_site: MakeSite) -> None:
    site = make_site(SITE, config=CONFIG)
    first = run_cli("build", "-s", str(site), "--verify")
    assert first.exit_code == 0, first.output
    assert "Verified: a build from scratch gives the same" in first.output
    edit_title(site)
    again = run_cli("build", "-s", str(site), "--verify", "-q")
    assert again.exit_code == 0, again.output
    assert again.output == ""


@pytest.mark.slow
def test_build_verify_fails_listing_the_files_that_differ(make_site: MakeSite) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    # Change a page behind digest's back, keeping its size, time and inode: the cache has
    # no way to see it, so only --verify can.
    page = site / "_site/2026/02/11/index.html"
    stat = page.stat()
    data = page.read_bytes()
    with open(page, "r+b") as f:
        f.write(data.replace(b"<html", b"<HTML", 1))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = run_cli("build", "-s", str(site), "--verify")
    assert result.exit_code == 1
    assert "error: --verify: 2026/02/11/index.html: differs from a build from scratch" in (
        result.output
    )
    assert "--verify: 1 files differ from a build from scratch" in result.output


@pytest.mark.slow
def test_a_deleted_output_file_is_written_again(make_site: MakeSite) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    (site / "_site/2026/02/11/index.html").unlink()
    shutil.rmtree(site / "_site/tags/diplomacy")
    result = build_at_now(site)
    assert result.parsed == 0
    assert "Театр відкрив сезон" in read(site, "2026/02/11/index.html")
    assert "Переговори в Брюсселі" in read(site, "tags/diplomacy/index.html")
    verified(site)
