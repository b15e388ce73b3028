"""The site model packed for the cache: its many small objects (articles, stories, sections,
topic groups, topics, authors) as columns of their fields, so that loading makes them in a
few passes of C code rather than one Python call per object. (Pickled one by one, each
frozen slotted dataclass is rebuilt by dataclasses' own __setstate__, which calls fields()
every time: a quarter of a second for 10,000 articles, on every build after an edit.)

The pack is a run of pickles, then the count of each class:

    the Site, each packed object in it pickled as a number
    for each group of objects of one class: (class, count), then one pickle per field
        holding that field of each of them in order (objects in it are numbers again)
    None
    [how many objects of each packed class: 4 bytes each]

The cache keeps it uncompressed, in a file (cache.py): inflating 6.5 MB for 10,000
articles took 20 ms, reading them takes 2. pack_site_zipped() compresses it as it is made,
for a pack that travels through a pipe.

An object's number is its place among those of its class times the number of classes, plus
its class's: loading makes every class's objects empty in one pass and lays them out in one
list by slice, so a number may name an object whose fields come later; then it fills the
fields a column at a time. A column of distinct strings is one string, split when loaded.
Each pickle has a memo of its own: a column is let go as soon as it is written, and the
pack needs little more memory than the model. Nothing in the model may hash a packed object
while it is loaded (a set or a dict key of articles): they are empty until their columns
come.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import mmap
import pickle
import struct
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import fields
from itertools import repeat
from operator import attrgetter
from typing import Any, BinaryIO, Protocol

from digest.model import Article, Author, Section, Site, Story, Topic, TopicGroup

# The classes whose objects come by the thousand, and Topic, so that the articles, stories
# and groups that share a topic still share one object.
_PACKED: tuple[type, ...] = (Article, Story, Section, TopicGroup, Topic, Author)
_KIND = {cls: kind for kind, cls in enumerate(_PACKED)}
_FIELDS = tuple(tuple(f.name for f in fields(cls)) for cls in _PACKED)
_SLOTTED = tuple("__slots__" in vars(cls) for cls in _PACKED)
_COUNTS = struct.Struct(f"<{len(_PACKED)}I")
_SEPARATOR = "\x00"
_SHAREABLE = {str, dt.date}


class _Compressed:
    """A file-like sink that keeps only the zlib-compressed bytes written to it."""

    def __init__(self) -> None:
        self._zlib = zlib.compressobj(1)
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(self._zlib.compress(data))
        return len(data)

    def getvalue(self) -> bytes:
        self._parts.append(self._zlib.flush())
        return b"".join(self._parts)


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...

    def getvalue(self) -> bytes: ...


class _Packer(pickle.Pickler):
    """Pickles each packed object as its number, and keeps it to pack its fields later."""

    def __init__(self, sink: _Sink) -> None:
        super().__init__(sink, protocol=pickle.HIGHEST_PROTOCOL)
        self.counts = [0] * len(_PACKED)  # objects numbered, by kind (place in _PACKED)
        self.numbers: dict[int, int] = {}  # id(object) -> its number
        self.waiting: list[list[Any]] = [[] for _ in _PACKED]  # numbered, fields not packed

    def persistent_id(self, obj: Any) -> int | None:
        kind = _KIND.get(type(obj))
        if kind is None:
            return None
        number = self.numbers.get(id(obj))
        if number is None:
            number = self.numbers[id(obj)] = self.counts[kind] * len(_PACKED) + kind
            self.counts[kind] += 1
            self.waiting[kind].append(obj)
        return number

    def put(self, obj: object) -> None:
        """obj as a pickle of its own (its own memo: what it held is not kept after)."""
        self.clear_memo()
        self.dump(obj)


def pack_site(site: Site) -> bytes:
    """The model as the cache keeps it (unpack_site gives it back)."""
    return _pack(site, io.BytesIO())


def pack_site_zipped(site: Site) -> bytes:
    """pack_site(site) compressed with zlib, made without the uncompressed copy."""
    return _pack(site, _Compressed())


def _pack(site: Site, sink: _Sink) -> bytes:
    packer = _Packer(sink)
    packer.put(site)
    while any(packer.waiting):
        for kind, names in enumerate(_FIELDS):
            group, packer.waiting[kind] = packer.waiting[kind], []
            if group:
                packer.put((kind, len(group)))
                for name in names:
                    packer.put(_column(list(map(attrgetter(name), group))))
    packer.put(None)
    sink.write(_COUNTS.pack(*packer.counts))
    return sink.getvalue()


def _column(values: list[Any]) -> list[Any] | str:
    """A field's values as they are pickled. Strings that are mostly distinct (titles,
    paths) are joined into one, which is split when loaded: far quicker than loading them
    one by one. Otherwise equal strings (or dates) are made one object: a language or an
    outlet is then loaded once, not once per article. Only values of exactly these types are
    merged, which are equal only when they are the same value (unlike 1 and True, or two
    times of one instant in two zones)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        joined = _SEPARATOR.join(values)
        distinct = len(set(values))
        if distinct * 2 > len(values) and joined.count(_SEPARATOR) == len(values) - 1:
            return joined
    if kinds <= _SHAREABLE:
        first: dict[Any, Any] = {}
        return list(map(first.setdefault, values, values))
    return values


def unpack_site(pack: bytes | mmap.mmap) -> Site:
    """The model pack_site() packed, made anew. The collector is kept off meanwhile: every
    object made is kept, so each of its passes (one per 700 objects made, and now and then
    one over the whole heap) would look for garbage in vain."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _unpack(pack)
    finally:
        if collecting:
            gc.enable()


def _unpack(pack: bytes | mmap.mmap) -> Site:
    counts = _COUNTS.unpack_from(pack, len(pack) - _COUNTS.size)
    width = len(_PACKED)
    by_kind: list[list[Any]] = []
    objects: list[Any] = [None] * (max(counts) * width)
    for kind, count in enumerate(counts):
        made: list[Any] = list(map(object.__new__, repeat(_PACKED[kind], count)))
        objects[kind : kind + count * width : width] = made
        by_kind.append(made)
    # A stream that shares pack's bytes (or is the mapped file); it stops before the counts.
    stream = io.BytesIO(pack) if isinstance(pack, bytes) else pack
    stream.seek(0)
    load = _loader(stream, objects)
    site: Site = load()
    filled = [0] * width
    while (header := load()) is not None:
        kind, count = header
        group = by_kind[kind][filled[kind] : filled[kind] + count]
        filled[kind] += count
        for name in _FIELDS[kind]:
            column = load()
            _fill(kind, name, group, column.split(_SEPARATOR) if type(column) is str else column)
    assert filled == list(map(len, by_kind)), "a model pack with objects never filled"
    return site


def _loader(stream: BinaryIO | mmap.mmap, objects: list[Any]) -> Callable[[], Any]:
    """Loads the stream's next pickle, its numbers read as objects."""

    def load() -> Any:
        unpickler = pickle.Unpickler(stream)
        unpickler.persistent_load = objects.__getitem__  # type: ignore[method-assign]
        return unpickler.load()

    return load


def _fill(kind: int, name: str, group: list[Any], column: list[Any]) -> None:
    """Set field `name` of each object in group from column, in C: frozen dataclasses
    refuse setattr, and their slots' descriptors do not ask."""
    if _SLOTTED[kind]:
        deque(map(vars(_PACKED[kind])[name].__set__, group, column), maxlen=0)
    else:  # a class with a __dict__
        dicts = map(attrgetter("__dict__"), group)
        deque(map(dict.__setitem__, dicts, repeat(name), column), maxlen=0)
