"""Feed HTML -> Markdown: the text, links, emphasis, lists, quotes and images an editor keeps.

Anything else (scripts, styles, forms, iframes, unknown tags) is dropped or reduced to its
text, so the Markdown written is already clean; the reader still sanitises what it renders.
Relative links and image addresses are made absolute against the item's URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_DROPPED = {"script", "style", "noscript", "iframe", "object", "embed", "form", "button",
            "select", "textarea", "svg", "math", "template", "head", "title"}  # fmt: skip
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "figure",
           "figcaption", "table", "tr", "dl", "dd", "dt", "address", "details"}  # fmt: skip
_HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}  # the title is the h1
_ESCAPED = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))")
_NESTED_GAP = re.compile(r"\n\n+(?=- |\d+\. )")
_ITEM = re.compile(r"^(?:- |\d+\. )")
_SPACES = re.compile(r"[ \t\r\n\f]+")  # no-break spaces are typography: kept
_BLANK_LINES = re.compile(r"\n{3,}")
_SAFE_SCHEMES = ("http", "https", "mailto", "")


@dataclass
class _Frame:
    """An open element whose Markdown is written when it closes (links, headings, items)."""

    tag: str
    parts: list[str] = field(default_factory=list)
    href: str = ""


class _Converter(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.stack: list[_Frame] = [_Frame("root")]
        self.dropping = 0
        self.lists: list[list[int]] = []  # per open list: [number or -1 for bullets]
        self.pre = 0

    # Writing goes into the innermost open frame.
    def _emit(self, text: str) -> None:
        self.stack[-1].parts.append(text)

    def _block(self) -> None:
        self._emit("\n\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag in _DROPPED:
                self.dropping += 1
            return
        if tag in _DROPPED:
            self.dropping = 1
            return
        values = {k: v or "" for k, v in attrs}
        if tag in _BLOCKS:
            self._block()
        elif tag in _HEADINGS or tag in ("a", "li", "blockquote", "pre"):
            frame = _Frame(tag, href=self._url(values.get("href", "")) if tag == "a" else "")
            if tag == "li":
                pass
            elif tag in ("blockquote", "pre") or tag in _HEADINGS:
                self._block()
            if tag == "pre":
                self.pre += 1
            self.stack.append(frame)
        elif tag in ("ul", "ol"):
            self._block()
            self.lists.append([1 if tag == "ol" else -1])
        elif tag in ("strong", "b"):
            self._emit("**")
        elif tag in ("em", "i"):
            self._emit("*")
        elif tag == "code" and not self.pre:
            self._emit("`")
        elif tag == "br":
            self._emit("  \n" if not self.pre else "\n")
        elif tag == "hr":
            self._emit("\n\n---\n\n")
        elif tag == "img":
            src = self._url(values.get("src", ""))
            if src:
                alt = _SPACES.sub(" ", values.get("alt", "")).strip()
                self._emit(f"![{_escape(alt)}]({_link_target(src)})")
        elif tag in ("td", "th"):
            self._emit(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag in _DROPPED:
                self.dropping -= 1
            return
        if tag in _BLOCKS:
            self._block()
        elif tag in _HEADINGS or tag in ("a", "li", "blockquote", "pre"):
            if not any(f.tag == tag for f in self.stack[1:]):
                return  # a stray closing tag
            while self.stack[-1].tag != tag:  # close what the feed left open inside
                self._close(self.stack.pop())
            self._close(self.stack.pop())
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._block()
        elif tag in ("strong", "b"):
            self._emit("**")
        elif tag in ("em", "i"):
            self._emit("*")
        elif tag == "code" and not self.pre:
            self._emit("`")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        if self.pre:
            self._emit(data)
        else:
            text = _escape(_SPACES.sub(" ", data))
            # A chunk that starts a line with #, >, - or 1. would become a heading or a list.
            self._emit(_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1))

    def _close(self, frame: _Frame) -> None:
        inner = "".join(frame.parts)
        if frame.tag == "a":
            text = inner.strip()
            if frame.href and text:
                self._emit(f"[{text}]({_link_target(frame.href)})")
            else:
                self._emit(inner)
        elif frame.tag in _HEADINGS:
            text = _SPACES.sub(" ", inner).strip()
            if text:
                self._emit(f"{'#' * _HEADINGS[frame.tag]} {text}")
            self._block()
        elif frame.tag == "li":
            marker = "- "
            if self.lists and self.lists[-1][0] > 0:
                marker = f"{self.lists[-1][0]}. "
                self.lists[-1][0] += 1
            # A nested list follows its item's text directly, indented four spaces under it.
            body = _NESTED_GAP.sub("\n", _tidy(inner)).replace("\n", "\n    ")
            before = "".join(self.stack[-1].parts[-1:])
            self._emit(("" if before.endswith("\n") else "\n") + f"{marker}{body}\n")
        elif frame.tag == "blockquote":
            text = _tidy(inner)
            if text:
                self._emit("\n".join(f"> {line}".rstrip() for line in text.split("\n")))
            self._block()
        elif frame.tag == "pre":
            self.pre -= 1
            self._emit("```\n" + inner.strip("\n") + "\n```")
            self._block()

    def _url(self, value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        absolute = urljoin(self.base_url, value) if self.base_url else value
        scheme = urlsplit(absolute).scheme.lower()
        return absolute if scheme in _SAFE_SCHEMES else ""

    def markdown(self) -> str:
        while len(self.stack) > 1:
            self._close(self.stack.pop())
        return _tidy("".join(self.stack[0].parts))


def html_to_markdown(fragment: str, base_url: str = "") -> str:
    """Markdown for an HTML fragment from a feed or a page; links absolute against base_url."""
    converter = _Converter(base_url)
    converter.feed(fragment)
    converter.close()
    return converter.markdown()


def html_to_text(fragment: str) -> str:
    """The words of an HTML fragment on one line, for summaries and first sentences."""
    converter = _TextOnly()
    converter.feed(fragment)
    converter.close()
    return _SPACES.sub(" ", "".join(converter.parts)).strip()


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropping += 1
        elif tag in _BLOCKS or tag in _HEADINGS or tag in ("br", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED and self.dropping:
            self.dropping -= 1
        elif tag in _BLOCKS or tag in _HEADINGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def _escape(text: str) -> str:
    return _ESCAPED.sub(r"\\\1", text)


def _link_target(url: str) -> str:
    # Markdown ends a link at the first space or unbalanced parenthesis: write those encoded.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _tidy(text: str) -> str:
    """Trim each line (keeping list indents, hard breaks and code), at most one blank line."""
    lines: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if line.startswith("```"):
            in_code = not in_code
            lines.append(line)
            continue
        if in_code:
            lines.append(line)
            continue
        hard_break = line.endswith("  ") and line.strip()
        stripped = line.strip(" ")
        keep_indent = _ITEM.match(stripped) is not None
        line = line.rstrip(" ") if keep_indent else stripped
        lines.append(line + "  " if hard_break else line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
