"""build(): site.yaml -> config -> sources -> model -> pages -> output folder, one way."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from digest.check import escaping_link_problems
from digest.config import load_config
from digest.errors import Problem
from digest.group import Selection, build_site
from digest.model import Site
from digest.render import SiteRenderer
from digest.search import search_index
from digest.sources import Entry, find_articles, iter_entries
from digest.theme import Theme
from digest.write import SiteWriter, check_output_dir


@dataclass(frozen=True)
class BuildOptions:
    drafts: bool = False
    future: bool = False
    output_dir: Path | None = None
    workers: int = 0  # processes for reading articles; 0 = one per core
    now: datetime | None = None  # the moment that decides what is future-dated


@dataclass
class BuildResult:
    site: Site
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    files: int = 0
    changed: int = 0
    removed: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        s = self.site
        return (
            f"{len(s.articles)} articles, {len(s.days)} days, {len(s.topics)} topics, "
            f"{len(s.untagged)} untagged, {self.pages} pages, {len(self.warnings)} warnings "
            f"in {self.seconds:.2f} s"
        )


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def build(
    site_dir: Path, options: BuildOptions | None = None, progress: Progress = _no_progress
) -> BuildResult:
    """Build the site in site_dir. Raises DigestError subclasses for whole-build failures;
    problems with single articles come back as warnings and those articles are skipped."""
    options = options or BuildOptions()
    started = time.perf_counter()
    config, warnings = load_config(site_dir, options.output_dir)
    check_output_dir(config)
    theme = Theme(config)

    paths, problems = find_articles(config.content_dir)
    warnings.extend(problems)
    entries: list[Entry] = []
    for i, (_path, entry, problems) in enumerate(
        iter_entries(config, paths, options.workers or os.cpu_count() or 1), start=1
    ):
        warnings.extend(problems)
        if entry is not None:
            entries.append(entry)
        if i % 500 == 0 or i == len(paths):
            progress("read", i, len(paths))

    now = options.now or datetime.now(config.tz)
    site, problems = build_site(entries, config, Selection(now, options.drafts, options.future))
    warnings.extend(problems)
    for article in site.articles:  # links like /css/x.css break a site served under /news/
        warnings.extend(escaping_link_problems(article.path, article.body_html, config.base_path))

    # Render every page before writing any, so a theme error leaves the previous site as it was.
    outputs = []
    for output in SiteRenderer(site, theme).all_pages():
        outputs.append(output)
        if len(outputs) % 1000 == 0:
            progress("render", len(outputs), 0)

    writer = SiteWriter(config.output_dir)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    for output in outputs:
        writer.write(output.path, output.data, output.origin)
    for rel, source in theme.static_files():
        writer.write(rel, source.read_bytes(), str(source))
    writer.write(".nojekyll", b"", "GitHub Pages marker")
    if config.search:  # Pagefind reads the written pages, so search comes after them
        files, problems = search_index(config.output_dir, config, writer.changed > 0)
        warnings.extend(problems)
        for rel, data in files:
            writer.write(rel, data, "search index")
    removed = writer.finish()
    return BuildResult(
        site=site,
        warnings=warnings,
        pages=len(outputs),
        files=len(writer.written),
        changed=writer.changed,
        removed=removed,
        seconds=time.perf_counter() - started,
    )
