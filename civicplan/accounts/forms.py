"""Forms of the account pages."""

from __future__ import annotations

from typing import Any, cast

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
        cast("forms.ChoiceField", self.fields["scopes"]).choices = [
            (name, f"{SCOPES[name].label} — {name}") for name in allowed_scopes
        ]


class RegistrationForm(forms.Form):
    email = forms.EmailField(label=_("Электронная почта"), max_length=254)
    first_name = forms.CharField(label=_("Имя"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Фамилия"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Пароль"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Не короче 10 знаков, не только цифры и не похожий на ваше имя или почту."),
    )
    password2 = forms.CharField(
        label=_("Пароль ещё раз"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_("Я даю согласие на обработку персональных данных"),
        required=True,
        error_messages={
            "required": _(
                "Без согласия на обработку персональных данных зарегистрироваться нельзя."
            )
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Пароли не совпадают."))
        return data


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Код из приложения"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Я понимаю, что учётная запись и мои персональные данные будут удалены безвозвратно"
        ),
        required=True,
        error_messages={"required": _("Подтвердите удаление, отметив поле.")},
    )
