"""`digest new site` and `digest new article`: a site that builds and checks clean, a
GitHub Pages workflow made of the official actions, dated articles in both formats."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from digest.errors import ScaffoldError
from digest.scaffold import new_article
from tests.conftest import NOW, MakeSite, build_at_now, read, run_cli

ROOT = Path(__file__).parents[1]
OFFICIAL = (
    "actions/checkout",
    "actions/setup-python",
    "actions/cache",
    "actions/configure-pages",
    "actions/upload-pages-artifact",
    "actions/deploy-pages",
)


def workflow(site: Path) -> dict[Any, Any]:
    data = yaml.safe_load((site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    on = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
    assert isinstance(on, dict)
    return on


def test_new_site_builds_strict_and_checks_clean(tmp_path: Path) -> None:
    site = tmp_path / "news"
    made = run_cli("new", "site", str(site), "--base-url", "https://me.github.io/news/")
    assert made.exit_code == 0, made.output
    assert made.stdout.splitlines()[:5] == [
        f"Created a digest site in {site}:",
        "  site.yaml",
        "  .gitignore",
        "  requirements.txt",
        "  .github/workflows/pages.yml",
    ]
    articles = sorted(p.suffix for p in (site / "content").rglob("*.*"))
    assert articles == [".md", ".md", ".txt"]  # both formats
    assert (site / ".gitignore").read_text().splitlines()[1:] == ["_site/", ".digest-cache/"]
    built = run_cli("build", "-s", str(site), "--strict")
    assert built.exit_code == 0, built.output
    assert built.stdout.startswith("Built 3 articles, 2 days, 3 topics, 0 untagged, ")
    checked = run_cli("check", "-s", str(site))
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.endswith("under /news/: 0 problems\n")
    config = (site / "site.yaml").read_text(encoding="utf-8")
    assert "base_url: https://me.github.io/news/\n" in config
    assert "# cname: news.example.org" in config  # the settings are explained in comments


def test_workflow_is_yaml_made_of_the_official_pages_actions(tmp_path: Path) -> None:
    assert run_cli("new", "site", str(tmp_path / "s")).exit_code == 0
    data = workflow(tmp_path / "s")
    on = triggers(data)
    assert on["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in on
    assert on["schedule"] == [{"cron": "0 * * * *"}]  # hourly by default
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    steps = [s for job in data["jobs"].values() for s in job["steps"]]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == list(OFFICIAL)
    assert all(s["uses"].split("@")[1].startswith("v") for s in steps if "uses" in s)
    by_action = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert by_action["actions/cache"]["with"]["path"] == ".digest-cache"
    assert by_action["actions/cache"]["with"]["restore-keys"] == "digest-cache-"
    assert by_action["actions/upload-pages-artifact"]["with"]["path"] == "_site"
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == ["python -m pip install -r requirements.txt", "digest build", "digest check"]
    assert data["jobs"]["deploy"]["needs"] == "build"
    assert data["jobs"]["deploy"]["environment"]["name"] == "github-pages"


def test_schedule_is_configurable_or_off(tmp_path: Path) -> None:
    assert (
        run_cli("new", "site", str(tmp_path / "a"), "--schedule", "*/30 6-22 * * *").exit_code == 0
    )
    assert triggers(workflow(tmp_path / "a"))["schedule"] == [{"cron": "*/30 6-22 * * *"}]
    assert run_cli("new", "site", str(tmp_path / "b"), "--schedule", "off").exit_code == 0
    assert "schedule" not in triggers(workflow(tmp_path / "b"))
    bad = run_cli("new", "site", str(tmp_path / "c"), "--schedule", "hourly")
    assert bad.exit_code == 1
    assert bad.stderr == (
        'error: --schedule: expected a cron line of five fields like "0 * * * *", got "hourly"\n'
    )
    assert not (tmp_path / "c").exists()


def test_new_site_never_overwrites(tmp_path: Path) -> None:
    site = tmp_path / "news"
    site.mkdir()
    (site / "README.md").write_text("A fresh clone")  # an existing folder is fine...
    assert run_cli("new", "site", str(site)).exit_code == 0
    (site / "site.yaml").write_text("title: Mine\n")
    again = run_cli("new", "site", str(site))  # ...but not one with our files in it
    assert again.exit_code == 1
    assert again.stderr.startswith(f"error: {site} already has site.yaml, .gitignore, ")
    assert (site / "site.yaml").read_text() == "title: Mine\n"


def test_new_article_in_both_formats(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site()
    monkeypatch.chdir(site)
    result = run_cli("new", "article", "Уряд ухвалив бюджет: «так»", "--tags", "economy, energy")
    assert result.exit_code == 0, result.output
    printed = Path(result.stdout.strip())
    assert printed.parent.parts[:1] == ("content",) and printed.suffix == ".md"
    front = yaml.safe_load(printed.read_text(encoding="utf-8").split("---\n")[1])
    assert front["title"] == "Уряд ухвалив бюджет: «так»"
    assert front["tags"] == ["economy", "energy"]

    earlier = NOW - timedelta(hours=1)
    md = new_article(site, "Уряд ухвалив бюджет", tags=("economy",), now=earlier)
    assert md == site / "content/2026/11/2026-11-25-uriad-ukhvalyv-biudzhet.md"
    assert md.read_text(encoding="utf-8") == (
        '---\ntitle: "Уряд ухвалив бюджет"\ndate: 2026-11-25 11:00\ntags: ["economy"]\n---\n\n'
        "The first paragraph: the lede, shown as the summary.\n"
    )
    again = new_article(site, "Уряд ухвалив бюджет", now=earlier)
    assert again.name == "2026-11-25-uriad-ukhvalyv-biudzhet-2.md"  # never overwritten
    again.unlink()  # (two stories with one title on one day would be a slug warning)
    wire = new_article(site, "Енергетики відновили живлення", plain=True, now=earlier)
    assert wire.name == "2026-11-25-enerhetyky-vidnovyly-zhyvlennia.txt"
    assert wire.read_text(encoding="utf-8").startswith(
        "date 2026-11-25 Енергетики відновили живлення\n\n"
    )
    result_build = build_at_now(site)
    assert result_build.warnings == []
    titles = {a.title for a in result_build.site.articles}
    assert {"Уряд ухвалив бюджет", "Енергетики відновили живлення"} <= titles
    assert "Уряд ухвалив бюджет" in read(site, "tags/economy/index.html")


def test_new_article_rejects_tags_on_a_plain_story(make_site: MakeSite) -> None:
    site = make_site()
    result = run_cli("new", "article", "Погода", "--plain", "--tags", "x", "-s", str(site))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: plain wire stories have no tags — drop --tags, or leave out --plain for Markdown\n"
    )
    with pytest.raises(ScaffoldError, match="one non-empty line"):
        new_article(site, "  ")


def test_the_wheel_carries_the_site_templates(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    wheel = next(tmp_path.glob("digest-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("site.yaml", "pages.yml", "gitignore", "requirements.txt", "summit.md"):
        assert f"digest/scaffold/{name}" in names
