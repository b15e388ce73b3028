"""digest.stories: which reports are one story, on fixtures with exact expected groupings."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from digest.stories import Report, StorySettings, cluster
from tests.story_fixtures import EN, UK, Row, pair_scores, reports

# Reports a reader would call one story that the clustering keeps apart (precision first):
# the casualty count changed between the evening and the morning report.
KNOWN_MISSES = {"dnipro"}


def labelled(rows: list[Row], groups: list[list[int]]) -> list[list[str]]:
    return sorted(sorted(f"{rows[i][0]}/{rows[i][1]}" for i in g) for g in groups)


def expected(rows: list[Row]) -> list[list[str]]:
    by_label: dict[str, list[str]] = {}
    for n, (label, outlet, *_) in enumerate(rows):
        key = f"{label}#{n}" if label in KNOWN_MISSES else label
        by_label.setdefault(key, []).append(f"{label}/{outlet}")
    return sorted(sorted(g) for g in by_label.values())


def test_ukrainian_reports_group_exactly_as_expected() -> None:
    groups = cluster(reports(UK))
    assert labelled(UK, groups) == expected(UK)
    assert ["poslannia/pravda", "poslannia/ukrinform", "poslannia/unian"] in labelled(UK, groups)
    for apart in (["usyk/sport"], ["fury/sport"], ["roundup/pravda"], ["lviv-again/zaxid"]):
        assert apart in labelled(UK, groups)


def test_english_reports_group_exactly_as_expected() -> None:
    groups = cluster(reports(EN))
    assert labelled(EN, groups) == expected(EN)


def test_precision_and_recall_on_the_fixtures() -> None:
    found = wrong = truth = 0
    for rows in (UK, EN):
        f, w, t = pair_scores(rows, cluster(reports(rows)))
        found, wrong, truth = found + f, wrong + w, truth + t
    assert wrong == 0  # no near miss merged
    assert (found, truth) == (18, 19)  # recall 95 %: one update with a new figure kept apart


def test_the_lead_is_the_earliest_report_and_stories_come_in_lead_order() -> None:
    rows = UK
    groups = cluster(reports(rows))
    moments = [r.moment for r in reports(rows)]
    for group in groups:
        assert [moments[i] for i in group] == sorted(moments[i] for i in group)
    assert [moments[g[0]] for g in groups] == sorted(moments[g[0]] for g in groups)
    poslannia = next(g for g in groups if rows[g[0]][0] == "poslannia")
    assert rows[poslannia[0]][1] == "ukrinform"


def test_input_order_does_not_change_the_stories() -> None:
    base = reports(UK)
    shuffled = list(enumerate(base))
    random.Random(7).shuffle(shuffled)
    groups = cluster([r for _, r in shuffled])
    as_original = sorted(sorted(shuffled[i][0] for i in g) for g in groups)
    assert as_original == sorted(sorted(g) for g in cluster(base))


def test_turned_off_every_report_is_its_own_story() -> None:
    groups = cluster(reports(UK), StorySettings(enabled=False))
    assert len(groups) == len(UK) and all(len(g) == 1 for g in groups)


def test_a_narrow_window_splits_a_story_across_hours() -> None:
    rows = [r for r in UK if r[0] == "poslannia"]
    groups = cluster(reports(rows), StorySettings(window_hours=1))
    assert labelled(rows, groups) == [
        ["poslannia/pravda"],
        ["poslannia/ukrinform", "poslannia/unian"],
    ]


def test_no_story_holds_more_than_twelve_reports() -> None:
    start = datetime(2026, 11, 13, 8, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
    copies = [
        Report(
            "Укренерго: графіки відключень світла діятимуть у 12 областях",
            "Графіки погодинних відключень застосовуватимуть у 12 областях.",
            start + timedelta(minutes=n),
            f"outlet{n:02}",
        )
        for n in range(15)
    ]
    groups = cluster(copies)
    assert [len(g) for g in groups] == [12, 3]


def test_common_words_alone_do_not_make_a_story() -> None:
    start = datetime(2026, 11, 13, 8, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
    titles = [
        "Уряд ухвалив нові правила для аграріїв",
        "Уряд ухвалив програму відновлення шкіл",
        "Уряд ухвалив рішення про субсидії пенсіонерам",
    ]
    groups = cluster([Report(t, "", start + timedelta(hours=n)) for n, t in enumerate(titles)])
    assert len(groups) == 3
