"""Forms of the meetings pages (they only parse input; services decide)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from civicplan.meetings.models import (
    BoardState,
    IdeaKind,
    Session,
    SessionLevel,
    StakeholderGroup,
    VotingMode,
)


class CalendarFilterForm(forms.Form):
    region = forms.TypedChoiceField(label=_("Регион"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(
        label=_("Уровень"), required=False, choices=[("", _("любой")), *SessionLevel.choices]
    )
    when = forms.ChoiceField(
        label=_("Когда"),
        required=False,
        choices=[("", _("все")), ("upcoming", _("предстоящие")), ("past", _("прошедшие"))],
    )

    def __init__(self, *args: Any, regions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["region"]).choices = [
            ("", _("все регионы")),
            *regions,
        ]


class PersonForm(forms.Form):
    last_name = forms.CharField(label=_("Фамилия"), max_length=100)
    first_name = forms.CharField(label=_("Имя"), max_length=100)
    patronymic = forms.CharField(label=_("Отчество"), max_length=100, required=False)
    email = forms.EmailField(label=_("Электронная почта"))
    group = forms.ChoiceField(
        label=_("Кого вы представляете"),
        choices=[("", _("— выберите группу —")), *StakeholderGroup.choices],
    )
    organisation = forms.CharField(label=_("Организация"), max_length=300, required=False)
    position = forms.CharField(label=_("Должность"), max_length=300, required=False)
    section = forms.TypedChoiceField(
        label=_("Секция"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["section"]).choices = [("", _("выберу на месте"))] + [
            (s.pk, s.title) for s in session.sections.all()
        ]


class RegistrationForm(PersonForm):
    phone = forms.CharField(label=_("Телефон"), max_length=32, required=False)
    consent = forms.BooleanField(
        label=_("Я согласен(на) на обработку моих персональных данных"),
        required=False,
    )

    field_order = [
        "last_name",
        "first_name",
        "patronymic",
        "email",
        "phone",
        "group",
        "organisation",
        "position",
        "section",
        "consent",
    ]


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Код участника"), max_length=20)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Название материала"), max_length=300)
    file = forms.FileField(label=_("Файл (PDF, DOCX, XLSX или изображение, до 20 МБ)"))


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Код доски"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class NicknameForm(forms.Form):
    nickname = forms.CharField(
        label=_("Как вас подписать на доске"),
        max_length=40,
        help_text=_("Имя или псевдоним, видно другим участникам сессии."),
    )


class IdeaForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Что это"), choices=IdeaKind.choices, widget=forms.RadioSelect, initial="proposal"
    )
    text = forms.CharField(
        label=_("Ваша идея"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class BoardControlForm(forms.Form):
    board_state = forms.ChoiceField(label=_("Доска"), choices=BoardState.choices)
    voting_mode = forms.ChoiceField(label=_("Способ голосования"), choices=VotingMode.choices)
    dots_per_member = forms.IntegerField(label=_("Голосов у участника"), min_value=1, max_value=20)


class IdeaEditForm(forms.Form):
    text = forms.CharField(
        label=_("Формулировка"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Вид"), choices=IdeaKind.choices)
    cluster = forms.TypedChoiceField(
        label=_("Группа"), required=False, coerce=int, empty_value=None
    )
    merge_into = forms.TypedChoiceField(
        label=_("Объединить с идеей"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, clusters: Any, ideas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["cluster"]).choices = [("", _("без группы"))] + [
            (c.pk, c.title) for c in clusters
        ]
        cast("forms.ChoiceField", self.fields["merge_into"]).choices = [
            ("", _("не объединять"))
        ] + [(i.pk, f"№{i.pk}: {i.text[:70]}") for i in ideas]


class ClusterForm(forms.Form):
    title = forms.CharField(label=_("Новая группа идей"), max_length=200)


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Заголовок"), max_length=200)
    text = forms.CharField(
        label=_("Формулировка предложения"), widget=forms.Textarea(attrs={"rows": 4})
    )
    direction = forms.TypedChoiceField(label=_("Направление стратегии"), coerce=int)
    idea = forms.TypedChoiceField(
        label=_("На основе идеи"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, directions: Any, ideas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["direction"]).choices = [
            (d.pk, d.title) for d in directions
        ]
        cast("forms.ChoiceField", self.fields["idea"]).choices = [("", "—")] + [
            (i.pk, f"№{i.pk}: {i.text[:70]}") for i in ideas
        ]


class MeasureForm(forms.Form):
    organisation = forms.CharField(label=_("Ответственный исполнитель"), max_length=255)
    starts_on = forms.DateField(label=_("Начало"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Окончание"), widget=forms.DateInput(attrs={"type": "date"}))
