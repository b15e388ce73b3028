"""Edit-to-reload latency of `digest serve`: save an article, time until the tab has it.

    .venv/bin/python bench/serve_latency.py [SITE] [--edits 10] [--browser] [--no-search]
                                            [--kinds body,title,summary,new] [--overlap]

Copies SITE (default: this repository's example site) to a temporary folder, starts the
preview there on a free port and, for each kind of edit, saves N times. For each save:

    event   save -> the reload event reaches a listening tab (what the server controls)
    page    save -> the edited page, fetched (at its new address, if it moved) as the
            reloading tab would
    build   how long the preview's build of the save took, from its own report
    search  save -> the search index served has the new word (polled every 20 ms)
    whole   save -> the whole build that follows a fast render is live (every page has
            the edit); for a body edit nothing follows
    browser save -> the new text is on screen in Chromium (with --browser)

and the median of each. The kinds: `body` adds a paragraph at the end of the body (only
the article's page and the feeds change); `title` adds a word to the title (its address,
day, home and topic pages change); `summary` edits the summary in the front matter; `new`
adds an article on the newest day. Each save starts when the previous one is settled (index
and whole build done), unless `--overlap`: then the next save comes 50 ms after each page
was served, while the previous save's index and whole build are under way, and the page
column shows whether saves wait for them. `--no-search` sets `search: false` in the copy.
`--summary` is `--kinds summary` (as before).
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
from digest.slugs import slugify  # noqa: E402
from digest.watch import Outcome, owes_build  # noqa: E402


class Timings:
    """Records the preview's rebuilds (the reporter) and the reload events a tab would get."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.arrivals: list[float] = []  # when each outcome was reported
        self.events: list[tuple[float, str]] = []  # (arrival, site version)
        self.arrived = threading.Condition()

    def built(self, outcome: Outcome) -> None:
        self.arrivals.append(time.perf_counter())
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


KINDS = ("body", "title", "summary", "new")


def edited_text(kind: str, original: str, title: str, marker: str, token: str) -> str:
    if kind == "body":
        return f"{original}\n\n{marker}\n"
    if kind == "summary":
        edited = original.replace('\nsummary: "', f'\nsummary: "{marker} ', 1)
        assert edited != original, "the article has no summary: in its front matter"
        return edited
    if kind == "title":
        edited = original.replace(f'title: "{title}"', f'title: "{title} {token}"', 1)
        assert edited != original, 'the article\'s title is not written as title: "..."'
        return edited
    raise ValueError(kind)


def settle(preview: Preview, timeout: float = 300.0) -> None:
    """Wait until the preview owes nothing: no index to make, no whole build to run."""
    session = preview.options.session
    assert session is not None
    give_up = time.perf_counter() + timeout
    while session.pending is not None or owes_build(session) or not preview.live.wait_idle(0):
        if time.perf_counter() > give_up:
            raise TimeoutError("the preview never settled")
        time.sleep(0.05)
    time.sleep(0.3)  # the tab settles too


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also time Chromium")
    parser.add_argument("--no-search", action="store_true", help="set search: false")
    parser.add_argument("--kinds", default=",".join(KINDS), help="of " + ", ".join(KINDS))
    parser.add_argument("--summary", action="store_true", help="--kinds summary")
    parser.add_argument(
        "--overlap",
        action="store_true",
        help="save again 50 ms after each page, while the index and whole build are being made "
        "(search and whole timed only for the last save)",
    )
    args = parser.parse_args()
    kinds = ["summary"] if args.summary else [k for k in args.kinds.split(",") if k]
    assert set(kinds) <= set(KINDS), f"--kinds: one of {', '.join(KINDS)}"

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
            base = preview.server.base_path.rstrip("/") + "/"
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

            original = source.read_text(encoding="utf-8")
            print(f"editing {story.path} -> {base}{story.url}")
            summary = []
            for kind in kinds:
                print(f"{kind} edits")
                print("  edit   event ms   page ms  build ms search ms  whole ms  browser ms")
                rows = []
                settle(preview)
                if tab is not None:
                    tab.goto(preview.url + story.url)
                for n in range(1, args.edits + 1):
                    token = str(time.time_ns())
                    marker = f"Latency marker {n} {token}."
                    site_before = timings.events[-1][1]
                    events_before = len(timings.events)
                    builds_before = len(timings.outcomes)
                    url = story.url
                    if kind == "new":
                        title = f"Нова новина {n} {token}"
                        url = f"{story.day:%Y/%m/%d}/{slugify(title)}/"
                        marker = title
                        target = source.with_name(f"latency-new-{token}.md")
                        text = (
                            f'---\ntitle: "{title}"\n'
                            f"date: {story.moment:%Y-%m-%d %H:%M}\n---\n\nНовий текст.\n"
                        )
                    else:
                        target = source
                        text = edited_text(kind, original, story.title, marker, token)
                        if kind == "title":
                            marker = f"{story.title} {token}"
                            url = f"{story.day:%Y/%m/%d}/{slugify(marker)}/"
                    saved = time.perf_counter()
                    target.write_text(text, encoding="utf-8")
                    event_at = timings.first_new_site(events_before, site_before)
                    body = fetch(preview.server.port, base + url)
                    page_at = time.perf_counter()
                    assert marker in body, f"the page after the reload event lacks the {kind} edit"
                    browser_ms = float("nan")
                    if tab is not None:
                        if kind in ("title", "new"):
                            tab.goto(preview.url + url)
                        tab.get_by_text(marker).first.wait_for(timeout=120_000)
                        browser_ms = (time.perf_counter() - saved) * 1000
                    last = not args.overlap or n == args.edits
                    search_ms = float("nan")
                    if not args.no_search and last:
                        found_at = findable(preview.server.port, base, token)
                        search_ms = (found_at - saved) * 1000
                    whole_ms = float("nan")
                    if last and kind != "body":
                        settle(preview)
                        whole = [
                            at
                            for o, at in zip(timings.outcomes, timings.arrivals, strict=True)
                            if o.catch_up and at > saved
                        ]  # none: the save took the whole build itself
                        whole_ms = ((whole[-1] if whole else page_at) - saved) * 1000
                    build_ms = (timings.outcomes[builds_before].seconds) * 1000
                    row = (
                        (event_at - saved) * 1000,
                        (page_at - saved) * 1000,
                        build_ms,
                        search_ms,
                        whole_ms,
                        browser_ms,
                    )
                    rows.append(row)
                    print(
                        f"  {n:4d} {row[0]:9.0f} {row[1]:9.0f} {row[2]:9.0f} {row[3]:9.0f}"
                        f" {row[4]:9.0f} {row[5]:11.0f}"
                    )
                    if args.overlap:
                        time.sleep(0.05)
                    else:
                        settle(preview)
                if source.read_text(encoding="utf-8") != original:  # put back, and wait for it
                    site_before, events_before = timings.events[-1][1], len(timings.events)
                    source.write_text(original, encoding="utf-8")
                    timings.first_new_site(events_before, site_before)
                medians = [_median(col) for col in zip(*rows, strict=True)]
                print("median {:9.0f} {:9.0f} {:9.0f} {:9.0f} {:9.0f} {:11.0f}".format(*medians))
                summary.append((kind, medians))
            search = "off" if args.no_search else "on"
            overlap = ", overlapping saves" if args.overlap else ""
            articles = len(first.result.site.articles)
            print(f"\nmedians, {articles} articles, search {search}{overlap}:")
            print("| save | page ms | findable ms | whole build ms |")
            print("|---|---:|---:|---:|")
            for kind, medians in summary:
                print(f"| {kind} | {medians[1]:.0f} | {medians[3]:.0f} | {medians[4]:.0f} |")
            if tab is not None:
                chromium.close()
                playwright.stop()


if __name__ == "__main__":
    main()
