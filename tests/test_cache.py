"""The build cache: unchanged articles are not read again, unchanged pages not rendered again,
changed templates and settings invalidate what they touch, and a cache written by another
version of digest is never trusted."""

from __future__ import annotations

import dataclasses
import os
import pickle
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import digest
import digest.build
from digest.build import BuildOptions, Staged
from digest.errors import Problem
from digest.fingerprints import code_fingerprint
from digest.sources import Entry
from digest.verify import verify
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, build_at_now, override_article_head, read


def md(title: str, date: str, tags: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\n---\n\n{body}\n"


SITE = {
    "content/a.md": md("Уряд ухвалив бюджет", "2026-02-10 09:00", "[economy]", "Бюджет на рік."),
    "content/b.md": md("Переговори в Брюсселі", "2026-02-11 12:00", "[diplomacy]", "Тривають."),
    "content/c.txt": "date 2026-02-11 Діалог про мир.\n\nСторони говорили.\n",
}
ARTICLE_PAGE = "2026/02/10/uriad-ukhvalyv-biudzhet/index.html"


def files_of(site: Path) -> dict[str, tuple[int, int]]:
    """Every output file with its inode and mtime: what a deploy compares."""
    out = site / "_site"
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def changed_between(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> set[str]:
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


@pytest.fixture
def fresh_code_fingerprint() -> Iterator[None]:
    """code_fingerprint() is computed once per process: let a test change the version."""
    code_fingerprint.cache_clear()
    yield
    code_fingerprint.cache_clear()


def test_a_second_build_reads_renders_and_writes_nothing(make_site: MakeSite) -> None:
    site = make_site(SITE)
    first = build_at_now(site)
    assert first.parsed == 3
    before = files_of(site)
    again = build_at_now(site)
    assert (again.parsed, again.rendered, again.changed, again.removed) == (0, 0, 0, 0)
    assert files_of(site) == before
    assert again.summary().startswith("3 articles, 2 days, 2 topics, 0 untagged")
    assert [a.title for a in again.site.articles] == [a.title for a in first.site.articles]


def test_a_body_edit_renders_its_page_and_the_full_text_feeds_only(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    before = files_of(site)
    path = site / "content/a.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nНовий абзац.\n", encoding="utf-8")
    result = build_at_now(site)
    assert result.parsed == 1
    assert result.rendered == 5  # the article page and the four feeds carrying its body
    assert "Новий абзац." in read(site, ARTICLE_PAGE)
    assert changed_between(before, files_of(site)) == {
        ARTICLE_PAGE,
        "feed.xml",
        "rss.xml",
        "feed.json",
        "tags/economy/feed.xml",
    }


def test_touching_files_without_changing_them_reads_nothing(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    before = files_of(site)
    for path in (site / "content").iterdir():
        os.utime(path, ns=(1_900_000_000_000_000_000, 1_900_000_000_000_000_000))
    result = build_at_now(site)
    assert (result.parsed, result.rendered) == (0, 0)
    assert files_of(site) == before


@pytest.mark.slow
def test_a_template_change_renders_the_pages_that_use_it(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    before = files_of(site)
    override_article_head(site, '<meta name="edition" content="evening">')
    result = build_at_now(site)
    assert result.parsed == 0
    assert result.rendered == 3  # the three article pages, nothing else
    assert '<meta name="edition" content="evening">' in read(site, ARTICLE_PAGE)
    changed = changed_between(before, files_of(site))
    assert changed == {rel for rel in before if rel.count("/") == 4 and rel.endswith(".html")}


@pytest.mark.slow
def test_a_change_to_the_base_template_renders_every_page(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    before = files_of(site)
    base = site / "themes/default/templates/base.html"
    base.parent.mkdir(parents=True)
    builtin = Path(digest.__file__).parent / "themes/default/templates/base.html"
    base.write_text(builtin.read_text(encoding="utf-8") + "<!-- evening -->\n", encoding="utf-8")
    build_at_now(site)
    pages = {rel for rel in before if rel.endswith(".html")}
    assert pages <= changed_between(before, files_of(site))
    assert all(read(site, rel).endswith("<!-- evening -->\n") for rel in pages - {"404.html"})


@pytest.mark.slow
def test_settings_that_change_reading_read_again_the_rest_only_render(
    make_site: MakeSite,
) -> None:
    site = make_site(SITE)
    first = build_at_now(site)
    (site / "site.yaml").write_text(BASIC_CONFIG.replace("Тестовий", "Вечірній"), "utf-8")
    titled = build_at_now(site)
    assert (titled.parsed, titled.rendered) == (0, first.rendered)
    assert "Вечірній дайджест" in read(site, "index.html")
    (site / "site.yaml").write_text(BASIC_CONFIG + "raw_html: true\n", "utf-8")
    raw = build_at_now(site)
    assert raw.parsed == 3


def test_a_reader_setting_reads_again_files_long_unchanged(make_site: MakeSite) -> None:
    """An unchanged size and mtime vouch for a file only as read with the same settings:
    files a day old are read again when raw_html changes, and their raw HTML then shows."""
    site = make_site(
        {
            **SITE,
            "content/d.md": md(
                "Сирий HTML", "2026-02-11 15:00", "[economy]", '<iframe src="https://x"></iframe>'
            ),
        }
    )
    day_ago = NOW.timestamp() - 86_400
    for path in (site / "content").iterdir():
        os.utime(path, (day_ago, day_ago))
    build_at_now(site)
    assert build_at_now(site).parsed == 0  # trusted by their stat now
    page = "2026/02/11/syryi-html/index.html"
    assert "<iframe" not in read(site, page)
    (site / "site.yaml").write_text(BASIC_CONFIG + "raw_html: true\n", "utf-8")
    assert build_at_now(site).parsed == 4
    assert '<iframe src="https://x"></iframe>' in read(site, page)


def tamper(site: Path, title: str) -> None:
    """Replace every cached entry by one with another title, and forget the grouped model
    and what was written, so the next build has to use the entries."""
    db = sqlite3.connect(site / ".digest-cache/cache.sqlite3")
    for key, blob in db.execute("SELECT key, entry FROM entries").fetchall():
        entry, problems, links = pickle.loads(blob)
        forged: Entry = dataclasses.replace(entry, title=title)
        db.execute(
            "UPDATE entries SET entry = ? WHERE key = ?",
            (pickle.dumps((forged, problems, links)), key),
        )
    db.execute("DELETE FROM models")
    db.execute("DELETE FROM generations")
    db.commit()
    db.close()


@pytest.mark.slow
def test_a_cache_from_another_version_is_never_read(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, fresh_code_fingerprint: None
) -> None:
    site = make_site(SITE)
    build_at_now(site)
    tamper(site, "Підроблений заголовок")
    trusted = build_at_now(site)  # same version: the cache is believed (that is its job)
    assert trusted.parsed == 0
    assert "Підроблений заголовок" in read(site, "tags/economy/index.html")

    tamper(site, "Підроблений заголовок")
    monkeypatch.setattr(digest, "__version__", "99.0")
    code_fingerprint.cache_clear()
    upgraded = build_at_now(site)
    assert upgraded.parsed == 3
    assert "Підроблений заголовок" not in read(site, "tags/economy/index.html")
    assert "Уряд ухвалив бюджет" in read(site, "tags/economy/index.html")


@pytest.mark.slow
def test_a_damaged_cache_is_started_again(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    for name in os.listdir(site / ".digest-cache"):
        if name.startswith("cache.sqlite3"):
            (site / ".digest-cache" / name).write_bytes(b"not a database" * 100)
    result = build_at_now(site)
    assert result.parsed == 3
    assert "Бюджет на рік." in read(site, ARTICLE_PAGE)


def test_the_cache_folder_ignores_itself_in_git(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    assert (site / ".digest-cache/.gitignore").read_text(encoding="utf-8").endswith("\n*\n")


def test_the_model_keeps_no_bodies_but_every_page_and_feed_has_them(make_site: MakeSite) -> None:
    """Memory does not grow with bodies: the model holds none, pages load theirs."""
    site = make_site(SITE)
    result = build_at_now(site)
    assert {a.body_html for a in result.site.articles} == {""}
    assert "<p>Бюджет на рік.</p>" in read(site, ARTICLE_PAGE)
    assert "Бюджет на рік." in read(site, "feed.xml")
    assert "Бюджет на рік." in read(site, "tags/economy/feed.xml")


@pytest.mark.slow
def test_a_cache_of_another_output_folder_does_not_mislead(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE)
    first = build_at_now(site)
    elsewhere = tmp_path / "elsewhere"
    result = build_at_now(site, output_dir=elsewhere)
    assert (result.parsed, result.rendered) == (0, first.rendered)
    assert (elsewhere / ARTICLE_PAGE).read_bytes() == (site / "_site" / ARTICLE_PAGE).read_bytes()
    assert build_at_now(site).rendered == 0


@pytest.mark.slow
def test_steps_after_writing_see_the_whole_new_site_and_their_warnings_stay(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post-write step (Pagefind's place) reads the complete new site before it goes
    live, without pages of older builds; its warnings are said again by a build that finds
    nothing to do."""
    seen: list[set[str]] = []

    def step(staged: Staged) -> tuple[list[tuple[str, bytes]], list[Problem]]:
        pages = {p.relative_to(staged.folder).as_posix() for p in staged.folder.rglob("*.html")}
        seen.append(pages)
        return [("extra/notes.txt", b"%d pages" % len(pages))], [
            Problem("site.yaml", None, "the step says hello")
        ]

    monkeypatch.setattr(digest.build, "POST_WRITE_STEPS", [("a step", step)])
    site = make_site(SITE)
    first = build_at_now(site)
    (site / "content/c.txt").unlink()
    second = build_at_now(site)
    third = build_at_now(site)  # nothing changed: the step does not run again
    out = site / "_site"
    assert seen[1] == {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert "2026/02/11/dialoh-pro-myr/index.html" in seen[0] - seen[1]
    assert len(seen) == 2
    assert read(site, "extra/notes.txt") == f"{len(seen[1])} pages"
    for result in (first, second, third):
        assert [str(w) for w in result.warnings] == ["site.yaml: the step says hello"]


@pytest.mark.slow
def test_a_cache_damaged_inside_is_started_again(make_site: MakeSite) -> None:
    site = make_site(SITE)
    build_at_now(site)
    database = site / ".digest-cache/cache.sqlite3"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    (site / "content/a.md").write_text(md("Новий заголовок", "2026-02-10", "[economy]", "Так."))
    result, differences = verify(site, BuildOptions(now=NOW))
    assert differences == []
    assert "Новий заголовок" in read(site, "tags/economy/index.html")
    assert result.parsed >= 1


@pytest.mark.slow
def test_a_wire_story_edit_renders_its_page_unless_its_keyword_topics_change(
    make_site: MakeSite,
) -> None:
    """Grouping reads a wire story's text only for the topics keyword rules find in it: a
    body edit that keeps them (and the lede) changes no page but the story's own."""
    site = make_site(
        {**SITE, "content/c.txt": "date 2026-02-11 Новина дня.\n\nСторони.\n\nДалі.\n"}
    )
    build_at_now(site)
    story = site / "content/c.txt"
    story.write_text(story.read_text().replace("Далі.", "Далі буде."), encoding="utf-8")
    result = build_at_now(site)
    assert (result.parsed, result.rendered) == (1, 4)  # with the site's three feeds
    assert "Далі буде." in read(site, "2026/02/11/novyna-dnia/index.html")

    # A keyword in the body of a story whose headline and lede match none: it joins that
    # topic's page.
    story.write_text(story.read_text().replace("Далі буде.", "Бюджет ухвалять."), "utf-8")
    result = build_at_now(site)
    assert result.rendered > 1
    assert "Новина дня" in read(site, "tags/economy/index.html")
    result, differences = verify(site, BuildOptions(now=NOW))
    assert differences == []


def test_a_prefixed_fingerprint_is_the_fingerprint_of_all_its_parts() -> None:
    # Page keys hash their shared prefix once (Fingerprinter); a key must not depend on
    # how it was computed, or a build would take every page for changed.
    from digest.fingerprints import Fingerprinter, fingerprint

    prefix = (b"\x00model", "налаштування ʼ’'", "")
    keys = Fingerprinter(*prefix)
    for parts in [(), ("a/index.html",), ("2026/11/x/index.html", b"body key"), ("\ud800",)]:
        assert keys(*parts) == fingerprint(*prefix, *parts)
    # An edit build checks a key per page the quick way (path_key): the same keys.
    assert keys.path_key("2026/11/x/index.html") == keys("2026/11/x/index.html")
    assert keys.path_key("ї/\ud800", b"body key") == keys("ї/\ud800", b"body key")
    # Parts cannot run together: moving a byte between parts changes the key.
    assert Fingerprinter(b"ab")(b"c") != Fingerprinter(b"a")(b"bc")


def test_an_article_page_key_names_the_site_its_path_and_its_body(make_site: MakeSite) -> None:
    from digest.fingerprints import fingerprint
    from digest.render import SiteRenderer
    from digest.theme import Theme

    site_dir = make_site(
        {"content/2026/02/a.md": md("Нова ʼсесія", "2026-02-10 09:00", "[politics]", "Текст.")}
    )
    result = build_at_now(site_dir)
    model = result.site

    class Bodies:
        def key(self, article: object) -> bytes:
            return b"body-key"

        def load(self, article: object) -> str:
            return "<p>Текст.</p>"

    renderer = SiteRenderer(model, Theme(model.config), Bodies(), b"model", b"theme")
    article = model.articles[0]
    page = renderer.article_page(article, model.days[0])
    site_key = fingerprint(b"model", b"theme")
    assert page.key == fingerprint(site_key, renderer.settings, page.path, b"body-key")
