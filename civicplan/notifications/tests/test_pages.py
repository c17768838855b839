"""Pages: the header counter, the list, «Подписки», «Мой кабинет», follow buttons,
«Решена ли проблема?» from the letter, its counts on the measure and monitoring pages, API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicplan.notifications.models import (
    Category,
    EmailMode,
    FeedbackAnswer,
    Notification,
    ProblemFeedback,
    TargetKind,
)
from civicplan.notifications.services import notify, subscriber_for_user
from civicplan.notifications.tests.conftest import OTRADNY, measure_for, published
from civicplan.notifications.tokens import feedback_token
from civicplan.proposals.models import ProposalStatus
from civicplan.proposals.services import proposal_answer
from civicplan.strategy.services import measure_progress_set, measure_upsert
from civicplan.territories.models import Municipality

pytestmark = pytest.mark.django_db


def test_header_counter_for_a_signed_in_resident_only(client, anna, campaign):
    notify(
        name="proposal.answered",
        category=Category.PROPOSAL,
        subscriber_ids=[subscriber_for_user(anna).pk],
        title="Официальный ответ на предложение «Тротуар у школы № 3»",
        url="/proposals/",
    )
    assert "notifications-link" not in client.get("/").content.decode()

    client.force_login(anna)
    html = client.get("/").content.decode()
    assert 'class="notifications-link"' in html and '<span class="badge"' in html
    assert "Мой кабинет" in html


def test_list_open_marks_read_and_mark_all(client, anna, campaign):
    sid = subscriber_for_user(anna).pk
    for title in ("Первое уведомление", "Второе уведомление"):
        notify(
            name="x",
            category=Category.PROPOSAL,
            subscriber_ids=[sid],
            title=title,
            url="/proposals/",
        )
    client.force_login(anna)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Первое уведомление" in page and "Второе уведомление" in page
    first = Notification.objects.filter(subscriber_id=sid).order_by("pk").first()

    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/proposals/"
    assert Notification.objects.filter(subscriber_id=sid, read_at__isnull=True).count() == 1

    client.post(reverse("notifications:list"))
    assert Notification.objects.filter(subscriber_id=sid, read_at__isnull=True).count() == 0


def test_someone_elses_notification_is_not_found(client, anna, boris, campaign):
    event = notify(
        name="x",
        category=Category.PROPOSAL,
        subscriber_ids=[subscriber_for_user(anna).pk],
        title="Личное",
    )
    mine = Notification.objects.get(event=event)
    client.force_login(boris)
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 404


def test_follows_page_lists_follows_and_saves_delivery(client, anna, campaign):
    otradny = Municipality.objects.get(oktmo=OTRADNY)
    client.force_login(anna)
    client.post(reverse("notifications:follow"), {"kind": "municipality", "target_id": otradny.pk})
    page = client.get(reverse("notifications:follows")).content.decode()
    assert "Отрадный" in page and "Письма на почту" in page

    modes = {c: EmailMode.DAILY for c in Category.values if c != Category.STAFF}
    response = client.post(reverse("notifications:follows"), modes)
    assert response.status_code == 302
    assert subscriber_for_user(anna).email_mode(Category.PROPOSAL) == EmailMode.DAILY

    bad = client.post(reverse("notifications:follows"), {**modes, Category.PROPOSAL: "hourly"})
    assert bad.status_code == 200 and "message-error" in bad.content.decode()


def test_follow_button_on_pages(client, anna, campaign, otradny_moderator):
    proposal = published(campaign, otradny_moderator)
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "Следить" in page and "после входа на сайт" in page  # no form, no CSRF for the cache

    client.force_login(anna)
    page = client.get(reverse("territories:municipality", args=[OTRADNY])).content.decode()
    assert 'name="kind" value="municipality"' in page


def test_cabinet_shows_my_proposals_and_what_became_of_them(
    client, anna, campaign, otradny_moderator
):
    proposal = published(campaign, otradny_moderator, user=anna)
    measure = measure_for(campaign)
    measure_upsert(strategy=campaign.strategy, code=measure.code, proposals=[proposal])
    measure_progress_set(measure=measure, progress=40)
    client.force_login(anna)
    page = client.get(reverse("notifications:cabinet")).content.decode()
    assert "Мой кабинет" in page
    assert "Ремонт улично-дорожной сети малых городов" in page and "40 %" in page


def test_problem_question_from_the_letter_without_signing_in(
    client, anna, campaign, otradny_moderator
):
    proposal = published(campaign, otradny_moderator, user=anna)
    proposal_answer(
        proposal=proposal,
        actor=otradny_moderator,
        text="Ремонт включён в мероприятие по дорогам малых городов.",
        organisation="Администрация г. о. Отрадный",
        status=ProposalStatus.ACCEPTED,
    )
    measure = measure_for(campaign, proposals=[proposal])
    measure_progress_set(measure=measure, progress=100)
    feedback = ProblemFeedback.objects.get(measure=measure)
    url = reverse("notifications:feedback", args=[feedback_token(feedback_id=feedback.pk)])

    page = client.get(url + "?answer=partly").content.decode()
    assert "Решена ли проблема?" in page and 'value="partly"' in page

    empty = client.post(url, {"comment": "Без ответа"})
    assert "Выберите ответ" in empty.content.decode()

    response = client.post(url, {"answer": "partly", "comment": "Дорогу сделали, тротуар — нет."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert feedback.answer == FeedbackAnswer.PARTLY

    measure_page = client.get(response["Location"]).content.decode()
    assert "частично — 1" in measure_page
    assert "тротуар — нет" not in measure_page  # comments only for staff
    monitoring = client.get(
        reverse("strategy:monitoring", args=[campaign.strategy.slug])
    ).content.decode()
    assert "Решены ли проблемы жителей" in monitoring


def test_forged_feedback_link_is_not_found(client, campaign):
    assert client.get(reverse("notifications:feedback", args=["подделка"])).status_code == 404


def test_api_lists_counts_and_follows(client, anna, campaign):
    otradny = Municipality.objects.get(oktmo=OTRADNY)
    notify(
        name="x",
        category=Category.NEWS,
        subscriber_ids=[subscriber_for_user(anna).pk],
        title="Новое предложение",
    )
    assert client.get("/api/v1/notifications/unread").status_code == 401
    client.force_login(anna)
    assert client.get("/api/v1/notifications/unread").json() == {"unread": 1}
    assert client.get("/api/v1/notifications/").json()[0]["title"] == "Новое предложение"
    created = client.post(
        "/api/v1/notifications/follows",
        {"kind": TargetKind.MUNICIPALITY, "target_id": otradny.pk},
        content_type="application/json",
    )
    assert created.status_code == 201
    assert client.get("/api/v1/notifications/follows").json()[0]["title"] == "Отрадный"
    assert client.post(
        "/api/v1/notifications/read", {}, content_type="application/json"
    ).json() == {"unread": 0}
