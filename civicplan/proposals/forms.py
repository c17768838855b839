"""Forms of the proposal pages. Validation of substance lives in the services; the forms
check the shape of the input and carry the anti-bot fields."""

from __future__ import annotations

import time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from civicplan.proposals.models import AgeGroup, RejectionReason
from civicplan.proposals.textcheck import TEXT_MAX, TITLE_MAX

_SALT = "proposals.form-started"


def form_token_new() -> str:
    return signing.dumps(time.time(), salt=_SALT)


def form_token_age(token: str) -> float | None:
    """Seconds since the form was shown, or None for a forged or stale token."""
    try:
        started = float(signing.loads(token, salt=_SALT, max_age=24 * 3600))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - started


def min_fill_seconds() -> float:
    return float(getattr(settings, "PROPOSALS_MIN_FILL_SECONDS", 3))


class ProposalForm(forms.Form):
    text = forms.CharField(
        label=_("Ваше предложение"),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": TEXT_MAX}),
        max_length=TEXT_MAX * 2,
        required=False,
        help_text=_("От 20 до 5 000 символов: что предлагаете сделать, где и зачем."),
    )
    title = forms.CharField(
        label=_("Коротко, о чём предложение"),
        max_length=TITLE_MAX * 2,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX}),
    )
    municipality = forms.CharField(
        label=_("Муниципальное образование"),
        required=False,
        max_length=255,
        help_text=_("Начните вводить название города или района и выберите из списка."),
        widget=forms.TextInput(attrs={"list": "municipality-list", "autocomplete": "off"}),
    )
    direction = forms.ChoiceField(label=_("Направление стратегии"), required=False)
    name = forms.CharField(label=_("Как к вам обращаться"), max_length=150, required=False)
    email = forms.CharField(
        label=_("Электронная почта"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Телефон"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    age_group = forms.ChoiceField(
        label=_("Возраст"), required=False, choices=[("", _("не указывать")), *AgeGroup.choices]
    )
    show_name = forms.BooleanField(
        label=_("Можно показывать моё имя рядом с предложением"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "Я даю согласие на обработку моих персональных данных на условиях, изложенных выше"
        ),
        required=False,
    )
    phase = forms.CharField(widget=forms.HiddenInput, required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # The honeypot: hidden from people by CSS and aria-hidden, filled by bots.
    website = forms.CharField(label=_("Не заполняйте это поле"), required=False)

    def __init__(self, *args: Any, directions: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["direction"]).choices = [
            ("unknown", _("Не знаю")),
            *[(str(d.pk), d.title) for d in directions],
        ]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        if data.get("website"):
            raise forms.ValidationError(
                _(
                    "Форма заполнена автоматически. Если вы человек, очистите поле «Не заполняйте это поле» и отправьте ещё раз."
                ),
                code="honeypot",
            )
        age = form_token_age(data.get("started") or "")
        if age is None:
            raise forms.ValidationError(
                _("Страница устарела. Обновите её и отправьте предложение ещё раз."), code="stale"
            )
        if age < min_fill_seconds():
            raise forms.ValidationError(
                _(
                    "Форма отправлена слишком быстро — так делают программы-роботы. Проверьте текст и отправьте ещё раз."
                ),
                code="too_fast",
            )
        return data


class SupportForm(forms.Form):
    pass


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Комментарий"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Причина"),
        choices=[
            ("", "—"),
            *[c for c in RejectionReason.choices if c[0] != RejectionReason.DUPLICATE],
        ],
    )
    note = forms.CharField(
        label=_("Пояснение для автора"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Файл CSV или XLSX"))
    channel = forms.ChoiceField(label=_("Откуда поступили предложения"))
    publish = forms.BooleanField(
        label=_("Сразу опубликовать (прошли модерацию на бумаге)"), required=False
    )
