"""Writing output: only inside the output folder, stale files removed, unchanged files untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import digest.write
from digest.errors import OutputError
from digest.write import MANIFEST, SiteWriter, safe_relative
from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", "a/./b", "a\x00b", "", "a//b"])
def test_paths_that_leave_the_output_are_refused(bad: str) -> None:
    with pytest.raises(OutputError):
        safe_relative(bad)


def test_two_outputs_at_one_path_are_refused(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path)
    writer.write("a/index.html", b"1", "first")
    with pytest.raises(OutputError, match=r"two pages want a/index\.html: first and second"):
        writer.write("a/index.html", b"2", "second")


@pytest.mark.parametrize(
    ("output_dir", "what"),
    [
        (".", "is or contains the site folder"),
        ("..", "is or contains the site folder"),
        ("content", "is or contains content_dir"),
        ("content/out", "is inside content_dir"),
        ("themes", "is or contains the themes folder"),
        ("/", "is / or your home folder"),
    ],
)
def test_dangerous_output_folders_are_refused_before_anything_is_deleted(
    make_site: MakeSite, output_dir: str, what: str
) -> None:
    site = make_site({"content/a.txt": "date 2026-02-11 Новина\n\nТекст.\n"})
    (site / "themes").mkdir()
    with pytest.raises(OutputError, match=what):
        build_at_now(site, output_dir=site / output_dir)
    assert (site / "content/a.txt").is_file()


def test_output_holding_a_git_folder_is_refused(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": "date 2026-02-11 Новина\n\nТекст.\n"})
    (site / "_site/.git").mkdir(parents=True)
    with pytest.raises(OutputError, match=r"holds a \.git folder"):
        build_at_now(site)


@pytest.mark.slow
def test_stale_files_removed_user_files_kept_unchanged_files_keep_mtime(
    make_site: MakeSite,
) -> None:
    site = make_site(
        {
            "content/a.txt": "date 2026-02-11 Перша\n\nТекст.\n",
            "content/b.txt": "date 2026-02-12 Друга\n\nТекст.\n",
        },
        config=BASIC_CONFIG,
    )
    build_at_now(site)
    out = site / "_site"
    (out / "CNAME").write_text("news.example.org", encoding="utf-8")  # not ours: must stay
    kept = out / "2026/02/11/persha/index.html"
    os.utime(kept, (1_000_000, 1_000_000))
    (site / "content/b.txt").unlink()
    result = build_at_now(site)
    assert not (out / "2026/02/12").exists()
    assert (out / "CNAME").read_text(encoding="utf-8") == "news.example.org"
    assert kept.stat().st_mtime == 1_000_000
    assert result.removed > 0


def site_files(out: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("staging_then", ["prepared", "emptied", "emptied, links fail"])
def test_the_first_write_after_a_cold_one_keeps_what_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staging_then: str
) -> None:
    """A cold write leaves no previous site to become the next staging folder, so it
    links the new site into one as it ends. Without that folder (emptied), the next write
    links the live site into it at once, or file by file where that fails. Either way
    unchanged files keep their inode and mtime."""
    links_fail = "links fail" in staging_then
    out = tmp_path / "out"
    staging = tmp_path / "staging"
    pages = {f"2026/02/{day:02d}/story-{n}/index.html": f"{day} {n}" for day in range(1, 29)
             for n in range(12)}  # fmt: skip
    first = SiteWriter(out, staging)
    for path, text in pages.items():
        first.write(path, text.encode())
    first.finish()
    (out / "CNAME").write_text("news.example.org\n")  # the user's own file
    before = site_files(out)
    assert {
        p.relative_to(staging).as_posix(): p.stat().st_ino for p in staging.rglob("*.html")
    } == {path: before[path][1] for path in pages}
    if staging_then != "prepared":
        shutil.rmtree(staging)

    if links_fail:  # a filesystem without hard links for some files: copied instead
        real_link = os.link

        def flaky_link(src: str, dst: str, **kwargs: bool) -> None:
            if "story-3" in dst:
                raise PermissionError(1, "Operation not permitted", dst)
            real_link(src, dst, **kwargs)

        monkeypatch.setattr(os, "link", flaky_link)
    edited, gone = "2026/02/14/story-5/index.html", "2026/02/01/story-0/index.html"
    second = SiteWriter(out, staging)
    for path, text in pages.items():
        if path != gone:
            second.write(path, b"edited" if path == edited else text.encode())
    assert second.changed == 1
    assert second.finish() == 1
    after = site_files(out)
    assert after.pop(edited)[0] == b"edited"
    assert after.pop(MANIFEST)[0] != before[MANIFEST][0]  # it lists what is there now
    assert set(before) - set(after) == {gone, edited, MANIFEST}
    # Unchanged files keep bytes and mtime, and their inode where they could be linked.
    assert [p for p in after if after[p][::2] != before[p][::2]] == []
    copied = [p for p in after if after[p][1] != before[p][1]]
    assert copied == ([p for p in after if "story-3" in p] if links_fail else [])
    assert (staging / gone).read_text() == pages[gone]  # the previous site, for next time


@pytest.mark.parametrize("listing_then", ["as written", "staging replaced", "garbled", "absent"])
def test_the_staging_folder_is_known_from_its_listing_not_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listing_then: str
) -> None:
    """A write notes what the staging folder holds after the swap; the next write reads
    that note instead of walking thousands of folders, unless the note is not about this
    very folder (replaced, unreadable, missing): then it walks, and the site is the same."""
    out, staging = tmp_path / "out", tmp_path / "staging"
    listing = tmp_path / "staging.listing"
    pages = {f"2026/02/{day:02d}/story-{n}/index.html": f"{day} {n} ʼ" for day in range(1, 15)
             for n in range(6)}  # fmt: skip
    walked: list[Path] = []
    real_walk = digest.write._walk

    def counted_walk(root: Path) -> tuple[dict[str, int], set[str]]:
        walked.append(Path(root))
        return real_walk(root)

    monkeypatch.setattr(digest.write, "_walk", counted_walk)
    for round_number in range(3):
        if round_number == 2:
            if listing_then == "staging replaced":
                shutil.rmtree(staging)
                staging.mkdir()
                (staging / "stray").mkdir()  # a folder no listing names: walked and removed
            elif listing_then == "garbled":
                listing.write_bytes(b"\x00not a listing")
            elif listing_then == "absent":
                listing.unlink()
        walked.clear()
        writer = SiteWriter(out, staging, listing)
        for path, text in pages.items():
            writer.write(
                path, f"{text} {round_number}".encode() if "story-2" in path else text.encode()
            )
        writer.finish()
        assert listing.is_file()
        if round_number == 0:
            assert walked == [staging]  # no live site yet; the staging folder was empty
        elif round_number == 1 or listing_then == "as written":
            assert walked == []  # the live folder too is known from the listing
        elif listing_then == "staging replaced":
            assert walked == [staging]
        else:
            assert walked == [out, staging]
    after = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*.html")}
    assert after == {p: f"{t} 2" if "story-2" in p else t for p, t in pages.items()}
    assert not (out / "stray").exists()
    previous = {p.relative_to(staging).as_posix(): p.read_text() for p in staging.rglob("*.html")}
    assert previous == {p: f"{t} 1" if "story-2" in p else t for p, t in pages.items()}
    # Unchanged pages are the same files in both folders: linked, not copied.
    assert (out / "2026/02/03/story-4/index.html").stat().st_ino == (
        staging / "2026/02/03/story-4/index.html"
    ).stat().st_ino
