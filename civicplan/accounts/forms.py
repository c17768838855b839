"""Forms of the account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicplan.accounts.scopes import SCOPES

LIFETIME_CHOICES = [
    (30, _("30 дней")),
    (90, _("90 дней")),
    (180, _("180 дней")),
    (365, _("1 год")),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Название"),
        max_length=100,
        help_text=_("Чтобы потом узнать токен, например «Выгрузка для отдела экономики»."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Права"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Срок действия"), choices=LIFETIME_CHOICES, coerce=int, initial=90
    )

    def __init__(self, *args: Any, allowed_scopes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (name, f"{SCOPES[name].label} — {name}") for name in allowed_scopes
        ]
