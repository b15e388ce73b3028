"""digest.words: what counts as one word across spellings and inflections."""

from __future__ import annotations

from digest.words import lemma_set, lemmas, normalize, words


def test_apostrophes_and_invisible_characters_are_one_spelling() -> None:
    assert normalize("Сім’ї\u200b") == normalize("сімʼї") == normalize("СІМ'Ї") == "сім'ї"
    assert words("Пам’ять\u00ad — 79\u200b000 «слів»") == ["пам'ять", "79000", "слів"]


def test_ukrainian_forms_share_a_lemma() -> None:
    for a, b in [
        ("війна", "війною"),
        ("війни", "війну"),
        ("києві", "київ"),
        ("переговорів", "переговори"),
        ("зеленського", "зеленський"),
        ("сім'ї", "сім'я"),
    ]:
        assert set(lemmas(a)) & set(lemmas(b)), (a, b)
    assert not set(lemmas("війна")) & set(lemmas("мир"))


def test_english_words_are_stemmed_and_numbers_kept() -> None:
    assert lemmas("negotiations") == lemmas("negotiated")
    assert lemmas("2024") == ("2024",)
    assert "київ" in lemma_set("Вибухи у Києві")
