"""The `digest` command: a thin adapter that turns flags into build() calls and prints results."""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from digest import __version__
from digest.build import BuildOptions, build
from digest.errors import ConfigError, DigestError
from digest.report import echo_problems
from digest.verify import verify as verify_build


class _Progress:
    """Shows progress when a build takes more than a moment: a live line on a terminal,
    plain lines otherwise, nothing with -q."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet or time.monotonic() - self.started < 1.0:
            return
        text = f"{stage}: {done}/{total}" if total else f"{stage}: {done}"
        if self.tty:
            click.echo(f"\r\x1b[K{text}", nl=False, err=True)
        else:
            click.echo(text, err=True)
        self.shown = True

    def end(self) -> None:
        if self.shown and self.tty:
            click.echo("\r\x1b[K", nl=False, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest turns a folder of dated news articles into a static digest site:
    a page per day with its stories by topic, a page per topic and per article, archives.

    Run it in the folder that holds site.yaml, or pass -s DIR.
    """
    # A build holds a model of hundreds of thousands of objects until it ends. Collecting
    # every 700 allocations (the default) walks them again and again: a fifth of a small
    # build's time. Cyclic garbage is rare here, so young objects are collected seldom.
    gc.set_threshold(100_000, 50, 100)


@main.command("build")
@click.option(
    "-s",
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder holding site.yaml.",
)
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the site here instead of site.yaml's output_dir (default _site).",
)
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) if there is any warning.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option(
    "--watch", is_flag=True, help="Keep running: rebuild whenever a source changes (Ctrl+C ends)."
)
@click.option("--poll", is_flag=True, help="With --watch: poll for changes instead of inotify.")
@click.option(
    "--verify",
    is_flag=True,
    help="Then build again from scratch into a temporary folder and fail (exit 1) if any "
    "file differs from the incremental build.",
)
@click.option("--fetch", "fetch_first", is_flag=True, help="Run `digest fetch` first.")
def build_command(
    site_dir: Path,
    output_dir: Path | None,
    drafts: bool,
    future: bool,
    strict: bool,
    quiet: bool,
    watch: bool = False,
    poll: bool = False,
    verify: bool = False,
    fetch_first: bool = False,
) -> None:
    """Build the site into the output folder.

    Articles that cannot be read are skipped with a warning naming the file and line;
    the rest are published. Exit status: 0 built, 1 failed (or warnings with --strict).
    With --watch it rebuilds on every change to content/, themes/ or site.yaml, for
    serving the output with another server (`digest serve` does both).
    """
    if fetch_first:
        fetched = _run_fetch(site_dir, FetchOptionsArgs(quiet=quiet))
        if strict and fetched != 0:
            sys.exit(fetched)
    if watch:
        from digest.watch import TerminalReporter, watch_and_build

        options = BuildOptions(drafts=drafts, future=future, output_dir=output_dir)
        reporter = TerminalReporter(site_dir, quiet=quiet, serving=False)
        sys.exit(watch_and_build(site_dir, options, reporter, poll=poll))
    progress = _Progress(quiet)
    differences: list[str] = []
    try:
        options = BuildOptions(drafts=drafts, future=future, output_dir=output_dir)
        if verify:
            result, differences = verify_build(site_dir, options, progress=progress)
        else:
            result = build(site_dir, options, progress=progress)
    except ConfigError as e:
        progress.end()
        echo_problems(e.problems)
        click.echo("Build aborted: fix site.yaml and run again.", err=True)
        sys.exit(1)
    except DigestError as e:
        progress.end()
        echo_problems(e.problems)
        click.echo("Build aborted; the previous site was left as it was.", err=True)
        sys.exit(1)
    progress.end()
    echo_problems(result.warnings, "warning")
    if not quiet:
        click.echo(f"Built {result.summary()} -> {result.config.output_dir}")
    if verify:
        for difference in differences:
            click.echo(f"error: --verify: {difference}", err=True)
        if differences:
            click.echo(
                f"--verify: {len(differences)} files differ from a build from scratch; "
                "delete .digest-cache and report this as a bug in digest.",
                err=True,
            )
            sys.exit(1)
        if not quiet:
            click.echo(f"Verified: a build from scratch gives the same {result.files} files.")
    if strict and result.warnings:
        click.echo(f"--strict: {len(result.warnings)} warnings count as errors.", err=True)
        sys.exit(1)
    _done_with_everything.set()


# Set when a build has said all it has to say and holds nothing open (its cache is closed
# and its output swapped in): run() may then end the process without tearing down the
# model object by object, a tenth of an edit build's time at 10,000 articles.
_done_with_everything = threading.Event()


def run() -> None:
    """The `digest` command (and `python -m digest`): main(), and a quick exit after a
    finished build."""
    try:
        main()
    except SystemExit as e:
        if not _done_with_everything.is_set():
            raise
        code = e.code
    else:  # pragma: no cover - click's standalone mode always exits
        code = 0
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


@main.command("export")
@click.argument("day")
@click.option(
    "-s",
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder holding site.yaml.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the day as JSON instead of Markdown.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
def export_command(site_dir: Path, day: str, as_json: bool, drafts: bool, future: bool) -> None:
    """Print DAY's digest (YYYY-MM-DD, or `latest`) as Markdown with absolute links,
    ready to paste into a newsletter. The build also writes it to /YYYY/MM/DD/digest.md."""
    from digest.export import export_day

    try:
        text, warnings = export_day(site_dir, day, as_json=as_json, drafts=drafts, future=future)
    except DigestError as e:
        _abort(e)
    echo_problems(warnings, "warning")
    click.echo(text, nl=False)


@main.command("serve")
@click.option(
    "-s",
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder holding site.yaml.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0 = any free."
)
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option("--no-reload", is_flag=True, help="Rebuild on change but do not reload tabs.")
@click.option("--poll", is_flag=True, help="Poll for changes instead of using inotify.")
@click.option("--drafts", is_flag=True, help="Include articles marked draft: true.")
@click.option("--future", is_flag=True, help="Include articles dated in the future.")
def serve_command(
    site_dir: Path,
    host: str,
    port: int,
    open_browser: bool,
    no_reload: bool,
    poll: bool,
    drafts: bool,
    future: bool,
) -> None:
    """Build the site, serve it at http://127.0.0.1:8000/ under base_url's path, and
    rebuild and reload open tabs whenever content/, themes/ or site.yaml change.

    A failed build keeps the last good one served and shows the problem (file, line,
    message) in the terminal and over the page. Ctrl+C stops it.
    """
    from digest.serve import run_serve

    options = BuildOptions(drafts=drafts, future=future)
    sys.exit(
        run_serve(
            site_dir,
            options,
            host=host,
            port=port,
            open_browser=open_browser,
            reload=not no_reload,
            poll=poll,
        )
    )


# Publishing: check, deploy, new (digest/check.py, deploy.py, scaffold.py hold the logic).
_site_dir_option = click.option(
    "-s",
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder holding site.yaml.",
)


def _abort(error: DigestError) -> NoReturn:
    echo_problems(error.problems)
    sys.exit(1)


@main.command("check")
@_site_dir_option
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Check this folder instead of site.yaml's output_dir.",
)
@click.option("--base-url", help="Check as served at this URL or path (default: base_url).")
@click.option("--external", is_flag=True, help="Also list external links (never fetched).")
def check_command(
    site_dir: Path, output_dir: Path | None, base_url: str | None, external: bool
) -> None:
    """Check the built site offline, as served under base_url's path: every internal link
    and #anchor resolves to a file of the output, every asset exists, every page can be
    reached from the home page. Prints `page: broken link -> target` lines.

    Exit status: 0 clean, 1 on any problem.
    """
    from digest.check import check_built_site

    try:
        report = check_built_site(site_dir, output_dir, base_url)
    except DigestError as e:
        _abort(e)
    for finding in report.findings:
        click.echo(str(finding))
    if report.not_carried:
        click.echo(f"Not carried over from the sources ({len(report.not_carried)}):")
        for problem in report.not_carried:
            click.echo(f"  {problem}")
    if report.redirects:
        click.echo(f"Redirects from old addresses ({len(report.redirects)}):")
        for line in report.redirect_lines():
            click.echo(f"  {line}")
    if external:
        click.echo(f"External links ({len(report.external)}, not fetched):")
        for line in report.external_lines():
            click.echo(f"  {line}")
    click.echo(report.summary())
    sys.exit(1 if report.findings or report.not_carried else 0)


@main.command("deploy")
@_site_dir_option
@click.option(
    "-o",
    "--output",
    "output_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Build into (and deploy) this folder instead of site.yaml's output_dir.",
)
@click.option("-b", "--branch", default="gh-pages", show_default=True, help="Branch to commit to.")
@click.option("-r", "--remote", default="origin", show_default=True, help="Remote to push to.")
@click.option("-m", "--message", default="", help="Commit message for the deploy.")
@click.option("--no-build", is_flag=True, help="Deploy the output folder as it is.")
@click.option("--force", is_flag=True, help="Deploy even with uncommitted changes in content/.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
def deploy_command(
    site_dir: Path,
    output_dir: Path | None,
    branch: str,
    remote: str,
    message: str,
    no_build: bool,
    force: bool,
    quiet: bool,
) -> None:
    """Build the site and publish it: commit the output to the gh-pages branch of the
    site's git repository (with .nojekyll, and CNAME from site.yaml's `cname`) and push
    it to the remote. Your branch, index and working tree are left as they are.

    Set GitHub Pages to deploy from the gh-pages branch. Exit status: 0 deployed, 1 not.
    """
    from digest.deploy import DeployOptions, deploy

    options = DeployOptions(
        branch=branch,
        remote=remote,
        message=message,
        build=not no_build,
        force=force,
        output_dir=output_dir,
    )
    try:
        result = deploy(site_dir, options)
    except DigestError as e:
        _abort(e)
    if result.build is not None:
        echo_problems(result.build.warnings, "warning")
        if not quiet:
            click.echo(f"Built {result.build.summary()}")
    if not quiet:
        click.echo(result.summary())


@main.group("new")
def new_group() -> None:
    """Start a new site, or a new article in this one."""


@new_group.command("site")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.argument("more_feeds", nargs=-1, metavar="")
@click.option("--title", default="News digest", show_default=True, help="The site's title.")
@click.option(
    "--base-url",
    help="Where it will be published, e.g. https://USER.github.io/REPO/ (editable later).",
)
@click.option(
    "--schedule",
    default="0 * * * *",
    show_default=True,
    help='When the workflow rebuilds, as cron in UTC ("off" for never).',
)
@click.option(
    "--feeds",
    "feeds",
    multiple=True,
    metavar="URL [URL]...",
    help="Start from these news feeds: a source per feed, no example articles.",
)
def new_site_command(
    directory: Path,
    more_feeds: tuple[str, ...],
    title: str,
    base_url: str | None,
    schedule: str,
    feeds: tuple[str, ...],
) -> None:
    """Create a ready site in DIRECTORY: site.yaml with comments, example articles in both
    formats (or, with --feeds, a source per feed), .gitignore, and a GitHub Actions workflow
    that builds, keeps the build cache and publishes with GitHub Pages on every push, on
    demand and on a schedule (which also fetches the feeds and commits new articles)."""
    from digest.scaffold import new_site

    if more_feeds and not feeds:
        click.echo(f"error: unexpected {more_feeds[0]} — feeds go after --feeds", err=True)
        sys.exit(2)
    try:
        made = new_site(
            directory,
            title=title,
            base_url=base_url,
            schedule=schedule,
            feeds=(*feeds, *more_feeds),
        )
    except DigestError as e:
        _abort(e)
    click.echo(f"Created a digest site in {directory}:")
    for rel in made.files:
        click.echo(f"  {rel.as_posix()}")
    if base_url is None:
        click.echo("Set base_url in site.yaml to the address the site will have.")
    if not made.requirement_known:
        click.echo("Say in requirements.txt where GitHub Actions installs digest from.")
    if feeds:
        click.echo("Name the sources in site.yaml, then run `digest fetch` to bring articles in.")


@new_group.command("article")
@click.argument("title")
@_site_dir_option
@click.option("--tags", default="", help="Comma-separated tags: --tags economy,energy.")
@click.option("--plain", is_flag=True, help="Write a plain wire story (.txt), not Markdown.")
def new_article_command(site_dir: Path, title: str, tags: str, plain: bool) -> None:
    """Write a new article dated now in content/YYYY/MM/ and print its path."""
    from digest.scaffold import new_article, parse_tags

    try:
        path = new_article(site_dir, title, tags=parse_tags(tags), plain=plain)
    except DigestError as e:
        _abort(e)
    try:
        click.echo(path.relative_to(Path.cwd()))
    except ValueError:
        click.echo(path)


@dataclass(frozen=True)
class FetchOptionsArgs:
    """The flags of `digest fetch`, shared with `digest build --fetch`."""

    only: tuple[str, ...] = ()
    dry_run: bool = False
    retry_now: bool = False
    quiet: bool = False
    strict: bool = False


@main.command("fetch")
@_site_dir_option
@click.argument("only", metavar="[SOURCE]...", nargs=-1)
@click.option(
    "--dry-run", is_flag=True, help="Fetch and list what would be written; write nothing."
)
@click.option("--retry-now", is_flag=True, help="Also try sources resting after failures.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) if any source fails or warns.")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings, failures and errors.")
def fetch_command(
    site_dir: Path, only: tuple[str, ...], dry_run: bool, retry_now: bool, strict: bool, quiet: bool
) -> None:
    """Fetch the feeds of site.yaml's `sources:` (or only the SOURCE keys named) and write
    each new item as content/<key>/YYYY/MM/YYYY-MM-DD-<slug>.md.

    A source that fails is named with the reason and rests (30 min, doubling up to 48 h)
    before it is tried again. Exit status: 0, or 1 if every source failed (with --strict:
    if any failed or there was a warning).
    """
    sys.exit(_run_fetch(site_dir, FetchOptionsArgs(only, dry_run, retry_now, quiet, strict)))


def _run_fetch(site_dir: Path, args: FetchOptionsArgs) -> int:
    from digest.fetch import FetchOptions, fetch_sources

    progress = _FetchProgress(args.quiet)
    options = FetchOptions(only=args.only, dry_run=args.dry_run, retry_now=args.retry_now)
    try:
        result = fetch_sources(site_dir, options, progress=progress)
    except KeyboardInterrupt:
        progress.end()
        click.echo("Fetch stopped; every file written is whole and kept.", err=True)
        return 130
    except ConfigError as e:
        for problem in e.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo("Fetch aborted: fix site.yaml and run again.", err=True)
        return 1
    except DigestError as e:
        click.echo(f"error: {e}", err=True)
        return 1
    progress.end()
    if not result.reports and not args.quiet:
        click.echo("No sources with a url: in site.yaml; nothing to fetch.")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for report in result.reports:
        if report.outcome == "failed":
            click.echo(f"error: {report.key}: {report.url}: {report.reason}", err=True)
        elif report.outcome == "skipped" and not args.quiet:
            click.echo(f"{report.key}: {report.reason} (--retry-now to try now)", err=True)
        if not args.quiet:
            verb = "would write" if result.dry_run else "wrote"
            for path in report.new:
                click.echo(f"  {verb} {path}")
            for path in report.changed:
                click.echo(f"  {'would update' if result.dry_run else 'updated'} {path}")
    if result.reports and not args.quiet:
        click.echo(result.summary())
    if result.all_failed:
        return 1
    if args.strict and (result.failed or result.warnings):
        click.echo(
            f"--strict: {len(result.failed)} failed sources and {len(result.warnings)} "
            "warnings count as errors.",
            err=True,
        )
        return 1
    return 0


class _FetchProgress:
    """One live line on a terminal (`Fetching: 3/8 unian`); nothing otherwise or with -q."""

    def __init__(self, quiet: bool) -> None:
        self.live = not quiet and sys.stderr.isatty()
        self.shown = False

    def __call__(self, key: str, done: int, total: int) -> None:
        if self.live:
            click.echo(f"\r\x1b[KFetching: {done}/{total} {key}", nl=False, err=True)
            self.shown = True

    def end(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)
