"""digest fetch against feeds served on 127.0.0.1: the files written, conditional requests,
failures and backoff, edits kept, publisher changes, a kill mid-fetch, the build round trip."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from digest.build import build
from digest.cli import main
from digest.config import load_config
from digest.fetch import STATE_FOLDER, FetchOptions, fetch_sources
from digest.fetch_state import MAX_BACKOFF
from digest.sources import ArticleReader
from tests import fetch_feeds as feeds
from tests.feedserver import FeedServer, Route, serving

UNIAN_FILE = (
    "content/unian/2026/11/2026-11-28-zelenskyi-zustrivsia-z-premierom-polshchi-u-kyievi.md"
)
UNIAN_TEXT = """---
title: "Зеленський зустрівся з прем’єром Польщі у Києві"
date: 2026-11-28 10:15:00 +02:00
source: "https://www.unian.ua/politics/zustrich.html?p=1"
author: "Олена Коваль"
tags: ["Політика", "Польща", "politics"]
summary: "Сторони обговорили п'ятий пакет допомоги."
lang: "uk"
image: "https://www.unian.ua/img/zustrich.jpg"
id: "unian-1001"
---

![Зеленський зустрівся з прем’єром Польщі у Києві](https://www.unian.ua/img/zustrich.jpg)

Президент **зустрівся** з [прем'єром](https://www.unian.ua/tag/poland) Польщі.

Сторони обговорили пʼятий пакет допомоги.
"""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serving() as s:
        yield s


def make_site(root: Path, server: FeedServer, sources: dict[str, str], extra: str = "") -> Path:
    """A site whose sources are `key: path on the server`, plus extra lines per source."""
    lines = ["title: Дайджест", "sources:"]
    for key, path in sources.items():
        lines += [f"  {key}:", f"    name: {key.upper()}", f"    url: {server.url(path)}"]
        if key == "unian":
            lines.append("    topics: [politics]")
        lines += [f"    {line}" for line in extra.splitlines() if line]
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def state_of(site: Path, key: str) -> dict[str, Any]:
    data = json.loads((site / ".digest-cache" / STATE_FOLDER / f"{key}.json").read_text())
    assert isinstance(data, dict)
    return data


def articles(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((site / "content").rglob("*"))
        if p.is_file()
    }


def serve_all_kinds(server: FeedServer) -> dict[str, str]:
    server.routes["/rss"] = Route(
        feeds.RSS.encode(), etag='"rss-1"', last_modified="Sat, 28 Nov 2026 10:20:00 GMT"
    )
    server.routes["/atom"] = Route(feeds.ATOM.encode(), content_type="application/atom+xml")
    server.routes["/json"] = Route(feeds.JSON_FEED.encode(), content_type="application/feed+json")
    # windows-1251 declared only in the XML prolog; the server says text/xml, no charset
    server.routes["/1251"] = Route(feeds.CP1251, content_type="text/xml")
    server.routes["/ns"] = Route(feeds.NAMESPACED.encode(), content_type="application/rdf+xml")
    server.routes["/twice"] = Route(feeds.DOUBLE_ESCAPED.encode())
    return {"unian": "/rss", "pravda": "/atom", "hromadske": "/json", "zah": "/1251",
            "ns": "/ns", "twice": "/twice"}  # fmt: skip


def test_every_kind_of_feed_becomes_article_files(tmp_path: Path, server: FeedServer) -> None:
    site = make_site(tmp_path, server, serve_all_kinds(server))
    result = fetch_sources(site)
    assert result.summary().startswith("Fetched 6 sources: 8 new, 0 changed, 0 failed in ")
    files = articles(site)
    assert files[UNIAN_FILE] == UNIAN_TEXT
    atom = files[
        "content/pravda/2026/11/2026-11-28-zustrich-u-kyievi-premier-polshchi-i-prezydent.md"
    ]
    assert 'title: "Зустріч у Києві: прем’єр Польщі і президент"' in atom
    assert "date: 2026-11-28 10:40:00 +02:00" in atom
    assert 'author: "Марія Ткачук"' in atom
    assert 'id: "urn:pravda:7001"' in atom
    assert "[вранці](https://www.pravda.com.ua/news/2026/11/28/7000/)" in atom
    json_file = files["content/hromadske/2026/11/2026-11-28-premier-polshchi-v-kyievi-holovne.md"]
    assert 'title: "Премʼєр Польщі в Києві: головне"' in json_file
    assert 'id: "https://hromadske.ua/posts/zustrich"' in json_file  # utm_campaign dropped
    assert "- Допомога\n- Кордон\n" in json_file
    cp1251 = files["content/zah/2026/11/2026-11-28-lviviany-zustrily-premiera-polshchi.md"]
    assert "title: \"Львів'яни зустріли прем'єра Польщі\"" in cp1251
    assert "Їхав через Львів — і зупинився на каву." in cp1251
    ns = files["content/ns/2026/11/2026-11-28-povnyi-tekst-u-yandex-full-text.md"]
    assert ns.endswith("\n\nНайповніший текст статті про зустріч. Другий абзац про кордон і "
                       "допомогу, довший за інші.\n")  # fmt: skip
    assert 'summary: "Лише анонс."' in ns
    twice = files["content/twice/2026/11/2026-11-28-podviine-ekranuvannia.md"]
    assert twice.endswith("---\n\nТекст з **жирним** словом.\n")
    assert 'id: "twice-1"' in twice and "date: 2026-11-28 07:00:00 +00:00" in twice
    untitled = files[
        "content/unian/2026/11/2026-11-28-ukrzaliznytsia-pryznachyla-dodatkovi-poizdy-do-lvova.md"
    ]
    assert 'title: "Укрзалізниця призначила додаткові поїзди до Львова."' in untitled
    assert "date: 2026-11-28 09:00:00 +03:00" in untitled  # EEST, a zone RFC 822 does not name
    shown = [str(w) for w in result.warnings]
    assert shown == [
        "sources.unian: https://www.unian.ua/society/bez-nazvy.html: no title; "
        "used the first sentence",
        "sources.unian: https://www.unian.ua/economics/stavka.html: no date; "
        "dated it by the fetch time",
    ]
    assert server.most_at_once == 1  # one host: one request at a time


def test_fetched_files_read_back_exactly_and_build(tmp_path: Path, server: FeedServer) -> None:
    site = make_site(tmp_path, server, serve_all_kinds(server))
    fetch_sources(site)
    config, _ = load_config(site)
    reader = ArticleReader(config)
    entry, problems = reader.read(site / UNIAN_FILE)
    assert problems == []
    assert entry.title == "Зеленський зустрівся з прем’єром Польщі у Києві"
    assert entry.date.isoformat() == "2026-11-28T10:15:00+02:00"
    assert entry.has_time
    assert entry.tags == ("Політика", "Польща", "politics")
    assert entry.summary == "Сторони обговорили п'ятий пакет допомоги."
    assert entry.source == "https://www.unian.ua/politics/zustrich.html?p=1"
    assert entry.author == "Олена Коваль"
    assert entry.lang == "uk"
    assert '<a href="https://www.unian.ua/tag/poland">прем\'єром</a>' in entry.body_html
    result = build(site)
    assert [str(w) for w in result.warnings] == []
    page = (config.output_dir / "2026/11/28").rglob("index.html")
    html = "".join(p.read_text(encoding="utf-8") for p in page)
    assert "Зеленський зустрівся з прем’єром Польщі у Києві" in html
    assert "Львів&#39;яни зустріли прем&#39;єра Польщі" in html


def test_second_run_writes_nothing_and_asks_conditionally(
    tmp_path: Path, server: FeedServer
) -> None:
    site = make_site(tmp_path, server, serve_all_kinds(server))
    fetch_sources(site)
    before = {p: (site / p).stat().st_mtime_ns for p in articles(site)}
    result = fetch_sources(site)
    assert result.summary().startswith("Fetched 6 sources: 0 new, 0 changed, 0 failed in ")
    assert {p: (site / p).stat().st_mtime_ns for p in articles(site)} == before
    first, second = server.hits_of("/rss")
    assert "if-none-match" not in first.headers
    assert second.headers["if-none-match"] == '"rss-1"'
    assert second.headers["if-modified-since"] == "Sat, 28 Nov 2026 10:20:00 GMT"
    assert second.status == 304
    assert second.headers["user-agent"].startswith("digest/")
    assert result.reports[0].outcome == "not modified"


def test_state_lost_duplicates_nothing(tmp_path: Path, server: FeedServer) -> None:
    site = make_site(tmp_path, server, serve_all_kinds(server))
    fetch_sources(site)
    before = articles(site)
    shutil.rmtree(site / ".digest-cache" / STATE_FOLDER)
    result = fetch_sources(site)
    assert result.summary().startswith("Fetched 6 sources: 0 new, 0 changed")
    assert articles(site).keys() == before.keys()


def test_failing_sources_are_named_and_the_others_continue(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    server.routes["/broken"] = Route(feeds.BROKEN, content_type="text/html")
    server.routes["/half"] = Route(b'<?xml version="1.0"?><rss version="2.0"><channel><item><ti')
    server.routes["/slow"] = Route(feeds.RSS.encode(), delay=1.5)
    site = make_site(
        tmp_path,
        server,
        {"unian": "/rss", "broken": "/broken", "gone": "/gone", "slow": "/slow", "half": "/half"},
    )
    result = fetch_sources(site, FetchOptions(timeout=0.5))
    reasons = {r.key: (r.outcome, r.reason) for r in result.reports}
    assert reasons["unian"] == ("fetched", "")
    assert reasons["broken"] == ("failed", "not a feed (an HTML page)")
    assert reasons["gone"] == ("failed", "HTTP 404 Not Found")
    assert reasons["slow"] == ("failed", "no answer within 0.5 s")
    assert reasons["half"][0] == "fetched"  # feedparser reads what is there: an empty item
    assert not result.all_failed
    assert result.summary().startswith("Fetched 5 sources: 3 new, 0 changed, 3 failed in ")


def test_cli_summary_exit_status_and_backoff(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    site = make_site(tmp_path, server, {"unian": "/rss", "gone": "/gone"})
    runner = CliRunner()
    first = runner.invoke(main, ["fetch", "-s", str(site)])
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[-1].startswith("Fetched 2 sources: 3 new, 0 changed, 1 failed in ")
    assert f"  wrote {UNIAN_FILE}" in lines
    assert f"error: gone: {server.url('/gone')}: HTTP 404 Not Found" in first.stderr
    # The failing source rests; the next run does not ask it again.
    second = runner.invoke(main, ["fetch", "-s", str(site), "gone"])
    assert second.exit_code == 0
    assert "gone: resting after 1 failure(s) (HTTP 404 Not Found) until " in second.stderr
    assert "(--retry-now to try now)" in second.stderr
    assert len(server.hits_of("/gone")) == 1
    # --retry-now asks again; every source chosen failed: exit 1.
    third = runner.invoke(main, ["fetch", "-s", str(site), "gone", "--retry-now"])
    assert third.exit_code == 1
    assert len(server.hits_of("/gone")) == 2
    assert state_of(site, "gone")["source"]["failures"] == 2
    # --strict fails on any failure; an unknown source is named.
    strict = runner.invoke(main, ["fetch", "-s", str(site), "--strict", "--retry-now"])
    assert strict.exit_code == 1
    unknown = runner.invoke(main, ["fetch", "-s", str(site), "nope"])
    assert unknown.exit_code == 1
    assert "error: no source nope in site.yaml (sources: unian, gone)" in unknown.stderr


def test_retry_after_is_honoured(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/busy"] = Route(status=503, headers={"Retry-After": "7200"})
    site = make_site(tmp_path, server, {"busy": "/busy"})
    clock = [1_800_000_000.0]
    options = FetchOptions(now=lambda: clock[0])
    result = fetch_sources(site, options)
    assert result.reports[0].reason == "HTTP 503 Service Unavailable"
    next_try = state_of(site, "busy")["source"]["next_try"]
    assert next_try == clock[0] + 7200  # not the 30 min backoff
    clock[0] += 3600
    assert fetch_sources(site, options).reports[0].outcome == "skipped"
    clock[0] += 3601
    assert fetch_sources(site, options).reports[0].outcome == "failed"
    assert len(server.hits_of("/busy")) == 2
    # Retry-After asking for a week is held to the 48-hour ceiling.
    server.routes["/busy"].headers["Retry-After"] = str(7 * 24 * 3600)
    fetch_sources(site, FetchOptions(now=lambda: clock[0], retry_now=True))
    assert state_of(site, "busy")["source"]["next_try"] == clock[0] + MAX_BACKOFF


def test_edited_file_stays_and_untouched_file_follows_the_publisher(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode(), etag='"v1"')
    site = make_site(tmp_path, server, {"unian": "/rss"})
    fetch_sources(site)
    edited = site / UNIAN_FILE
    edited_text = UNIAN_TEXT.replace("Польщі.", "Польщі (уточнено редакцією).")
    edited.write_text(edited_text, encoding="utf-8")
    untouched = (
        site
        / "content/unian/2026/11/2026-11-28-ukrzaliznytsia-pryznachyla-dodatkovi-poizdy-do-lvova.md"
    )
    changed_feed = feeds.RSS.replace("пʼятий пакет", "шостий пакет").replace(
        "Квитки вже у продажу.", "Квитки вже у продажу з понеділка."
    )
    server.routes["/rss"] = Route(changed_feed.encode(), etag='"v2"')
    result = fetch_sources(site)
    assert result.summary().startswith("Fetched 1 source: 0 new, 1 changed, 0 failed in ")
    assert edited.read_text(encoding="utf-8") == edited_text
    assert "Квитки вже у продажу з понеділка." in untouched.read_text(encoding="utf-8")
    assert [str(w) for w in result.warnings if UNIAN_FILE in str(w)] == [
        f"{UNIAN_FILE}: the publisher changed this item since it was fetched, but the file "
        "was edited here; left as edited — compare with "
        "https://www.unian.ua/politics/zustrich.html?p=1"
    ]
    assert result.reports[0].kept_edited == (UNIAN_FILE,)
    # Said once: the next run with the same feed is quiet.
    server.routes["/rss"].etag = '"v3"'
    again = fetch_sources(site)
    assert [w for w in again.warnings if UNIAN_FILE in str(w)] == []
    assert again.summary().startswith("Fetched 1 source: 0 new, 0 changed")


def test_an_update_whose_state_was_not_saved_is_not_taken_for_an_edit(
    tmp_path: Path, server: FeedServer
) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    site = make_site(tmp_path, server, {"unian": "/rss"})
    fetch_sources(site)
    state = site / ".digest-cache" / STATE_FOLDER / "unian.json"
    before_update = state.read_bytes()
    server.routes["/rss"] = Route(feeds.RSS.replace("пʼятий", "шостий").encode())
    assert fetch_sources(site).reports[0].changed == (UNIAN_FILE,)
    state.write_bytes(before_update)  # as if killed after the file, before the state
    again = fetch_sources(site)
    assert again.reports[0].changed == () and again.reports[0].kept_edited == ()
    assert [str(w) for w in again.warnings if "edited" in str(w)] == []
    assert "шостий пакет" in (site / UNIAN_FILE).read_text(encoding="utf-8")


def test_deleted_file_is_not_fetched_again(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    site = make_site(tmp_path, server, {"unian": "/rss"})
    fetch_sources(site)
    (site / UNIAN_FILE).unlink()
    fetch_sources(site)
    assert not (site / UNIAN_FILE).exists()


def test_dry_run_writes_nothing(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    site = make_site(tmp_path, server, {"unian": "/rss"})
    out = CliRunner().invoke(main, ["fetch", "-s", str(site), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert f"  would write {UNIAN_FILE}" in out.stdout
    assert "(dry run: nothing written)" in out.stdout
    assert articles(site) == {}
    assert not (site / ".digest-cache" / STATE_FOLDER).exists()


ARTICLE_PAGE = """<!doctype html><html lang="uk"><head><title>Стаття</title></head><body>
<nav><a href="/">Головна</a> <a href="/news">Новини</a></nav>
<article><h1>Прем'єр Польщі в Києві</h1>
<p>Прем'єр-міністр Польщі прибув до Києва нічним потягом. На вокзалі його зустріли
представники уряду, а згодом розпочалися переговори в Маріїнському палаці.</p>
<p>Сторони обговорили пʼятий пакет військової допомоги, відновлення енергетики та
спільні проєкти на кордоні. Окремо йшлося про пункти пропуску для вантажівок.</p>
<p>За словами речниці, наступна зустріч відбудеться у Варшаві навесні. Документи про
співпрацю в енергетиці підписали міністри обох країн.</p>
</article><footer>© Видання</footer></body></html>"""


def test_full_text_is_extracted_and_recorded(tmp_path: Path, server: FeedServer) -> None:
    host = server.url("")
    feed = feeds.many_items(2, host=host)
    server.routes["/full"] = Route(feed.encode())
    server.routes["/news/0"] = Route(ARTICLE_PAGE.encode(), content_type="text/html")
    site = make_site(tmp_path, server, {"full": "/full"}, "full_text: true")
    result = fetch_sources(site)
    files = articles(site)
    extracted = next(t for p, t in files.items() if "nomer-0" in p)
    assert "нічним потягом" in extracted and "Документи про" in extracted
    assert "Головна" not in extracted and "© Видання" not in extracted
    assert 'extractor: "trafilatura ' in extracted
    assert 'summary: "Перший абзац новини 0."' in extracted
    failed = next(t for p, t in files.items() if "nomer-1" in p)  # its page is a 404
    assert 'extractor: "feed (trafilatura ' in failed and ': HTTP 404 Not Found)"' in failed
    assert failed.endswith("---\n\nПерший абзац новини 1.\n")
    assert f"sources.full: {host}/news/1: full text not extracted (HTTP 404 Not Found); " \
        "kept the feed's text" in [str(w) for w in result.warnings]  # fmt: skip


def test_build_fetch_fetches_first(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    site = make_site(tmp_path, server, {"unian": "/rss"})
    out = CliRunner().invoke(main, ["build", "-s", str(site), "--fetch"])
    assert out.exit_code == 0, out.output
    assert "Fetched 1 source: 3 new" in out.stdout
    assert (site / "_site/2026/11/28/index.html").is_file()


@pytest.mark.slow
def test_a_fetch_killed_at_any_moment_loses_and_duplicates_nothing(
    tmp_path: Path, server: FeedServer
) -> None:
    n = 40
    host = server.url("")
    server.routes["/many"] = Route(feeds.many_items(n, host=host).encode())
    for i in range(n):  # pages slow enough that a kill lands mid-fetch
        server.routes[f"/news/{i}"] = Route(
            ARTICLE_PAGE.encode(), content_type="text/html", delay=0.04
        )
    site = make_site(tmp_path, server, {"many": "/many"}, "full_text: true")
    command = [sys.executable, "-m", "digest", "fetch", "-s", str(site), "-q"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    counts = []
    for pages in (3, 12, 25, 33):  # killed once this many pages were asked for, in all
        process = subprocess.Popen(command, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if sum(h.path.startswith("/news/") for h in server.hits) >= pages:
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        counts.append(len(list((site / "content").rglob("*.md"))))
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    files = list((site / "content").rglob("*.md"))
    assert 0 < counts[0] < n, counts  # the first kill did land mid-fetch
    assert len(files) == n
    assert not [p for p in (site / "content").rglob("*") if p.name.startswith(".")]
    config, _ = load_config(site)
    reader = ArticleReader(config)
    ids = []
    for path in files:
        _, problems = reader.read(path)
        assert problems == []
        ids.append(path.read_text(encoding="utf-8").split("\nid: ", 1)[1].split("\n", 1)[0])
    assert sorted(ids) == sorted(f'"{host}/news/{i}"' for i in range(n))
    assert len(state_of(site, "many")["items"]) == n


def test_new_site_from_feeds_fetches_on_schedule(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    site = tmp_path / "news"
    runner = CliRunner()
    made = runner.invoke(
        main, ["new", "site", str(site), "--feeds", server.url("/rss"), "https://www.unian.ua/rss"]
    )
    assert made.exit_code == 0, made.output
    assert "  content/.gitkeep" in made.stdout.splitlines()
    assert not list((site / "content").rglob("*.md"))  # no example articles
    config, _ = load_config(site)
    assert [(s.key, s.name, s.url) for s in config.sources] == [
        ("feed-127-0-0-1", "127.0.0.1", server.url("/rss")),
        ("unian", "unian.ua", "https://www.unian.ua/rss"),
    ]
    result = fetch_sources(site, FetchOptions(only=("feed-127-0-0-1",)))
    assert result.summary().startswith("Fetched 1 source: 3 new")
    steps = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())["jobs"]["build"]
    by_name = {s["name"]: s for s in steps["steps"]}
    fetch = by_name["Fetch the feeds in site.yaml's sources"]
    commit = by_name["Commit the new articles back, to keep them and review them"]
    assert fetch["run"] == "digest fetch" and fetch["if"] == "github.event_name != 'push'"
    assert "git add content" in commit["run"] and "git push" in commit["run"]
    names = list(by_name)
    assert names.index("Restore the build cache") < names.index(fetch["name"])
    assert names.index(commit["name"]) < names.index("Build")
    bad = runner.invoke(main, ["new", "site", str(tmp_path / "x"), "--feeds", "ftp://x/rss"])
    assert bad.exit_code == 1
    assert bad.stderr == "error: --feeds: expected an http(s) URL, got `ftp://x/rss`\n"


def test_redirects_gzip_and_size_limit(tmp_path: Path, server: FeedServer) -> None:
    server.routes["/rss"] = Route(feeds.RSS.encode())
    server.routes["/moved"] = Route(status=301, headers={"Location": server.url("/rss")})
    server.routes["/gz"] = Route(
        gzip.compress(feeds.DOUBLE_ESCAPED.encode()), headers={"Content-Encoding": "gzip"}
    )
    server.routes["/big"] = Route(feeds.many_items(300).encode())
    site = make_site(tmp_path, server, {"moved": "/moved", "gz": "/gz", "big": "/big"})
    result = fetch_sources(site, FetchOptions(max_feed_bytes=64 * 1024))
    reasons = {r.key: (r.outcome, r.reason, len(r.new)) for r in result.reports}
    assert reasons == {
        "moved": ("fetched", "", 3),
        "gz": ("fetched", "", 1),
        "big": ("failed", "answer larger than 64 KB; not read", 0),
    }
    twice = site / "content/gz/2026/11/2026-11-28-podviine-ekranuvannia.md"
    assert twice.read_text(encoding="utf-8").endswith("\n\nТекст з **жирним** словом.\n")
    assert server.hits_of("/gz")[0].headers["accept-encoding"] == "gzip"


def test_a_site_without_sources(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["fetch", "-s", str(tmp_path)])
    assert (out.exit_code, out.stdout) == (
        0,
        "No sources with a url: in site.yaml; nothing to fetch.\n",
    )
