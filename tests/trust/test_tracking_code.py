"""A tracking code is the author's secret (issue 15, High 2): never in a public address, page
or document, and it alone cannot erase the author's personal data."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from civicplan.accounts.models import AuditLog

pytestmark = pytest.mark.django_db


def _api_withdraw(client: Any, code: str) -> Any:
    return client.post(
        f"/api/v1/proposals/track/{code}/withdraw-consent", content_type="application/json"
    )


def test_the_code_alone_does_not_erase_through_the_api(
    client: Any, two_towns: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given an attacker who learnt a tracking code
    proposal = two_towns["kinel"]
    # When he asks the API to withdraw consent
    with django_capture_on_commit_callbacks(execute=True):
        response = _api_withdraw(client, proposal.tracking_code)
    # Then nothing is erased: a confirmation link goes to the author's own address
    assert response.status_code == 202
    proposal.refresh_from_db()
    assert proposal.withdrawn_at is None and not proposal.personal_data.is_erased
    (letter,) = [m for m in mail.outbox if "Подтвердите отзыв" in m.subject]
    assert letter.to == ["kinel.author@example.ru"]
    assert AuditLog.objects.filter(
        action="proposal.consent.withdraw_requested", object_id=str(proposal.pk)
    ).exists()
    # And a forged or altered token is refused
    bad = client.post(
        "/api/v1/proposals/withdraw-consent/confirm",
        json.dumps({"token": "eyJwIjoxfQ:forged:signature"}),
        content_type="application/json",
    )
    assert bad.status_code == 404
    # When the author confirms with the token from his letter
    token = re.search(r"/proposals/withdraw/([^/\s]+)/", letter.body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/api/v1/proposals/withdraw-consent/confirm",
            json.dumps({"token": token}),
            content_type="application/json",
        )
    # Then his data are erased and the step is audited
    assert done.status_code == 200 and done.json()["consent_withdrawn"] is True
    proposal.refresh_from_db()
    assert proposal.withdrawn_at is not None and proposal.personal_data.email == ""
    assert AuditLog.objects.filter(
        action="proposal.consent.withdraw", object_id=str(proposal.pk)
    ).exists()


def test_confirmation_links_are_rate_limited_per_proposal(client: Any, two_towns: Any) -> None:
    proposal = two_towns["otradny"]
    answers = [_api_withdraw(client, proposal.tracking_code).status_code for _n in range(5)]
    assert answers[:3] == [202, 202, 202]
    assert answers[3:] == [429, 429]


def test_an_expired_link_erases_nothing(client: Any, two_towns: Any) -> None:
    from unittest import mock

    from civicplan.proposals.withdrawal import LINK_MAX_AGE, withdrawal_token

    proposal = two_towns["otradny"]
    token = withdrawal_token(proposal)
    later = timezone.now().timestamp() + LINK_MAX_AGE + 60
    with mock.patch("time.time", return_value=later):
        response = client.post(reverse("proposals:withdraw_confirm", args=[token]))
    assert response.status_code == 422 and "Срок действия ссылки истёк" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.withdrawn_at is None


def test_signed_in_author_withdraws_from_his_account(client: Any, two_towns: Any) -> None:
    from civicplan.accounts.models import User
    from civicplan.proposals.withdrawal import proposal_consent_withdraw_request

    proposal = two_towns["otradny"]
    owner = User.objects.create_user("owner@example.ru", "пароль-владельца-2026")
    proposal.author = owner
    proposal.save(update_fields=["author"])
    stranger = User.objects.create_user("stranger@example.ru", "пароль-чужого-2026")

    asked = proposal_consent_withdraw_request(proposal=proposal, user=stranger)
    assert asked.sent and not asked.done
    done = proposal_consent_withdraw_request(proposal=proposal, user=owner)
    assert done.done and done.proposal.withdrawn_at is not None


def test_filled_structure_template_lists_public_numbers_not_codes(
    client: Any, two_towns: Any
) -> None:
    from openpyxl import load_workbook

    from civicplan.strategy import demo_roadmap, services
    from civicplan.strategy.models import Measure

    demo_roadmap.load(stdout=io.StringIO())
    proposal = two_towns["otradny"]
    strategy = two_towns["campaign"].strategy
    measure = Measure.objects.filter(strategy=strategy).order_by("pk").first()
    services.measure_upsert(strategy=strategy, code=measure.code, proposals=[proposal])

    url = reverse("strategy:template_structure", args=[strategy.slug]) + "?filled=1"
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(body))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert proposal.tracking_code not in " ".join(cells)
    assert str(proposal.pk) in cells
