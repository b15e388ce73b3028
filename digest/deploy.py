"""Publish the built site to a gh-pages branch and push it, leaving the user's checkout alone.

Like MkDocs' gh-deploy, but with git plumbing only: blobs and a tree are written through a
temporary index, the commit goes on top of the branch's last deploy, and only that branch
ref moves. The user's HEAD, branch, index and working tree are never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from digest import __version__
from digest.build import BuildOptions, BuildResult, build
from digest.config import Config, load_config
from digest.errors import DeployError
from digest.write import MANIFEST

_CNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$", re.I)
_FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "digest deploy",
    "GIT_AUTHOR_EMAIL": "digest@localhost",
    "GIT_COMMITTER_NAME": "digest deploy",
    "GIT_COMMITTER_EMAIL": "digest@localhost",
}


@dataclass(frozen=True)
class DeployOptions:
    branch: str = "gh-pages"
    remote: str = "origin"
    message: str = ""  # default: "Deploy <title> from <commit> with digest <version>"
    build: bool = True
    force: bool = False  # deploy even with uncommitted changes in content/
    output_dir: Path | None = None
    build_options: BuildOptions = field(default_factory=BuildOptions)


@dataclass(frozen=True)
class DeployResult:
    branch: str
    remote: str
    remote_url: str
    commit: str
    created: bool  # False when the site was the same as the last deploy
    pushed: bool
    files: int
    build: BuildResult | None

    def summary(self) -> str:
        short = self.commit[:7]
        if self.created:
            text = f"Deployed {self.files} files as {short} to {self.branch}"
        else:
            text = f"{self.branch} already holds this site ({short})"
        if self.pushed:
            return f"{text}; pushed to {self.remote} ({self.remote_url})"
        return f"{text}; {self.remote} ({self.remote_url}) was up to date"


class _Git:
    """Runs git in one repository; a failure becomes a DeployError with git's own words."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.env: dict[str, str] = {}

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        result = subprocess.run(
            ["git", "-C", str(self.repo), *args],
            input=input,
            capture_output=True,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **self.env, **(env or {})},
        )
        if check and result.returncode != 0:
            said = result.stderr.decode("utf-8", "replace").strip()
            raise DeployError(f"git {args[0]} failed: {said or f'exit {result.returncode}'}")
        return result

    def out(self, *args: str, input: bytes | None = None, env: dict[str, str] | None = None) -> str:
        return self.run(*args, input=input, env=env).stdout.decode("utf-8", "replace").strip()

    def commit_of(self, ref: str) -> str | None:
        result = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if result.returncode != 0:
            return None
        return result.stdout.decode().strip() or None

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def deploy(site_dir: Path, options: DeployOptions | None = None) -> DeployResult:
    """Build (unless options.build is False), commit the output to options.branch and push."""
    options = options or DeployOptions()
    if shutil.which("git") is None:
        raise DeployError("git is not installed — install git to deploy")
    config, _ = load_config(site_dir, options.output_dir)
    git = _repository(config.site_dir)
    _check_branch_name(git, options.branch)
    remote_url = _remote_url(git, options.remote)
    if not options.force:
        _refuse_uncommitted_content(git, config)
    cname = _cname(config)
    remote_tip = _remote_tip(git, options.remote, options.branch)  # reachable? before building

    result = None
    if options.build:
        build_options = options.build_options
        if options.output_dir is not None:
            build_options = replace(build_options, output_dir=options.output_dir)
        result = build(site_dir, build_options)
    if not (config.output_dir / "index.html").is_file():
        raise DeployError(
            f"no built site in {config.output_dir} — run digest build, or deploy without --no-build"
        )

    git.env = _identity(git)
    extra = {".nojekyll": b""}
    if cname:
        extra["CNAME"] = cname.encode() + b"\n"
    tree, files = _write_tree(git, config.output_dir, extra)
    parent = _parent(git, options.branch, options.remote, remote_tip)
    message = options.message or _default_message(git, config)
    commit, created = _commit(git, options.branch, tree, parent, message)
    pushed = remote_tip != commit
    if pushed:
        ref = f"refs/heads/{options.branch}"
        push = git.run("push", "--quiet", options.remote, f"{ref}:{ref}", check=False)
        if push.returncode != 0:
            said = push.stderr.decode("utf-8", "replace").strip()
            raise DeployError(
                f"could not push {options.branch} to {options.remote} ({remote_url}): {said} — "
                f"the deploy is committed locally as {commit[:7]}; fix access and run again"
            )
    return DeployResult(
        branch=options.branch,
        remote=options.remote,
        remote_url=remote_url,
        commit=commit,
        created=created,
        pushed=pushed,
        files=files,
        build=result,
    )


def _repository(site_dir: Path) -> _Git:
    found = subprocess.run(
        ["git", "-C", str(site_dir), "rev-parse", "--show-toplevel"], capture_output=True
    )
    if found.returncode != 0:
        raise DeployError(
            f"{site_dir} is not in a git repository — run `git init`, commit the site and "
            "add a remote (`git remote add origin URL`), then deploy"
        )
    return _Git(Path(found.stdout.decode().strip()).resolve())


def _check_branch_name(git: _Git, branch: str) -> None:
    if git.run("check-ref-format", "--branch", branch, check=False).returncode != 0:
        raise DeployError(f"`{branch}` is not a valid branch name")
    head = git.run("symbolic-ref", "-q", "HEAD", check=False).stdout.decode().strip()
    if head == f"refs/heads/{branch}":
        raise DeployError(
            f"you are on branch {branch}, which deploy overwrites with the built site — "
            "switch to your site's branch, or deploy to another branch with --branch"
        )


def _remote_url(git: _Git, remote: str) -> str:
    found = git.run("remote", "get-url", remote, check=False)
    if found.returncode == 0:
        return found.stdout.decode().strip()
    remotes = git.out("remote").split()
    if remotes:
        hint = f"the remotes here are {', '.join(remotes)}: pass --remote NAME"
    else:
        hint = f"add one with `git remote add {remote} https://github.com/USER/REPO.git`"
    raise DeployError(f"no git remote `{remote}` in {git.repo} — {hint}")


def _refuse_uncommitted_content(git: _Git, config: Config) -> None:
    content = config.content_dir
    if not content.is_relative_to(git.repo):
        return
    where = content.relative_to(git.repo).as_posix()
    # GIT_OPTIONAL_LOCKS=0: status must not refresh (rewrite) the user's index.
    status = git.run(
        "status", "--porcelain", "-z", "--untracked-files=all", "--", where,
        env={"GIT_OPTIONAL_LOCKS": "0"},
    ).stdout.decode("utf-8", "replace")  # fmt: skip
    changed, records = [], iter(status.split("\0"))
    for record in records:
        if len(record) > 3:
            changed.append(record[3:])
            if record[0] in "RC":  # a rename is followed by the name it had
                next(records, None)
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        raise DeployError(
            f"uncommitted changes in {content.name}/: {shown} — commit them first "
            "(so the published site matches your repository), or pass --force"
        )


def _cname(config: Config) -> str:
    cname = config.cname
    if cname and not _CNAME.match(cname):
        raise DeployError(
            f"site.yaml: cname: expected a bare domain like news.example.org, got `{cname}`"
        )
    return cname.rstrip(".")


def _identity(git: _Git) -> dict[str, str]:
    """git's own identity when it has one, else a stand-in so CI machines can deploy."""
    if git.run("var", "GIT_COMMITTER_IDENT", check=False).returncode == 0:
        return {}
    return _FALLBACK_IDENTITY


def _write_tree(git: _Git, folder: Path, extra: dict[str, bytes]) -> tuple[str, int]:
    """Store every file under folder (plus `extra`) as one git tree, through a scratch index."""
    paths = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(root, name)
            rel = path.relative_to(folder).as_posix()
            if rel == MANIFEST or rel in extra or not path.is_file():
                continue
            if "\n" in rel or "\t" in rel:
                raise DeployError(f"cannot deploy {rel!r}: its name has a tab or a line break")
            paths.append((rel, path))
    listing = "".join(f"{path}\n" for _, path in paths).encode()
    blobs = git.out("hash-object", "-w", "--no-filters", "--stdin-paths", input=listing).split()
    entries = list(zip((rel for rel, _ in paths), blobs, strict=True))
    for rel, data in extra.items():
        entries.append((rel, git.out("hash-object", "-w", "--no-filters", "--stdin", input=data)))
    with tempfile.TemporaryDirectory(prefix="digest-deploy-") as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        info = b"".join(f"100644 {blob}\t{rel}".encode() + b"\0" for rel, blob in entries)
        git.run("update-index", "-z", "--add", "--index-info", input=info, env=index)
        tree = git.out("write-tree", env=index)
    return tree, len(entries)


def _remote_tip(git: _Git, remote: str, branch: str) -> str | None:
    listed = git.run("ls-remote", "--heads", remote, f"refs/heads/{branch}", check=False)
    if listed.returncode != 0:
        said = listed.stderr.decode("utf-8", "replace").strip()
        raise DeployError(f"cannot reach remote `{remote}`: {said}")
    line = listed.stdout.decode().strip()
    return line.split()[0] if line else None


def _parent(git: _Git, branch: str, remote: str, remote_tip: str | None) -> str | None:
    """The commit the deploy goes on top of: the newer of the local and the remote branch."""
    local = git.commit_of(f"refs/heads/{branch}")
    if remote_tip is None or remote_tip == local:
        return local
    if local is not None and git.commit_of(remote_tip) and git.is_ancestor(remote_tip, local):
        return local  # an earlier deploy was committed here but not pushed
    git.run("fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}")
    if local is None or git.is_ancestor(local, remote_tip):
        return remote_tip
    raise DeployError(
        f"the local {branch} and {remote}/{branch} have both moved on — if {remote} has the "
        f"deploys you want to keep, delete the local one (`git branch -D {branch}`) and run again"
    )


def _commit(
    git: _Git, branch: str, tree: str, parent: str | None, message: str
) -> tuple[str, bool]:
    """Point branch at a commit of tree on top of parent; no new commit if nothing changed."""
    if parent is not None and git.out("rev-parse", f"{parent}^{{tree}}") == tree:
        commit, created = parent, False
    else:
        args = ["commit-tree", tree, "-m", message, *(["-p", parent] if parent else [])]
        commit, created = git.out(*args), True
    local = git.commit_of(f"refs/heads/{branch}")
    if local != commit:  # the old value guards against a concurrent change of the branch
        git.run("update-ref", f"refs/heads/{branch}", commit, local or "0" * len(commit))
    return commit, created


def _default_message(git: _Git, config: Config) -> str:
    head = git.commit_of("HEAD")
    source = f" from {head[:7]}" if head else ""
    return f"Deploy {config.title}{source} with digest {__version__}"
