"""digest's own search index: what reaches it, what never does, and how edits follow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from digest import search_index, stories, words
from digest.build import BuildOptions, build
from digest.search_index import INDEX_DIR, shard_count, shard_of
from digest.verify import compare_outputs
from tests.conftest import NOW, MakeSite, build_at_now
from tests.search_site import SEARCH_CONFIG, SEARCH_SITE


def index(site: Path) -> dict[str, object]:
    """Every file of the built index, parsed."""
    folder = site / "_site" / INDEX_DIR
    return {
        p.relative_to(folder).as_posix(): json.loads(p.read_bytes()) for p in folder.rglob("*.json")
    }


def titles(site: Path) -> list[str]:
    files = index(site)
    chunks = sorted(
        (k for k in files if k.startswith("d/") and k != "d/facets.json"),
        key=lambda k: int(k[2:-5]),
    )
    return [doc[1] for k in chunks for doc in files[k]]  # type: ignore[attr-defined]


def postings(site: Path, lemma: str) -> list[int]:
    """The article numbers (oldest first) holding any form of lemma."""
    files = index(site)
    shards = files["meta.json"]["shards"]  # type: ignore[index]
    entry = files[f"t/{shard_of(lemma, shards)}.json"].get(lemma)  # type: ignore[attr-defined]
    if entry is None:
        return []
    numbers, n = [], -1
    for gap in entry[1]:
        n += gap >> 1
        numbers.append(n)
    return numbers


def lemmas_of(site: Path, form: str) -> list[str]:
    files = index(site)
    shards = files["meta.json"]["shards"]  # type: ignore[index]
    return files[f"f/{shard_of(form, shards)}.json"].get(form, [form])  # type: ignore[attr-defined, no-any-return]


def test_published_articles_are_indexed_oldest_first_with_their_metadata(
    make_site: MakeSite,
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    files = index(site)
    meta = files["meta.json"]
    assert meta["docs"] == 8  # type: ignore[index]
    assert meta["topics"] == [["diplomacy", "Дипломатія"], ["economy", "Економіка"]]  # type: ignore[index]
    first = files["d/0.json"][1]  # type: ignore[index]
    assert first == [
        "2026/02/02/zvit-pro-naslidky/",
        "Звіт про наслідки",
        "2026-02-02T09:00",
        [1],  # Економіка, by its keyword бюджет
        "Наслідки війни відчутні в Києві: ціни зросли.",
    ]
    assert files["d/0.json"][6][3] == [0]  # type: ignore[index]  # Talks: diplomacy
    # Filters read the days (since 1970, then since the article before) and topics of all;
    # "Пере\u200bговори у Києві" is diplomacy: topic keywords see through zero-width spaces.
    assert files["d/facets.json"] == [[20485], [1, 1], [1], [1, 0], [1, 0], [1], [0, 0], [1]]


@pytest.mark.parametrize("options", [{}, {"drafts": True, "future": True}])
def test_drafts_and_future_stories_never_reach_the_index(
    make_site: MakeSite, options: dict[str, bool]
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    result = build_at_now(site, **options)
    published = {a.title for a in result.site.articles}
    assert ("Війна у чернетці" in published) == bool(options)  # the preview shows them...
    everything = "".join(p.read_text() for p in (site / "_site" / INDEX_DIR).rglob("*.json"))
    assert "чернет" not in everything  # ...search never does, not even a word of them
    assert "майбутн" not in everything
    assert len(titles(site)) == 8


def test_every_form_of_a_word_is_filed_under_its_lemmas(make_site: MakeSite) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    # Articles oldest first: 0 Війна змінила, 1 Звіт (війни, Києві), 2 Країна живе війною,
    # 3 Переговори у Києві, 4 Делегація (Києва, переговорів), 5 Київ, 6 Talks, 7 Negotiating.
    assert postings(site, "війна") == [0, 1, 2]
    assert set(lemmas_of(site, "києві")) == {"київ", "кий"}
    assert postings(site, "київ") == [1, 3, 4, 5]
    assert lemmas_of(site, "переговорів") == ["переговори"]
    assert postings(site, "переговори") == [3, 4]  # the zero-width space is no obstacle
    assert postings(site, "прем'єр") == [4, 5]  # ’ and ʼ are one apostrophe
    assert lemmas_of(site, "negotiations") == ["negoti"]
    assert postings(site, "negoti") == [6, 7]


@pytest.mark.slow
def test_edit_delete_and_rename_reach_the_index_and_only_changes_are_lemmatized(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    made: list[str] = []
    original = search_index.article_terms

    def counting(title: str, summary: str, body_html: str) -> search_index.ArticleTerms:
        made.append(title)
        return original(title, summary, body_html)

    monkeypatch.setattr(search_index, "article_terms", counting)

    (site / "content/a6.md").write_text(
        str(SEARCH_SITE["content/a6.md"]).replace("нараду", "нараду щодо електроенергії"),
        encoding="utf-8",
    )
    build_at_now(site)
    assert made == ["Київ готується до зими"]
    assert postings(site, "електроенергія") == [5]

    (site / "content/a1.md").unlink()
    (site / "content/a3.txt").rename(site / "content/renamed.txt")
    text = (site / "content/renamed.txt").read_text(encoding="utf-8")
    (site / "content/renamed.txt").write_text(
        text.replace("Країна живе війною", "Місто живе війною"), encoding="utf-8"
    )
    build_at_now(site)
    assert "Війна змінила економіку регіону" not in titles(site)
    assert titles(site)[1] == "Місто живе війною третій рік"
    assert postings(site, "війна") == [0, 1]
    assert postings(site, "країна") == []
    assert postings(site, "місто") == [1]

    fresh = tmp_path / "fresh"
    build(site, BuildOptions(now=NOW, output_dir=fresh, cache_dir=tmp_path / "fresh-cache"))
    assert compare_outputs(site / "_site", fresh) == []


@pytest.mark.slow
def test_an_unchanged_build_keeps_the_index_and_search_off_removes_it(
    make_site: MakeSite,
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    assert build_at_now(site).changed == 0
    (site / "site.yaml").write_text(SEARCH_CONFIG.replace("search: true", "search: false"))
    build_at_now(site)
    assert not (site / "_site/search").exists()


def test_shards_grow_with_the_archive() -> None:
    assert shard_count(10) == 8
    assert shard_count(10_000) == 512
    assert shard_count(100_000) == 8192
    assert shard_of("війна", 512) == shard_of("війна", 512 * 16) % 512


@pytest.mark.slow
def test_edits_and_new_stories_update_the_index_in_place_as_a_fresh_build_would(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    full: list[int] = []
    whole = search_index._write_all

    def counting(*args: Any) -> Any:
        full.append(1)
        return whole(*args)

    monkeypatch.setattr(search_index, "_write_all", counting)

    def same_as_fresh(name: str) -> None:
        fresh = tmp_path / name
        build(site, BuildOptions(now=NOW, output_dir=fresh, cache_dir=tmp_path / f"{name}-c"))
        assert compare_outputs(site / "_site", fresh) == []

    a2 = site / "content/a2.md"
    # A word goes, another comes, a form of a known word is new: forms lists change.
    a2.write_text(
        a2.read_text(encoding="utf-8").replace("ціни зросли", "війною зруйновано склади"),
        encoding="utf-8",
    )
    build_at_now(site)
    assert postings(site, "ціна") == []
    assert postings(site, "склад") == [1]
    same_as_fresh("one")
    full_after_edit = len(full)
    assert full_after_edit == 1  # the fresh build; the edit was made in place

    # A new story, the newest: it takes the next number, so older rows stay where they were.
    (site / "content/a9.md").write_text(
        "---\ntitle: Війна і мир\ndate: 2026-02-08 09:00\n---\n\nНовий текст про війну.\n",
        encoding="utf-8",
    )
    build_at_now(site)
    assert postings(site, "війна") == [0, 1, 2, 8]
    assert titles(site)[8] == "Війна і мир"
    same_as_fresh("two")
    assert len(full) == full_after_edit + 1  # only the fresh build made an index from scratch


@pytest.mark.slow
def test_terms_read_in_worker_processes_make_the_same_index(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)  # 8 articles: read in this process
    monkeypatch.setattr(search_index, "PARALLEL_MIN_ARTICLES", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    forked = tmp_path / "forked"
    build(site, BuildOptions(now=NOW, output_dir=forked, cache_dir=tmp_path / "forked-cache"))
    assert compare_outputs(site / "_site", forked) == []
    assert postings(site, "війна") == [0, 1, 2]


@pytest.mark.slow
def test_a_body_edit_updates_the_index_without_making_every_row_again(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit below the lede leaves the site model as it was: the articles' rows (url,
    title, date, topics, excerpt) are not made again, yet the words and forms lists follow
    the edit exactly as a fresh build writes them."""
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    rows: list[str] = []
    original = search_index._row

    def counting(article: Any, numbers: dict[str, int]) -> Any:
        rows.append(article.title)
        return original(article, numbers)

    monkeypatch.setattr(search_index, "_row", counting)
    a2 = site / "content/a2.md"
    # A new word comes ("Женеві", a new form of a new lemma), one goes ("абзац").
    a2.write_text(
        a2.read_text(encoding="utf-8").replace(
            "Другий абзац про бюджет.", "Про бюджет говорили у Женеві."
        ),
        encoding="utf-8",
    )
    build_at_now(site)
    assert rows == []
    assert postings(site, "абзац") == []
    assert postings(site, "женева") == [1]
    fresh = tmp_path / "fresh"
    build(site, BuildOptions(now=NOW, output_dir=fresh, cache_dir=tmp_path / "fresh-cache"))
    assert rows  # a fresh build makes them
    assert compare_outputs(site / "_site", fresh) == []
    # A title edit (a new model) makes the rows again, with the excerpts stored.
    a2.write_text(
        a2.read_text(encoding="utf-8").replace("Звіт про наслідки", "Звіт про втрати"),
        encoding="utf-8",
    )
    build_at_now(site)
    assert index(site)["d/0.json"][1][1] == "Звіт про втрати"  # type: ignore[index]
    again = tmp_path / "again"
    build(site, BuildOptions(now=NOW, output_dir=again, cache_dir=tmp_path / "again-cache"))
    assert compare_outputs(site / "_site", again) == []


@pytest.mark.slow
def test_an_index_file_changed_behind_our_back_is_made_again_by_the_next_edit(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)
    build_at_now(site)
    shards = index(site)["meta.json"]["shards"]  # type: ignore[index]
    shard = site / "_site" / INDEX_DIR / f"t/{shard_of('нарада', shards)}.json"
    damaged = json.loads(shard.read_bytes())
    damaged["нарада"] = ["нараду", [2]]  # a wrong posting, as a broken copy might hold
    shard.write_text(json.dumps(damaged, ensure_ascii=False), encoding="utf-8")
    a6 = site / "content/a6.md"
    a6.write_text(
        a6.read_text(encoding="utf-8").replace("нараду", "нараду щодо електроенергії"),
        encoding="utf-8",
    )
    build_at_now(site)
    assert postings(site, "нарада") == [5]
    assert postings(site, "електроенергія") == [5]
    fresh = tmp_path / "fresh"
    build(site, BuildOptions(now=NOW, output_dir=fresh, cache_dir=tmp_path / "fresh-cache"))
    assert compare_outputs(site / "_site", fresh) == []


@pytest.mark.slow
def test_an_edit_with_known_words_needs_no_dictionary(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lemmas an earlier build found are kept with the index: the next build, in a new
    process, reads an edited article without loading pymorphy3's dictionary (~0.15 s)."""
    site = make_site(SEARCH_SITE, config=SEARCH_CONFIG)

    def as_in_a_new_process() -> None:
        for cached in (words.lemmas, stories._word, stories._stop_lemmas):
            cached.cache_clear()
        monkeypatch.setattr(words, "_found", {})

    as_in_a_new_process()
    build_at_now(site)
    as_in_a_new_process()
    asked: list[str] = []
    original = words._lemmas

    def counting(word: str) -> tuple[str, ...]:
        asked.append(word)
        return original(word)

    monkeypatch.setattr(words, "_lemmas", counting)
    a6 = site / "content/a6.md"
    a6.write_text(a6.read_text(encoding="utf-8").replace("нараду", "нараду у Києві"))
    build_at_now(site)
    assert asked == []
    assert postings(site, "київ") == [1, 3, 4, 5]
    as_in_a_new_process()
    a6.write_text(a6.read_text(encoding="utf-8").replace("у Києві", "щодо електроенергії"))
    build_at_now(site)
    assert asked == ["електроенергії"]  # a new word (the stopword щодо was known)
    fresh = tmp_path / "fresh"
    build(site, BuildOptions(now=NOW, output_dir=fresh, cache_dir=tmp_path / "fresh-cache"))
    assert compare_outputs(site / "_site", fresh) == []
