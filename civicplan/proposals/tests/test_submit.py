"""A resident sends a proposal: what is stored, and every bad input refused whole."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicplan.accounts.models import ConsentRecord
from civicplan.campaigns.models import Phase
from civicplan.proposals.models import Attachment, Proposal, ProposalPersonalData, ProposalStatus
from civicplan.proposals.tests.conftest import OTRADNY, TEXT, submit

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def form_data(client: Any, **overrides: Any) -> dict[str, Any]:
    page = client.get(reverse("proposals:new"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        "text": TEXT,
        "title": "Тротуар до школы",
        "municipality": "городской округ Отрадный",
        "direction": "unknown",
        "name": "Анна Петрова",
        "email": "anna@example.ru",
        "phone": "",
        "age_group": "30_44",
        "show_name": "on",
        "consent": "on",
        "phase": form.initial["phase"],
        "started": form.initial["started"],
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored() -> tuple[int, int, int, int]:
    return (
        Proposal.objects.count(),
        ProposalPersonalData.objects.count(),
        ConsentRecord.objects.count(),
        Attachment.objects.count(),
    )


def test_resident_sends_proposal_and_gets_tracking_code_and_letter(
    client, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("proposals:new"), form_data(client), REMOTE_ADDR="10.1.1.1")

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:sent", args=[proposal.tracking_code])
    assert proposal.status == ProposalStatus.NEW
    assert proposal.municipality.oktmo == OTRADNY
    assert proposal.direction is None
    assert proposal.author_display_name == "Анна Петрова"
    assert proposal.answer_due_on is not None
    data = proposal.personal_data
    assert (data.name, data.email, data.age_group) == ("Анна Петрова", "anna@example.ru", "30_44")
    consent = data.consent
    assert consent.policy.kind == "personal-data" and consent.policy.version == "1.0"
    assert consent.ip_hash and "10.1.1.1" not in consent.ip_hash
    assert [h.to_status for h in proposal.status_changes.all()] == ["new"]
    assert len(mail.outbox) == 1
    assert proposal.tracking_code in mail.outbox[0].body
    assert mail.outbox[0].to == ["anna@example.ru"]
    page = client.get(response["Location"])
    assert proposal.tracking_code in page.content.decode()


def test_form_shows_unticked_consent_with_versioned_text(client, campaign):
    html = client.get(reverse("proposals:new")).content.decode()
    assert 'name="consent" id="id_consent" value="on">' in html  # no `checked`
    assert "Версия 1.0" in html
    assert "Согласие на обработку персональных данных" in html
    assert "Не знаю" in html
    assert "городской округ Отрадный" in html  # the searchable list of municipalities


def test_name_is_hidden_unless_author_allows(campaign):
    from civicplan.proposals.services import AuthorData

    proposal = submit(campaign, author=AuthorData(name="Иван Сидоров", phone="+7 927 000-00-00"))
    assert proposal.author_display_name == ""
    assert proposal.personal_data.phone == "+7 927 000-00-00"


BAD_INPUTS = [
    ("empty text", {"text": "   "}, "Напишите текст предложения"),
    ("too long text", {"text": "Дорога " * 800}, "Текст слишком длинный"),
    ("too short text", {"text": "Сделайте дорогу"}, "Текст слишком короткий"),
    ("only HTML", {"text": "<p><b></b><br><img src=x></p>" * 3}, "только разметка"),
    (
        "only a link",
        {"text": "https://example.ru/very/long/link/to/some/page?x=1"},
        "только из ссылки",
    ),
    ("missing consent", {"consent": None}, "Без согласия"),
    ("unknown municipality", {"municipality": "Город Солнца"}, "не найдено"),
    ("municipality of another region", {"municipality": "45000000000"}, "не найдено"),
    ("unknown direction", {"direction": "999999"}, "Выберите корректный вариант"),
    ("no way to answer", {"email": "", "phone": ""}, "электронную почту или телефон"),
    ("bad e-mail", {"email": "не-почта"}, "Проверьте адрес"),
    ("honeypot filled", {"website": "http://spam.example"}, "заполнена автоматически"),
    ("forged form token", {"started": "forged"}, "Страница устарела"),
]


@pytest.mark.parametrize(
    ("case", "overrides", "message"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
def test_bad_input_is_refused_with_message_and_nothing_stored(
    client, campaign, case, overrides, message, django_capture_on_commit_callbacks
):
    before = stored()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("proposals:new"), form_data(client, **overrides))
    assert 400 <= response.status_code < 500
    assert message in response.content.decode()
    assert stored() == before
    assert mail.outbox == []


def test_forged_phase_is_refused(client, campaign):
    closed = Phase.objects.filter(campaign=campaign, accepts_proposals=False).first()
    before = stored()
    response = client.post(reverse("proposals:new"), form_data(client, phase=str(closed.pk)))
    assert response.status_code == 422
    assert "для другого этапа" in response.content.decode()
    assert stored() == before


def test_phase_closed_refuses_service_call(campaign):
    from civicplan.core.errors import Forbidden

    Phase.objects.filter(campaign=campaign).update(accepts_proposals=False)
    with pytest.raises(Forbidden, match="закрыт"):
        submit(campaign)
    assert Proposal.objects.count() == 0


def test_fast_form_is_refused(client, campaign, settings):
    settings.PROPOSALS_MIN_FILL_SECONDS = 30
    response = client.post(reverse("proposals:new"), form_data(client))
    assert response.status_code == 400
    assert "слишком быстро" in response.content.decode()
    assert Proposal.objects.count() == 0


def test_fifty_megabyte_attachment_is_refused(client, campaign):
    big = SimpleUploadedFile(
        "plan.jpg", b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024), "image/jpeg"
    )
    before = stored()
    response = client.post(reverse("proposals:new"), {**form_data(client), "attachments": [big]})
    assert response.status_code == 422
    assert "слишком большой" in response.content.decode()
    assert stored() == before


def test_executable_renamed_to_jpg_is_refused(client, campaign):
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 1000, "image/jpeg")
    before = stored()
    response = client.post(reverse("proposals:new"), {**form_data(client), "attachments": [exe]})
    assert response.status_code == 422
    assert "не похож на допустимый формат" in response.content.decode()
    assert stored() == before


def test_good_attachment_is_kept_with_type_from_content(client, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("яма.png", PNG, "application/octet-stream")
    response = client.post(reverse("proposals:new"), {**form_data(client), "attachments": [photo]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "яма.png"
    assert attachment.file.name.endswith(".png")


def test_script_in_text_is_shown_as_text(client, campaign, regional_moderator):
    text = '<script>alert("взлом")</script> Предлагаю поставить освещение во дворе дома 5.'
    proposal = submit(campaign, text=text)
    from civicplan.proposals.services import proposal_publish

    proposal_publish(proposal=proposal, actor=regional_moderator)
    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;взлом&quot;)&lt;/script&gt;" in html
    track = client.get(reverse("proposals:track", args=[proposal.tracking_code])).content.decode()
    assert "<script>alert" not in track


def test_same_proposal_twice_in_a_second_is_stored_once(client, campaign):
    data = form_data(client)
    first = client.post(reverse("proposals:new"), data)
    second = client.post(
        reverse("proposals:new"), {**data, "started": form_data(client)["started"]}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "уже получено" in second.content.decode()
    assert Proposal.objects.count() == 1
    assert ConsentRecord.objects.count() == 1


def test_rate_limit_per_ip(client, campaign, settings):
    settings.PROPOSALS_RATE_PER_IP = 2
    for n in range(2):
        ok = client.post(
            reverse("proposals:new"),
            form_data(client, email=f"r{n}@example.ru", text=TEXT + f" Вариант {n}."),
            REMOTE_ADDR="10.9.9.9",
        )
        assert ok.status_code == 302
    response = client.post(
        reverse("proposals:new"),
        form_data(client, email="r3@example.ru", text=TEXT + " Третий вариант."),
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429
    assert "С вашего адреса" in response.content.decode()
    assert Proposal.objects.count() == 2


def test_rate_limit_per_email(client, campaign, settings):
    settings.PROPOSALS_RATE_PER_EMAIL = 1
    assert (
        client.post(reverse("proposals:new"), form_data(client), REMOTE_ADDR="10.0.0.7").status_code
        == 302
    )
    response = client.post(
        reverse("proposals:new"),
        form_data(client, text=TEXT + " И ещё скамейки."),
        REMOTE_ADDR="10.0.0.8",
    )
    assert response.status_code == 429
    assert "С этой электронной почты" in response.content.decode()
    assert Proposal.objects.count() == 1


def test_similar_proposals_are_offered_while_typing(client, campaign, regional_moderator):
    from civicplan.proposals.tests.conftest import published

    published(
        campaign,
        regional_moderator,
        text="Нужно отремонтировать дорогу на улице Гагарина в Отрадном.",
    )
    published(
        campaign, regional_moderator, text="Постройте бассейн для детей в Кинеле, пожалуйста."
    )
    response = client.get(
        reverse("proposals:similar"),
        {"text": "дорога на улице Гагарина разбита, отремонтируйте"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Гагарина" in html
    assert "бассейн" not in html


def test_similar_proposals_found_in_other_words(campaign, regional_moderator):
    from civicplan.proposals.selectors import proposal_similar, proposal_text_index
    from civicplan.proposals.tests.conftest import published

    # given a published proposal about a pool in Kinel
    target = published(
        campaign, regional_moderator, text="Постройте бассейн для детей в Кинеле, пожалуйста."
    )

    # when a resident types the same wish in other words
    found = proposal_similar(campaign, "В Кинеле нужен детский бассейн, детям негде плавать", 3)

    # then it is suggested, from the campaign's one index in this process
    assert found == [target]
    assert proposal_text_index(campaign) is proposal_text_index(campaign)
    assert proposal_similar(campaign, "Почините освещение на трассе до Самары", 3) == []


def test_uploaded_file_object_is_checked_by_content_in_service(campaign):
    from civicplan.core.errors import InvalidInput

    fake = io.BytesIO(b"#!/bin/sh\nrm -rf /\n")
    fake.name = "фото.jpg"
    with pytest.raises(InvalidInput):
        submit(campaign, attachments=[fake])
    assert stored() == (0, 0, 0, 0)
