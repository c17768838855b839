"""Jobs and imports are scoped (issue 15, Medium 6): a job of Samara is seen, followed and
cancelled only by Samara staff; the import list shows only the user's region."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from civicplan.accounts.models import Role, User
from civicplan.accounts.services import role_grant
from civicplan.core.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def orenburg_moderator(two_towns: Any) -> User:
    from civicplan.territories.models import Region

    orenburg, _ = Region.objects.get_or_create(
        code=56, defaults={"name": "Оренбургская область", "timezone": "Asia/Yekaterinburg"}
    )
    user = User.objects.create_user("moderator@orenburg.example", "Пароль-модератора-2026")
    role_grant(user=user, role=Role.REGIONAL_MODERATOR, region=orenburg)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def samara_import(two_towns: Any) -> Any:
    from civicplan.proposals.services.imports import proposal_import_begin, proposal_import_upload

    upload = SimpleUploadedFile(
        "анкеты-самара.csv",
        "Текст;МО;ФИО\nОткрыть в Отрадном секцию самбо для подростков.;36724000000;Ковалёв\n".encode(
            "cp1251"
        ),
    )
    record = proposal_import_upload(
        campaign=two_towns["campaign"],
        upload=upload,
        name=upload.name,
        actor=two_towns["regional_moderator"],
    )
    # Started but not yet run (a worker would pick it up): it can still be cancelled.
    record = proposal_import_begin(
        record=record,
        mapping={"text": "Текст", "municipality": "МО", "name": "ФИО"},
        actor=two_towns["regional_moderator"],
    )
    return record


def test_a_job_of_another_region_is_not_found(
    two_towns: Any, orenburg_moderator: User, samara_import: Any
) -> None:
    job = samara_import.job
    assert job.scope_region_id == two_towns["campaign"].region_id
    outsider = _as(orenburg_moderator)
    assert outsider.get(f"/jobs/{job.pk}/").status_code == 404
    assert outsider.get(f"/jobs/{job.pk}/progress/").status_code == 404
    assert outsider.post(f"/jobs/{job.pk}/cancel/").status_code == 404
    job.refresh_from_db()
    assert not job.cancel_requested

    samara = two_towns["regional_moderator"]
    samara.is_staff = True
    samara.save(update_fields=["is_staff"])
    assert _as(samara).get(f"/jobs/{job.pk}/").status_code == 200
    # A municipal moderator of a Samara town does not run region-wide work either
    kinel = two_towns["kinel_moderator"]
    kinel.is_staff = True
    kinel.save(update_fields=["is_staff"])
    assert _as(kinel).get(f"/jobs/{job.pk}/").status_code == 404


def test_import_list_and_detail_show_only_the_users_region(
    two_towns: Any, orenburg_moderator: User, samara_import: Any
) -> None:
    outsider = _as(orenburg_moderator)
    page = outsider.get("/proposals/moderation/import/").content.decode()
    assert "анкеты-самара.csv" not in page
    assert "Стратегия лидерства: Самарская" not in page
    assert outsider.get(f"/proposals/moderation/import/{samara_import.pk}/").status_code == 404

    insider = _as(two_towns["regional_moderator"])
    assert "анкеты-самара.csv" in insider.get("/proposals/moderation/import/").content.decode()
    detail = insider.get(f"/proposals/moderation/import/{samara_import.pk}/")
    assert detail.status_code == 200


def test_unscoped_old_jobs_are_for_their_author_and_the_superuser(
    two_towns: Any, orenburg_moderator: User
) -> None:
    from civicplan.core.errors import NotFound
    from civicplan.core.jobs import access_job

    old = Job.objects.create(kind="proposals.import", title="Старая загрузка")
    with pytest.raises(NotFound):
        access_job(orenburg_moderator, old.pk)
    root = User.objects.create_superuser("root@civicplan.local", "пароль-администратора-2026")
    assert access_job(root, old.pk) == old
