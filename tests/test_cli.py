"""The command line as a user types it: help, summary line, exit codes, warnings, flags."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASIC_CONFIG, MakeSite, run_cli

GOOD = "date 2026-02-11 Переговори тривають\n\nТекст.\n"


def test_help_explains_commands_and_flags() -> None:
    top = run_cli("--help")
    assert top.exit_code == 0
    assert "build" in top.output and "site.yaml" in top.output
    sub = run_cli("build", "--help")
    for flag in ("--site", "--output", "--drafts", "--future", "--strict", "--quiet"):
        assert flag in sub.output


def test_build_prints_one_line_summary(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": GOOD, "content/b.txt": "date 2026-02-12 Новина\n\nСонце.\n"})
    result = run_cli("build", "-s", str(site))
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith("Built 2 articles, 2 days, 2 topics, 1 untagged, ")  # + preset world
    assert " pages, 0 warnings in " in line
    assert (site / "_site/2026/02/11/index.html").is_file()


def test_bad_article_is_skipped_with_warning_and_strict_fails(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": GOOD, "content/bad.md": "---\ntitle: [x\n---\n"})
    result = run_cli("build", "-s", str(site))
    assert result.exit_code == 0
    assert "warning: content/bad.md:2: front matter: invalid YAML" in result.stderr
    assert "Built 1 articles" in result.stdout
    strict = run_cli("build", "-s", str(site), "--strict")
    assert strict.exit_code == 1
    assert "--strict: 1 warnings count as errors." in strict.stderr


def test_config_errors_are_all_listed_before_one_abort(make_site: MakeSite) -> None:
    site = make_site(
        {"content/a.txt": GOOD},
        config="title: X\nlanguage: zz-nope\ntimezone: Mars/Olympus\nper_page: 0\ntitel: typo\n",
    )
    result = run_cli("build", "-s", str(site))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: site.yaml:2: language: unknown language `zz-nope` — use a code like uk or en",
        "error: site.yaml:3: timezone: unknown time zone `Mars/Olympus` "
        "— use an IANA name like Europe/Kyiv",
        "error: site.yaml:4: per_page: expected a whole number of at least 1, got 0",
        "Build aborted: fix site.yaml and run again.",
    ]
    assert not (site / "_site").exists()


def test_unknown_setting_is_a_warning_with_a_suggestion(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": GOOD}, config=BASIC_CONFIG + "per_pag: 3\n")
    result = run_cli("build", "-s", str(site))
    assert result.exit_code == 0
    assert (
        "warning: site.yaml:13: unknown setting `per_pag` — did you mean `per_page`?"
        in result.stderr
    )


def test_output_flag_quiet_and_missing_site(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/a.txt": GOOD})
    result = run_cli("build", "-s", str(site), "-o", str(tmp_path / "public"), "-q")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert (tmp_path / "public/2026/02/11/index.html").is_file()
    missing = run_cli("build", "-s", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1
    assert "no site.yaml here — run digest in a site folder or pass -s DIR" in missing.stderr


@pytest.mark.slow
def test_console_script_runs_in_the_site_folder(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": GOOD})
    proc = subprocess.run(
        [sys.executable, "-m", "digest", "build"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Built 1 articles")
    assert (site / "_site/index.html").is_file()


@pytest.mark.slow
def test_a_finished_build_ends_quickly_with_all_its_output(make_site: MakeSite) -> None:
    # The command ends the process without tearing the model down (cli.run): what it
    # printed through pipes, and its exit status, must come out all the same.
    site = make_site({"content/a.txt": GOOD, "content/bad.txt": "no date line here\n"})
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}

    def digest(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "digest", "build", "-s", str(site), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    built = digest()
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built 1 articles")
    assert "content/bad.txt" in built.stderr
    strict = digest("--strict")
    assert strict.returncode == 1
    assert "--strict: 1 warnings count as errors." in strict.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "digest", "build", "-s", str(site / "nowhere")],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "no site.yaml here" in missing.stderr


def test_build_collects_young_objects_seldom(make_site: MakeSite) -> None:
    # A build's model lives until it ends: the CLI makes the collector walk it seldom.
    import gc

    before = gc.get_threshold()
    try:
        site = make_site({"site.yaml": BASIC_CONFIG})
        result = run_cli("build", "-s", str(site), "-q")
        assert result.exit_code == 0, result.output
        assert gc.get_threshold()[0] >= 10_000
    finally:
        gc.set_threshold(*before)
