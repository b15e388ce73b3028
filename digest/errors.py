"""The errors and warnings digest reports, each naming where the problem is."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path, site_dir: Path) -> str:
    """A path as messages show it: relative to the site folder with "/" between parts, or
    whole if it lies outside. Plain string work: a build calls this for every file."""
    text, root = os.fspath(path), os.fspath(site_dir)
    if text == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    if text.startswith(prefix):
        text = text[len(prefix) :]
        return text if os.sep == "/" else text.replace(os.sep, "/")
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what is wrong, what to do."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class DigestError(Exception):
    """Base of every error digest raises on purpose; its text is meant for the user."""


class ConfigError(DigestError):
    """site.yaml is missing or wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class SourceError(DigestError):
    """An article cannot be read; the build skips it and reports the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class ThemeError(DigestError):
    """A template is missing, broken or uses an undefined variable."""


class OutputError(DigestError):
    """The output folder is unsafe or a page cannot be written there."""


class CacheError(DigestError):
    """The cache folder cannot be used (not writable) or lost what it should hold."""
