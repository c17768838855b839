"""Writes of the draft as a document: the draft, its versions, sections and paragraphs,
publishing a version for discussion and starting the next one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import nh3
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.campaigns.models import Campaign, Phase
from civicplan.core.errors import Conflict, InvalidInput
from civicplan.core.pagecache import changes_public_pages
from civicplan.drafts.models import (
    Draft,
    DraftParagraph,
    DraftSection,
    DraftVersion,
    ParagraphKind,
    VersionStatus,
)
from civicplan.strategy.models import KPI, Direction, Goal, Measure, Strategy
from civicplan.strategy.services import strategy_require_editor

TITLE_MAX = 300
PARAGRAPH_MAX = 20_000
ALLOWED_TAGS = {"ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "p", "br", "b", "i"}
ALLOWED_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}


def html_sanitise(html: str) -> str:
    """Markup of a list or a table as the site shows it: structure only, no attributes that
    could carry scripts or styles."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def discussion_phase(campaign: Campaign) -> Phase | None:
    """The campaign's phase «общественное обсуждение проекта», which gives the dates."""
    return (
        campaign.phases.filter(kind=Phase.Kind.PUBLIC_DISCUSSION)
        .order_by("starts_on", "pk")
        .first()
    )


@transaction.atomic
def draft_create(*, strategy: Strategy, campaign: Campaign, title: str, actor: Any) -> Draft:
    strategy_require_editor(user=actor, strategy=strategy)
    clean = " ".join((title or "").split())
    if not clean:
        raise InvalidInput(_("Укажите название проекта."), field="title", code="required")
    if len(clean) > TITLE_MAX:
        raise InvalidInput(
            _("Название длиннее %(n)d символов.") % {"n": TITLE_MAX}, field="title", code="long"
        )
    if campaign.strategy_id not in (None, strategy.pk):
        raise InvalidInput(
            _("Эта кампания готовит другую стратегию."), field="campaign", code="other_strategy"
        )
    return Draft.objects.create(strategy=strategy, campaign=campaign, title=clean)


def _require_editable(version: DraftVersion, actor: Any) -> None:
    strategy_require_editor(user=actor, strategy=version.draft.strategy)
    if version.status != VersionStatus.DRAFT:
        raise Conflict(
            _("Редакция %(n)s уже опубликована, её текст не меняется. Создайте новую редакцию.")
            % {"n": version.number},
            code="version_published",
        )


@dataclass
class SectionInput:
    title: str
    number: str = ""
    level: int = 1


@dataclass
class ParagraphInput:
    text: str
    kind: str = ParagraphKind.TEXT
    html: str = ""
    number: str = ""
    section: int | None = None  # index into the sections list


@dataclass
class DocumentInput:
    sections: list[SectionInput] = field(default_factory=list)
    paragraphs: list[ParagraphInput] = field(default_factory=list)


def _next_number(draft: Draft) -> int:
    top = DraftVersion.objects.filter(draft=draft).aggregate(n=Max("number"))["n"]
    return int(top or 0) + 1


def _no_unpublished(draft: Draft) -> None:
    pending = DraftVersion.objects.filter(draft=draft, status=VersionStatus.DRAFT).first()
    if pending is not None:
        raise Conflict(
            _(
                "Редакция %(n)s ещё не опубликована: продолжайте работу в ней или удалите её, прежде чем создавать новую."
            )
            % {"n": pending.number},
            code="unpublished_exists",
        )


def paragraph_numbers(document: DocumentInput) -> list[str]:
    """Visible numbers: «2.1.3» inside a numbered section, «п. 14» elsewhere; never twice."""
    seen: set[str] = set()
    counters: dict[int | None, int] = {}
    numbers: list[str] = []
    for index, paragraph in enumerate(document.paragraphs, start=1):
        number = paragraph.number.strip()
        if not number:
            section = (
                document.sections[paragraph.section] if paragraph.section is not None else None
            )
            counters[paragraph.section] = counters.get(paragraph.section, 0) + 1
            if section is not None and section.number:
                number = f"{section.number}.{counters[paragraph.section]}"
            else:
                number = _("п. %(n)d") % {"n": index}
        if number in seen:
            number = _("п. %(n)d") % {"n": index}
        seen.add(number)
        numbers.append(number)
    return numbers


@transaction.atomic
def version_create_from_document(
    *,
    draft: Draft,
    document: DocumentInput,
    actor: Any,
    import_report: dict[str, Any] | None = None,
) -> DraftVersion:
    """A new unpublished version from a parsed document (the DOCX importer's output).

    A paragraph whose number was in the previous version keeps that paragraph's lineage, so
    comments and comparisons follow it into the new wording."""
    strategy_require_editor(user=actor, strategy=draft.strategy)
    _no_unpublished(draft)
    if not document.paragraphs:
        raise InvalidInput(_("В документе нет ни одного абзаца текста."), code="empty_document")
    previous = DraftVersion.objects.filter(draft=draft).order_by("-number").first()
    version = DraftVersion.objects.create(
        draft=draft,
        number=_next_number(draft),
        based_on=previous,
        created_by=actor if getattr(actor, "pk", None) else None,
        import_report=import_report or {},
    )
    sections = DraftSection.objects.bulk_create(
        DraftSection(
            version=version,
            order=i,
            number=s.number[:32],
            title=s.title[:500],
            level=max(1, min(s.level, 9)),
        )
        for i, s in enumerate(document.sections, start=1)
    )
    lineages: dict[str, Any] = {}
    if previous is not None:
        lineages = dict(
            DraftParagraph.objects.filter(version=previous).values_list("number", "lineage")
        )
    numbers = paragraph_numbers(document)
    rows = []
    for i, (p, number) in enumerate(zip(document.paragraphs, numbers, strict=True), start=1):
        row = DraftParagraph(
            version=version,
            section=sections[p.section] if p.section is not None else None,
            order=i,
            number=number,
            kind=p.kind,
            text=p.text[:PARAGRAPH_MAX],
            html=html_sanitise(p.html) if p.html else "",
        )
        if number in lineages:
            row.lineage = lineages[number]
        rows.append(row)
    DraftParagraph.objects.bulk_create(rows, batch_size=500)
    return version


@transaction.atomic
def version_create_next(*, draft: Draft, actor: Any) -> DraftVersion:
    """The next version as a copy of the latest one: same sections, paragraphs, links and
    lineage, unpublished, ready to be edited."""
    strategy_require_editor(user=actor, strategy=draft.strategy)
    _no_unpublished(draft)
    previous = DraftVersion.objects.filter(draft=draft).order_by("-number").first()
    if previous is None:
        raise Conflict(_("У проекта ещё нет ни одной редакции: загрузите документ."))
    version = DraftVersion.objects.create(
        draft=draft,
        number=previous.number + 1,
        based_on=previous,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    old_sections = list(DraftSection.objects.filter(version=previous).order_by("order"))
    new_sections = DraftSection.objects.bulk_create(
        DraftSection(version=version, order=s.order, number=s.number, title=s.title, level=s.level)
        for s in old_sections
    )
    by_old = {old.pk: new for old, new in zip(old_sections, new_sections, strict=True)}
    old_paragraphs = list(
        DraftParagraph.objects.filter(version=previous)
        .order_by("order")
        .prefetch_related("directions", "goals", "kpis", "measures")
    )
    new_paragraphs = DraftParagraph.objects.bulk_create(
        (
            DraftParagraph(
                version=version,
                section=by_old.get(p.section_id) if p.section_id else None,
                order=p.order,
                number=p.number,
                kind=p.kind,
                text=p.text,
                html=p.html,
                lineage=p.lineage,
            )
            for p in old_paragraphs
        ),
        batch_size=500,
    )
    for name in ("directions", "goals", "kpis", "measures"):
        through = getattr(DraftParagraph, name).through
        target = f"{getattr(DraftParagraph, name).field.m2m_reverse_field_name()}_id"
        links = []
        for old, new in zip(old_paragraphs, new_paragraphs, strict=True):
            for linked in getattr(old, name).all():
                links.append(through(draftparagraph_id=new.pk, **{target: linked.pk}))
        through.objects.bulk_create(links, batch_size=1000)
    return version


@transaction.atomic
def version_delete(*, version: DraftVersion, actor: Any) -> None:
    """Delete an unpublished version (a wrong import)."""
    _require_editable(version, actor)
    version.delete()


@changes_public_pages(topics=("campaigns",))
@transaction.atomic
def version_publish(
    *,
    version: DraftVersion,
    actor: Any,
    opens: date | None = None,
    closes: date | None = None,
) -> DraftVersion:
    """Open the version for discussion: by default for the dates of the campaign's phase
    «общественное обсуждение проекта». An earlier open version of the draft closes."""
    version = DraftVersion.objects.select_for_update().select_related("draft").get(pk=version.pk)
    _require_editable(version, actor)
    phase = discussion_phase(version.draft.campaign)
    opens = opens or (phase.starts_on if phase else None) or timezone.localdate()
    closes = closes or (phase.ends_on if phase else None)
    if closes is None:
        raise InvalidInput(
            _(
                "Укажите дату окончания обсуждения: в кампании нет этапа «общественное обсуждение проекта»."
            ),
            field="discussion_closes",
            code="closes_required",
        )
    if closes < opens:
        raise InvalidInput(
            _("Обсуждение не может закончиться раньше, чем начнётся."),
            field="discussion_closes",
            code="dates_order",
        )
    if closes < timezone.localdate():
        raise InvalidInput(
            _("Дата окончания обсуждения (%(d)s) уже прошла.") % {"d": closes.strftime("%d.%m.%Y")},
            field="discussion_closes",
            code="closes_past",
        )
    if not DraftParagraph.objects.filter(version=version).exists():
        raise Conflict(_("В редакции нет ни одного пункта."), code="empty_version")
    DraftVersion.objects.filter(draft=version.draft, status=VersionStatus.OPEN).exclude(
        pk=version.pk
    ).update(status=VersionStatus.CLOSED)
    version.status = VersionStatus.OPEN
    version.discussion_opens = opens
    version.discussion_closes = closes
    version.published_at = timezone.now()
    version.save(update_fields=["status", "discussion_opens", "discussion_closes", "published_at"])
    return version


@transaction.atomic
def versions_close_expired(*, today: date | None = None) -> int:
    """Mark versions whose discussion ended as «обсуждение завершено» (pages already treat
    them as read-only by date; this keeps the stored status honest for lists and the API)."""
    today = today or timezone.localdate()
    return DraftVersion.objects.filter(
        status=VersionStatus.OPEN, discussion_closes__lt=today
    ).update(status=VersionStatus.CLOSED)


@transaction.atomic
def paragraph_edit(
    *, paragraph: DraftParagraph, actor: Any, text: str, html: str | None = None
) -> DraftParagraph:
    paragraph = (
        DraftParagraph.objects.select_for_update()
        .select_related("version__draft__strategy")
        .get(pk=paragraph.pk)
    )
    _require_editable(paragraph.version, actor)
    clean = (text or "").replace("\r\n", "\n").strip()
    if not clean:
        raise InvalidInput(
            _("Текст пункта не может быть пустым. Чтобы убрать пункт, удалите его."),
            field="text",
            code="required",
        )
    if len(clean) > PARAGRAPH_MAX:
        raise InvalidInput(
            _("Пункт длиннее %(n)d символов: разделите его.") % {"n": PARAGRAPH_MAX},
            field="text",
            code="long",
        )
    paragraph.text = clean
    if html is not None:
        paragraph.html = html_sanitise(html)
    elif paragraph.kind == ParagraphKind.TEXT:
        paragraph.html = ""
    paragraph.save(update_fields=["text", "html"])
    return paragraph


@transaction.atomic
def paragraph_delete(*, paragraph: DraftParagraph, actor: Any) -> None:
    paragraph = DraftParagraph.objects.select_related("version__draft__strategy").get(
        pk=paragraph.pk
    )
    _require_editable(paragraph.version, actor)
    paragraph.delete()


@transaction.atomic
def section_edit(*, section: DraftSection, actor: Any, title: str) -> DraftSection:
    section = DraftSection.objects.select_related("version__draft__strategy").get(pk=section.pk)
    _require_editable(section.version, actor)
    clean = " ".join((title or "").split())
    if not clean:
        raise InvalidInput(_("Укажите заголовок раздела."), field="title", code="required")
    section.title = clean[:500]
    section.save(update_fields=["title"])
    return section


@transaction.atomic
def paragraph_links_set(
    *,
    paragraph: DraftParagraph,
    actor: Any,
    directions: Iterable[Direction] = (),
    goals: Iterable[Goal] = (),
    kpis: Iterable[KPI] = (),
    measures: Iterable[Measure] = (),
) -> DraftParagraph:
    """Link a paragraph to the strategy's directions, goals, KPIs and measures (of the same
    strategy only). Links may change in a published version too: they are not its wording."""
    paragraph = DraftParagraph.objects.select_related("version__draft__strategy").get(
        pk=paragraph.pk
    )
    strategy = paragraph.version.draft.strategy
    strategy_require_editor(user=actor, strategy=strategy)
    directions, goals, kpis, measures = list(directions), list(goals), list(kpis), list(measures)
    foreign = (
        [d for d in directions if d.strategy_id != strategy.pk]
        + [g for g in goals if g.direction.strategy_id != strategy.pk]
        + [k for k in kpis if k.goal.direction.strategy_id != strategy.pk]
        + [m for m in measures if m.strategy_id != strategy.pk]
    )
    if foreign:
        raise InvalidInput(
            _("«%(x)s» относится к другой стратегии.") % {"x": foreign[0]}, code="other_strategy"
        )
    paragraph.directions.set(directions)
    paragraph.goals.set(goals)
    paragraph.kpis.set(kpis)
    paragraph.measures.set(measures)
    return paragraph
