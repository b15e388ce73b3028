"""Fingerprints: short digests that name what a result was made from (file bytes, settings,
digest's own code, the values a template is given), so a build can tell what changed."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from importlib import metadata
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType

import digest
from digest.config import RENDER_ONLY_FIELDS, Config


def fingerprint(*parts: bytes | str) -> bytes:
    """A 128-bit BLAKE2 digest of the parts, each length-prefixed so they cannot run together."""
    h = hashlib.blake2b(digest_size=16)
    _feed(h, parts)
    return h.digest()


def _feed(h: hashlib.blake2b, parts: Iterable[bytes | str]) -> None:
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)


class Fingerprinter:
    """fingerprint(*prefix, *parts) for many parts after one prefix, which is hashed once:
    thousands of page keys share their first parts (the model, theme and settings)."""

    def __init__(self, *prefix: bytes | str) -> None:
        self._start = hashlib.blake2b(digest_size=16)
        _feed(self._start, prefix)

    def __call__(self, *parts: bytes | str) -> bytes:
        h = self._start.copy()
        _feed(h, parts)
        return h.digest()

    def path_key(self, path: str, data: bytes | None = None) -> bytes:
        """self(path) or self(path, data), hashed in one go: an edit build checks a key
        per page of the site."""
        name = path.encode("utf-8", "surrogatepass")
        framed = len(name).to_bytes(8, "little") + name
        if data is not None:
            framed += len(data).to_bytes(8, "little") + data
        h = self._start.copy()
        h.update(framed)
        return h.digest()


@functools.cache
def code_fingerprint() -> bytes:
    """digest's version, its Python modules' bytes, the word tools behind topics and stories
    and the Python version: any change to the code that reads, groups or renders makes every
    cached result a stranger."""
    package = Path(digest.__file__).parent
    parts: list[bytes | str] = [digest.__version__, sys.version, lexicon_fingerprint()]
    for path in sorted(package.glob("*.py")):
        parts += [path.name, path.read_bytes()]
    return fingerprint(*parts)


# The packages whose data decide what counts as one word (lemmas, stems), hence which topic
# an article gets and which reports make one story.
WORD_TOOLS = ("pymorphy3", "pymorphy3-dicts-uk", "snowballstemmer")
PRESETS_DIR = Path(digest.__file__).parent / "presets"


def lexicon_fingerprint() -> bytes:
    """The topic presets (package data, not code) and the versions of the word tools: a new
    dictionary or a retuned preset changes topics and stories for every site, whatever its
    language and whether or not it writes its own topics."""
    parts: list[bytes | str] = []
    for name in WORD_TOOLS:
        try:
            parts += [name, metadata.version(name)]
        except metadata.PackageNotFoundError:
            parts += [name, "-"]
    for path in sorted(PRESETS_DIR.glob("*.yaml")):
        parts += [path.name, path.read_bytes()]
    return fingerprint(*parts)


def files_fingerprint(folders: Iterable[Path]) -> bytes:
    """Every file under the folders, by name and bytes (a theme: templates, words, static)."""
    parts: list[bytes | str] = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts += [str(path), path.read_bytes()]
    return fingerprint(*parts)


def _settings(config: Config, skip: frozenset[str]) -> str:
    lines = []
    for f in dataclasses.fields(config):
        if f.name in skip:
            continue
        value = getattr(config, f.name)
        if isinstance(value, Path) and value.is_relative_to(config.site_dir):
            value = value.relative_to(config.site_dir)  # so a moved site keeps its cache
        lines.append(f"{f.name}={value!r}")
    return "\n".join(lines)


def parse_fingerprint(config: Config) -> bytes:
    """What, besides a file's bytes and path, decides what reading it gives."""
    return fingerprint(code_fingerprint(), _settings(config, RENDER_ONLY_FIELDS))


def config_fingerprint(config: Config) -> bytes:
    """Every setting that can change a page (the output folder's place cannot)."""
    return fingerprint(code_fingerprint(), _settings(config, frozenset({"site_dir", "output_dir"})))


def content_key(parse_fp: bytes, shown: str, data: bytes) -> bytes:
    return fingerprint(parse_fp, shown, data)


def rules_fingerprint(config: Config) -> bytes:
    """The keyword rules that give an article without tags its topics."""
    return fingerprint(repr(config.topics))


# --- values to fingerprints -------------------------------------------------------------


@dataclass(frozen=True)
class Lazy:
    """A template value made only when the page is rendered, fingerprinted by its inputs."""

    make: Callable[..., object]
    args: tuple[object, ...]

    def __call__(self) -> object:
        return self.make(*self.args)


def lazy(make: Callable[..., object], *args: object) -> Lazy:
    return Lazy(make, args)


_PLAIN = (str, int, float, bool, type(None), bytes, date, datetime, clock_time, timedelta)
_PLAIN_TYPES = frozenset(_PLAIN)  # exactly these types: their repr says all they hold
_FUNCTIONS = (FunctionType, BuiltinFunctionType, MethodType)


class ValueHasher:
    """Fingerprints of what a template is given: plain values by repr, dataclasses and tuples
    by their parts (frozen ones remembered, as the model's objects are shared by many pages),
    functions by name (the code fingerprint covers their code). Objects fixed for a whole
    build (the config, the localizer) are named by `constants`. Anything else that cannot be
    told apart by its repr gets a token that never matches, so its page is always rendered."""

    def __init__(self, constants: Mapping[int, str]) -> None:
        self._constants = dict(constants)
        self._memo: dict[int, tuple[object, str]] = {}
        self._fields: dict[type, tuple[tuple[str, ...], bool]] = {}

    def token(self, value: object) -> str:
        kind = type(value)
        if kind in _PLAIN_TYPES or isinstance(value, _PLAIN):
            return repr(value)
        key = id(value)
        constant = self._constants.get(key)
        if constant is not None:
            return constant
        seen = self._memo.get(key)
        if seen is not None and seen[0] is value:
            return seen[1]
        plain, token = _PLAIN_TYPES, self.token
        remember = False
        if isinstance(value, tuple | list) and kind in (tuple, list):
            text = "(" + ",".join([repr(v) if type(v) in plain else token(v) for v in value])
            remember = kind is tuple and len(value) >= 4  # the model's lists, not pairs
        elif kind is dict:
            pairs = value.items()  # type: ignore[attr-defined]
            text = "{" + ",".join(
                [
                    f"{repr(k) if type(k) in plain else token(k)}:"
                    f"{repr(v) if type(v) in plain else token(v)}"
                    for k, v in pairs
                ]
            )
        elif kind is Lazy:
            text = f"lazy {token(value.make)}{token(value.args)}"  # type: ignore[attr-defined]
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            names, frozen = self._dataclass_fields(kind)
            parts = []
            for name in names:
                field = getattr(value, name)
                parts.append(repr(field) if type(field) in plain else token(field))
            text = kind.__qualname__ + "(" + ",".join(parts)
            remember = frozen
        elif isinstance(value, _FUNCTIONS):
            owner = getattr(value, "__self__", None)
            text = f"{value.__module__}.{value.__qualname__}"
            if owner is not None and not isinstance(owner, ModuleType):
                text += f" of {token(owner)}"
        elif isinstance(value, functools.partial):
            text = f"partial {token((value.func, value.args, value.keywords))}"
        elif hasattr(value, "__wrapped__"):  # functools.cache and friends
            text = f"wrapped {token(value.__wrapped__)}"
        else:
            text = repr(value)
            if " at 0x" in text or " object at " in text:
                # No repr of its own: an object is what it holds (templates' helpers such as
                # the calendar); one holding nothing readable never matches.
                held = getattr(value, "__dict__", None)
                text = (
                    f"{kind.__qualname__} {token(held)}"
                    if isinstance(held, dict)
                    else f"unique {os.urandom(16).hex()}"
                )
        if remember or len(text) > 4000:  # remembered tokens stay short inside others
            text = (
                "#"
                + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
            )
        if remember:
            self._memo[key] = (value, text)
        return text

    def _dataclass_fields(self, kind: type) -> tuple[tuple[str, ...], bool]:
        known = self._fields.get(kind)
        if known is None:
            params = getattr(kind, "__dataclass_params__", None)
            names = tuple(f.name for f in dataclasses.fields(kind))
            known = self._fields[kind] = (names, bool(params and params.frozen))
        return known
