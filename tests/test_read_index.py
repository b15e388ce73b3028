"""The read phase's own record of the article files (the cache's index): an edit stores the
rows that changed, not all of them; the walk finds files in the order their paths sort; an
edit that leaves a headline and summary as they were keeps their story features."""

from __future__ import annotations

import marshal
import os
import pickle
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import digest.cache
import digest.reading
from digest.build import BuildOptions
from digest.sources import Entry, article_files, find_articles
from digest.stories import story_features, unpack_features
from digest.verify import verify
from tests.conftest import NOW, MakeSite, build_at_now, read


def md(title: str, date: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [economy]\n---\n\n{body}\n"


def site_of(count: int) -> dict[str, str | bytes]:
    return {
        f"content/2026/02/n{n:02}.md": md(
            f"Новина {n} про бюджет", f"2026-02-{1 + n % 20:02} 09:{n:02}", f"Абзац {n}.\n\nДругий."
        )
        for n in range(count)
    }


def day_old(site: Path) -> None:
    """Files a day old: their stat is trusted, as most files of a real site are."""
    then = NOW.timestamp() - 86_400
    for path in (site / "content").rglob("*.md"):
        os.utime(path, (then, then))


def blobs(site: Path) -> dict[str, bytes]:
    db = sqlite3.connect(site / ".digest-cache/cache.sqlite3")
    try:
        return {
            name: bytes(value)
            for name, value in db.execute(
                "SELECT name, value FROM blobs WHERE name IN ('index', 'index changes')"
            )
        }
    finally:
        db.close()


def cached_entries(site: Path) -> list[Entry]:
    db = sqlite3.connect(site / ".digest-cache/cache.sqlite3")
    try:
        return [pickle.loads(blob)[0] for (blob,) in db.execute("SELECT entry FROM entries")]
    finally:
        db.close()


def rows(blob: bytes) -> dict[str, tuple[object, ...] | None]:
    found: dict[str, tuple[object, ...] | None] = marshal.loads(blob)[1]
    return found


def test_an_edit_stores_its_row_apart_and_leaves_the_other_rows_as_they_were(
    make_site: MakeSite,
) -> None:
    site = make_site(site_of(40))
    day_old(site)
    build_at_now(site)
    assert build_at_now(site).parsed == 0
    whole = blobs(site)["index"]
    assert len(rows(whole)) == 40

    edited = site / "content/2026/02/n07.md"
    edited.write_text(md("Новина 7 про бюджет", "2026-02-08 09:07", "Абзац 7.\n\nНове."), "utf-8")
    assert build_at_now(site).parsed == 1
    stored = blobs(site)
    assert stored["index"] == whole  # 39 rows not written again
    assert list(rows(stored["index changes"])) == ["content/2026/02/n07.md"]
    assert "Нове." in read(site, "2026/02/08/novyna-7-pro-biudzhet/index.html")

    # Seen too soon after its edit to be trusted by its stat: its bytes are compared.
    assert build_at_now(site).parsed == 0

    (site / "content/2026/02/n03.md").unlink()
    (site / "content/2026/02/n05.md").rename(site / "content/2026/02/n99.md")
    result = build_at_now(site)
    assert result.parsed == 1  # the renamed file: its path is part of what it says
    changes = rows(blobs(site)["index changes"])
    assert changes["content/2026/02/n03.md"] is None
    assert changes["content/2026/02/n05.md"] is None
    assert changes["content/2026/02/n99.md"] is not None
    assert len(result.site.articles) == 39
    assert build_at_now(site).parsed == 0
    assert verify(site, BuildOptions(now=NOW))[1] == []


def test_many_changed_rows_are_folded_into_the_index(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(digest.cache, "_INDEX_CHANGES_KEPT", 2)
    site = make_site(site_of(12))
    day_old(site)
    build_at_now(site)
    for n in (1, 2):
        path = site / f"content/2026/02/n{n:02}.md"
        path.write_text(path.read_text("utf-8") + "\nЩе абзац.\n", "utf-8")
    assert build_at_now(site).parsed == 2
    assert len(rows(blobs(site)["index changes"])) == 2
    (site / "content/2026/02/n04.md").unlink()
    assert build_at_now(site).parsed == 0
    stored = blobs(site)
    assert "index changes" not in stored  # three changes: all written into the index again
    assert sorted(rows(stored["index"])) == [
        f"content/2026/02/n{n:02}.md" for n in range(12) if n != 4
    ]
    assert len(build_at_now(site).site.articles) == 11


def test_a_body_edit_keeps_the_story_features_its_headline_and_summary_gave(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(site_of(3))
    build_at_now(site)
    made: list[str] = []

    def counted(title: str, lede: str) -> object:
        made.append(title)
        return story_features(title, lede)

    monkeypatch.setattr(digest.reading, "story_features", counted)
    path = site / "content/2026/02/n01.md"
    path.write_text(path.read_text("utf-8") + "\nНовий абзац наприкінці.\n", "utf-8")
    edited = build_at_now(site)
    assert (edited.parsed, made) == (1, [])
    (article,) = [a for a in edited.site.articles if a.title == "Новина 1 про бюджет"]
    assert "Новий абзац наприкінці." in read(site, article.url + "index.html")

    path.write_text(path.read_text("utf-8").replace("Новина 1", "Уряд ухвалив"), "utf-8")
    assert build_at_now(site).parsed == 1
    assert made == ["Уряд ухвалив про бюджет"]
    entry = next(e for e in cached_entries(site) if e.title == "Уряд ухвалив про бюджет")
    assert unpack_features(entry.story) == story_features(entry.title, entry.summary)


def test_the_walk_finds_files_in_the_order_their_paths_sort(tmp_path: Path) -> None:
    content = tmp_path / "content"
    names = [
        "a.md", "a-b/x.md", "a/x.md", "a b.md", "A.md", "a/y/z.txt", "a.txt",
        "2026/02/10-новина.md", "2026/02/1.md", "2026/02.md", "ʼапостроф.md", "z.markdown",
        "bundle/index.md", "bundle/note.md", ".hidden.md", "a/.x/y.md", "notes.html",
    ]  # fmt: skip
    for name in names:
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("date 2026-02-11 Текст.\n", "utf-8")
    files, problems = article_files(content)
    expected = sorted(
        content / name
        for name in names
        if not any(part.startswith(".") for part in Path(name).parts)
        and name.endswith((".md", ".txt", ".markdown"))
        and name != "bundle/note.md"
    )
    assert [Path(file) for file in files] == expected
    assert find_articles(content) == (expected, problems)
    assert [p.path for p in problems] == ["content/bundle/note.md"]


def test_a_walk_of_folders_only_holding_folders_or_files_keeps_that_order(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    names = [
        "2026/02/b.md", "2026/02/a-b.md", "2026/10/a.md", "2026/1/z.md", "2025/12/x.txt",
        "2026/02-extra/k/index.md", "2026/02-extra/k/photo.jpg", "2026/0/.draft.md",
    ]  # fmt: skip
    for name in names:
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("date 2026-02-11 Текст.\n", "utf-8")
    files, problems = article_files(content)
    assert [Path(file).relative_to(content).as_posix() for file in files] == [
        "2025/12/x.txt",
        "2026/02/a-b.md",
        "2026/02/b.md",
        "2026/02-extra/k/index.md",
        "2026/1/z.md",
        "2026/10/a.md",
    ]
    assert problems == []


class CoarseClock:
    """os as digest.reading sees it, on a filesystem whose times are coarse: every file's
    mtime and ctime read as one moment, so an edit of the same size in that moment leaves
    its stat as it was."""

    def __init__(self, moment_ns: int) -> None:
        self.moment_ns = moment_ns

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def stat(self, path: str) -> SimpleNamespace:
        real = os.stat(path)
        return SimpleNamespace(
            st_mtime_ns=self.moment_ns,
            st_ctime_ns=self.moment_ns,
            st_size=real.st_size,
            st_ino=real.st_ino,
        )


def test_an_edit_in_the_tick_of_the_last_look_is_caught_by_its_bytes(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/a.md": md("Новина дня", "2026-02-10 09:00", "Слово: Перший.")})
    monkeypatch.setattr(digest.reading, "os", CoarseClock(time.time_ns()))
    build_at_now(site)
    path = site / "content/a.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("Перший", "Другий"), "utf-8")  # the same size
    assert path.stat().st_size == len(text.encode("utf-8"))
    assert build_at_now(site).parsed == 1
    assert "Слово: Другий." in read(site, "2026/02/10/novyna-dnia/index.html")
