"""Time `digest fetch` on N feeds of M items served from loopback (127.0.0.1, port 0).

    python bench/fetch_bench.py [--feeds 50] [--items 50] [--repeat 3]

Three runs in fresh processes (`python -m digest fetch -q`), each the median of --repeat:
the first (every item new: N x M files written), a second against a server that answers
conditional GETs with 304, and a second against one that ignores them (every feed parsed
again, nothing written). All feeds are on one host, so digest fetches them one at a time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.feedserver import FeedServer, Route, serving  # noqa: E402
from tests.fetch_feeds import many_items  # noqa: E402

BODY = (
    "Уряд ухвалив рішення про пʼятий пакет допомоги, а прем’єр Польщі приїхав до Києва. "
    "Сторони обговорили кордон, енергетику і відновлення шкіл. "
) * 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with serving() as server:
        for f in range(args.feeds):
            server.routes[f"/feed/{f}"] = Route(
                many_items(args.items, host=f"https://outlet{f}.example.ua", body=BODY).encode(),
                etag=f'"feed-{f}"',
            )
        first, second, unconditional = [], [], []
        files = 0
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as work:
                site = make_site(Path(work), server, args.feeds)
                first.append(timed(site))
                files = len(list((site / "content").rglob("*.md")))
                second.append(timed(site))
                for route in server.routes.values():
                    route.etag = ""  # the server forgets validators: full answers again
                unconditional.append(timed(site))
                assert len(list((site / "content").rglob("*.md"))) == files
                for f, route in enumerate(server.routes.values()):
                    route.etag = f'"feed-{f}"'
                shutil.rmtree(site / "content")
    total = args.feeds * args.items
    print(
        f"digest fetch, {args.feeds} feeds x {args.items} items from loopback "
        f"({platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"median of {args.repeat}):"
    )
    print(f"- first run: {statistics.median(first):.2f} s ({files} of {total} files written)")
    print(f"- second run, 304 answers: {statistics.median(second):.2f} s (nothing written)")
    print(
        f"- second run, full answers: {statistics.median(unconditional):.2f} s "
        "(every feed parsed again, nothing written)"
    )


def make_site(root: Path, server: FeedServer, feeds: int) -> Path:
    (root / "content").mkdir()
    lines = ["title: Bench", "sources:"]
    for f in range(feeds):
        lines += [f"  outlet{f}:", f"    url: {server.url(f'/feed/{f}')}"]
    (root / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def timed(site: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "digest", "fetch", "-q", "-s", str(site)],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
