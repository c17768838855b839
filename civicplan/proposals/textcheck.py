"""Checks of a proposal's text before it is accepted: length, only markup, only a link."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicplan.core.errors import InvalidInput
from civicplan.core.text import plain_text

TEXT_MIN = 20
TEXT_MAX = 5000
TITLE_MAX = 200

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")


def text_clean(text: str | None, *, field: str = "text") -> str:
    """The text as it will be stored, or InvalidInput. Formatted HTML from other portals
    becomes plain text; anything else (a typed «<script>») is kept and shown escaped."""
    value = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not value:
        raise InvalidInput(_("Напишите текст предложения."), field=field, code="text_empty")
    if len(value) > TEXT_MAX:
        raise InvalidInput(
            _("Текст слишком длинный: %(n)d символов, допустимо не больше %(max)d.")
            % {"n": len(value), "max": TEXT_MAX},
            field=field,
            code="text_too_long",
        )
    visible = _SPACE.sub(" ", strip_tags(value)).strip()
    if not _LETTER.search(visible):
        raise InvalidInput(
            _("В тексте нет слов — только разметка или знаки. Опишите предложение словами."),
            field=field,
            code="text_markup_only",
        )
    without_links = _SPACE.sub(" ", _URL.sub(" ", visible)).strip()
    if _URL.search(visible) and len(without_links) < TEXT_MIN:
        raise InvalidInput(
            _(
                "Текст состоит только из ссылки. Опишите предложение своими словами — ссылку можно добавить после описания."
            ),
            field=field,
            code="text_link_only",
        )
    if len(without_links) < TEXT_MIN:
        raise InvalidInput(
            _("Текст слишком короткий: опишите предложение хотя бы в %(min)d символах.")
            % {"min": TEXT_MIN},
            field=field,
            code="text_too_short",
        )
    return plain_text(value).strip()


def title_clean(title: str | None) -> str:
    value = _SPACE.sub(" ", (title or "").replace("\x00", "")).strip()
    if len(value) > TITLE_MAX:
        raise InvalidInput(
            _("Заголовок слишком длинный: допустимо не больше %(max)d символов.")
            % {"max": TITLE_MAX},
            field="title",
            code="title_too_long",
        )
    return value


def text_fingerprint(*parts: str) -> str:
    """A hash of the normalised text and who sent it: the same proposal twice has the same one."""
    normalised = [_SPACE.sub(" ", strip_tags(p or "")).strip().lower() for p in parts]
    return hashlib.sha256("\x1f".join(normalised).encode()).hexdigest()


# --- personal data inside the text ----------------------------------------------------------
# Residents write their phone, e-mail, flat address or sign with their name. The stored text
# keeps it (the moderator and the author need it); everything public — pages, API, the
# anonymous export, the idea board, analysts' pages — shows `public_text`. The fast tiers of
# the detector (patterns and dictionary, ~2 ms a text) are used; results are cached by text.

PERSONAL_KINDS = {
    "email": gettext_lazy("адрес электронной почты"),
    "phone": gettext_lazy("номер телефона"),
    "signature": gettext_lazy("подпись с именем"),
    "person": gettext_lazy("имя и фамилия"),
    "address": gettext_lazy("адрес с квартирой"),
}


@lru_cache(maxsize=8192)
def public_text(text: str) -> str:
    """`text` with e-mails, phones, signatures, names and flat addresses masked."""
    from civicplan.analytics.text.personal import mask_personal_data

    return mask_personal_data(text or "", ner=False) if text else ""


def personal_data_found(text: str) -> list[tuple[str, str]]:
    """[(kind label, fragment)] of the personal data in `text`, for the moderator's warning."""
    from civicplan.analytics.text.personal import find_personal_data

    return [
        (str(PERSONAL_KINDS.get(span.kind, span.kind)), span.text)
        for span in find_personal_data(text or "", ner=False)
    ]
