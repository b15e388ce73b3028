"""Check a built site offline: links, #anchors and assets resolve under the base path."""

from __future__ import annotations

import html
import os
import re
from collections import deque
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from digest.config import Config, load_config
from digest.errors import CheckError, Problem
from digest.sources import ArticleReader, find_articles

# Attributes that hold a URL, by tag, and whether what they point at is an asset
# (loaded with the page) rather than a link (followed by the reader).
_URL_ATTRIBUTES: dict[str, tuple[tuple[str, bool], ...]] = {
    "a": (("href", False),),
    "area": (("href", False),),
    "form": (("action", False),),
    "link": (("href", False),),  # an asset when rel says so, see _ASSET_RELS
    "img": (("src", True), ("srcset", True)),
    "source": (("src", True), ("srcset", True)),
    "script": (("src", True),),
    "video": (("src", True), ("poster", True)),
    "audio": (("src", True),),
    "track": (("src", True),),
    "embed": (("src", True),),
    "iframe": (("src", True),),
    "object": (("data", True),),
    "input": (("src", True),),
}
_ASSET_RELS = {
    "stylesheet", "icon", "apple-touch-icon", "mask-icon", "manifest",
    "preload", "modulepreload", "prefetch",
}  # fmt: skip
_MAYBE_ROOT_ABSOLUTE = re.compile(r"""=\s*["']?\s*/(?!/)""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')"""
)
_ABSOLUTE_URL = re.compile(r"""https?://[^\s"'<>()\[\]\\]+""")
# Text files whose absolute URLs into the site are checked: feeds, sitemaps, exports, robots.
_TEXT_SUFFIXES = (".xml", ".json", ".md", ".txt", ".webmanifest")
_REFRESH = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*(.+)$", re.I | re.S)
_NOT_CHECKED_SCHEMES = ("mailto", "tel", "data", "javascript", "sms", "geo", "blob", "about")


@dataclass(frozen=True)
class Finding:
    """One thing a reader would trip over: `page: broken link -> target`."""

    page: str  # file in the output folder, e.g. 2026/02/11/index.html
    kind: str  # broken link, broken anchor, missing asset, orphan page
    target: str = ""  # as written in the page
    detail: str = ""

    def __str__(self) -> str:
        text = f"{self.page}: {self.kind}"
        if self.target:
            text += f" -> {self.target}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class CheckReport:
    base_path: str
    findings: tuple[Finding, ...]
    external: tuple[tuple[str, tuple[str, ...]], ...]  # url, the pages that link to it
    pages: int
    links: int
    assets: int
    redirects: tuple[tuple[str, str], ...] = ()  # page, the address it sends readers to
    not_carried: tuple[Problem, ...] = ()  # what the build could not carry over from sources

    def summary(self) -> str:
        problems = len(self.findings) + len(self.not_carried)
        count = len(self.redirects)
        redirects = f", {count} redirect{'' if count == 1 else 's'}" if count else ""
        return (
            f"Checked {self.pages} pages, {self.links} links, {self.assets} assets{redirects} "
            f"under {self.base_path}: {problems} problem{'' if problems == 1 else 's'}"
        )

    def redirect_lines(self) -> list[str]:
        return [f"{page} -> {target}" for page, target in self.redirects]

    def external_lines(self) -> list[str]:
        lines = []
        for url, pages in self.external:
            more = f" (+{len(pages) - 1} more)" if len(pages) > 1 else ""
            lines.append(f"{url} <- {pages[0]}{more}")
        return lines


@dataclass(frozen=True)
class _Ref:
    url: str  # as written
    asset: bool


@dataclass
class _Page:
    refs: list[_Ref] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    base: str | None = None  # a <base href>, which changes how its links resolve
    redirect: str | None = None  # where a <meta http-equiv="refresh"> sends the reader


class _PageParser(HTMLParser):
    """Collects the URLs a page refers to and the ids its #anchors can name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = _Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        page = self.page
        if "id" in values:
            page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            page.ids.add(values["name"])
        if tag == "base" and "href" in values and page.base is None:
            page.base = values["href"].strip()
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = _REFRESH.match(values.get("content", ""))
            if target is not None and page.redirect is None:
                page.redirect = target.group(1).strip().strip("'\"")
                page.refs.append(_Ref(page.redirect, False))
        for name, asset in _URL_ATTRIBUTES.get(tag, ()):
            value = values.get(name)
            if value is None:
                continue
            if tag == "link":
                asset = bool(_ASSET_RELS & set(values.get("rel", "").lower().split()))
            if name == "srcset":
                page.refs.extend(_Ref(url, True) for url in _srcset_urls(value))
            else:
                page.refs.append(_Ref(value.strip(), asset))


def _srcset_urls(value: str) -> list[str]:
    return [c.strip().split()[0] for c in value.split(",") if c.strip()]


def parse_page(text: str) -> _Page:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser.page


def root_absolute_links(html_text: str) -> list[str]:
    """The URLs in html_text that start with one slash (`/css/x.css`, not `//cdn...`), in order.

    Such links are resolved against the server's root, so they escape a site served under a
    sub-path such as https://user.github.io/news/.
    """
    if not _MAYBE_ROOT_ABSOLUTE.search(html_text):  # most articles: no need to parse
        return []
    found: list[str] = []
    for ref in parse_page(html_text).refs:
        if ref.url.startswith("/") and not ref.url.startswith("//") and ref.url not in found:
            found.append(ref.url)
    return found


def escapes_base_path(link: str, base_path: str) -> bool:
    """Whether a root-absolute link points outside the site served at base_path."""
    path = urlsplit(link).path
    return not (path.startswith(base_path) or path + "/" == base_path)


def escaping_link_problems(path: str, html_text: str, base_path: str) -> list[Problem]:
    """A warning for each root-absolute link in an article that leaves base_url's path."""
    return [
        Problem(
            path,
            None,
            f'link "{link}" is root-absolute and escapes the base path {base_path}',
            "write it relative, or use the full URL",
        )
        for link in root_absolute_links(html_text)
        if escapes_base_path(link, base_path)
    ]


class _Resolver:
    """Turns a URL written in an output file into a file of the output, or says why not."""

    def __init__(self, base_url: str, files: set[str]) -> None:
        parts = urlsplit(base_url)
        self.host = parts.netloc.lower()
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.origin = f"{parts.scheme or 'https'}://{parts.netloc or 'site.invalid'}"
        self.site_url = self.origin + self.base_path
        self.files = files

    def page_url(self, rel: str) -> str:
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.site_url + quote(rel)

    def classify(self, url: str, page_url: str) -> tuple[str, str, str]:
        """("skip" | "external" | "escape" | "internal", site path or full URL, fragment)."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in _NOT_CHECKED_SCHEMES or (scheme and scheme not in ("http", "https")):
            return "skip", url, ""
        full = urlsplit(urljoin(page_url, url))
        inside = full.path.startswith(self.base_path) or full.path + "/" == self.base_path
        if scheme or url.startswith("//"):
            if not (self.host and full.netloc.lower() == self.host and inside):
                return "external", url, ""
        elif not inside:
            return "escape", full.path, ""
        rel = unquote(full.path[len(self.base_path) :])
        return "internal", rel, unquote(full.fragment)

    def target_file(self, rel: str) -> str | None:
        """The output file a site path serves, as GitHub Pages finds it."""
        if rel == "" or rel.endswith("/"):
            candidates = [rel + "index.html"]
        else:
            candidates = [rel, rel + "/index.html", rel + ".html"]
        return next((c for c in candidates if c in self.files), None)


def output_files(folder: Path) -> list[str]:
    """Every file under folder as a site path (a/b/c.html), sorted."""
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        rel_root = Path(root).relative_to(folder).as_posix()
        prefix = "" if rel_root == "." else rel_root + "/"
        found.extend(prefix + name for name in names)
    return sorted(found)


def check_site(folder: Path, base_url: str) -> CheckReport:
    """Check the built site in folder as if served at base_url (a URL or a path like /news/)."""
    if not folder.is_dir():
        raise CheckError(f"no built site at {folder} — run digest build first")
    files = output_files(folder)
    resolver = _Resolver(base_url, set(files))
    pages: dict[str, _Page] = {}
    texts: dict[str, list[_Ref]] = {}
    for rel in files:
        hidden = any(part.startswith(".") for part in rel.split("/"))
        if hidden:
            continue
        path = folder / rel
        if rel.endswith((".html", ".htm")):
            pages[rel] = parse_page(path.read_text(encoding="utf-8", errors="replace"))
        elif rel.endswith(".css"):
            texts[rel] = _css_refs(path.read_text(encoding="utf-8", errors="replace"))
        elif rel.endswith(_TEXT_SUFFIXES) and not rel.startswith("search/index/"):
            text = path.read_text(encoding="utf-8", errors="replace")
            texts[rel] = _site_urls(text, resolver.site_url)

    findings: list[Finding] = []
    external: dict[str, list[str]] = {}
    links = assets = 0
    edges: dict[str, set[str]] = {}
    sources = [(rel, page.refs, page.base) for rel, page in pages.items()]
    sources += [(rel, refs, None) for rel, refs in texts.items()]
    for rel, refs, base in sorted(sources, key=lambda s: s[0]):
        page_url = resolver.page_url(rel)
        if base:
            page_url = urljoin(page_url, base)
        reported: set[tuple[str, str]] = set()
        linked = edges.setdefault(rel, set())
        for ref in refs:
            kind, where, fragment = resolver.classify(ref.url, page_url)
            if kind == "skip":
                continue
            if kind == "external":
                if rel in pages:
                    external.setdefault(ref.url, []).append(rel)
                continue
            if ref.asset:
                assets += 1
            else:
                links += 1
            problem = ""
            if kind == "escape":
                problem = f"outside the base path {resolver.base_path}"
                target = None
            else:
                target = resolver.target_file(where)
            if target is None:
                what = "missing asset" if ref.asset else "broken link"
                if (what, ref.url) not in reported:
                    reported.add((what, ref.url))
                    findings.append(Finding(rel, what, ref.url, problem))
                continue
            linked.add(target)
            if _missing_anchor(fragment, pages.get(target)) and ("#", ref.url) not in reported:
                reported.add(("#", ref.url))
                findings.append(Finding(rel, "broken anchor", ref.url))
    findings.extend(_orphans({k: p for k, p in pages.items() if p.redirect is None}, edges))
    redirects = tuple(
        (rel, _site_path(resolver, p.redirect, rel))
        for rel, p in sorted(pages.items())
        if p.redirect
    )
    pages_linking = tuple(
        (url, tuple(dict.fromkeys(linking))) for url, linking in sorted(external.items())
    )
    return CheckReport(
        base_path=resolver.base_path,
        findings=tuple(findings),
        external=pages_linking,
        pages=len(pages) - len(redirects),
        links=links,
        assets=assets,
        redirects=redirects,
    )


def _site_path(resolver: _Resolver, url: str, page: str) -> str:
    """Where a redirect goes, as a path in the site when it stays inside."""
    kind, where, _ = resolver.classify(url, resolver.page_url(page))
    return where if kind == "internal" else url


def _missing_anchor(fragment: str, page: _Page | None) -> bool:
    """`#top` and an empty fragment always work; other fragments need an id on an HTML page."""
    return bool(fragment) and fragment != "top" and page is not None and fragment not in page.ids


def _orphans(pages: dict[str, _Page], edges: dict[str, set[str]]) -> list[Finding]:
    """HTML pages no chain of links from the home page reaches (404.html is served on misses)."""
    home = "index.html"
    if home not in pages:
        return [Finding(home, "missing home page", "", "the site has no index.html")]
    reached = {home}
    queue = deque([home])
    while queue:
        for target in edges.get(queue.popleft(), ()):
            if target in pages and target not in reached:
                reached.add(target)
                queue.append(target)
    return [
        Finding(rel, "orphan page", "", "no link from the home page leads here")
        for rel in sorted(pages)
        if rel not in reached and rel != "404.html"
    ]


def _css_refs(text: str) -> list[_Ref]:
    refs = []
    for match in _CSS_URL.finditer(_CSS_COMMENT.sub("", text)):
        url = next((g for g in match.groups() if g is not None), "").strip()
        if url and not url.startswith("#"):  # url(#id) names an SVG element, not a file
            refs.append(_Ref(url, True))
    return refs


def _site_urls(text: str, site_url: str) -> list[_Ref]:
    """Absolute URLs into the site in a feed, sitemap or export (other URLs are not links)."""
    refs = []
    for match in _ABSOLUTE_URL.finditer(text):
        url = html.unescape(match.group(0)).rstrip(".,;:!?")
        if url.startswith(site_url) or url + "/" == site_url:
            refs.append(_Ref(url, False))
    return refs


def not_carried_over(config: Config) -> list[Problem]:
    """What the build could not carry over from the sources as written for another
    generator (shortcodes, Liquid, section pages, unreadable front matter...)."""
    paths, problems = find_articles(config.content_dir)
    reader = ArticleReader(config)
    for path in paths:
        problems += reader.not_carried(path)
    return problems


def check_built_site(
    site_dir: Path, output_dir: Path | None = None, base_url: str | None = None
) -> CheckReport:
    """Check the site that site.yaml in site_dir builds (or the given folder and base URL)."""
    not_carried: list[Problem] = []
    if output_dir is None or base_url is None:
        config, _ = load_config(site_dir, output_dir)
        output_dir = config.output_dir
        base_url = base_url or config.base_url
        not_carried = not_carried_over(config)
    report = check_site(output_dir, base_url)
    return replace(report, not_carried=tuple(not_carried))
