"""The idea board under attack and under a full room: one member per browser, dots kept by
the database, board codes that cannot be scanned, a room of 300 behind one Wi-Fi let in."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from civicplan.core.errors import RateLimited
from civicplan.meetings.models import BoardMember, DotVote, Idea
from civicplan.meetings.services import board

pytestmark = pytest.mark.django_db


def test_one_browser_joins_a_board_once_even_without_its_cookie(client, section):
    # Given a participant who joined from his phone
    url = reverse("meetings:board_join", args=[section.code])
    assert client.post(url, {"nickname": "Ольга из Похвистнево"}).status_code == 302
    # When he deletes the board cookie and joins again under another name
    client.cookies.pop(f"cp_board_{section.session_id}")
    again = client.post(url, {"nickname": "Ещё одна Ольга"}, follow=True)
    # Then he is the same member, told so, and the board counts one person
    assert BoardMember.objects.filter(session=section.session).count() == 1
    assert "уже подключены к доске как «Ольга из Похвистнево»" in again.content.decode()


def test_the_same_browser_session_is_one_member_in_the_service(section):
    device = board.device_key_for("session-key-of-one-phone")
    first, _token = board.board_join(section=section, nickname="Пётр", device_key=device)
    second, _token = board.board_join(section=section, nickname="Пётр-2", device_key=device)
    assert first == second and second.nickname == "Пётр"
    other, _token = board.board_join(
        section=section, nickname="Пётр-2", device_key=board.device_key_for("another phone")
    )
    assert other != first


def test_a_room_of_300_on_one_wifi_joins_within_a_minute(section):
    # Given 300 phones behind one address of the venue's Wi-Fi
    for n in range(300):
        board.board_join(
            section=section,
            nickname=f"Участник {n}",
            ip_key="venue-wifi",
            device_key=board.device_key_for(f"phone-{n}"),
        )
    assert BoardMember.objects.filter(session=section.session).count() == 300


def test_a_member_never_has_more_dots_than_allowed_in_the_database(section):
    # Given a member in dot voting with three dots
    member, _token = board.board_join(section=section, nickname="Гость")
    author, _token = board.board_join(section=section, nickname="Автор")
    ideas = [
        board.idea_post(section=section, member=author, kind="proposal", text=f"Идея номер {n}")
        for n in range(5)
    ]
    board.section_board_update(section=section, board_state="voting", voting_mode="dots")
    section.dots_per_member = 3
    section.save(update_fields=["dots_per_member"])
    # When a parallel request had already taken his first dot (what it would have written)
    board.dot_vote_cast(section=section, member=member, idea_id=ideas[0].pk)
    # Then the database refuses a second row for the same dot, whatever the code computed
    with pytest.raises(IntegrityError), transaction.atomic():
        DotVote.objects.create(section=section, member=member, idea=ideas[1], slot=0)
    board.dot_vote_cast(section=section, member=member, idea_id=ideas[1].pk)
    board.dot_vote_cast(section=section, member=member, idea_id=ideas[2].pk)
    assert sorted(DotVote.objects.filter(member=member).values_list("slot", flat=True)) == [
        0,
        1,
        2,
    ]
    # And a withdrawn dot frees its number for the next vote
    board.dot_vote_withdraw(section=section, member=member, idea_id=ideas[1].pk)
    board.dot_vote_cast(section=section, member=member, idea_id=ideas[3].pk)
    assert DotVote.objects.get(member=member, idea=ideas[3]).slot == 1
    assert Idea.objects.filter(section=section).count() == 5


def test_scanning_board_codes_is_stopped_per_address(client, section, monkeypatch):
    # Given a smaller allowance of wrong codes, for speed
    monkeypatch.setattr(board, "CODE_MISSES_PER_ADDRESS", 5)
    for n in range(5):
        miss = client.get(reverse("meetings:join"), {"code": f"00000{n}"})
        assert miss.status_code == 200 and "не найдена" in miss.content.decode()
    # When the scanner then tries the right code, on the page and in the API
    page = client.get(reverse("meetings:board_join", args=[section.code]))
    api = client.get(f"/api/v1/sessions/board/{section.code}")
    # Then both are refused for a while, with the reason
    assert page.status_code == 429 and "Слишком много неверных кодов" in page.content.decode()
    assert page["Retry-After"]
    assert api.status_code == 429 and api.json()["code"] == "rate_limited"
    # While another address in the room is not affected
    other = client.get(reverse("meetings:board_join", args=[section.code]), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_a_right_code_costs_nothing_against_the_limit(section):
    for _ in range(board.CODE_MISSES_PER_ADDRESS + 5):
        board.section_by_code(section.code, ip_key="venue-wifi")
    with pytest.raises(RateLimited):
        for n in range(board.CODE_MISSES_PER_ADDRESS + 1):
            try:
                board.section_by_code(f"9{n:05d}", ip_key="scanner")
            except Exception as exc:
                if isinstance(exc, RateLimited):
                    raise
