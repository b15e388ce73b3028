"""Structured page metadata: JSON-LD for articles and day pages, Open Graph locale."""

from __future__ import annotations

from babel.core import get_global

from digest.config import Config
from digest.i18n import Localizer
from digest.model import Article, Day


def og_locale(language: str) -> str:
    """`uk` -> `uk_UA`, `en` -> `en_US`: Open Graph wants language_TERRITORY."""
    code = language.replace("-", "_")
    parts = code.split("_")
    if len(parts) > 1 and len(parts[-1]) == 2:
        return f"{parts[0].lower()}_{parts[-1].upper()}"
    likely = get_global("likely_subtags").get(parts[0], code)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]


def news_article(article: Article, day: Day, config: Config) -> dict[str, object]:
    url = config.absolute_url(article.url)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.moment.isoformat(),
        "inLanguage": article.lang or config.language,
        "isPartOf": {"@type": "CollectionPage", "url": config.absolute_url(day.url)},
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
    }
    if article.updated:
        data["dateModified"] = article.updated.isoformat()
    if article.summary:
        data["description"] = article.summary
    if article.authors:
        people = [
            {"@type": "Person", "name": a.name, **({"url": a.url} if a.url else {})}
            for a in article.authors
        ]
        data["author"] = people[0] if len(people) == 1 else people
    elif article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    image = image_url(article, config)
    if image:
        data["image"] = image
    if article.topics:
        data["keywords"] = [t.name for t in article.topics]
    return data


def image_url(article: Article, config: Config) -> str | None:
    """The article's image (front matter's images/image/cover) as a full URL: a path from
    "/" is in the site, a relative one beside the article (in a page bundle) or at the
    site's root."""
    image = article.image
    if not image:
        return None
    if image.startswith(("https://", "http://")):
        return image
    if image.startswith("/") or not article.bundle:
        return config.absolute_url(image.lstrip("/"))
    return config.absolute_url(article.url + image.removeprefix("./"))


def day_collection(day: Day, config: Config, local: Localizer) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": f"{config.title}: {local.date_long(day.date)}",
        "url": config.absolute_url(day.url),
        "inLanguage": config.language,
        "datePublished": day.date.isoformat(),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(day.articles),
            "itemListElement": [
                {
                    "@type": "ListItem",
                    "position": n,
                    "url": config.absolute_url(a.url),
                    "name": a.title,
                }
                for n, a in enumerate(day.articles, start=1)
            ],
        },
    }
