"""Safe HTML for articles, plain text for comments, reading time, text for similarity."""

from __future__ import annotations

import html
import math
import re

import nh3

ARTICLE_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "q",
    "cite",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "hr",
    "abbr",
}
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

WORDS_PER_MINUTE = 180
_WORD_RE = re.compile(r"\w+(?:[-']\w+)*", re.UNICODE)
_SPACES_RE = re.compile(r"\s+")


def article_html_clean(value: str) -> str:
    """Keep a safe subset of HTML: no scripts, frames, styles or event handlers."""
    return nh3.clean(
        value or "",
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def plain_text(value: str) -> str:
    """Drop every tag (and the contents of scripts and styles), unescape entities."""
    cleaned = nh3.clean(value or "", tags=set(), strip_comments=True)
    return html.unescape(cleaned)


def comment_text_clean(value: str) -> str:
    """A comment is plain text: tags are removed, line breaks kept, spaces tidied."""
    text = plain_text(value).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES_RE.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def word_count(value: str) -> int:
    return len(_WORD_RE.findall(plain_text(value)))


def reading_minutes(*parts: str) -> int:
    """Minutes to read the text at 180 words a minute, at least one."""
    words = sum(word_count(p) for p in parts)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
