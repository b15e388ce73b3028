"""Load: 200 concurrent clients read pages from `digest serve` for 10 s while it rebuilds."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import MakeSite
from tests.test_serve import CONFIG, FILES, article

CLIENTS = 200
SECONDS = 10.0
PAGES = (
    "",
    "2026/02/11/",
    "2026/02/11/budget/",
    "2026/02/11/grid/",
    "tags/economy/",
    "static/style.css",
    "feed.xml",
    "2026/02/11/no-such-page/",  # a 404 is an answer too, not an error
)


def status_of(pid: int) -> dict[str, int]:
    """VmRSS (kB) and Threads of a process, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            found[key] = int(value.split()[0])
    return found


@pytest.mark.slow
def test_200_clients_for_10_seconds_while_rebuilding(make_site: MakeSite) -> None:
    site = make_site(FILES, config=CONFIG)
    command = [sys.executable, "-m", "digest", "serve", "-s", str(site), "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert server.stdout is not None
    while not (line := server.stdout.readline()).startswith("Serving "):
        assert line, "the server ended before it served"
    url = urlsplit(line.split(" at ")[1].strip())
    assert url.hostname == "127.0.0.1" and url.port
    port = url.port

    stop = threading.Event()
    errors: list[str] = []
    counts = [0] * CLIENTS

    def client(number: int) -> None:
        conn: http.client.HTTPConnection | None = None
        n = number
        while not stop.is_set():
            page = PAGES[n % len(PAGES)]
            n += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", url.path + page)
                response = conn.getresponse()
                body = response.read()
                expected = 404 if "no-such" in page else 200
                if response.status != expected or not body:
                    errors.append(f"{page}: {response.status}, {len(body)} bytes")
                counts[number] += 1
            except (OSError, http.client.HTTPException) as e:
                errors.append(f"{page}: {e!r}")
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    samples: list[dict[str, int]] = []
    edits = 0
    try:
        for thread in threads:
            thread.start()
        started = time.monotonic()
        while time.monotonic() - started < SECONDS:
            edits += 1
            (site / "content/2026/budget.md").write_text(
                article("Бюджет ухвалили", "budget", f"Правка номер {edits}."), encoding="utf-8"
            )
            time.sleep(0.25)
            samples.append(status_of(server.pid))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    # The last edit reaches the page: the server rebuilt under load, not just served.
    give_up = time.monotonic() + 20
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url.path + "2026/02/11/budget/")
        body = conn.getresponse().read().decode()
        conn.close()
        if f"Правка номер {edits}." in body:
            break
        assert time.monotonic() < give_up, "the last edit never reached the page"
        time.sleep(0.05)

    after = status_of(server.pid)
    server.send_signal(signal.SIGTERM)
    out, err = server.communicate(timeout=30)
    rebuilds = out.count(" changed: ")
    rss = [s["VmRSS"] for s in samples]
    print(
        f"\n{sum(counts)} requests by {CLIENTS} clients in {SECONDS:.0f} s, {rebuilds} rebuilds; "
        f"server RSS {rss[0] // 1024}-{max(rss) // 1024} MB, "
        f"threads up to {max(s['Threads'] for s in samples)}, {after['Threads']} after"
    )
    assert errors == [], errors[:10]
    assert min(counts) > 0  # every client was served
    assert rebuilds >= 3
    assert server.returncode == 0, err
    assert max(rss) - rss[0] < 100 * 1024  # memory stays bounded under load (kB)
    assert max(s["Threads"] for s in samples) <= CLIENTS + 20  # one thread per connection
    assert after["Threads"] <= 20  # and each let go once its client left
