"""Pages and API of the sessions: calendar, registration, the board, moderator, screen, reports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from civicplan.accounts.models import User
from civicplan.meetings.models import Idea, Participant
from civicplan.meetings.services import board, outcomes

from .conftest import make_session

pytestmark = pytest.mark.django_db


def test_calendar_lists_upcoming_and_past_sessions_and_filters_by_htmx(client, section) -> None:
    session = section.session
    page = client.get(reverse("meetings:calendar"))
    assert page.status_code == 200
    assert "Малые города — большие возможности" in page.content.decode()
    partial = client.get(reverse("meetings:calendar") + "?when=past", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and session.title not in body
    assert "Сессий по этим условиям нет." in body


def test_menu_and_home_show_sessions(client, section) -> None:
    home = client.get("/").content.decode()
    assert "Стратегические сессии" in home
    assert "Ближайшие стратегические сессии" in home


def test_registration_form_registers_with_consent_and_shows_the_code(client, demo_campaign) -> None:
    session = make_session(demo_campaign, state="registration")
    url = reverse("meetings:register", args=[session.slug])
    data = {
        "last_name": "Орлова",
        "first_name": "Дарья",
        "email": "orlova@example.ru",
        "group": "youth",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Без согласия на обработку персональных данных" in refused.content.decode()
    assert not Participant.objects.exists()
    done = client.post(url, {**data, "consent": "on"}, follow=True)
    participant = Participant.objects.get()
    assert participant.checkin_code in done.content.decode()
    assert "Вы зарегистрированы" in done.content.decode()


def test_participant_joins_posts_an_idea_and_votes_without_javascript(client, section) -> None:
    join = client.post(reverse("meetings:board_join", args=[section.code]), {"nickname": "Дарья"})
    assert join.status_code == 302
    board_url = reverse("meetings:board", args=[section.code])
    posted = client.post(board_url, {"kind": "proposal", "text": "Открыть коворкинг"}, follow=True)
    assert "Идея отправлена модератору" in posted.content.decode()
    idea = Idea.objects.get()
    board.section_board_update(section=section, board_state="voting")
    page = client.get(board_url).content.decode()
    assert "Осталось: 3\u00a0голоса из 3." in page
    voted = client.post(
        reverse("meetings:board_vote", args=[section.code]),
        {"action": "dot", "idea": idea.pk},
        follow=True,
    )
    assert "Голос учтён." in voted.content.decode()
    again = client.post(
        reverse("meetings:board_vote", args=[section.code]),
        {"action": "dot", "idea": idea.pk},
        follow=True,
    )
    assert "Вы уже отдали голос за эту идею." in again.content.decode()


def test_board_without_token_sends_to_join_and_status_asks_to_reload(client, section) -> None:
    assert client.get(reverse("meetings:board", args=[section.code])).status_code == 302
    status = reverse("meetings:board_status", args=[section.code])
    same = client.get(status + "?state=ideas&mode=dots")
    assert "HX-Refresh" not in same
    board.section_board_update(section=section, board_state="voting")
    assert client.get(status + "?state=ideas&mode=dots")["HX-Refresh"] == "true"
    assert client.get(reverse("meetings:board_join", args=["999999"])).status_code == 404


def test_moderator_view_is_for_moderators_and_merges_and_edits(client, section) -> None:
    url = reverse("meetings:moderate", args=[section.session.slug, section.pk])
    assert client.get(url).status_code in (302, 403)
    member, _ = board.board_join(section=section, nickname="Автор")
    a = board.idea_post(section=section, member=member, kind="proposal", text="Открыть коворкинг")
    b = board.idea_post(section=section, member=member, kind="proposal", text="Построить ФОК")
    client.force_login(User.objects.get(email="facilitator@civicplan.local"))
    page = client.get(url)
    assert page.status_code == 200 and "Открыть коворкинг" in page.content.decode()
    feed = client.get(url + "?feed=1", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in feed and "Построить ФОК" in feed
    client.post(
        url,
        {
            "action": "edit",
            "idea": b.pk,
            "edit-text": "Построить физкультурно-оздоровительный комплекс",
            "edit-kind": "proposal",
        },
    )
    b.refresh_from_db()
    assert b.text == "Построить физкультурно-оздоровительный комплекс"
    assert b.original_text == "Построить ФОК"
    client.post(url, {"action": "merge", "idea": b.pk, "into": a.pk})
    b.refresh_from_db()
    assert b.merged_into == a
    direction = section.direction
    client.post(
        url,
        {
            "action": "resolution",
            "resolution-title": "Коворкинги",
            "resolution-text": "Открыть коворкинги в малых городах региона.",
            "resolution-direction": direction.pk,
            "resolution-idea": a.pk,
        },
    )
    client.post(url, {"action": "resolutions_publish"})
    resolution = section.resolutions.get()
    assert resolution.proposal.channel == "session"


def test_moderator_of_another_region_is_refused(client, section) -> None:
    client.force_login(User.objects.get(email="moderator.orenburg@civicplan.local"))
    url = reverse("meetings:moderate", args=[section.session.slug, section.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("meetings:manage", args=[section.session.slug])).status_code == 403


def test_screen_refreshes_by_htmx_and_has_a_qr_code(client, section) -> None:
    member, _ = board.board_join(section=section, nickname="Автор")
    board.idea_post(section=section, member=member, kind="risk", text="Закроется завод")
    page = client.get(reverse("meetings:screen", args=[section.code])).content.decode()
    assert section.code in page and 'http-equiv="refresh"' in page
    partial = client.get(reverse("meetings:screen", args=[section.code]), HTTP_HX_REQUEST="true")
    assert "Закроется завод" in partial.content.decode()
    qr = client.get(reverse("meetings:board_qr", args=[section.code]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_report_is_public_after_the_session_and_minutes_only_for_organisers(
    client, section
) -> None:
    session = section.session
    report_url = reverse("meetings:report", args=[session.slug])
    assert client.get(report_url).status_code == 404  # not finished yet
    session.state = "finished"
    session.save()
    outcomes.resolution_create(
        section=section,
        title="Коворкинги",
        text="Открыть коворкинги в малых городах.",
        direction=section.direction,
    )
    page = client.get(report_url).content.decode()
    assert "Отчёт" in page and "Коворкинги" in page
    assert client.get(report_url + "?kind=minutes").status_code == 403
    docx = client.get(reverse("meetings:report_docx", args=[session.slug]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx.content[:2] == b"PK"
    client.force_login(User.objects.get(email="facilitator@civicplan.local"))
    assert client.get(report_url + "?kind=minutes").status_code == 200
    session_page = client.get(reverse("meetings:session", args=[session.slug])).content.decode()
    assert "Итоги" in session_page and "Коворкинги" in session_page


def test_api_board_flow_and_refusals(client, section) -> None:
    base = f"/api/v1/sessions/board/{section.code}"
    joined = client.post(f"{base}/join", {"nickname": "Робот"}, content_type="application/json")
    assert joined.status_code == 201
    token = joined.json()["token"]
    headers = {"HTTP_X_BOARD_TOKEN": token}
    idea = client.post(
        f"{base}/ideas",
        {"kind": "proposal", "text": "Открыть коворкинг"},
        content_type="application/json",
        **headers,
    )
    assert idea.status_code == 201
    short = client.post(
        f"{base}/ideas",
        {"kind": "proposal", "text": "да"},
        content_type="application/json",
        **headers,
    )
    assert short.status_code == 422 and "несколько слов" in short.json()["detail"]
    forged = client.post(
        f"{base}/ideas",
        {"kind": "proposal", "text": "Подделка голоса"},
        content_type="application/json",
        HTTP_X_BOARD_TOKEN=token[:-3] + "abc",
    )
    assert forged.status_code == 403
    board.section_board_update(section=section, board_state="voting")
    idea_id = idea.json()["id"]
    vote = client.post(
        f"{base}/dots", {"idea": idea_id}, content_type="application/json", **headers
    )
    assert vote.status_code == 201 and vote.json()["dots_left"] == 2
    repeat = client.post(
        f"{base}/dots", {"idea": idea_id}, content_type="application/json", **headers
    )
    assert repeat.status_code == 409
    results = client.get(f"{base}/results").json()
    assert results[0]["value"] == 1
    listed = client.get("/api/v1/sessions").json()
    assert listed[0]["title"] == "Малые города — большие возможности"
    detail = client.get(f"/api/v1/sessions/{section.session.slug}").json()
    assert detail["sections"][0]["code"] == section.code
    assert client.get("/api/v1/sessions/no-such-session").status_code == 404
