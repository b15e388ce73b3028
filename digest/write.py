"""Write the built site: only inside the output folder, one file per path, stale files removed,
and the new version swapped in whole, so the previous site stays until the new one is complete."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import pickle
import shutil
import stat
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import cast

from digest.config import Config
from digest.errors import OutputError, Problem

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
        raise OutputError(_unsafe(f"output folder {out} is / or your home folder"))
    for what, folder in guarded.items():
        folder = folder.resolve()
        if out == folder or out in folder.parents:
            raise OutputError(_unsafe(f"output folder {out} is or contains {what}"))
        if folder in out.parents and what != "the site folder":
            raise OutputError(_unsafe(f"output folder {out} is inside {what}"))
    if (out / ".git").exists():
        raise OutputError(
            Problem(
                "",
                None,
                f"output folder {out} holds a .git folder",
                "set output_dir to a folder of its own",
            )
        )


def _unsafe(message: str) -> Problem:
    return Problem("", None, message, "set output_dir to a folder like _site")


def safe_relative(rel: str) -> PurePosixPath:
    """A site path as a relative path with no way out: no .., no absolute part, no NUL."""
    return PurePosixPath(checked_path(rel))


def checked_path(rel: str) -> str:
    """safe_relative() as a string: rel itself, if it is a path inside the output."""
    if "\x00" in rel or "\\" in rel or rel.startswith("/") or not rel:
        raise OutputError(f"refusing to write {rel!r}: not a relative path inside the output")
    # A part that is empty, "." or ".." shows as "//", a leading or trailing "/", or a dot
    # after a "/" (or first): only such paths need to be looked at part by part.
    suspect = "//" in rel or "/." in rel or rel[0] == "." or rel[-1] == "/"
    if suspect and any(part in ("..", ".", "") for part in rel.split("/")):
        raise OutputError(f"refusing to write {rel!r}: it would leave the output folder")
    return rel


@dataclass(frozen=True)
class Placed:
    """A file as it is in the staging folder, and whether its bytes differ from the live one."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    changed: bool

    @property
    def record(self) -> tuple[int, int, int]:
        return (self.size, self.mtime_ns, self.inode)


def staging_folder(out: Path, cache: Path | None = None) -> Path:
    """Where the next version of `out` is made: in the cache folder (ignored by git) when it is
    on the same filesystem, as a swap needs; else beside `out`, hidden."""
    if cache is not None:
        try:
            existing = next(p for p in (out, *out.parents) if p.exists())
            if os.stat(existing).st_dev == os.stat(cache).st_dev:
                return (
                    cache / "output" / hashlib.blake2b(os.fsencode(out), digest_size=8).hexdigest()
                )
        except OSError:
            pass
    return out.with_name(f".{out.name}.digest-staging")


def _swapping_folder(staging: Path) -> Path:
    """The previous version's place while two renames swap the folders (no atomic exchange)."""
    return staging.with_name(staging.name + ".old")


def read_manifest(out: Path) -> list[str]:
    """The files an earlier build wrote into out, as its manifest lists them."""
    try:
        loaded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [p for p in loaded if isinstance(p, str)] if isinstance(loaded, list) else []


def output_matches(out: Path, records: dict[str, tuple[int, int, int]]) -> bool:
    """Whether every recorded file is still in `out` exactly as written (size, time, inode)."""
    for rel, record in records.items():
        try:
            st = os.stat(os.path.join(out, rel))
        except OSError:
            return False
        if (st.st_size, st.st_mtime_ns, st.st_ino) != record:
            return False
    return True


class SiteWriter:
    """Writes the next version of the output folder into a staging folder beside it, then
    swaps the two in one step: a build that fails or is killed leaves the live site whole.

    Files whose bytes did not change are hard links to the live ones, so they keep their
    mtimes (deploys upload less) and cost no space. After the swap the staging folder holds
    the previous version, and the next build brings it up to date by changing only what
    differs, instead of making thousands of folders again. Files in the output folder that
    digest did not write (a CNAME, say) are carried over; only files an earlier build wrote
    (listed in the manifest) are ever left out.
    """

    def __init__(
        self, out_dir: Path, staging: Path | None = None, listing: Path | None = None
    ) -> None:
        self.out = out_dir
        self.staging = staging or staging_folder(out_dir)
        # The folders as strings ending in "/": a build joins a path to them per page.
        self._out_prefix = os.path.join(out_dir, "")
        self._staging_prefix = os.path.join(self.staging, "")
        # What the staging and live folders hold, saved by the last build that swapped (see
        # _known_staging() and _known_live()): read instead of walking thousands of folders.
        self.listing = listing
        self.written: dict[str, str] = {}  # path -> what produced it, for duplicate messages
        self.changed = 0
        self.previous = set(read_manifest(out_dir))
        self._opened = False
        self._live: dict[str, int] = {}  # live files -> inode
        self._staged: dict[str, int] = {}  # files already in the staging folder -> inode
        self._staged_dirs: set[str] = set()
        self._dirs: set[str] = {""}  # folders known to exist in the staging folder
        self._live_dirs: set[str] = set()
        self._live_root: tuple[int, int] | None = None  # (inode, mtime) of out when opened
        self._needed: set[str] = {""}  # the folders the staging folder holds, once complete

    # --- the staging folder -------------------------------------------------------------

    def open(self) -> None:
        """Make the staging folder ready: finish or undo an interrupted swap, then look at
        what the live and staging folders hold."""
        if self._opened:
            return
        self._opened = True
        swapping = _swapping_folder(self.staging)
        try:
            if swapping.exists() and not self.out.exists():
                os.rename(swapping, self.out)  # killed between the two renames of a swap
                self.previous = set(read_manifest(self.out))
            elif swapping.is_symlink() or swapping.exists():
                _remove(swapping)
            if self.staging.is_symlink() or (self.staging.exists() and not self.staging.is_dir()):
                self.staging.unlink()
            self.staging.parent.mkdir(parents=True, exist_ok=True)
            listed = self._read_listing()
            known = self._known_staging(listed.get("staging"))
            self.staging.mkdir(exist_ok=True)
            if self.out.is_dir():
                root = os.stat(self.out)
                self._live_root = (root.st_ino, root.st_mtime_ns)
                live = self._known_live(root, listed.get("live"))
                self._live, self._live_dirs = live or _walk(self.out)
                os.chmod(self.staging, stat.S_IMODE(root.st_mode))
            self._staged, self._staged_dirs = known or _walk(self.staging)
            if self._live and not self._staged and not self._staged_dirs:
                self._mirror(self._live_dirs)
        except OSError as e:
            raise _output_error(e, self.staging) from e

    def _read_listing(self) -> dict[str, object]:
        """The listing the last build saved (see _save_listing()), removed as it is read:
        from here on the folders change, and a build killed on the way leaves no listing,
        so the next one walks the folders."""
        if self.listing is None:
            return {}
        try:
            data = self.listing.read_bytes()
            self.listing.unlink()
            listed = pickle.loads(data)
        except Exception:  # missing or garbled (unpickling garbage raises many kinds)
            return {}
        return listed if isinstance(listed, dict) else {}

    def _known_staging(self, listed: object) -> tuple[dict[str, int], set[str]] | None:
        """The staging folder's files (-> inode) and folders as the listing says, if it is
        the very folder the listing was made for."""
        try:
            stamp, files, folders = cast(tuple[object, object, object], listed)
            ino, mtime = cast(tuple[object, object], stamp)
            root = os.stat(self.staging, follow_symlinks=False)
        except (OSError, ValueError, TypeError):
            return None
        if (root.st_ino, root.st_mtime_ns) != (ino, mtime) or not stat.S_ISDIR(root.st_mode):
            return None
        if not isinstance(files, dict) or not isinstance(folders, set):
            return None
        return files, folders

    def _known_live(
        self, root: os.stat_result, listed: object
    ) -> tuple[dict[str, int], set[str]] | None:
        """The live folder's files (-> inode) and folders: what the last build swapped in,
        as its listing says, with each folder changed since looked at again (see
        _relist()); None if the listing is not about this very folder, or the clock went
        back since (then the times cannot be trusted)."""
        try:
            ino, since, wall, files, folders = cast(tuple[object, ...], listed)
        except (ValueError, TypeError):
            return None
        if root.st_ino != ino or not isinstance(since, int) or not isinstance(wall, int):
            return None
        if not isinstance(files, dict) or not isinstance(folders, set) or time.time_ns() < wall:
            return None
        try:
            _relist(self._out_prefix, since, files, folders)
        except OSError:
            return None
        return files, folders

    def _complete_listing(self) -> tuple[int, int, int, dict[str, int], set[str]]:
        """What the complete staging folder holds, for the next build's _known_live() once
        it is live: its root's inode and ctime (the filesystem's time now or a little
        before: any change to a folder from here on gives it a ctime at least as late; a
        folder we changed later than the root is just listed again), the time, its files
        and folders."""
        root = os.stat(self.staging, follow_symlinks=False)
        return (
            root.st_ino,
            root.st_ctime_ns,
            time.time_ns(),
            dict(self._staged),
            self._needed - {""},
        )

    def _save_listing(self, staging: object, live: object) -> None:
        """Say what the staging and live folders hold now, for the next build's open()."""
        if self.listing is None:
            return
        with contextlib.suppress(OSError):
            data = pickle.dumps({"staging": staging, "live": live}, pickle.HIGHEST_PROTOCOL)
            partial = self.listing.with_name(self.listing.name + ".tmp")
            partial.write_bytes(data)
            os.replace(partial, self.listing)

    def _mirror(self, folders: set[str]) -> None:
        """Link every live file into the empty staging folder at once (see mirror())."""
        linked, made = mirror(self.out, self.staging, sorted(self._live), folders)
        self._staged_dirs |= made
        self._dirs |= made
        self._staged.update((key, self._live[key]) for key in linked)

    def claim(self, rel: str, origin: str) -> str:
        """Reserve a path for one output; two outputs at one path are an error."""
        key = checked_path(rel)
        if key in self.written:
            raise OutputError(f"two pages want {key}: {self.written[key]} and {origin}")
        self.written[key] = origin or key
        return key

    def write(self, rel: str, data: bytes, origin: str = "") -> Placed:
        placed = self.put(self.claim(rel, origin), data)
        self.changed += placed.changed
        return placed

    def note(self, placed: Placed) -> None:
        """Count a file placed by put() in another process (and know it is there)."""
        self.changed += placed.changed
        self._staged[placed.path] = placed.inode

    def put(self, key: str, data: bytes) -> Placed:
        """Place a claimed path's bytes in the staging folder: a link to the live file if
        the bytes are the same, else a new file. Safe to call in forked processes."""
        self.open()
        if key in self._live:
            live = os.path.join(self.out, key)
            try:
                st = os.stat(live)
                if st.st_size == len(data):
                    with open(live, "rb") as f:
                        if f.read() == data:
                            return self._link(key, st)
            except OSError:
                pass
        target = os.path.join(self.staging, key)
        try:
            self._make_parent(key)
            self._clear(key)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                st = os.fstat(fd)
            finally:
                os.close(fd)
        except OSError as e:
            raise _output_error(e, self.out / key) from e
        self._staged[key] = st.st_ino
        return Placed(key, st.st_size, st.st_mtime_ns, st.st_ino, True)

    def keep(self, rel: str, origin: str, record: tuple[int, int, int]) -> Placed | None:
        """Carry a file over unchanged if the live one is still what was recorded (the page's
        inputs did not change); None if it is not, and the page must be made again."""
        st = self._recorded(rel, record)
        if st is None:
            return None
        self.claim(rel, origin)
        return self._link(rel, st)

    def keep_all(
        self, files: list[tuple[str, str, tuple[int, int, int]]]
    ) -> tuple[list[str], dict[str, Placed]]:
        """keep() for many (path, origin, record), in one go: an edit build keeps every
        page of the site. Returns the paths not kept (the live file is not as recorded)
        and the files kept that are not the recorded file (copied, where links fail)."""
        failed: list[str] = []
        copied: dict[str, Placed] = {}
        for rel, origin, record in files:
            placed = self.keep(rel, origin, record)
            if placed is None:
                failed.append(rel)
            elif placed.inode != record[2]:
                copied[rel] = placed
        return failed, copied

    def keep_live(self, rel: str, origin: str) -> Placed | None:
        """Carry the live file at rel over as it is, for a step that knows it is unchanged;
        None if there is no such file."""
        try:
            st = os.stat(os.path.join(self.out, rel))
        except OSError:
            return None
        self.claim(rel, origin)
        return self._link(rel, st)

    def keep_claimed(self, key: str, record: tuple[int, int, int]) -> Placed | None:
        """keep() for a path already claimed; safe to call in forked processes."""
        st = self._recorded(key, record)
        return None if st is None else self._link(key, st)

    def _recorded(self, rel: str, record: tuple[int, int, int]) -> os.stat_result | None:
        try:
            st = os.stat(self._out_prefix + rel)
        except OSError:
            return None
        return st if (st.st_size, st.st_mtime_ns, st.st_ino) == record else None

    def _link(self, key: str, live: os.stat_result) -> Placed:
        placed = Placed(key, live.st_size, live.st_mtime_ns, live.st_ino, False)
        if self._staged.get(key) == live.st_ino:
            return placed  # the staging folder has it already (the usual case)
        source = os.path.join(self.out, key)
        target = os.path.join(self.staging, key)
        try:
            self._make_parent(key)
            self._clear(key)
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError as e:
                if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                    raise
                shutil.copy2(source, target, follow_symlinks=False)  # no hard links here
                copied = os.stat(target, follow_symlinks=False)
                self._staged[key] = copied.st_ino
                return Placed(key, copied.st_size, copied.st_mtime_ns, copied.st_ino, False)
        except OSError as e:
            raise _output_error(e, self.out / key) from e
        self._staged[key] = live.st_ino
        return placed

    def _clear(self, key: str) -> None:
        """Remove what the staging folder has at key: never write into a file, which may be
        a hard link shared with the live site."""
        if key in self._staged or key in self._staged_dirs:
            target = os.path.join(self.staging, key)
            if key in self._staged_dirs:
                shutil.rmtree(target, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target)

    def _make_parent(self, key: str) -> None:
        parent = key.rpartition("/")[0]
        if parent in self._dirs:
            return
        parts = parent.split("/")
        for i in range(1, len(parts) + 1):
            ancestor = "/".join(parts[:i])
            if ancestor in self._dirs:
                continue
            if ancestor in self._staged:  # a stale file (or link) where a folder must go
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.staging, ancestor))
                del self._staged[ancestor]
            if ancestor not in self._staged_dirs:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(os.path.join(self.staging, ancestor))
            self._dirs.add(ancestor)

    # --- finishing ----------------------------------------------------------------------

    def complete(self) -> None:
        """Make the staging folder hold exactly the new site: the user's files carried over,
        files of older builds gone. Steps that read the new site (a search index) come after
        this; finish() calls it again for what they add."""
        self.open()
        try:
            needed = self._needed = _parents(self.written)
            # The user's files come along, unless one of ours now takes their place.
            foreign = [
                key
                for key in self._live
                if key not in self.previous
                and key != MANIFEST
                and key not in self.written
                and key not in needed
                and not (_parents([key]) & self.written.keys())
            ]
            for key in foreign:
                self._link(key, os.stat(os.path.join(self.out, key), follow_symlinks=False))
            wanted = set(self.written) | set(foreign)
            needed |= _parents(foreign)
            for key in [k for k in self._staged if k not in wanted]:
                _unlink_file(os.path.join(self.staging, key))
                del self._staged[key]
            for folder in sorted(self._staged_dirs - needed, key=len, reverse=True):
                try:
                    os.rmdir(os.path.join(self.staging, folder))
                except OSError:
                    shutil.rmtree(os.path.join(self.staging, folder), ignore_errors=True)
                self._staged_dirs.discard(folder)
                self._dirs.discard(folder)
        except OSError as e:
            raise _output_error(e, self.staging) from e

    def finish(self) -> int:
        """Complete the staging folder, write the manifest and swap it in. Returns how many
        files an earlier build wrote that this one did not."""
        self.complete()
        self.put(MANIFEST, json.dumps(sorted(self.written), ensure_ascii=False).encode("utf-8"))
        self._swap()
        return len(self.previous - set(self.written))

    def _swap(self) -> None:
        try:
            live = self._complete_listing()  # what the live site holds after the swap
            if not self.out.exists():
                os.rename(self.staging, self.out)
                # No previous site to become the next staging folder: make it now, while
                # the build is long anyway, so the first edit after a cold build is as fast
                # as the ones after it. Not needed for this site: failing is harmless.
                files = [*self.written, MANIFEST]
                folders = _parents(files) - {""}
                with contextlib.suppress(OSError):
                    os.mkdir(self.staging)
                    linked, made = mirror(self.out, self.staging, files, folders)
                    if len(linked) == len(files) and made == folders:
                        root = os.stat(self.staging, follow_symlinks=False)
                        # Linked: the same inodes as the live files.
                        inodes = {key: live[3].get(key, -1) for key in files}
                        staged = ((root.st_ino, root.st_mtime_ns), inodes, folders)
                        self._save_listing(staged, live)
            else:
                if not _exchange(self.staging, self.out):
                    # No atomic exchange here: two renames, undone by the next build if a
                    # kill lands between them (open() puts the previous site back).
                    swapping = _swapping_folder(self.staging)
                    os.rename(self.out, swapping)
                    os.rename(self.staging, self.out)
                    os.rename(swapping, self.staging)
                # The staging folder is now the previous site, as open() found it, unless
                # something changed it since (then its folder's time differs: walk it).
                with contextlib.suppress(OSError):
                    root = os.stat(self.staging, follow_symlinks=False)
                    known = (root.st_ino, root.st_mtime_ns) == self._live_root
                    previous = (self._live_root, self._live, self._live_dirs) if known else None
                    self._save_listing(previous, live)
        except OSError as e:
            raise OutputError(
                Problem(
                    "",
                    None,
                    f"cannot swap the new site into {self.out}: {e.strerror}",
                    f"the previous site is still there; the new one is in {self.staging}",
                )
            ) from e


MIRROR_THREADS = 4


def mirror(
    source: Path, target: Path, files: list[str], folders: set[str]
) -> tuple[list[str], set[str]]:
    """Hard-link files (and make folders) of `source` into the empty folder `target`, on
    threads: making a folder and a link per page is the filesystem's work, which runs side
    by side. Returns (files linked, folders made); what fails is left for _link()."""
    by_depth: dict[int, list[str]] = {}
    for folder in sorted(folders):
        by_depth.setdefault(folder.count("/"), []).append(folder)
    made: set[str] = set()
    linked: list[str] = []

    def make_folders(chunk: list[str]) -> bool:
        try:
            for folder in chunk:
                os.mkdir(os.path.join(target, folder))
        except OSError:
            return False
        return True

    def link_files(chunk: list[str]) -> list[str]:
        done = []
        for key in chunk:
            try:
                os.link(os.path.join(source, key), os.path.join(target, key), follow_symlinks=False)
            except OSError:
                continue
            done.append(key)
        return done

    with ThreadPoolExecutor(MIRROR_THREADS) as pool:
        for depth in sorted(by_depth):
            if not all(pool.map(make_folders, _chunks(by_depth[depth]))):
                return linked, made  # the folders made so far are found by _make_parent()
            made.update(by_depth[depth])
        for done in pool.map(link_files, _chunks(files)):
            linked += done
    return linked, made


def _chunks(items: list[str], size: int = 256) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _parents(keys: Iterable[str]) -> set[str]:
    """Every folder (relative, "" for the root) that holds one of keys."""
    found = {""}
    for key in keys:
        parent = key.rpartition("/")[0]
        while parent not in found:
            found.add(parent)
            parent = parent.rpartition("/")[0]
    return found


def _walk(root: Path) -> tuple[dict[str, int], set[str]]:
    """(files -> inode, folders) under root, relative, not following symlinks."""
    files: dict[str, int] = {}
    folders: set[str] = set()
    stack = [("", os.fspath(root))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as it:
            for item in it:
                key = f"{rel}/{item.name}" if rel else item.name
                if item.is_dir(follow_symlinks=False):
                    folders.add(key)
                    stack.append((key, item.path))
                else:
                    files[key] = item.inode()
    return files, folders


def _relist(prefix: str, since: int, files: dict[str, int], folders: set[str]) -> None:
    """Bring a listing of the folder at prefix (files -> inode, folders), made when its
    root's ctime was `since`, up to date: a folder whose entries changed since (a file
    added, removed or renamed there) has a ctime of `since` or later, and is listed again;
    a folder gone (or now a file) is dropped with all it held, a folder new is walked.
    A stat a folder, instead of listing every one. Raises OSError."""
    changed = {""}  # the root, renamed by the swap
    gone: list[str] = []
    for folder in folders:
        try:
            st = os.lstat(prefix + folder)
        except FileNotFoundError:
            gone.append(folder)
            continue
        if not stat.S_ISDIR(st.st_mode):
            gone.append(folder)
        elif st.st_ctime_ns >= since:
            changed.add(folder)
    if gone:  # their parents changed too: listed again below
        changed.update(folder.rpartition("/")[0] for folder in gone)
        inside = tuple(folder + "/" for folder in gone)
        for key in [key for key in files if key.startswith(inside)]:
            del files[key]
        folders.difference_update([f for f in folders if f.startswith(inside)], gone)
        changed = {folder for folder in changed if folder == "" or folder in folders}
    for key in [key for key in files if key.rpartition("/")[0] in changed]:
        del files[key]
    for folder in changed:
        with os.scandir(prefix + folder if folder else prefix) as items:
            for item in items:
                key = f"{folder}/{item.name}" if folder else item.name
                if not item.is_dir(follow_symlinks=False):
                    files[key] = item.inode()
                elif key not in folders:
                    new_files, new_folders = _walk(Path(item.path))
                    files.update((f"{key}/{rel}", ino) for rel, ino in new_files.items())
                    folders.add(key)
                    folders.update(f"{key}/{rel}" for rel in new_folders)


def _unlink_file(path: str) -> None:
    """Remove a stale file; one that became a folder since (made by a worker) is kept."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        if not os.path.isdir(path):
            raise


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or the filesystem cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _output_error(error: OSError, path: Path | str) -> OutputError:
    what = error.strerror or str(error)
    full = error.errno in (errno.ENOSPC, errno.EDQUOT)
    hint = "free some space; the previous site was left as it was" if full else ""
    return OutputError(Problem("", None, f"cannot write {error.filename or path}: {what}", hint))
