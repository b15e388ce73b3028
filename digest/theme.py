"""A theme: templates, static files, words; a site's themes/<name>/ overrides the built-in one."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2

from digest.config import Config
from digest.errors import ThemeError
from digest.i18n import load_words

BUILTIN_THEME = Path(__file__).parent / "themes" / "default"


class Theme:
    def __init__(self, config: Config) -> None:
        site_theme = config.site_dir / "themes" / config.theme
        # The built-in theme comes last, so a site's files override it one by one.
        self.folders = [site_theme, BUILTIN_THEME] if site_theme.is_dir() else [BUILTIN_THEME]
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.PrefixLoader(
                        {"!default": jinja2.FileSystemLoader(BUILTIN_THEME / "templates")}
                    ),
                    jinja2.FileSystemLoader([f / "templates" for f in self.folders]),
                ]
            ),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.words = load_words(list(reversed(self.folders)), config.language)
        self._templates: dict[str, jinja2.Template] = {}

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            template = self._templates.get(name)
            if template is None:
                template = self._templates[name] = self.env.get_template(name)
            return template.render(context)
        except jinja2.TemplateSyntaxError as e:
            where = f"{e.filename or e.name}:{e.lineno}"
            raise ThemeError(f"{where}: template syntax error: {e.message}") from e
        except jinja2.TemplateNotFound as e:
            raise ThemeError(f"theme: template {e.name} not found (needed for {name})") from e
        except Exception as e:  # anything a template raises is the theme's problem to report
            raise ThemeError(f"{_template_line(e, name)}: {e}") from e

    def static_files(self) -> Iterator[tuple[str, Path]]:
        """(output path under static/, source file), the site's theme winning over the built-in."""
        seen: set[str] = set()
        for folder in self.folders:
            root = folder / "static"
            if not root.is_dir():
                continue
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root).as_posix()
                if path.is_file() and rel not in seen and not path.name.startswith("."):
                    seen.add(rel)
                    yield "static/" + rel, path


def _template_line(error: BaseException, fallback: str) -> str:
    """Jinja rewrites tracebacks to point into templates: report the innermost template line."""
    where = fallback
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".md", ".json")):
            where = f"{frame.filename}:{frame.lineno}"
    return where
