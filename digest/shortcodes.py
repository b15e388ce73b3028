"""Hugo shortcodes and Jekyll's Liquid in an article body, turned into Markdown and HTML."""

from __future__ import annotations

import html
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from digest.errors import Problem

# Links that only the built site can resolve are written with these relative prefixes and
# finished on the article's page (link_body): the sanitiser keeps relative URLs as they are.
ROOT_MARK = ".digest-root/"
REF_MARK = ".digest-ref/"
# Hugo's escaped shortcodes, shortcodes, Liquid tags and Liquid outputs. Arguments stop at
# the next `{` and are bounded, so an unclosed `{{` in a 79,000-character line costs a short
# look ahead, not a scan to the end of the body.
_CONSTRUCT = re.compile(
    r"\{\{<\s*/\*(?P<esc_angle>.{0,2000}?)\*/\s*>\}\}"
    r"|\{\{%\s*/\*(?P<esc_percent>.{0,2000}?)\*/\s*%\}\}"
    r"|\{\{(?P<open>[<%])\s*(?P<close>/)?\s*(?P<name>[\w.-]+)(?P<args>[^{]{0,2000}?)\s*(?P<self>/)?\s*[>%]\}\}"
    r"|\{%-?\s*(?P<tag>\w+)(?P<tag_args>[^{%]{0,2000}?)-?%\}"
    r"|\{\{-?\s*(?P<output>[^<%{][^{}]{0,500}?)\s*-?\}\}",
    re.S,
)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})", re.M)
_CODE_SPAN = re.compile(r"(`+)(?!`)[^\n]{1,2000}?(?<!`)\1(?!`)")
_KEY_VALUE = re.compile(r'(\w+)=(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")  # as sources.py reads them
_STANDALONE = {"figure", "ref", "relref", "youtube", "vimeo", "gist"}  # never have inner text
_BLOCK_TAGS = {"highlight": "endhighlight", "raw": "endraw", "comment": "endcomment"}
_ROOT_OUTPUTS = re.compile(
    r"^site\.baseurl$|^(['\"])(?P<path>[^'\"]*)\1\s*\|\s*(?P<filter>relative_url|absolute_url)$"
)


@dataclass
class Expansion:
    """One body's shortcodes expanded: the new Markdown, the articles it links to, problems."""

    text: str
    refs: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Where:
    """The file being expanded, for messages and for finding the articles it links to."""

    shown: str
    path: Path
    site_dir: Path
    content_dir: Path
    body_line: int


def expand(body: str, where: Where) -> Expansion:
    """Hugo shortcodes and Liquid the site can carry over become their Markdown or HTML;
    the rest are left out with a warning (a paired one keeps its inner text), so no `{{<`
    or `{%` is left on the page. In code, an unknown one is code and stays as written."""
    if "{{" not in body and "{%" not in body:
        return Expansion(body, ())
    return _Expander(body, where).run()


class _Expander:
    def __init__(self, body: str, where: Where) -> None:
        self.body = body
        self.where = where
        self.code = _code_ranges(body)
        self.out: list[str] = []
        self.refs: list[str] = []
        self.problems: list[Problem] = []
        self.warned: set[str] = set()
        self._articles: dict[str, list[str]] | None = None

    def run(self) -> Expansion:
        body, pos = self.body, 0
        while True:
            match = _CONSTRUCT.search(body, pos)
            if match is None:
                break
            self.out.append(body[pos : match.start()])
            pos = self.one(match)
        self.out.append(body[pos:])
        return Expansion("".join(self.out), tuple(dict.fromkeys(self.refs)), self.problems)

    def line(self, pos: int) -> int:
        return self.where.body_line + self.body.count("\n", 0, pos)

    def in_code(self, pos: int) -> bool:
        return any(start <= pos < end for start, end in self.code)

    def warn(self, pos: int, key: str, message: str, hint: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.problems.append(Problem(self.where.shown, self.line(pos), message, hint))

    def one(self, match: re.Match[str]) -> int:
        """Append what match stands for; return where reading goes on."""
        g = match.groupdict()
        end = match.end()
        if g["esc_angle"] is not None:
            self.out.append("{{< " + g["esc_angle"].strip() + " >}}")
        elif g["esc_percent"] is not None:
            self.out.append("{{% " + g["esc_percent"].strip() + " %}}")
        elif g["name"] is not None:
            return self.hugo(match)
        elif g["tag"] is not None:
            return self.liquid_tag(match)
        else:
            return self.liquid_output(match)
        return end

    # --- Hugo ---------------------------------------------------------------------------

    def hugo(self, match: re.Match[str]) -> int:
        name, args = match.group("name"), _arguments(match.group("args"))
        start, end = match.start(), match.end()
        closing = match.group("close") is not None
        if closing:  # the end of a pair whose opening was left out: nothing to show
            return end
        inner: str | None = None
        if match.group("self") is None and name not in _STANDALONE:
            pair = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}")
            found = pair.search(self.body, end)
            if found is not None:  # a pair: what is between is its inner text
                inner = self.body[end : found.start()]
                end = found.end()
        if name == "figure":
            self.out.append(_figure(args))
        elif name in ("ref", "relref"):
            self.out.append(self.ref(_positional(args, 0) or args.get("path", ""), start))
        elif name == "youtube":
            video = _positional(args, 0) or args.get("id", "")
            self.out.append(_plain_link(f"https://www.youtube.com/watch?v={quote(video)}"))
        elif name == "vimeo":
            video = _positional(args, 0) or args.get("id", "")
            self.out.append(_plain_link(f"https://vimeo.com/{quote(video)}"))
        elif name == "gist":
            user, gist = _positional(args, 0), _positional(args, 1)
            self.out.append(_plain_link(f"https://gist.github.com/{quote(user)}/{quote(gist)}"))
        elif name == "highlight" and inner is not None:
            self.out.append(_code_block(inner, _positional(args, 0)))
        elif self.in_code(start):
            self.out.append(match.group(0))  # code about shortcodes: leave it as written
            return match.end()
        else:
            kept = inner is not None and inner.strip()
            self.warn(
                start,
                "hugo " + name,
                f"shortcode {{{{< {name} >}}}} is not supported; "
                + ("its inner text is kept" if kept else "left out"),
                "write what it showed as Markdown or HTML",
            )
            if kept and inner is not None:
                self.out.append(inner)
        return end

    # --- Liquid -------------------------------------------------------------------------

    def liquid_tag(self, match: re.Match[str]) -> int:
        tag, rest = match.group("tag"), match.group("tag_args").strip()
        start, end = match.start(), match.end()
        closer = _BLOCK_TAGS.get(tag)
        if closer is not None:
            found = re.compile(r"\{%-?\s*" + closer + r"\s*-?%\}").search(self.body, end)
            if found is not None:
                inner = self.body[end : found.start()]
                if tag == "raw":
                    self.out.append(inner)
                elif tag == "highlight":
                    self.out.append(_code_block(inner, rest.split()[0] if rest else ""))
                return found.end()  # comment: nothing
        if tag in ("link", "post_url"):
            self.out.append(self.ref(rest, start))
        elif self.in_code(start):
            self.out.append(match.group(0))  # code about Liquid: leave it as written
        elif not tag.startswith("end"):  # an end tag's opening was warned about
            self.warn(
                start,
                "liquid " + tag,
                f"Liquid tag {{% {tag} %}} is not supported; left out",
                "write what it made as Markdown",
            )
        return end

    def liquid_output(self, match: re.Match[str]) -> int:
        expression = " ".join(match.group("output").split())
        end = match.end()
        root = _ROOT_OUTPUTS.match(expression)
        if root is not None:
            self.out.append(ROOT_MARK + (root.group("path") or "").lstrip("/"))
            # `{{ site.baseurl }}/x`: the mark already ends in a slash
            return end + 1 if self.body.startswith("/", end) and not root.group("filter") else end
        if expression == "site.url":
            return end
        if self.in_code(match.start()):
            self.out.append(match.group(0))
            return end
        name = expression.split("|")[0].strip()
        self.warn(
            match.start(),
            "output " + name,
            f"Liquid {{{{ {name} }}}} is not supported; left out",
            "write its value in the text",
        )
        return end

    # --- links to other articles ----------------------------------------------------------

    def ref(self, target: str, pos: int) -> str:
        target = target.strip().strip("\"'")
        path, _, anchor = target.partition("#")
        found = self.find_article(path)
        if found is None:
            self.warn(
                pos,
                "ref " + target,
                f'link to "{target}": no such article under {self.where.content_dir.name}/; '
                "the link goes nowhere",
                "fix the path, or copy that article into the content folder",
            )
            return "#" + anchor if anchor else ""  # `({% link x %}#part)`: no second #
        self.refs.append(found)
        return REF_MARK + quote(found) + ("#" + anchor if anchor else "")

    def find_article(self, target: str) -> str | None:
        """The shown path of the article a Hugo ref, Jekyll link or post_url names: as a path
        from the site, the content folder or the article's folder, else by file name."""
        where = self.where
        clean = target.strip().lstrip("/")
        if not clean:
            return None
        bases = (where.path.parent, where.content_dir, where.site_dir)
        for base in bases:
            candidate = base / clean
            options = [
                candidate,
                *(candidate.with_name(candidate.name + s) for s in _ARTICLE_SUFFIXES),
            ]
            options += [candidate / ("index" + s) for s in _ARTICLE_SUFFIXES]
            for option in options:
                if option.is_file() and _inside(option, where.content_dir):
                    return option.resolve().relative_to(where.site_dir.resolve()).as_posix()
        stem = Path(clean).stem if Path(clean).suffix in _ARTICLE_SUFFIXES else Path(clean).name
        matches = self.articles().get(stem, [])
        return matches[0] if len(matches) == 1 else None

    def articles(self) -> dict[str, list[str]]:
        """Every article under the content folder by file stem (a bundle by its folder)."""
        if self._articles is None:
            found: dict[str, list[str]] = {}
            site = self.where.site_dir.resolve()
            for root, dirs, names in os.walk(self.where.content_dir):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    stem, suffix = os.path.splitext(name)
                    if suffix.lower() not in _ARTICLE_SUFFIXES:
                        continue
                    path = Path(root, name).resolve()
                    key = Path(root).name if stem == "index" else stem
                    found.setdefault(key, []).append(path.relative_to(site).as_posix())
            self._articles = found
        return self._articles


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def _code_ranges(body: str) -> list[tuple[int, int]]:
    """Where fenced code blocks and `code spans` are."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    while True:
        opening = _FENCE.search(body, pos)
        if opening is None:
            break
        fence = opening.group(1)
        closing = re.compile(
            r"^[ \t]{0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M
        )
        line_end = body.find("\n", opening.end())
        found = closing.search(body, line_end + 1) if line_end != -1 else None
        end = found.end() if found else len(body)
        ranges.append((opening.start(), end))
        pos = end
    outside = _code_spans_outside(body, ranges)
    return sorted(ranges + outside)


def _code_spans_outside(body: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans = []
    for match in _CODE_SPAN.finditer(body):
        if not any(s <= match.start() < e for s, e in blocks):
            spans.append((match.start(), match.end()))
    return spans


def _arguments(text: str) -> dict[str | int, str]:
    """Hugo's arguments: named (`src="x"`) or positional (`"go" "linenos=table"`)."""
    text = text.strip()
    named: dict[str | int, str] = {}
    if _KEY_VALUE.match(text):  # `src="x" alt="y"`, not `go "linenos=table"`
        for match in _KEY_VALUE.finditer(text):
            named[match.group(1).lower()] = next(g for g in match.groups()[1:] if g is not None)
        return named
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    return {n: word for n, word in enumerate(words)}


def _positional(args: dict[str | int, str], n: int) -> str:
    return args.get(n, "")


def _figure(args: dict[str | int, str]) -> str:
    src = args.get("src", "")
    alt = args.get("alt", "") or args.get("caption", "") or args.get("title", "")
    img = f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
    link = args.get("link", "")
    if link:
        img = f'<a href="{html.escape(link)}">{img}</a>'
    caption = " ".join(p for p in (args.get("title", ""), args.get("caption", "")) if p)
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f"\n\n<figure>{img}{figcaption}</figure>\n\n"


def _plain_link(url: str) -> str:
    return f"<{url}>"


def _code_block(code: str, language: str) -> str:
    code = code.strip("\n")
    cls = f' class="language-{html.escape(language)}"' if language else ""
    return f"\n\n<pre><code{cls}>{html.escape(code, quote=False)}\n</code></pre>\n\n"


def link_body(body_html: str, page_url: str, refs: dict[str, str]) -> str:
    """Finish the links only the built site knows, on the page at page_url: the site's root,
    and other articles by their source path (refs: path -> site URL)."""
    if ROOT_MARK not in body_html and REF_MARK not in body_html:
        return body_html
    root = "../" * page_url.count("/")

    def article(match: re.Match[str]) -> str:
        url = refs.get(unquote(match.group(1)), "")
        return match.group(0)[0] + (root + url if url else "#")

    body_html = re.sub(r'"' + re.escape(REF_MARK) + r'([^"#]*)', article, body_html)
    return body_html.replace(ROOT_MARK, root or "./")  # in a link, or {{ site.baseurl }} in text
