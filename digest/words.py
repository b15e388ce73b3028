"""Words of news text: normalised, split, and reduced to lemmas (Ukrainian) or stems (English).

Shared by story clustering and search, so both agree on what "the same word" is. Offline and
deterministic: Ukrainian lemmas come from pymorphy3's bundled dictionary, English stems from
Snowball; nothing is downloaded.

A Ukrainian word form often has several readings (`Києві` is a form of `Київ` and of `кий`;
`війни` of `війна` and of `війнути`), and no reading is reliably first. So `lemmas()` returns
every distinct normal form, most frequent reading first: callers that compare words should
compare these sets (two forms are one word when their lemma sets meet), and an index should
hold all of them.

Real news is not all in the dictionary. A word pymorphy3 only guesses at (a surname such as
Сибіга, a coined word) gets guesses that need not meet between its forms (сибіги: сибіги,
сибіг; сибіга: сибіга, сибіго), so such a word also gets its stem (the word less its case
ending, `stems()`) as one more lemma: every form of Сибіга shares `сибіг`. The search script
strips the same endings from a query form no article holds, so it finds those stems too.
Scrapers also leave Latin look-alike letters inside Cyrillic words (a Latin K in "Kиїв"):
`lemmas()` reads them as the Cyrillic letters they look like.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pymorphy3
    import snowballstemmer

# Apostrophes as typed in the wild (’ ʼ ‘ ` ′ and the ASCII one) become the ASCII one, which is
# what pymorphy3's Ukrainian dictionary uses. Invisible characters and stress marks ("Ки́їв")
# are dropped.
_APOSTROPHES = "’ʼ‘`′´ʹ"
_INVISIBLE = re.compile("[\u00ad\u0301\u200b\u200c\u200d\u2060\ufeff]")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Latin letters in a Cyrillic word, and the look-alikes to read as Cyrillic there; Latin
# letters with no Cyrillic double are left as they are.
_LATIN = re.compile("[a-zï]")
_LOOK_ALIKES = str.maketrans("aceiopxykmthbï", "асеіорхукмтнвї")
# Parts of speech of function words. A form that is one is read as that only: its other
# readings are rare words (серед: середа, Wednesday; досі: Доха; зараз: зараза; його: йога)
# that would file every text using it under them, so asking for them would find everything.
_FUNCTION_WORDS = frozenset({"NPRO", "PREP", "CONJ", "PRCL", "INTJ"})
# Ukrainian case endings of nouns and adjectives, tried in this order (the first that leaves
# at least three letters is taken off); static/digest-search.js holds the same list.
_ENDINGS = "ами ями ові еві єві ого ому ими ів їв ою ею єю ом ем єм ах ях ам ям ій ої ий им их ім"
ENDINGS = tuple(f"{_ENDINGS} і и а я у ю е є о ь".split())


def normalize(text: str) -> str:
    """NFC, one apostrophe, no zero-width characters, soft hyphens or stress marks, lower
    case."""
    text = unicodedata.normalize("NFC", text)
    for apostrophe in _APOSTROPHES:  # str.replace: many times faster than str.translate
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return _INVISIBLE.sub("", text).lower()


def stems(word: str) -> list[str]:
    """A normalised Ukrainian word less each case ending it may have (`ENDINGS`, in order),
    at least three letters left: умєрові -> умєр, умєров. The word itself if none fits."""
    found = [
        word[: -len(end)] for end in ENDINGS if word.endswith(end) and len(word) - len(end) >= 3
    ]
    return found or [word]


def words(text: str) -> list[str]:
    """The words of `text`, normalised: letters and digits, apostrophes kept inside a word."""
    return _WORD.findall(normalize(text))


def distinct_words(text: str) -> list[str]:
    """words(text) without repeats, in the order they first come: each distinct
    whitespace-separated piece of the text is split into words once (words never span
    whitespace), which on news text is about a quarter faster."""
    pieces = " ".join(dict.fromkeys(normalize(text).split()))
    return list(dict.fromkeys(_WORD.findall(pieces)))


def is_cyrillic(word: str) -> bool:
    return _CYRILLIC.search(word) is not None


# Lemmas earlier builds found (see remember_lemmas()): looked at before the dictionary,
# which takes ~0.15 s to load, so an edit build that meets no new word never loads it.
_memo_loader: Callable[[], dict[str, tuple[str, ...]]] | None = None
_memo: dict[str, tuple[str, ...]] | None = None


def remember_lemmas(load: Callable[[], dict[str, tuple[str, ...]]]) -> None:
    """Have lemmas() look words up in what `load()` returns (word -> lemmas(word), as this
    very code and dictionary made them) first; it is called once, when a word is first
    asked for."""
    global _memo_loader, _memo
    _memo_loader, _memo = load, None


def _remembered(word: str) -> tuple[str, ...] | None:
    global _memo
    if _memo is None:
        _memo = _memo_loader() if _memo_loader is not None else {}
    return _memo.get(word)


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
    found = _remembered(word)
    if found is None:
        found = _found[word] = _lemmas(word)
    return found


def lemmas_found() -> dict[str, tuple[str, ...]]:
    """The words this process lemmatized that remember_lemmas() did not know (and theirs)."""
    return _found


_found: dict[str, tuple[str, ...]] = {}


def _lemmas(word: str) -> tuple[str, ...]:
    if is_cyrillic(word):
        # Read here, once per distinct word, not in normalize(): a scan of every text for
        # them took half again the time words() takes.
        if _LATIN.search(word):
            word = word.translate(_LOOK_ALIKES)
        parses = _morph().parse(word)
        function = [p for p in parses if p.tag.POS in _FUNCTION_WORDS and _in_dictionary(p)]
        counts: dict[str, int] = {}
        known = False
        for parse in function or parses:
            counts[parse.normal_form] = counts.get(parse.normal_form, 0) + 1
            known = known or _in_dictionary(parse)
        found = sorted(counts, key=lambda form: -counts[form])
        if not known:
            found += (s for s in stems(word) if s not in counts)
        return tuple(found) or (word,)
    if word.isascii():
        return (_english().stemWord(word),)
    return (word,)


def _in_dictionary(parse: pymorphy3.analyzer.Parse) -> bool:
    """Whether the reading is the dictionary's own, not guessed from the word's ending or with
    a prefix taken off."""
    stack = parse.methods_stack
    return len(stack) == 1 and isinstance(stack[0][0], _dictionary_analyzer())


@lru_cache(maxsize=1)
def _dictionary_analyzer() -> type:
    from pymorphy3.units import DictionaryAnalyzer  # late, as _morph() imports pymorphy3

    analyzer: type = DictionaryAnalyzer
    return analyzer


def lemma_set(text: str) -> frozenset[str]:
    """All lemmas of all words of `text`: a bag-free fingerprint for comparing texts."""
    return frozenset(form for word in words(text) for form in lemmas(word))
