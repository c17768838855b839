"""Forms of the strategy pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civicplan.strategy.models import MeasureState, Sector


class RoadmapFilterForm(forms.Form):
    sector = forms.ChoiceField(
        label=_("Сектор"), required=False, choices=[("", _("все"))] + Sector.choices
    )
    organisation = forms.CharField(label=_("Исполнитель"), required=False, max_length=255)
    municipality = forms.CharField(label=_("Муниципалитет (ОКТМО)"), required=False, max_length=11)
    state = forms.ChoiceField(
        label=_("Состояние"), required=False, choices=[("", _("все"))] + MeasureState.choices
    )
    late = forms.BooleanField(label=_("Только отстающие"), required=False)


class ImportForm(forms.Form):
    KIND_CHOICES = [
        ("structure", _("Структура: направления, цели, показатели, мероприятия")),
        ("values", _("Фактические значения показателей")),
    ]
    kind = forms.ChoiceField(label=_("Что загружаем"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("Файл XLSX по шаблону"))


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Выполнение, %"), min_value=0, max_value=100)
    state = forms.ChoiceField(label=_("Состояние"), choices=MeasureState.choices)


class KpiValueForm(forms.Form):
    year = forms.IntegerField(label=_("Год"))
    value = forms.CharField(label=_("Значение"), max_length=32)
    source = forms.CharField(label=_("Источник"), max_length=255, required=False)


class VersionForm(forms.Form):
    label = forms.CharField(label=_("Название версии"), max_length=64)
    note = forms.CharField(label=_("Комментарий"), max_length=500, required=False)
