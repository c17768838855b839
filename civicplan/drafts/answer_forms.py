"""The drafting group's answer form: one decision and its reason, for a comment or a group."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicplan.drafts.models import Decision
from civicplan.drafts.services.decisions import REASON_MAX

DECISION_CHOICES = [
    (Decision.ACCEPTED.value, Decision.ACCEPTED.label),
    (Decision.PARTLY.value, Decision.PARTLY.label),
    (Decision.DECLINED.value, Decision.DECLINED.label),
]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Решение"),
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Выберите решение.")},
    )
    reason = forms.CharField(
        label=_("Обоснование"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Обязательно для «учтено частично» и «не учтено»; его прочтут автор и все в сводке."
        ),
    )
