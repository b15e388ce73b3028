"""Split an article into its metadata and body: YAML, TOML, JSON or Pelican front matter."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from digest.errors import Problem, SourceError
from digest.yamlload import YamlProblem, load_yaml

_YAML_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
_TOML_END = re.compile(r"^\+\+\+[ \t]*$", re.M)
_JSON_START = re.compile(r'^\{\s*"')
_TOML_LINE = re.compile(r"\(at line (\d+)")
# Pelican's Markdown metadata: `Key: value` lines from the first line to a blank one.
_PELICAN_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*):[ \t]*(.*)$")
_PELICAN_KEYS = {"title", "date"}  # one of these must be there, so prose is not taken


@dataclass(frozen=True)
class FrontMatter:
    """What a file's metadata block says, with keys lower-cased (Hugo's are case-blind)."""

    meta: dict[str, Any]
    lines: dict[str, int]  # key -> its line in the file (1-based)
    body: str
    body_line: int  # the line the body starts on
    format: str  # "yaml", "toml", "json", "pelican" or "" when there is none

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def split_front_matter(text: str, shown: str) -> FrontMatter:
    """Find the metadata block, after any blank lines before it, and read it.

    A block that opens but cannot be read raises SourceError naming the line and format,
    so a broken block is never mistaken for an article without a date."""
    stripped = text.lstrip(" \t\n\ufeff")
    skipped = text[: len(text) - len(stripped)].count("\n")
    first = stripped.split("\n", 1)[0].rstrip()
    if first == "---":
        return _delimited(stripped, skipped, shown, "yaml", _YAML_END)
    if first == "+++":
        return _delimited(stripped, skipped, shown, "toml", _TOML_END)
    if first == "{" or _JSON_START.match(first):  # not `{{< x >}}` nor `{.lead}` prose
        return _json(stripped, skipped, shown)
    pelican = _pelican(stripped, skipped)
    if pelican is not None:
        return pelican
    return FrontMatter({}, {}, text, 1, "")


def _delimited(
    text: str, skipped: int, shown: str, kind: str, end_pattern: re.Pattern[str]
) -> FrontMatter:
    opening = text.split("\n", 1)[0]
    start = len(opening) + 1
    fence = "---" if kind == "yaml" else "+++"
    end = end_pattern.search(text, start) if start <= len(text) else None
    if end is None:
        raise SourceError(
            Problem(
                shown,
                skipped + 1,
                "front matter is not closed",
                f"add a line with {fence} after it",
            )
        )
    block = text[start : end.start()]
    rest = text[end.end() :]
    body = rest.lstrip("\n")
    body_line = skipped + text[: len(text) - len(body)].count("\n") + 1
    if kind == "yaml":
        meta, lines = _yaml(block, shown, skipped + 1)
    else:
        meta, lines = _toml(block, shown, skipped + 1)
    return FrontMatter(meta, lines, body, body_line, kind)


def _yaml(block: str, shown: str, offset: int) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        meta, lines = load_yaml(block, with_lines=True)
    except YamlProblem as e:
        line = offset + e.line if e.line is not None else offset
        raise SourceError(
            Problem(shown, line, f"front matter: {e.message}", "fix the YAML between the --- lines")
        ) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceError(
            Problem(
                shown,
                offset + 1,
                "front matter: expected `key: value` lines",
                "write title: ..., date: ...",
            )
        )
    key_lines: dict[str, int] = {}
    for path, line in lines.items():
        if len(path) == 1:
            key_lines.setdefault(str(path[0]).lower(), line + offset)
    return _lowered(meta), key_lines


def _toml(block: str, shown: str, offset: int) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        meta = tomllib.loads(block)
    except RecursionError:
        raise SourceError(
            Problem(shown, offset, "front matter (TOML): nested too deeply")
        ) from None
    except tomllib.TOMLDecodeError as e:
        found = _TOML_LINE.search(str(e))
        # "at end of document": the last line of the block
        line = offset + (int(found.group(1)) if found else max(1, block.count("\n")))
        message = re.sub(r"\s*\((?:at line \d+, column \d+|at end of document)\)", "", str(e))
        raise SourceError(
            Problem(
                shown,
                line,
                f"front matter (TOML): {message}",
                "fix the TOML between the +++ lines",
            )
        ) from None
    return _lowered(meta), _key_lines(block, offset, r"^[ \t]*\"?({key})\"?[ \t]*=")


def _json(text: str, skipped: int, shown: str) -> FrontMatter:
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except RecursionError:
        raise SourceError(
            Problem(shown, skipped + 1, "front matter (JSON): nested too deeply")
        ) from None
    except json.JSONDecodeError as e:
        raise SourceError(
            Problem(
                shown,
                skipped + e.lineno,
                f"front matter (JSON): {e.msg}",
                "fix the JSON object at the top of the file",
            )
        ) from None
    if not isinstance(meta, dict):
        raise SourceError(
            Problem(shown, skipped + 1, "front matter (JSON): expected an object { ... }")
        )
    block = text[:end]
    body = text[end:].lstrip(" \t").lstrip("\n")
    body_line = skipped + text[: len(text) - len(body)].count("\n") + 1
    lines = _key_lines(block, skipped, r"\"({key})\"[ \t]*:")
    return FrontMatter(_lowered(meta), lines, body, body_line, "json")


def _pelican(text: str, skipped: int) -> FrontMatter | None:
    """`Title: ...` lines up to a blank line, as Pelican's Markdown reader takes them;
    an indented line continues the value above."""
    meta: dict[str, Any] = {}
    lines: dict[str, int] = {}
    rows = text.split("\n")
    last = ""
    n = 0
    for n, row in enumerate(rows):
        if not row.strip():
            break
        match = _PELICAN_LINE.match(row)
        if match:
            last = match.group(1).lower()
            if last not in meta:
                meta[last] = match.group(2).strip()
                lines[last] = skipped + n + 1
        elif last and row[:1] in (" ", "\t"):
            meta[last] = f"{meta[last]} {row.strip()}".strip()
        else:
            return None
    else:
        n = len(rows)
    if not _PELICAN_KEYS & meta.keys():
        return None
    body = "\n".join(rows[n:]).lstrip("\n")
    body_line = skipped + text[: len(text) - len(body)].count("\n") + 1
    return FrontMatter(meta, lines, body, body_line, "pelican")


def _lowered(meta: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in meta.items():
        out.setdefault(str(key).lower(), value)
    return out


def _key_lines(block: str, offset: int, pattern: str) -> dict[str, int]:
    """The line of each top-level key in a TOML or JSON block (first mention wins)."""
    found: dict[str, int] = {}
    key = re.compile(pattern.format(key=r"[A-Za-z0-9_.-]+"), re.M)
    for match in key.finditer(block):
        name = match.group(1).lower()
        found.setdefault(name, offset + block.count("\n", 0, match.start()) + 1)
    return found
