"""A public display name never derives from an e-mail (issue 15, High 3): a resident without
a name is signed «Житель № <id>» or «Участник», in comments, pages, API and history."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.publications.tests.conftest import (  # noqa: F401  (fixtures)
    BROWSER_UA,
    article,
    make_article,
    policies,
)

pytestmark = pytest.mark.django_db

ADDRESS = "ivan.nameless@example.ru"


def nameless_resident() -> User:
    person = User.objects.create_user(ADDRESS, "пароль-жителя-2026")
    person.email_confirmed_at = timezone.now()
    person.save(update_fields=["email_confirmed_at"])
    return person


def test_account_names_never_fall_back_to_the_address(db: None) -> None:
    person = nameless_resident()
    assert person.get_short_name() == ""
    assert person.public_name == f"Житель № {person.pk}"
    person.first_name, person.last_name = "Иван", "Петров"
    assert person.public_name == "Петров Иван"


def test_proposal_comment_of_a_nameless_resident(client: Any, two_towns: Any) -> None:
    from civicplan.proposals.services import comment_add, comment_moderate, proposal_publish

    proposal = proposal_publish(proposal=two_towns["otradny"], actor=two_towns["otradny_moderator"])
    person = nameless_resident()
    comment = comment_add(
        proposal=proposal, user=person, text="Поддерживаю, тротуар очень нужен детям."
    )
    comment_moderate(comment=comment, actor=two_towns["otradny_moderator"], publish=True)

    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    import json

    api = json.dumps(
        client.get(f"/api/v1/proposals/{proposal.pk}/comments").json(), ensure_ascii=False
    )
    for shown in (page, api):
        assert "тротуар очень нужен" in shown
        assert ADDRESS not in shown and "ivan.nameless" not in shown
        assert f"Житель № {person.pk}" in shown


def test_news_comment_of_a_nameless_resident(client: Any, article: Any) -> None:  # noqa: F811
    from civicplan.publications.services import comment_moderate, comment_submit

    person = nameless_resident()
    comment = comment_submit(
        article=article, author_name="", text="Хорошая новость про набережную!", user=person
    )
    comment_moderate(comment=comment, moderator=None, publish=True)
    page = client.get(article.get_absolute_url(), HTTP_USER_AGENT=BROWSER_UA).content.decode()
    assert "Хорошая новость" in page
    assert ADDRESS not in page and f"Житель № {person.pk}" in page


def test_an_address_typed_as_a_signature_is_refused(article: Any) -> None:  # noqa: F811
    from civicplan.core.errors import InvalidInput
    from civicplan.publications.services import comment_submit

    with pytest.raises(InvalidInput, match="адрес электронной почты"):
        comment_submit(
            article=article,
            author_name=ADDRESS,
            text="Когда откроют набережную?",
            consent_given=True,
            user_agent=BROWSER_UA,
        )


def test_proposal_signed_by_an_address_is_published_unsigned(client: Any, two_towns: Any) -> None:
    from civicplan.proposals.services import AuthorData, proposal_publish, proposal_submit

    proposal = proposal_submit(
        campaign=two_towns["campaign"],
        text="Предлагаю поставить остановку у новой школы в Отрадном на улице Мира.",
        municipality="36724000000",
        author=AuthorData(name=ADDRESS, email=ADDRESS, show_name=True),
        consent_given=True,
        ip="10.55.0.1",
        user_agent="pytest",
    )
    proposal_publish(proposal=proposal, actor=two_towns["otradny_moderator"])
    page = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert "остановку у новой школы" in page and ADDRESS not in page


def test_submission_form_does_not_prefill_the_name_with_the_address(
    client: Any, two_towns: Any
) -> None:
    client.force_login(nameless_resident())
    page = client.get(reverse("proposals:new")).content.decode()
    name_input = page[page.index('name="name"') - 200 : page.index('name="name"') + 200]
    assert ADDRESS not in name_input


def test_strategy_history_names_staff_without_their_addresses(client: Any, two_towns: Any) -> None:
    from civicplan.strategy import services

    strategy = two_towns["campaign"].strategy
    editor = User.objects.create_user("editor.nameless@samregion.ru", "пароль-редактора-2026")
    direction = strategy.directions.order_by("order").first()
    services.direction_upsert(
        strategy=strategy,
        slug=direction.slug,
        title=direction.title,
        description="Новое описание направления",
        actor=editor,
    )
    page = client.get(reverse("strategy:history", args=[strategy.slug])).content.decode()
    assert "editor.nameless" not in page and "сотрудник" in page


def test_old_signatures_with_addresses_are_replaced(two_towns: Any) -> None:
    import importlib

    from django.apps import apps

    from civicplan.proposals.models import Comment
    from civicplan.proposals.services import proposal_publish

    proposal = proposal_publish(proposal=two_towns["otradny"], actor=two_towns["otradny_moderator"])
    person = nameless_resident()
    old = Comment.objects.create(
        proposal=proposal, author=person, author_display_name=ADDRESS, text="Старый комментарий"
    )
    migration = importlib.import_module("civicplan.proposals.migrations.0008_no_email_signatures")
    migration.unsign_emails(apps, None)
    old.refresh_from_db()
    assert old.author_display_name == f"Житель № {person.pk}"
