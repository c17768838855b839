"""A proposal and the strategy measures that answer it (strategy sits below proposals, so the
tests that need both live here)."""

from __future__ import annotations

import io
from typing import Any

from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from civicplan.strategy import demo_roadmap, services
from civicplan.strategy.models import Measure


def test_proposal_page_block_shows_the_measures_that_answer_it(demo_campaign: Any) -> None:
    from civicplan.proposals.models import Proposal

    demo_roadmap.load(stdout=io.StringIO())
    strategy = demo_campaign.strategy
    proposal = Proposal.objects.create(
        campaign=demo_campaign,
        direction=strategy.directions.get(slug="small-towns"),
        title="Электричка до Отрадного утром",
        text="Нужна утренняя электричка из Отрадного в Самару к началу смены.",
        status="accepted",
        tracking_code="SAM-TEST-1",
        created_at=timezone.now(),
    )
    measure = Measure.objects.get(strategy=strategy, code="5.5")
    services.measure_upsert(strategy=strategy, code="5.5", proposals=[proposal])

    html = Template("{% load strategy_tags %}{% proposal_measures proposal %}").render(
        Context({"proposal": proposal})
    )

    assert "Что сделано по предложению" in html
    assert reverse("strategy:measure", args=[strategy.slug, measure.pk]) in html
    assert "выполнено 42 %" in html
    other = Proposal.objects.create(
        campaign=demo_campaign, text="Другое", tracking_code="SAM-TEST-2", created_at=timezone.now()
    )
    assert "Что сделано" not in Template(
        "{% load strategy_tags %}{% proposal_measures proposal %}"
    ).render(Context({"proposal": other}))


def test_session_resolution_becomes_a_draft_measure(demo_campaign: Any) -> None:
    from civicplan.proposals.models import Proposal

    strategy = demo_campaign.strategy
    proposal = Proposal.objects.create(
        campaign=demo_campaign,
        text="Открыть в Кинеле молодёжный коворкинг",
        status="published",
        tracking_code="SAM-TEST-9",
        created_at=timezone.now(),
    )
    measure = services.measure_draft_from_text(
        strategy=strategy,
        direction=strategy.directions.get(slug="talent-strategy"),
        title="Молодёжный коворкинг в Кинеле",
        description="Решение секции «Кадровая стратегия» муниципальной сессии в Кинеле.",
        organisation="Администрация городского округа Кинель",
        sector="municipality",
        proposals=[proposal],
    )
    assert measure.state == "planned" and measure.code.startswith("П-")
    assert list(measure.proposals.all()) == [proposal]
