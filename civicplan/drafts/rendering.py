"""The paragraphs of the reading view as HTML built in Python.

A 300-page draft has some 3,000 paragraphs; through the template engine each costs about a
millisecond, which alone would take the page past its 300 ms budget. The markup is the same
the template wrote: the number, the text (sanitised HTML of lists and tables as stored, plain
text escaped), the comment count with its heat level and the link to the discussion."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _escape
from typing import Any

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from civicplan.core.templatetags.civic import ru_plural_form


class ParagraphsRenderer:
    """Renders the paragraphs of one page: the link prefix and the labels are looked up once
    (a 300-page draft has 150 sections and 3,000 paragraphs)."""

    def __init__(self, *, is_open: bool) -> None:
        self.link = reverse("drafts:paragraph", args=[0])[: -len("0/")]
        self.forms = (str(_("замечание")), str(_("замечания")), str(_("замечаний")))
        self.discuss = _escape(str(_("Обсудить") if is_open else _("Без замечаний")))
        self.point = _escape(str(_("пункт")))

    def __call__(self, paragraphs: Iterable[Any]) -> SafeString:
        """`paragraphs` carry `comment_count` and `heat` (see `selectors.reading`)."""
        link, forms, discuss, point = self.link, self.forms, self.discuss, self.point
        out: list[str] = []
        for p in paragraphs:
            number = _escape(p.number)
            body = p.html if p.html else f"<p>{_escape(p.text)}</p>"
            count = p.comment_count
            label = f"{count}\u00a0{ru_plural_form(count, forms)}" if count else discuss
            none = "" if count else " dp-none"
            out.append(
                f'<div class="dp heat-{p.heat}" id="p-{p.pk}">'
                f'<span class="dp-num">{number}</span>'
                f'<div class="dp-text" data-paragraph="{p.pk}" data-kind="{p.kind}">{body}</div>'
                f'<a class="dp-count{none}" href="{link}{p.pk}/">{label}'
                f'<span class="visually-hidden"> — {point} {number}</span></a></div>'
            )
        # Every piece is escaped above; the stored HTML of lists and tables was sanitised on
        # save; `kind` is one of the model's choices.
        return mark_safe("".join(out))


def paragraphs_html(paragraphs: Iterable[Any], *, is_open: bool) -> SafeString:
    return ParagraphsRenderer(is_open=is_open)(paragraphs)


def text_with_passages(text: str, comments: Iterable[Any]) -> SafeString:
    """A plain paragraph with the passages its published comments quote marked; each mark
    links to the first comment on it. Overlapping passages merge into one mark."""
    spans: list[tuple[int, int, int]] = []
    for c in comments:
        start, end = c.passage_start, c.passage_end
        if start is None or end is None or getattr(c, "earlier_wording", False):
            continue
        if c.paragraph_id != getattr(c, "shown_on", c.paragraph_id):
            continue
        if 0 <= start < end <= len(text) and text[start:end].strip():
            spans.append((start, end, c.pk))
    spans.sort()
    merged: list[list[int]] = []
    for start, end, pk in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, pk])
    out: list[str] = []
    at = 0
    title = escape(_("К этому фрагменту есть замечание"))
    for start, end, pk in merged:
        out.append(escape(text[at:start]))
        out.append(
            f'<mark class="dp-mark"><a href="#c-{pk}" title="{title}">'
            f"{escape(text[start:end])}</a></mark>"
        )
        at = end
    out.append(escape(text[at:]))
    return mark_safe("<p>" + "".join(out) + "</p>")
