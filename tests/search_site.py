"""A small site for search tests: one event told in many word forms, Ukrainian and English,
with a draft and a future-dated story that must never be found."""

from __future__ import annotations

from digest.presets import preset_topics
from tests.conftest import BASIC_CONFIG

# Only the two topics the site declares (the preset's are dropped), so topic numbers in the
# index stay those the tests name.
SEARCH_CONFIG = BASIC_CONFIG.replace("search: false", "search: true") + "".join(
    f"  {key}: false\n" for key, _, _ in preset_topics("uk") if key not in ("diplomacy", "economy")
)


def md(title: str, date: str, body: str, extra: str = "") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\n{extra}---\n\n{body}\n'


SEARCH_SITE: dict[str, str | bytes] = {
    "content/a1.md": md(
        "Війна змінила економіку регіону", "2026-02-01 09:00", "Економісти рахують втрати."
    ),
    "content/a2.md": md(
        "Звіт про наслідки",
        "2026-02-02 09:00",
        "Наслідки війни відчутні в Києві: ціни зросли.\n\nДругий абзац про бюджет.",
    ),
    "content/a3.txt": "date 2026-02-03 Країна живе війною третій рік\n\nЛюди звикли до тривог.\n",
    "content/a4.md": md(
        "Пере\u200bговори у Києві тривають", "2026-02-04 09:00", "Сторони не поспішають."
    ),
    "content/a5.md": md(
        "Делегація прибула до Києва",
        "2026-02-05 09:00",
        "Раунд переговорів розпочнеться завтра. Прем’єр зустріне гостей.",
    ),
    "content/a6.md": md("Київ готується до зими", "2026-02-06 09:00", "Премʼєр провів нараду."),
    "content/a7.md": md(
        "Talks resume in Geneva",
        "2026-02-06 10:00",
        "The negotiations resumed after a pause of 79 days.",
        "tags: [diplomacy]\n",
    ),
    "content/a8.md": md(
        "Negotiating a ceasefire", "2026-02-07 10:00", "Diplomats keep negotiating."
    ),
    "content/draft.md": md(
        "Війна у чернетці", "2026-02-07 09:00", "Чернетка про війну.", "draft: true\n"
    ),
    "content/future.md": md("Війна у майбутньому", "2026-12-30 09:00", "Ще не настав час."),
}
