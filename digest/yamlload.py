"""Safe YAML loading for site.yaml and front matter: no tags, no bombs, lines kept."""

from __future__ import annotations

from typing import Any

import yaml

try:  # the C parser reads front matter about 8x faster; fall back when libyaml is absent
    _Base: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader

MAX_YAML_BYTES = 256 * 1024
MAX_NODES = 20_000


class _Loader(_Base):  # type: ignore[misc]
    """SafeLoader that leaves timestamps as text: digest parses dates itself, one way."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlProblem(Exception):
    """YAML that cannot be loaded; line is 1-based within the YAML text."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(
    text: str | bytes, *, with_lines: bool = False
) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Load one YAML document safely; with_lines maps key paths to their 1-based lines."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlProblem(f"YAML block is larger than {MAX_YAML_BYTES // 1024} KB", 1)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[tuple[str, ...], int] = {}
        has_alias = b"*" in text if isinstance(text, bytes) else "*" in text
        needs_walk = with_lines or has_alias
        if needs_walk:
            _walk(node, (), lines, [0])
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        # A construct left open is found only at the end of the block: point at its start.
        last_line = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) - 1
        if e.context_mark is not None and mark is not None and mark.line >= last_line:
            mark = e.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(_describe(e), line) from None
    except yaml.YAMLError as e:
        raise YamlProblem(str(e).splitlines()[0], None) from None
    except RecursionError:
        raise YamlProblem("YAML is nested too deeply", None) from None
    finally:
        loader.dispose()


def _describe(e: yaml.MarkedYAMLError) -> str:
    problem = e.problem or "invalid YAML"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '")
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return f"YAML tag {tag} is not allowed"
    col = f" (column {e.problem_mark.column + 1})" if e.problem_mark is not None else ""
    context = f"{e.context}: " if e.context else ""
    return f"invalid YAML: {context}{problem}{col}"


def _walk(
    node: yaml.Node, path: tuple[str, ...], lines: dict[tuple[str, ...], int], seen: list[int]
) -> None:
    """Record key lines, counting every visit so alias bombs are stopped, not expanded."""
    seen[0] += 1
    if seen[0] > MAX_NODES:
        raise YamlProblem(
            f"YAML expands to more than {MAX_NODES} nodes (aliases?)", node.start_mark.line + 1
        )
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            lines.setdefault((*path, name), key.start_mark.line + 1)
            _walk(value, (*path, name), lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, path, lines, seen)
