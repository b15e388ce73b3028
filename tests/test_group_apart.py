"""A large site is grouped in a child process (build._Run.grouped): the same site and
warnings as grouping in the build's own process, and the work falls back to it when the
child cannot be used."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

import digest.build
import digest.group
from digest.workers import run_apart
from tests.conftest import MakeSite, build_at_now

ARTICLES = {
    "content/a.md": """\
        ---
        title: Новини дня
        date: 2026-02-11 09:00
        tags: [Дипломатія]
        ---
        Переговори у Женеві тривали до ночі.
        """,
    "content/b.md": """\
        ---
        title: Новини дня
        date: 2026-02-11 10:30
        ---
        Уряд ухвалив бюджет на наступний рік: видатки зростуть у гривні.
        """,
    "content/c.txt": "date 2026-02-12 Зеленський у Києві.\n\nМ’ясо, пʼять і п'ять: ​ще один день.\n",
    "content/d.md": """\
        ---
        title: Чернетка
        date: 2026-02-12
        draft: true
        ---
        Не для читачів.
        """,
}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _grouped_in(monkeypatch: pytest.MonkeyPatch, marks: Path) -> None:
    """Note in `marks` the process each grouping runs in."""
    group_site = digest.group.group_site

    def noted(*args: object, **kwargs: object) -> object:
        with marks.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return group_site(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(digest.group, "group_site", noted)


def test_a_site_grouped_apart_is_the_site_grouped_here(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = make_site(ARTICLES)
    here = build_at_now(site)
    expected = _files(site / "_site")
    shutil.rmtree(site / "_site")
    shutil.rmtree(site / ".digest-cache")

    marks = tmp_path / "grouped-in"
    _grouped_in(monkeypatch, marks)
    monkeypatch.setattr(digest.build, "GROUP_APART_MIN", 1)
    apart = build_at_now(site)

    assert [int(pid) for pid in marks.read_text().split()] != [os.getpid()]
    assert len(marks.read_text().split()) == 1
    assert _files(site / "_site") == expected
    assert apart.warnings == here.warnings
    assert any("is already used on 2026-02-11" in w.message for w in apart.warnings)
    assert apart.counts == here.counts == (3, 2, 3, 0)
    assert [a.path for a in apart.site.articles] == [a.path for a in here.site.articles]
    assert apart.site.config is apart.config
    # The model the child handed back is the one kept: the next build loads it.
    again = build_at_now(site)
    assert again.rendered == 0 and again.parsed == 0
    assert [a.url for a in again.site.articles] == [a.url for a in here.site.articles]


def test_grouping_stays_here_when_a_child_cannot_be_forked(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    site = make_site(ARTICLES)
    marks = tmp_path / "grouped-in"
    _grouped_in(monkeypatch, marks)
    monkeypatch.setattr(digest.build, "GROUP_APART_MIN", 1)
    monkeypatch.setattr("digest.workers.can_fork", lambda: False)
    result = build_at_now(site)
    assert marks.read_text().split() == [str(os.getpid())]
    assert result.counts == (3, 2, 3, 0)


def test_run_apart_hands_back_the_childs_bytes() -> None:
    data = "Київ ʼ’' ​".encode() * 300_000  # more than a pipe holds at once
    assert run_apart(lambda: data) == data
    assert run_apart(lambda: b"") == b""


def test_run_apart_says_none_when_the_child_fails_or_threads_are_about() -> None:
    def fails() -> bytes:
        raise ValueError("no")

    assert run_apart(fails) is None
    found: list[bytes | None] = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        found.append(run_apart(lambda: b"x"))
    finally:
        stop.set()
        other.join()
    assert found == [None]
