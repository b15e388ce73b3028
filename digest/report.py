"""Problems -> terminal lines: one reporter for build, build --watch, serve and the rest."""

from __future__ import annotations

from collections.abc import Iterable

import click

from digest.errors import Problem


def problem_lines(problems: Iterable[Problem], level: str = "error") -> list[str]:
    """`error: content/x.md:3: front matter: ... — hint`, one a problem."""
    return [f"{level}: {problem}" for problem in problems]


def echo_problems(problems: Iterable[Problem], level: str = "error") -> None:
    """Print problems to stderr, one a line."""
    for line in problem_lines(problems, level):
        click.echo(line, err=True)
