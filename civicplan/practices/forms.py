"""Forms of the practice library: search filters, the proposal form, moderation."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicplan.practices.models import Domain
from civicplan.practices.services import Figure
from civicplan.territories.models import Municipality, Region

FIGURE_ROWS = 3
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".rtf")


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Поиск"), required=False, max_length=200)
    domain = forms.ModelChoiceField(
        label=_("Сфера"),
        queryset=Domain.objects.order_by("order", "name"),
        required=False,
        to_field_name="code",
        empty_label=_("все"),
    )
    region = forms.ModelChoiceField(
        label=_("Регион"),
        queryset=Region.objects.filter(practices__isnull=False).distinct().order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("все"),
    )
    with_figures = forms.BooleanField(label=_("только с результатами в цифрах"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PracticeProposalForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Муниципальное образование"), queryset=Municipality.objects.none()
    )
    title = forms.CharField(label=_("Название практики"), max_length=255)
    problem = forms.CharField(
        label=_("Какую проблему решали"),
        widget=forms.Textarea,
        max_length=5000,
        help_text=_("С цифрами, если они есть: сколько жителей затронуто, какие были потери."),
    )
    actions = forms.CharField(label=_("Что сделано"), widget=forms.Textarea, max_length=10000)
    results = forms.CharField(
        label=_("Результаты"), widget=forms.Textarea, max_length=5000, required=False
    )
    year_start = forms.IntegerField(label=_("Год начала"), min_value=1990, max_value=2100)
    year_end = forms.IntegerField(
        label=_("Год окончания"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("Оставьте пустым, если практика продолжается."),
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Сферы"),
        queryset=Domain.objects.order_by("order", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.CharField(
        label=_("Контакты для коллег"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("Подразделение, служебный телефон или почта. Личные данные не указывайте."),
    )
    document_title = forms.CharField(label=_("Название документа"), max_length=255, required=False)
    document_url = forms.URLField(
        label=_("Ссылка на документ"), required=False, assume_scheme="https"
    )
    document_file = forms.FileField(
        label=_("Файл документа"),
        required=False,
        help_text=_("PDF, DOCX, XLSX или ODT до 10 МБ."),
    )

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelChoiceField[Any]", self.fields["municipality"]
        ).queryset = municipalities.select_related("region")
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()
        for i in range(1, FIGURE_ROWS + 1):
            self.fields[f"figure_{i}_name"] = forms.CharField(
                label=_("Показатель %(n)s") % {"n": i}, max_length=255, required=False
            )
            self.fields[f"figure_{i}_before"] = forms.FloatField(label=_("Было"), required=False)
            self.fields[f"figure_{i}_after"] = forms.FloatField(label=_("Стало"), required=False)
            self.fields[f"figure_{i}_unit"] = forms.CharField(
                label=_("Единица"), max_length=64, required=False
            )

    def figure_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"figure_{i}_{part}"] for part in ("name", "before", "after", "unit")]
            for i in range(1, FIGURE_ROWS + 1)
        ]

    def clean_year_start(self) -> int:
        year = self.cleaned_data["year_start"]
        if year > timezone.now().year:
            raise forms.ValidationError(_("Практика не может начаться в будущем."))
        return year

    def clean_document_file(self) -> Any:
        upload = self.cleaned_data.get("document_file")
        if upload is None:
            return None
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("Файл больше 10 МБ."))
        if not upload.name.lower().endswith(DOCUMENT_EXTENSIONS):
            raise forms.ValidationError(
                _("Допустимы файлы PDF, DOC, DOCX, ODT, XLS, XLSX, ODS, RTF.")
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        start, end = data.get("year_start"), data.get("year_end")
        if start and end and end < start:
            self.add_error("year_end", _("Год окончания не может быть раньше года начала."))
        figures: list[Figure] = []
        for i in range(1, FIGURE_ROWS + 1):
            name = (data.get(f"figure_{i}_name") or "").strip()
            before = data.get(f"figure_{i}_before")
            after = data.get(f"figure_{i}_after")
            if not name and before is None and after is None:
                continue
            if not name:
                self.add_error(f"figure_{i}_name", _("Назовите показатель."))
                continue
            if after is None:
                self.add_error(f"figure_{i}_after", _("Укажите, каким стал показатель."))
                continue
            figures.append(
                Figure(
                    name=name, before=before, after=after, unit=data.get(f"figure_{i}_unit") or ""
                )
            )
        data["figures"] = figures
        if (data.get("document_url") or data.get("document_file")) and not (
            data.get("document_title") or ""
        ).strip():
            self.add_error("document_title", _("Назовите документ."))
        return data


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("publish", _("опубликовать")), ("reject", _("отклонить"))]
    )
    note = forms.CharField(
        label=_("Комментарий для автора"), required=False, max_length=2000, widget=forms.Textarea
    )
