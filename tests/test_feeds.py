"""Feeds, sitemap, metadata and day exports, read by real clients (feedparser, lxml, Markdown)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import markdown
import pytest
from lxml import etree

from digest import feeds
from tests.conftest import BASIC_CONFIG, MakeSite, build_at_now, read, run_cli

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def md(title: str, date: str, tags: str = "", body: str = "Текст.") -> str:
    tag_line = f"tags: {tags}\n" if tags else ""
    return f"---\ntitle: {title}\ndate: {date}\n{tag_line}author: Олена Коваль\n---\n\n{body}\n"


@pytest.fixture
def news_site(make_site: MakeSite) -> Path:
    files = {
        f"content/{i:02d}.md": md(
            f"Новина номер {i}", f"2026-02-{1 + i // 3:02d} {8 + i % 3}:15", "[economy]"
        )
        for i in range(25)
    }
    files["content/wire.txt"] = "date 2026-02-09 Переговори у Женеві тривають.\n\nДіалог триває.\n"
    files["content/en.md"] = md("Talks in Geneva", "2026-02-09 20:00", "[diplomacy]").replace(
        "author:", "lang: en\nauthor:"
    )
    config = BASIC_CONFIG.replace(
        "base_url: https://example.github.io/news/", "base_url: https://example.github.io/news/"
    )
    return make_site(files, config=config + "search: false\n")


def test_atom_and_rss_parse_cleanly_with_latest_articles(news_site: Path) -> None:
    result = build_at_now(news_site)
    newest = result.site.articles[:20]
    for name in ("feed.xml", "rss.xml"):
        parsed = feedparser.parse(read(news_site, name))
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert len(parsed.entries) == 20
        assert [e.title for e in parsed.entries] == [a.title for a in newest]
        first = parsed.entries[0]
        assert first.link == "https://example.github.io/news/" + newest[0].url
        assert first.published_parsed is not None
        assert "Текст." in first.content[0].value
    atom = read(news_site, "feed.xml")
    assert "<published>2026-02-09T20:00:00+02:00</published>" in atom
    assert 'xml:lang="uk"' in atom


def test_topic_feeds_and_json_feed(news_site: Path) -> None:
    build_at_now(news_site)
    economy = feedparser.parse(read(news_site, "tags/economy/feed.xml"))
    assert not economy.bozo
    assert len(economy.entries) == 20
    assert all(e.tags[0].term == "economy" for e in economy.entries)
    diplomacy = feedparser.parse(read(news_site, "tags/diplomacy/feed.xml"))
    assert sorted(e.title for e in diplomacy.entries) == [
        "Talks in Geneva",
        "Переговори у Женеві тривають",
    ]
    document = json.loads(read(news_site, "feed.json"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["title"] and document["feed_url"] == "https://example.github.io/news/feed.json"
    assert len(document["items"]) == 20
    for item in document["items"]:
        assert item["id"] and item["url"].startswith("https://example.github.io/news/")
        assert "content_html" in item or "content_text" in item


def test_feed_limit_and_per_day_items(make_site: MakeSite) -> None:
    files = {f"content/{d}.md": md(f"День {d}", f"2026-02-{d:02d} 10:00") for d in range(1, 6)}
    site = make_site(files, config=BASIC_CONFIG + "feeds: {limit: 4, per_day: true}\n")
    build_at_now(site)
    parsed = feedparser.parse(read(site, "feed.xml"))
    assert not parsed.bozo
    titles = [e.title for e in parsed.entries]
    assert len(titles) == 4
    assert "Тестовий дайджест: 5 лютого 2026" in titles
    day_entry = next(e for e in parsed.entries if e.title.startswith("Тестовий"))
    assert 'href="https://example.github.io/news/2026/02/05/den-5/"' in day_entry.content[0].value


def test_every_page_head_links_feeds_and_carries_metadata(news_site: Path) -> None:
    build_at_now(news_site)
    for page in (news_site / "_site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="alternate" type="application/atom+xml"' in html, page
        assert 'type="application/rss+xml"' in html and 'type="application/feed+json"' in html
    article = read(news_site, "2026-02-09/talks-in-geneva/index.html".replace("-02-09", "/02/09"))
    assert '<meta property="og:type" content="article">' in article
    assert '<meta property="og:title" content="Talks in Geneva">' in article
    assert '<meta name="twitter:card" content="summary">' in article
    assert (
        '<link rel="canonical" href="https://example.github.io/news/2026/02/09/talks-in-geneva/">'
        in article
    )
    assert '<meta property="og:locale" content="uk_UA">' in article
    topic = read(news_site, "tags/economy/index.html")
    assert 'href="feed.xml"' in topic


def json_ld(html: str) -> list[dict[str, object]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_json_ld_on_article_and_day_pages(news_site: Path) -> None:
    build_at_now(news_site)
    (article,) = json_ld(read(news_site, "2026/02/09/talks-in-geneva/index.html"))
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Talks in Geneva"
    assert article["inLanguage"] == "en"
    assert article["author"] == {"@type": "Person", "name": "Олена Коваль"}
    (day,) = json_ld(read(news_site, "2026/02/09/index.html"))
    assert day["@type"] == "CollectionPage"
    items = day["mainEntity"]
    assert isinstance(items, dict) and items["@type"] == "ItemList"
    assert items["numberOfItems"] == 3


def test_json_ld_cannot_be_broken_out_of(make_site: MakeSite) -> None:
    site = make_site({"content/a.md": md('"</script><script>alert(1)</script>"', "2026-02-11")})
    build_at_now(site)
    html = read(site, "2026/02/11/index.html")
    assert "<script>alert(1)" not in html
    assert json_ld(html)[0]["mainEntity"]["itemListElement"][0]["name"].startswith("</script>")  # type: ignore[index]


def html_pages(out: Path) -> set[str]:
    urls = set()
    for page in out.rglob("*.html"):
        rel = page.relative_to(out).as_posix()
        if rel == "404.html":
            continue
        urls.add("https://example.github.io/news/" + rel.removesuffix("index.html"))
    return urls


def test_sitemap_lists_exactly_the_html_pages_but_404(news_site: Path) -> None:
    build_at_now(news_site)
    out = news_site / "_site"
    tree = etree.parse(str(out / "sitemap.xml"))
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)
    assert len(locs) == len(set(locs))
    assert set(locs) == html_pages(out)
    assert tree.xpath(
        "//s:url[s:loc='https://example.github.io/news/2026/02/09/']/s:lastmod/text()",
        namespaces=SITEMAP_NS,
    ) == ["2026-02-09T20:00:00+02:00"]
    assert read(news_site, "robots.txt").endswith(
        "Sitemap: https://example.github.io/news/sitemap.xml\n"
    )


def test_sitemap_splits_into_an_index_past_the_limit(
    news_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 10)
    build_at_now(news_site)
    out = news_site / "_site"
    index = etree.parse(str(out / "sitemap.xml"))
    parts = index.xpath("//s:sitemap/s:loc/text()", namespaces=SITEMAP_NS)
    assert len(parts) > 1
    locs: list[str] = []
    for part in parts:
        locs += etree.parse(str(out / part.rsplit("/", 1)[1])).xpath(
            "//s:loc/text()", namespaces=SITEMAP_NS
        )
    assert set(locs) == html_pages(out)


def test_day_export_round_trips_to_the_day_page_headlines(news_site: Path) -> None:
    build_at_now(news_site)
    exported = read(news_site, "2026/02/09/digest.md")
    rendered = markdown.markdown(exported)
    export_headlines = re.findall(r"<h3><a href=\"([^\"]+)\">(.*?)</a></h3>", rendered)
    day = read(news_site, "2026/02/09/index.html")
    page_headlines = re.findall(r"<h3><a href=\"([^\"]+)\">(.*?)</a></h3>", day)
    assert [t for _u, t in export_headlines] == [t for _u, t in page_headlines]
    assert [u for u, _t in export_headlines] == [
        "https://example.github.io/news/2026/02/09/" + u for u, _t in page_headlines
    ]
    data = json.loads(read(news_site, "2026/02/09/digest.json"))
    assert data["date"] == "2026-02-09"
    assert [t["key"] for t in data["topics"]] == ["diplomacy", "economy"]
    assert {a["title"] for a in data["articles"]} >= {
        "Talks in Geneva",
        "Переговори у Женеві тривають",
    }


def test_export_command_prints_the_same_markdown(news_site: Path) -> None:
    build_at_now(news_site)
    result = run_cli("export", "2026-02-09", "-s", str(news_site))
    assert result.exit_code == 0
    assert result.stdout == read(news_site, "2026/02/09/digest.md")
    as_json = run_cli("export", "latest", "-s", str(news_site), "--json")
    assert json.loads(as_json.stdout)["date"] == "2026-02-09"
    missing = run_cli("export", "2026-03-01", "-s", str(news_site))
    assert missing.exit_code == 1
    assert (
        "error: no published articles on 2026-03-01; the latest day is 2026-02-09" in missing.stderr
    )


@pytest.mark.slow
def test_search_index_is_built_and_search_can_be_turned_off(make_site: MakeSite) -> None:
    site = make_site(
        {"content/a.txt": "date 2026-02-11 Новина\n\nТекст.\n"},
        config=BASIC_CONFIG.replace("search: false", "search: true"),
    )
    build_at_now(site)
    assert (site / "_site/search/index/meta.json").is_file()
    assert (site / "_site/search/index.html").is_file()
    (site / "site.yaml").write_text(BASIC_CONFIG, encoding="utf-8")
    build_at_now(site)
    assert not (site / "_site/search").exists()
    assert 'role="search"' not in read(site, "index.html")


@pytest.mark.slow
def test_corpus_feeds_parse_and_sitemap_counts_pages(corpus_2k: Path) -> None:
    out = corpus_2k / "_site"
    for feed in [out / "feed.xml", out / "rss.xml", *sorted(out.glob("tags/*/feed.xml"))]:
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
        assert len(parsed.entries) == 20
    locs = etree.parse(str(out / "sitemap.xml")).xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert len(locs) == len(list(out.rglob("*.html"))) - 1
