"""The pure parts of digest fetch, without sockets: feed bytes -> items -> file text, identity,
dates, HTML -> Markdown, state decisions and backoff arithmetic."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.config import Source, load_config
from digest.feed_items import (
    Extracted,
    NotAFeed,
    article_file,
    canonical_url,
    first_sentence,
    item_identity,
    parse_feed,
    parse_feed_date,
    yaml_str,
)
from digest.fetch_state import (
    ItemAction,
    ItemRecord,
    SourceState,
    after_failure,
    after_success,
    backoff_seconds,
    decide_item,
    is_due,
    load_memory,
    parse_retry_after,
)
from digest.html_markdown import html_to_markdown
from digest.sources import ArticleReader
from digest.yamlload import load_yaml
from tests import fetch_feeds as feeds

FETCHED_AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
UNIAN = Source(key="unian", name="УНІАН", url="https://www.unian.ua/rss", topics=("politics",))


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Unian.UA/a?utm_source=rss&utm_medium=x", "https://www.unian.ua/a"),
        ("https://x.ua/a?id=5&fbclid=Z&gclid=1#comments", "https://x.ua/a?id=5"),
        ("http://x.ua:80/a", "http://x.ua/a"),
        ("https://x.ua:8443/a?b=2&a=1", "https://x.ua:8443/a?b=2&a=1"),  # order kept
        ("https://x.ua", "https://x.ua/"),
        ("urn:uuid:1234", "urn:uuid:1234"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_identity_is_guid_then_canonical_link_never_title() -> None:
    assert item_identity("unian-1001", "https://x.ua/a", "<p>x</p>") == "unian-1001"
    assert item_identity("https://x.ua/a?utm_source=y", "", "") == "https://x.ua/a"
    assert item_identity("", "https://x.ua/a?utm_term=t", "") == "https://x.ua/a"
    assert item_identity("", "", "<p>текст</p>").startswith("sha256:")
    assert item_identity("", "", " ") == ""


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Sat, 28 Nov 2026 10:15:00 +0200", "2026-11-28T10:15:00+02:00"),
        ("Sat, 28 Nov 2026 09:00:00 EEST", "2026-11-28T09:00:00+03:00"),
        ("Sat, 28 Nov 2026 09:00:00 MSK", "2026-11-28T09:00:00+03:00"),
        ("Sat, 28 Nov 2026 07:00:00 GMT", "2026-11-28T07:00:00+00:00"),
        ("28 Nov 2026 07:00 EST", "2026-11-28T07:00:00-05:00"),
        ("2026-11-28T10:40:00+02:00", "2026-11-28T10:40:00+02:00"),
        ("2026-11-28T08:40:00Z", "2026-11-28T08:40:00+00:00"),
    ],
)
def test_feed_dates_keep_their_offset(text: str, iso: str) -> None:
    moment = parse_feed_date(text)
    assert moment is not None and moment.isoformat() == iso


@pytest.mark.parametrize("text", ["", "вчора", "Sat, 28 Nov 2026 09:00:00 XYZT", "32/13/2026"])
def test_feed_dates_that_are_not_dates(text: str) -> None:
    assert parse_feed_date(text) is None


def test_feed_bytes_to_items() -> None:
    feed = parse_feed(feeds.RSS.encode(), "https://www.unian.ua/rss", "application/rss+xml")
    assert feed.title == "УНІАН" and feed.language == "uk"
    first, untitled, undated = feed.items
    assert first.id == "unian-1001"
    assert first.title == "Зеленський зустрівся з прем’єром Польщі у Києві"  # no U+200B
    assert first.link == "https://www.unian.ua/politics/zustrich.html?p=1"
    assert first.author == "Олена Коваль"
    assert first.tags == ("Політика", "Польща")
    assert first.image == "https://www.unian.ua/img/zustrich.jpg"
    assert first.summary == "Сторони обговорили п'ятий пакет допомоги."
    assert "<script" not in first.body_html
    assert untitled.title == "" and untitled.id == "https://www.unian.ua/society/bez-nazvy.html"
    assert undated.published is None and undated.id == "https://www.unian.ua/economics/stavka.html"


def test_windows_1251_declared_only_in_the_prolog() -> None:
    (item,) = parse_feed(feeds.CP1251, "https://zah.example.ua/rss", "text/xml").items
    assert item.title == "Львів'яни зустріли прем'єра Польщі"


def test_double_escaped_html_is_unescaped_once() -> None:
    (item,) = parse_feed(feeds.DOUBLE_ESCAPED.encode(), "https://t.ua/rss").items
    assert html_to_markdown(item.body_html) == "Текст з **жирним** словом."
    # Text that only mentions a tag, next to real tags, is left as it is.
    plain = feeds.DOUBLE_ESCAPED.replace(
        "<![CDATA[&lt;p&gt;Текст з &lt;b&gt;жирним&lt;/b&gt; словом.&lt;/p&gt;]]>",
        "<![CDATA[<p>Тег &lt;b&gt; робить текст жирним.</p>]]>",
    )
    (item,) = parse_feed(plain.encode(), "https://t.ua/rss").items
    assert html_to_markdown(item.body_html) == "Тег \\<b\\> робить текст жирним."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (feeds.BROKEN, "not a feed (an HTML page)"),
        (b"", "not a feed (empty answer)"),
        (b'{"title": "x"}', "not a feed (JSON without a jsonfeed.org version)"),
        (b"{nope", "not a feed (JSON that cannot be read: "),
    ],
)
def test_not_a_feed(data: bytes, message: str) -> None:
    with pytest.raises(NotAFeed) as caught:
        parse_feed(data, "https://x.ua/rss")
    assert str(caught.value).startswith(message)


def test_article_file_exact_text_and_warnings() -> None:
    feed = parse_feed(feeds.RSS.encode(), "https://www.unian.ua/rss")
    made = article_file(feed.items[1], UNIAN, site_language="uk", fetched_at=FETCHED_AT)
    assert made.text == (
        "---\n"
        'title: "Укрзалізниця призначила додаткові поїзди до Львова."\n'
        "date: 2026-11-28 09:00:00 +03:00\n"
        'source: "https://www.unian.ua/society/bez-nazvy.html"\n'
        'tags: ["politics"]\n'
        'lang: "uk"\n'
        'id: "https://www.unian.ua/society/bez-nazvy.html"\n'
        "---\n\n"
        "Укрзалізниця призначила додаткові поїзди до Львова. Квитки вже у продажу.\n"
    )
    assert made.warnings == (
        "https://www.unian.ua/society/bez-nazvy.html: no title; used the first sentence",
    )
    undated = article_file(feed.items[2], UNIAN, site_language="uk", fetched_at=FETCHED_AT)
    assert "date: 2026-11-29 12:00:00 +00:00\n" in undated.text
    assert undated.warnings == (
        "https://www.unian.ua/economics/stavka.html: no date; dated it by the fetch time",
    )


def test_extracted_text_replaces_the_feed_text_and_is_recorded() -> None:
    item = parse_feed(feeds.RSS.encode(), "https://www.unian.ua/rss").items[2]
    good = Extracted("trafilatura 2.3.1", "Повний текст зі сторінки.")
    made = article_file(item, UNIAN, site_language="uk", fetched_at=FETCHED_AT, extracted=good)
    assert 'extractor: "trafilatura 2.3.1"' in made.text
    assert 'summary: "Облікова ставка залишилася на рівні 13,5%."' in made.text
    assert made.text.endswith("---\n\nПовний текст зі сторінки.\n")


def test_site_reads_back_what_fetch_writes(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text("title: T\nlanguage: en\n", encoding="utf-8")
    config, _ = load_config(tmp_path)
    reader = ArticleReader(config)
    feed = parse_feed(feeds.RSS.encode(), "https://www.unian.ua/rss")
    for n, item in enumerate(feed.items):
        made = article_file(item, UNIAN, site_language="en", fetched_at=FETCHED_AT)
        path = tmp_path / "content" / f"{n}.md"
        path.write_text(made.text, encoding="utf-8")
        entry, problems = reader.read(path)
        assert problems == []
        assert entry.title == (item.title or first_sentence(item.summary or made.slug_text))
        assert entry.date == made.date
        assert entry.tags == (*item.tags, "politics")
        assert entry.source == item.link
        assert entry.lang == "uk"  # the feed's language over the site's
        assert entry.author == item.author


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"])))
def test_yaml_str_reads_back_exactly(text: str) -> None:
    value, _ = load_yaml(f"title: {yaml_str(text)}\n")
    assert value == {"title": text}


def test_first_sentence() -> None:
    assert first_sentence("Перше речення. Друге.") == "Перше речення."
    assert first_sentence("Чи буде світло? Так.") == "Чи буде світло?"
    assert first_sentence("Без крапки в кінці") == "Без крапки в кінці"
    long = "слово " * 60
    assert first_sentence(long).endswith("…") and len(first_sentence(long)) <= 161


def test_html_to_markdown() -> None:
    html = (
        '<h1>Заголовок</h1><p>Текст з <em>нахилом</em>, *зірочкою* і <a href="../b?x=1">'
        "посиланням</a>.</p><script>alert(1)</script><style>p{}</style>"
        '<p><a href="javascript:alert(1)">погане</a> <img src="/i.jpg" alt="Міст"></p>'
        "<blockquote><p>Цитата</p></blockquote><p># не заголовок</p><ol><li>раз</li>"
        "<li>два<ul><li>вкладений</li></ul></li></ol>"
    )
    assert html_to_markdown(html, "https://x.ua/news/a/") == (
        "## Заголовок\n\n"
        "Текст з *нахилом*, \\*зірочкою\\* і [посиланням](https://x.ua/news/b?x=1).\n\n"
        "погане ![Міст](https://x.ua/i.jpg)\n\n"
        "> Цитата\n\n"
        "\\# не заголовок\n\n"
        "1. раз\n2. два\n    - вкладений"
    )


def test_a_79000_character_one_line_body() -> None:
    sentence = "Уряд ухвалив рішення про пʼятий пакет допомоги, а прем’єр ― про кордон. "
    body = "<p>" + (sentence * (79_000 // len(sentence))) + "</p>"
    started = time.perf_counter()
    text = html_to_markdown(body)
    assert time.perf_counter() - started < 2.0
    assert "\n" not in text and len(text) > 78_000
    assert markdown.markdown(text) == "<p>" + text + "</p>"


def test_backoff_doubles_up_to_48_hours() -> None:
    assert [backoff_seconds(n) / 3600 for n in range(0, 9)] == [
        0, 0.5, 1, 2, 4, 8, 16, 32, 48,
    ]  # fmt: skip
    assert backoff_seconds(500) == 48 * 3600
    state = SourceState(etag='"e"')
    now = 1_000_000.0
    failed = after_failure(state, now, "HTTP 500")
    assert (failed.failures, failed.next_try, failed.etag) == (1, now + 1800, '"e"')
    assert not is_due(failed, now + 1799) and is_due(failed, now + 1800)
    assert is_due(failed, now, retry_now=True)
    twice = after_failure(failed, now, "HTTP 500", retry_after=60)
    assert twice.next_try == now + 3600  # the longer of backoff and Retry-After
    ok = after_success(twice, now, "", "Sat, 28 Nov 2026 10:00:00 GMT")
    assert (ok.failures, ok.next_try, ok.etag, ok.last_error) == (0, 0.0, '"e"', "")


def test_retry_after_header() -> None:
    now = datetime(2026, 11, 28, 10, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now) == 3600
    assert parse_retry_after("Sat, 28 Nov 2026 09:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None


def test_decide_item() -> None:
    record = ItemRecord("content/u/a.md", "fp1", "sha1")
    assert decide_item(None, "fp1", None, in_files=False) is ItemAction.WRITE
    assert decide_item(None, "fp1", None, in_files=True) is ItemAction.NOTHING
    assert decide_item(record, "fp1", "sha1", True) is ItemAction.NOTHING
    assert decide_item(record, "fp2", "sha1", True) is ItemAction.UPDATE
    assert decide_item(record, "fp2", "edited", True) is ItemAction.KEEP_EDITED
    assert decide_item(record, "fp2", None, False) is ItemAction.NOTHING  # deleted on purpose


def test_damaged_state_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "unian.json"
    path.write_text("{not json", encoding="utf-8")
    memory, note = load_memory(path)
    assert memory.items == {} and note.startswith("unian.json: cannot be read (")
    path.write_text('{"version": 1, "source": {"bogus": 1}, "items": {}}')
    memory, note = load_memory(path)
    assert note.startswith("unian.json: damaged (")


def test_iso_8859_1_declared_only_in_the_prolog() -> None:
    feed = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
        "<title>Caf\xe9</title><item><title>D\xe9j\xe0 vu \xe0 Kyiv</title>"
        "<guid>fr-1</guid></item></channel></rss>"
    ).encode("latin-1")
    (item,) = parse_feed(feed, "https://fr.example/rss", "text/xml").items
    assert item.title == "Déjà vu à Kyiv"


def test_xml_base_is_what_links_are_relative_to() -> None:
    feed = feeds.ATOM.replace(
        "<entry>", '<entry xml:base="https://static.pravda.com.ua/archive/">'
    ).encode()
    (item,) = parse_feed(feed, "https://www.pravda.com.ua/rss").items
    assert "[вранці](https://static.pravda.com.ua/7000/)" in html_to_markdown(
        item.body_html, item.base
    )
    assert item.link == "https://www.pravda.com.ua/news/2026/11/28/7001/"


def test_a_79000_character_item_reads_back(tmp_path: Path) -> None:
    sentence = "Прем’єр Польщі приїхав до Києва, а уряд ухвалив пʼятий пакет допомоги. "
    body = sentence * (79_000 // len(sentence))
    feed = feeds.DOUBLE_ESCAPED.replace(
        "<![CDATA[&lt;p&gt;Текст з &lt;b&gt;жирним&lt;/b&gt; словом.&lt;/p&gt;]]>", body
    )
    (item,) = parse_feed(feed.encode(), "https://t.ua/rss").items
    made = article_file(item, UNIAN, site_language="uk", fetched_at=FETCHED_AT)
    assert made.text.endswith("---\n\n" + body.strip() + "\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    path = tmp_path / "content" / "long.md"
    path.write_text(made.text, encoding="utf-8")
    entry, problems = ArticleReader(load_config(tmp_path)[0]).read(path)
    assert problems == [] and entry.title == "Подвійне екранування"
    assert len(entry.body_html) > 78_000
