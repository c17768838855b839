"""Rows for the tests of answers, the summary, the comparison and the API: a draft of the
Samara strategy with two versions, comments from several kinds of authors, the drafting group
(a strategy editor) and a resident."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from civicplan.accounts.models import Role, User
from civicplan.accounts.services import role_grant
from civicplan.drafts.models import (
    AuthorKind,
    CommentKind,
    Draft,
    DraftComment,
    DraftCommentPersonalData,
    DraftParagraph,
    DraftSection,
    DraftVersion,
    ModerationStatus,
    VersionStatus,
)

ROADS = "Отремонтировать региональные дороги к 2030 году."
CENTRES = "Создать 10 центров поддержки предпринимательства в малых городах."


@dataclass
class Discussion:
    draft: Draft
    version: DraftVersion
    roads: DraftParagraph
    centres: DraftParagraph
    editor: User
    comments: dict[str, DraftComment] = field(default_factory=dict)


def comment_add(
    paragraph: DraftParagraph,
    body: str,
    *,
    kind: str = CommentKind.REMARK,
    proposed_text: str = "",
    author_kind: str = AuthorKind.RESIDENT,
    organisation: str = "",
    signature: str = "",
    email: str = "",
    status: str = ModerationStatus.PUBLISHED,
) -> DraftComment:
    comment = DraftComment.objects.create(
        paragraph=paragraph,
        kind=kind,
        body=body,
        proposed_text=proposed_text,
        author_kind=author_kind,
        organisation=organisation,
        author_display_name=signature,
        status=status,
    )
    DraftCommentPersonalData.objects.create(
        comment=comment, name="Пётр Иванов", email=email, phone="+79277654321"
    )
    return comment


def editor_make(campaign: Any, email: str = "gruppa@example.ru") -> User:
    user = User.objects.create_user(email=email, password="pass-12345-x", first_name="Ирина")
    role_grant(user=user, role=Role.STRATEGY_EDITOR, region=campaign.strategy.region)
    return user


def discussion_make(campaign: Any) -> Discussion:
    draft = Draft.objects.create(
        strategy=campaign.strategy,
        campaign=campaign,
        title="Стратегия Самарской области до 2036 года",
    )
    version = DraftVersion.objects.create(
        draft=draft,
        number=1,
        status=VersionStatus.OPEN,
        discussion_opens=dt.date(2026, 11, 1),
        discussion_closes=dt.date(2026, 11, 30),
    )
    section = DraftSection.objects.create(
        version=version, order=1, number="2", title="Инфраструктура и экономика"
    )
    roads = DraftParagraph.objects.create(
        version=version, section=section, order=1, number="2.1", text=ROADS
    )
    centres = DraftParagraph.objects.create(
        version=version, section=section, order=2, number="2.2", text=CENTRES
    )
    found = Discussion(
        draft=draft, version=version, roads=roads, centres=centres, editor=editor_make(campaign)
    )
    found.comments = {
        "earlier": comment_add(
            roads,
            "Срок 2030 год слишком далёкий, ремонт дорог нужен раньше.",
            email="anna@example.ru",
            signature="Анна из Сызрани",
        ),
        "sooner": comment_add(roads, "Ремонт дорог надо закончить раньше 2030 года."),
        "sooner_copy": comment_add(roads, "Ремонт дорог надо закончить раньше 2030 года!"),
        "amendment": comment_add(
            centres,
            "В малых городах нужно больше центров.",
            kind=CommentKind.AMENDMENT,
            proposed_text="Создать 15 центров поддержки предпринимательства в малых городах и сёлах.",
            author_kind=AuthorKind.BUSINESS,
            organisation="ООО «Волга-Агро»",
        ),
        "health": comment_add(
            centres, "Добавить показатель доли жителей, довольных медицинской помощью."
        ),
        "pending": comment_add(
            centres, "Звоните мне: +7 927 111-22-33", status=ModerationStatus.PENDING
        ),
    }
    return found
