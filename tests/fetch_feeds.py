"""Feeds written for the fetch tests, with real news texture: Ukrainian text, three kinds of
apostrophe, zero-width spaces in headlines, several outlets reporting one event."""

from __future__ import annotations

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>УНІАН</title><link>https://www.unian.ua/</link><language>uk-UA</language>
<item>
  <title>Зеленський зустрівся з прем\u2019єром\u200b Польщі у Києві</title>
  <link>https://www.unian.ua/politics/zustrich.html?utm_source=rss&amp;utm_medium=feed&amp;p=1</link>
  <guid isPermaLink="false">unian-1001</guid>
  <pubDate>Sat, 28 Nov 2026 10:15:00 +0200</pubDate>
  <dc:creator>Олена Коваль</dc:creator>
  <category>Політика</category>
  <category>Польща</category>
  <description>Сторони обговорили п'ятий пакет допомоги.</description>
  <content:encoded><![CDATA[<p>Президент <b>зустрівся</b> з <a href="/tag/poland">прем'єром</a> Польщі.</p>
<script>track()</script><p>Сторони обговорили пʼятий пакет допомоги.</p>]]></content:encoded>
  <enclosure url="/img/zustrich.jpg" type="image/jpeg" length="2048"/>
</item>
<item>
  <title></title>
  <link>https://www.unian.ua/society/bez-nazvy.html</link>
  <pubDate>Sat, 28 Nov 2026 09:00:00 EEST</pubDate>
  <description>Укрзалізниця призначила додаткові поїзди до Львова. Квитки вже у продажу.</description>
</item>
<item>
  <title>Без дати: НБУ залишив облікову ставку</title>
  <link>https://www.unian.ua/economics/stavka.html?fbclid=abc</link>
  <description>Облікова ставка залишилася на рівні 13,5%.</description>
</item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="uk">
  <title>Українська правда</title>
  <link href="https://www.pravda.com.ua/"/>
  <id>urn:pravda:feed</id>
  <updated>2026-11-28T12:00:00+02:00</updated>
  <entry>
    <title type="html">Зустріч у Києві: прем&amp;#8217;єр Польщі і президент</title>
    <link rel="alternate" href="https://www.pravda.com.ua/news/2026/11/28/7001/"/>
    <id>urn:pravda:7001</id>
    <published>2026-11-28T10:40:00+02:00</published>
    <updated>2026-11-28T11:00:00+02:00</updated>
    <author><name>Марія Ткачук</name></author>
    <category term="politics"/>
    <summary>Прем'єр Польщі прибув до Києва.</summary>
    <content type="html">&lt;p&gt;Прем'єр Польщі прибув до Києва &lt;a href="../7000/"&gt;вранці&lt;/a&gt;.&lt;/p&gt;</content>
  </entry>
</feed>
"""

JSON_FEED = """{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Громадське",
  "home_page_url": "https://hromadske.ua/",
  "language": "uk",
  "items": [
    {
      "id": "https://hromadske.ua/posts/zustrich?utm_campaign=x",
      "url": "https://hromadske.ua/posts/zustrich?utm_campaign=x",
      "title": "Прем\u02bcєр Польщі в Києві: головне",
      "content_html": "<p>Головне про візит.</p><ul><li>Допомога</li><li>Кордон</li></ul>",
      "summary": "Головне про візит прем\u02bcєра.",
      "date_published": "2026-11-28T11:30:00+02:00",
      "tags": ["Польща"],
      "authors": [{"name": "Ірина Бондар"}],
      "image": "/images/visit.jpg"
    }
  ]
}
"""

CP1251 = """<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0"><channel><title>Західна правда</title><link>https://zah.example.ua/</link>
<item><title>Львів'яни зустріли прем'єра Польщі</title>
<link>https://zah.example.ua/news/1</link><guid>https://zah.example.ua/news/1</guid>
<pubDate>Sat, 28 Nov 2026 12:00:00 +0200</pubDate>
<description>Їхав через Львів — і зупинився на каву.</description></item>
</channel></rss>
""".encode("cp1251")

NAMESPACED = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/"
         xmlns:content="http://purl.org/rss/1.0/modules/content/"
         xmlns:yandex="http://news.yandex.ru"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://ns.example.ua/">
    <title>Простір імен</title><link>https://ns.example.ua/</link>
    <description>RSS 1.0</description>
  </channel>
  <item rdf:about="https://ns.example.ua/a/1">
    <title>Повний текст у yandex:full-text</title>
    <link>https://ns.example.ua/a/1</link>
    <dc:date>2026-11-28T08:00:00+02:00</dc:date>
    <description>Лише анонс.</description>
    <content:encoded><![CDATA[<p>Коротший текст.</p>]]></content:encoded>
    <yandex:full-text>Найповніший текст статті про зустріч. Другий абзац про кордон і допомогу, довший за інші.</yandex:full-text>
  </item>
</rdf:RDF>
"""

DOUBLE_ESCAPED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Двічі</title><link>https://twice.example.ua/</link>
<item><title>Подвійне екранування</title><link>https://twice.example.ua/1</link>
<guid>twice-1</guid><pubDate>Sat, 28 Nov 2026 07:00:00 GMT</pubDate>
<description><![CDATA[&lt;p&gt;Текст з &lt;b&gt;жирним&lt;/b&gt; словом.&lt;/p&gt;]]></description>
</item></channel></rss>
"""

BROKEN = b"<html><head><title>Maintenance</title></head><body>Back soon</body></html>"


def many_items(n: int, host: str = "https://many.example.ua", body: str = "") -> str:
    """An RSS feed of n items, each with a guid, a date and a paragraph of text."""
    items = "".join(
        f"<item><title>Новина номер {i}: прем’єр і кордон</title>"
        f"<link>{host}/news/{i}</link><guid>{host}/news/{i}</guid>"
        f"<pubDate>Sat, 28 Nov 2026 {i % 24:02d}:{i % 60:02d}:00 +0200</pubDate>"
        f"<description>Перший абзац новини {i}. {body}</description></item>"
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Багато</title><link>{host}/</link>{items}</channel></rss>"
    )
