"""Edit-to-reload latency of `digest serve`: save an article, time until the tab has it.

    .venv/bin/python bench/serve_latency.py [SITE] [--edits 10] [--browser] [--no-search]
                                            [--summary]

Copies SITE (default: this repository's example site) to a temporary folder, starts the
preview there on a free port and edits one article N times. For each edit it prints:

    event   save -> the reload event reaches a listening tab (what the server controls)
    page    save -> the rebuilt page, fetched as the reloading tab would
    build   how long build() itself took, from the preview's own report
    search  save -> the search index served has the new word (polled every 20 ms)
    browser save -> the new text is on screen in Chromium (with --browser)

and the median of each. Each edit adds a paragraph at the end of the body, the usual edit
while writing (only the article's page and the feeds change); `--summary` edits the
summary in the front matter instead, which changes the day, home and topic pages too.
`--no-search` sets `search: false` in the copy, to show what the search index costs.
`--overlap` saves again 50 ms after each page was served, while the search index of the
previous save is still being made: the page column then shows whether saves wait for it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digest.build import BuildOptions  # noqa: E402
from digest.search_index import INDEX_DIR, shard_of  # noqa: E402
from digest.serve import LIVE_PREFIX, Preview  # noqa: E402
from digest.watch import Outcome  # noqa: E402


class Timings:
    """Records the preview's rebuilds (the reporter) and the reload events a tab would get."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.events: list[tuple[float, str]] = []  # (arrival, site version)
        self.arrived = threading.Condition()

    def built(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def notice(self, text: str) -> None:
        print(text, file=sys.stderr)

    def listen(self, port: int) -> None:
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(f"GET {LIVE_PREFIX}events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        buffer = b""
        while chunk := sock.recv(65536):
            buffer += chunk
            while b"\n\n" in buffer:
                message, buffer = buffer.split(b"\n\n", 1)
                for line in message.split(b"\n"):
                    if line.startswith(b"data: "):
                        site = json.loads(line[6:])["site"]
                        with self.arrived:
                            self.events.append((time.perf_counter(), site))
                            self.arrived.notify_all()

    def first_new_site(self, since: int, site: str, timeout: float = 120.0) -> float:
        """When the first event after events[since] with a site other than `site` came."""

        def new() -> list[tuple[float, str]]:
            return [e for e in self.events[since:] if e[1] != site]

        with self.arrived:
            if not self.arrived.wait_for(new, timeout):
                raise TimeoutError("no reload event")
            return new()[0][0]


def fetch(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    body = conn.getresponse().read().decode("utf-8", "replace")
    conn.close()
    return body


def findable(port: int, base: str, word: str, timeout: float = 120.0) -> float:
    """When the served index first lists `word` (a number: its own lemma)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            meta = json.loads(fetch(port, f"{base}{INDEX_DIR}/meta.json"))
            shard = json.loads(
                fetch(port, f"{base}{INDEX_DIR}/t/{shard_of(word, meta['shards'])}.json")
            )
            if word in shard:
                return time.perf_counter()
        except ValueError:
            pass  # a file replaced while read
        time.sleep(0.02)
    raise TimeoutError(f"{word} never reached the search index")


def copy_site(site: Path, into: Path, search: bool) -> Path:
    target = into / "site"
    target.mkdir()
    config = (site / "site.yaml").read_text(encoding="utf-8")
    if not search:
        config += "\nsearch: false\n"
    (target / "site.yaml").write_text(config, encoding="utf-8")
    for folder in ("content", "themes"):
        if (site / folder).is_dir():
            shutil.copytree(site / folder, target / folder)
    return target


def _median(values: tuple[float, ...]) -> float:
    timed = [v for v in values if v == v]  # nan: not timed
    return statistics.median(timed) if timed else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also time Chromium")
    parser.add_argument("--no-search", action="store_true", help="set search: false")
    parser.add_argument("--summary", action="store_true", help="edit the summary, not the body")
    parser.add_argument(
        "--overlap",
        action="store_true",
        help="save again 50 ms after each page, while the search index is being made "
        "(search timed only for the last save)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="digest-latency-") as tmp:
        site = copy_site(args.site.resolve(), Path(tmp), search=not args.no_search)
        timings = Timings()
        started = time.perf_counter()
        with Preview(site, BuildOptions(), reporter=timings, port=0) as preview:
            first = timings.outcomes[0]
            assert first.result is not None, first.problems
            print(f"first build: {first.result.summary()} ({time.perf_counter() - started:.2f} s)")
            story = first.result.site.articles[0]  # the newest: what an editor works on
            source = site / story.path
            rel = story.path
            page_path = preview.server.base_path + story.url
            threading.Thread(
                target=timings.listen, args=(preview.server.port,), daemon=True
            ).start()
            while not timings.events:
                time.sleep(0.01)

            tab = None
            if args.browser:
                from playwright.sync_api import sync_playwright

                from tests.conftest import CHROMIUM, CHROMIUM_ARGS

                playwright = sync_playwright().start()
                chromium = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                tab = chromium.new_page()
                tab.goto(preview.url + story.url)

            rows = []
            original = source.read_text(encoding="utf-8")
            print(f"editing {rel} -> {page_path}")
            print("  edit   event ms   page ms  build ms search ms  browser ms")
            for n in range(1, args.edits + 1):
                token = str(time.time_ns())
                marker = f"Latency marker {n} {token}."
                site_before = timings.events[-1][1]
                events_before = len(timings.events)
                builds_before = len(timings.outcomes)
                saved = time.perf_counter()
                if args.summary:
                    edited = original.replace('\nsummary: "', f'\nsummary: "{marker} ', 1)
                    assert edited != original, f"{rel} has no summary: in its front matter"
                else:
                    edited = f"{original}\n\n{marker}\n"
                source.write_text(edited, encoding="utf-8")
                event_at = timings.first_new_site(events_before, site_before)
                body = fetch(preview.server.port, page_path)
                page_at = time.perf_counter()
                assert marker in body, "the page after the reload event lacks the edit"
                browser_ms = float("nan")
                if tab is not None:
                    tab.get_by_text(marker).wait_for(timeout=120_000)
                    browser_ms = (time.perf_counter() - saved) * 1000
                search_ms = float("nan")
                if not args.no_search and (not args.overlap or n == args.edits):
                    base = preview.server.base_path
                    search_ms = (findable(preview.server.port, base, token) - saved) * 1000
                build_ms = sum(o.seconds for o in timings.outcomes[builds_before:]) * 1000
                row = (
                    (event_at - saved) * 1000,
                    (page_at - saved) * 1000,
                    build_ms,
                    search_ms,
                    browser_ms,
                )
                rows.append(row)
                print(
                    f"  {n:4d} {row[0]:9.0f} {row[1]:9.0f} {row[2]:9.0f} {row[3]:9.0f}"
                    f" {row[4]:11.0f}"
                )
                time.sleep(0.05 if args.overlap else 0.3)  # the tab settles between saves
            medians = [_median(col) for col in zip(*rows, strict=True)]
            print(
                "median {:9.0f} {:9.0f} {:9.0f} {:9.0f} {:11.0f}".format(*medians)
                + f"   ({len(first.result.site.articles)} articles)"
            )
            if tab is not None:
                chromium.close()
                playwright.stop()


if __name__ == "__main__":
    main()
