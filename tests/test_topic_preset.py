"""Topics out of the box: the built-in preset, overridden key by key, measured on rubrics."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from importlib import metadata
from pathlib import Path

import pytest

from digest import fingerprints
from digest.config import load_config
from digest.errors import ConfigError
from digest.fingerprints import code_fingerprint
from digest.group import Selection, TopicIndex
from digest.reading import ReadOutcome, model_key

FIXTURES = Path(__file__).parent / "fixtures"
PRESET_KEYS = [
    "war", "politics", "world", "economy", "energy", "society",
    "sport", "culture", "technology", "science", "health", "incidents",
]  # fmt: skip


def config_topics(tmp_path: Path, yaml_text: str) -> list[tuple[str, str]]:
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / "site.yaml").write_text(yaml_text, encoding="utf-8")
    config, _ = load_config(tmp_path)
    return [(t.key, t.name) for t in config.topics]


def test_no_topics_in_site_yaml_gives_the_preset_of_the_language(tmp_path: Path) -> None:
    uk = config_topics(tmp_path, "language: uk\n")
    assert [k for k, _ in uk] == PRESET_KEYS
    assert ("sport", "Спорт") in uk and ("world", "Світ") in uk
    en = config_topics(tmp_path, "language: en\n")
    assert [k for k, _ in en] == PRESET_KEYS
    assert ("sport", "Sport") in en
    assert config_topics(tmp_path, "language: de\n") == []


def test_empty_topics_turn_them_off(tmp_path: Path) -> None:
    assert config_topics(tmp_path, "language: uk\ntopics: {}\n") == []


def test_site_yaml_overrides_the_preset_key_by_key(tmp_path: Path) -> None:
    text = """\
language: uk
topics:
  diplomacy: {name: Дипломатія, keywords: [посол]}
  sport: {name: Спорт і здоров'я}
  science: false
"""
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    config, warnings = load_config(tmp_path)
    assert warnings == []
    keys = [t.key for t in config.topics]
    assert keys[:2] == ["diplomacy", "sport"]
    assert "science" not in keys and "war" in keys and len(keys) == len(PRESET_KEYS)
    sport = next(t for t in config.topics if t.key == "sport")
    assert sport.name == "Спорт і здоров'я" and "футбол" in sport.keywords


def test_the_primary_topic_is_the_strongest_match_not_the_first_listed(tmp_path: Path) -> None:
    config_topics(tmp_path, "language: uk\n")
    config, _ = load_config(tmp_path)
    index = TopicIndex(config.topics)
    text = "Збірна України з футболу перемогла у матчі проти Ісландії\nКоманда Реброва виграла 2:1."
    found = [t.key for t in index.for_text(text)]
    assert found[0] == "sport"
    assert index.for_text("Нафтогаз: тарифи на газ не зміняться\n")[0].key == "energy"
    assert index.for_text("Газета вийшла накладом\n") == ()  # `газ$` is the whole word only


def rubric_rows() -> list[tuple[str, str, str]]:
    rows = []
    for name in ("rubrics_uk.tsv", "rubrics_uk_heldout.tsv"):
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                rubric, title, lede = line.split("\t")
                rows.append((rubric, title, lede))
    return rows


@pytest.fixture(scope="module")
def predicted(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    site = tmp_path_factory.mktemp("preset")
    (site / "content").mkdir()
    (site / "site.yaml").write_text("language: uk\n", encoding="utf-8")
    config, _ = load_config(site)
    index = TopicIndex(config.topics)
    out = []
    for rubric, title, lede in rubric_rows():
        found = index.for_text(f"{title}\n{lede}")
        out.append((rubric, found[0].key if found else "other"))
    return out


def recall(pairs: list[tuple[str, str]], key: str) -> float:
    return sum(1 for r, p in pairs if r == key == p) / sum(1 for r, _ in pairs if r == key)


def precision(pairs: list[tuple[str, str]], key: str) -> float:
    return sum(1 for r, p in pairs if r == key == p) / sum(1 for _, p in pairs if p == key)


def test_a_day_of_ukrainian_news_lands_in_the_outlets_rubrics(
    predicted: list[tuple[str, str]],
) -> None:
    assert len(predicted) >= 150
    untagged = sum(1 for _, p in predicted if p == "other")
    assert untagged <= len(predicted) / 5
    assert recall(predicted, "sport") >= 0.8 and precision(predicted, "sport") >= 0.85
    assert recall(predicted, "world") >= 0.6 and recall(predicted, "economy") >= 0.6
    for key in PRESET_KEYS:
        assert recall(predicted, key) >= 0.6, key


def english_rows() -> list[tuple[str, str, str, str]]:
    text = (FIXTURES / "rubrics_en.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return [(outlet, rubric, title, lede) for outlet, rubric, title, lede in rows]


def test_a_day_of_english_news_from_three_outlets_lands_in_their_sections(
    tmp_path: Path,
) -> None:
    config_topics(tmp_path, "language: en\n")
    config, _ = load_config(tmp_path)
    index = TopicIndex(config.topics)
    rows = english_rows()
    predicted = []
    for _outlet, rubric, title, lede in rows:
        found = index.for_text(f"{title}\n{lede}")
        predicted.append((rubric, found[0].key if found else "other"))

    def counts(key: str) -> tuple[int, int, int]:
        """(right, filed there by the outlet, put there by the preset)"""
        right = sum(1 for r, p in predicted if r == key == p)
        return (
            right,
            sum(1 for r, _ in predicted if r == key),
            sum(1 for _, p in predicted if p == key),
        )

    assert len(rows) == 86 and {o for o, *_ in rows} == {"wire", "herald", "ledger"}
    # Measured before the preset was tuned on this day: 1 untagged, sport 12/13 (all 12 in
    # sport were sport), world 7/15, economy 11/15 (11 of 14). Tuned with names and market
    # words; what is left is foreign politics filed under politics ("Japan's prime minister
    # calls snap election") and keyword ties ("grid" in a Formula One report).
    assert sum(1 for _, p in predicted if p == "other") == 0
    assert counts("sport") == (12, 13, 12)
    assert counts("world") == (9, 15, 9)
    assert counts("economy") == (14, 15, 17)
    wrong = {(r, p) for r, p in predicted if r != p}
    assert ("sport", "energy") in wrong and ("world", "politics") in wrong


def test_topics_and_sources_name_their_bad_entries_the_same_way(tmp_path: Path) -> None:
    text = """\
language: uk
topics:
  sport: {name: Спорт, keywrods: [матч]}
  Bad Key: {name: X}
sources:
  unian: {nmae: УНІАН}
  ukrinform: false
"""
    (tmp_path / "content").mkdir(exist_ok=True)
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    shown = {str(p) for p in caught.value.problems}
    assert {
        "site.yaml:4: topics: key `Bad Key` is not a URL-safe name"
        " — use lowercase latin letters, digits, - or _",
        "site.yaml:7: sources.ukrinform: expected `name:` and `url:`",
    } <= shown
    (tmp_path / "site.yaml").write_text(
        text.replace("  Bad Key: {name: X}\n", "").replace("  ukrinform: false\n", ""),
        encoding="utf-8",
    )
    _config, warnings = load_config(tmp_path)
    assert [str(p) for p in warnings] == [
        "site.yaml:3: topics.sport: unknown setting `keywrods` — did you mean `keywords`?",
        "site.yaml:5: sources.unian: unknown setting `nmae` — did you mean `name`?",
    ]


@pytest.fixture
def fresh_code_fingerprint() -> Iterator[None]:
    """code_fingerprint() is computed once per process: recompute it around the test."""
    code_fingerprint.cache_clear()
    yield
    code_fingerprint.cache_clear()


def test_a_retuned_preset_or_word_dictionary_invalidates_every_sites_cached_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_code_fingerprint: None
) -> None:
    # A Polish site with topics of its own: no preset reaches its config, so only the key
    # can tell that what scores topics and groups stories has changed.
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text(
        "language: pl\ntopics:\n  sport: {name: Sport, keywords: [mecz, liga]}\n",
        encoding="utf-8",
    )
    config, _ = load_config(tmp_path)

    def key() -> bytes:
        code_fingerprint.cache_clear()
        return model_key(config, Selection(now=datetime(2026, 11, 13)), [], ReadOutcome(config))

    before = key()
    assert key() == before
    presets = tmp_path / "presets"
    shutil.copytree(fingerprints.PRESETS_DIR, presets)
    uk = presets / "topics.uk.yaml"
    uk.write_text(uk.read_text(encoding="utf-8") + "\n# retuned\n", encoding="utf-8")
    monkeypatch.setattr(fingerprints, "PRESETS_DIR", presets)
    retuned = key()
    assert retuned != before
    real_version = metadata.version

    def version(name: str) -> str:
        return "9.9.9" if name == "pymorphy3-dicts-uk" else real_version(name)

    monkeypatch.setattr(metadata, "version", version)
    assert key() not in (before, retuned)
