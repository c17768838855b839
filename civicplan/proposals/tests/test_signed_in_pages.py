"""A proposal's page for signed-in visitors: what everyone sees the same is rendered once and
kept (`shared_fragment`), yet each write shows at once, and nothing of one resident (name,
support, own comment awaiting moderation, CSRF token) reaches another; a moderator keeps the
staff menu."""

from __future__ import annotations

from typing import Any

import pytest
from django.middleware.csrf import _unmask_cipher_token

from civicplan.accounts.testing import CSRF_TOKEN_RE, person, signed_in, signed_in_page
from civicplan.core.pagecache import csrf_placeholder
from civicplan.proposals.models import ProposalStatus
from civicplan.proposals.services import (
    comment_add,
    comment_moderate,
    proposal_answer,
    proposal_status_set,
    support_add,
)
from civicplan.proposals.tests.conftest import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def test_signed_in_proposal_page_shows_each_write_at_once(
    campaign: Any, regional_moderator: Any
) -> None:
    proposal = published(campaign, regional_moderator, text="Нужна велодорожка вдоль Волги.")
    url = f"/proposals/{proposal.pk}/"
    anna = signed_in(person("anna@example.ru", "Зарема"))
    boris = person("boris@example.ru", "Всеволод")
    first = signed_in_page(anna, url)
    assert "Нужна велодорожка вдоль Волги." in first
    assert "0\u00a0жителей поддержали" in first

    proposal_status_set(
        proposal=proposal, actor=regional_moderator, status=ProposalStatus.UNDER_REVIEW
    )
    assert f">{ProposalStatus.UNDER_REVIEW.label}</span>" in signed_in_page(anna, url)

    support_add(proposal=proposal, user=boris)
    assert "1\u00a0житель поддержал" in signed_in_page(anna, url)

    comment = comment_add(proposal=proposal, user=boris, text="Поддерживаю, и освещение нужно!")
    if comment.status != "published":
        assert "Поддерживаю, и освещение нужно!" not in signed_in_page(anna, url)
        comment_moderate(comment=comment, actor=regional_moderator, publish=True)
    assert "Поддерживаю, и освещение нужно!" in signed_in_page(anna, url)

    proposal_answer(
        proposal=proposal,
        actor=regional_moderator,
        text="Велодорожку включили в план благоустройства набережной на 2027 год.",
        organisation="Администрация городского округа Отрадный",
        status=ProposalStatus.ACCEPTED,
    )
    html = signed_in_page(anna, url)
    assert "Велодорожку включили в план благоустройства" in html
    assert f">{ProposalStatus.ACCEPTED.label}</span>" in html


def test_two_residents_never_see_each_others_state(campaign: Any, regional_moderator: Any) -> None:
    campaign.comments_premoderated = True
    campaign.save(update_fields=["comments_premoderated"])
    proposal = published(campaign, regional_moderator, text="Откройте в Отрадном каток зимой.")
    url = f"/proposals/{proposal.pk}/"
    anna_user, boris_user = (
        person("anna@example.ru", "Зарема"),
        person("boris@example.ru", "Всеволод"),
    )
    anna, boris = signed_in(anna_user), signed_in(boris_user)
    signed_in_page(boris, url)  # Boris' visit fills what is shared

    support_add(proposal=proposal, user=anna_user)
    comment_add(proposal=proposal, user=anna_user, text="Моя заявка: залить каток у школы № 3.")
    signed_in_page(anna, url)
    html_a, html_b = signed_in_page(anna, url), signed_in_page(boris, url)

    assert "Зарема" in html_a and "Всеволод" not in html_a
    assert "Всеволод" in html_b and "Зарема" not in html_b
    assert "Вы поддержали это предложение." in html_a
    assert "Вы поддержали это предложение." not in html_b
    assert "1\u00a0житель поддержал" in html_b
    assert "залить каток у школы № 3" in html_a, "her own comment awaiting moderation"
    assert "залить каток у школы № 3" not in html_b
    # each page carries its reader's own CSRF token, and the token works for him only
    assert csrf_placeholder() not in html_a + html_b
    tokens_a, tokens_b = set(CSRF_TOKEN_RE.findall(html_a)), set(CSRF_TOKEN_RE.findall(html_b))
    secret_a, secret_b = anna.cookies["csrftoken"].value, boris.cookies["csrftoken"].value
    assert secret_a != secret_b
    assert tokens_a and all(_unmask_cipher_token(t) == secret_a for t in tokens_a)
    assert tokens_b and all(_unmask_cipher_token(t) == secret_b for t in tokens_b)
    comment_url = f"/proposals/{proposal.pk}/comment/"
    text = {"text": "Каток нужен и взрослым."}
    assert (
        boris.post(comment_url, {**text, "csrfmiddlewaretoken": tokens_a.pop()}).status_code == 403
    )
    assert (
        boris.post(comment_url, {**text, "csrfmiddlewaretoken": tokens_b.pop()}).status_code == 302
    )


def test_moderator_sees_the_staff_menu_on_a_page_a_resident_opened_first(
    campaign: Any, regional_moderator: Any
) -> None:
    proposal = published(campaign, regional_moderator, text="Почините фонари на улице Мира.")
    url = f"/proposals/{proposal.pk}/"
    resident_html = signed_in_page(signed_in(person("anna@example.ru", "Зарема")), url)

    moderator_html = signed_in_page(signed_in(regional_moderator), url)

    staff_link = 'href="/proposals/moderation/'
    assert staff_link not in resident_html
    assert staff_link in moderator_html
    assert "Почините фонари на улице Мира." in moderator_html
