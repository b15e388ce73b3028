"""The preview server: path safety and Host checks as tables, then a real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from digest.build import BuildOptions
from digest.errors import ConfigError, Problem
from digest.search_index import shard_of
from digest.serve import (
    LIVE_PREFIX,
    Found,
    Preview,
    Redirect,
    Refused,
    Snapshot,
    host_allowed,
    inject,
    live_snippet,
    locate,
)
from digest.watch import Outcome
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, run_cli
from tests.test_session import fresh_build_differences, indexed_text

CONFIG = BASIC_CONFIG + "search: false\n"


def article(title: str, slug: str, body: str = "Перший абзац.", date: str = "2026-02-11") -> str:
    return (
        f"---\ntitle: {title}\ndate: {date} 10:00\nslug: {slug}\ntags: [economy]\n---\n\n{body}\n"
    )


FILES = {
    "content/2026/budget.md": article("Бюджет ухвалили", "budget", "Депутати проголосували."),
    "content/2026/grid.md": article("Енергосистема стабільна", "grid", "Світло є."),
}


# Which file a URL means: a table of attacks --------------------------------------------


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paths")
    out = root / "_site"
    for rel in ("index.html", "2026/02/11/index.html", "static/style.css", ".digest-manifest.json"):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel)
    (root / "_site2").mkdir()
    (root / "_site2/secret.html").write_text("next door")  # `/out2` must not pass for `/out`
    (root / "secret.txt").write_text("outside")
    os.symlink("/etc", out / "etc-link")
    os.symlink(root / "secret.txt", out / "evil.html")
    os.symlink(root / "_site2", out / "sibling")
    os.symlink(out / "loop", out / "loop")
    os.symlink(out / "static", out / "assets")  # a symlink that stays inside is fine
    return out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/news/", "index.html"),
        ("/news/2026/02/11/", "2026/02/11/index.html"),
        ("/news/static/style.css", "static/style.css"),
        ("/news/assets/style.css", "static/style.css"),
        ("/news/2026/02/11", Redirect("/news/2026/02/11/")),
        ("/news", Redirect("/news/")),
        ("/", Redirect("/news/")),
        ("/news/static/style.css/", 404),
        ("/news/2026/02/12/", 404),
        ("/elsewhere/index.html", 404),  # only the base path exists, as on GitHub Pages
        ("/news/../etc/passwd", 400),
        ("/news/2026/../../../etc/passwd", 400),
        ("/news/%2e%2e/%2e%2e/etc/passwd", 400),
        ("/news/%2E%2E/%2E%2E/etc/passwd", 400),
        ("/news/..%2f..%2fetc/passwd", 400),
        ("/news/..%2F..%2Fetc%2Fpasswd", 400),
        ("/news/..%5c..%5cetc%5cpasswd", 400),  # backslashes
        ("/news/..\\..\\etc\\passwd", 400),
        ("/news/index.html%00.css", 400),  # encoded NUL
        ("/news/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", 400),  # overlong UTF-8 dots
        ("/news/%ff", 400),
        ("/news/a%09b", 400),
        ("/news//etc/passwd", 400),
        ("//etc/passwd", 404),
        ("/news/./index.html", 400),
        ("/news/%252e%252e/etc/passwd", 404),  # decoded once: a file named %2e%2e
        ("/news/.digest-manifest.json", 404),  # hidden files
        ("/news/etc-link/passwd", 404),  # symlinks that lead out
        ("/news/evil.html", 404),
        ("/news/sibling/secret.html", 404),
        ("/news/loop/", 404),
        ("/news/" + "a" * 300, 414),  # overlong paths
        ("/news/" + "a/" * 1100, 414),
        ("http://evil.example/news/", 400),  # absolute-form target
        ("news/", 400),
    ],
)
def test_path_safety(out: Path, raw: str, expected: str | int | Redirect) -> None:
    found = locate(out, "/news/", raw)
    if isinstance(expected, str):
        assert found == Found((out / expected).resolve())
    elif isinstance(expected, int):
        assert isinstance(found, Refused) and found.status == expected, found
    else:
        assert found == expected


def test_site_at_the_root_and_redirects_never_leave_the_server(out: Path) -> None:
    assert locate(out, "/", "/") == Found((out / "index.html").resolve())
    assert locate(out, "/", "/2026/02/11") == Redirect("/2026/02/11/")
    assert isinstance(locate(out, "/", "//evil.example/"), Refused)  # no open redirect


@pytest.mark.parametrize(
    ("host", "bound", "allowed"),
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("LOCALHOST", "127.0.0.1", True),
        ("localhost.:8000", "127.0.0.1", True),
        ("[::1]:8000", "::1", True),
        ("192.168.1.20:8000", "0.0.0.0", True),  # an address cannot be rebound
        ("preview.lan:8000", "preview.lan", True),  # the name it was asked to bind
        ("evil.example:8000", "127.0.0.1", False),  # DNS rebinding
        ("evil.example", "127.0.0.1", False),
        ("127.0.0.1.nip.io:8000", "127.0.0.1", False),
        ("localhost.evil.example", "127.0.0.1", False),
        ("", "127.0.0.1", False),
        (None, "127.0.0.1", False),
        ("[::1", "127.0.0.1", False),
        ("a:b:c", "127.0.0.1", False),
    ],
)
def test_host_header(host: str | None, bound: str, allowed: bool) -> None:
    assert host_allowed(host, bound) is allowed


def test_injection_goes_before_the_last_body_end_and_cannot_break_out() -> None:
    problem = Problem("content/a.md", 3, "title: </script><script>alert(1)</script>")
    snippet = live_snippet(Snapshot(1, "x-1", False, (problem,)))
    assert b"</script><script>alert" not in snippet
    page = b"<html><body><p>&lt;/body&gt;</p></BODY></html>"
    injected = inject(page, snippet)
    assert injected == b"<html><body><p>&lt;/body&gt;</p>" + snippet + b"</BODY></html>"
    assert inject(b"<p>no body", snippet) == b"<p>no body" + snippet
    data = snippet.split(b">", 1)[1].split(b"</script>", 1)[0]
    assert json.loads(data)["problems"][0]["line"] == 3


# A real server on 127.0.0.1 ------------------------------------------------------------


class Recorder:
    """Keeps what the terminal would show, for assertions."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.notices: list[str] = []

    def built(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    def notice(self, text: str) -> None:
        self.notices.append(text)


@pytest.fixture
def preview(make_site: MakeSite) -> Iterator[Preview]:
    site = make_site(FILES, config=CONFIG)
    with Preview(
        site, BuildOptions(now=NOW), reporter=Recorder(), port=0, ping_seconds=0.2
    ) as running:
        yield running


def get(
    preview: Preview, path: str, host: str | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.server.port, timeout=10)
    headers = {"Host": host} if host is not None else {}
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, dict(response.getheaders()), body


def wait_for(preview: Preview, ok: Callable[[Snapshot], bool], timeout: float = 10.0) -> Snapshot:
    """The first state that passes ok; fails the test if none comes within timeout."""
    give_up = time.monotonic() + timeout
    snapshot = preview.live.current()
    while not ok(snapshot):
        assert time.monotonic() < give_up, f"state never came; last: {snapshot}"
        snapshot = preview.live.wait_after(snapshot.seq, 0.2)
    return snapshot


def test_pages_are_served_under_the_base_path_with_the_reload_script(preview: Preview) -> None:
    assert preview.url == f"http://127.0.0.1:{preview.server.port}/news/"
    status, headers, body = get(preview, "/news/2026/02/11/budget/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert "Депутати проголосували." in body
    assert f'<script src="{LIVE_PREFIX}live.js"></script></body>' in body
    built = preview.server.out_dir / "2026/02/11/budget/index.html"
    assert "digest-live" not in built.read_text(encoding="utf-8")  # only in what is served
    status, headers, css = get(preview, "/news/static/style.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "digest-live" not in css
    assert get(preview, "/news/2026/02/11")[:2][0] == 301
    assert get(preview, "/news/2026/02/11")[1]["Location"] == "/news/2026/02/11/"
    status, headers, body = get(preview, "/news/2026/02/11/budget/", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 0
    status, _, script = get(preview, f"{LIVE_PREFIX}live.js")
    assert status == 200 and "EventSource" in script


def test_missing_page_is_404_with_the_sites_404_page(preview: Preview) -> None:
    status, _, body = get(preview, "/news/2026/02/11/nothing-here/")
    assert status == 404
    assert (preview.server.out_dir / "404.html").read_text(encoding="utf-8")[:200] in body
    assert "digest-live" in body  # the overlay works on a 404 too
    assert get(preview, "/news/%2e%2e/%2e%2e/etc/passwd")[0] == 400


def test_foreign_host_header_is_refused(preview: Preview) -> None:
    status, _, body = get(preview, "/news/", host="evil.example:8000")
    assert status == 400 and "Host" in body
    assert get(preview, "/news/", host=f"localhost:{preview.server.port}")[0] == 200


def test_edit_rebuilds_and_a_bad_edit_keeps_the_last_good_build(preview: Preview) -> None:
    site = preview.site_dir
    first = preview.live.current()
    (site / "content/2026/budget.md").write_text(
        article("Бюджет ухвалили", "budget", "Нова редакція тексту."), encoding="utf-8"
    )
    edited = wait_for(preview, lambda s: s.site != first.site)
    assert "Нова редакція тексту." in get(preview, "/news/2026/02/11/budget/")[2]
    assert edited.problems == () and not edited.failed

    (site / "themes/default/templates").mkdir(parents=True)
    (site / "themes/default/templates/article.html").write_text("{% block %}\n")
    failed = wait_for(preview, lambda s: s.failed)
    assert failed.site == edited.site  # nothing changed on disk: tabs are not reloaded
    [problem] = failed.problems
    assert problem.path.endswith("templates/article.html") and problem.line == 1
    status, _, body = get(preview, "/news/2026/02/11/budget/")
    assert status == 200 and "Нова редакція тексту." in body  # the last good build
    assert '"failed": true' in body

    (site / "themes/default/templates/article.html").unlink()
    fixed = wait_for(preview, lambda s: not s.failed)
    assert fixed.problems == ()
    recorder = preview.reporter
    assert isinstance(recorder, Recorder)
    assert [o.failed for o in recorder.outcomes][-1] is False


def test_body_title_broken_and_deleted_articles_reach_the_served_pages(
    make_site: MakeSite,
) -> None:
    long_read = article("Бюджет ухвалили", "budget", "Депутати проголосували.\n\nДругий абзац.")
    site = make_site({**FILES, "content/2026/budget.md": long_read}, config=CONFIG)
    source = site / "content/2026/budget.md"
    recorder = Recorder()
    with Preview(
        site, BuildOptions(now=NOW), reporter=recorder, port=0, ping_seconds=0.2
    ) as preview:

        def save(text: str) -> Snapshot:
            before = preview.live.current()
            source.write_text(text, encoding="utf-8")
            return wait_for(preview, lambda s: s.seq != before.seq and s.site != before.site)

        # Below the summary, the body is the article page's alone: one page made again.
        save(long_read.replace("Другий абзац.", "Другий абзац, виправлений."))
        assert "Другий абзац, виправлений." in get(preview, "/news/2026/02/11/budget/")[2]
        quick = recorder.outcomes[-1].result
        assert quick is not None and (quick.parsed, quick.rendered) == (1, 1)
        assert "Другий абзац" not in get(preview, "/news/2026/02/11/")[2]

        # A new title is on the article's page at once (fast render), then, after the
        # whole build that follows, on the day page and the home page.
        save(long_read.replace("Бюджет ухвалили", "Бюджет змінили"))
        assert "<title>Бюджет змінили" in get(preview, "/news/2026/02/11/budget/")[2]
        wait_until(lambda: any(o.catch_up for o in recorder.outcomes))
        assert "Бюджет змінили" in get(preview, "/news/2026/02/11/")[2]
        assert "Бюджет змінили" in get(preview, "/news/")[2]

        # A broken article is left out with a message naming it; the rest is served.
        broken = save(long_read.replace("date: 2026-02-11 10:00", "date: 11/02"))
        assert not broken.failed
        assert [p.path for p in broken.problems] == ["content/2026/budget.md"]
        assert get(preview, "/news/2026/02/11/budget/")[0] == 404
        assert get(preview, "/news/2026/02/11/grid/")[0] == 200

        save(long_read)
        assert "Другий абзац." in get(preview, "/news/2026/02/11/budget/")[2]
        before = preview.live.current()
        source.unlink()
        wait_for(preview, lambda s: s.site != before.site)
        assert get(preview, "/news/2026/02/11/budget/")[0] == 404
        assert "Бюджет" not in get(preview, "/news/2026/02/11/")[2]


def wait_until(ok: Callable[[], bool], timeout: float = 20.0) -> None:
    give_up = time.monotonic() + timeout
    while not ok():
        assert time.monotonic() < give_up, "it never happened"
        time.sleep(0.02)


def served_lemma(preview: Preview, lemma: str) -> list[object] | None:
    """The search index's entry for lemma, as a browser fetches it from the preview."""
    status, _, meta = get(preview, "/news/search/index/meta.json")
    assert status == 200
    shard = shard_of(lemma, json.loads(meta)["shards"])
    status, _, terms = get(preview, f"/news/search/index/t/{shard}.json")
    assert status == 200
    found: list[object] | None = json.loads(terms).get(lemma)
    return found


@pytest.mark.slow
def test_the_search_index_follows_the_reload(make_site: MakeSite) -> None:
    """The page reloads as soon as it is rebuilt; the search index is made right after."""
    site = make_site(FILES, config=BASIC_CONFIG.replace("search: false", "search: true"))
    recorder = Recorder()
    with Preview(site, BuildOptions(now=NOW), reporter=recorder, port=0) as preview:
        first = preview.live.current()
        (site / "content/2026/budget.md").write_text(
            article("Бюджет ухвалили", "budget", "Зебрагусак у тексті."), encoding="utf-8"
        )
        wait_for(preview, lambda s: s.site != first.site)
        assert "Зебрагусак у тексті." in get(preview, "/news/2026/02/11/budget/")[2]
        give_up = time.monotonic() + 20
        while served_lemma(preview, "зебрагусак") is None:
            assert time.monotonic() < give_up, "the search index never caught up with the edit"
            time.sleep(0.05)
        assert served_lemma(preview, "зебрагусак") == ["зебрагусак", [2]]  # one story, body
        assert "Зебрагусак" in indexed_text(site)
        assert preview.live.current().site != first.site
        # The new first paragraph is the summary: the whole build follows the index.
        wait_until(lambda: len(recorder.outcomes) == 3)
    # One line in the terminal per save and one for the whole build after it; the index's
    # own work is not reported.
    assert [(o.changes != frozenset(), o.catch_up) for o in recorder.outcomes] == [
        (False, False), (True, False), (False, True)
    ]  # fmt: skip


def test_event_stream_tells_tabs_and_lets_go_of_vanished_ones(preview: Preview) -> None:
    sock = socket.create_connection(("127.0.0.1", preview.server.port), timeout=10)
    sock.sendall(f"GET {LIVE_PREFIX}events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    received = b""
    while b"event: state" not in received or not received.endswith(b"\n\n"):
        received += sock.recv(4096)
    assert b"text/event-stream" in received
    state = json.loads(received.split(b"data: ", 1)[1].split(b"\n", 1)[0])
    site = preview.live.current().site
    assert state == {"site": site, "failed": False, "moved": [], "problems": []}
    assert preview.live.clients == 1
    sock.close()  # the tab went away without a word
    give_up = time.monotonic() + 10
    while preview.live.clients:
        assert time.monotonic() < give_up, "the stream of a closed tab was never cleaned up"
        time.sleep(0.05)


def test_no_reload_serves_plain_files(make_site: MakeSite) -> None:
    site = make_site(FILES, config=CONFIG)
    with Preview(site, BuildOptions(now=NOW), reporter=Recorder(), port=0, reload=False) as p:
        status, _, body = get(p, "/news/2026/02/11/budget/")
        assert status == 200 and "digest-live" not in body
        assert get(p, f"{LIVE_PREFIX}events")[0] == 404


def test_bad_site_yaml_at_start_is_an_error_not_a_server(make_site: MakeSite) -> None:
    site = make_site(FILES, config="per_page: many\n")
    with pytest.raises(ConfigError):
        Preview(site, reporter=Recorder(), port=0).start()
    result = run_cli("serve", "-s", str(site), "--port", "0")
    assert result.exit_code == 1
    assert "error: site.yaml:1: per_page" in result.stderr
    assert "Not serving" in result.stderr


def test_port_in_use_is_a_clear_error(make_site: MakeSite) -> None:
    site = make_site(FILES, config=CONFIG)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "-s", str(site), "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_serve_help_lists_its_flags() -> None:
    result = run_cli("serve", "--help")
    for flag in ("--host", "--port", "--open", "--no-reload", "--poll"):
        assert flag in result.output
    assert "--watch" in run_cli("build", "--help").output


@pytest.mark.slow
def test_a_new_title_is_served_at_once_and_a_later_save_never_waits_for_the_whole_build(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A retitled article's page is live at its new address before the whole build; a
    save landing during that build makes it give way (its own page goes live at once), and
    one whole build follows both. Then the site is what `digest build` writes."""
    from digest import build as build_module

    held = threading.Event()
    original = build_module._Run.post_write

    def slow_post_write(run: build_module._Run, *args: Any) -> Any:
        if not held.is_set():  # the first whole build after the fast render: hold it
            held.set()
            give_up = time.monotonic() + 20
            while not run.session.cancelled() and time.monotonic() < give_up:
                time.sleep(0.01)
        return original(run, *args)

    no_slug = "---\ntitle: {}\ndate: 2026-02-11 10:00\ntags: [economy]\n---\n\nТекст.\n"
    files = {**FILES, "content/2026/port.md": no_slug.format("Порт відкрили")}
    site = make_site(files, config=BASIC_CONFIG.replace("search: false", "search: true"))
    recorder = Recorder()
    with Preview(site, BuildOptions(now=NOW), reporter=recorder, port=0) as preview:
        monkeypatch.setattr(build_module._Run, "post_write", slow_post_write)
        first = preview.live.current()
        saved = time.monotonic()
        (site / "content/2026/port.md").write_text(
            no_slug.format("Порт закрили на зебрагусака"), encoding="utf-8"
        )
        fast = wait_for(preview, lambda s: s.site != first.site)
        assert fast.moved == (
            ("/news/2026/02/11/port-vidkryly/", "/news/2026/02/11/port-zakryly-na-zebrahusaka/"),
        )
        status, _, page = get(preview, "/news/2026/02/11/port-zakryly-na-zebrahusaka/")
        assert status == 200 and "<title>Порт закрили на зебрагусака" in page
        assert time.monotonic() - saved < 10  # not waiting for the held whole build
        wait_until(lambda: served_lemma(preview, "зебрагусак") is not None)

        assert held.wait(20)  # the whole build is under way, held: save again
        (site / "content/2026/budget.md").write_text(
            article("Бюджет змінили", "budget", "Депутати проголосували."), encoding="utf-8"
        )
        wait_until(lambda: any(o.result and o.result.parsed == 1 for o in recorder.outcomes[2:]))
        assert "<title>Бюджет змінили" in get(preview, "/news/2026/02/11/budget/")[2]
        assert not any(o.catch_up for o in recorder.outcomes)  # the held build gave way
        wait_until(lambda: any(o.catch_up for o in recorder.outcomes))
        home = get(preview, "/news/")[2]
        assert "Порт закрили на зебрагусака" in home and "Бюджет змінили" in home
        wait_until(lambda: not preview.options.session.pending)  # type: ignore[union-attr]
    assert [o.catch_up for o in recorder.outcomes].count(True) == 1
    verified = run_cli("build", "-s", str(site), "--verify")
    assert verified.exit_code == 0, verified.output
    assert fresh_build_differences(site, tmp_path) == []
