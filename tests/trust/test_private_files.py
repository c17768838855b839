"""Private files: no personal data is reachable by URL without permission, before or after
erasure (issue 15, High 1)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civicplan.proposals.models import Attachment, ProposalImport
from tests.trust.conftest import OTRADNY, OTRADNY_TEXT

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def roots(settings: Any, tmp_path: Path) -> dict[str, Path]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT.mkdir()
    return {"media": settings.MEDIA_ROOT, "private": settings.PRIVATE_MEDIA_ROOT}


def submit_with_photo(campaign: Any) -> Any:
    from civicplan.proposals.services import AuthorData, proposal_submit

    return proposal_submit(
        campaign=campaign,
        text=OTRADNY_TEXT,
        municipality=OTRADNY,
        author=AuthorData(name="Ольга Смирнова", email="olga.smirnova@example.ru"),
        consent_given=True,
        ip="10.77.0.1",
        user_agent="pytest",
        attachments=[SimpleUploadedFile("паспорт-смирновой.png", PNG, "image/png")],
    )


def test_attachment_is_private_random_and_checked(client: Any, two_towns: Any, roots: Any) -> None:
    # Given a new proposal (not yet published) with a photo
    proposal = submit_with_photo(two_towns["campaign"])
    attachment = Attachment.objects.get(proposal=proposal)
    url = reverse("proposals:attachment", args=[proposal.pk, attachment.pk])

    # Then the file is outside MEDIA_ROOT, under a random name without the tracking code
    stored = Path(roots["private"]) / attachment.file.name
    assert stored.is_file()
    assert not list(Path(roots["media"]).rglob("*"))
    assert proposal.tracking_code not in attachment.file.name
    assert "смирнов" not in attachment.file.name
    assert len(Path(attachment.file.name).stem) >= 30
    assert client.get("/media/" + attachment.file.name).status_code == 404

    # And only moderators of its town open it while it is not published
    assert client.get(url).status_code == 404
    client.force_login(two_towns["kinel_moderator"])
    assert client.get(url).status_code == 404
    client.force_login(two_towns["otradny_moderator"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"

    # When it is published, the page links the checked address, never /media/ or the code
    from civicplan.proposals.services import proposal_publish

    proposal_publish(proposal=proposal, actor=two_towns["otradny_moderator"])
    client.logout()
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert url in page and "/media/" not in page and proposal.tracking_code not in page
    assert client.get(url).status_code == 200
    # A wrong proposal id in the address does not open another proposal's file
    other = two_towns["kinel"]
    assert (
        client.get(reverse("proposals:attachment", args=[other.pk, attachment.pk])).status_code
        == 404
    )


def test_attachment_is_gone_after_consent_withdrawal(
    client: Any, two_towns: Any, roots: Any, django_capture_on_commit_callbacks: Any
) -> None:
    proposal = submit_with_photo(two_towns["campaign"])
    attachment = Attachment.objects.get(proposal=proposal)
    stored = Path(roots["private"]) / attachment.file.name
    url = reverse("proposals:attachment", args=[proposal.pk, attachment.pk])
    from civicplan.proposals.withdrawal import (
        proposal_consent_withdraw_confirm,
        withdrawal_token,
    )

    with django_capture_on_commit_callbacks(execute=True):
        proposal_consent_withdraw_confirm(token=withdrawal_token(proposal))

    assert not stored.exists()
    assert not Attachment.objects.filter(proposal=proposal).exists()
    client.force_login(two_towns["otradny_moderator"])
    assert client.get(url).status_code == 404


def test_attachments_and_import_tables_go_with_retention(
    two_towns: Any, roots: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from civicplan.proposals.services.personal_data import proposals_personal_data_erase

    proposal = submit_with_photo(two_towns["campaign"])
    photo = Path(roots["private"]) / Attachment.objects.get(proposal=proposal).file.name
    record = ProposalImport.objects.create(
        campaign=two_towns["campaign"], original_name="анкеты.csv"
    )
    record.file.save("анкеты.csv", io.BytesIO("ФИО;Телефон\n".encode()), save=True)
    table = Path(roots["private"]) / record.file.name

    with django_capture_on_commit_callbacks(execute=True):
        proposals_personal_data_erase(campaign=two_towns["campaign"])

    assert not photo.exists() and not table.exists()
    record.refresh_from_db()
    assert not record.file


def test_imported_table_is_private_and_deleted_once_read(
    two_towns: Any, roots: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from civicplan.proposals.services.imports import proposal_import_upload

    upload = SimpleUploadedFile(
        "анкеты-жителей.csv",
        "Текст;МО;ФИО;Телефон\n"
        "Открыть в Отрадном секцию самбо для подростков при школе.;36724000000;"
        "Ковалёв Иван;+7 927 111-22-33\n".encode("cp1251"),
    )
    record = proposal_import_upload(
        campaign=two_towns["campaign"],
        upload=upload,
        name=upload.name,
        actor=two_towns["regional_moderator"],
    )
    stored = Path(roots["private"]) / record.file.name
    assert stored.is_file() and "2026" not in record.file.name and "анкеты" not in record.file.name
    assert not list(Path(roots["media"]).rglob("*"))

    from civicplan.proposals.services.imports import proposal_import_begin

    with django_capture_on_commit_callbacks(execute=True):
        proposal_import_begin(
            record=record,
            mapping={"text": "Текст", "municipality": "МО", "name": "ФИО", "phone": "Телефон"},
            actor=two_towns["regional_moderator"],
        )
    record.refresh_from_db()
    assert record.report["created"] == 1
    assert not record.file and not stored.exists()


def test_nginx_sends_the_file_after_the_check(
    client: Any, two_towns: Any, roots: Any, settings: Any
) -> None:
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    proposal = submit_with_photo(two_towns["campaign"])
    attachment = Attachment.objects.get(proposal=proposal)
    client.force_login(two_towns["otradny_moderator"])
    response = client.get(reverse("proposals:attachment", args=[proposal.pk, attachment.pk]))
    assert response["X-Accel-Redirect"] == "/_private/" + attachment.file.name
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_files_uploaded_before_move_to_private_storage(two_towns: Any, roots: Any) -> None:
    # Given an attachment stored the old way: public, in a folder named by the tracking code
    import importlib

    from django.apps import apps

    proposal = two_towns["otradny"]
    old = f"proposals/{proposal.tracking_code}/photo.png"
    (Path(roots["media"]) / old).parent.mkdir(parents=True)
    (Path(roots["media"]) / old).write_bytes(PNG)
    attachment = Attachment.objects.create(
        proposal=proposal, original_name="photo.png", content_type="image/png", size=len(PNG)
    )
    Attachment.objects.filter(pk=attachment.pk).update(file=old)

    # When the migration runs
    migration = importlib.import_module("civicplan.proposals.migrations.0007_private_files")
    migration.move_to_private(apps, None)

    # Then the file is private under a random name and the public copy and folder are gone
    attachment.refresh_from_db()
    assert attachment.file.name.startswith("attachments/")
    assert (Path(roots["private"]) / attachment.file.name).read_bytes() == PNG
    assert not (Path(roots["media"]) / "proposals" / proposal.tracking_code).exists()


def test_private_root_inside_media_root_fails_the_check(settings: Any, tmp_path: Path) -> None:
    from civicplan.core.private_files import check_private_root

    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert [e.id for e in check_private_root()] == ["civicplan.E001"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path.parent / "elsewhere"
    assert check_private_root() == []


def test_erasure_of_an_account_removes_the_files_of_its_proposals(
    client: Any, two_towns: Any, roots: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from civicplan.accounts.models import User
    from civicplan.accounts.services.personal_data import personal_data_erase

    proposal = submit_with_photo(two_towns["campaign"])
    owner = User.objects.create_user("olga.smirnova@example.ru", "пароль-жительницы-2026")
    proposal.author = owner
    proposal.save(update_fields=["author"])
    attachment = Attachment.objects.get(proposal=proposal)
    stored = Path(roots["private"]) / attachment.file.name
    url = reverse("proposals:attachment", args=[proposal.pk, attachment.pk])

    with django_capture_on_commit_callbacks(execute=True):
        personal_data_erase(user=owner, reason="запрос жительницы")

    assert not stored.exists()
    client.force_login(two_towns["otradny_moderator"])
    assert client.get(url).status_code == 404
