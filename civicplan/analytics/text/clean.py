"""Cleaning: from what a portal sends to plain text.

Messages arrive as HTML copied from other portals, with entities (`&nbsp;`), every kind of
quote and dash, stray spaces, and residents' e-mails, phone numbers and links. `clean_text`
turns them into plain text with the contacts masked (they are personal data, and noise for
analysis). `normalize_for_matching` is for comparing words only (lower case, ё → е); the
cleaned text keeps its letters for people to read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

EMAIL_MASK = "[email]"
PHONE_MASK = "[телефон]"
URL_MASK = "[ссылка]"
MASKS = (EMAIL_MASK, PHONE_MASK, URL_MASK)

_BLOCK_CONTENT = re.compile(
    r"<(script|style|head|template|noscript)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_BREAK_TAG = re.compile(
    r"<\s*(?:br|/?p|/?div|/?li|/?ul|/?ol|/?tr|/?h[1-6]|/?blockquote|/?table|hr)\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<![^<>]*>")
_ENTITY_LIKE = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[^\W\d_]{2,24}\b")
_URL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[^\s<>«»\"]+"
    r"|(?<![\w@.-])(?:[a-zA-Zа-яА-ЯёЁ0-9-]{1,63}\.){1,4}"
    r"(?:ru|рф|su|com|org|net|info|gov|edu|io|me|online|site|moscow|рус)"
    r"(?:/[^\s<>«»\"]*)?(?![\w-])",
    re.IGNORECASE,
)
_URL_HINT = re.compile(
    r"://|www\.|\.(?:ru|рф|su|com|org|net|info|gov|edu|io|me|online|site|moscow|рус)(?![\w-])",
    re.IGNORECASE,
)
_TRAILING_PUNCT = ".,;:!?)]»\"'"
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?7|8|7)[\s\-–(]{0,3}\d{3,5}[\s\-–)]{0,3}\d{1,3}[\s\-–]?\d{2}[\s\-–]?\d{2}(?!\d)"
    r"|(?<![\w-])\d{3}[\s-]\d{2}[\s-]\d{2}(?![\w-])"
)

_PHONE_HINT = re.compile(r"\d(?:[\s\-–()]{0,3}\d){6}")

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(
    "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000\x0b\x0c]{2,}"
    "|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000\x0b\x0c]"
)
_ODD_CHARACTERS = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")
_ODD_QUOTES_AND_HYPHENS = re.compile("[‘’‚‛′`‐‑‒−﹣－]")
_NEWLINES = re.compile(r"\s*\n\s*")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

_DOUBLE_QUOTES = re.compile('["“”„‟″〝〞＂«»]')
_SINGLE_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'"})
_HYPHENS = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "−": "-", "﹣": "-", "－": "-"})
_SPACED_DASH = re.compile(r"(?:(?<=\s)|^)(?:-{1,3}|–|—|―)(?=\s|$)", re.MULTILINE)
_LONG_DASH_IN_WORD = re.compile(r"(?<=\w)[–—―](?=\w)")
_REPEATED_PUNCT = re.compile(r"([!?.,])\1{3,}")


def strip_html(text: str) -> str:
    """Remove tags, comments and scripts; decode entities; block tags become line breaks."""
    if "<" in text:
        text = _BLOCK_CONTENT.sub(" ", text)
        text = _COMMENT.sub(" ", text)
        text = _BREAK_TAG.sub("\n", text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        # Twice: portals sometimes escape twice (`&amp;nbsp;`).
        text = html.unescape(text)
        if _ENTITY_LIKE.search(text):
            text = html.unescape(text)
    return text


def _replace_quotes(text: str) -> str:
    """All double quotes become «ёлочки»: opening after a space or bracket, closing otherwise."""

    def pick(match: re.Match[str]) -> str:
        start = match.start()
        before = text[start - 1] if start > 0 else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before.isspace() or before in "([{—-/«":
            return "«"
        if after.isalnum() and not before.isalnum():
            return "«"
        return "»"

    return _DOUBLE_QUOTES.sub(pick, text)


def normalize_punctuation(text: str) -> str:
    """Quotes as «ёлочки» and ', hyphens as -, a dash between words as an em dash."""
    if _ODD_QUOTES_AND_HYPHENS.search(text):  # rare: translate() is slow on Cyrillic text
        text = text.translate(_SINGLE_QUOTES).translate(_HYPHENS)
    if _DOUBLE_QUOTES.search(text):
        text = _replace_quotes(text)
    if "-" in text or "–" in text or "—" in text or "―" in text:
        text = _SPACED_DASH.sub("—", text)
        text = _LONG_DASH_IN_WORD.sub("-", text)
    return _REPEATED_PUNCT.sub(r"\1\1\1", text)


def _mask_url(match: re.Match[str]) -> str:
    url = match.group(0)
    stripped = url.rstrip(_TRAILING_PUNCT)
    return URL_MASK + url[len(stripped) :]


def mask_contacts(text: str, *, emails: bool = True, phones: bool = True, urls: bool = True) -> str:
    """Replace e-mails, links and phone numbers with [email], [ссылка], [телефон]."""
    if emails and "@" in text:
        text = _EMAIL.sub(EMAIL_MASK, text)
    if urls and _URL_HINT.search(text):
        text = _URL.sub(_mask_url, text)
    if phones and _PHONE_HINT.search(text):
        text = _PHONE.sub(PHONE_MASK, text)
    return text


def normalize_whitespace(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ODD_CHARACTERS.search(text):
        text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _NEWLINES.sub("\n", text)
    return text.strip()


def clean_text(
    text: str | None,
    *,
    mask_emails: bool = True,
    mask_phones: bool = True,
    mask_urls: bool = True,
) -> str:
    """Plain, readable text: no HTML, normal quotes and dashes, contacts masked.

    Line breaks are kept (one per paragraph) because they often end sentences in messages
    written without punctuation.
    """
    if not text:
        return ""
    text = strip_html(str(text))
    text = normalize_whitespace(text)
    text = mask_contacts(text, emails=mask_emails, phones=mask_phones, urls=mask_urls)
    text = normalize_punctuation(text)
    return normalize_whitespace(text)


def normalize_for_matching(text: str) -> str:
    """Lower case with ё → е: for comparing and counting words, never for display."""
    return text.lower().replace("ё", "е")


class TextCleaner:
    """`clean_text` as a pipeline step (scikit-learn style: `fit` learns nothing)."""

    def __init__(
        self,
        *,
        mask_emails: bool = True,
        mask_phones: bool = True,
        mask_urls: bool = True,
        max_chars: int | None = None,
    ) -> None:
        self.mask_emails = mask_emails
        self.mask_phones = mask_phones
        self.mask_urls = mask_urls
        self.max_chars = max_chars

    def fit(self, texts: Iterable[str | None] | None = None) -> TextCleaner:
        return self

    def clean(self, text: str | None) -> str:
        if text and self.max_chars is not None and len(text) > self.max_chars:
            text = text[: self.max_chars]
        return clean_text(
            text,
            mask_emails=self.mask_emails,
            mask_phones=self.mask_phones,
            mask_urls=self.mask_urls,
        )

    def transform(self, texts: Iterable[str | None]) -> list[str]:
        return [self.clean(text) for text in texts]

    def fit_transform(self, texts: Iterable[str | None]) -> list[str]:
        return self.fit().transform(texts)
