"""The public side: list, proposal page, supports, comments, tracking page, home block."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from civicplan.core.errors import Conflict, Forbidden
from civicplan.proposals.models import Comment, CommentStatus, Proposal, ProposalStatus
from civicplan.proposals.services import (
    comment_add,
    comment_complain,
    comment_moderate,
    proposal_consent_withdraw,
    support_add,
)
from civicplan.proposals.tests.conftest import KINEL, make_resident, published, submit

pytestmark = pytest.mark.django_db


def test_list_shows_only_published_with_filters_and_search(client, campaign, regional_moderator):
    road = published(
        campaign, regional_moderator, text="Отремонтируйте дорогу на улице Гагарина в Отрадном."
    )
    pool = published(
        campaign,
        regional_moderator,
        municipality=KINEL,
        text="Постройте в Кинеле бассейн для школьников.",
    )
    hidden = submit(campaign, text="Это предложение ещё на модерации, его нельзя показывать.")

    page = client.get(reverse("proposals:list")).content.decode()
    assert "Гагарина" in page and "бассейн" in page and "на модерации, его" not in page
    page = client.get(reverse("proposals:list"), {"municipality": KINEL}).content.decode()
    assert "бассейн" in page and "Гагарина" not in page
    page = client.get(reverse("proposals:list"), {"q": "бассейн"}).content.decode()
    assert "бассейн" in page and "Гагарина" not in page
    page = client.get(reverse("proposals:list"), {"q": "Бассейн"}).content.decode()
    assert "бассейн" in page
    page = client.get(reverse("proposals:list"), {"status": "under_review"}).content.decode()
    assert "Ничего" in page or "нет" in page
    assert hidden.pk and road.pk and pool.pk


def test_list_sorting_by_supports(client, campaign, regional_moderator):
    a = published(
        campaign,
        regional_moderator,
        text="Первое предложение: велодорожка вдоль реки Большой Кинель.",
    )
    b = published(
        campaign,
        regional_moderator,
        text="Второе предложение: детская площадка во дворе на Гагарина.",
    )
    support_add(proposal=b, user=make_resident("fan@example.ru"))
    response = client.get(reverse("proposals:list"), {"sort": "supported"})
    assert [p.pk for p in response.context["proposals"]][:2] == [b.pk, a.pk]


def test_list_costs_fixed_number_of_queries(
    client, campaign, regional_moderator, django_assert_num_queries
):
    for n in range(3):
        published(
            campaign,
            regional_moderator,
            text=f"Предложение номер {n}: отремонтировать дорогу к селу.",
        )
    client.get(reverse("proposals:list"))  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("proposals:list"))
    assert len(few.captured_queries) <= 10
    for n in range(3, 25):
        published(
            campaign,
            regional_moderator,
            text=f"Предложение номер {n}: отремонтировать дорогу к селу.",
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("proposals:list"))
    assert len(response.context["proposals"]) == 20
    assert response.context["page"].has_next()


def test_htmx_list_request_gets_partial(client, campaign, regional_moderator):
    published(campaign, regional_moderator)
    response = client.get(reverse("proposals:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "proposal-card" in html


def test_proposal_page_shows_history(client, campaign, regional_moderator):
    proposal = published(campaign, regional_moderator)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "История рассмотрения" in html and "опубликовано" in html and "на модерации" in html
    unpublished = submit(campaign, text="Неопубликованное предложение о ремонте школы в Кинеле.")
    assert client.get(reverse("proposals:detail", args=[unpublished.pk])).status_code == 404


def test_support_once_by_confirmed_resident(client, campaign, regional_moderator):
    proposal = published(campaign, regional_moderator)
    person = make_resident("ivan@example.ru")
    client.force_login(person)
    client.post(reverse("proposals:support", args=[proposal.pk]))
    second = client.post(reverse("proposals:support", args=[proposal.pk]), follow=True)
    assert "уже поддержали" in second.content.decode()
    proposal.refresh_from_db()
    assert proposal.supports_count == 1
    unconfirmed = make_resident("new@example.ru", confirmed=False)
    with pytest.raises(Forbidden, match="подтвердите"):
        support_add(proposal=proposal, user=unconfirmed)
    client.logout()
    anonymous = client.post(reverse("proposals:support", args=[proposal.pk]))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_cannot_support_unpublished(campaign):
    proposal = submit(campaign)
    with pytest.raises(Conflict):
        support_add(proposal=proposal, user=make_resident("x@example.ru"))


def test_support_via_htmx_returns_box(client, campaign, regional_moderator):
    proposal = published(campaign, regional_moderator)
    client.force_login(make_resident("htmx@example.ru"))
    response = client.post(reverse("proposals:support", args=[proposal.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="support-box"' in html and "1\u00a0житель поддержал" in html


def test_comments_premoderated_then_published(client, campaign, regional_moderator):
    proposal = published(campaign, regional_moderator)
    person = make_resident("comment@example.ru")
    comment = comment_add(
        proposal=proposal, user=person, text="Поддерживаю, у нас во дворе то же самое."
    )
    assert comment.status == CommentStatus.PENDING
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "во дворе то же самое" not in html
    comment_moderate(comment=comment, actor=regional_moderator, publish=True)
    proposal.refresh_from_db()
    assert proposal.comments_count == 1
    assert (
        "во дворе то же самое"
        in client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    )


def test_postmoderated_comments_and_complaints_hide(campaign, regional_moderator):
    campaign.comments_premoderated = False
    campaign.save()
    proposal = published(campaign, regional_moderator)
    comment = comment_add(
        proposal=proposal, user=make_resident("a@example.ru"), text="Грубый комментарий."
    )
    assert comment.status == CommentStatus.PUBLISHED
    for n in range(3):
        comment_complain(
            comment=comment, user=make_resident(f"c{n}@example.ru"), reason="оскорбление"
        )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.HIDDEN and comment.complaints_count == 3
    with pytest.raises(Conflict):
        comment_complain(comment=comment, user=make_resident("late@example.ru"))
    assert Proposal.objects.get(pk=proposal.pk).comments_count == 0
    assert Comment.objects.count() == 1


def test_tracking_page_and_withdrawal(
    client, campaign, regional_moderator, django_capture_on_commit_callbacks
):
    proposal = submit(campaign)
    url = reverse("proposals:track", args=[proposal.tracking_code])
    html = client.get(url).content.decode()
    assert "на модерации" in html and "Отозвать согласие" in html
    not_confirmed = client.post(
        reverse("proposals:withdraw", args=[proposal.tracking_code]), follow=True
    )
    assert "Подтвердите" in not_confirmed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            reverse("proposals:withdraw", args=[proposal.tracking_code]),
            {"confirm": "yes"},
            follow=True,
        )
    assert "отправили письмо" in asked.content.decode()
    proposal.refresh_from_db()
    assert not proposal.personal_data.is_erased and proposal.withdrawn_at is None
    letter = mail.outbox[-1]
    assert letter.to == [proposal.personal_data.email]
    link = re.search(r"https?://\S+/proposals/withdraw/\S+/", letter.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    confirm_page = client.get("/" + path)
    assert "Да, удалить" in confirm_page.content.decode()
    assert (
        confirm_page["Cache-Control"].startswith("max-age=0")
        or "no-store" in confirm_page["Cache-Control"]
    )
    proposal.refresh_from_db()
    assert proposal.withdrawn_at is None  # opening the link (or a mail scanner) erases nothing
    done = client.post("/" + path, HTTP_REFERER="", HTTP_ORIGIN="null")
    assert "персональные данные удалены" in done.content.decode()
    proposal.refresh_from_db()
    data = proposal.personal_data
    assert data.is_erased and data.name == "" and data.email == ""
    assert data.consent.withdrawn_at is not None
    assert proposal.author_display_name == "" and proposal.withdrawn_at
    assert "персональные данные удалены" in client.get(url).content.decode()
    assert proposal_consent_withdraw(tracking_code=proposal.tracking_code).pk == proposal.pk
    assert client.get(reverse("proposals:track", args=["NOSUCHCODE12"])).status_code == 404


def test_home_block_invites_and_lists(client, campaign, regional_moderator):
    published(campaign, regional_moderator)
    html = client.get("/").content.decode()
    assert "Отправить предложение" in html and "Больше всего поддержали" in html
    assert Proposal.objects.filter(status=ProposalStatus.PUBLISHED).count() == 1


def test_demo_loads_published_proposals_quickly(campaign):
    import io

    from civicplan.proposals import demo

    out = io.StringIO()
    demo.load(stdout=out)
    assert Proposal.objects.filter(status__in=["published", "accepted", "implemented"]).count() > 50
    assert Proposal.objects.filter(answered_at__isnull=False).exists()
    assert "Предложений жителей" in out.getvalue()
    demo.load(stdout=out)
    assert "уже загружены" in out.getvalue()


def test_resident_data_export_and_erasure_cover_proposals(campaign, regional_moderator):
    from civicplan.proposals.services.personal_data import (
        proposals_personal_data_erase,
        proposals_personal_data_export,
    )

    person = make_resident("author@example.ru")
    mine = published(campaign, regional_moderator, user=person)
    other = published(campaign, regional_moderator, text="Чужое предложение про парк в Кинеле.")
    support_add(proposal=other, user=person)

    exported = proposals_personal_data_export(person)
    assert [p["id"] for p in exported["proposals"]] == [mine.pk]
    assert exported["proposals"][0]["name"] == "Анна Петрова"
    assert exported["proposal_supports"][0]["proposal"] == other.pk

    assert proposals_personal_data_erase(user=person, dry_run=True) >= 2
    proposals_personal_data_erase(user=person)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.author is None and mine.author_display_name == ""
    assert mine.personal_data.is_erased and mine.personal_data.email == ""
    assert other.supports_count == 0


def test_campaign_retention_erases_authors_but_keeps_proposals(campaign, regional_moderator):
    from civicplan.proposals.services.personal_data import proposals_personal_data_erase

    proposal = published(campaign, regional_moderator)
    assert proposals_personal_data_erase(campaign=campaign) == 1
    proposal.refresh_from_db()
    assert proposal.personal_data.is_erased and proposal.status == ProposalStatus.PUBLISHED
    assert proposals_personal_data_erase(campaign=campaign) == 0
