"""The pages: reading view with counts and filters, the paragraph's discussion and form,
the fate page, the editor's import and publishing, the moderation queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from civicplan.drafts.models import DraftComment, VersionStatus
from civicplan.drafts.services import comment_moderate, paragraph_links_set
from civicplan.drafts.testing import (
    comment_make,
    draft_make,
    paragraph_with,
    sample_docx,
    version_published,
)

pytestmark = pytest.mark.django_db


def _published(world: Any) -> Any:
    return version_published(draft_make(world.campaign, world.editor), world.editor)


def test_reading_view_shows_numbers_counts_and_filters(world: Any, client: Client) -> None:
    version = _published(world)
    towns = paragraph_with(version, "Малые города")
    paragraph_links_set(paragraph=towns, actor=world.editor, directions=[world.people])
    comment_moderate(comment=comment_make(towns), actor=world.moderator, publish=True)
    comment_make(towns, 2)  # waiting for moderation: not counted

    page = client.get(reverse("drafts:read", args=[version.draft_id]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "2.1.1" in html and "1\xa0замечание" in html and "heat-4" in html
    assert "<table>" in html and "Ожидаемая продолжительность жизни" in html
    filtered = client.get(
        reverse("drafts:version", args=[version.draft_id, 1]), {"direction": world.people.pk}
    ).content.decode()
    assert "Малые города области" in filtered and "Пригородные электрички" not in filtered
    by_section = client.get(
        reverse("drafts:read", args=[version.draft_id]),
        {"section": version.sections.get(number="3").pk},
    ).content.decode()
    assert "Пригородные электрички" in by_section and "Малые города области" not in by_section


def test_unpublished_versions_are_not_public(world: Any, client: Client) -> None:
    from civicplan.drafts.testing import version_imported

    version = version_imported(draft_make(world.campaign, world.editor), world.editor)
    assert client.get(reverse("drafts:read", args=[version.draft_id])).status_code == 404
    paragraph = version.paragraphs.first()
    assert client.get(reverse("drafts:paragraph", args=[paragraph.pk])).status_code == 404


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "remark",
        "body": "Добавьте поддержку ремесленных ярмарок в малых городах.",
        "author_kind": "resident",
        "name": "Мария Иванова",
        "email": "maria@example.ru",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_resident_comments_a_passage_and_reaches_the_fate_page(world: Any, client: Client) -> None:
    version = _published(world)
    towns = paragraph_with(version, "Малые города")
    url = reverse("drafts:paragraph", args=[towns.pk])

    form = client.get(url, {"start": 0, "end": 12})
    assert 'value="Малые города"' in form.content.decode()
    sent = client.post(url, _form(passage="открытом голосовании"), follow=True)

    comment = DraftComment.objects.get()
    assert comment.passage == "открытом голосовании"
    assert sent.redirect_chain[-1][0] == reverse("drafts:fate", args=[comment.tracking_token])
    html = sent.content.decode()
    assert "на модерации" in html and "нет решения" in html
    assert "maria@example.ru" not in html and "Мария" not in html


def test_form_errors_keep_what_was_typed(world: Any, client: Client) -> None:
    version = _published(world)
    towns = paragraph_with(version, "Малые города")
    page = client.post(
        reverse("drafts:paragraph", args=[towns.pk]),
        _form(consent="", body="Мой важный текст замечания."),
    )
    html = page.content.decode()
    assert page.status_code == 422
    assert "Без согласия на обработку" in html and "Мой важный текст замечания." in html
    assert not DraftComment.objects.exists()


def test_closed_discussion_shows_the_date_instead_of_the_form(world: Any, client: Client) -> None:
    import datetime

    version = _published(world)
    version.discussion_opens = datetime.date(2026, 2, 1)
    version.discussion_closes = datetime.date(2026, 2, 28)
    version.save()
    towns = paragraph_with(version, "Малые города")
    html = client.get(reverse("drafts:paragraph", args=[towns.pk])).content.decode()
    assert "завершилось 28 февраля 2026" in html and 'name="consent"' not in html
    posted = client.post(reverse("drafts:paragraph", args=[towns.pk]), _form())
    assert posted.status_code == 409 and not DraftComment.objects.exists()


def test_visitor_supports_once(world: Any, client: Client) -> None:
    version = _published(world)
    comment = comment_make(paragraph_with(version, "Малые города"))
    comment_moderate(comment=comment, actor=world.moderator, publish=True)
    url = reverse("drafts:support", args=[comment.pk])
    client.post(url)
    again = client.post(url, follow=True)
    comment.refresh_from_db()
    assert comment.support_count == 1
    assert "уже поддержали" in again.content.decode()


def test_supports_from_one_address_are_limited(world: Any, client: Client, settings: Any) -> None:
    settings.DRAFTS_SUPPORTS_PER_IP = 2
    version = _published(world)
    paragraph = paragraph_with(version, "Малые города")
    comments = [comment_make(paragraph, n) for n in (1, 2, 3)]
    for c in comments:
        comment_moderate(comment=c, actor=world.moderator, publish=True)
    for c in comments:
        Client().post(reverse("drafts:support", args=[c.pk]))  # a new session each time
    last = Client().post(reverse("drafts:support", args=[comments[0].pk]), follow=True)
    assert "слишком много поддержек" in last.content.decode()
    assert sum(DraftComment.objects.values_list("support_count", flat=True)) == 2


def test_editor_imports_and_publishes_from_the_page(world: Any, client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = draft_make(world.campaign, world.editor)
    client.force_login(world.editor)
    upload = SimpleUploadedFile("проект стратегии.docx", sample_docx())
    with_job = client.post(reverse("drafts:manage", args=[draft.pk]), {"file": upload})
    assert with_job.status_code == 302
    from civicplan.core.jobs import job_run
    from civicplan.core.models import Job

    job_run(job_id=Job.objects.get(kind="drafts.import").pk)
    page = client.get(with_job["Location"]).content.decode()
    assert "Создана редакция 1" in page and "Нумерация разделов нарушена" in page
    version = draft.versions.get()
    published = client.post(
        reverse("drafts:version_action", args=[version.pk, "publish"]),
        {"discussion_opens": "2026-01-01", "discussion_closes": "2099-12-31"},
        follow=True,
    )
    version.refresh_from_db()
    assert version.status == VersionStatus.OPEN, published.content.decode()[:500]


def test_staff_pages_are_for_staff(world: Any, client: Client) -> None:
    draft = draft_make(world.campaign, world.editor)
    client.force_login(world.other_editor)
    assert client.get(reverse("drafts:manage", args=[draft.pk])).status_code == 403
    assert client.get(reverse("drafts:queue")).status_code == 403


def test_moderator_publishes_from_the_queue(world: Any, client: Client) -> None:
    version = _published(world)
    comment = comment_make(paragraph_with(version, "Малые города"))
    client.force_login(world.moderator)
    queue = client.get(reverse("drafts:queue")).content.decode()
    assert "Прошу уточнить сроки" in queue and "anna1@example.ru" not in queue
    client.post(reverse("drafts:moderate", args=[comment.pk]), {"decision": "publish"})
    comment.refresh_from_db()
    assert comment.status == "published"


def test_editor_renames_a_section_and_edits_a_paragraph_on_the_site(
    world: Any, client: Client
) -> None:
    from civicplan.drafts.testing import version_imported

    version = version_imported(draft_make(world.campaign, world.editor), world.editor)
    section = version.sections.get(number="3")
    paragraph = paragraph_with(version, "Пригородные электрички")
    client.force_login(world.editor)

    client.post(reverse("drafts:section_edit", args=[section.pk]), {"title": "Транспорт"})
    empty = client.post(reverse("drafts:paragraph_edit", args=[paragraph.pk]), {"t-text": " "})
    client.post(
        reverse("drafts:paragraph_edit", args=[paragraph.pk]),
        {"t-text": "Электрички Самара — Тольятти ходят каждые 30 минут в часы пик."},
    )
    client.post(
        reverse("drafts:paragraph_edit", args=[paragraph.pk]),
        {"l-directions": [str(world.economy.pk)]},
    )

    section.refresh_from_db()
    paragraph.refresh_from_db()
    assert section.title == "Транспорт"
    assert empty.status_code == 422 and "не может быть пустым" in empty.content.decode()
    assert paragraph.text.startswith("Электрички Самара — Тольятти ходят каждые 30 минут")
    assert list(paragraph.directions.all()) == [world.economy]
    page = client.get(reverse("drafts:version_edit", args=[version.pk])).content.decode()
    assert "Экономический прорыв" in page and "Изменить заголовок" in page


def test_home_page_invites_to_the_open_discussion(world: Any, client: Client) -> None:
    _published(world)
    html = client.get("/").content.decode()
    assert "открыт для замечаний и поправок до" in html
    assert "Обсуждение проекта" in html  # the main menu


def test_a_paragraph_of_a_closed_version_points_to_the_current_wording(
    world: Any, client: Client
) -> None:
    import datetime

    from django.utils import timezone

    from civicplan.drafts.services import version_create_next, version_publish

    first = _published(world)
    draft = first.draft
    second = version_create_next(draft=draft, actor=world.editor)
    today = timezone.localdate()
    version_publish(
        version=second, actor=world.editor, opens=today, closes=today + datetime.timedelta(days=9)
    )
    old = paragraph_with(first, "Малые города")
    new = second.paragraphs.get(lineage=old.lineage)

    html = client.get(reverse("drafts:paragraph", args=[old.pk])).content.decode()

    assert "Этот пункт в редакции 2" in html
    assert reverse("drafts:paragraph", args=[new.pk]) in html
    assert 'name="consent"' not in html


def test_commented_passages_are_marked_in_the_paragraph(world: Any, client: Client) -> None:
    version = _published(world)
    towns = paragraph_with(version, "Малые города")
    start = towns.text.index("открытом голосовании")
    comment = comment_make(
        towns, passage_start=start, passage_end=start + len("открытом голосовании")
    )
    comment_moderate(comment=comment, actor=world.moderator, publish=True)

    html = client.get(reverse("drafts:paragraph", args=[towns.pk])).content.decode()

    assert f'<a href="#c-{comment.pk}"' in html
    assert '<mark class="dp-mark">' in html and ">открытом голосовании</a></mark>" in html


def test_editor_starts_the_next_version_and_may_delete_it(world: Any, client: Client) -> None:
    version = _published(world)
    client.force_login(world.editor)

    started = client.post(reverse("drafts:version_action", args=[version.pk, "next"]))
    second = version.draft.versions.get(number=2)
    assert started["Location"] == reverse("drafts:version_edit", args=[second.pk])
    refused = client.post(reverse("drafts:version_action", args=[version.pk, "next"]), follow=True)
    assert "Редакция 2 ещё не опубликована" in refused.content.decode()
    client.post(reverse("drafts:version_action", args=[second.pk, "delete"]))
    assert list(version.draft.versions.values_list("number", flat=True)) == [1]
    kept = client.post(reverse("drafts:version_action", args=[version.pk, "delete"]), follow=True)
    assert "уже опубликована" in kept.content.decode()
    assert version.draft.versions.count() == 1


def test_personal_data_written_in_a_comment_is_masked_on_the_public_discussion(
    world: Any, client: Client
) -> None:
    """A resident writes his phone and e-mail inside the comment; the moderator publishes
    it. Everyone else reads the comment with them masked; the fate page (the author's own)
    keeps his words."""
    version = _published(world)
    paragraph = paragraph_with(version, "Малые города")
    comment = comment_make(
        paragraph,
        body="Готов помочь с дворами на ул. Мира, звоните +7 927 555-12-34 или pishite@mail.ru.",
        kind="amendment",
        proposed_text="с участием жителей (контакт: 8 (846) 200-30-40)",
    )
    comment_moderate(comment=comment, actor=world.moderator, publish=True)

    page = client.get(reverse("drafts:paragraph", args=[paragraph.pk])).content.decode()
    assert "Готов помочь с дворами" in page
    for secret in ("555-12-34", "pishite@mail.ru", "200-30-40"):
        assert secret not in page
    fate = client.get(reverse("drafts:fate", args=[comment.tracking_token])).content.decode()
    assert "555-12-34" in fate
