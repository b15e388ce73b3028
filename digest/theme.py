"""A theme: templates, static files, words; a site's themes/<name>/ overrides the built-in one."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.config import Config
from digest.errors import Problem, ThemeError

if TYPE_CHECKING:  # Jinja is imported when something renders: a build with nothing to do does not
    import jinja2

BUILTIN_THEME = Path(__file__).parent / "themes" / "default"


def theme_folders(config: Config) -> list[Path]:
    """The folders a site's theme is made of. The built-in theme comes last, so a site's
    files override it one by one."""
    site_theme = config.site_dir / "themes" / config.theme
    return [site_theme, BUILTIN_THEME] if site_theme.is_dir() else [BUILTIN_THEME]


class Theme:
    """Compiled once and used for every page of a build, and by a long-running process
    (serve, build --watch) for its next builds while the theme's files stay the same."""

    def __init__(self, config: Config, cache_folder: Path | None = None) -> None:
        """`cache_folder`: where compiled templates are kept for the next process."""
        self.folders = theme_folders(config)
        self.language = config.language
        self.compiled = None if cache_folder is None else cache_folder / "templates"
        self._templates: dict[str, jinja2.Template] = {}
        self._closures: dict[str, tuple[dict[str, str], set[str], bool]] = {}

    @functools.cached_property
    def env(self) -> jinja2.Environment:
        import jinja2

        env = jinja2.Environment(
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
            bytecode_cache=self._bytecode_cache(),
        )
        # `tojson` (JSON-LD) writes letters as they are, not as \uXXXX: a Ukrainian headline is
        # a third the bytes. It still escapes < > & ' (safe inside <script>).
        env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
        return env

    def _bytecode_cache(self) -> jinja2.BytecodeCache | None:
        """Jinja's own store of compiled templates, by name and source (a process that
        renders one page spends most of its time compiling the templates otherwise)."""
        import jinja2

        if self.compiled is None:
            return None
        try:
            self.compiled.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        if not os.access(self.compiled, os.W_OK | os.X_OK):
            return None  # Jinja would fail to keep what it compiled
        return jinja2.FileSystemBytecodeCache(str(self.compiled))

    @functools.cached_property
    def words(self) -> dict[str, object]:
        from digest.i18n import load_words

        return load_words(list(reversed(self.folders)), self.language)

    def render(self, name: str, context: dict[str, Any]) -> str:
        import jinja2

        try:
            template = self._templates.get(name)
            if template is None:
                template = self._templates[name] = self.env.get_template(name)
            return template.render(context)
        except jinja2.TemplateSyntaxError as e:
            where = e.filename or e.name or name
            raise ThemeError(Problem(where, e.lineno, f"template syntax error: {e.message}")) from e
        except jinja2.TemplateNotFound as e:
            raise ThemeError(
                Problem("theme", None, f"template {e.name} not found (needed for {name})")
            ) from e
        except Exception as e:  # anything a template raises is the theme's problem to report
            raise ThemeError(Problem(*_template_line(e, name), str(e))) from e

    def closure(self, name: str) -> tuple[dict[str, str], set[str], bool]:
        """(sources by name, names the templates read from their context, whether any of
        them names another template only at render time) for a template and all it pulls in."""
        found = self._closures.get(name)
        if found is None:
            found = self._kept_closure(name)
        if found is None:
            found = _template_closure(self.env, name)
            self._keep_closure(name, found)
        self._closures[name] = found
        return found

    def _closure_file(self, name: str) -> Path | None:
        if self.compiled is None:
            return None
        import jinja2

        from digest.fingerprints import code_fingerprint

        ident = f"{name}\0{jinja2.__version__}\0{code_fingerprint().hex()}"
        return self.compiled / f"closure-{hashlib.blake2b(ident.encode()).hexdigest()[:32]}"

    def _kept_closure(self, name: str) -> tuple[dict[str, str], set[str], bool] | None:
        """The closure kept by an earlier process, if every template in it is still the
        same text (found the same way: the loader's source)."""
        path = self._closure_file(name)
        if path is None:
            return None
        try:
            kept = pickle.loads(path.read_bytes())
            sources = kept[0]
            loader = self.env.loader
            assert loader is not None
            if all(loader.get_source(self.env, n)[0] == text for n, text in sources.items()):
                return kept  # type: ignore[no-any-return]
        except Exception:  # missing, unreadable, a template gone: made again
            return None
        return None

    def _keep_closure(self, name: str, found: tuple[dict[str, str], set[str], bool]) -> None:
        path = self._closure_file(name)
        if path is None or any(text.startswith("unreadable ") for text in found[0].values()):
            return
        try:
            partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            partial.write_bytes(pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
            os.replace(partial, path)
        except OSError:
            pass

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


def _template_line(error: BaseException, fallback: str) -> tuple[str, int | None]:
    """Jinja rewrites tracebacks to point into templates: the innermost template line."""
    where: tuple[str, int | None] = (fallback, None)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".md", ".json")):
            where = (frame.filename, frame.lineno)
    return where


@functools.cache
def _name_tracker() -> type[Any]:
    """jinja2.meta's tracker, but keeping names the environment has as globals: those are
    exactly the ones asked about here."""
    import jinja2.compiler
    import jinja2.meta

    class NameTracker(jinja2.meta.TrackingCodeGenerator):
        def enter_frame(self, frame: Any) -> None:
            jinja2.compiler.CodeGenerator.enter_frame(self, frame)
            for action, param in frame.symbols.loads.values():
                if action == "resolve":
                    self.undeclared_identifiers.add(param)

    return NameTracker


def _names_read(env: jinja2.Environment, tree: jinja2.nodes.Template) -> set[str]:
    """Every name a template looks up in its context or the environment's globals."""
    tracker = _name_tracker()(env)
    tracker.visit(tree)
    return set(tracker.undeclared_identifiers)


def _template_closure(env: jinja2.Environment, name: str) -> tuple[dict[str, str], set[str], bool]:
    import jinja2.meta

    sources: dict[str, str] = {}
    names: set[str] = set()
    dynamic = False
    todo = [name]
    assert env.loader is not None
    while todo:
        current = todo.pop()
        if current in sources:
            continue
        try:
            source = env.loader.get_source(env, current)[0]
            tree = env.parse(source)
        except jinja2.TemplateError:  # rendering reports it, with its line
            sources[current] = f"unreadable {os.urandom(16).hex()}"
            continue
        sources[current] = source
        names |= _names_read(env, tree)
        for found in jinja2.meta.find_referenced_templates(tree):
            if found is None:
                dynamic = True
            else:
                todo.append(found)
    return sources, names, dynamic
