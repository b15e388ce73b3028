"""An edit build keeps the last build's pages from its records (page_plan.py) and knows the
live folder from the last build's listing (write.py): what it makes must still be what a
build from scratch makes, and what changed in the output behind digest's back must still
be found: pages edited or deleted there are made again, files the user put there stay."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import digest.write
from digest.build import BuildOptions
from digest.render import Page, SiteRenderer
from digest.verify import verify
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, build_at_now, read

CONFIG = BASIC_CONFIG + "per_page: 2\n"


def md(title: str, date: str, tags: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\n---\n\n{body}\n"


SITE = {
    "content/2026/02/a.md": md(
        "Уряд ухвалив бюджет", "2026-02-10 09:00", "[economy]", "Бюджет на рік.\n\nДалі."
    ),
    "content/2026/02/b.md": md(
        "Переговори в Брюсселі", "2026-02-10 12:00", "[diplomacy]", "Сторони говорили\u200b."
    ),
    "content/2026/02/c.md": md(
        "Театр відкрив сезон", "2026-02-11 10:00", "[culture]", "Прем'єра в суботу, кажуть."
    ),
    "content/2026/02/d.md": md(
        "Ціни на пальне", "2026-02-12 08:00", "[economy]", "Пальне подорожчало на гривню."
    ),
}
ARTICLE = "content/2026/02/a.md"


def edit_body(site: Path, sentence: str) -> None:
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + sentence + "\n", encoding="utf-8")


def same_as_from_scratch(site: Path) -> int:
    """Build (incrementally) and check it against a build from scratch; pages rendered."""
    result, differences = verify(site, BuildOptions(now=NOW))
    assert differences == []
    return result.rendered


@pytest.fixture
def recipes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a build went through every page's recipe (SiteRenderer.pages)."""
    calls: list[int] = []
    real = SiteRenderer.pages

    def counted(self: SiteRenderer) -> Iterator[Page]:
        calls.append(1)
        return real(self)

    monkeypatch.setattr(SiteRenderer, "pages", counted)
    return calls


def test_an_edited_body_makes_only_its_page_again(make_site: MakeSite, recipes: list[int]) -> None:
    site = make_site(SITE, config=CONFIG)
    same_as_from_scratch(site)
    edit_body(site, "Доповнено вдень: бюджет ухвалили ʼостаточноʼ.")
    recipes.clear()
    result = build_at_now(site)
    assert recipes == []  # the pages were those of the last build: no recipe but five
    assert result.rendered == 5  # its page, and the four feeds that carry its body
    assert "ʼостаточноʼ" in read(site, "2026/02/10/uriad-ukhvalyv-biudzhet/index.html")
    assert "ʼостаточноʼ" in read(site, "feed.xml")
    same_as_from_scratch(site)


def test_pages_changed_in_the_output_are_made_again(
    make_site: MakeSite, recipes: list[int]
) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    build_at_now(site)  # the live folder is now one a listing describes
    day = site / "_site/2026/02/11/index.html"
    day.write_text("зіпсовано", encoding="utf-8")
    shutil.rmtree(site / "_site/tags/diplomacy")
    (site / "_site/sitemap.xml").unlink()
    edit_body(site, "Ще одне речення.")
    recipes.clear()
    result = build_at_now(site)
    assert recipes == [1]  # the pages not as recorded were found among all pages
    # The edited article and the four feeds, the day, the topic's page and feed, the sitemap.
    assert result.rendered == 9
    assert "Театр відкрив сезон" in read(site, "2026/02/11/index.html")
    assert "Переговори в Брюсселі" in read(site, "tags/diplomacy/index.html")
    assert "uriad-ukhvalyv-biudzhet" in read(site, "sitemap.xml")
    same_as_from_scratch(site)


def test_feeds_not_carrying_the_edited_body_are_kept(
    make_site: MakeSite, recipes: list[int]
) -> None:
    site = make_site(SITE, config=CONFIG + "feeds: {limit: 1}\n")
    build_at_now(site)
    feed = (site / "_site/feed.xml").stat()
    edit_body(site, "Старе, у стрічках його вже немає.")
    recipes.clear()
    assert build_at_now(site).rendered == 1
    assert recipes == []
    assert (site / "_site/feed.xml").stat().st_ino == feed.st_ino  # the same file, kept
    same_as_from_scratch(site)


def test_a_new_model_makes_every_recipe(make_site: MakeSite, recipes: list[int]) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    path = site / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("бюджет", "кошторис", 1))
    recipes.clear()
    build_at_now(site)
    assert recipes == [1]
    assert "Уряд ухвалив кошторис" in read(site, "2026/02/10/index.html")
    same_as_from_scratch(site)


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders a build walked whole (digest.write._walk)."""
    walked: list[Path] = []
    real = digest.write._walk

    def counted(root: Path) -> tuple[dict[str, int], set[str]]:
        walked.append(Path(root))
        return real(root)

    monkeypatch.setattr(digest.write, "_walk", counted)
    return walked


def test_files_put_into_the_output_stay_without_a_walk(
    make_site: MakeSite, walks: list[Path]
) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    build_at_now(site)
    out = site / "_site"
    (out / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    (out / "2026/02/11/note.txt").write_text("примітка редактора\n", encoding="utf-8")
    (out / "2026/02/10/uriad-ukhvalyv-biudzhet/scan.pdf").write_bytes(b"%PDF-1.4 \x00\xff")
    extra = out / "extra/deep"
    extra.mkdir(parents=True)
    (extra / "data.json").write_text('{"ok": true}', encoding="utf-8")
    # Copied in with its times kept (rsync -a, cp -p): the folder's mtime says nothing new.
    folder = out / "2026/02/12"
    before = folder.stat()
    (folder / "kept.txt").write_text("скопійовано", encoding="utf-8")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    edit_body(site, "Речення для правки.")
    walks.clear()
    build_at_now(site)
    assert walks == [out / "extra"]  # only the new folder was walked; the rest was stat'ed
    for _ in range(2):  # and they stay in the builds after (the staging folder had none)
        assert read(site, "CNAME") == "news.example.org\n"
        assert read(site, "2026/02/11/note.txt") == "примітка редактора\n"
        assert (out / "2026/02/10/uriad-ukhvalyv-biudzhet/scan.pdf").read_bytes()[:4] == b"%PDF"
        assert read(site, "extra/deep/data.json") == '{"ok": true}'
        assert read(site, "2026/02/12/kept.txt") == "скопійовано"
        edit_body(site, "І ще.")
        build_at_now(site)
    (out / "2026/02/11/note.txt").unlink()
    shutil.rmtree(out / "extra")
    build_at_now(site)
    assert not (out / "2026/02/11/note.txt").exists()
    assert not (out / "extra").exists()
    assert read(site, "CNAME") == "news.example.org\n"
    same_as_from_scratch(site)


def test_a_folder_replaced_in_the_output_is_looked_at_anew(
    make_site: MakeSite, walks: list[Path]
) -> None:
    site = make_site(SITE, config=CONFIG)
    build_at_now(site)
    build_at_now(site)
    out = site / "_site"
    day = out / "2026/02/11"
    shutil.move(day, site / "old-day")
    day.mkdir()
    (day / "user.txt").write_text("своє", encoding="utf-8")
    edit_body(site, "Правка.")
    build_at_now(site)
    assert read(site, "2026/02/11/user.txt") == "своє"
    assert "Театр відкрив сезон" in read(site, "2026/02/11/index.html")
    assert "Театр відкрив сезон" in read(site, "2026/02/11/teatr-vidkryv-sezon/index.html")
    same_as_from_scratch(site)


def test_where_links_fail_the_kept_pages_are_copied(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a filesystem without hard links each kept page is a copy: its record must say
    so, or the next build would take every page for changed behind its back."""
    site = make_site(SITE, config=CONFIG)

    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    build_at_now(site)
    build_at_now(site)
    shutil.rmtree(site / ".digest-cache/output")  # the staging folder: every page copied
    edit_body(site, "Без посилань.")
    assert build_at_now(site).rendered == 5
    edit_body(site, "І знову.")
    assert build_at_now(site).rendered == 5  # the copies were recorded as they are
    same_as_from_scratch(site)
