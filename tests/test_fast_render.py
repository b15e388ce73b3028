"""A save that changes the model (a title, a summary, tags) puts the article's own page
live at once from the session's last model (fast_render.py); the whole build follows and
leaves exactly what `digest build` writes. A build that gives way to a newer change leaves
the live site as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.build import BuildCancelled, BuildOptions, BuildSession, build
from digest.deferred_index import make_deferred_index
from digest.fast_render import fast_render
from tests.conftest import NOW, MakeSite, read
from tests.test_session import SEARCH_CONFIG, fresh_build_differences, indexed_text, stamps

SITE = {
    "content/a.md": "---\ntitle: Уряд ухвалив бюджет\ndate: 2026-02-10 09:00\n"
    "tags: [economy]\n---\n\nБюджет на рік.\n",
    "content/b.md": "---\ntitle: Театр відкрив сезон\ndate: 2026-02-11 10:00\n"
    "tags: [culture]\n---\n\nПрем’єра в суботу.\n\nКвитки в касі.\n",
    "content/c.md": "---\ntitle: Музей відкрив виставку\ndate: 2026-02-11 12:00\n"
    "slug: muzei\n---\n\nВиставка про театр.\n",
}
OLD_PAGE = "2026/02/11/teatr-vidkryv-sezon/index.html"
NEW_PAGE = "2026/02/11/teatr-zakryv-sezon-zebrahusak/index.html"


def preview_options(session: BuildSession) -> BuildOptions:
    return BuildOptions(now=NOW, session=session, defer_search=True, fast_render=True)


def test_a_new_title_is_on_the_articles_page_at_once_and_everywhere_after_the_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    options = preview_options(session)
    build(site, options)
    before = stamps(site)
    source = site / "content/b.md"
    source.write_text(
        source.read_text().replace("Театр відкрив сезон", "Театр закрив сезон\u200b зебрагусак"),
        "utf-8",
    )

    result = fast_render(site, options, [source])
    assert result is not None and (result.parsed, result.rendered) == (1, 1)
    assert result.moved == (
        ("2026/02/11/teatr-vidkryv-sezon/", "2026/02/11/teatr-zakryv-sezon-zebrahusak/"),
    )
    page = read(site, NEW_PAGE)
    assert "<title>Театр закрив сезон" in page and "Квитки в касі." in page
    after = stamps(site)
    assert {p for p in after if after[p] != before.get(p)} == {NEW_PAGE, ".digest-manifest.json"}
    # The day page still lists the old title until the whole build; the index follows now.
    assert "Театр відкрив сезон" in read(site, "2026/02/11/index.html")
    assert session.search_stale and session.fast is not None
    assert make_deferred_index(session).state == "done"
    assert "зебрагусак" in indexed_text(site) and "Театр закрив сезон" in indexed_text(site)

    # A second save folds into the same owed build: both edits stay live and searchable.
    other = site / "content/c.md"
    other.write_text(other.read_text().replace("Музей відкрив", "Музей зачинив"), "utf-8")
    assert fast_render(site, options, [other]) is not None
    assert "Музей зачинив виставку" in read(site, "2026/02/11/muzei/index.html")
    assert make_deferred_index(session).state == "done"
    assert "зебрагусак" in indexed_text(site) and "зачинив" in indexed_text(site)

    # The whole build owed: every page shows the new titles, and it is `digest build`'s site.
    build(site, options)
    assert session.fast is None
    assert make_deferred_index(session).state == "done"
    assert "Театр закрив сезон" in read(site, "2026/02/11/index.html")
    assert "Театр закрив сезон" in read(site, "index.html")
    assert "Музей зачинив виставку" in read(site, "feed.xml")
    assert not (site / "_site" / OLD_PAGE).exists()
    assert fresh_build_differences(site, tmp_path) == []
    again = build(site, BuildOptions(now=NOW))
    assert (again.changed, again.rendered) == (0, 0)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("b.md", "date: 2026-02-11 10:00", "date: 2026-02-12 10:00"),  # another day
        ("b.md", "date: 2026-02-11 10:00", "date: 2026-02-11 13:00"),  # another place in it
        ("b.md", "date: 2026-02-11 10:00", "date: 11/02"),  # broken: the build says why
        ("b.md", "title: Театр відкрив сезон", "title: Музей відкрив виставку\nslug: muzei"),
    ],
)
def test_edits_that_move_an_article_take_the_whole_build(
    make_site: MakeSite, name: str, old: str, new: str
) -> None:
    site = make_site(SITE)
    options = preview_options(BuildSession())
    build(site, options)
    source = site / "content" / name
    source.write_text(source.read_text().replace(old, new), "utf-8")
    assert fast_render(site, options, [source]) is None


def test_a_new_article_on_a_day_the_site_has_is_served_and_found_before_the_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    options = preview_options(session)
    build(site, options)
    new = site / "content/d.md"
    new.write_text(
        "---\ntitle: Зебрагусак прибув до зоопарку\ndate: 2026-02-11 18:00\n---\n\nТекст.\n",
        encoding="utf-8",
    )
    result = fast_render(site, options, [new])
    assert result is not None and (result.parsed, result.rendered, result.moved) == (1, 1, ())
    page = read(site, "2026/02/11/zebrahusak-prybuv-do-zooparku/index.html")
    assert "<title>Зебрагусак прибув до зоопарку" in page
    assert "Зебрагусак" not in read(site, "2026/02/11/index.html")  # until the whole build
    assert make_deferred_index(session).state == "done"
    assert "зебрагусак" in indexed_text(site)
    build(site, options)
    make_deferred_index(session)
    assert "Зебрагусак прибув" in read(site, "2026/02/11/index.html")
    assert fresh_build_differences(site, tmp_path) == []


def test_new_days_drafts_and_deleted_articles_take_the_whole_build(make_site: MakeSite) -> None:
    site = make_site(SITE)
    options = preview_options(BuildSession())
    build(site, options)
    new = site / "content/d.md"
    new.write_text("---\ntitle: Нове\ndate: 2026-02-12\n---\n\nТекст.\n", encoding="utf-8")
    assert fast_render(site, options, [new]) is None  # a day the site has no page for yet
    new.write_text("---\ntitle: Нове\ndate: 2026-02-11\ndraft: true\n---\n\nТекст.\n", "utf-8")
    assert fast_render(site, options, [new]) is None
    gone = site / "content/a.md"
    gone.unlink()
    assert fast_render(site, options, [gone]) is None


def test_a_build_that_gives_way_leaves_the_site_and_the_session_as_they_were(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    options = preview_options(session)
    build(site, options)
    source = site / "content/b.md"
    source.write_text(source.read_text().replace("відкрив сезон", "закрив сезон"), "utf-8")
    assert fast_render(site, options, [source]) is not None
    fast, before = session.fast, stamps(site)

    def give_way_at(asked: int) -> None:
        calls = 0

        def newer_change() -> bool:
            nonlocal calls
            calls += 1
            return calls >= asked

        session.cancelled = newer_change

    give_way_at(1)
    with pytest.raises(BuildCancelled):
        build(site, options)
    assert stamps(site) == before
    assert session.fast is fast and session.last is not None and session.behind
    # The save after it still goes fast, on top of the first.
    session.cancelled = lambda: False
    source.write_text(source.read_text().replace("закрив сезон", "зачинив сезон"), "utf-8")
    assert fast_render(site, options, [source]) is not None
    assert "Театр зачинив сезон" in read(site, "2026/02/11/teatr-zachynyv-sezon/index.html")
    before = stamps(site)
    for asked in range(1, 50):  # give way at each point the build asks, till it completes
        give_way_at(asked)
        try:
            build(site, options)
        except BuildCancelled:
            assert stamps(site) == before, f"changed when giving way at check {asked}"
            assert session.fast is not None and session.last is not None and session.behind
            continue
        break
    assert asked > 3  # it asked after reading, grouping, writing and the search index
    assert not session.behind and session.fast is None
    make_deferred_index(session)
    assert fresh_build_differences(site, tmp_path) == []
