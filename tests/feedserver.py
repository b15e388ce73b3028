"""A feed server on 127.0.0.1 (port 0) in a thread, for fetch tests and the fetch benchmark:
routes answer with what the test says, honour conditional GETs and log every request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""  # answers 304 to a matching If-None-Match
    last_modified: str = ""  # answers 304 to an equal If-Modified-Since
    delay: float = 0.0  # seconds before answering
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]  # names lowercased
    status: int


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}  # host -> requests being answered now
        self.most_at_once = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server.lock:
                    route = server.routes.get(self.path)
                    server.active["all"] = server.active.get("all", 0) + 1
                    server.most_at_once = max(server.most_at_once, server.active["all"])
                self.counted = True
                try:
                    status = self._answer(route)
                finally:
                    self._done()
                    with server.lock:
                        server.hits.append(
                            Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, status)
                        )

            def _done(self) -> None:
                # Counted out before the body is written: the client may read it and ask
                # again before this thread runs on, which is not two requests at once.
                if self.counted:
                    self.counted = False
                    with server.lock:
                        server.active["all"] -= 1

            def _answer(self, route: Route | None) -> int:
                if route is None:
                    self._send(404, {"Content-Type": "text/html"}, b"<h1>Not found</h1>")
                    return 404
                if route.delay:
                    time.sleep(route.delay)
                validators = {}
                if route.etag:
                    validators["ETag"] = route.etag
                if route.last_modified:
                    validators["Last-Modified"] = route.last_modified
                if route.status == 200 and (
                    (route.etag and self.headers.get("If-None-Match") == route.etag)
                    or (
                        route.last_modified
                        and not route.etag
                        and self.headers.get("If-Modified-Since") == route.last_modified
                    )
                ):
                    self._send(304, validators, b"")
                    return 304
                self._send(
                    route.status,
                    {"Content-Type": route.content_type, **validators, **route.headers},
                    route.body,
                )
                return route.status

            def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self._done()
                if body:
                    with suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits_of(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]


@contextmanager
def serving() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
