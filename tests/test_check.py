"""`digest check` and sub-path safety: the built site served under /news/ and at the root,
crawled over HTTP; seeded broken links, anchors, assets and orphans reported exactly."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
import pytest

from digest.build import BuildOptions, build
from digest.check import check_site, root_absolute_links
from digest.config import load_config
from tests.conftest import BASIC_CONFIG, NOW, MakeSite, build_at_now, run_cli, serve_folder

ROOT = Path(__file__).parents[1]
NEWS_CONFIG = BASIC_CONFIG.replace("https://example.github.io/news/", "/news/")


def md(title: str, date: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


def small_site_files() -> dict[str, str | bytes]:
    return {
        "content/a.md": md(
            "Переговори у Женеві", "2026-02-11 09:00", "Діалог триває.", "tags: [diplomacy]\n"
        ),
        "content/b.md": md(
            "Бюджет ухвалено", "2026-02-11 10:00", "Гривня [стабільна](../#topic-economy)."
        ),
        "content/c.txt": "date 2026-02-12 Погода на вихідні.\n\nСонячно.\n",
        "content/d.md": md(
            "Talks in Geneva",
            "2026-02-12 20:00",
            "See [the day](../) and [top](#top).",
            "lang: en\ntags: [diplomacy, sport]\n",
        ),
    }


def crawl(start: str, extra: tuple[str, ...] = ()) -> tuple[set[str], list[str]]:
    """Fetch every page, asset and in-site URL reachable from start; return (seen, broken)."""
    site = urlsplit(start)
    queue = deque([start, *extra])
    seen: set[str] = set()
    broken: list[str] = []
    while queue:
        url = urldefrag(queue.popleft()).url
        if url in seen:
            continue
        seen.add(url)
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as e:
            broken.append(f"{url}: {e.code}")
            continue
        links: list[str] = []
        if kind == "text/html":
            doc = lxml.html.fromstring(body)
            links = [urljoin(url, link) for _, _, link, _ in doc.iterlinks()]
        elif kind in ("application/xml", "text/xml", "application/json", "text/plain"):
            links = re.findall(r"https?://[^\s\"'<>()]+", body.decode())
        elif kind == "text/css":
            links = [urljoin(url, u) for u in re.findall(r"url\(['\"]?([^'\")]+)", body.decode())]
        for link in links:
            parts = urlsplit(link)
            if parts.netloc == site.netloc and parts.path.startswith(site.path):
                queue.append(link.split("?")[0])
    return seen, broken


@pytest.mark.parametrize("prefix", ["/news/", "/"])
def test_served_under_base_path_a_crawl_finds_no_broken_link(
    make_site: MakeSite, prefix: str
) -> None:
    site = make_site(small_site_files())
    out = site / "_site"
    out.mkdir()
    with serve_folder(out, prefix) as url:
        # base_url is the server itself, so canonical, feed and sitemap URLs are crawled too.
        (site / "site.yaml").write_text(
            NEWS_CONFIG.replace("base_url: /news/", f"base_url: {url}"), encoding="utf-8"
        )
        result = build_at_now(site)
        assert result.warnings == []
        seen, broken = crawl(url, (url + "404.html", url + "robots.txt"))
    assert broken == []
    pages = {p.relative_to(out).as_posix() for p in out.rglob("index.html")}
    crawled = {urlsplit(u).path[len(prefix) :] for u in seen}
    assert {p.removesuffix("index.html") for p in pages} <= crawled  # every page reached
    assert {"static/style.css", "feed.xml", "sitemap.xml", "tags/diplomacy/feed.xml"} <= crawled
    assert check_site(out, url).findings == ()


@pytest.mark.slow
def test_example_site_checks_clean_under_its_base_path(tmp_path: Path) -> None:
    out = tmp_path / "example"
    build(ROOT, BuildOptions(now=NOW, output_dir=out))
    config, _ = load_config(ROOT)
    assert config.base_path == "/digest/"
    report = check_site(out, config.base_url)
    assert report.findings == ()
    assert report.pages > 40 and report.links > 1000
    result = run_cli("check", "-s", str(ROOT), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"Checked \d+ pages, \d+ links, \d+ assets under /digest/: 0 problems\n", result.stdout
    )


SEEDED = md(
    "Зламані посилання",
    "2026-02-11 09:00",
    "[немає](../../12/nope/), [якір](../#topic-nope), [день](../), "
    "[корінь](/css/x.css), [свій](/news/tags/) ![фото](missing.png)",
    "slug: broken\n",
)


def test_seeded_broken_links_anchors_assets_and_orphans_are_listed(make_site: MakeSite) -> None:
    site = make_site({"content/a.md": SEEDED}, config=NEWS_CONFIG)
    result = build_at_now(site)
    assert [str(w) for w in result.warnings] == [
        'content/a.md: link "/css/x.css" is root-absolute and escapes the base path /news/ '
        "— write it relative, or use the full URL"
    ]
    stray = site / "_site/stray/index.html"
    stray.parent.mkdir()
    stray.write_text('<a href="../">home</a> <a href="../index.html#nowhere">x</a>')
    cli = run_cli("check", "-s", str(site))
    assert cli.exit_code == 1
    page = "2026/02/11/broken/index.html"
    assert cli.stdout.splitlines() == [
        f"{page}: broken link -> ../../12/nope/",
        f"{page}: broken anchor -> ../#topic-nope",
        f"{page}: broken link -> /css/x.css (outside the base path /news/)",
        f"{page}: missing asset -> missing.png",
        "stray/index.html: broken anchor -> ../index.html#nowhere",
        "stray/index.html: orphan page (no link from the home page leads here)",
        cli.stdout.splitlines()[-1],
    ]
    assert cli.stdout.splitlines()[-1].endswith(" assets under /news/: 6 problems")


def test_at_the_root_a_root_absolute_link_is_checked_as_a_site_path(make_site: MakeSite) -> None:
    config = NEWS_CONFIG.replace("base_url: /news/", "base_url: https://example.org/")
    site = make_site({"content/a.md": SEEDED}, config=config)
    assert build_at_now(site).warnings == []  # nothing escapes the root
    lines = run_cli("check", "-s", str(site)).stdout.splitlines()
    assert "2026/02/11/broken/index.html: broken link -> /css/x.css" in lines
    assert "2026/02/11/broken/index.html: broken link -> /news/tags/" in lines


def test_strict_build_fails_on_an_escaping_link(make_site: MakeSite) -> None:
    site = make_site({"content/a.md": SEEDED}, config=NEWS_CONFIG)
    result = run_cli("build", "-s", str(site), "--strict")
    assert result.exit_code == 1
    assert 'link "/css/x.css" is root-absolute and escapes the base path /news/' in result.stderr
    assert "/news/tags/" not in result.stderr  # under the base path: fine


def test_external_links_are_listed_not_fetched(make_site: MakeSite) -> None:
    body = "[джерело](https://news.invalid/a) і [ще](https://news.invalid/a)"
    site = make_site({"content/a.md": md("Новина", "2026-02-11", body, "slug: n\n")})
    build_at_now(site)
    plain = run_cli("check", "-s", str(site))
    assert plain.exit_code == 0 and "news.invalid" not in plain.stdout
    listed = run_cli("check", "-s", str(site), "--external")
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[:2] == [
        "External links (1, not fetched):",
        "  https://news.invalid/a <- 2026/02/11/n/index.html",
    ]


def test_check_without_a_build_says_what_to_do(make_site: MakeSite) -> None:
    site = make_site({"content/a.txt": "date 2026-02-11 Новина.\n\nТекст.\n"})
    result = run_cli("check", "-s", str(site))
    assert result.exit_code == 1
    assert result.stderr == f"error: no built site at {site / '_site'} — run digest build first\n"


def test_root_absolute_link_detector() -> None:
    html = (
        '<p><a href="/a/">a</a> <a href="//cdn.example/x.js">cdn</a> <a href="b/">b</a>'
        '<img src="/i.png" srcset="/i2.png 2x, rel.png 3x"> <a href="/a/">again</a></p>'
        '<pre><code>&lt;a href="/in-code/"&gt;</code></pre>'
    )
    assert root_absolute_links(html) == ["/a/", "/i.png", "/i2.png"]
    assert root_absolute_links("<p>no links</p>") == []


@pytest.mark.slow
def test_corpus_of_2000_articles_checks_clean(corpus_2k: Path) -> None:
    config, _ = load_config(corpus_2k)
    report = check_site(corpus_2k / "_site", config.base_url)
    assert report.findings == ()
    assert report.pages > 2000
    assert report.links > 100_000


def test_a_theme_writing_root_absolute_assets_is_caught(make_site: MakeSite) -> None:
    """The classic sub-path bug: a theme linking /static/style.css works only at the root."""
    site = make_site(
        {
            "content/a.txt": "date 2026-02-11 Новина.\n\nТекст.\n",
            "themes/default/templates/article.html": (
                '{% extends "!default/article.html" %}{% block head %}'
                '<link rel="stylesheet" href="/static/style.css">{% endblock %}'
            ),
        },
    )
    build_at_now(site)
    base_url = "https://example.github.io/news/"
    findings = [str(f) for f in check_site(site / "_site", base_url).findings]
    assert findings == [
        "2026/02/11/novyna/index.html: missing asset -> /static/style.css "
        "(outside the base path /news/)"
    ]
