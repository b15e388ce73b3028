"""`digest deploy` into a real local bare repository: gh-pages gets the site, the user's
checkout stays exactly as it was, and errors say what to do. No network."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from digest import __version__
from digest.build import BuildOptions
from digest.deploy import DeployOptions, deploy
from digest.errors import DeployError
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, run_cli

ARTICLE = "date 2026-02-11 Переговори тривають.\n\nДіалог триває.\n"
AT_NOW = DeployOptions(build_options=BuildOptions(now=NOW))


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(autouse=True)
def no_repository_above(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Git must not find a repository above the test's folder, nor read the user's config."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def make_repo(folder: Path) -> None:
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.name", "Редакторка")
    git(folder, "config", "user.email", "editor@example.org")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "The site")


@pytest.fixture
def repo_site(make_site: MakeSite, tmp_path: Path) -> Path:
    """A committed site with a .gitignore for the output, and a bare `origin` beside it."""
    site = make_site(
        {"content/2026/02/a.txt": ARTICLE, ".gitignore": "_site/\n.digest-cache/\n"},
        config=BASIC_CONFIG + "cname: news.example.org\n",
    )
    make_repo(site)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(site, "remote", "add", "origin", str(remote))
    return site


def checkout_state(repo: Path) -> dict[str, str]:
    """Everything about the user's checkout that deploy must not change (the build's own
    output and cache, both gitignored, are the build's to write)."""
    ours = {".git", "_site", ".digest-cache"}
    files = sorted(p for p in repo.rglob("*") if p.is_file() and not ours & set(p.parts))
    return {
        "HEAD": git(repo, "rev-parse", "HEAD"),
        "branch": git(repo, "symbolic-ref", "HEAD"),
        "branches": git(repo, "for-each-ref", "--format=%(refname)", "refs/heads"),
        "status": git(repo, "status", "--porcelain"),
        "index": hashlib.sha256((repo / ".git/index").read_bytes()).hexdigest(),
        "tree": "\n".join(f"{p}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in files),
    }


def test_deploy_puts_the_site_on_gh_pages_and_leaves_the_checkout_alone(
    repo_site: Path, tmp_path: Path
) -> None:
    before = checkout_state(repo_site)
    result = deploy(repo_site, AT_NOW)
    remote = tmp_path / "remote.git"
    assert result.created and result.pushed
    assert git(remote, "rev-parse", "gh-pages") == result.commit
    published = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    built = {
        p.relative_to(repo_site / "_site").as_posix()
        for p in (repo_site / "_site").rglob("*")
        if p.is_file()
    }
    assert published == (built - {".digest-manifest.json"}) | {"CNAME"}
    assert {".nojekyll", "index.html", "2026/02/11/index.html"} <= published
    assert git(remote, "show", "gh-pages:CNAME") == "news.example.org"
    index = git(remote, "show", "gh-pages:index.html")
    assert index == (repo_site / "_site/index.html").read_text(encoding="utf-8").strip()
    head = before["HEAD"][:7]
    assert git(remote, "log", "-1", "--format=%s", "gh-pages") == (
        f"Deploy Тестовий дайджест from {head} with digest {__version__}"
    )
    after = checkout_state(repo_site)
    assert after.pop("branches").split() == ["refs/heads/gh-pages", "refs/heads/main"]
    assert before.pop("branches").split() == ["refs/heads/main"]
    assert after == before


def test_a_second_deploy_adds_one_commit_and_an_unchanged_one_none(
    repo_site: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    first = deploy(repo_site, AT_NOW).commit
    (repo_site / "content/2026/02/b.txt").write_text("date 2026-02-12 Погода.\n\nСонячно.\n")
    git(repo_site, "add", "content")
    git(repo_site, "commit", "-q", "-m", "Weather")
    second = deploy(repo_site, AT_NOW)
    assert second.created and second.pushed
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(remote, "rev-parse", "gh-pages^") == first
    assert "2026/02/12/index.html" in git(remote, "ls-tree", "-r", "--name-only", "gh-pages")
    third = deploy(repo_site, AT_NOW)
    assert (third.created, third.pushed, third.commit) == (False, False, second.commit)
    assert third.summary() == (
        f"gh-pages already holds this site ({second.commit[:7]}); origin ({remote}) was up to date"
    )
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"


def test_a_fresh_clone_deploys_on_top_of_the_published_branch(
    repo_site: Path, tmp_path: Path
) -> None:
    """As on a CI machine: no local gh-pages, but origin has one; the deploy builds on it."""
    remote = tmp_path / "remote.git"
    first = deploy(repo_site, AT_NOW).commit
    git(repo_site, "push", "-q", "origin", "main")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "-b", "main", str(remote), str(clone)], check=True)
    git(clone, "config", "user.useConfigOnly", "true")  # no guessing an identity here
    (clone / "content/2026/02/b.txt").write_text("date 2026-02-12 Погода.\n\nСонячно.\n")
    git(clone, "-c", "user.name=CI", "-c", "user.email=ci@example.org", "add", "content")
    git(clone, "-c", "user.name=CI", "-c", "user.email=ci@example.org", "commit", "-qm", "b")
    second = deploy(clone, AT_NOW)  # the clone has no identity configured: a stand-in is used
    assert second.pushed
    assert git(remote, "rev-parse", "gh-pages^") == first
    assert git(remote, "log", "-1", "--format=%an", "gh-pages") == "digest deploy"


def test_uncommitted_content_is_refused_unless_forced(repo_site: Path, tmp_path: Path) -> None:
    (repo_site / "content/2026/02/a.txt").write_text(ARTICLE + "\nЩе абзац.\n")
    (repo_site / "content/new.md").write_text("---\ntitle: Нове\ndate: 2026-02-11\n---\n")
    result = run_cli("deploy", "-s", str(repo_site))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: uncommitted changes in content/: content/2026/02/a.txt, content/new.md "
        "— commit them first (so the published site matches your repository), or pass --force\n"
    )
    assert not (repo_site / "_site").exists()  # refused before building
    assert git(tmp_path / "remote.git", "branch", "--list") == ""
    forced = run_cli("deploy", "-s", str(repo_site), "--force")
    assert forced.exit_code == 0, forced.output
    lines = forced.stdout.splitlines()
    assert lines[0].startswith("Built 2 articles, ")
    assert lines[1].startswith("Deployed ") and lines[1].endswith(
        f"to gh-pages; pushed to origin ({tmp_path / 'remote.git'})"
    )


def test_branch_remote_message_and_no_build(repo_site: Path, tmp_path: Path) -> None:
    upstream = tmp_path / "upstream.git"
    subprocess.run(["git", "init", "-q", "--bare", str(upstream)], check=True)
    git(repo_site, "remote", "add", "upstream", str(upstream))
    no_site = run_cli("deploy", "-s", str(repo_site), "--no-build")
    assert no_site.exit_code == 1
    assert "run digest build, or deploy without --no-build" in no_site.stderr
    assert run_cli("build", "-s", str(repo_site), "-q").exit_code == 0
    args = ["-s", str(repo_site), "--no-build", "-b", "site", "-r", "upstream", "-m", "Видання"]
    result = run_cli("deploy", *args)
    assert result.exit_code == 0, result.output
    assert not result.stdout.startswith("Built")
    assert git(upstream, "log", "-1", "--format=%s", "site") == "Видання"
    assert git(tmp_path / "remote.git", "branch", "--list") == ""


def test_clear_errors_without_a_repository_or_a_remote(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": ARTICLE})
    no_repo = run_cli("deploy", "-s", str(site))
    assert no_repo.exit_code == 1
    assert no_repo.stderr == (
        f"error: {site} is not in a git repository — run `git init`, commit the site and "
        "add a remote (`git remote add origin URL`), then deploy\n"
    )
    make_repo(site)
    no_remote = run_cli("deploy", "-s", str(site))
    assert no_remote.exit_code == 1
    assert no_remote.stderr == (
        f"error: no git remote `origin` in {site} — add one with "
        "`git remote add origin https://github.com/USER/REPO.git`\n"
    )
    git(site, "remote", "add", "backup", "/nowhere.git")
    other = run_cli("deploy", "-s", str(site))
    assert "the remotes here are backup: pass --remote NAME" in other.stderr
    unreachable = run_cli("deploy", "-s", str(site), "-r", "backup")
    assert unreachable.exit_code == 1
    assert unreachable.stderr.startswith("error: cannot reach remote `backup`: ")
    assert not (site / "_site").exists()  # found out before building


def test_deploy_refuses_to_overwrite_the_branch_you_are_on(repo_site: Path) -> None:
    with pytest.raises(DeployError, match="you are on branch main, which deploy overwrites"):
        deploy(repo_site, DeployOptions(branch="main"))


def test_a_cname_that_is_a_url_is_an_error(repo_site: Path) -> None:
    yaml = repo_site / "site.yaml"
    yaml.write_text(yaml.read_text().replace("news.example.org", "https://news.example.org/"))
    with pytest.raises(DeployError) as error:
        deploy(repo_site, DeployOptions(force=True))
    assert str(error.value) == (
        "site.yaml: cname: expected a bare domain like news.example.org, "
        "got `https://news.example.org/`"
    )
