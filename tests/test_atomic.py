"""Atomic output: a build that fails or is killed leaves the previous site whole, with no
partial file at a final path; disk full is reported with the path; nothing of the user's in
the output folder is lost."""

from __future__ import annotations

import errno
import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import digest.write
from digest.build import BuildOptions
from digest.errors import OutputError, ThemeError
from digest.verify import verify
from digest.write import MANIFEST
from tests.conftest import NOW, MakeSite, build_at_now, read

CORPUS = Path(__file__).parents[1] / "bench" / "corpus.py"
# The issue asks for 2,000 articles; on this project's 2-core machines that run took two
# minutes, so the test uses 1,000, still with 20 kills.
ARTICLES = 1000
KILLS = 20


def snapshot(out: Path) -> dict[str, str]:
    """Every file under out with a digest of its bytes."""
    return {
        p.relative_to(out).as_posix(): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site from the benchmark's generator."""
    site = tmp_path_factory.mktemp("killed") / "site"
    subprocess.run(
        [sys.executable, str(CORPUS), str(site), "--articles", str(ARTICLES)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return site


def digest_build(site: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "digest", "build", "-q", "-s", str(site)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def complete_build(site: Path) -> float:
    started = time.monotonic()
    process = digest_build(site)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - started


def edit(site: Path, round_number: int, rng: random.Random) -> str:
    """One change a newsroom makes, varied so kills land in reading, rendering, writing
    and swapping: a body, a title (many pages), the base template (every page) or a
    cold cache (every article read again)."""
    kinds = ("body", "title", "template", "body", "title", "cold", "body", "title", "template")
    kind = kinds[round_number % len(kinds)]
    articles = sorted((site / "content").rglob("*.md"))
    article = articles[rng.randrange(len(articles))]
    text = article.read_text(encoding="utf-8")
    if kind == "title":
        text = text.replace('title: "', f'title: "{round_number} ', 1)
    else:
        text += f"\nДописано в раунді {round_number}.\n"
    article.write_text(text, encoding="utf-8")
    if kind == "template":
        base = site / "themes/default/templates/base.html"
        base.parent.mkdir(parents=True, exist_ok=True)
        builtin = Path(digest.write.__file__).parent / "themes/default/templates/base.html"
        base.write_text(
            builtin.read_text(encoding="utf-8") + f"<!-- round {round_number} -->\n", "utf-8"
        )
    if kind == "cold":
        subprocess.run(["rm", "-rf", str(site / ".digest-cache")], check=True)
    return kind


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_site_whole(corpus: Path) -> None:
    """SIGKILL at random moments of builds of 1,000 articles: each time the output folder
    holds either the whole previous site or the whole new one, never a mix, never a
    partial file; the next build then finishes the job."""
    rng = random.Random(20261125)
    out = corpus / "_site"
    durations = {"cold": complete_build(corpus)}
    before = snapshot(out)
    interrupted = 0
    for round_number in range(KILLS):
        kind = edit(corpus, round_number, rng)
        expected = durations.get(kind, durations["cold"] / 2)
        process = digest_build(corpus)
        time.sleep(rng.uniform(0.05, 1.0) * expected)
        if round_number % 2:
            os.kill(process.pid, signal.SIGKILL)  # the build alone: its workers follow it
        else:
            os.killpg(process.pid, signal.SIGKILL)  # the build and its workers
        process.wait()
        killed = snapshot(out)
        durations[kind] = complete_build(corpus)  # waits for any orphaned workers' lock
        after = snapshot(out)
        assert killed in (before, after), f"round {round_number} ({kind}): a mixed site"
        assert after != before
        interrupted += killed == before
        before = after
    assert interrupted >= KILLS // 2, "too few kills landed before the swap to test it"
    assert not [p for p in corpus.iterdir() if p.name.startswith(("._site", "_site."))]
    check = subprocess.run(
        [sys.executable, "-m", "digest", "build", "-q", "--verify", "-s", str(corpus)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


GOOD = {
    "content/a.md": "---\ntitle: Перша\ndate: 2026-02-11\ntags: [economy]\n---\n\nТекст.\n",
    "content/b.txt": "date 2026-02-12 Друга.\n\nТекст.\n",
}


@pytest.mark.slow
def test_a_theme_error_leaves_the_previous_site_as_it_was(make_site: MakeSite) -> None:
    site = make_site(GOOD)
    build_at_now(site)
    before = snapshot(site / "_site")
    times = {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*") if p.is_file()}
    (site / "content/c.txt").write_text("date 2026-02-13 Третя.\n\nТекст.\n", encoding="utf-8")
    broken = site / "themes/default/templates/day.html"
    broken.parent.mkdir(parents=True)
    broken.write_text('{% extends "base.html" %}\n{% block main %}\n{{ nope }}\n{% endblock %}\n')
    with pytest.raises(ThemeError, match=r"day\.html:3: 'nope' is undefined"):
        build_at_now(site)
    assert snapshot(site / "_site") == before
    assert times == {p: p.stat().st_mtime_ns for p in (site / "_site").rglob("*") if p.is_file()}
    broken.unlink()
    build_at_now(site)
    assert "Третя" in read(site, "2026/02/13/index.html")


@pytest.mark.slow
def test_disk_full_names_the_file_and_keeps_the_previous_site(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(GOOD)
    build_at_now(site)
    before = snapshot(site / "_site")
    (site / "content/c.txt").write_text("date 2026-02-13 Третя.\n\nТекст.\n", encoding="utf-8")

    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    # Only the writer's view of the os module runs out of space.
    monkeypatch.setattr(digest.write, "os", types.SimpleNamespace(**{**vars(os), "write": full}))
    with pytest.raises(OutputError) as raised:
        build_at_now(site)
    message = str(raised.value)
    assert message.startswith(f"cannot write {site / '_site'}/")
    assert "No space left on device — free some space; the previous site was left as it was" in (
        message
    )
    monkeypatch.undo()
    assert snapshot(site / "_site") == before
    build_at_now(site)
    assert "Третя" in read(site, "2026/02/13/index.html")


@pytest.mark.slow
def test_the_users_files_in_the_output_survive_every_build(make_site: MakeSite) -> None:
    site = make_site(GOOD)
    build_at_now(site)
    out = site / "_site"
    (out / "CNAME").write_text("news.example.org", encoding="utf-8")
    (out / "assets").mkdir()
    (out / "assets/logo.svg").write_text("<svg/>", encoding="utf-8")
    (out / "2026/02/12/note.txt").write_text("нотатка", encoding="utf-8")
    (site / "content/b.txt").unlink()  # the day that holds the user's note goes away
    (site / "content/c.txt").write_text("date 2026-02-13 Третя.\n\nТекст.\n", encoding="utf-8")
    first = build_at_now(site)
    (site / "content/c.txt").write_text("date 2026-02-13 Третя!\n\nТекст.\n", encoding="utf-8")
    build_at_now(site)
    assert first.removed > 0
    assert (out / "CNAME").read_text(encoding="utf-8") == "news.example.org"
    assert (out / "assets/logo.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (out / "2026/02/12/note.txt").read_text(encoding="utf-8") == "нотатка"
    assert not (out / "2026/02/12/index.html").exists()
    assert "CNAME" not in (out / MANIFEST).read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_swap_cut_short_is_put_right_by_the_next_build(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where folders cannot be exchanged in one step, a swap is two renames; a kill between
    them leaves the previous site beside the output, and the next build puts it back."""
    site = make_site(GOOD)
    build_at_now(site)
    out = site / "_site"
    staging = digest.write.staging_folder(out, site / ".digest-cache")
    aside = staging.with_name(staging.name + ".old")
    os.rename(out, aside)  # the first of the two renames, then the kill
    (site / "content/c.txt").write_text("date 2026-02-13 Третя.\n\nТекст.\n", encoding="utf-8")
    monkeypatch.setattr(digest.write, "_exchange", lambda a, b: False)
    result = build_at_now(site)
    assert result.removed == 0  # the previous site's manifest was found again
    assert not aside.exists()
    assert "Третя" in read(site, "2026/02/13/index.html")
    (site / "content/c.txt").write_text("date 2026-02-13 Третя!\n\nТекст.\n", encoding="utf-8")
    _, differences = verify(site, BuildOptions(now=NOW))  # a two-rename swap, then a check
    assert differences == []
    assert "Третя!" in read(site, "2026/02/13/index.html")


@pytest.mark.slow
def test_nothing_but_the_output_and_the_cache_is_written(make_site: MakeSite) -> None:
    site = make_site(GOOD)
    before = set(site.parent.rglob("*"))
    build_at_now(site)
    (site / "content/c.txt").write_text("date 2026-02-13 Третя.\n\nТекст.\n", encoding="utf-8")
    build_at_now(site)
    written = set(site.parent.rglob("*")) - before
    assert {p for p in written if not p.is_relative_to(site / "_site")} - {
        p for p in written if p.is_relative_to(site / ".digest-cache")
    } == {site / "content/c.txt"}


@pytest.mark.slow
def test_stale_staging_folders_are_cleaned(make_site: MakeSite) -> None:
    site = make_site(GOOD)
    build_at_now(site)
    stale = site / ".digest-cache/output/0123456789abcdef"
    (stale / "2026/02/11").mkdir(parents=True)
    (stale / "2026/02/11/index.html").write_text("half", encoding="utf-8")
    stale.with_name(stale.name + ".listing").write_bytes(b"what it held")
    (site / "content/c.txt").write_text("date 2026-02-13 Третя.\n\nТекст.\n", encoding="utf-8")
    build_at_now(site)
    assert not stale.exists()
    kept = digest.write.staging_folder(site / "_site", site / ".digest-cache").name
    # The staging folder in use, and the note of what it holds (see SiteWriter.listing).
    assert sorted(p.name for p in (site / ".digest-cache/output").iterdir()) == [
        kept,
        kept + ".listing",
    ]
