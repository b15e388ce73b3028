"""Reports of one event -> one story: lexical clustering of headlines and ledes, offline.

Pure and deterministic: reports in, groups of their indices out. Two reports are one story
when they are close in time and their headlines share enough significant words (compared by
lemma sets, see digest.words), or their ledes are a verbatim wire copy. Precision comes first,
since a wrong merge hides a story: numbers that disagree, speakers that swap roles and roundups
veto a merge, and a report joins a story only when it agrees with every report already in it.

Speed comes from blocking, not from comparing all pairs: reports are walked in time order
through an inverted index of the lemmas of the reports still inside the window, and lemmas
that half the window shares are not looked up (they are no evidence of one event).
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import re
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from digest.words import lemmas, normalize, words

_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")  # digest.words' word, on normalised text

MAX_REPORTS = 12  # a story of more reports is two events, or a daily rubric, more often than not
LEDE_WORDS = 40  # how much of a lede counts: the rest of a long body is other news more often
LEDE_CHARS = 400  # about as many characters
SHINGLE = 4  # words per shingle when looking for verbatim copies
KEY_SHINGLES = 6  # shingles of a lede's start in the index

STRICTNESS = {
    # name: (title overlap coefficient, shared title words, lede overlap for a rewritten title)
    "strict": (0.7, 3, 0.6),
    "normal": (0.6, 3, 0.5),
    "loose": (0.5, 2, 0.4),
}


@dataclass(frozen=True)
class Report:
    """What clustering reads of one article: its words as story_features() found them (once
    per article, when it is read), or its title and lede to find them in."""

    title: str
    lede: str
    moment: datetime
    order: str = ""  # breaks ties of equal moments (the source path): stable output
    # story_features(title, lede) if already known, maybe packed (pack_features)
    features: StoryFeatures | bytes | None = None


@dataclass(frozen=True)
class StorySettings:
    """site.yaml `stories:`; `enabled=False` makes every report a story of its own."""

    enabled: bool = True
    window_hours: float = 36.0
    strictness: str = "normal"
    max_reports: int = MAX_REPORTS


def _listed(text: str) -> list[str]:
    return text.split()


# Function words and the verbs of attribution: they say nothing about which event it is.
_STOP_UK = frozenset(
    _listed(
        """
    і й та а але або чи що щоб як коли де куди звідки який яка яке які якого якої яких цей ця це
    ці цього цієї той та те ті того тієї вже ще не ні ж же би б лише тільки навіть також теж
    у в на до з із зі від для по про при під над між через після перед без біля за о об поза
    понад серед щодо близько проти задля заради після довкола навколо
    він вона воно вони його її їх їхній їм ми ви я ти нас вас нам вам свій своя своє свої себе
    бути є був була було були буде будуть мати може можуть мусити могти стати стане
    весь вся все всі кожен кожна інший інша інше інші такий така таке такі
    сказати заявити повідомити розповісти зазначити наголосити додати пояснити назвати
    заява повідомлення новий нова нове нові рік день сьогодні вчора завтра
    україна український українець
    """
    )
)
_STOP_EN = frozenset(
    _listed(
        """
    a an the and or but if of to in on at by for from with without about over under into onto
    after before between during as is are was were be been being has have had will would can
    could may might must shall should do does did not no nor so than that this these those it
    its he she they them his her their we you i our your who whom whose which what when where
    why how all any each other some such only also just more most new says said say tells told
    report reports reported announce announces announced amid up out off ukraine ukrainian
    day today yesterday year
    """
    )
)


@lru_cache(maxsize=1)  # built on first use: lemmas load pymorphy3's dictionary
def _stop_lemmas() -> frozenset[str]:
    return frozenset(form for word in _STOP_UK | _STOP_EN for form in (word, *lemmas(word)))


# Roundups and live pages mention many events; merging them with one would hide it.
_ROUNDUP = re.compile(
    r"(?<!\w)(головне|підсумки|дайджест|огляд|хронологія|онлайн|live|roundup|"
    r"what we know|key events|briefing|latest|as it happened|у тренді)",
    re.IGNORECASE,
)
# Digit groups split by spaces ("1 050") are one number.
_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_CASED = re.compile(r"[^\W_\d]+(?:['’ʼ‘`][^\W_]+)*")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPEAKER = re.compile(r"^\s*(\w[^:]{1,40}):\s")
# Verbs that make a headline's first word its speaker: "Усик прогнозує ...", "Fury vows ...".
_ATTRIBUTION_WORDS = _listed(
    """
    прогнозувати заявити вважати казати сказати обіцяти пообіцяти погрожувати відповісти
    закликати наголосити визнати розповісти пояснити попередити припустити передбачити
    переконаний впевнений упевнений заперечити
    predict predicts say says vow vows warn warns believe believes expect expects claim claims
    promise promises urge urges insist insists admit admits tell tells
    """
)


@lru_cache(maxsize=1)
def _attribution() -> frozenset[str]:
    return frozenset(form for word in _ATTRIBUTION_WORDS for form in lemmas(word))


# A word as its lemmas, sorted: two words are one when these meet. A tuple, not a set, since
# every article's words are cached and loaded again for each grouping: tuples load faster.
_Word = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What comparing two reports reads of each: made once per article (when it is read, in
    the reader's worker, and cached with it), so grouping only compares."""

    title: tuple[_Word, ...]
    title_forms: frozenset[str]
    lede: tuple[_Word, ...]
    lede_forms: frozenset[str]
    numbers: frozenset[str]  # numbers in the headline
    text_numbers: frozenset[str]  # numbers in headline and lede
    names: tuple[_Word, ...]  # capitalised words inside the headline: people, places, bodies
    speaker: frozenset[str]  # lemmas of who speaks: "Name:" or "Name predicts"
    shingles: bytes  # the lede's shingles, distinct: see _hashed()
    keys: frozenset[str]  # what the inverted index holds for this report
    exact: str  # the headline's words, joined: equal for verbatim headlines
    roundup: bool


def _hashed(shingles: list[str]) -> bytes:
    """Distinct shingles as sorted 8-byte hashes: ~300 bytes a report, where a set of the
    strings took ~7 KB, and grouping holds every published article's features at once."""
    found = {hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles}
    return b"".join(sorted(found))


def _unhashed(shingles: bytes) -> set[bytes]:
    return {shingles[n : n + 8] for n in range(0, len(shingles), 8)}


def _significant(text: str) -> tuple[_Word, ...]:
    return _significant_words(words(text))


def _significant_words(found_words: list[str]) -> tuple[_Word, ...]:
    found: list[_Word] = []
    seen: set[_Word] = set()
    for word in found_words:
        meaning = _word(word)
        if meaning is not None and meaning not in seen:
            seen.add(meaning)
            found.append(meaning)
    return tuple(found)


@lru_cache(maxsize=200_000)
def _word(word: str) -> _Word | None:
    """The word as compared, or None when it is no evidence: a stopword, a letter, a number
    ("50", "50bn": numbers are compared on their own, exactly)."""
    if len(word) < 2 or word[0].isdigit():
        return None
    forms = tuple(sorted(set(lemmas(word))))
    return None if not _stop_lemmas().isdisjoint(forms) else forms


def _numbers(normalized: str) -> frozenset[str]:
    return frozenset(n.replace(",", ".") for n in _NUMBER.findall(normalized))


def pack_features(features: StoryFeatures) -> bytes:
    """The features as bytes (~1.5 KB, where the objects take ~10 KB): every cached entry
    carries its article's, and grouping loads them all at once; clustering unpacks each
    only while the report is inside the window."""
    return marshal.dumps(tuple(getattr(features, f.name) for f in dataclasses.fields(features)))


def unpack_features(packed: bytes) -> StoryFeatures:
    return StoryFeatures(*marshal.loads(packed))


def story_features(title: str, lede: str) -> StoryFeatures:
    """An article's words as stories compare them (headline, and the lede's start)."""
    title_text = normalize(title)
    title_words = _TOKEN.findall(title_text)
    headline = _significant_words(title_words)
    lede_text = normalize(lede[:LEDE_CHARS])  # normalising costs: once, and short
    lede_words = _TOKEN.findall(lede_text)[:LEDE_WORDS]
    title_forms = frozenset(f for w in headline for f in w)
    shingles = [" ".join(lede_words[i : i + SHINGLE]) for i in range(len(lede_words) - SHINGLE + 1)]
    opening = _significant_words(lede_words)
    numbers = _numbers(title_text)
    return StoryFeatures(
        title=headline,
        title_forms=title_forms,
        lede=opening,
        lede_forms=frozenset(f for w in opening for f in w),
        numbers=numbers,
        text_numbers=numbers | _numbers(lede_text),
        names=_names(title),
        speaker=_speaker(title, title_words),
        shingles=_hashed(shingles),
        keys=title_forms.union(shingles[:KEY_SHINGLES]),
        exact=" ".join(title_words),
        roundup=_ROUNDUP.search(title_text) is not None,
    )


def _names(title: str) -> tuple[_Word, ...]:
    """Capitalised words after the first, and acronyms: names of people, places, bodies."""
    found: list[_Word] = []
    for n, token in enumerate(_CASED.findall(_INVISIBLE.sub("", title))):
        if (n and token[0].isupper()) or (len(token) > 1 and token.isupper()):
            found.extend(_significant(token))
    return tuple(found)


def _speaker(title: str, title_words: list[str]) -> frozenset[str]:
    """Lemmas of who speaks in a headline: a "Name:" prefix of up to three words, or a first
    word followed by a verb of saying or predicting."""
    prefix = _SPEAKER.match(title)
    if prefix and len(words(prefix.group(1))) <= 3:
        return frozenset(f for w in _significant(prefix.group(1)) for f in w)
    first = title_words[:2]
    if len(first) == 2 and set(lemmas(first[1])) & _attribution():
        return frozenset(lemmas(first[0]))
    return frozenset()


def _shared(a: tuple[_Word, ...], b_forms: frozenset[str]) -> int:
    return sum(1 for w in a if not b_forms.isdisjoint(w))


def _overlap(
    a: tuple[_Word, ...], a_forms: frozenset[str], b: tuple[_Word, ...], b_forms: frozenset[str]
) -> tuple[int, float, float]:
    """Shared words, overlap coefficient (of the shorter) and share of the longer."""
    if not a or not b:
        return 0, 0.0, 0.0
    shared = min(_shared(a, b_forms), _shared(b, a_forms))
    return shared, shared / min(len(a), len(b)), shared / max(len(a), len(b))


def _vetoed(a: StoryFeatures, b: StoryFeatures) -> bool:
    """Evidence that two similar reports are two events (or two views of one)."""
    if a.roundup or b.roundup:
        return True
    # Different figures: yesterday's losses, another tranche, another score.
    if a.numbers and b.numbers and not (a.numbers & b.text_numbers or b.numbers & a.text_numbers):
        return True
    # A figure in one headline that the other report never mentions: "відкрили 15-й пункт".
    if a.numbers and not b.numbers and not a.numbers & b.text_numbers:
        return True
    if b.numbers and not a.numbers and not b.numbers & a.text_numbers:
        return True
    # Different people or places: "Зеленський зустрівся з прем'єром Польщі / Канади".
    if _unshared_name(a, b) and _unshared_name(b, a):
        return True
    # Two speakers: "Сибіга: ..." and "Рютте: ...", "Усик прогнозує ..." and "Ф'юрі прогнозує ...".
    return bool(a.speaker and b.speaker and not a.speaker & b.speaker)


def _unshared_name(a: StoryFeatures, b: StoryFeatures) -> bool:
    """A name in a's headline that b's headline and lede never mention."""
    if not a.names:
        return False
    mentioned = b.title_forms | b.lede_forms
    return any(mentioned.isdisjoint(w) for w in a.names)


def _strong_evidence(a: StoryFeatures, b: StoryFeatures) -> bool:
    """A name or a number the two headlines share."""
    return bool(a.numbers & b.numbers) or any(not b.title_forms.isdisjoint(w) for w in a.names)


def _same_event(a: StoryFeatures, b: StoryFeatures, strictness: tuple[float, int, float]) -> bool:
    min_coefficient, min_shared, min_lede = strictness
    if _vetoed(a, b):
        return False
    if a.exact and a.exact == b.exact:
        return True
    if a.shingles and b.shingles:
        mine, theirs = _unhashed(a.shingles), _unhashed(b.shingles)
        common = len(mine & theirs)
        if common >= 4 and common / min(len(mine), len(theirs)) >= 0.5:
            return True  # a verbatim wire copy under a rewritten headline
    shared, coefficient, of_longer = _overlap(a.title, a.title_forms, b.title, b.title_forms)
    if shared >= min_shared and coefficient >= min_coefficient and of_longer >= 0.4:
        # Three common words at the threshold ("У Львові відкрили центр ...") are weak
        # evidence: then the ledes must share something too, where both have one.
        if shared > min_shared or coefficient >= 0.75 or not (a.lede and b.lede):
            return True
        if _overlap(a.lede, a.lede_forms, b.lede, b.lede_forms)[0] >= 2:
            return True
    # A rewritten headline: fewer shared words there, but a shared name, and the ledes tell
    # the same facts.
    if shared >= 2 and coefficient >= 0.3 and _strong_evidence(a, b):
        lede_shared, lede_coefficient, _ = _overlap(a.lede, a.lede_forms, b.lede, b.lede_forms)
        return lede_shared >= 5 and lede_coefficient >= min_lede
    return False


def cluster(reports: Sequence[Report], settings: StorySettings | None = None) -> list[list[int]]:
    """Groups of indices into `reports`, one per story, each in time order (the lead first).

    Every report is in exactly one group; groups come in the order of their leads. The lead
    is the earliest report: the outlet that had it first, and a lead that later reports never
    change.
    """
    settings = settings or StorySettings()
    order = sorted(range(len(reports)), key=lambda i: (reports[i].moment, reports[i].order))
    if not settings.enabled:
        return [[i] for i in order]
    strictness = STRICTNESS.get(settings.strictness, STRICTNESS["normal"])
    window = timedelta(hours=settings.window_hours)
    features: dict[int, StoryFeatures] = {}
    story_of: dict[int, int] = {}  # report -> the lead of its story
    members: dict[int, list[int]] = {}  # lead -> reports
    index: dict[str, list[int]] = {}  # lemma -> reports inside the window, oldest first
    inside: deque[int] = deque()
    for i in order:
        report = reports[i]
        while inside and report.moment - reports[inside[0]].moment > window:
            gone = inside.popleft()
            # Out of the window for good (reports come in time order, and a story is joined
            # only within the window of its lead, the earliest): its features are not read
            # again. Kept, they were ~9 KB a report (the lede's shingles).
            for form in _index_forms(features.pop(gone)):
                postings = index[form]
                postings.remove(gone)  # the oldest, so at the front
                if not postings:
                    del index[form]
        known = report.features
        if isinstance(known, bytes):
            known = unpack_features(known)
        mine = features[i] = known or story_features(report.title, report.lede)
        crowded = max(20, len(inside) // 2)
        hits: Counter[int] = Counter()
        for form in _index_forms(mine):
            postings = index.get(form, [])
            if len(postings) <= crowded:
                hits.update(postings)
        leads: Counter[int] = Counter()
        for other, count in hits.items():
            theirs = features[other]
            # Shared index keys bound the shared headline words from above: most pairs stop here.
            shorter = min(len(mine.title), len(theirs.title)) or 1
            if count >= 3 or (count == 2 and _strong_evidence(mine, theirs)):
                if count / shorter < 0.3 and mine.exact != theirs.exact:
                    continue
                if _same_event(mine, theirs, strictness):
                    leads[story_of[other]] += 1
        story = _choose(i, leads, members, features, reports, settings, strictness, window)
        story_of[i] = story
        members.setdefault(story, []).append(i)
        inside.append(i)
        for form in _index_forms(mine):
            index.setdefault(form, []).append(i)
    return [members[lead] for lead in order if lead in members]


def _choose(
    i: int,
    leads: Counter[int],
    members: dict[int, list[int]],
    features: dict[int, StoryFeatures],
    reports: Sequence[Report],
    settings: StorySettings,
    strictness: tuple[float, int, float],
    window: timedelta,
) -> int:
    """The story report i joins (the lead's index), or i itself for a new story."""
    # Most matching members first, then the earlier story: deterministic.
    for lead, _ in sorted(
        leads.items(), key=lambda item: (-item[1], reports[item[0]].moment, item[0])
    ):
        group = members[lead]
        if len(group) >= settings.max_reports:
            continue
        if reports[i].moment - reports[lead].moment > window:
            continue
        mine = features[i]
        if any(_vetoed(mine, features[m]) for m in group):
            continue
        # Joining needs agreement with most of the story, not a chain through one report.
        agreeing = sum(1 for m in group if _same_event(mine, features[m], strictness))
        if agreeing * 2 >= len(group):
            return lead
    return i


def _index_forms(f: StoryFeatures) -> frozenset[str]:
    """Index keys: headline lemmas, and the lede's first shingles (a verbatim copy shares
    them all, however rewritten its headline)."""
    return f.keys
