"""A large news day for theme checks: 13 November 2026 with about 360 stories from three
outlets, some reported by two of them, as plain wire stories under content/<outlet>/.

Real headlines and ledes come from the topic fixtures (tests/fixtures/rubrics_uk*.tsv); the rest
are regional reports that differ in place and figures, as a day of wire copy does.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import build_at_now

FIXTURES = Path(__file__).parent / "fixtures"
DAY = "2026-11-13"
OUTLETS = ("unian", "ukrinform", "interfax")
CONFIG = """\
title: Щоденний дайджест
base_url: https://example.github.io/digest/
language: uk
timezone: Europe/Kyiv
search: false
sources:
  unian: {name: УНІАН, url: "https://www.unian.ua/rss"}
  ukrinform: {name: Укрінформ, url: "https://www.ukrinform.ua/rss"}
  interfax: {name: Інтерфакс-Україна, url: "https://interfax.com.ua/rss"}
"""
CITIES = (
    "Вінниці", "Луцьку", "Дніпрі", "Житомирі", "Ужгороді", "Запоріжжі", "Івано-Франківську",
    "Кропивницькому", "Львові", "Миколаєві", "Одесі", "Полтаві", "Рівному", "Сумах",
    "Тернополі", "Харкові", "Херсоні", "Хмельницькому", "Черкасах", "Чернівцях", "Чернігові",
)  # fmt: skip
REGIONAL = (
    ("У {city} відкрили {n}-й пункт незламності", "Міська влада обладнала ще один пункт, де "
     "можна обігрітися, зарядити телефон і отримати допомогу."),
    ("У {city} ремонтують {n} шкільних укриттів", "Роботи фінансують з міського бюджету; "
     "завершити їх планують до кінця семестру."),
    ("У {city} через негоду без світла залишилися {n} будинків", "Енергетики працюють над "
     "відновленням живлення, повідомили в обласній адміністрації."),
    ("У {city} патрульні за добу зафіксували {n} ДТП", "Поліція закликає водіїв зважати на "
     "погодні умови та дотримуватися швидкісного режиму."),
)  # fmt: skip


def rubric_rows() -> list[tuple[str, str]]:
    rows = []
    for name in ("rubrics_uk.tsv", "rubrics_uk_heldout.tsv"):
        for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                _, title, lede = line.split("\t")
                rows.append((title, lede))
    return rows


def large_day_files(stories: int = 360, shared: int = 60) -> dict[str, str]:
    """`stories` stories on 13 November, the first `shared` of them reported by two outlets."""
    items = rubric_rows()
    n = 0
    while len(items) < stories:
        title, lede = REGIONAL[n % len(REGIONAL)]
        city = CITIES[(n // len(REGIONAL)) % len(CITIES)]
        items.append((title.format(city=city, n=n + 3), lede))
        n += 1
    files = {}
    for i, (title, lede) in enumerate(items[:stories]):
        text = f"date {DAY} {title}\n\n{lede}\n\nПодробиці згодом.\n"
        files[f"content/{OUTLETS[i % 3]}/{i:03}.txt"] = text
        if i < shared:  # the second outlet's wording: its own headline, the wire's lede
            short = lede.rsplit(" ", 1)[0].rstrip(".,") + "."  # a word shorter
            copy = f"date {DAY} {title.rstrip('.')}: подробиці\n\n{short}\n\nДеталі.\n"
            files[f"content/{OUTLETS[(i + 1) % 3]}/{i:03}-copy.txt"] = copy
    files[f"content/{OUTLETS[0]}/previous.txt"] = (
        "date 2026-11-12 Новина попереднього дня\n\nЛід.\n"
    )
    return files


def build_large_day(folder: Path) -> Path:
    """Write the large day's site into `folder`, build it, return its output folder."""
    (folder / "site.yaml").write_text(CONFIG, encoding="utf-8")
    for rel, text in large_day_files().items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = build_at_now(folder)
    assert result.warnings == []
    return folder / "_site"
