"""Several outlets' reports of the same events, and near misses that must stay apart.

Each row: (event label, outlet, "YYYY-MM-DD HH:MM", headline, lede). Rows with one label are
one story; a label used once is a story of its own. Written for these tests in the texture of
real Ukrainian and English news: apostrophes spelled ' ’ ʼ, zero-width spaces in headlines.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from digest.stories import Report

KYIV = ZoneInfo("Europe/Kyiv")

Row = tuple[str, str, str, str, str]

UK: list[Row] = [
    # One event, three outlets' wordings.
    (
        "poslannia",
        "ukrinform",
        "2026-11-13 09:12",
        "Зеленський почав готувати щорічне послання до Ради",
        "Президент Володимир Зеленський розпочав роботу над щорічним посланням до Верховної Ради "
        "про внутрішнє і зовнішнє становище України, повідомив Офіс президента.",
    ),
    (
        "poslannia",
        "unian",
        "2026-11-13 09:40",
        "Зеленський розпочав підготовку щорічного послання до Ради",
        "Глава держави провів першу нараду щодо щорічного послання до парламенту, яке має "
        "виголосити до кінця року.",
    ),
    (
        "poslannia",
        "pravda",
        "2026-11-13 11:05",
        "Зеленський готує щорічне послання до Верховної Ради — ОП",
        "В Офісі президента підтвердили, що триває підготовка щорічного послання, дату виступу "
        "у Раді ще не визначено.",
    ),
    # Energy: a rewritten headline, same facts in the lede.
    (
        "ukrenergo",
        "ukrinform",
        "2026-11-13 07:30",
        "Укренерго: графіки відключень світла діятимуть у 12 областях",
        "У четвер, 13 листопада, графіки погодинних відключень електроенергії застосовуватимуть "
        "у 12 областях через наслідки масованої атаки на енергосистему.",
    ),
    (
        "ukrenergo",
        "unian",
        "2026-11-13 08:02",
        "Графіки відключень світла 13 листопада: Укренерго назвало 12 областей",
        "Графіки погодинних відключень електроенергії застосовуватимуть у 12 областях, "
        "повідомили в Укренерго: причина — наслідки масованої атаки на енергосистему.",
    ),
    # A verbatim wire copy under another headline.
    (
        "nbu",
        "interfax",
        "2026-11-13 14:00",
        "НБУ залишив облікову ставку на рівні 15,5%",
        "Правління Національного банку України ухвалило рішення зберегти облікову ставку на "
        "рівні 15,5% річних. Це рішення відповідає оновленому прогнозу, який передбачає "
        "поступове сповільнення інфляції у наступному році.",
    ),
    (
        "nbu",
        "rbc",
        "2026-11-13 14:07",
        "Нацбанк не став змінювати ставку",
        "Правління Національного банку України ухвалило рішення зберегти облікову ставку на "
        "рівні 15,5% річних. Це рішення відповідає оновленому прогнозу, який передбачає "
        "поступове сповільнення інфляції у наступному році.",
    ),
    (
        "nbu",
        "unian",
        "2026-11-13 14:30",
        "Нацбанк зберіг облікову ставку 15,5%: що це означає для гривні",
        "Національний банк вдруге поспіль залишив облікову ставку без змін на рівні 15,5%.",
    ),
    # Apostrophes and a zero-width space inside a headline.
    (
        "lviv",
        "zaxid",
        "2026-11-13 06:10",
        "У Львові через атаку дронів пошкоджено об’єкт критичної\u200b інфраструктури",
        "Вночі Львів атакували ударні дрони, внаслідок влучання пошкоджено об'єкт критичної "
        "інфраструктури, повідомив міський голова Андрій Садовий.",
    ),
    (
        "lviv",
        "unian",
        "2026-11-13 06:45",
        "Атака дронів на Львів: пошкоджено обʼєкт критичної інфраструктури",
        "Міський голова Андрій Садовий повідомив про влучання в обʼєкт критичної "
        "інфраструктури під час нічної атаки дронів.",
    ),
    # Near miss: the same kind of report on another day (outside the window).
    (
        "lviv-again",
        "zaxid",
        "2026-11-15 05:50",
        "У Львові через атаку дронів пошкоджено об’єкт критичної інфраструктури",
        "Вночі Львів знову атакували ударні дрони, пошкоджено ще один об'єкт інфраструктури.",
    ),
    # Near miss: two people's predictions about one fight.
    (
        "usyk",
        "sport",
        "2026-11-13 12:00",
        "Усик прогнозує нокаут Ф’юрі у реванші",
        "Український чемпіон заявив, що цього разу не дасть британцю дійти до суддівських записок.",
    ),
    (
        "fury",
        "sport",
        "2026-11-13 12:30",
        "Ф’юрі прогнозує перемогу над Усиком у реванші",
        "Британський боксер упевнений, що реванш завершиться інакше, ніж перший бій.",
    ),
    # Near miss: daily casualty figures of different days, inside the window.
    (
        "losses-12",
        "ukrinform",
        "2026-11-12 08:00",
        "Втрати ворога за добу: 1 180 окупантів і 35 артсистем",
        "Загальні бойові втрати противника станом на 12 листопада орієнтовно склали "
        "1 180 осіб за добу, повідомив Генштаб ЗСУ.",
    ),
    (
        "losses-13",
        "ukrinform",
        "2026-11-13 08:00",
        "Втрати ворога за добу: 1 050 окупантів і 28 артсистем",
        "Загальні бойові втрати противника станом на 13 листопада орієнтовно склали "
        "1 050 осіб за добу, повідомив Генштаб ЗСУ.",
    ),
    (
        "losses-13",
        "unian",
        "2026-11-13 08:20",
        "Генштаб: за добу ЗСУ знищили 1 050 окупантів і 28 артсистем",
        "Станом на 13 листопада загальні бойові втрати противника орієнтовно склали "
        "1 050 осіб за минулу добу.",
    ),
    # Near miss: a roundup that mentions an event.
    (
        "roundup",
        "pravda",
        "2026-11-13 21:00",
        "Головне за 13 листопада: послання Зеленського до Ради, ставка НБУ і атака на Львів",
        "Зеленський почав готувати щорічне послання, Нацбанк залишив облікову ставку, "
        "у Львові пошкоджено інфраструктуру.",
    ),
    # Near miss: two speakers on one subject.
    (
        "sybiha",
        "ukrinform",
        "2026-11-13 16:00",
        "Сибіга: переговори про мир можливі лише за участі України",
        "Міністр закордонних справ наголосив, що жодних рішень про Україну без України не буде.",
    ),
    (
        "rutte",
        "ukrinform",
        "2026-11-13 16:20",
        "Рютте: переговори про мир можливі лише з позиції сили",
        "Генсек НАТО закликав союзників посилити підтримку України перед можливими переговорами.",
    ),
    # One event in different words, with a name in another case.
    (
        "grain",
        "interfax",
        "2026-11-13 10:00",
        "Туреччина запропонувала провести в Стамбулі переговори про зерновий коридор",
        "Анкара готова прийняти делегації для обговорення безпеки судноплавства в Чорному морі.",
    ),
    (
        "grain",
        "rbc",
        "2026-11-13 10:25",
        "Стамбул може прийняти переговори щодо зернового коридору — Туреччина",
        "Турецька сторона запропонувала майданчик для переговорів про безпеку судноплавства.",
    ),
    # Near miss: one person, one kind of meeting, two countries on one day.
    (
        "meet-pl",
        "ukrinform",
        "2026-11-13 15:00",
        "Зеленський зустрівся з прем’єр-міністром Польщі",
        "Сторони обговорили оборонну співпрацю та відновлення енергетики.",
    ),
    (
        "meet-ca",
        "ukrinform",
        "2026-11-13 19:00",
        "Зеленський зустрівся з прем’єр-міністром Канади",
        "Лідери говорили про нові пакети допомоги та санкції.",
    ),
    (
        "meet-pl",
        "unian",
        "2026-11-13 15:30",
        "Зеленський провів зустріч із прем’єром Польщі Туском",
        "Президент і прем'єр-міністр Польщі обговорили оборонну співпрацю.",
    ),
    # Near miss: one city, one verb, two centres; and one city, two shelters, one numbered.
    (
        "lviv-children",
        "zaxid",
        "2026-11-13 11:00",
        "У Львові відкрили центр для дітей, які втратили батьків",
        "Центр працює за підтримки ЮНІСЕФ.",
    ),
    (
        "lviv-rehab",
        "unian",
        "2026-11-13 12:10",
        "У Львові відкрили новий центр реабілітації після ампутацій",
        "Пацієнти отримуватимуть протези безкоштовно.",
    ),
    (
        "zhytomyr-new",
        "suspilne",
        "2026-11-13 09:00",
        "У Житомирі запрацював новий пункт незламності",
        "Люди можуть обігрітися та зарядити телефони.",
    ),
    (
        "zhytomyr-15",
        "unian",
        "2026-11-13 09:30",
        "У Житомирі відкрили 15-й пункт незламності",
        "Міська влада обладнала ще один пункт, де можна обігрітися.",
    ),
    # A heavy paraphrase: few shared headline words (a miss is expected and counted).
    (
        "call",
        "unian",
        "2026-11-13 22:00",
        "Трамп і Путін поговорили телефоном",
        "Президент США Дональд Трамп провів телефонну розмову з Путіним, яка тривала понад "
        "дві години.",
    ),
    (
        "call",
        "pravda",
        "2026-11-13 22:30",
        "Відбулася телефонна розмова Трампа з Путіним: що відомо",
        "Телефонна розмова президента США Дональда Трампа з Путіним тривала понад дві години.",
    ),
    # Evening and next morning: one event across midnight, inside the window.
    (
        "dnipro",
        "suspilne",
        "2026-11-13 23:40",
        "Удар по Дніпру: поранено 9 людей, пошкоджено багатоповерхівку",
        "Російська ракета влучила у житловий квартал Дніпра, поранено дев'ятеро людей.",
    ),
    (
        "dnipro",
        "ukrinform",
        "2026-11-14 07:15",
        "Кількість поранених через удар по Дніпру зросла до 12",
        "Внаслідок ракетного удару по Дніпру поранено вже 12 людей, повідомив голова ОВА.",
    ),
    # Stories of their own.
    (
        "lone-school",
        "unian",
        "2026-11-13 13:00",
        "У Харкові відкрили ще одну підземну школу",
        "Нова укрита школа розрахована на 900 учнів, навчання почнеться в грудні.",
    ),
    (
        "lone-film",
        "ukrinform",
        "2026-11-13 18:00",
        "Український фільм «Бучa» отримав приз кінофестивалю в Таллінні",
        "Стрічка перемогла в програмі для дебютантів фестивалю «Темні ночі».",
    ),
    # A plain wire story whose whole body is one line of 79,000 characters.
    (
        "budget",
        "interfax",
        "2026-11-13 17:00",
        "Рада ухвалила держбюджет-2027 у другому читанні",
        "Верховна Рада ухвалила закон про державний бюджет на 2027 рік у другому читанні, "
        "за проголосували 257 народних депутатів. " + "Видатки на оборону зросли. " * 3000,
    ),
    (
        "budget",
        "unian",
        "2026-11-13 17:20",
        "Держбюджет-2027 ухвалено: за проголосували 257 депутатів",
        "Парламент ухвалив державний бюджет на 2027 рік у другому читанні, голосами 257 депутатів.",
    ),
]

EN: list[Row] = [
    (
        "summit",
        "reuters",
        "2026-11-13 09:00",
        "EU leaders agree new €50 billion support package for Ukraine",
        "European Union leaders agreed on Thursday a €50 billion package of grants and loans "
        "for Kyiv over four years, overcoming objections from Hungary.",
    ),
    (
        "summit",
        "ap",
        "2026-11-13 09:35",
        "EU agrees €50 billion Ukraine support package after Hungary drops veto",
        "The 27 EU leaders approved the €50 billion support package at a summit in Brussels "
        "after Hungary's prime minister lifted his objections.",
    ),
    (
        "summit",
        "bbc",
        "2026-11-13 10:10",
        "Hungary lifts veto as EU leaders approve €50bn support package for Ukraine",
        "EU leaders approved a €50 billion support package for Ukraine at a summit in Brussels.",
    ),
    (
        "blackout",
        "kyivindependent",
        "2026-11-13 07:00",
        "Power outage schedules return in 12 oblasts after massive attack",
        "Ukrenergo said scheduled power outages would apply in 12 oblasts on Nov. 13 after "
        "Russia's massive attack on the energy grid.",
    ),
    (
        "blackout",
        "reuters",
        "2026-11-13 07:45",
        "Ukraine's grid operator schedules power outages in 12 regions after Russian attack",
        "Ukrenergo said scheduled power outages would apply in 12 regions on Thursday after "
        "Russia's massive attack on the energy grid.",
    ),
    # Near miss: another day's outages, same wording.
    (
        "blackout-15",
        "kyivindependent",
        "2026-11-15 07:00",
        "Power outage schedules return in 9 oblasts after massive attack",
        "Ukrenergo said scheduled power outages would apply in 9 oblasts on Nov. 15.",
    ),
    # Near miss: two predictions about one fight.
    (
        "usyk-en",
        "espn",
        "2026-11-13 12:00",
        "Usyk predicts knockout of Fury in rematch",
        "The Ukrainian champion said he would not let the Briton reach the scorecards.",
    ),
    (
        "fury-en",
        "espn",
        "2026-11-13 12:20",
        "Fury predicts victory over Usyk in rematch",
        "The British heavyweight said the rematch would end differently from the first fight.",
    ),
    # Near miss: a roundup.
    (
        "roundup-en",
        "kyivindependent",
        "2026-11-13 20:00",
        "Ukraine war latest: EU agrees €50 billion package, outages return in 12 oblasts",
        "Key developments on Nov. 13: EU leaders agreed a support package; power outages return.",
    ),
    (
        "lone-chess",
        "ap",
        "2026-11-13 15:00",
        "Ukrainian chess prodigy, 12, wins European youth title",
        "The 12-year-old from Lviv won the under-14 section of the European championship.",
    ),
    (
        "ecb",
        "reuters",
        "2026-11-13 13:45",
        "ECB holds interest rates steady, signals cuts next year",
        "The European Central Bank kept its deposit rate unchanged on Thursday and signalled "
        "that borrowing costs could fall next year as inflation eases.",
    ),
    (
        "ecb",
        "ft",
        "2026-11-13 14:10",
        "ECB keeps interest rates on hold and signals cuts in the coming year",
        "The European Central Bank left its deposit rate unchanged and said borrowing costs "
        "could come down next year.",
    ),
]


def reports(rows: list[Row]) -> list[Report]:
    return [
        Report(
            title=title,
            lede=lede,
            moment=datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=KYIV),
            order=f"{outlet}/{n}",
        )
        for n, (_, outlet, when, title, lede) in enumerate(rows)
    ]


def expected_groups(rows: list[Row]) -> list[list[str]]:
    """The expected stories as sorted lists of labels-with-outlets, in a stable order."""
    by_label: dict[str, list[str]] = {}
    for n, (label, outlet, _, _, _) in enumerate(rows):
        by_label.setdefault(label, []).append(f"{label}/{outlet}/{n}")
    return sorted(sorted(group) for group in by_label.values())


def pair_scores(rows: list[Row], groups: list[list[int]]) -> tuple[int, int, int]:
    """(true pairs found, wrong pairs made, true pairs in all) over every pair of reports."""
    found = {(a, b) for g in groups for a in g for b in g if a < b}
    truth = {
        (a, b)
        for a in range(len(rows))
        for b in range(a + 1, len(rows))
        if rows[a][0] == rows[b][0]
    }
    return len(found & truth), len(found - truth), len(truth)
