"""Slugs: KMU 2010 for Ukrainian, ASCII for the rest, always safe and non-empty."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.slugs import MAX_SLUG, slugify

SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Генеральний секретар", "heneralnyi-sekretar"),
        ("Згорани, Юрій і Їжакевич", "zghorany-yurii-i-yizhakevych"),
        ("Здоров’я нації", "zdorovia-natsii"),
        ("Здоров'я нації", "zdorovia-natsii"),
        ("Щастя в Єнакієвому", "shchastia-v-yenakiievomu"),
        ("Crème brûlée — 2026!", "creme-brulee-2026"),
        ("NATO & EU: talks", "nato-eu-talks"),
        ("../../etc/passwd", "etc-passwd"),
    ],
)
def test_known_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    slug = slugify("Уряд ухвалив " + "дуже " * 40 + "довгий заголовок")
    assert len(slug) <= MAX_SLUG
    assert not slug.endswith("-")
    assert set(slug.split("-")) <= {"uriad", "ukhvalyv", "duzhe"}


def test_titles_without_letters_get_a_stable_hash_slug() -> None:
    assert slugify("…!?") == slugify("…!?")
    assert slugify("…!?") != slugify("—")
    assert SAFE.match(slugify("中文标题"))


@given(st.text())
def test_any_title_gives_a_safe_nonempty_slug(title: str) -> None:
    slug = slugify(title)
    assert SAFE.match(slug), slug
    assert 0 < len(slug) <= MAX_SLUG
    assert slug not in (".", "..")
