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
    """One thing wrong with the input: where it is, what is wrong, what to do. An empty path
    is a problem of the whole build (say, the output folder cannot be written)."""

    path: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} — {self.hint}" if self.hint else text


class DigestError(Exception):
    """Base of every error digest raises on purpose. It carries its problems as data, from
    where they happen to the terminal and the browser overlay; a plain message is a problem
    of the whole build. Its text is the problems, one a line."""

    problems: list[Problem]

    def __init__(self, *problems: Problem | str) -> None:
        self.problems = [p if isinstance(p, Problem) else Problem("", None, p) for p in problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross from worker processes; keep the problems, whatever __init__ takes.
        return _restore, (type(self), self.problems, dict(self.__dict__))


def _restore(
    kind: type[DigestError], problems: list[Problem], state: dict[str, object]
) -> DigestError:
    error = kind.__new__(kind)
    DigestError.__init__(error, *problems)
    error.__dict__.update(state)
    return error


class ConfigError(DigestError):
    """site.yaml is missing or wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(*problems)


class SourceError(DigestError):
    """An article cannot be read; the build skips it and reports the problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem)


class ThemeError(DigestError):
    """A template is missing, broken or uses an undefined variable."""


class OutputError(DigestError):
    """The output folder is unsafe or a page cannot be written there."""


class CacheError(DigestError):
    """The cache folder cannot be used (not writable) or lost what it should hold."""


class CheckError(DigestError):
    """There is no built site to check."""


class DeployError(DigestError):
    """The site cannot be deployed: no git repository, no remote, uncommitted content..."""


class ScaffoldError(DigestError):
    """A new site or article cannot be written where asked."""
