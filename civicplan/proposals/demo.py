"""Demo proposals for the Samara and Orenburg campaigns: a few hundred, in every status, with
official answers, supports and comments. Texts come from the synthetic generator of the
analytics core (with places of both regions), so the demo looks like real intake.

Recorded in bulk through `proposals_record` (with their status history) so that loading
takes seconds; skipped when demo proposals exist.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicplan.accounts.models import ConsentRecord, PolicyDocument, User
from civicplan.campaigns.models import Campaign
from civicplan.proposals.models import (
    PUBLIC_STATUSES,
    AgeGroup,
    Comment,
    CommentStatus,
    OfficialAnswer,
    Proposal,
    ProposalChannel,
    ProposalStatus,
    Support,
)
from civicplan.proposals.services import AuthorData, ProposalInput, StatusStep, proposals_record
from civicplan.proposals.textcheck import text_fingerprint
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality

COUNT = 360
RESIDENTS = 60
DEMO_PREFIX = "demo-"
CAMPAIGNS = {63: "strategy-leadership-samara", 56: "strategy-leadership-orenburg"}

# (status, weight): most are published and being considered, some already decided.
STATUS_WEIGHTS = [
    (ProposalStatus.NEW, 8),
    (ProposalStatus.REJECTED, 4),
    (ProposalStatus.PUBLISHED, 34),
    (ProposalStatus.UNDER_REVIEW, 20),
    (ProposalStatus.ACCEPTED, 14),
    (ProposalStatus.NOT_ACCEPTED, 7),
    (ProposalStatus.IMPLEMENTING, 8),
    (ProposalStatus.IMPLEMENTED, 5),
]
PATHS = {
    ProposalStatus.NEW: [],
    ProposalStatus.REJECTED: [ProposalStatus.REJECTED],
    ProposalStatus.PUBLISHED: [ProposalStatus.PUBLISHED],
    ProposalStatus.UNDER_REVIEW: [ProposalStatus.PUBLISHED, ProposalStatus.UNDER_REVIEW],
    ProposalStatus.ACCEPTED: [
        ProposalStatus.PUBLISHED,
        ProposalStatus.UNDER_REVIEW,
        ProposalStatus.ACCEPTED,
    ],
    ProposalStatus.NOT_ACCEPTED: [
        ProposalStatus.PUBLISHED,
        ProposalStatus.UNDER_REVIEW,
        ProposalStatus.NOT_ACCEPTED,
    ],
    ProposalStatus.IMPLEMENTING: [
        ProposalStatus.PUBLISHED,
        ProposalStatus.UNDER_REVIEW,
        ProposalStatus.ACCEPTED,
        ProposalStatus.IMPLEMENTING,
    ],
    ProposalStatus.IMPLEMENTED: [
        ProposalStatus.PUBLISHED,
        ProposalStatus.UNDER_REVIEW,
        ProposalStatus.ACCEPTED,
        ProposalStatus.IMPLEMENTING,
        ProposalStatus.IMPLEMENTED,
    ],
}
REASONS = {
    ProposalStatus.PUBLISHED: "Предложение прошло модерацию и опубликовано.",
    ProposalStatus.UNDER_REVIEW: "Предложение передано рабочей группе по направлению.",
    ProposalStatus.ACCEPTED: "Рабочая группа включила предложение в проект стратегии.",
    ProposalStatus.NOT_ACCEPTED: "Рабочая группа рассмотрела предложение и дала ответ.",
    ProposalStatus.IMPLEMENTING: "Мероприятие включено в план реализации стратегии.",
    ProposalStatus.IMPLEMENTED: "Мероприятие выполнено.",
    ProposalStatus.REJECTED: "Не содержит предложения по развитию региона.",
}
ANSWERS = {
    ProposalStatus.ACCEPTED: (
        "Спасибо за предложение. Рабочая группа включила его в проект стратегии: мероприятие "
        "войдёт в план на 2027–2030 годы, ответственный — профильное министерство совместно "
        "с администрацией муниципального образования."
    ),
    ProposalStatus.NOT_ACCEPTED: (
        "Спасибо за предложение. Вопрос относится к полномочиям органов местного самоуправления "
        "и решается в рамках муниципальной программы; обращение направлено в администрацию "
        "муниципального образования для рассмотрения."
    ),
}
COMMENTS = [
    "Полностью поддерживаю, у нас та же проблема.",
    "Хорошо бы ещё предусмотреть освещение.",
    "Это давно нужно было сделать, спасибо автору.",
    "А кто будет содержать это потом? Важно заложить средства на обслуживание.",
    "Поддерживаю! Готов участвовать в обсуждении на сессии.",
    "В соседнем районе так уже сделали, получилось неплохо.",
]
FIRST_NAMES = ["Елена", "Андрей", "Наталья", "Сергей", "Ольга", "Михаил", "Татьяна", "Алексей"]
LAST_NAMES = ["Иванова", "Петров", "Кузнецова", "Соколов", "Попова", "Лебедев", "Новикова"]


def load(*, stdout: Any) -> None:
    if Proposal.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        stdout.write("  Демонстрационные предложения уже загружены")
        return
    found_campaigns = {
        code: Campaign.objects.filter(slug=slug).select_related("strategy").first()
        for code, slug in CAMPAIGNS.items()
    }
    campaigns = {code: c for code, c in found_campaigns.items() if c is not None}
    if not campaigns:
        stdout.write("  Нет демонстрационных кампаний — предложения не загружены")
        return
    policy = PolicyDocument.objects.filter(kind="personal-data").order_by("-effective_from").first()
    from civicplan.analytics.text.synthetic import generate

    rng = random.Random(2026)
    with transaction.atomic():
        residents = _residents()
        created = 0
        for code, campaign in campaigns.items():
            created += _load_campaign(campaign, code, policy, residents, rng, generate)
    stdout.write(f"  Предложений жителей: {created}")


def _residents() -> list[User]:
    existing = list(User.objects.filter(email__startswith="resident.demo"))
    if len(existing) >= RESIDENTS:
        return existing
    now = timezone.now()
    users = []
    for n in range(RESIDENTS):
        person = User(
            email=f"resident.demo{n + 1:02d}@civicplan.local",
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=LAST_NAMES[n % len(LAST_NAMES)],
            email_confirmed_at=now,
        )
        person.set_unusable_password()
        users.append(person)
    User.objects.bulk_create(users, ignore_conflicts=True)
    return list(User.objects.filter(email__startswith="resident.demo"))


def _load_campaign(
    campaign: Campaign,
    region_code: int,
    policy: PolicyDocument | None,
    residents: list[User],
    rng: random.Random,
    generate: Any,
) -> int:
    municipalities = list(Municipality.objects.filter(region__code=region_code))
    if not municipalities:
        return 0
    by_oktmo = {m.oktmo: m for m in municipalities}
    directions = {
        d.title: d for d in Direction.objects.filter(strategy_id=campaign.strategy_id or 0)
    }
    pool = [
        p
        for p in generate(COUNT * 3, seed=region_code, duplicate_rate=0.0)
        if not p.places or any(pl.startswith(_oktmo_prefix(region_code)) for pl in p.places)
    ][: COUNT // 2]
    phase = campaign.phases.filter(accepts_proposals=True).order_by("order").first()
    now = timezone.now()
    start = timezone.make_aware(datetime.datetime.combine(campaign.starts_on, datetime.time(9, 0)))
    span = max((now - start).total_seconds() - 3 * 86400, 3600)
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    moderator = User.objects.filter(
        roles__role="regional_moderator", roles__region__code=region_code
    ).first()

    consents = (
        [ConsentRecord(policy=policy, ip_hash="demo", user_agent="demo") for _p in pool]
        if policy
        else []
    )
    if consents:
        ConsentRecord.objects.bulk_create(consents)
        if any(c.pk is None for c in consents):
            consents = list(
                ConsentRecord.objects.filter(ip_hash="demo").order_by("-pk")[: len(pool)]
            )
    items: list[ProposalInput] = []
    finals: list[str] = []
    for index, item in enumerate(pool):
        place = next((by_oktmo[p] for p in item.places if p in by_oktmo), None) or rng.choice(
            municipalities
        )
        created = start + datetime.timedelta(seconds=span * (index / max(len(pool), 1)))
        final = rng.choices(statuses, weights)[0]
        show_name = rng.random() < 0.6
        remaining = max((now - created).total_seconds(), 3600)
        path = PATHS[final]
        steps = [
            StatusStep(
                status,
                REASONS[status],
                created + datetime.timedelta(seconds=remaining * step / (len(path) + 1)),
                moderator,
            )
            for step, status in enumerate(path, 1)
        ]
        items.append(
            ProposalInput(
                text=item.text,
                municipality=place,
                phase=phase,
                direction=directions.get(item.direction) if rng.random() < 0.85 else None,
                external_id=f"{DEMO_PREFIX}{region_code}-{item.id}",
                created_at=created,
                author=AuthorData(
                    name=item.author,
                    email=f"author{index + 1}.{region_code}@example.ru"
                    if rng.random() < 0.8
                    else "",
                    phone=""
                    if rng.random() < 0.7
                    else f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                    age_group=rng.choice(AgeGroup.values + [""]),
                    show_name=show_name,
                ),
                consent=consents[index] if consents else None,
                author_display_name=item.author if show_name else "",
                fingerprint=text_fingerprint(item.text, place.oktmo, item.id),
                steps=steps,
                extra={
                    "channel": rng.choice(
                        [ProposalChannel.WEBSITE] * 6
                        + [ProposalChannel.SESSION, ProposalChannel.PAPER]
                    ),
                    "rejection_reason": "no_proposal" if final == ProposalStatus.REJECTED else "",
                },
            )
        )
        finals.append(final)
    # The demo's last loader analyses each campaign as a whole, so these are not announced
    # one batch at a time (that would analyse them twice while the demo loads).
    proposals = proposals_record(
        campaign=campaign,
        channel=ProposalChannel.WEBSITE,
        items=items,
        announce=False,
    )
    answers, supports, comments = [], [], []
    for proposal, final_status, item in zip(proposals, finals, items, strict=True):
        for step in item.steps:
            if step.status in ANSWERS:
                answers.append(
                    OfficialAnswer(
                        proposal=proposal,
                        text=ANSWERS[ProposalStatus(step.status)],
                        status=step.status,
                        organisation=f"Рабочая группа «{proposal.direction.title if proposal.direction else 'Стратегия'}»",
                        signed_by="Руководитель рабочей группы",
                        created_at=step.when,  # type: ignore[misc]  # demo steps are dated
                    )
                )
                proposal.answered_at = step.when
        if final_status in PUBLIC_STATUSES:
            count = min(len(residents), int(rng.paretovariate(1.3)) - 1)
            for person in rng.sample(residents, max(count, 0)):
                supports.append(Support(proposal=proposal, user=person))
            proposal.supports_count = max(count, 0)
            for _c in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
                person = rng.choice(residents)
                comments.append(
                    Comment(
                        proposal=proposal,
                        author=person,
                        author_display_name=person.get_full_name(),
                        text=rng.choice(COMMENTS),
                        status=CommentStatus.PUBLISHED,
                    )
                )
                proposal.comments_count += 1
    # A simulated life after arrival: answers, supports and comments of the demo residents.
    # Demo volume in bulk (answers, supports, comments on proposals that came in through
    # `proposals_record`); the services take one at a time behind rate limits.
    OfficialAnswer.objects.bulk_create(answers)
    Support.objects.bulk_create(supports, ignore_conflicts=True)
    Comment.objects.bulk_create(comments)
    Proposal.objects.bulk_update(proposals, ["supports_count", "comments_count", "answered_at"])
    return len(proposals)


def _oktmo_prefix(region_code: int) -> str:
    return {63: "36", 56: "53"}.get(region_code, "")
