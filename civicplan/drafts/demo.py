"""The demo public discussion of the Samara strategy's draft (`manage.py load_demo`).

Built through the app's services, as a real discussion goes: the editor puts the draft
together from the demo strategy (a section per direction, a paragraph per goal and per KPI,
linked to them, with general provisions and the mechanisms of implementation around them),
publishes it; residents, business, NGOs, a municipality and experts leave about forty
comments and amendments; the moderator publishes them (one is rejected, two still wait); the
drafting group groups the similar ones and answers some in bulk and some one by one; the
editor makes version 2, whose changed paragraphs answer the accepted comments, and publishes
it. Skipped when the strategy already has a draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from civicplan.accounts.models import User
from civicplan.campaigns.models import Campaign
from civicplan.drafts.models import (
    AuthorKind,
    CommentKind,
    Draft,
    DraftComment,
    DraftCommentGroup,
    DraftParagraph,
    DraftVersion,
)
from civicplan.drafts.services import (
    CommentInput,
    DocumentInput,
    ParagraphInput,
    SectionInput,
    comment_decide,
    comment_moderate,
    comment_submit,
    draft_create,
    group_decide,
    paragraph_answers_set,
    paragraph_edit,
    paragraph_links_set,
    version_comments_group,
    version_create_from_document,
    version_create_next,
    version_publish,
)
from civicplan.proposals.services import AuthorData

CAMPAIGN = "strategy-leadership-samara"
EDITOR = "strategy@civicplan.local"
MODERATOR = "moderator.samara@civicplan.local"
TITLE = "Проект Стратегии социально-экономического развития Самарской области до 2036 года"

GENERAL = [
    "Стратегия социально-экономического развития Самарской области на период до 2036 года "
    "определяет цели, задачи и приоритеты развития региона и служит основой для "
    "государственных программ и документов муниципальных образований.",
    "Стратегия разработана с учётом предложений жителей, поступивших в ходе кампании "
    "«Стратегия лидерства», и итогов региональных и муниципальных стратегических сессий.",
    "Реализация Стратегии осуществляется в два этапа: первый — 2025–2030 годы, второй — "
    "2031–2036 годы.",
]
REPORT = (
    "Министерство экономического развития ежегодно до 1 апреля публикует доклад о ходе "
    "реализации Стратегии."
)
CENTRES = "Создать 10 центров поддержки предпринимательства в малых городах к 2030 году."
ROADS = "Обеспечить капитальный ремонт 500 км региональных дорог к 2030 году."
MONITORING = (
    "Участие жителей в мониторинге реализации Стратегии обеспечивается через платформу "
    "«Стратегия вместе»."
)
MECHANISMS = [REPORT, CENTRES, ROADS, MONITORING]

# Version 2: the wording that answers the accepted comments.
REPORT_V2 = (
    "Министерство экономического развития ежегодно до 1 апреля публикует доклад о ходе "
    "реализации Стратегии, а значения целевых показателей — ежеквартально, в открытом "
    "формате данных."
)
CENTRES_V2 = (
    "Создать 15 центров поддержки предпринимательства в малых городах и сёлах к 2030 году, "
    "в том числе с консультациями для ремесленников и самозанятых."
)
ROADS_V2 = (
    "Обеспечить капитальный ремонт 500 км региональных дорог к 2028 году, в первую очередь "
    "дорог, связывающих малые города с областным центром."
)


@dataclass(frozen=True)
class DemoComment:
    target: str  # «general:N», «mechanism:N», «goal:N», «kpi:N»
    body: str
    kind: str = CommentKind.REMARK
    proposed: str = ""
    author_kind: str = AuthorKind.RESIDENT
    organisation: str = ""
    name: str = ""  # shown when given
    email: bool = True
    passage: str = ""


R, B, N, M, E = (
    AuthorKind.RESIDENT,
    AuthorKind.BUSINESS,
    AuthorKind.NGO,
    AuthorKind.MUNICIPALITY,
    AuthorKind.EXPERT,
)
A = CommentKind.AMENDMENT

ROADS_COMMENTS = [
    DemoComment(
        "mechanism:2",
        "Срок 2030 год слишком далёкий, ремонт дорог нужен раньше.",
        name="Анна из Сызрани",
        passage="к 2030 году",
    ),
    DemoComment(
        "mechanism:2", "Ремонт дорог надо закончить раньше 2030 года, ездить невозможно уже сейчас."
    ),
    DemoComment(
        "mechanism:2",
        "Ремонт дорог надо закончить раньше 2030 года, ездить невозможно уже сейчас!",
        email=False,
    ),
    DemoComment(
        "mechanism:2",
        "Дороги к малым городам отремонтировать в первую очередь, до 2028 года.",
        author_kind=M,
        organisation="Администрация г.о. Отрадный",
    ),
    DemoComment(
        "mechanism:2",
        "Ремонт региональных дорог нужно ускорить: к 2030 году поздно.",
        name="Сергей, Кинель",
    ),
    DemoComment(
        "mechanism:2",
        "Обеспечить ремонт дорог до 2028 года, а не к 2030.",
        kind=A,
        proposed="Обеспечить капитальный ремонт 500 км региональных дорог к 2028 году.",
        author_kind=B,
        organisation="Ассоциация перевозчиков Самарской области",
    ),
]
CENTRES_COMMENTS = [
    DemoComment(
        "mechanism:1",
        "Десяти центров мало: в области больше малых городов.",
        kind=A,
        proposed="Создать 15 центров поддержки предпринимательства в малых городах к 2030 году.",
        author_kind=B,
        organisation="ООО «Волга-Агро»",
    ),
    DemoComment(
        "mechanism:1",
        "Центров поддержки предпринимательства в малых городах должно быть больше, хотя бы пятнадцать.",
        author_kind=B,
        organisation="Торгово-промышленная палата Сызрани",
    ),
    DemoComment(
        "mechanism:1",
        "Нужно больше центров поддержки бизнеса в малых городах области.",
        name="Ирина Павловна",
    ),
    DemoComment(
        "mechanism:1",
        "Добавить сёла: в сёлах бизнесу поддержка нужна не меньше.",
        kind=A,
        proposed="Создать 10 центров поддержки предпринимательства в малых городах и сёлах к 2030 году.",
        author_kind=N,
        organisation="АНО «Сельские инициативы»",
        passage="в малых городах",
    ),
    DemoComment(
        "mechanism:1",
        "Предусмотреть в центрах консультации для ремесленников и самозанятых.",
        author_kind=E,
        name="Д. А. Морозов, эксперт по МСП",
    ),
]
REPORT_COMMENTS = [
    DemoComment(
        "mechanism:0",
        "Раз в год — слишком редко. Публикуйте показатели хотя бы раз в квартал.",
        passage="ежегодно до 1 апреля",
    ),
    DemoComment(
        "mechanism:0",
        "Доклад публиковать в открытом формате данных (XLSX, CSV), а не только в PDF.",
        author_kind=E,
        name="Е. В. Лаптева, Самарский университет",
    ),
    DemoComment(
        "mechanism:0",
        "Показатели стратегии публиковать ежеквартально, а не раз в год.",
        author_kind=N,
        organisation="Общественная палата Самарской области",
    ),
]
STAGE_COMMENTS = [
    DemoComment(
        "general:2",
        "Предлагаю три этапа по четыре года: так проще отчитываться.",
        kind=A,
        proposed="Реализация Стратегии осуществляется в три этапа: 2025–2028, 2029–2032 и 2033–2036 годы.",
        author_kind=E,
        name="О. Н. Гриднева",
    ),
    DemoComment("general:2", "Разбить реализацию на три этапа, а не на два.", name="Максим"),
]
OTHER_COMMENTS = [
    DemoComment(
        "general:0",
        "Стоит прямо сказать, что стратегия учитывает национальные цели развития.",
        author_kind=E,
        name="А. И. Белов",
    ),
    DemoComment(
        "general:1",
        "Указать, сколько предложений жителей поступило и где их можно прочитать.",
        author_kind=N,
        organisation="Клуб «Городские активисты»",
    ),
    DemoComment("general:1", "Хорошо, что учли стратегические сессии. Спасибо!", name="Наталья"),
    DemoComment(
        "mechanism:3",
        "Нужна возможность оценивать выполнение мероприятий прямо на платформе.",
        name="Ольга, Новокуйбышевск",
    ),
    DemoComment(
        "mechanism:3",
        "Добавить публичные слушания в каждом муниципальном районе раз в год.",
        author_kind=M,
        organisation="Администрация м.р. Кинельский",
    ),
    DemoComment(
        "mechanism:3",
        "Не все пользуются интернетом: дайте возможность подавать замечания на бумаге в МФЦ.",
        email=False,
    ),
    DemoComment(
        "goal:0",
        "Добавить в цель конкретные сроки и ответственных.",
        author_kind=E,
        name="И. С. Котова",
    ),
    DemoComment(
        "goal:0",
        "Цель сформулирована слишком общо: что именно должно измениться для жителей?",
        name="Виктор",
    ),
    DemoComment(
        "goal:1",
        "Включить развитие сельских территорий отдельной задачей.",
        author_kind=M,
        organisation="Администрация м.р. Безенчукский",
    ),
    DemoComment(
        "goal:2",
        "Учесть доступность для людей с инвалидностью.",
        author_kind=N,
        organisation="Самарское отделение ВОИ",
    ),
    DemoComment(
        "goal:3",
        "Предлагаю добавить показатель удовлетворённости жителей.",
        kind=A,
        proposed="Добавить показатель «Доля жителей, удовлетворённых качеством жизни, %».",
        author_kind=E,
        name="П. Р. Сафонов",
    ),
    DemoComment(
        "kpi:0",
        "Целевое значение показателя занижено, область может больше.",
        author_kind=B,
        organisation="Союз работодателей Самарской области",
    ),
    DemoComment(
        "kpi:1",
        "Укажите источник данных для показателя, иначе его нельзя проверить.",
        name="Татьяна",
    ),
    DemoComment(
        "kpi:2",
        "Базовый год устарел, возьмите данные последнего года.",
        author_kind=E,
        name="Р. Ф. Галиев",
    ),
    DemoComment(
        "kpi:3",
        "Добавить промежуточные значения показателя на 2028 год.",
        author_kind=M,
        organisation="Администрация г.о. Сызрань",
    ),
    DemoComment("goal:4", "Сформулировать цель так, чтобы её можно было измерить.", name="Людмила"),
    DemoComment(
        "general:0",
        "Добавить ссылку на Стратегию пространственного развития России.",
        author_kind=E,
        name="В. К. Андреев",
    ),
    DemoComment(
        "mechanism:3",
        "Пусть на платформе будет карта мероприятий по районам.",
        name="Дмитрий, Чапаевск",
    ),
    DemoComment(
        "mechanism:1",
        "Центры поддержки открыть на базе МФЦ, чтобы не строить новые здания.",
        author_kind=B,
        organisation="ИП Кузнецов А. В.",
    ),
    DemoComment(
        "mechanism:2",
        "Предусмотреть освещение и тротуары при ремонте дорог в сёлах.",
        author_kind=N,
        organisation="ТОС «Заречье»",
    ),
    DemoComment(
        "general:2",
        "Укажите, какие результаты должны быть достигнуты к концу первого этапа.",
        author_kind=E,
        name="Н. А. Захарова",
    ),
]
PENDING_COMMENTS = [
    DemoComment(
        "mechanism:3", "Прошу добавить в мониторинг показатели по нашему посёлку Алексеевка."
    ),
    DemoComment("kpi:0", "Как рассчитывается этот показатель? Поясните в тексте."),
]
REJECTED = DemoComment("general:0", "Реклама: лучшие окна по низким ценам, звоните!")


def _document(strategy: Any) -> tuple[DocumentInput, list[tuple[int, dict[str, list[Any]]]]]:
    """The draft built from the strategy; returns the document and, per paragraph index,
    the strategy items it is linked to."""
    sections = [SectionInput(title="Общие положения", number="1")]
    paragraphs = [ParagraphInput(text=text, section=0) for text in GENERAL]
    links: list[tuple[int, dict[str, list[Any]]]] = []
    directions = list(strategy.directions.order_by("order", "pk").prefetch_related("goals__kpis"))
    for number, direction in enumerate(directions, start=2):
        sections.append(SectionInput(title=direction.title, number=str(number)))
        index = len(sections) - 1
        intro = direction.description or (
            f"Приоритет «{direction.title}» объединяет цели и показатели, приведённые ниже."
        )
        links.append((len(paragraphs), {"directions": [direction]}))
        paragraphs.append(ParagraphInput(text=intro, section=index))
        for goal in direction.goals.all():
            text = f"Цель «{goal.title}»." + (f" {goal.description}" if goal.description else "")
            links.append((len(paragraphs), {"directions": [direction], "goals": [goal]}))
            paragraphs.append(ParagraphInput(text=text, section=index))
            for kpi in list(goal.kpis.all())[:2]:
                text = (
                    f"Целевой показатель «{kpi.name}» ({kpi.unit}): базовое значение "
                    f"{kpi.baseline_value:g} в {kpi.baseline_year} году."
                )
                links.append((len(paragraphs), {"goals": [goal], "kpis": [kpi]}))
                paragraphs.append(ParagraphInput(text=text, section=index))
    sections.append(SectionInput(title="Механизмы реализации", number=str(len(directions) + 2)))
    paragraphs.extend(ParagraphInput(text=text, section=len(sections) - 1) for text in MECHANISMS)
    return DocumentInput(sections=sections, paragraphs=paragraphs), links


def _targets(version: DraftVersion) -> dict[str, DraftParagraph]:
    found: dict[str, DraftParagraph] = {}
    rows = list(version.paragraphs.order_by("order").prefetch_related("goals", "kpis"))
    texts = {p.text: p for p in rows}
    for i, text in enumerate(GENERAL):
        found[f"general:{i}"] = texts[text]
    for i, text in enumerate(MECHANISMS):
        found[f"mechanism:{i}"] = texts[text]
    goals = [p for p in rows if p.text.startswith("Цель «")]
    kpis = [p for p in rows if p.text.startswith("Целевой показатель")]
    for i, paragraph in enumerate(goals):
        found[f"goal:{i}"] = paragraph
    for i, paragraph in enumerate(kpis):
        found[f"kpi:{i}"] = paragraph
    return found


def _submit(targets: dict[str, DraftParagraph], item: DemoComment, n: int) -> DraftComment | None:
    paragraph = targets.get(item.target)
    if paragraph is None:  # a strategy with fewer goals or KPIs than the demo expects
        return None
    passage = item.passage if item.passage and item.passage in paragraph.text else ""
    start = paragraph.text.find(passage) if passage else None
    return comment_submit(
        paragraph=paragraph,
        data=CommentInput(
            kind=item.kind,
            body=item.body,
            proposed_text=item.proposed,
            passage=passage,
            passage_start=start,
            passage_end=start + len(passage) if passage and start is not None else None,
            author_kind=item.author_kind,
            organisation=item.organisation,
        ),
        author=AuthorData(
            name=item.name or "Участник обсуждения",
            email=f"draft.demo{n}@example.ru" if item.email else "",
            phone="" if item.email else f"+7927000{n:04d}",
            show_name=bool(item.name),
        ),
        consent_given=True,
        ip=f"10.63.{n // 200}.{n % 200 + 1}",
        user_agent="demo",
    )


def load(*, stdout: Any) -> None:
    campaign = Campaign.objects.filter(slug=CAMPAIGN).select_related("strategy").first()
    editor = User.objects.filter(email=EDITOR).first()
    moderator = User.objects.filter(email=MODERATOR).first()
    if campaign is None or campaign.strategy is None or editor is None or moderator is None:
        stdout.write("  Обсуждение проекта: нет демо-кампании Самарской области — пропущено.")
        return
    strategy = campaign.strategy
    if Draft.objects.filter(strategy=strategy).exists():
        stdout.write("  Обсуждение проекта: уже загружено.")
        return
    today = timezone.localdate()
    draft = draft_create(strategy=strategy, campaign=campaign, title=TITLE, actor=editor)
    document, links = _document(strategy)
    first = version_create_from_document(draft=draft, document=document, actor=editor)
    ordered = list(first.paragraphs.order_by("order"))
    for index, items in links:
        paragraph_links_set(paragraph=ordered[index], actor=editor, **items)
    version_publish(
        version=first,
        actor=editor,
        opens=today - dt.timedelta(days=25),
        closes=today + dt.timedelta(days=5),
    )
    targets = _targets(first)

    def submit_all(items: list[DemoComment], start: int) -> list[DraftComment]:
        made = [_submit(targets, item, start + i) for i, item in enumerate(items)]
        return [c for c in made if c is not None]

    roads = submit_all(ROADS_COMMENTS, 0)
    centres = submit_all(CENTRES_COMMENTS, 20)
    report = submit_all(REPORT_COMMENTS, 40)
    stage = submit_all(STAGE_COMMENTS, 60)
    other = submit_all(OTHER_COMMENTS, 80)
    pending = submit_all(PENDING_COMMENTS, 120)
    rejected = submit_all([REJECTED], 140)
    for comment in roads + centres + report + stage + other:
        comment_moderate(comment=comment, actor=moderator, publish=True)
    for comment in rejected:
        comment_moderate(
            comment=comment, actor=moderator, publish=False, reason="Реклама, не о проекте."
        )

    # The drafting group: similar comments grouped, answered in bulk where they agree.
    version_comments_group(version=first, actor=editor)
    answered: dict[str, list[DraftComment]] = {"roads": [], "centres": [], "report": []}
    for group in DraftCommentGroup.objects.filter(paragraph__version=first).select_related(
        "paragraph"
    ):
        if group.paragraph.text == ROADS:
            answered["roads"] += group_decide(
                group=group,
                decision="partly",
                reason="Срок ремонта дорог к малым городам сокращён до 2028 года; весь объём "
                "ремонта к 2028 году не обеспечен финансированием.",
                actor=editor,
            )
        elif group.paragraph.text == CENTRES:
            answered["centres"] += group_decide(
                group=group,
                decision="accepted",
                reason="Число центров увеличено до 15, добавлены сёла.",
                actor=editor,
            )
        elif group.paragraph.text == REPORT:
            answered["report"] += group_decide(
                group=group,
                decision="partly",
                reason="Показатели будут публиковаться ежеквартально; доклад остаётся ежегодным.",
                actor=editor,
            )
    singles = {
        "centres": [c for c in centres if c.pk not in {x.pk for x in answered["centres"]}],
        "report": [c for c in report if c.pk not in {x.pk for x in answered["report"]}],
    }
    for comment in singles["centres"]:
        answered["centres"].append(
            comment_decide(
                comment=comment,
                decision="accepted",
                reason="Учтено в новой редакции пункта.",
                actor=editor,
            )
        )
    for comment in singles["report"]:
        answered["report"].append(
            comment_decide(
                comment=comment,
                decision="accepted",
                reason="Данные будут публиковаться в открытом формате.",
                actor=editor,
            )
        )
    for comment in stage:
        comment_decide(
            comment=comment,
            decision="declined",
            reason="Этапы совпадают с периодами федерального планирования (2030 и 2036 годы).",
            actor=editor,
        )
    for comment in other[:3]:
        comment_decide(
            comment=comment,
            decision="declined" if comment.body.startswith("Хорошо") else "partly",
            reason="Отзыв принят к сведению, изменение текста не требуется."
            if comment.body.startswith("Хорошо")
            else "Будет отражено в пояснительной записке к Стратегии.",
            actor=editor,
        )

    # Version 2: the paragraphs that answer the accepted comments change.
    second = version_create_next(draft=draft, actor=editor)
    by_lineage = {p.lineage: p for p in second.paragraphs.all()}
    for old_text, new_text, key in (
        (ROADS, ROADS_V2, "roads"),
        (CENTRES, CENTRES_V2, "centres"),
        (REPORT, REPORT_V2, "report"),
    ):
        paragraph = by_lineage[next(p.lineage for p in ordered if p.text == old_text)]
        paragraph_edit(paragraph=paragraph, actor=editor, text=new_text)
        accepted = [c for c in answered[key] if c.decision in ("accepted", "partly")]
        paragraph_answers_set(paragraph=paragraph, comments=accepted, actor=editor)
    version_publish(version=second, actor=editor, opens=today, closes=today + dt.timedelta(days=30))
    total = DraftComment.objects.filter(paragraph__version__draft=draft).count()
    decided = DraftComment.objects.filter(paragraph__version__draft=draft).exclude(decision="none")
    stdout.write(
        f"  Обсуждение проекта: «{draft.title}», редакций: 2, пунктов: {len(ordered)}, "
        f"замечаний: {total} (с решением: {decided.count()}, ждут модерации: {len(pending)})."
    )
