from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicplan.notifications.models import Category, EmailMode, FeedbackAnswer, Subscriber

STAFF_MODES = [(EmailMode.DAILY, EmailMode.DAILY.label), (EmailMode.OFF, EmailMode.OFF.label)]


class PreferencesForm(forms.Form):
    email_stopped = forms.BooleanField(
        label=_("Не присылать мне никаких писем (уведомления останутся на сайте)"),
        required=False,
    )

    def __init__(self, *args: Any, subscriber: Subscriber, show_staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in Category:
            if category == Category.STAFF and not show_staff:
                continue
            self.fields[category.value] = forms.ChoiceField(
                label=category.label,
                choices=STAFF_MODES if category == Category.STAFF else EmailMode.choices,
                initial=subscriber.email_mode(category.value),
                widget=forms.Select,
            )
        self.fields["email_stopped"].initial = bool(subscriber.email_stopped_at)

    def modes(self) -> dict[str, str]:
        return {c: self.cleaned_data[c] for c in Category.values if c in self.cleaned_data}


class FollowByEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Электронная почта"),
        error_messages={"invalid": _("Проверьте адрес электронной почты: в нём ошибка.")},
    )
    consent = forms.BooleanField(
        label=_("Согласен на обработку адреса электронной почты, чтобы получать уведомления"),
        required=True,
        error_messages={"required": _("Без согласия мы не можем присылать письма.")},
    )


class FeedbackForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Решена ли проблема, о которой вы писали?"),
        choices=FeedbackAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Выберите ответ: да, частично или нет.")},
    )
    comment = forms.CharField(
        label=_("Комментарий (необязательно)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Виден исполнителям мероприятия. Не указывайте персональные данные."),
    )
