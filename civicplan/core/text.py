"""Texts that arrive as HTML (other portals, e-mail, imports) read as plain text everywhere.

One function for intake and for display: formatted markup becomes text with its paragraphs;
anything else (a resident typing «<script>» or «a < b») is kept and shown escaped.
"""

from __future__ import annotations

import re

from civicplan.analytics.text.clean import strip_html

_MARKUP = re.compile(
    r"</?(?:p|div|br|span|b|i|u|s|strong|em|ul|ol|li|a|h[1-6]|table|tbody|thead|tr|td|th|"
    r"blockquote|font|img|hr|section|article|header|footer|pre|code|small|sub|sup)\b[^<>]*>"
    r"|&(?:nbsp|amp|lt|gt|quot|laquo|raquo|mdash|ndash|#\d+);",
    re.IGNORECASE,
)
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|tr|blockquote|section|article)\s*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(?:\n\s*)+")


def looks_like_html(value: str) -> bool:
    return bool(value) and _MARKUP.search(value) is not None


def plain_text(value: str | None) -> str:
    """Formatted HTML as plain text with paragraphs kept; other text unchanged."""
    if not value or not looks_like_html(value):
        return value or ""
    text = strip_html(_BLOCK_END.sub("\n", value))
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
