"""Words of news text: normalised, split, and reduced to lemmas (Ukrainian) or stems (English).

Shared by story clustering and search, so both agree on what "the same word" is. Offline and
deterministic: Ukrainian lemmas come from pymorphy3's bundled dictionary, English stems from
Snowball; nothing is downloaded.

A Ukrainian word form often has several readings (`Києві` is a form of `Київ` and of `кий`;
`війни` of `війна` and of `війнути`), and no reading is reliably first. So `lemmas()` returns
every distinct normal form, most frequent reading first: callers that compare words should
compare these sets (two forms are one word when their lemma sets meet), and an index should
hold all of them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pymorphy3
    import snowballstemmer

# Apostrophes as typed in the wild (’ ʼ ‘ ` ′ and the ASCII one) become the ASCII one, which is
# what pymorphy3's Ukrainian dictionary uses. Invisible characters are dropped.
_APOSTROPHES = "’ʼ‘`′´ʹ"
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def normalize(text: str) -> str:
    """NFC, one apostrophe, no zero-width characters or soft hyphens, lower case."""
    text = unicodedata.normalize("NFC", text)
    for apostrophe in _APOSTROPHES:  # str.replace: many times faster than str.translate
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return _INVISIBLE.sub("", text).lower()


def words(text: str) -> list[str]:
    """The words of `text`, normalised: letters and digits, apostrophes kept inside a word."""
    return _WORD.findall(normalize(text))


def is_cyrillic(word: str) -> bool:
    return _CYRILLIC.search(word) is not None


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    import pymorphy3  # imported late: loading the dictionary costs ~0.15 s

    return pymorphy3.MorphAnalyzer(lang="uk")


@lru_cache(maxsize=1)
def _english() -> snowballstemmer.stemmer:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def lemmas(word: str) -> tuple[str, ...]:
    """Every normal form of a normalised word, the most frequent reading first.

    Cyrillic words go through pymorphy3 (Ukrainian); Latin words through the Snowball English
    stemmer; numbers and anything else stand for themselves.
    """
    if word.isdigit():
        return (word,)
    if is_cyrillic(word):
        counts: dict[str, int] = {}
        for parse in _morph().parse(word):
            counts[parse.normal_form] = counts.get(parse.normal_form, 0) + 1
        if not counts:
            return (word,)
        return tuple(sorted(counts, key=lambda form: -counts[form]))
    if word.isascii():
        return (_english().stemWord(word),)
    return (word,)


def lemma_set(text: str) -> frozenset[str]:
    """All lemmas of all words of `text`: a bag-free fingerprint for comparing texts."""
    return frozenset(form for word in words(text) for form in lemmas(word))
