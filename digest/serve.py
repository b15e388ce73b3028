"""`digest serve`: serve the built site under its base path, rebuild on change, reload tabs."""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import json
import mimetypes
import os
import secrets
import shutil
import socket
import sys
import threading
import traceback
import webbrowser
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import click

from digest.build import BuildOptions, BuildSession
from digest.config import load_config
from digest.errors import ConfigError, Problem
from digest.report import problem_lines
from digest.watch import (
    QUIET_SECONDS,
    Change,
    Outcome,
    Reporter,
    SiteLayout,
    TerminalReporter,
    Watcher,
    build_once,
    rebuild_on_changes,
    stop_on_sigterm,
    watching,
)

LIVE_PREFIX = "/__digest__/"  # the reload endpoint and script; never part of the built site
MAX_PATH = 2048  # characters in a request path, as sent
MAX_NAME = 255  # bytes in one path component, as most file systems allow
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
MISSING = "no such file in the site"


# Which file a URL means ----------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    file: Path


@dataclass(frozen=True)
class Redirect:
    location: str


@dataclass(frozen=True)
class Refused:
    status: int
    reason: str


def locate(out_dir: Path, base_path: str, raw_path: str) -> Found | Redirect | Refused:
    """The file inside out_dir that the request path (as sent, without query) asks for.

    Decoded once, then checked component by component: no `..`, `.`, empty or hidden parts,
    no NUL, control characters or backslashes; then resolved, so a symlink that leads out of
    the output folder is not found either. Folders redirect to their slash form and serve
    index.html; the site lives under base_path (`/news/`), and `/` redirects there.
    """
    if len(raw_path) > MAX_PATH:
        return Refused(414, "the path is too long")
    if not raw_path.startswith("/"):
        return Refused(400, "the path must start with /")
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return Refused(400, "the path is not UTF-8")
    if "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return Refused(400, "the path holds a backslash or a control character")
    base = _normal_base(base_path)
    if path != base and path in ("/", base[:-1]):
        return Redirect(quote(base))
    if not path.startswith(base):
        return Refused(404, f"outside the site, which is under {base}")
    rest = path[len(base) :]
    wants_folder = rest == "" or rest.endswith("/")
    parts = rest.split("/")[:-1] if wants_folder else rest.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            return Refused(400, "the path has an empty, . or .. part")
        if part.startswith("."):
            return Refused(404, "hidden files are not served")
        if len(part.encode()) > MAX_NAME:
            return Refused(414, "a part of the path is too long")
    root = out_dir.resolve()
    target = _inside(root, root.joinpath(*parts))
    if target is None:
        return Refused(404, MISSING)
    if target.is_dir():
        if not wants_folder:
            return Redirect(quote(base + "/".join(parts) + "/"))
        target = _inside(root, target / "index.html")
        if target is None:
            return Refused(404, MISSING)
    elif wants_folder:
        return Refused(404, MISSING)
    if not target.is_file():
        return Refused(404, MISSING)
    return Found(target)


def _normal_base(base_path: str) -> str:
    base = unquote(base_path)
    base = base if base.startswith("/") else "/" + base
    return base if base.endswith("/") else base + "/"


def _inside(root: Path, path: Path) -> Path | None:
    """path with symlinks resolved, if that is still inside root (compared by components)."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return resolved if resolved == root or resolved.is_relative_to(root) else None


def host_allowed(header: str | None, bound_host: str) -> bool:
    """Whether a request's Host header names this server, which defeats DNS rebinding: a page
    on evil.example whose name now points at 127.0.0.1 still sends Host: evil.example."""
    if not header:
        return False
    host = header.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        if end < 0:
            return False
        name = host[1:end]
    elif host.count(":") <= 1:
        name = host.partition(":")[0]
    else:
        return False
    name = name.rstrip(".")
    bound = bound_host.strip("[]").lower()
    if name in ("localhost", bound):
        return True
    try:
        ipaddress.ip_address(name)
        return True  # a rebinding attack needs a name it controls, never an address
    except ValueError:
        pass
    if bound in ("", "0.0.0.0", "::"):  # asked to serve the network: the machine's own names
        own = socket.gethostname().lower()
        return name in (own, own + ".local", socket.getfqdn().lower())
    return False


# What open tabs are told ---------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """The preview's state as tabs see it. `site` changes whenever a build changed files;
    a tab showing an older `site` reloads. The server's start time is part of it, so tabs
    also reload after a restart."""

    seq: int
    site: str
    failed: bool
    problems: tuple[Problem, ...]
    # Pages the build moved (old path -> new path, as requested): a tab showing the old
    # one goes to the new one (an article retitled in a fast render).
    moved: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "site": self.site,
                "failed": self.failed,
                "moved": [list(pair) for pair in self.moved],
                "problems": [
                    {"path": p.path, "line": p.line, "message": p.message, "hint": p.hint}
                    for p in self.problems
                ],
            },
            ensure_ascii=False,
        )


class LiveState:
    """Shared between the rebuild thread (publishes) and request threads (read, wait)."""

    def __init__(self) -> None:
        self._epoch = secrets.token_hex(4)  # new on every start, so open tabs reload
        self._changed = threading.Condition()
        self._site_number = 0
        self._snapshot = Snapshot(0, self._site(), False, ())
        self._idle = threading.Event()
        self._idle.set()
        self.closing = False
        self.clients = 0  # open event streams

    def _site(self) -> str:
        return f"{self._epoch}-{self._site_number}"

    def current(self) -> Snapshot:
        return self._snapshot

    def building(self) -> None:
        self._idle.clear()

    def wait_idle(self, timeout: float) -> bool:
        return self._idle.wait(timeout)

    def publish(self, outcome: Outcome, moved: tuple[tuple[str, str], ...] = ()) -> None:
        with self._changed:
            result = outcome.result
            if result is not None and (result.changed or result.removed):
                self._site_number += 1
            old = self._snapshot
            self._snapshot = Snapshot(
                old.seq + 1, self._site(), result is None, outcome.problems, moved
            )
            self._changed.notify_all()
        self._idle.set()

    def wait_after(self, seq: int, timeout: float) -> Snapshot:
        """The snapshot once it differs from seq, or the same one after timeout."""
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot.seq != seq or self.closing, timeout)
            return self._snapshot

    def close(self) -> None:
        with self._changed:
            self.closing = True
            self._changed.notify_all()
        self._idle.set()


def live_snippet(snapshot: Snapshot) -> bytes:
    """What goes before </body> in served HTML: the state the page was served at (JSON that
    cannot close the script element) and the script that listens for rebuilds."""
    data = snapshot.to_json().replace("<", "\\u003c").replace(">", "\\u003e")
    return (
        f'<script id="digest-live" type="application/json">{data}</script>'
        f'<script src="{LIVE_PREFIX}live.js"></script>'
    ).encode()


def inject(html: bytes, snippet: bytes) -> bytes:
    at = html.lower().rfind(b"</body>")
    return html + snippet if at < 0 else html[:at] + snippet + html[at:]


# The live-reload script with its overlay's style, files in the package (digest/live/).
_LIVE = Path(__file__).parent / "live"
LIVE_JS = (
    (_LIVE / "live.js")
    .read_text(encoding="utf-8")
    .replace("__OVERLAY_CSS__", json.dumps((_LIVE / "overlay.css").read_text(encoding="utf-8")))
    .replace("__PREFIX__", LIVE_PREFIX)
)


# The HTTP server -----------------------------------------------------------------------

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
}
NOT_FOUND = b"<!DOCTYPE html><title>Not found</title><h1>Not found</h1>\n"


def content_type(path: Path) -> str:
    known = _TYPES.get(path.suffix.lower())
    if known:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


class PreviewServer(ThreadingHTTPServer):
    """One thread per connection, each with a socket timeout; at most max_connections."""

    daemon_threads = True
    request_queue_size = 512  # 200 clients connecting at once must not meet a full backlog

    def __init__(
        self,
        host: str,
        port: int,
        live: LiveState,
        out_dir: Path,
        base_path: str,
        *,
        reload: bool = True,
        ping_seconds: float = 15.0,
        max_connections: int = 1024,
        max_event_streams: int = 256,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.host = host
        self.live = live
        self.out_dir = out_dir
        self.base_path = base_path
        self.reload = reload
        self.ping_seconds = ping_seconds
        self.max_event_streams = max_event_streams
        self._slots = threading.BoundedSemaphore(max_connections)
        self._streams = threading.Lock()
        super().__init__((host, port), PreviewHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # too many connections: drop, do not queue threads
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that go away mid-response are normal for a browser; anything else is a bug.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def open_stream(self) -> bool:
        with self._streams:
            if self.live.clients >= self.max_event_streams:
                return False
            self.live.clients += 1
            return True

    def close_stream(self) -> None:
        with self._streams:
            self.live.clients -= 1


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    timeout = 15  # seconds a silent client may hold its connection and thread
    server_version = "digest-serve"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows one line per rebuild, not one per request

    def _respond(self, head: bool) -> None:
        server = self.server
        if not host_allowed(self.headers.get("Host"), server.host):
            self._send(400, b"Bad Host header: open the preview by the address it printed.\n")
            return
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        if server.reload and raw.startswith(LIVE_PREFIX):
            self._live(raw[len(LIVE_PREFIX) :], head)
            return
        snapshot = server.live.current()  # before reading: a page is never newer than its label
        found = locate(server.out_dir, server.base_path, raw)
        if isinstance(found, Refused) and found.reason == MISSING and not server.live.wait_idle(0):
            server.live.wait_idle(10.0)  # mid-rebuild: ask again once the build is done
            snapshot = server.live.current()
            found = locate(server.out_dir, server.base_path, raw)
        if isinstance(found, Redirect):
            self._send(301, b"", extra={"Location": found.location}, head=head)
        elif isinstance(found, Refused):
            if found.status == 404:
                self._not_found(snapshot, head)
            else:
                self._send(found.status, (found.reason + "\n").encode(), head=head)
        else:
            self._file(found.file, snapshot, head)

    def _file(self, path: Path, snapshot: Snapshot, head: bool, status: int = 200) -> None:
        kind = content_type(path)
        try:
            if kind.startswith("text/html"):
                data = path.read_bytes()
                if self.server.reload:
                    data = inject(data, live_snippet(snapshot))
                self._send(status, data, kind, head=head)
                return
            with path.open("rb") as f:
                # The size of the file we opened: the path may already be the next build's.
                size = os.fstat(f.fileno()).st_size
                self._headers(status, kind, size)
                if not head:
                    shutil.copyfileobj(f, self.wfile)
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            self._not_found(snapshot, head)

    def _not_found(self, snapshot: Snapshot, head: bool) -> None:
        page = _inside(self.server.out_dir.resolve(), self.server.out_dir / "404.html")
        data = NOT_FOUND
        if page is not None and page.is_file():
            with contextlib.suppress(OSError):
                data = page.read_bytes()
        if self.server.reload:
            data = inject(data, live_snippet(snapshot))
        self._send(404, data, "text/html; charset=utf-8", head=head)

    def _live(self, name: str, head: bool) -> None:
        if name == "live.js":
            self._send(200, LIVE_JS.encode(), _TYPES[".js"], head=head)
        elif name == "events" and not head:
            self._events()
        else:
            self._send(404, b"not found\n", head=head)

    def _events(self) -> None:
        """Server-sent events: the state now, then each new state; a comment line every
        ping_seconds, so a tab that went away is noticed (its write fails) and let go."""
        server = self.server
        if not server.open_stream():
            self._send(503, b"too many open preview tabs\n", extra={"Retry-After": "5"})
            return
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            seq = -1
            while not server.live.closing:
                snapshot = server.live.wait_after(seq, server.ping_seconds)
                if server.live.closing:
                    break
                if snapshot.seq == seq:
                    self.wfile.write(b": ping\n\n")
                else:
                    seq = snapshot.seq
                    self.wfile.write(f"event: state\ndata: {snapshot.to_json()}\n\n".encode())
        except OSError:
            pass  # the tab closed or stalled: end this stream and its thread
        finally:
            server.close_stream()

    def _headers(
        self, status: int, kind: str, length: int, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str = "text/plain; charset=utf-8",
        extra: dict[str, str] | None = None,
        head: bool = False,
    ) -> None:
        self._headers(status, kind, len(body), extra)
        if not head:
            self.wfile.write(body)


# The preview: build, serve, watch ------------------------------------------------------


class Preview:
    """What `digest serve` runs: build, serve the output under base_path, rebuild on change.

    start() raises ConfigError if site.yaml cannot be read and OSError if the port is taken;
    after that nothing in the site can stop it: a failed build keeps the last good one served.
    """

    def __init__(
        self,
        site_dir: Path,
        options: BuildOptions | None = None,
        *,
        reporter: Reporter,
        host: str = "127.0.0.1",
        port: int = 8000,
        reload: bool = True,
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
        ping_seconds: float = 15.0,
    ) -> None:
        self.site_dir = site_dir
        # One session for all the preview's builds: the theme is compiled once, not per save.
        self.options = replace(options or BuildOptions(), session=BuildSession())
        self.reporter = reporter
        self.host = host
        self.port = port
        self.reload = reload
        self.poll = poll
        self.quiet = quiet
        self.ping_seconds = ping_seconds
        self.live = LiveState()
        self._threads: list[threading.Thread] = []
        self._server: PreviewServer | None = None
        self._watcher: Watcher | None = None
        self._stopped = False

    @property
    def server(self) -> PreviewServer:
        assert self._server is not None, "start() first"
        return self._server

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("", "0.0.0.0", "::") else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server.port}{_normal_base(self.server.base_path)}"

    def start(self) -> None:
        config, _ = load_config(self.site_dir, self.options.output_dir)
        self._server = PreviewServer(
            self.host,
            self.port,
            self.live,
            config.output_dir,
            config.base_path,
            reload=self.reload,
            ping_seconds=self.ping_seconds,
        )
        try:
            self._watcher = Watcher(
                SiteLayout.of(config), poll=self.poll, quiet=self.quiet, notice=self.reporter.notice
            )
            self._watcher.start()  # before the first build, so edits made during it count
            self.live.building()
            self._serve_in_thread()
            self._after_build(build_once(self.site_dir, self.options))
        except BaseException:
            self.stop()
            raise
        self._start_thread(self._rebuild_forever, "digest-rebuild")

    def watching(self) -> str:
        assert self._watcher is not None
        return watching(self._watcher, self.site_dir.resolve())

    def _serve_in_thread(self) -> None:
        self._start_thread(lambda: self.server.serve_forever(poll_interval=0.1), "digest-serve")

    def _start_thread(self, target: Any, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _rebuild_forever(self) -> None:
        assert self._watcher is not None
        try:
            # On a change the page reloads first; the search index and whole build follow.
            options = replace(self.options, defer_search=True, fast_render=True)
            rebuild_on_changes(
                self.site_dir, options, self._watcher, self._after_build, self._before_build
            )
        except Exception:  # say so loudly: a preview that silently stopped rebuilding lies
            text = traceback.format_exc()
            self.reporter.notice(f"the preview stopped rebuilding after an internal error:\n{text}")
            problem = Problem("digest", None, "the preview stopped rebuilding: restart it")
            self.live.publish(Outcome(frozenset(), None, (problem,), 0.0))

    def _before_build(self, changes: frozenset[Change]) -> None:
        self.live.building()

    def _after_build(self, outcome: Outcome) -> None:
        moved: tuple[tuple[str, str], ...] = ()
        if outcome.result is not None:
            config = outcome.result.site.config
            self.server.out_dir = config.output_dir
            self.server.base_path = config.base_path
            base = quote(_normal_base(config.base_path))
            moved = tuple((base + quote(a), base + quote(b)) for a, b in outcome.result.moved)
        self.live.publish(outcome, moved)
        self.reporter.built(outcome)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.live.close()
        if self._watcher is not None:
            self._watcher.stop()
        if self._server is not None:
            if any(t.name == "digest-serve" for t in self._threads):
                self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> Preview:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_serve(
    site_dir: Path,
    options: BuildOptions,
    *,
    host: str,
    port: int,
    open_browser: bool,
    reload: bool,
    poll: bool,
) -> int:
    """`digest serve`: runs until Ctrl+C; returns the exit status."""
    reporter = TerminalReporter(site_dir)
    if host not in LOCAL_HOSTS:
        reporter.notice(
            f"warning: serving on {host}: anyone who can reach this machine can read the preview"
        )
    preview = Preview(
        site_dir, options, reporter=reporter, host=host, port=port, reload=reload, poll=poll
    )
    try:
        preview.start()
    except ConfigError as e:
        for line in problem_lines(e.problems):
            reporter.notice(line)
        reporter.notice("Not serving: fix site.yaml and run again.")
        return 1
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            reporter.notice(f"error: port {port} on {host} is in use: pass --port N (0 = any free)")
        else:
            reporter.notice(f"error: cannot serve on {host}:{port}: {e.strerror or e}")
        return 1
    click.echo(f"Serving {preview.server.out_dir} at {preview.url}")
    click.echo(f"{preview.watching()} (Ctrl+C to stop)")
    if open_browser:
        webbrowser.open(preview.url)
    try:
        with stop_on_sigterm():
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    click.echo("Stopped.")
    return 0
