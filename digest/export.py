"""`digest export DAY`: one day's digest as newsletter-ready Markdown or JSON, without a build."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from digest.config import Config, load_config
from digest.errors import DigestError, Problem
from digest.feeds import day_json, day_markdown
from digest.group import Selection, group_site
from digest.i18n import Localizer
from digest.model import Site
from digest.sources import find_articles, iter_entries
from digest.theme import Theme


def read_site(config: Config, selection: Selection, workers: int = 1) -> tuple[Site, list[Problem]]:
    """Read every article under content_dir and group them into the site model."""
    paths, warnings = find_articles(config.content_dir)
    entries = []
    for _path, entry, problems in iter_entries(config, paths, workers):
        warnings.extend(problems)
        if entry is not None:
            entries.append(entry)
    site, problems = group_site(entries, config, selection)
    return site, warnings + problems


def export_day(
    site_dir: Path, day: str, *, as_json: bool = False, drafts: bool = False, future: bool = False
) -> tuple[str, list[Problem]]:
    """The digest of `day` (YYYY-MM-DD, or `latest`) as Markdown, or JSON with as_json."""
    config, warnings = load_config(site_dir)
    site, problems = read_site(config, Selection(datetime.now(config.tz), drafts, future))
    warnings += problems
    if not site.days:
        raise DigestError("no published articles, so there is no day to export")
    if day == "latest":
        found = site.days[0]
    else:
        try:
            wanted = date.fromisoformat(day)
        except ValueError:
            raise DigestError(f'expected a day like 2026-02-11 or "latest", got "{day}"') from None
        matches = [d for d in site.days if d.date == wanted]
        if not matches:
            raise DigestError(
                f"no published articles on {wanted}; the latest day is {site.days[0].date}"
            )
        found = matches[0]
    local = Localizer(config.language, Theme(config).words)
    if as_json:
        return day_json(found, config, local).decode("utf-8"), warnings
    return day_markdown(found, config, local), warnings
