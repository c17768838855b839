"""Moderators act on their own territory only; every step is recorded and the author told."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from civicplan.accounts.models import AuditLog
from civicplan.core.errors import Conflict, Forbidden, InvalidInput
from civicplan.proposals.models import (
    Proposal,
    ProposalEdit,
    ProposalStatus,
    RejectionReason,
    Support,
)
from civicplan.proposals.selectors import moderation_dashboard, moderation_queue
from civicplan.proposals.services import (
    personal_data_read,
    proposal_answer,
    proposal_classify,
    proposal_mark_duplicate,
    proposal_publish,
    proposal_redact,
    proposal_reject,
    proposal_status_set,
    proposal_text_correct,
    support_add,
)
from civicplan.proposals.tests.conftest import KINEL, OTRADNY, make_resident, published, submit

pytestmark = pytest.mark.django_db


def test_queue_is_scoped_by_role(campaign, regional_moderator, otradny_moderator, kinel_moderator):
    in_otradny = submit(campaign, municipality=OTRADNY)
    in_kinel = submit(
        campaign,
        municipality=KINEL,
        text="Предлагаю открыть в Кинеле бассейн для детей и взрослых.",
    )

    assert list(moderation_queue(otradny_moderator)) == [in_otradny]
    assert list(moderation_queue(kinel_moderator)) == [in_kinel]
    assert set(moderation_queue(regional_moderator)) == {in_otradny, in_kinel}


def test_municipal_moderator_cannot_act_outside_his_municipality(campaign, kinel_moderator):
    proposal = submit(campaign, municipality=OTRADNY)
    with pytest.raises(Forbidden):
        proposal_publish(proposal=proposal, actor=kinel_moderator)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NEW


def test_resident_gets_403_on_queue_page(client, resident):
    client.force_login(resident)
    assert client.get(reverse("proposals:queue")).status_code == 403


def test_anonymous_is_sent_to_login_from_queue(client, campaign):
    response = client.get(reverse("proposals:queue"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_publish_records_who_when_why_and_mails_author(
    campaign, otradny_moderator, django_capture_on_commit_callbacks
):
    proposal = submit(campaign)
    with django_capture_on_commit_callbacks(execute=True):
        proposal_publish(proposal=proposal, actor=otradny_moderator)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PUBLISHED and proposal.published_at
    last = proposal.status_changes.last()
    assert (last.from_status, last.to_status, last.actor) == ("new", "published", otradny_moderator)
    assert "опубликовано" in last.reason
    assert mail.outbox[-1].subject == f"Предложение № {proposal.pk}: опубликовано"


def test_reject_needs_reason_from_list_and_note_for_other(campaign, otradny_moderator):
    proposal = submit(campaign)
    with pytest.raises(InvalidInput):
        proposal_reject(proposal=proposal, actor=otradny_moderator, reason_code="")
    with pytest.raises(InvalidInput, match="Поясните"):
        proposal_reject(
            proposal=proposal, actor=otradny_moderator, reason_code=RejectionReason.OTHER
        )
    proposal_reject(
        proposal=proposal,
        actor=otradny_moderator,
        reason_code=RejectionReason.ADVERTISING,
        note="Ссылка на магазин стройматериалов.",
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    assert (
        proposal.status_changes.last().reason
        == "реклама или спам. Ссылка на магазин стройматериалов."
    )


def test_transitions_follow_the_life_of_a_proposal(campaign, otradny_moderator):
    proposal = published(campaign, otradny_moderator)
    with pytest.raises(Conflict):
        proposal_status_set(
            proposal=proposal, actor=otradny_moderator, status=ProposalStatus.IMPLEMENTED
        )
    proposal_status_set(
        proposal=proposal, actor=otradny_moderator, status=ProposalStatus.UNDER_REVIEW
    )
    answer = proposal_answer(
        proposal=proposal,
        actor=otradny_moderator,
        text="Тротуар включён в программу ремонта дорог на 2027 год.",
        organisation="Администрация городского округа Отрадный",
        status=ProposalStatus.ACCEPTED,
    )
    proposal_status_set(
        proposal=proposal, actor=otradny_moderator, status=ProposalStatus.IMPLEMENTING
    )
    proposal_status_set(
        proposal=proposal, actor=otradny_moderator, status=ProposalStatus.IMPLEMENTED
    )
    proposal.refresh_from_db()
    assert answer.proposal == proposal and proposal.answered_at
    assert [h.to_status for h in proposal.status_changes.all()] == [
        "new",
        "published",
        "under_review",
        "accepted",
        "implementing",
        "implemented",
    ]


def test_duplicate_moves_supports_once_per_person(campaign, otradny_moderator):
    original = published(
        campaign, otradny_moderator, text="Отремонтируйте дорогу на улице Гагарина, там ямы."
    )
    copy = published(campaign, otradny_moderator)
    both = make_resident("both@example.ru")
    only_copy = make_resident("copy@example.ru")
    support_add(proposal=original, user=both)
    support_add(proposal=copy, user=both)
    support_add(proposal=copy, user=only_copy)

    proposal_mark_duplicate(proposal=copy, original=original, actor=otradny_moderator)

    original.refresh_from_db()
    copy.refresh_from_db()
    assert copy.status == ProposalStatus.REJECTED and copy.duplicate_of == original
    assert copy.rejection_reason == RejectionReason.DUPLICATE
    assert original.supports_count == 2 and copy.supports_count == 0
    assert set(Support.objects.filter(proposal=original).values_list("user__email", flat=True)) == {
        "both@example.ru",
        "copy@example.ru",
    }
    with pytest.raises(InvalidInput):
        proposal_mark_duplicate(proposal=original, original=original, actor=otradny_moderator)


def test_typo_correction_keeps_the_original(campaign, otradny_moderator):
    proposal = submit(
        campaign, text="Прдлагаю отремантировать дорогу на улице Гагарина в Отрадном."
    )
    proposal_text_correct(
        proposal=proposal,
        actor=otradny_moderator,
        text="Предлагаю отремонтировать дорогу на улице Гагарина в Отрадном.",
    )
    proposal.refresh_from_db()
    edit = ProposalEdit.objects.get(proposal=proposal)
    assert proposal.text.startswith("Предлагаю отремонтировать")
    assert "Прдлагаю отремантировать" in edit.old_value
    assert edit.kind == "typo" and edit.actor == otradny_moderator


def test_redaction_removes_personal_data_everywhere(campaign, otradny_moderator):
    proposal = submit(
        campaign, text="Звоните мне: +7 927 123-45-67, Иванов. Нужна дорога на Гагарина."
    )
    proposal_text_correct(
        proposal=proposal, actor=otradny_moderator, text=proposal.text + " Срочно."
    )
    proposal_redact(
        proposal=proposal,
        actor=otradny_moderator,
        text="Звоните мне: [скрыто]. Нужна дорога на Гагарина. Срочно.",
    )
    for edit in ProposalEdit.objects.filter(proposal=proposal):
        assert "123-45-67" not in edit.old_value + edit.new_value
    proposal.refresh_from_db()
    assert "123-45-67" not in proposal.text


def test_classify_sets_direction_and_municipality(campaign, regional_moderator):
    proposal = submit(campaign)
    direction = campaign.strategy.directions.first()
    proposal_classify(
        proposal=proposal, actor=regional_moderator, direction=direction.slug, municipality=KINEL
    )
    proposal.refresh_from_db()
    assert proposal.direction == direction and proposal.municipality.oktmo == KINEL
    assert set(proposal.edits.values_list("kind", flat=True)) == {"direction", "municipality"}
    with pytest.raises(InvalidInput):
        proposal_classify(proposal=proposal, actor=regional_moderator, municipality="Атлантида")


def test_overdue_are_marked_and_counted(client, campaign, otradny_moderator):
    late = published(campaign, otradny_moderator)
    Proposal.objects.filter(pk=late.pk).update(
        answer_due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    fresh = submit(
        campaign, text="Поставьте остановку общественного транспорта у больницы в Отрадном."
    )

    stats = moderation_dashboard(otradny_moderator)
    assert stats["overdue"] == 1 and stats["new"] == 1
    assert list(moderation_queue(otradny_moderator, status=None, overdue=True)) == [
        Proposal.objects.get(pk=late.pk)
    ]
    client.force_login(otradny_moderator)
    page = client.get(reverse("proposals:queue"), {"status": "", "overdue": "1"}).content.decode()
    assert "просрочено" in page
    dashboard = client.get(reverse("proposals:dashboard")).content.decode()
    assert 'id="overdue-count"' in dashboard
    assert fresh.pk


def test_personal_data_read_is_audited_and_scoped(
    client, campaign, otradny_moderator, kinel_moderator
):
    proposal = submit(campaign)
    data = personal_data_read(proposal=proposal, actor=otradny_moderator, ip="10.0.0.5")
    assert data.email.startswith("anna")
    log = AuditLog.objects.get(action="proposal.personal_data.read")
    assert log.actor == otradny_moderator and log.ip_hash
    with pytest.raises(Forbidden):
        personal_data_read(proposal=proposal, actor=kinel_moderator)
    client.force_login(otradny_moderator)
    page = client.get(reverse("proposals:moderate", args=[proposal.pk])).content.decode()
    assert data.email not in page  # not shown until asked for
    page = client.get(
        reverse("proposals:moderate", args=[proposal.pk]), {"personal": "1"}
    ).content.decode()
    assert data.email in page
    assert AuditLog.objects.filter(action="proposal.personal_data.read").count() == 2
    client.force_login(kinel_moderator)
    assert client.get(reverse("proposals:moderate", args=[proposal.pk])).status_code == 404


def test_moderation_page_actions(client, campaign, otradny_moderator):
    proposal = submit(campaign)
    client.force_login(otradny_moderator)
    url = reverse("proposals:moderate_action", args=[proposal.pk])
    client.post(url, {"action": "publish"})
    client.post(
        url, {"action": "status", "status": "under_review", "reason": "Передано в рабочую группу."}
    )
    response = client.post(
        url,
        {
            "action": "answer",
            "status": "not_accepted",
            "text": "Вопрос решается в рамках муниципальной программы благоустройства.",
            "organisation": "Министерство транспорта",
        },
        follow=True,
    )
    assert "Официальный ответ сохранён" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.NOT_ACCEPTED
    bad = client.post(url, {"action": "reject", "reason_code": ""}, follow=True).content.decode()
    assert "нельзя отклонить" in bad or "Выберите причину" in bad
