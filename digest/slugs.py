"""Slugs for URLs: Ukrainian by the national standard (KMU 2010), other scripts to ASCII."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from translitua import translit

MAX_SLUG = 80
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`](?=\w)")


def slugify(text: str, fallback_prefix: str = "t") -> str:
    """A lowercase ASCII slug of letters, digits and single hyphens, never empty.

    Text that leaves no letters or digits (only punctuation, or a script with no
    transliteration here) gets a stable slug from a hash of the text instead.
    """
    clean = _APOSTROPHES.sub("", text)
    if _CYRILLIC.search(clean):
        clean = translit(clean)
    ascii_text = unicodedata.normalize("NFKD", clean).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[: MAX_SLUG + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG]
        slug = slug.strip("-")
    if not slug:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{fallback_prefix}-{digest}"
    return slug
