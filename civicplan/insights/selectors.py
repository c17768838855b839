"""Reads for the working group's dashboard; a fixed number of queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek

from civicplan.campaigns.models import Campaign
from civicplan.insights.models import AnalysisRun, ProposalAnalysis, SuggestionFeedback, Topic
from civicplan.proposals.models import Proposal
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality


def run_current(campaign: Campaign) -> AnalysisRun | None:
    return AnalysisRun.objects.filter(campaign=campaign, is_current=True).first()


@dataclass
class TopicRow:
    topic: Topic
    trend: list[tuple[date, int]] = field(default_factory=list)


@dataclass
class MunicipalityRow:
    municipality: Municipality
    proposals: int
    per_thousand: float | None


@dataclass
class DirectionQuality:
    title: str
    precision: float
    recall: float
    f1: float
    labelled: int  # moderators' labelled examples of the direction
    tested: int  # of which the cross-validation tested
    confused_with: str | None  # the direction its proposals are most often taken for
    problem: str  # "" | "unlabelled" | "missed" | "few" | "weak" (`Evaluation.problem`)


@dataclass
class ConfusionRow:
    truth: str
    predicted: str | None  # None: left without a direction («не определено»)
    count: int


@dataclass
class ClassifierQuality:
    accuracy: float
    macro_f1: float
    examples: int
    examples_total: int
    folds: int
    rows: list[DirectionQuality]
    confusions: list[ConfusionRow]
    calibrated_once: bool = False  # the model's confidence settings chosen once, on all of them

    @property
    def warnings(self) -> list[DirectionQuality]:
        return [row for row in self.rows if row.problem]

    @property
    def sampled(self) -> bool:
        return self.examples < self.examples_total


def classifier_quality(
    run: AnalysisRun | None, directions: dict[int, Direction]
) -> ClassifierQuality | None:
    """The stored cross-validation of the run, with direction titles, weakest first.

    Directions deleted since the run are left out; those added since have no figures yet.
    """
    from civicplan.analytics.text.evaluation import Evaluation

    if run is None or not run.classifier_quality:
        return None
    evaluation = Evaluation.from_dict(run.classifier_quality)
    titles = {str(pk): d.title for pk, d in directions.items()}
    columns = [*evaluation.labels, None]
    rows: list[DirectionQuality] = []
    for c in evaluation.weakest_first():
        if c.label not in titles:
            continue
        k = evaluation.labels.index(c.label)
        wrong = [(n, j) for j, n in enumerate(evaluation.matrix[k]) if n and j != k]
        target = columns[max(wrong)[1]] if wrong else None
        labelled = evaluation.labelled.get(c.label, 0)
        rows.append(
            DirectionQuality(
                title=titles[c.label],
                precision=c.precision,
                recall=c.recall,
                f1=c.f1,
                labelled=labelled,
                tested=c.support,
                confused_with=titles.get(target) if target is not None else None,
                problem=evaluation.problem(c),
            )
        )
    mistakes = [
        ConfusionRow(
            truth=titles[m.truth],
            predicted=titles[m.predicted] if m.predicted is not None else None,
            count=m.count,
        )
        for m in evaluation.confusions(limit=20)
        if m.truth in titles and (m.predicted is None or m.predicted in titles)
    ]
    # The repeated mistakes; single ones only when there is nothing else to show.
    confusions = [m for m in mistakes if m.count >= 2][:5] or mistakes[:3]
    return ClassifierQuality(
        accuracy=evaluation.accuracy,
        macro_f1=evaluation.macro_f1,
        examples=evaluation.examples,
        examples_total=evaluation.examples_total,
        folds=evaluation.folds,
        rows=rows,
        confusions=confusions,
        calibrated_once=run.classifier_quality.get("calibration") == "once",
    )


@dataclass
class Dashboard:
    campaign: Campaign
    run: AnalysisRun | None
    direction: Direction | None
    directions: list[tuple[Direction | None, int]]
    topics: list[TopicRow]
    other: list[Topic]
    municipalities: list[MunicipalityRow]
    proposals_total: int
    feedback: dict[str, Any]
    quality: ClassifierQuality | None = None

    @property
    def is_empty(self) -> bool:
        return self.proposals_total == 0


def _feedback(campaign: Campaign) -> dict[str, Any]:
    stats = SuggestionFeedback.objects.filter(proposal__campaign=campaign).aggregate(
        n_total=Count("id"),
        n_accepted=Count("id", filter=Q(accepted=True)),
    )
    total = stats["n_total"] or 0
    stats = {"total": total, "accepted": stats["n_accepted"] or 0}
    stats["rate"] = round(100 * stats["accepted"] / total) if total else None
    return stats


def dashboard(campaign: Campaign, *, direction: Direction | None = None) -> Dashboard:
    run = run_current(campaign)
    proposals = Proposal.objects.filter(campaign=campaign)
    if direction is not None:
        proposals = proposals.filter(
            Q(direction=direction) | Q(analyses__run=run, analyses__predicted_direction=direction)
        ).distinct()
    topics: list[TopicRow] = []
    other: list[Topic] = []
    direction_counts: list[tuple[Direction | None, int]] = []
    quality = None
    if run is not None:
        topic_qs = Topic.objects.filter(run=run).select_related("direction", "key_proposal")
        if direction is not None:
            topic_qs = topic_qs.filter(direction=direction)
        all_topics = list(topic_qs.order_by("is_other", "-size"))
        trend: dict[int, dict[date, int]] = defaultdict(dict)
        weekly = (
            ProposalAnalysis.objects.filter(run=run, topic__in=[t.pk for t in all_topics])
            .annotate(week=TruncWeek("proposal__created_at"))
            .values("topic_id", "week")
            .annotate(n=Count("id"))
        )
        weeks: set[date] = set()
        for row in weekly:
            week = row["week"].date() if hasattr(row["week"], "date") else row["week"]
            trend[row["topic_id"]][week] = row["n"]
            weeks.add(week)
        ordered_weeks = sorted(weeks)
        for topic in all_topics:
            if topic.is_other:
                other.append(topic)
            else:
                counts = trend.get(topic.pk, {})
                topics.append(
                    TopicRow(topic=topic, trend=[(w, counts.get(w, 0)) for w in ordered_weeks])
                )
        by_direction = dict(
            ProposalAnalysis.objects.filter(run=run)
            .values("predicted_direction")
            .annotate(n=Count("id"))
            .values_list("predicted_direction", "n")
        )
        known = (
            {d.pk: d for d in campaign.strategy.directions.all()} if campaign.strategy_id else {}  # type: ignore[union-attr]  # the _id check guarantees the relation
        )
        direction_counts = [
            (known.get(pk), n) for pk, n in by_direction.items() if pk in known or pk is None
        ]
        direction_counts.sort(key=lambda item: (item[0] is None, -item[1]))
        quality = classifier_quality(run, known)
    per_municipality = dict(
        proposals.exclude(municipality=None)
        .values("municipality")
        .annotate(n=Count("id"))
        .values_list("municipality", "n")
    )
    municipalities = [
        MunicipalityRow(
            municipality=m,
            proposals=per_municipality[m.pk],
            per_thousand=round(per_municipality[m.pk] / m.population * 1000, 2)
            if m.population
            else None,
        )
        for m in Municipality.objects.filter(pk__in=per_municipality)
    ]
    municipalities.sort(key=lambda r: (-(r.per_thousand or 0), -r.proposals))
    return Dashboard(
        campaign=campaign,
        run=run,
        direction=direction,
        directions=direction_counts,
        topics=topics,
        other=other,
        municipalities=municipalities,
        proposals_total=proposals.count(),
        feedback=_feedback(campaign),
        quality=quality,
    )


def topic_proposals(topic: Topic) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(analyses__topic=topic)
        .select_related("municipality", "direction")
        .order_by("-supports_count", "-created_at")
    )


def proposal_analysis_current(proposal: Proposal) -> ProposalAnalysis | None:
    return (
        ProposalAnalysis.objects.filter(proposal=proposal, run__is_current=True)
        .select_related("predicted_direction", "guessed_direction", "duplicate_of", "topic")
        .first()
    )


def suggestions_for(proposals: list[Proposal]) -> dict[int, ProposalAnalysis]:
    """The engine's current view of each proposal in a queue page, in one query."""
    rows = ProposalAnalysis.objects.filter(
        proposal__in=[p.pk for p in proposals], run__is_current=True
    ).select_related("predicted_direction", "guessed_direction", "duplicate_of")
    return {row.proposal_id: row for row in rows}
