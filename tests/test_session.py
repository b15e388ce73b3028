"""A process that builds again and again (serve, build --watch) keeps a BuildSession: the
compiled theme between builds, and a search index it may make after the reload. What the
reader sees must be what a build from scratch gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.build import BuildOptions, BuildSession, build
from digest.deferred_index import make_deferred_index
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
    assert {p: p.read_bytes() for p in index.rglob("*") if p.is_file()} == before
    assert session.search_stale

    # The preview stopped here (killed): a `digest build` does not take the site for done.
    result = build(site, BuildOptions(now=NOW))
    assert result.changed > 0 and "кенгурятник" in indexed_text(site)
    # The session's pending index is then superseded: nothing more to do.
    assert make_deferred_index(session).state == "superseded"
    assert not session.search_stale
