"""Forms of the public pages and the admin; every rule lives in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civicplan.core.errors import InvalidInput
from civicplan.publications.models import Article


class CommentForm(forms.Form):
    author_name = forms.CharField(
        label=_("Как вас подписать"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # No max_length here: the service answers a too long text with a clear message.
    text = forms.CharField(
        label=_("Комментарий"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("До 3000 знаков. Комментарий появится после проверки модератором."),
    )
    consent = forms.BooleanField(
        label=_("Я даю согласие на обработку персональных данных"), required=False
    )


class ArticleAdminForm(forms.ModelForm):
    """The admin's article form: the cover is checked by its content."""

    tag_names = forms.CharField(
        label=_("Теги"),
        required=False,
        help_text=_("Через запятую: «стратегические сессии, малые города»."),
    )

    class Meta:
        model = Article
        fields = (
            "title",
            "slug",
            "lead",
            "body",
            "cover",
            "cover_alt",
            "campaign",
            "municipality",
            "direction",
            "event_type",
            "event_id",
            "poll",
            "state",
            "publish_at",
            "author",
            "byline",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Оставьте пустым — адрес составится из заголовка.")
        if self.instance.pk:
            self.fields["tag_names"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_cover(self) -> Any:
        from civicplan.core.uploads import IMAGES, upload_check

        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "read") and not getattr(cover, "_committed", False):
            try:
                upload_check(cover, allowed=IMAGES, max_bytes=5 * 1024 * 1024)
            except InvalidInput as error:
                raise ValidationError(error.message) from error
        return cover

    def tag_list(self) -> list[str]:
        raw = self.cleaned_data.get("tag_names") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]
