"""Issue 13 item 9: near-identical ideas were never suggested as duplicates, and a moderator
could not merge ideas by hand. Now the one similarity service finds rewordings, typos and
word order while the participant types and on the moderator's page; the moderator merges two
or more ideas into the wording he picks, votes combined without counting anyone twice."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from civicplan.core.errors import Conflict, InvalidInput, NotFound
from civicplan.meetings.models import DotVote, Idea, PairwiseVote
from civicplan.meetings.services import board

pytestmark = pytest.mark.django_db

VELO = "Сделать велодорожку вдоль набережной"
OTHERS = [
    "Отремонтировать дороги между сёлами и районным центром",
    "Больше мест в детских садах Отрадного",
    "Освещение во дворах и на детских площадках",
    "Запустить льготный автобус до Самары каждый час",
]


def _board(section):  # type: ignore[no-untyped-def]
    author, _ = board.board_join(section=section, nickname="Автор")
    ideas = [
        board.idea_post(section=section, member=author, kind="proposal", text=t)
        for t in [VELO, *OTHERS]
    ]
    return author, ideas


@pytest.mark.parametrize(
    "typed",
    [
        "Велодорожка вдоль набережной нужна",  # reworded
        "вдоль набережной велодорожку сделать",  # word order
        "Сделать веладорожку вдоль набережнай",  # two typos
        "Нужна велодорожка по набережной",
    ],
)
def test_a_participant_is_shown_the_idea_already_on_the_board(section, typed) -> None:
    _author, ideas = _board(section)
    found = board.similar_ideas(section, typed)
    assert [idea for idea, _score in found] == [ideas[0]]


def test_different_ideas_are_not_suggested(section) -> None:
    _board(section)
    for typed in (
        "Построить крытый каток для детей",
        "Открыть кружки робототехники в школах",
        "Освещение в парке Победы",
    ):
        assert not [i for i, _s in board.similar_ideas(section, typed) if i.text == VELO]


def test_the_moderator_is_shown_near_duplicates_among_many_ideas(section) -> None:
    author, ideas = _board(section)
    other, _ = board.board_join(section=section, nickname="Второй")
    reworded = board.idea_post(
        section=section, member=other, kind="proposal", text="Велодорожка вдоль набережной нужна"
    )
    typo = board.idea_post(
        section=section,
        member=other,
        kind="proposal",
        text="Отремонтирвать дороги между селами и районным центром",
    )
    misspelt = board.idea_post(
        section=section, member=other, kind="proposal", text="Сделать веладорожку вдоль набережнай"
    )
    pairs = {(s.idea.pk, s.into.pk) for s in board.merge_suggestions(section)}
    assert (reworded.pk, ideas[0].pk) in pairs
    assert (typo.pk, ideas[1].pk) in pairs
    assert (misspelt.pk, ideas[0].pk) in pairs
    velo = {ideas[0].pk, reworded.pk, misspelt.pk}
    assert all({a, b} <= velo or {a, b} == {typo.pk, ideas[1].pk} for a, b in pairs), pairs


def _join_client(client, section, nickname):  # type: ignore[no-untyped-def]
    client.post(reverse("meetings:board_join", args=[section.code]), {"nickname": nickname})


def test_while_typing_and_without_javascript_the_participant_gets_the_suggestion(
    client, section
) -> None:
    _board(section)
    _join_client(client, section, "Мария")
    url = reverse("meetings:board", args=[section.code])
    hint = client.get(
        reverse("meetings:board_similar", args=[section.code]),
        {"text": "Велодорожка вдоль набережной нужна"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Похожие идеи уже есть" in hint and VELO in hint and "<html" not in hint
    # Without JS: sending shows the suggestion and keeps the text; nothing is posted yet.
    typed = {"kind": "proposal", "text": "Велодорожка вдоль набережной нужна"}
    page = client.post(url, typed)
    html = page.content.decode()
    assert page.status_code == 200 and "Похоже, такая идея уже есть" in html
    assert "Велодорожка вдоль набережной нужна</textarea>" in html
    assert "Всё равно отправить" in html
    assert not Idea.objects.filter(text=typed["text"]).exists()
    # «Всё равно отправить» posts it; so does sending after the typing hint showed it.
    assert client.post(url, {**typed, "confirm": "1"}).status_code == 302
    assert Idea.objects.filter(text=typed["text"]).count() == 1
    shown = list(Idea.objects.filter(text__icontains="набережной").values_list("pk", flat=True))
    second = {"kind": "proposal", "text": "Нужна велодорожка по набережной", "seen": shown}
    assert client.post(url, second).status_code == 302
    # An idea unlike any other goes straight through.
    assert (
        client.post(url, {"kind": "risk", "text": "Закроется завод в Чапаевске"}).status_code == 302
    )


def test_merging_three_ideas_combines_votes_without_counting_anyone_twice(section) -> None:
    author, ideas = _board(section)
    one = ideas[0]
    two = board.idea_post(
        section=section, member=author, kind="proposal", text="Велодорожка вдоль набережной нужна"
    )
    three = board.idea_post(
        section=section, member=author, kind="proposal", text="Сделать веладорожку вдоль набережнай"
    )
    board.section_board_update(
        section=section, board_state="voting", voting_mode="dots", dots_per_member=3
    )
    both, _ = board.board_join(section=section, nickname="За обе")
    single, _ = board.board_join(section=section, nickname="За одну")
    board.dot_vote_cast(section=section, member=both, idea_id=one.pk)
    board.dot_vote_cast(section=section, member=both, idea_id=three.pk)
    board.dot_vote_cast(section=section, member=single, idea_id=two.pk)

    merged = board.ideas_merge(
        section=section,
        ideas=[one, two, three],
        survivor=two,
        text="Велодорожка вдоль всей набережной",
    )

    assert merged.pk == two.pk and merged.text == "Велодорожка вдоль всей набережной"
    top = board.section_results(section)[0]
    assert (top.idea.pk, top.value, top.merged_count) == (two.pk, 2, 2)
    assert DotVote.objects.filter(member=both).count() == 1  # his second dot came back
    assert set(
        Idea.objects.filter(pk__in=[one.pk, three.pk]).values_list("merged_into", flat=True)
    ) == {two.pk}
    with pytest.raises(NotFound, match="объединили"):
        board.dot_vote_cast(section=section, member=single, idea_id=one.pk)
    with pytest.raises(Conflict, match="уже объединена"):
        board.ideas_merge(section=section, ideas=[one, ideas[1]], survivor=ideas[1])
    with pytest.raises(InvalidInput):
        board.ideas_merge(section=section, ideas=[two], survivor=two)


def test_pairwise_comparisons_of_merged_ideas_count_a_participant_once(section) -> None:
    author, ideas = _board(section)
    a, b, c = ideas[0], ideas[1], ideas[2]
    board.section_board_update(section=section, board_state="voting", voting_mode="pairwise")
    voter, _ = board.board_join(section=section, nickname="Сравнивающий")
    PairwiseVote.objects.create(section=section, member=voter, first=a, second=c, winner=a)
    PairwiseVote.objects.create(section=section, member=voter, first=b, second=c, winner=b)
    PairwiseVote.objects.create(section=section, member=voter, first=a, second=b, winner=a)
    board.ideas_merge(section=section, ideas=[a, b], survivor=a)
    by_idea = {r.idea.pk: r for r in board.section_results(section)}
    assert (by_idea[a.pk].wins, by_idea[c.pk].losses) == (1, 1)


def test_the_moderator_ticks_ideas_picks_the_wording_and_everyone_sees_the_merge(
    client, section
) -> None:
    author, ideas = _board(section)
    copy = board.idea_post(
        section=section, member=author, kind="proposal", text="Велодорожка вдоль набережной нужна"
    )
    client.force_login(get_user_model().objects.get(email="facilitator@civicplan.local"))
    url = reverse("meetings:moderate", args=[section.session.slug, section.pk])
    page = client.get(url).content.decode()
    assert "Похоже на дубликаты" in page and f"?merge={ideas[0].pk}&amp;merge={copy.pk}" in page
    assert 'form="merge-pick"' in page and "Объединить отмеченные" in page
    step = client.get(url, {"merge": [ideas[0].pk, copy.pk]}).content.decode()
    assert "Какая формулировка останется" in step and 'name="survivor"' in step
    assert (
        "отметьте хотя бы две"
        in client.get(url, {"merge": [copy.pk]}, follow=True).content.decode().lower()
    )
    client.post(
        url,
        {"action": "merge_ideas", "ideas": [ideas[0].pk, copy.pk], "survivor": copy.pk, "text": ""},
    )
    ideas[0].refresh_from_db()
    assert ideas[0].merged_into_id == copy.pk
    feed = client.get(url).content.decode()
    assert f"«{VELO}» — объединено с «Велодорожка вдоль набережной нужна»" in feed
    screen = client.get(reverse("meetings:screen", args=[section.code])).content.decode()
    assert "объединена с 1 похожей" in screen and VELO not in screen
    report = client.get(reverse("meetings:session", args=[section.session.slug])).content.decode()
    assert f"объединено с ней: «{VELO}»" in report
    import io

    from docx import Document

    docx = client.get(reverse("meetings:report_docx", args=[section.session.slug]))
    cells = [
        c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells
    ]
    assert any(f"объединено с ней: «{VELO}»" in c for c in cells)


@pytest.mark.django_db(transaction=True)
def test_a_merge_under_concurrent_dot_votes_loses_no_vote_and_doubles_none(demo_campaign) -> None:
    """PostgreSQL: 12 participants vote for both ideas while the moderator merges them."""
    import threading

    from django.db import connection, connections

    from .conftest import make_section, make_session

    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are checked on PostgreSQL")
    section = make_section(make_session(demo_campaign))
    author, _ = board.board_join(section=section, nickname="Автор")
    a = board.idea_post(section=section, member=author, kind="proposal", text=VELO)
    b = board.idea_post(
        section=section, member=author, kind="proposal", text="Велодорожка вдоль набережной нужна"
    )
    board.section_board_update(
        section=section, board_state="voting", voting_mode="dots", dots_per_member=3
    )
    voters = [board.board_join(section=section, nickname=f"Участник {n}")[0] for n in range(12)]
    start = threading.Barrier(len(voters) + 1)
    outcomes: list[str] = []

    def vote(member, idea) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait(10)
            for target in (idea, a if idea == b else b):
                try:
                    board.dot_vote_cast(section=section, member=member, idea_id=target.pk)
                    outcomes.append("ok")
                except (NotFound, Conflict) as exc:
                    outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    def merge() -> None:
        try:
            start.wait(10)
            board.ideas_merge(section=section, ideas=[a, b], survivor=a)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=vote, args=(m, b if n % 2 else a)) for n, m in enumerate(voters)
    ]
    threads.append(threading.Thread(target=merge))
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not DotVote.objects.filter(idea=b).exists()
    votes = list(DotVote.objects.filter(section=section).values_list("member_id", "idea_id"))
    assert len(votes) == len(set(votes))  # nobody counted twice for the merged idea
    assert {m for m, _i in votes} == {v.pk for v in voters}  # every voter still counted
    assert board.section_results(section)[0].value == len(voters)
    assert outcomes.count("ok") >= len(voters)
