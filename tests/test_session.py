"""A process that builds again and again (serve, build --watch) keeps a BuildSession: the
compiled theme between builds, and a search index it may make after the reload. What the
reader sees must be what a build from scratch gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.build import BuildOptions, BuildSession, build
from digest.deferred_index import make_deferred_index
from digest.quick_edit import quick_build
from digest.verify import compare_outputs
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, override_article_head, read

SITE = {
    "content/a.md": "---\ntitle: Уряд ухвалив бюджет\ndate: 2026-02-10 09:00\n"
    "tags: [economy]\n---\n\nБюджет на рік.\n",
    "content/b.txt": "date 2026-02-11 Театр відкрив сезон\n\nПрем'єра в суботу.\n",
}
SEARCH_CONFIG = BASIC_CONFIG.replace("search: false", "search: true")


def fresh_build_differences(site: Path, tmp: Path) -> list[str]:
    fresh = tmp / "fresh"
    build(site, BuildOptions(now=NOW, output_dir=fresh, cache_dir=tmp / "fresh-cache"))
    return compare_outputs(site / "_site", fresh)


def indexed_text(site: Path) -> str:
    """Everything the search index holds (its JSON files, terms and excerpts)."""
    files = sorted((site / "_site/search/index").rglob("*.json"))
    return "".join(f.read_text(encoding="utf-8") for f in files)


@pytest.mark.slow
def test_a_session_compiles_the_theme_once_and_again_when_it_changes(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE)
    options = BuildOptions(now=NOW, session=BuildSession())
    build(site, options)
    first = options.session.theme(build(site, options).config)[0]  # type: ignore[union-attr]
    (site / "content/b.txt").write_text(
        "date 2026-02-11 Театр відкрив сезон\n\nПрем'єра в неділю.\n", encoding="utf-8"
    )
    result = build(site, options)
    assert options.session.theme(result.config)[0] is first  # type: ignore[union-attr]
    assert "Прем&#39;єра в неділю" in read(site, "2026/02/11/teatr-vidkryv-sezon/index.html")

    # A template of the site's own theme appears, then changes: every page follows.
    template = override_article_head(site, '<meta name="edition" content="first">')
    build(site, options)
    assert '<meta name="edition" content="first">' in read(
        site, "2026/02/10/uriad-ukhvalyv-biudzhet/index.html"
    )
    template.write_text(template.read_text().replace("first", "second"), encoding="utf-8")
    build(site, options)
    page = read(site, "2026/02/10/uriad-ukhvalyv-biudzhet/index.html")
    assert '<meta name="edition" content="second">' in page
    assert fresh_build_differences(site, tmp_path) == []

    # The theme's words follow the site's language.
    config = site / "site.yaml"
    config.write_text(config.read_text().replace("language: uk", "language: en"), "utf-8")
    build(site, options)
    assert 'lang="en"' in read(site, "index.html")
    assert fresh_build_differences(site, tmp_path) == []


def test_a_deferred_search_index_is_stale_until_the_next_build(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    build(site, BuildOptions(now=NOW, session=session))
    assert "зебрагусак" not in indexed_text(site)
    before = {p: p.read_bytes() for p in (site / "_site/search/index").rglob("*") if p.is_file()}

    (site / "content/b.txt").write_text(
        "date 2026-02-11 Театр відкрив сезон\n\nПрем'єра: зебрагусак.\n", encoding="utf-8"
    )
    deferred = BuildOptions(now=NOW, session=session, defer_search=True)
    build(site, deferred)
    # The page has the edit at once; the index is the old one, byte for byte.
    assert "зебрагусак" in read(site, "2026/02/11/teatr-vidkryv-sezon/index.html")
    after = {p: p.read_bytes() for p in (site / "_site/search/index").rglob("*") if p.is_file()}
    assert after == before
    assert session.search_stale

    # The next build makes the index even though no page changed since.
    result = build(site, BuildOptions(now=NOW, session=session))
    assert not session.search_stale
    assert result.changed > 0
    assert "зебрагусак" in indexed_text(site)
    # And then there is nothing left to do.
    assert build(site, BuildOptions(now=NOW, session=session)).changed == 0


def test_a_deferred_build_without_an_index_yet_makes_one(make_site: MakeSite) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    build(site, BuildOptions(now=NOW, session=session, defer_search=True))
    assert "Прем" in indexed_text(site)
    assert not session.search_stale


def test_a_deferred_index_is_made_alone_then_a_build_has_nothing_to_do(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    build(site, BuildOptions(now=NOW, session=session))
    deferred = BuildOptions(now=NOW, session=session, defer_search=True)
    (site / "content/b.txt").write_text(
        "date 2026-02-11 Театр відкрив сезон\n\nПрем'єра: зебрагусак.\n", encoding="utf-8"
    )
    build(site, deferred)
    assert "зебрагусак" not in indexed_text(site)

    update = make_deferred_index(session)
    assert (update.state, session.pending) == ("done", None)
    assert update.written > 0
    assert "зебрагусак" in indexed_text(site)
    assert fresh_build_differences(site, tmp_path) == []
    # The output is complete as it is: another build (this process or a new one) keeps it.
    assert build(site, BuildOptions(now=NOW, session=session)).changed == 0
    again = build(site, BuildOptions(now=NOW))
    assert (again.changed, again.rendered, again.parsed) == (0, 0, 0)

    # A deleted article leaves the index the same way.
    (site / "content/b.txt").unlink()
    build(site, deferred)
    assert "зебрагусак" in indexed_text(site)
    assert make_deferred_index(session).state == "done"
    assert "зебрагусак" not in indexed_text(site)
    assert fresh_build_differences(site, tmp_path / "after-delete") == []
    assert build(site, BuildOptions(now=NOW)).changed == 0


def test_a_cancelled_index_is_left_to_the_next_build_even_in_a_new_process(
    make_site: MakeSite,
) -> None:
    site = make_site(SITE, config=SEARCH_CONFIG)
    session = BuildSession()
    build(site, BuildOptions(now=NOW, session=session))
    (site / "content/a.md").write_text(
        SITE["content/a.md"].replace("Бюджет на рік.", "Бюджет: кенгурятник."), encoding="utf-8"
    )
    build(site, BuildOptions(now=NOW, session=session, defer_search=True))
    index = site / "_site/search/index"
    before = {p: p.read_bytes() for p in index.rglob("*") if p.is_file()}

    assert make_deferred_index(session, cancelled=lambda: True).state == "cancelled"
    asked = iter([False, True])  # a save arrives while the index is being made
    assert make_deferred_index(session, cancelled=lambda: next(asked)).state == "cancelled"
    assert {p: p.read_bytes() for p in index.rglob("*") if p.is_file()} == before
    assert session.search_stale

    # The preview stopped here (killed): a `digest build` does not take the site for done.
    result = build(site, BuildOptions(now=NOW))
    assert result.changed > 0 and "кенгурятник" in indexed_text(site)
    # The session's pending index is then superseded: nothing more to do.
    assert make_deferred_index(session).state == "superseded"
    assert not session.search_stale


def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(site / "_site").as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in (site / "_site").rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize("search", [True, False])
def test_a_body_edit_rewrites_only_what_shows_the_body(
    make_site: MakeSite, tmp_path: Path, search: bool
) -> None:
    # The first paragraph is the summary (in the model); an edit below it is the body's alone.
    files = {**SITE, "content/b.txt": SITE["content/b.txt"] + "\nКвитки в касі.\n"}
    site = make_site(files, config=SEARCH_CONFIG if search else BASIC_CONFIG)
    session = BuildSession()
    options = BuildOptions(now=NOW, session=session)
    build(site, options)
    before = stamps(site)
    source = site / "content/b.txt"
    source.write_text(source.read_text().replace("в касі", "в касі, зебрагусак"), "utf-8")

    result = quick_build(site, options, [source])
    assert result is not None
    assert (result.parsed, result.rendered) == (1, 1)
    assert "зебрагусак" in read(site, "2026/02/11/teatr-vidkryv-sezon/index.html")
    after = stamps(site)
    rewritten = {path for path in after if after[path] != before.get(path)}
    assert "2026/02/11/teatr-vidkryv-sezon/index.html" in rewritten
    assert "feed.xml" in rewritten  # the newest articles go into the feeds in full
    assert not rewritten & {"index.html", "2026/02/11/index.html", "sitemap.xml"}
    if search:
        assert "зебрагусак" in indexed_text(site) and not session.search_stale
        assert {p for p in rewritten if not p.startswith("search/")} == {
            "2026/02/11/teatr-vidkryv-sezon/index.html", "feed.xml", "rss.xml", "feed.json",
            "tags/culture/feed.xml",
        }  # fmt: skip
    assert fresh_build_differences(site, tmp_path) == []

    # The next save is as quick, whether the index was made at once or deferred.
    deferred = BuildOptions(now=NOW, session=session, defer_search=True)
    for n, how in enumerate([options, deferred, deferred, options]):
        source.write_text(source.read_text() + f"\nДописано {n}.\n", "utf-8")
        result = quick_build(site, how, [source])
        assert result is not None and result.rendered == 1
        assert session.search_stale == (search and how is deferred)
        if session.search_stale and n != 1:  # after save 1 the index waits: save 2 folds it
            assert make_deferred_index(session).state == "done"
    assert f"Дописано {n}." in read(site, "2026/02/11/teatr-vidkryv-sezon/index.html")
    assert fresh_build_differences(site, tmp_path / "again") == []
    # The output is what a build from these sources writes: a new process keeps all of it.
    again = build(site, BuildOptions(now=NOW))
    assert (again.changed, again.rendered) == (0, 0)


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("b.txt", "Театр відкрив сезон", "Театр закрив сезон"),  # the title: day, home, topic
        ("b.txt", "2026-02-11", "2026-02-12"),  # the date: another day
        ("b.txt", "Прем'єра в суботу.", "Прем'єра в неділю."),  # the summary (first paragraph)
        ("a.md", "tags: [economy]", "tags: [economy, war]"),
        ("a.md", "на рік.\n", "на рік.\n\n[Таблиця](/tables/).\n"),  # a link to warn about
    ],
)
def test_an_edit_that_changes_the_model_takes_a_whole_build(
    make_site: MakeSite, tmp_path: Path, name: str, old: str, new: str
) -> None:
    site = make_site(SITE)
    options = BuildOptions(now=NOW, session=BuildSession())
    build(site, options)
    source = site / "content" / name
    assert old in source.read_text()
    source.write_text(source.read_text().replace(old, new), "utf-8")
    assert quick_build(site, options, [source]) is None
    build(site, options)
    assert fresh_build_differences(site, tmp_path) == []


def test_new_deleted_and_broken_articles_take_a_whole_build(make_site: MakeSite) -> None:
    site = make_site(SITE)
    options = BuildOptions(now=NOW, session=BuildSession())
    build(site, options)
    new = site / "content/c.md"
    new.write_text("---\ntitle: Нове\ndate: 2026-02-11\n---\n\nТекст.\n", encoding="utf-8")
    assert quick_build(site, options, [new]) is None
    new.unlink()
    assert quick_build(site, options, [new]) is None
    # An output changed behind the preview's back is built whole again.
    page = site / "_site/2026/02/11/teatr-vidkryv-sezon/index.html"
    page.unlink()
    source = site / "content/b.txt"
    source.write_text(source.read_text() + "\nЩе абзац.\n", "utf-8")
    assert quick_build(site, options, [source]) is None
    build(site, options)
    assert "Ще абзац." in page.read_text(encoding="utf-8")
    broken = site / "content/a.md"
    bad_date = SITE["content/a.md"].replace("date: 2026-02-10 09:00", "date: 10/02")
    broken.write_text(bad_date, "utf-8")
    assert quick_build(site, options, [broken]) is None
    # The whole build warns about it; putting it right then takes a whole build too.
    result = build(site, options)
    assert any("a.md" in p.path for p in result.warnings)
    broken.write_text(SITE["content/a.md"], "utf-8")
    assert quick_build(site, options, [broken]) is None
