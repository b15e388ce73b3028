"""Invalid sites: each bad article is named with its line and skipped; the good ones publish."""

from __future__ import annotations

import pytest

from tests.conftest import MakeSite, build_at_now

GOOD = {"content/good.txt": "date 2026-02-11 Добра новина\n\nТекст.\n"}

CASES = {
    "bad-yaml": (
        "---\ntitle: Добре\ndate: 2026-02-11\ntags: [a, b\n---\nТекст\n",
        "content/x.md:4: front matter: invalid YAML: while parsing a flow sequence: "
        "did not find expected ',' or ']' (column 1) — fix the YAML between the --- lines",
    ),
    "python-tag": (
        "---\ntitle: !!python/object/apply:os.system ['echo hacked']\ndate: 2026-02-11\n---\n",
        "content/x.md:2: front matter: YAML tag !!python/object/apply:os.system is not allowed "
        "— fix the YAML between the --- lines",
    ),
    "bad-date": (
        "---\ntitle: T\ndate: 11/02/2026\n---\n",
        "content/x.md:3: date: expected a date like 2026-02-11, 2026-02-11 18:00 or "
        '2026-02-11T18:00:00+02:00, got "11/02/2026" — fix the date',
    ),
    "impossible-date": (
        "---\ntitle: T\ndate: 2026-02-30\n---\n",
        'content/x.md:3: date: "2026-02-30" is not a date in the calendar '
        "(day is out of range for month) — fix the date",
    ),
    "bad-offset": (
        "---\ntitle: T\ndate: 2026-02-11 10:00 +25:00\n---\n",
        'content/x.md:3: date: "2026-02-11 10:00 +25:00" has an impossible UTC offset +25:00 '
        "— fix the date",
    ),
    "no-date": (
        "---\ntitle: T\n---\nТекст\n",
        "content/x.md:1: no date — add date: 2026-02-11 to the front matter "
        "or start the file name with it",
    ),
    "title-list": (
        "---\ntitle: [a, b]\ndate: 2026-02-11\n---\n",
        "content/x.md:2: title: expected text, got a list — write title: some text",
    ),
    "tag-mapping": (
        "---\ntitle: T\ndate: 2026-02-11\ntags: [{a: 1}]\n---\n",
        "content/x.md:4: tags: each tag must be text, got a mapping — write tags: [a, b]",
    ),
    "unclosed": (
        "---\ntitle: T\ndate: 2026-02-11\n",
        "content/x.md:1: front matter is not closed — add a line with --- after it",
    ),
    "empty": ("\n  \n", "content/x.md:1: file is empty — write an article or delete the file"),
    "not-utf8": (
        "---\ntitle: Привіт\n---\n".encode("cp1251"),
        "content/x.md:2: not UTF-8 text (byte 0xcf) — save the file as UTF-8, "
        "or set encoding_fallback: cp1251 in site.yaml",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_article_is_named_skipped_and_the_rest_publish(make_site: MakeSite, case: str) -> None:
    text, message = CASES[case]
    site = make_site({**GOOD, "content/x.md": text})
    result = build_at_now(site)
    assert [str(w) for w in result.warnings] == [message]
    assert [a.title for a in result.site.articles] == ["Добра новина"]
    assert (site / "_site/2026/02/11/dobra-novyna/index.html").is_file()


def test_wire_story_without_date_line(make_site: MakeSite) -> None:
    site = make_site({**GOOD, "content/w.txt": "\n\nЗаголовок без дати\n\nТекст.\n"})
    result = build_at_now(site)
    assert [str(w) for w in result.warnings] == [
        'content/w.txt:3: expected the first line to be "date YYYY-MM-DD headline" '
        "— start the story with its date and headline"
    ]


def test_missing_title_falls_back_with_a_warning(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/h.md": "---\ndate: 2026-02-11\n---\n\n# Заголовок з тексту\n\nТекст.\n",
            "content/n.md": "---\ndate: 2026-02-11\n---\n\nТекст.\n",
        }
    )
    result = build_at_now(site)
    assert sorted(a.title for a in result.site.articles) == ["n", "Заголовок з тексту"]
    assert [str(w) for w in result.warnings] == [
        "content/h.md:1: no title; using the first heading — add title: to the front matter",
        "content/n.md:1: no title; using the file name — add title: to the front matter",
    ]


def test_jekyll_date_with_stray_text_is_read_with_a_warning(make_site: MakeSite) -> None:
    # A real Jekyll post (jekyll/jekyll _posts) carries this date; Jekyll reads it, so do we.
    site = make_site(
        {
            "content/j.md": "---\ntitle: 'Jekyll 3.9.3 Released'\n"
            "date: 2023-01-29 18:30:22 2023 -0800\n---\nx\n"
        }
    )
    result = build_at_now(site)
    assert [str(w) for w in result.warnings] == [
        'content/j.md:3: date: ignored "2023" in "2023-01-29 18:30:22 2023 -0800"; '
        "read it as 2023-01-30T04:30:22+02:00 — fix the date"
    ]
    assert [a.day.isoformat() for a in result.site.articles] == ["2023-01-30"]
