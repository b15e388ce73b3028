"""Writing output: only inside the output folder, stale files removed, unchanged files untouched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.errors import OutputError
from digest.write import SiteWriter, safe_relative
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
