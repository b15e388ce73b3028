"""The watcher without sockets: editor saves, temp files, bursts, debouncing, rebuild outcomes."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from digest.build import BuildOptions
from digest.watch import (
    Change,
    ChangeKind,
    Debouncer,
    SiteLayout,
    TerminalReporter,
    Watcher,
    build_once,
    describe_changes,
    is_editor_temp,
)
from tests.conftest import NOW, MakeSite

ARTICLE = "---\ntitle: Переговори тривають\ndate: 2026-02-11\n---\n\nТекст.\n"
BROKEN = "---\ntitle: [oops\ndate: 2026-02-11\n---\n"  # YAML error on line 2
WAIT = 10.0  # seconds to wait for an event that must come; a failure, never a pass, if slow


@pytest.mark.parametrize(
    ("name", "temp"),
    [
        ("a.md", False),
        ("2026-02-11-a.txt", False),
        ("style.css", False),
        ("site.yaml", False),
        (".a.md.swp", True),  # vim
        (".a.md.swx", True),
        ("a.md~", True),  # vim/Emacs/gedit backup
        ("4913", True),  # vim's "can I write here" probe
        ("5036", True),
        ("2026", False),  # a year's folder is not vim's probe
        (".#a.md", True),  # Emacs lock
        ("#a.md#", True),  # Emacs autosave
        ("a.md___jb_tmp___", True),  # JetBrains safe write
        ("a.md___jb_old___", True),
        (".a.md.tmp", True),  # write-temp-then-rename
        ("a.md.tmp", True),
        (".DS_Store", True),
        ("a.md.kate-swp", True),
    ],
)
def test_editor_temp_files_are_recognised(name: str, temp: bool) -> None:
    assert is_editor_temp(name) is temp


def test_changes_are_classified_by_what_the_build_reads(tmp_path: Path) -> None:
    layout = SiteLayout(tmp_path, tmp_path / "content", tmp_path / "themes")

    def kind(rel: str, is_dir: bool = False) -> ChangeKind | None:
        change = layout.classify(tmp_path / rel, is_dir)
        return change.kind if change else None

    assert kind("site.yaml") is ChangeKind.CONFIG
    assert kind("content/2026/a.md") is ChangeKind.CONTENT
    assert kind("content/2026/a.TXT") is ChangeKind.CONTENT
    assert kind("content/2026", is_dir=True) is ChangeKind.CONTENT  # a folder deleted or moved
    assert kind("content/photo.jpg") is None  # the build does not read it
    (tmp_path / "content/news/bundle/img").mkdir(parents=True)
    (tmp_path / "content/news/bundle/index.md").write_text("---\n---\n", encoding="utf-8")
    assert kind("content/news/bundle/img/photo.jpg") is ChangeKind.CONTENT  # a bundle's file
    assert kind("content/news/photo.jpg") is None
    assert kind("content/.drafts/a.md") is None  # nor hidden folders
    assert kind("content/.a.md.swp") is None
    assert kind("themes/mine/templates/day.html") is ChangeKind.TEMPLATE
    assert kind("themes/mine/i18n/uk.yaml") is ChangeKind.TEMPLATE
    assert kind("themes/mine/static/style.css") is ChangeKind.STATIC
    assert kind("_site/index.html") is None  # the build's own output
    assert kind(".digest-cache/x") is None
    assert kind("README.md") is None


# The debouncer, on a clock the test controls ---------------------------------------------


def batches(times: list[float], quiet: float = 0.05, max_wait: float = 0.5) -> list[int]:
    """Feed one event at each time; return the size of each batch the debouncer releases,
    checking it at every event and every millisecond, as the watcher's loop would."""
    debouncer = Debouncer(quiet, max_wait)
    sizes: list[int] = []
    pending = sorted(times)
    clock = 0.0
    n = 0
    while pending or debouncer.deadline() is not None:
        while pending and pending[0] <= clock:
            pending.pop(0)
            debouncer.add(Change(Path(f"content/{n}.md"), ChangeKind.CONTENT), clock)
            n += 1
        if debouncer.ready(clock):
            sizes.append(len(debouncer.take()))
        clock = round(clock + 0.001, 6)
    return sizes


def test_one_save_is_one_batch_after_things_go_quiet() -> None:
    debouncer = Debouncer(quiet=0.05, max_wait=0.5)
    change = Change(Path("content/a.md"), ChangeKind.CONTENT)
    for t in (0.0, 0.001, 0.002):  # created, modified, closed
        debouncer.add(change, t)
    assert not debouncer.ready(0.03)
    assert debouncer.ready(0.053)
    assert debouncer.take() == {change}
    assert debouncer.deadline() is None


def test_a_burst_of_1000_events_is_one_or_two_batches() -> None:
    assert batches([i * 0.0001 for i in range(1000)]) == [1000]  # 0.1 s: one rebuild
    sizes = batches([i * 0.001 for i in range(1000)])  # 1 s: max_wait splits it once
    assert len(sizes) == 2 and sum(sizes) == 1000


def test_constant_events_cannot_starve_the_rebuild() -> None:
    sizes = batches([i * 0.01 for i in range(500)])  # an event every 10 ms for 5 s
    assert len(sizes) >= 9  # a batch at least every max_wait (0.5 s)
    assert sum(sizes) == 500


# The watcher on a real folder (inotify, or polling) --------------------------------------


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({"content/2026/a.md": ARTICLE, "content/2026/b.md": ARTICLE})


def start_watcher(site: Path, **kwargs: object) -> Watcher:
    layout = SiteLayout(site.resolve(), site.resolve() / "content", site.resolve() / "themes")
    watcher = Watcher(layout, **kwargs)  # type: ignore[arg-type]
    watcher.start()
    return watcher


@pytest.fixture
def watcher(site: Path) -> Iterator[Watcher]:
    w = start_watcher(site)
    yield w
    w.stop()


def next_paths(watcher: Watcher, site: Path) -> set[str]:
    batch = watcher.next_batch(timeout=WAIT)
    assert batch is not None, "no change reported"
    return {c.path.relative_to(site.resolve()).as_posix() for c in batch}


def test_atomic_save_is_one_change_to_the_real_file(site: Path, watcher: Watcher) -> None:
    tmp = site / "content/2026/.a.md.tmp"
    tmp.write_text(ARTICLE + "Новий абзац.\n", encoding="utf-8")
    os.replace(tmp, site / "content/2026/a.md")
    assert next_paths(watcher, site) == {"content/2026/a.md"}


def test_a_waiting_save_is_seen_without_waiting_for_it(site: Path) -> None:
    """What lets index work give way to a save: next_batch(timeout=0) looks at the events
    already there without blocking, and has_changes() says one is on its way."""
    watcher = start_watcher(site, quiet=0.5, max_wait=2.0)
    try:
        assert watcher.next_batch(timeout=0.0) is None and not watcher.has_changes()
        (site / "content/2026/a.md").write_text(ARTICLE + "Ще абзац.\n", encoding="utf-8")
        give_up = time.monotonic() + WAIT
        while not watcher.has_changes():
            assert time.monotonic() < give_up, "the save never showed"
            time.sleep(0.01)
        assert watcher.next_batch(timeout=0.0) is None  # not quiet yet: comes out later
        assert watcher.has_changes()
        assert next_paths(watcher, site) == {"content/2026/a.md"}
        assert not watcher.has_changes()
    finally:
        watcher.stop()


def test_vim_save_with_backup_and_probe_file(site: Path, watcher: Watcher) -> None:
    folder = site / "content/2026"
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    (folder / ".a.md.swp").write_bytes(b"swap")
    os.rename(folder / "a.md", folder / "a.md~")
    (folder / "a.md").write_text(ARTICLE + "Змінено.\n", encoding="utf-8")
    (folder / "a.md~").unlink()
    assert next_paths(watcher, site) == {"content/2026/a.md"}


def test_jetbrains_safe_write(site: Path, watcher: Watcher) -> None:
    folder = site / "content/2026"
    (folder / "a.md___jb_tmp___").write_text(ARTICLE + "Змінено.\n", encoding="utf-8")
    os.rename(folder / "a.md", folder / "a.md___jb_old___")
    os.rename(folder / "a.md___jb_tmp___", folder / "a.md")
    (folder / "a.md___jb_old___").unlink()
    assert next_paths(watcher, site) == {"content/2026/a.md"}


def test_temp_files_alone_never_start_a_rebuild(site: Path, watcher: Watcher) -> None:
    folder = site / "content/2026"
    for name in (".a.md.swp", "a.md~", "#a.md#", ".#a.md", "4913", "a.md___jb_tmp___"):
        (folder / name).write_text("x")
    (site / "_site").mkdir()
    (site / "_site/index.html").write_text("output")  # the build's own writes
    (site / "notes.txt").write_text("not a source")
    (folder / "c.md").write_text(ARTICLE, encoding="utf-8")  # the first real change
    assert next_paths(watcher, site) == {"content/2026/c.md"}


def test_delete_and_rename(site: Path, watcher: Watcher) -> None:
    (site / "content/2026/a.md").unlink()
    assert next_paths(watcher, site) == {"content/2026/a.md"}
    os.rename(site / "content/2026/b.md", site / "content/2026/c.md")
    assert next_paths(watcher, site) == {"content/2026/b.md", "content/2026/c.md"}


def test_config_template_and_static_changes(site: Path, watcher: Watcher) -> None:
    (site / "site.yaml").write_text("title: Інший\n", encoding="utf-8")
    batch = watcher.next_batch(timeout=WAIT)
    assert batch is not None and {c.kind for c in batch} == {ChangeKind.CONFIG}
    # themes/ appears after the watch began: following the layout watches it from then on
    (site / "themes/mine/templates").mkdir(parents=True)
    (site / "themes/mine/static").mkdir()
    batch = watcher.next_batch(timeout=WAIT)
    assert batch is not None and {c.kind for c in batch} == {ChangeKind.TEMPLATE}
    assert watcher.follow(watcher.layout)
    watcher.next_batch(timeout=WAIT)  # the new folder, reported in case files came unseen
    (site / "themes/mine/templates/day.html").write_text("{{ x }}")
    (site / "themes/mine/static/style.css").write_text("body {}")
    seen: set[ChangeKind] = set()
    while seen != {ChangeKind.TEMPLATE, ChangeKind.STATIC}:
        batch = watcher.next_batch(timeout=WAIT)
        assert batch is not None, f"only saw {seen}"
        seen |= {c.kind for c in batch}


@pytest.mark.slow
def test_burst_of_1000_files_while_busy_is_at_most_two_batches(
    site: Path, watcher: Watcher
) -> None:
    folder = site / "content/burst"
    folder.mkdir()
    for i in range(1000):  # as `git checkout` would, while the watcher's owner is building
        (folder / f"{i}.md").write_text(ARTICLE, encoding="utf-8")
    seen: set[str] = set()
    count = 0
    while len(seen) < 1001:  # the files and their folder
        seen |= next_paths(watcher, site)
        count += 1
    assert count <= 2
    assert watcher.next_batch(timeout=0.3) is None


def test_polling_sees_atomic_saves_too(site: Path) -> None:
    watcher = start_watcher(site, poll=True)
    try:
        tmp = site / "content/2026/.a.md.tmp"
        tmp.write_text(ARTICLE + "Опитування.\n", encoding="utf-8")
        os.replace(tmp, site / "content/2026/a.md")
        assert "content/2026/a.md" in next_paths(watcher, site)
    finally:
        watcher.stop()


def test_inotify_limit_falls_back_to_polling_with_a_message(site: Path) -> None:
    class Exhausted(PollingObserver):  # stands in for inotify when the system is out of watches
        def start(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    def exhausted() -> BaseObserver:
        return Exhausted()

    notices: list[str] = []
    watcher = start_watcher(site, observer_factory=exhausted, notice=notices.append)
    try:
        assert watcher.polling
        assert len(notices) == 1 and "max_user_watches" in notices[0]
        assert "polling" in notices[0]
        (site / "content/2026/new.md").write_text(ARTICLE, encoding="utf-8")
        assert next_paths(watcher, site) == {"content/2026/new.md"}
    finally:
        watcher.stop()


def test_stop_ends_iteration(site: Path) -> None:
    watcher = start_watcher(site)
    watcher.stop()
    assert list(watcher) == []


# What a rebuild reports --------------------------------------------------------------


def test_build_once_reports_warnings_errors_and_never_raises(make_site: MakeSite) -> None:
    site = make_site({"content/a.md": ARTICLE, "content/bad.md": BROKEN})
    options = BuildOptions(now=NOW)
    good = build_once(site, options)
    assert not good.failed and good.config is not None
    [warning] = good.problems
    assert (warning.path, warning.line) == ("content/bad.md", 2)

    (site / "themes/default/templates").mkdir(parents=True)
    (site / "themes/default/templates/day.html").write_text("{% extends 'base.html' %\n")
    broken = build_once(site, options)
    assert broken.failed and broken.config is not None
    [error] = broken.problems
    assert error.path.endswith("day.html") and error.line == 1
    assert "template syntax error" in error.message

    (site / "site.yaml").write_text("per_page: many\n")
    bad_config = build_once(site, options)
    assert bad_config.failed and bad_config.config is None
    assert bad_config.problems[0].path == "site.yaml"


def test_describe_changes_names_the_file() -> None:
    site = Path("/s")
    one = frozenset({Change(site / "content/a.md", ChangeKind.CONTENT)})
    assert describe_changes(one, site) == "content/a.md changed"
    many = one | {Change(site / "site.yaml", ChangeKind.CONFIG)}
    assert describe_changes(many, site) == "content/a.md and 1 more changed (config reloaded)"


@pytest.mark.slow
def test_build_watch_rebuilds_on_save_until_stopped(make_site: MakeSite) -> None:
    site = make_site({"content/2026/a.md": ARTICLE})
    command = [sys.executable, "-m", "digest", "build", "--watch", "-s", str(site)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = iter(proc.stdout.readline, "")
        assert next(lines).startswith("Built 1 articles")
        assert next(lines).startswith("watching site.yaml, content/ for changes")
        article = site / "content/2026/a.md"
        article.write_text(ARTICLE + "Оновлений абзац.\n", encoding="utf-8")
        line = next(lines)
        assert " content/2026/a.md changed: " in line and " files written, " in line
        page = site / "_site/2026/02/11/perehovory-tryvaiut/index.html"
        assert "Оновлений абзац." in page.read_text(encoding="utf-8")
        article.write_text(BROKEN, encoding="utf-8")
        assert "1 warnings" in next(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, err
    assert "warning: content/2026/a.md:2: front matter" in err
    assert all(line.startswith("warning: ") for line in err.splitlines()), err


def test_the_whole_build_after_quick_ones_has_a_line_of_its_own(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": ARTICLE})
    outcome = replace(build_once(site, BuildOptions(now=NOW)), catch_up=True, seconds=1.5)
    TerminalReporter(site).built(outcome)
    line = capsys.readouterr().out
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d whole build after the quick ones: \d+ files written, 0 removed, "
        r"0 warnings in 1500 ms\n",
        line,
    ), line
