"""Forms of the drafts pages: the comment on a paragraph, the editor's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from civicplan.drafts.models import AuthorKind, CommentKind
from civicplan.drafts.services.comments import BODY_MAX


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Что вы хотите сделать"),
        choices=[
            (CommentKind.REMARK, _("Написать замечание")),
            (CommentKind.AMENDMENT, _("Предложить новую редакцию (поправку)")),
        ],
        widget=forms.RadioSelect,
        initial=CommentKind.REMARK,
    )
    passage = forms.CharField(label=_("Выбранный фрагмент"), required=False, max_length=5000)
    passage_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    passage_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Замечание или обоснование поправки"),
        required=False,
        max_length=BODY_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX}),
    )
    proposed_text = forms.CharField(
        label=_("Предлагаемая редакция"),
        required=False,
        max_length=BODY_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": BODY_MAX}),
        help_text=_("Для поправки: как, по-вашему, должен звучать текст пункта или фрагмента."),
    )
    author_kind = forms.ChoiceField(
        label=_("Вы пишете как"), choices=AuthorKind.choices, initial=AuthorKind.RESIDENT
    )
    organisation = forms.CharField(
        label=_("Организация"),
        required=False,
        max_length=300,
        help_text=_(
            "Для бизнеса, НКО и муниципалитета — название, оно будет показано рядом с замечанием."
        ),
    )
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
    show_name = forms.BooleanField(
        label=_("Можно показывать моё имя рядом с замечанием"), required=False
    )
    consent = forms.BooleanField(
        label=_(
            "Я даю согласие на обработку моих персональных данных на условиях, изложенных выше"
        ),
        required=False,
    )
    # The honeypot: hidden from people by CSS and aria-hidden, filled by bots.
    website = forms.CharField(label=_("Не заполняйте это поле"), required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        if data.get("website"):
            raise forms.ValidationError(_("Форма отправлена автоматически и не принята."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Документ Word (DOCX)"),
        help_text=_(
            "Заголовки со стилями «Заголовок 1», «Заголовок 2» или с номерами («2.1.») станут разделами."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )


class DraftForm(forms.Form):
    title = forms.CharField(label=_("Название проекта"), max_length=300)
    campaign = forms.ChoiceField(label=_("Кампания"))

    def __init__(self, *args: Any, campaigns: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(str(c.pk), c.title) for c in campaigns]  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    discussion_opens = forms.DateField(
        label=_("Обсуждение с"), widget=forms.DateInput(attrs={"type": "date"})
    )
    discussion_closes = forms.DateField(
        label=_("Обсуждение по (включительно)"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ParagraphForm(forms.Form):
    text = forms.CharField(
        label=_("Текст пункта"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )


class LinksForm(forms.Form):
    directions = forms.MultipleChoiceField(
        label=_("Направления"), required=False, widget=forms.CheckboxSelectMultiple
    )
    goals = forms.MultipleChoiceField(
        label=_("Цели"), required=False, widget=forms.CheckboxSelectMultiple
    )
    kpis = forms.MultipleChoiceField(
        label=_("Показатели"), required=False, widget=forms.CheckboxSelectMultiple
    )
    measures = forms.MultipleChoiceField(
        label=_("Мероприятия"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, values in choices.items():
            self.fields[name].choices = values  # type: ignore[attr-defined]


class ModerateForm(forms.Form):
    reason = forms.CharField(label=_("Причина отклонения"), required=False, max_length=500)
