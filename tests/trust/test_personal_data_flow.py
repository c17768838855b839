"""With the real apps plugged in: a resident's copy of his data holds his proposal, erasure
leaves the proposal without his name, and retention erases a finished campaign's authors."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.campaigns.retention import retention_run
from civicplan.proposals.models import Proposal, ProposalPersonalData
from tests.trust.conftest import OTRADNY, OTRADNY_TEXT, submit

pytestmark = pytest.mark.django_db


def test_resident_exports_then_erases_and_his_proposal_stays_anonymous(two_towns):
    resident = User.objects.get(email="resident@civicplan.local")
    from civicplan.proposals.services import AuthorData, proposal_submit

    proposal = proposal_submit(
        campaign=two_towns["campaign"],
        text="Предлагаю открыть в Отрадном кружок робототехники при доме культуры «Нефтяник».",
        municipality=OTRADNY,
        author=AuthorData(name="Елена Смирнова", email=resident.email, show_name=True),
        consent_given=True,
        ip="10.1.2.3",
        user=resident,
    )
    client = Client()
    client.force_login(resident)
    data = json.loads(client.get("/accounts/profile/data.json").content)
    assert "кружок робототехники" in json.dumps(data, ensure_ascii=False)

    client.post("/accounts/profile/erase/", {"confirm": "on"})
    proposal.refresh_from_db()
    assert proposal.author_id is None and proposal.author_display_name == ""
    assert "кружок робототехники" in proposal.text, "the proposal itself stays"
    personal = ProposalPersonalData.objects.get(proposal=proposal)
    assert personal.erased_at is not None and personal.email == "" and personal.name == ""
    assert not User.objects.filter(email="resident@civicplan.local").exists()


def test_retention_erases_authors_of_a_campaign_long_finished(two_towns):
    campaign = two_towns["campaign"]
    extra = submit(
        campaign, municipality=OTRADNY, text=OTRADNY_TEXT + " Ещё.", email="x@example.ru"
    )
    today = timezone.localdate()
    assert retention_run(dry_run=True, today=today).total == 0
    later = campaign.ends_on + timedelta(days=campaign.retention_days + 1)
    dry = retention_run(dry_run=True, today=later)
    assert dry.total >= 3
    assert ProposalPersonalData.objects.filter(erased_at__isnull=True, proposal=extra).exists()
    done = retention_run(today=later)
    assert done.total == dry.total
    assert not ProposalPersonalData.objects.filter(
        proposal__campaign=campaign, erased_at__isnull=True
    ).exists()
    assert Proposal.objects.filter(pk=extra.pk).exists()
