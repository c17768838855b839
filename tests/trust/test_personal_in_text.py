"""Personal data inside proposal texts (issue 15, Medium 9): found and shown to the moderator,
masked on public pages, in the API, in the anonymous export and on the idea board."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEXT = (
    "Прошу отремонтировать детскую площадку во дворе на улице Гагарина в Отрадном: качели "
    "сломаны уже год. Звоните 8-917-123-45-67 или пишите sosed.petrov@mail.ru, "
    "проживаю ул. Гагарина, д. 12, кв. 15. С уважением, Иван Петров"
)
SECRETS = ("8-917-123-45-67", "sosed.petrov@mail.ru", "кв. 15", "Иван Петров")


def _published(two_towns: Any) -> Any:
    from civicplan.proposals.services import AuthorData, proposal_publish, proposal_submit

    proposal = proposal_submit(
        campaign=two_towns["campaign"],
        text=TEXT,
        municipality="36724000000",
        author=AuthorData(name="Иван Петров", email="sosed.petrov@mail.ru"),
        consent_given=True,
        ip="10.66.0.1",
        user_agent="pytest",
    )
    return proposal_publish(proposal=proposal, actor=two_towns["otradny_moderator"])


def test_public_outputs_mask_personal_data_in_the_text(client: Any, two_towns: Any) -> None:
    proposal = _published(two_towns)
    outputs = {
        "page": client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode(),
        "list": client.get(reverse("proposals:list")).content.decode(),
        "api list": client.get("/api/v1/proposals/").content.decode("unicode_escape"),
        "api detail": client.get(f"/api/v1/proposals/{proposal.pk}").content.decode(
            "unicode_escape"
        ),
        "csv": client.get(reverse("proposals:export"), {"format": "csv"}).content.decode(
            "utf-8-sig"
        ),
    }
    for where, shown in outputs.items():
        assert "детскую площадку" in shown, where
        for secret in SECRETS:
            assert secret not in shown, (where, secret)
    assert "[телефон скрыт]" in outputs["page"] and "[e-mail скрыт]" in outputs["page"]
    rows = list(csv.reader(io.StringIO(outputs["csv"]), delimiter=";"))
    assert any("[телефон скрыт]" in cell for row in rows for cell in row)


def test_moderator_is_warned_and_reads_the_text_as_sent(client: Any, two_towns: Any) -> None:
    proposal = _published(two_towns)
    client.force_login(two_towns["otradny_moderator"])
    page = client.get(reverse("proposals:moderate", args=[proposal.pk])).content.decode()
    assert "В тексте есть персональные данные" in page
    assert "номер телефона «8-917-123-45-67»" in page
    assert "адрес электронной почты «sosed.petrov@mail.ru»" in page
    staff_api = client.get(f"/api/v1/proposals/moderation/{proposal.pk}").json()
    assert "8-917-123-45-67" in staff_api["text"]


def test_clean_texts_are_left_as_they_are(client: Any, two_towns: Any) -> None:
    from civicplan.proposals.textcheck import public_text

    clean = "Открыть в Доме культуры имени Гагарина кружок робототехники, ул. Ленина, д. 5."
    assert public_text(clean) == clean
