"""Write the built site: only inside the output folder, one file per path, stale files removed."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from digest.config import Config
from digest.errors import OutputError

MANIFEST = ".digest-manifest.json"


def check_output_dir(config: Config) -> None:
    """Refuse an output folder whose cleaning could delete what the user wrote."""
    out = config.output_dir
    guarded = {
        "the site folder": config.site_dir,
        "content_dir": config.content_dir,
        "the themes folder": config.site_dir / "themes",
    }
    if out == Path(out.anchor) or out == Path.home():
        raise OutputError(
            f"output folder {out} is / or your home folder — set output_dir to a folder like _site"
        )
    for what, folder in guarded.items():
        folder = folder.resolve()
        if out == folder or out in folder.parents:
            raise OutputError(
                f"output folder {out} is or contains {what} — set output_dir to a folder like _site"
            )
        if folder in out.parents and what != "the site folder":
            raise OutputError(
                f"output folder {out} is inside {what} — set output_dir to a folder like _site"
            )
    if (out / ".git").exists():
        raise OutputError(
            f"output folder {out} holds a .git folder — set output_dir to a folder of its own"
        )


def safe_relative(rel: str) -> PurePosixPath:
    """A site path as a relative path with no way out: no .., no absolute part, no NUL."""
    if "\x00" in rel or "\\" in rel or rel.startswith("/") or not rel:
        raise OutputError(f"refusing to write {rel!r}: not a relative path inside the output")
    if any(part in ("..", ".", "") for part in rel.split("/")):
        raise OutputError(f"refusing to write {rel!r}: it would leave the output folder")
    return PurePosixPath(rel)


class SiteWriter:
    """Writes files under one folder, refusing two files at one path and paths outside it."""

    def __init__(self, out_dir: Path) -> None:
        self.out = out_dir
        self.written: dict[str, str] = {}  # path -> what produced it, for duplicate messages
        self.changed = 0

    def write(self, rel: str, data: bytes, origin: str = "") -> None:
        path = safe_relative(rel)
        key = path.as_posix()
        if key in self.written:
            raise OutputError(f"two pages want {key}: {self.written[key]} and {origin}")
        target = self.out.joinpath(*path.parts)
        if not target.resolve().is_relative_to(self.out.resolve()):
            raise OutputError(f"refusing to write {key}: it resolves outside the output folder")
        self.written[key] = origin or key
        try:
            if (
                target.is_file()
                and target.stat().st_size == len(data)
                and target.read_bytes() == data
            ):
                return  # unchanged bytes keep their mtime, so deploys upload less
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError as e:
            raise OutputError(f"cannot write {target}: {e.strerror}") from e
        self.changed += 1

    def finish(self) -> int:
        """Remove files an earlier build wrote that this one did not; return how many."""
        manifest = self.out / MANIFEST
        old: list[str] = []
        if manifest.is_file():
            try:
                loaded = json.loads(manifest.read_text(encoding="utf-8"))
                old = [p for p in loaded if isinstance(p, str)] if isinstance(loaded, list) else []
            except (OSError, ValueError):
                old = []
        removed = 0
        for rel in old:
            if rel in self.written:
                continue
            try:
                target = self.out.joinpath(*safe_relative(rel).parts)
            except OutputError:
                continue
            if target.is_file() and target.resolve().is_relative_to(self.out.resolve()):
                target.unlink()
                removed += 1
                _remove_empty_parents(target.parent, self.out)
        manifest.write_text(json.dumps(sorted(self.written), ensure_ascii=False), encoding="utf-8")
        return removed


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
