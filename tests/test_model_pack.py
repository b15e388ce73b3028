"""The cached model's pack (model_pack.py): it gives back an equal model whose articles,
stories and topics are shared as in the one packed, and loading it costs no Python call per
article, the cost a build after an edit used to pay for every article of the site."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

from digest.model import Site
from digest.model_pack import pack_site, unpack_site
from tests.conftest import MakeSite, build_at_now

TAGGED = """\
    ---
    title: "Зеленський у Києві: м’ясо, пʼять і п'ять"
    date: 2026-02-11 09:{minute:02d}
    tags: [Дипломатія, економіка]
    authors: [Олена Петренко <https://example.org/op>, Ігор Ткач]
    lastmod: 2026-02-12T10:00:00+02:00
    aliases: [/old/{n}/]
    image: /img/{n}.jpg
    pinned: {pinned}
    priority: {priority}
    ---
    Переговори у Женеві тривали до ночі, сказав посол.
    """
PLAIN = "date 2026-02-1{day} Уряд ухвалив бюджет\u200b на рік.\n\nВидатки зростуть у гривні.\n"


def _site(make_site: MakeSite, articles: int) -> Site:
    files: dict[str, str | bytes] = {}
    for n in range(articles):
        if n % 2:
            files[f"content/t{n}.md"] = TAGGED.format(
                minute=n % 60, n=n, pinned=str(n % 3 == 0).lower(), priority=n % 4
            )
        else:
            files[f"content/p{n}.txt"] = PLAIN.format(day=n % 3)
    files["content/draft.md"] = "---\ntitle: Чернетка\ndate: 2026-02-12\ndraft: true\n---\nНі.\n"
    return build_at_now(make_site(files)).site


def test_the_pack_gives_back_an_equal_model_sharing_what_it_shared(make_site: MakeSite) -> None:
    site = _site(make_site, 12)
    assert any(a.authors and a.redirects and a.updated and a.pinned for a in site.articles)

    loaded = unpack_site(pack_site(site))

    assert loaded == site
    assert [a.url for a in loaded.articles] == [a.url for a in site.articles]
    assert loaded.stories and loaded.topics
    # What was one object (an article in its day, its stories, its topics) is one still.
    assert _layout(loaded) == _layout(site)
    assert loaded.days[0].articles[0] is loaded.articles[0]
    # A frozen article stays frozen.
    try:
        loaded.articles[0].title = "інше"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a loaded article could be changed")


def _layout(site: Site) -> list[int]:
    """Each article, story, section, group and topic the model refers to, numbered by where it
    is first met: two models with one layout share the same objects in the same places."""
    numbers: dict[int, int] = {}
    refs: list[object] = [*site.articles, *site.stories, *site.untagged]
    for day in site.days:
        refs += [*day.articles, *day.top, *day.stories, *day.sections]
        for section in day.sections:
            refs += [section.topic, *section.articles, *section.stories]
    for group in site.topics:
        refs += [group, group.topic, *group.articles]
    refs += [t for story in site.stories for t in (story.topic, *story.reports)]
    refs += [t for article in site.articles for t in article.topics]
    return [numbers.setdefault(id(ref), len(numbers)) for ref in refs]


def _python_calls(pack: bytes) -> int:
    """How many Python functions run while the pack is loaded."""
    calls = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(count)
    try:
        unpack_site(pack)
    finally:
        sys.setprofile(None)
    return calls


def test_loading_costs_no_python_call_per_article(make_site: MakeSite, tmp_path: Path) -> None:
    small = pack_site(_site(make_site, 6))
    (tmp_path / "site").rename(tmp_path / "small")
    large = pack_site(_site(make_site, 60))

    # Pickled object by object, each article, story and section would be one call (at least).
    assert _python_calls(large) - _python_calls(small) < 10


def test_a_model_file_gone_is_grouped_again(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/a.md": TAGGED.format(minute=5, n=1, pinned="false", priority=0),
            "content/b.txt": PLAIN.format(day=1),
        }
    )
    build_at_now(site)
    models = site / ".digest-cache" / "models"
    (first,) = models.iterdir()
    first.unlink()
    (site / "content/b.txt").write_text(PLAIN.format(day=2), encoding="utf-8")

    result = build_at_now(site)

    assert sorted(a.path for a in result.site.articles) == ["content/a.md", "content/b.txt"]
    assert "2026/02/12/" in {d.url for d in result.site.days}
    (site / "content/b.txt").write_text(PLAIN.format(day=0), encoding="utf-8")
    build_at_now(site)
    # Two models are kept (the last two), each a file; a third's file goes with its row.
    assert len(list(models.iterdir())) == 2
