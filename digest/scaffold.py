"""`digest new`: a ready site (with a GitHub Pages workflow) and new dated articles.

The site's files are templates in the digest/scaffold/ folder, filled in by replacing
@NAME@ markers (the workflow's own ${{ ... }} expressions rule out str.format and Jinja).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from zoneinfo import ZoneInfo

from digest import __version__
from digest.config import SETTINGS, load_config
from digest.errors import ScaffoldError
from digest.slugs import slugify

TEMPLATES = Path(__file__).parent / "scaffold"
DEFAULT_SCHEDULE = "0 * * * *"  # hourly, so future-dated articles appear within the hour
PYTHON = "3.12"
# The official actions' current major versions (all on Node 24); bump them here.
ACTIONS = {
    "CHECKOUT": "v6",
    "SETUP_PYTHON": "v6",
    "CACHE": "v5",
    "CONFIGURE_PAGES": "v6",
    "UPLOAD_PAGES_ARTIFACT": "v5",
    "DEPLOY_PAGES": "v5",
}
_MARKER = re.compile(r"@[A-Z_]+@")
_CRON_FIELD = re.compile(r"^[0-9*/,\-A-Za-z]+$")
_SCAFFOLD_TIMEZONE = "UTC"  # the timezone the scaffolded site.yaml sets


@dataclass(frozen=True)
class NewSite:
    folder: Path
    files: tuple[Path, ...]  # relative to folder
    requirement_known: bool  # False: requirements.txt needs the user's edit


def new_site(
    folder: Path,
    *,
    title: str = "News digest",
    base_url: str | None = None,
    schedule: str = DEFAULT_SCHEDULE,
    today: date | None = None,
) -> NewSite:
    """Write a ready site into folder (new, or existing without any of the files we write)."""
    if "\n" in title or not title.strip():
        raise ScaffoldError("--title: expected one line of text")
    today = today or datetime.now(ZoneInfo(_SCAFFOLD_TIMEZONE)).date()
    yesterday = today - timedelta(days=1)
    requirement, known = _requirement()
    values = {
        "TITLE": title.strip(),
        "SETTINGS": settings_yaml(
            {
                "title": _yaml_str(title.strip()),
                "description": "A short daily digest of the news, grouped by topic.",
                "base_url": base_url or f"https://example.github.io/{_folder_slug(folder)}/",
                "language": "en",
                "timezone": _SCAFFOLD_TIMEZONE,
                "per_page": "10",
                "topics": _SCAFFOLD_TOPICS,
            }
        ),
        "SCHEDULE": _schedule_block(schedule),
        "REQUIREMENT": requirement,
        "VERSION": __version__,
        "PYTHON": PYTHON,
        "TODAY": today.isoformat(),
        "YESTERDAY": yesterday.isoformat(),
        **ACTIONS,
    }
    plan = {
        "site.yaml": "site.yaml",
        ".gitignore": "gitignore",
        "requirements.txt": "requirements.txt",
        ".github/workflows/pages.yml": "pages.yml",
        f"content/{today:%Y/%m}/{today}-envoys-agree-on-a-timetable.md": "summit.md",
        f"content/{yesterday:%Y/%m}/{yesterday}-city-budget.txt": "budget.txt",
        f"content/{yesterday:%Y/%m}/{yesterday}-satellite-images.md": "startup.md",
    }
    existing = [rel for rel in plan if (folder / rel).exists()]
    if existing:
        raise ScaffoldError(
            f"{folder} already has {', '.join(existing)} — choose a new folder, "
            "or move those files away"
        )
    for rel, template in plan.items():
        text = _fill((TEMPLATES / template).read_text(encoding="utf-8"), values, template)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return NewSite(folder, tuple(Path(rel) for rel in plan), known)


def new_article(
    site_dir: Path,
    title: str,
    *,
    tags: tuple[str, ...] = (),
    plain: bool = False,
    now: datetime | None = None,
) -> Path:
    """Write a new article dated now into content/YYYY/MM/ and return its path."""
    title = title.strip()
    if not title or "\n" in title or "\r" in title:
        raise ScaffoldError("the title must be one non-empty line")
    if plain and tags:
        raise ScaffoldError(
            "plain wire stories have no tags — drop --tags, or leave out --plain for Markdown"
        )
    config, _ = load_config(site_dir)
    now = (now or datetime.now(config.tz)).astimezone(config.tz)
    folder = config.content_dir / f"{now:%Y}" / f"{now:%m}"
    stem = f"{now:%Y-%m-%d}-{slugify(title)}"
    suffix = ".txt" if plain else ".md"
    path = folder / f"{stem}{suffix}"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    if plain:
        text = (
            f"date {now:%Y-%m-%d} {title}\n\nThe first paragraph: the lede, shown as the summary.\n"
        )
    else:
        tag_line = f"tags: [{', '.join(_yaml_str(t) for t in tags)}]\n" if tags else ""
        text = (
            f"---\ntitle: {_yaml_str(title)}\ndate: {now:%Y-%m-%d %H:%M}\n{tag_line}---\n\n"
            "The first paragraph: the lede, shown as the summary.\n"
        )
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:  # never overwrite an article
        f.write(text)
    return path


def parse_tags(text: str) -> tuple[str, ...]:
    """`a, b,c` -> ("a", "b", "c"); empty items dropped."""
    return tuple(t.strip() for t in text.split(",") if t.strip())


def _fill(text: str, values: dict[str, str], name: str) -> str:
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = _MARKER.search(text)
    if left:  # a template with a marker nobody fills is a bug here, not the user's problem
        raise AssertionError(f"scaffold/{name}: unfilled {left.group(0)}")
    return text


def _schedule_block(schedule: str) -> str:
    if schedule.strip().lower() in ("", "off", "none"):
        return "  # no schedule: add one to publish future-dated articles when they are due"
    fields = schedule.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ScaffoldError(
            f'--schedule: expected a cron line of five fields like "0 * * * *", got "{schedule}"'
        )
    return (
        "  # Rebuild on a schedule (UTC), so future-dated articles go live when due. GitHub may\n"
        "  # start a run some minutes late, and pauses schedules after 60 days without a push.\n"
        "  schedule:\n"
        f'    - cron: "{" ".join(fields)}"'
    )


def _requirement() -> tuple[str, bool]:
    """How GitHub Actions can install this digest: its source when pip recorded one (PEP 610)."""
    try:
        recorded = metadata.distribution("digest").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    if recorded:
        origin = json.loads(recorded)
        vcs = origin.get("vcs_info") or {}
        if vcs.get("vcs") == "git" and not origin["url"].startswith("file:"):
            return f"digest @ git+{origin['url']}@{vcs.get('commit_id', 'main')}", True
        if "archive_info" in origin and origin["url"].startswith("https:"):
            return f"digest @ {origin['url']}", True
        if "dir_info" not in origin:
            return f"digest=={__version__}", True
    # Installed from a local folder: there is no address GitHub could install from.
    # (`digest` on PyPI is another project, so a bare name would install the wrong thing.)
    return (
        "# Say where digest comes from, e.g. its repository pinned to a release:\n"
        f"digest @ git+https://github.com/OWNER/digest@v{__version__}",
        False,
    )


def settings_yaml(values: dict[str, str]) -> str:
    """site.yaml's settings, one a line with its help (config.SETTINGS): those in values set
    to them, the others commented out with their default or an example."""
    lines = []
    for setting in SETTINGS:
        value = values.get(setting.key)
        if value is not None:
            text = f"{setting.key}:{'' if value.startswith(chr(10)) else ' '}{value}"
        else:
            text = f"# {setting.key}: {setting.example or _yaml_default(setting.default)}"
        if "\n" in text or len(text) > 28:  # too long to share a line: help goes above
            lines += [f"# {setting.help}:", text]
        else:
            lines.append(f"{text:<29} # {setting.help}")
    return "\n".join(lines)


def _yaml_default(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if value != "" else '""'


_SCAFFOLD_TOPICS = """
  world:                      # the key is the URL: /tags/world/
    name: World
    keywords: [summit, talks, envoy, diplomat]
  economy:
    name: Economy
    keywords: [budget, inflation, bank, prices]
  technology:
    name: Technology
    keywords: [software, startup, digital, satellite]"""


def _folder_slug(folder: Path) -> str:
    return slugify(folder.resolve().name or "news")


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML ones)."""
    return json.dumps(text, ensure_ascii=False)
