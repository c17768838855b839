"""Every way a proposal comes in is treated alike: history, the event, the analysis.

A resident's form, a file import and a strategic session's resolution all go through
`proposals.services.proposals_record`; each proposal has its «поступило» history entry and
is analysed on arrival, without anybody starting the analysis by hand.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicplan.accounts.models import User
from civicplan.core.registry import register_proposals_received
from civicplan.insights.models import ProposalAnalysis
from civicplan.meetings.services import outcomes
from civicplan.meetings.tests.conftest import make_section, make_session
from civicplan.proposals.models import Proposal
from civicplan.proposals.services.imports import proposal_import_start
from civicplan.proposals.tests.conftest import submit

pytestmark = pytest.mark.django_db


def _analysed(proposal: Proposal) -> bool:
    return ProposalAnalysis.objects.filter(proposal=proposal, run__is_current=True).exists()


def _history(proposal: Proposal) -> list[tuple[str, str]]:
    return [(h.from_status, h.to_status) for h in proposal.status_changes.all()]


def test_imported_and_session_proposals_are_analysed_and_have_history_like_submitted(
    demo_campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a proposal submitted through the form's service
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(
            demo_campaign, text="Нужна новая детская площадка во дворе на улице Гагарина."
        )
    # when another arrives from a file of paper forms
    rows = [
        ["№", "Текст", "МО"],
        [
            "А-17",
            "Отремонтировать поликлинику в Отрадном и открыть запись к врачу онлайн.",
            "36724000000",
        ],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    upload = SimpleUploadedFile("анкеты.csv", out.getvalue().encode("cp1251"), "text/csv")
    moderator = User.objects.get(email="moderator.samara@civicplan.local")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_import_start(
            campaign=demo_campaign,
            upload=upload,
            name=upload.name,
            actor=moderator,
            mapping={"external_id": "№", "text": "Текст", "municipality": "МО"},
        )
    imported = Proposal.objects.get(external_id="А-17")
    # and a third from a section's resolution at a strategic session
    section = make_section(make_session(demo_campaign))
    resolution = outcomes.resolution_create(
        section=section,
        title="Коворкинги в малых городах",
        text="Открыть в каждом малом городе коворкинг для молодых предпринимателей.",
        direction=section.direction,
    )
    with django_capture_on_commit_callbacks(execute=True):
        from_session = outcomes.resolution_publish(resolution=resolution)

    # then all three are analysed on arrival
    assert _analysed(submitted)
    assert _analysed(imported)
    assert _analysed(from_session)
    # and each has the history of its arrival
    assert _history(submitted) == [("", "new")]
    assert _history(imported) == [("", "new")]
    assert imported.status_changes.get().reason.startswith("Загружено из файла «анкеты.csv»")
    assert _history(from_session) == [("", "new"), ("new", "published")]


def test_an_import_announces_its_proposals_once_for_the_whole_file(
    demo_campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a listener that counts announcements
    batches: list[int] = []

    def listener(proposals: Any) -> None:
        batches.append(len(proposals))

    register_proposals_received(listener)
    rows = [["Текст", "МО"]] + [
        [f"Предложение номер {n}: благоустроить сквер у дома культуры в Отрадном.", "36724000000"]
        for n in range(1, 31)
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    upload = SimpleUploadedFile("тридцать.csv", out.getvalue().encode("utf-8"), "text/csv")
    moderator = User.objects.get(email="moderator.samara@civicplan.local")
    try:
        # when a file of thirty proposals is imported
        with django_capture_on_commit_callbacks(execute=True):
            proposal_import_start(
                campaign=demo_campaign,
                upload=upload,
                name=upload.name,
                actor=moderator,
                mapping={"text": "Текст", "municipality": "МО"},
            )
    finally:
        from civicplan.core import registry

        registry._PROPOSALS_RECEIVED.remove(listener)
    # then one event carried all thirty
    assert batches == [30]
    assert Proposal.objects.filter(campaign=demo_campaign).count() == 30
