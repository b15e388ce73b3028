"""Ukrainian recall and precision of the site's search on hand-written news (tests/fixtures/
news_uk: 166 stories of 8 outlets over 7 days, names the dictionary lacks, look-alike Latin
letters, zero-width spaces, soft hyphens, apostrophes of every kind; news_uk_heldout: 22
stories and 6 more words, written after the fixes), asked through window.digestSearch in
Chromium, against a truth written by hand (tests/news_recall.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import news_recall
from tests.conftest import serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def news_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    site = tmp_path_factory.mktemp("news")
    return site, news_recall.build_corpus_site(site)


@pytest.fixture(scope="module")
def news_page(news_site: tuple[Path, dict[str, str]], browser: Any) -> Iterator[Any]:
    site, _ = news_site
    with serve_folder(site / "_site", news_recall.BASE) as url:
        page = browser.new_page()
        page.goto(url + "search/")
        page.wait_for_function("typeof window.digestSearch === 'function'")
        yield page
        page.close()


def found(page: Any, files: dict[str, str], query: str) -> set[str]:
    return {files[hit["url"]] for hit in page.evaluate("q => window.digestSearch(q)", query)}


def test_recall_and_precision_on_hand_written_news(
    news_site: tuple[Path, dict[str, str]], news_page: Any
) -> None:
    _, files = news_site
    assert len(files) == 166
    words = news_recall.load_queries()
    truth = news_recall.truth_of(words)
    asked = news_recall.ask(news_page, words, files)
    summary = news_recall.judge(words, truth, asked)
    report = "\n".join([summary.table(), *summary.misses(truth, asked)])
    assert len(summary.rows) == 30
    assert all(r.holding >= 10 for r in summary.rows), report
    assert summary.mean_recall >= 0.95, report
    assert summary.min_recall >= 0.80, report
    assert summary.mean_precision >= 0.95, report


def test_every_form_of_a_name_the_dictionary_lacks_finds_the_others(
    news_site: tuple[Path, dict[str, str]], news_page: Any
) -> None:
    _, files = news_site
    sybiha = found(news_page, files, "Сибіга")
    # Before its stem was indexed, "Сибіги" found 3 of these 11 stories.
    assert len(sybiha) == 11
    assert found(news_page, files, "Сибіги") == sybiha
    # A form no story holds (the vocative): the script strips its ending and finds the stem.
    assert found(news_page, files, "Сибіго") == sybiha
    assert found(news_page, files, "Сибі\u0301га") == sybiha  # with a stress mark
    assert found(news_page, files, "Умєрове") == found(news_page, files, "Умєров")


def test_a_latin_letter_inside_a_cyrillic_word_is_no_obstacle(
    news_site: tuple[Path, dict[str, str]], news_page: Any
) -> None:
    _, files = news_site
    # This story (a zero-width space in its headline) names the city once, as "у Kиєві" with
    # a Latin K; "Київщині" is the region.
    story = "ukrinform/2026-11-20-03.txt"
    assert "\u200b" in (news_recall.CORPUS / story).read_text(encoding="utf-8")
    assert story in found(news_page, files, "Києві")
    assert story in found(news_page, files, "Київ")
    # Typed with the look-alike itself, a query finds the same stories.
    assert found(news_page, files, "Kиїв") == found(news_page, files, "Київ")


def test_a_hyphenated_name_is_found_in_its_forms(
    news_site: tuple[Path, dict[str, str]], news_page: Any
) -> None:
    _, files = news_site
    # "Івано-Франківськ: …", "в Івано-Франківську"; not "в Івано-Франківській області" (the
    # adjective, a word of its own).
    assert found(news_page, files, "Івано-Франківськ") == {
        "lb/2026-11-22-02.txt",
        "ukrinform/2026-11-22-03.txt",
    }
    assert found(news_page, files, "івано-франківськом") == found(
        news_page, files, "Івано-Франківськ"
    )


def test_held_out_stories_written_after_the_fixes(tmp_path: Path, browser: Any) -> None:
    corpus = news_recall.FIXTURES / "news_uk_heldout"
    words = news_recall.load_queries(news_recall.FIXTURES / "news_uk_heldout_queries.json")
    files = news_recall.build_corpus_site(tmp_path, corpus)
    assert len(files) == 22
    truth = news_recall.truth_of(words, corpus)
    with serve_folder(tmp_path / "_site", news_recall.BASE) as url:
        page = browser.new_page()
        page.goto(url + "search/")
        asked = news_recall.ask(page, words, files)
        page.close()
    summary = news_recall.judge(words, truth, asked)
    report = "\n".join([summary.table(), *summary.misses(truth, asked)])
    assert summary.mean_recall >= 0.95, report
    assert summary.min_recall >= 0.80, report
    assert summary.mean_precision >= 0.95, report
