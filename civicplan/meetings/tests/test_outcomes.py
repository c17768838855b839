"""Resolutions become proposals of the campaign and draft measures; minutes and report."""

from __future__ import annotations

import datetime
import io

import pytest

from civicplan.core.errors import Conflict, InvalidInput
from civicplan.meetings import services
from civicplan.meetings.report import session_report_build, session_report_docx
from civicplan.meetings.services import board, outcomes
from civicplan.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _resolution(section, **extra):  # type: ignore[no-untyped-def]
    return outcomes.resolution_create(
        section=section,
        title=extra.pop("title", "Коворкинги в малых городах"),
        text=extra.pop(
            "text", "Открыть в каждом малом городе коворкинг для молодых предпринимателей."
        ),
        direction=extra.pop("direction", section.direction),
        **extra,
    )


def test_published_resolution_becomes_a_session_proposal_once(section) -> None:
    resolution = _resolution(section)
    # when
    proposal = outcomes.resolution_publish(resolution=resolution)
    again = outcomes.resolution_publish(resolution=resolution)
    # then
    assert again == proposal and Proposal.objects.count() == 1
    assert proposal.channel == "session" and proposal.status == "published"
    assert proposal.campaign == section.session.campaign
    assert proposal.direction == section.direction
    assert proposal.text.startswith("Открыть в каждом малом городе")
    assert section.title in proposal.author_display_name
    assert proposal.session_resolution == resolution
    assert [(h.from_status, h.to_status) for h in proposal.status_changes.all()] == [
        ("", "new"),
        ("new", "published"),
    ]


def test_session_proposal_has_a_public_page(client, section) -> None:
    proposal = outcomes.resolution_publish(resolution=_resolution(section))
    page = client.get(f"/proposals/{proposal.pk}/")
    assert page.status_code == 200
    assert "Открыть в каждом малом городе коворкинг" in page.content.decode()


def test_resolution_needs_text_and_a_direction_of_this_strategy(section) -> None:
    with pytest.raises(InvalidInput):
        _resolution(section, title=" ")
    with pytest.raises(InvalidInput, match="направление"):
        _resolution(section, direction=None)
    from civicplan.strategy.demo import strategy_demo_get_or_create
    from civicplan.territories.models import Region

    Region.objects.get_or_create(code=56, defaults={"name": "Оренбургская область"})
    orenburg = strategy_demo_get_or_create(56)
    with pytest.raises(InvalidInput, match="другого региона"):
        _resolution(section, direction=orenburg.directions.first())


def test_section_resolutions_publish_counts_only_new_ones(section) -> None:
    _resolution(section)
    _resolution(section, title="Автобус до Самары", text="Запустить льготный автобусный маршрут.")
    assert outcomes.section_resolutions_publish(section=section) == 2
    assert outcomes.section_resolutions_publish(section=section) == 0


def test_resolution_turns_into_a_draft_measure_linked_to_its_proposal(section) -> None:
    resolution = _resolution(section)
    measure = outcomes.resolution_to_measure(
        resolution=resolution,
        organisation="Министерство экономического развития Самарской области",
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2028, 12, 31),
    )
    assert measure.state == "planned" and measure.direction == section.direction
    assert list(measure.proposals.all()) == [resolution.proposal]
    # the strategy's own change history records where the measure came from
    assert measure.strategy.changes.filter(action="create", object_id=measure.pk).exists()
    with pytest.raises(Conflict):
        outcomes.resolution_to_measure(
            resolution=resolution,
            organisation="Минэкономразвития",
            starts_on=datetime.date(2027, 1, 1),
            ends_on=datetime.date(2028, 1, 1),
        )


def test_report_has_groups_ideas_votes_resolutions_in_html_and_docx(section) -> None:
    session = section.session
    session.state = "registration"
    p = services.participant_register(
        session=session,
        last_name="Кузнецова",
        first_name="Анна",
        email="kuz@example.ru",
        group="youth",
        consent_given=True,
    )
    services.participant_check_in(session=session, code=p.checkin_code)
    member, _ = board.board_join(section=section, nickname="Аня")
    idea = board.idea_post(
        section=section, member=member, kind="proposal", text="Открыть коворкинг в Отрадном"
    )
    board.section_board_update(section=section, board_state="voting")
    board.dot_vote_cast(section=section, member=member, idea_id=idea.pk)
    _resolution(section, idea=idea)
    # when
    report = session_report_build(session, kind="report")
    minutes = session_report_build(session, kind="minutes")
    # then
    youth = next(g for g in report.groups if g.group == "youth")
    assert (youth.registered, youth.attended) == (1, 1)
    (sr,) = report.sections
    assert sr.results[0].idea == idea and sr.results[0].value == 1
    assert "chart-bar" in sr.chart and "Открыть коворкинг" in sr.chart
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(session_report_docx(report))).paragraphs)
    assert "Отчёт" in text and section.title in text and "Коворкинги в малых городах" in text
    minutes_doc = Document(io.BytesIO(session_report_docx(minutes)))
    minutes_text = "\n".join(p.text for p in minutes_doc.paragraphs)
    assert "Протокол" in minutes_text and "Кузнецова Анна" in minutes_text


def test_report_names_the_public_number_never_the_tracking_code(client, section) -> None:
    # Given a published resolution that became proposal № N (its tracking code is a secret)
    session = section.session
    proposal = outcomes.resolution_publish(resolution=_resolution(section))
    session.refresh_from_db()
    # When the public report is read on the site and as DOCX
    report = session_report_build(session, kind="report")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(session_report_docx(report))).paragraphs)
    page = client.get(f"/sessions/{session.slug}/report/").content.decode()
    # Then they show «№ N» and never the code
    assert f"Предложение № {proposal.pk}." in text
    assert proposal.tracking_code not in text
    assert proposal.tracking_code not in page


def test_ideas_with_phones_are_masked_on_the_board_screen_and_report(client, section) -> None:
    # Given an idea in which a participant left his phone
    member, _ = board.board_join(section=section, nickname="Сосед")
    idea = board.idea_post(
        section=section,
        member=member,
        kind="proposal",
        text="Открыть коворкинг в Отрадном, звоните 8-917-123-45-67",
    )
    board.section_board_update(section=section, board_state="voting")
    board.dot_vote_cast(section=section, member=member, idea_id=idea.pk)
    # When the results are shown and printed
    report = session_report_build(section.session, kind="report")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(session_report_docx(report))).paragraphs)
    tables = "\n".join(
        c.text
        for t in Document(io.BytesIO(session_report_docx(report))).tables
        for row in t.rows
        for c in row.cells
    )
    # Then the phone is masked everywhere others read it
    assert "8-917-123-45-67" not in text + tables
    assert "[телефон скрыт]" in idea.public_text
    assert "8-917-123-45-67" not in report.sections[0].chart
