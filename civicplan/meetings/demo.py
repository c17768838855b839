"""Demo sessions of the Samara and Orenburg regions: past ones with their ideas, votes and
resolutions (which become proposals), upcoming ones open for registration."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from typing import Any

from django.db import transaction
from django.utils import timezone

from civicplan.meetings import services
from civicplan.meetings.models import (
    BoardMember,
    BoardState,
    DotVote,
    Idea,
    PairwiseVote,
    Participant,
    ParticipantStatus,
    Section,
    Session,
    StakeholderGroup,
    VotingMode,
)
from civicplan.meetings.services import outcomes
from civicplan.meetings.services.board_rev import board_touch

LAST_NAMES = [
    ("Иванов", "Иванова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Васильев", "Васильева"),
    ("Петров", "Петрова"),
    ("Соколов", "Соколова"),
    ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Алексеев", "Алексеева"),
    ("Лебедев", "Лебедева"),
    ("Семёнов", "Семёнова"),
    ("Егоров", "Егорова"),
]
MALE = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Игорь", "Олег"]
FEMALE = ["Елена", "Ольга", "Наталья", "Татьяна", "Анна", "Мария", "Ирина", "Светлана"]
PATRONYMICS = [("Викторович", "Викторовна"), ("Петрович", "Петровна"), ("Юрьевич", "Юрьевна")]

ORGANISATIONS = {
    StakeholderGroup.GOVERNMENT: ("Министерство экономического развития", "заместитель министра"),
    StakeholderGroup.MUNICIPALITY: ("Администрация городского округа", "глава"),
    StakeholderGroup.BUSINESS: ("ООО «Волжские технологии»", "генеральный директор"),
    StakeholderGroup.EXPERT: ("Центр стратегических разработок", "ведущий эксперт"),
    StakeholderGroup.PUBLIC: ("Общественная палата", "член палаты"),
    StakeholderGroup.YOUTH: ("Молодёжный парламент", "депутат"),
    StakeholderGroup.OTHER_REGION: ("Правительство Татарстана", "советник"),
}
GROUP_SIZES = {
    StakeholderGroup.GOVERNMENT: 5,
    StakeholderGroup.MUNICIPALITY: 8,
    StakeholderGroup.BUSINESS: 7,
    StakeholderGroup.EXPERT: 5,
    StakeholderGroup.PUBLIC: 6,
    StakeholderGroup.YOUTH: 6,
    StakeholderGroup.OTHER_REGION: 3,
}
INVITED_GROUPS = {
    StakeholderGroup.GOVERNMENT,
    StakeholderGroup.MUNICIPALITY,
    StakeholderGroup.EXPERT,
    StakeholderGroup.OTHER_REGION,
}

# (kind, text, appeal 0..1 — how much the room likes it)
SMALL_TOWN_IDEAS = {
    "Рабочие места и предпринимательство": [
        (
            "challenge",
            "Молодёжь уезжает в областной центр: в малых городах нет работы по специальности",
            0.8,
        ),
        (
            "proposal",
            "Открыть в каждом малом городе коворкинг с бесплатным местом для начинающих предпринимателей",
            0.9,
        ),
        ("proposal", "Открыть коворкинги для начинающих предпринимателей в малых городах", 0.85),
        (
            "proposal",
            "Легализовать уличную торговлю: выделить места для ярмарок выходного дня",
            0.7,
        ),
        ("proposal", "Налоговые каникулы для самозанятых в малых городах на первые два года", 0.75),
        ("risk", "Теневая занятость: люди боятся регистрироваться из-за потери пособий", 0.5),
        ("proposal", "Местный бренд: ремёсла и продукты фермеров под единой маркой района", 0.6),
        ("challenge", "Нет помещений для малого бизнеса по доступной аренде", 0.55),
        ("risk", "Закрытие градообразующего предприятия оставит без работы тысячи семей", 0.45),
    ],
    "Городская среда и транспорт": [
        ("challenge", "Автобусы до областного центра ходят два раза в день", 0.85),
        ("proposal", "Запустить льготный пригородный автобус до Самары каждый час", 0.9),
        ("proposal", "Благоустроить набережные и центральные площади малых городов", 0.6),
        ("proposal", "Отремонтировать дома культуры и сделать в них молодёжные пространства", 0.7),
        ("risk", "Благоустройство без содержания: через два года всё придёт в негодность", 0.5),
        ("challenge", "Разбитые дороги между сёлами и районным центром", 0.8),
        ("proposal", "Провести быстрый интернет во все сёла с населением больше 100 человек", 0.75),
    ],
    "Кадры и образование": [
        (
            "challenge",
            "Колледжи готовят не тех специалистов, которых ищут местные предприятия",
            0.8,
        ),
        ("proposal", "Целевое обучение с гарантией работы на предприятиях района", 0.85),
        ("proposal", "Служебное жильё для молодых врачей и учителей в малых городах", 0.9),
        ("risk", "Выпускники целевого обучения не возвращаются после вуза", 0.55),
        ("proposal", "Профориентация школьников на местных предприятиях с 8 класса", 0.6),
        ("challenge", "Не хватает врачей и учителей в сельских школах и больницах", 0.75),
    ],
}

RESOLUTIONS = {
    "Рабочие места и предпринимательство": [
        (
            "Коворкинги для начинающих предпринимателей",
            "Открыть в каждом малом городе региона коворкинг с бесплатными рабочими местами "
            "для начинающих предпринимателей и самозанятых на первый год работы.",
            "small-towns",
        ),
        (
            "Ярмарки выходного дня вместо стихийной торговли",
            "Выделить в малых городах постоянные места для ярмарок выходного дня с упрощённым "
            "порядком участия, чтобы вывести уличную торговлю из тени.",
            "economic-breakthrough",
        ),
    ],
    "Городская среда и транспорт": [
        (
            "Пригородный автобус каждый час",
            "Запустить льготный пригородный автобусный маршрут от малых городов до областного "
            "центра с интервалом не более одного часа в будние дни.",
            "new-quality-of-life",
        ),
    ],
    "Кадры и образование": [
        (
            "Служебное жильё для врачей и учителей",
            "Построить или выкупить служебное жильё для молодых врачей и учителей, которые "
            "переезжают работать в малые города и сёла.",
            "talent-strategy",
        ),
        (
            "Целевое обучение с гарантией работы",
            "Заключать договоры о целевом обучении с предприятиями района, гарантируя "
            "выпускнику работу и доплату к зарплате в первые три года.",
            "talent-strategy",
        ),
    ],
}

QUALITY_IDEAS = [
    ("challenge", "Во дворах нет детских площадок и освещения", 0.8),
    ("proposal", "Обустроить сквер у школы № 1 с освещением и скамейками", 0.85),
    ("proposal", "Сделать пешеходный переход со светофором у поликлиники", 0.75),
    ("risk", "Подрядчик сорвёт сроки ремонта, как в прошлом году", 0.4),
    ("proposal", "Открыть круглогодичный каток в парке", 0.55),
    ("challenge", "Очереди к узким специалистам в поликлинике — по три недели", 0.7),
]

SAVING_IDEAS = [
    ("challenge", "В сёлах закрываются фельдшерско-акушерские пункты", 0.85),
    ("proposal", "Мобильные медицинские комплексы для выездов в отдалённые сёла", 0.9),
    ("proposal", "Бесплатные секции для детей из многодетных семей", 0.7),
    ("risk", "Нехватка фельдшеров сведёт на нет строительство новых пунктов", 0.6),
    ("proposal", "Клубы активного долголетия в каждом районном центре", 0.65),
]


def _local(tz: str, date: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(
        date.year, date.month, date.day, hour, minute, tzinfo=zoneinfo.ZoneInfo(tz)
    )


def _person(rng: random.Random, k: int) -> tuple[str, str, str]:
    female = k % 2 == 1
    last = LAST_NAMES[k % len(LAST_NAMES)][1 if female else 0]
    first = rng.choice(FEMALE if female else MALE)
    patronymic = rng.choice(PATRONYMICS)[1 if female else 0]
    return last, first, patronymic


def _participants(
    session: Session, sections: list[Section], rng: random.Random, past: bool
) -> None:
    from civicplan.accounts.services import consent_record_create, policy_current

    policy = policy_current(kind="personal-data")
    rows: list[Participant] = []
    k = 0
    for group, size in GROUP_SIZES.items():
        org, position = ORGANISATIONS[group]
        for _n in range(size):
            last, first, patronymic = _person(rng, k)
            invited = group in INVITED_GROUPS
            consent = None
            if not invited:
                consent = consent_record_create(policy=policy, ip=None, user_agent="demo")
            rows.append(
                Participant(
                    session=session,
                    last_name=last,
                    first_name=first,
                    patronymic=patronymic,
                    email=f"demo-{session.pk}-{k}@example.ru",
                    group=group,
                    organisation=org,
                    position=position,
                    section=sections[k % len(sections)] if sections else None,
                    status=ParticipantStatus.INVITED if invited else ParticipantStatus.REGISTERED,
                    checkin_code=f"D{session.pk:03d}{k:04d}"[:12],
                    consent=consent,
                    checked_in_at=session.starts_at if past and rng.random() < 0.85 else None,
                )
            )
            k += 1
    # Demo volume in bulk (participants, the crowd on the board, their ideas and votes); the
    # services take one person at a time.
    Participant.objects.bulk_create(rows)


def _board(
    section: Section,
    ideas: list[tuple[str, str, float]],
    rng: random.Random,
    *,
    members: int,
    pairwise: bool,
) -> None:
    crowd = BoardMember.objects.bulk_create(
        [
            BoardMember(
                session=section.session, nickname=f"{section.pk}-участник-{n + 1}", secret="demo"
            )
            for n in range(members)
        ]
    )
    made = Idea.objects.bulk_create(
        [
            Idea(
                section=section,
                member=crowd[n % len(crowd)],
                kind=kind,
                text=text,
                original_text=text,
            )
            for n, (kind, text, _appeal) in enumerate(ideas)
        ]
    )
    appeal = {idea.pk: a for idea, (_k, _t, a) in zip(made, ideas, strict=True)}
    if pairwise:
        votes = []
        for member in crowd:
            seen: set[tuple[int, int]] = set()
            for _n in range(6):
                a, b = rng.sample(made, 2)
                key = (min(a.pk, b.pk), max(a.pk, b.pk))
                if key in seen:
                    continue
                seen.add(key)
                pa, pb = appeal[a.pk], appeal[b.pk]
                winner = a if rng.random() < pa / (pa + pb) else b
                votes.append(
                    PairwiseVote(
                        section=section,
                        member=member,
                        first_id=key[0],
                        second_id=key[1],
                        winner=winner,
                    )
                )
        PairwiseVote.objects.bulk_create(votes)
    else:
        dots: list[Any] = []
        for member in crowd:
            chosen: set[int] = set()
            while len(chosen) < section.dots_per_member:
                idea = rng.choices(made, weights=[appeal[i.pk] ** 2 for i in made])[0]
                chosen.add(idea.pk)
            dots.extend(
                DotVote(section=section, member=member, idea_id=pk, slot=slot)
                for slot, pk in enumerate(chosen)
            )
        DotVote.objects.bulk_create(dots)
    board_touch(section, ideas=True, votes=True)


def _merge_obvious_duplicates(section: Section) -> None:
    from civicplan.meetings.services.board import idea_merge, merge_suggestions

    for suggestion in merge_suggestions(section):
        suggestion.idea.refresh_from_db()
        if suggestion.idea.merged_into_id is None:
            idea_merge(idea=suggestion.idea, into=suggestion.into)


def _resolutions(section: Section, items: list[tuple[str, str, str]]) -> None:
    strategy = section.session.campaign.strategy
    directions = {d.slug: d for d in strategy.directions.all()} if strategy else {}
    for title, text, slug in items:
        resolution = outcomes.resolution_create(
            section=section, title=title, text=text, direction=directions[slug]
        )
        outcomes.resolution_publish(resolution=resolution)


@transaction.atomic
def _region(*, campaign: Any, region_code: int, stdout: Any) -> None:
    rng = random.Random(region_code)
    today = timezone.localdate()
    tz = campaign.region.timezone or (
        "Asia/Yekaterinburg" if region_code == 56 else "Europe/Samara"
    )
    directions = {d.slug: d for d in campaign.strategy.directions.all()}
    region_name = campaign.region.name
    city = "Самара" if region_code == 63 else "Оренбург"
    organisers = (
        "Правительство "
        + ("Самарской" if region_code == 63 else "Оренбургской")
        + " области, проектный офис стратегии"
    )
    from civicplan.accounts.models import User

    facilitator = User.objects.filter(email="facilitator@civicplan.local").first()

    # 1. «Малые города — большие возможности»: past in Samara, upcoming in Orenburg.
    small_past = region_code == 63
    day = today - datetime.timedelta(days=12) if small_past else today + datetime.timedelta(days=18)
    small = services.session_create(
        campaign=campaign,
        title="Малые города — большие возможности",
        slug=f"small-towns-{region_code}",
        level="regional",
        theme="Как малым городам удержать людей, открыть бизнес и стать точками роста региона",
        summary=(
            "Региональная тематическая стратегическая сессия: команда губернатора, главы "
            "муниципалитетов, крупные работодатели, федеральные эксперты, общественность и "
            f"гости из других регионов разбирают вызовы малых городов ({region_name}), "
            "расставляют приоритеты и формулируют предложения в стратегию."
        ),
        starts_at=_local(tz, day, 10),
        ends_at=_local(tz, day, 17),
        tz=tz,
        format="hybrid",
        place=f"{city}, Дом правительства, большой зал",
        online_url="https://example.ru/translyaciya",
        state="finished" if small_past else "registration",
        directions=[directions["small-towns"], directions["economic-breakthrough"]],
        organisers=[facilitator] if facilitator else None,
        organiser_names=organisers,
        capacity=120,
    )
    for group, places in ((StakeholderGroup.YOUTH, 15), (StakeholderGroup.BUSINESS, 25)):
        services.quota_set(session=small, group=group, places=places)
    for hour, minute, title, speaker in (
        (
            10,
            0,
            "Открытие сессии. Вызовы малых городов региона",
            "Заместитель председателя правительства",
        ),
        (
            10,
            30,
            "Лучшие практики: легализация уличной торговли и самозанятость",
            "Федеральный эксперт",
        ),
        (11, 15, "Работа в секциях: вызовы, идеи, голосование", "Модераторы секций"),
        (15, 30, "Представление резолюций секций", "Модераторы секций"),
        (16, 30, "Итоги и дальнейшие шаги", "Проектный офис стратегии"),
    ):
        services.agenda_item_add(
            session=small, starts_at=_local(tz, day, hour, minute), title=title, speaker=speaker
        )
    sections = []
    moderators = ["Ольга Сергеевна Петрова", "Игорь Викторович Лебедев", "Анна Юрьевна Морозова"]
    direction_of = {
        "Рабочие места и предпринимательство": "economic-breakthrough",
        "Городская среда и транспорт": "new-quality-of-life",
        "Кадры и образование": "talent-strategy",
    }
    for order, (title, ideas) in enumerate(SMALL_TOWN_IDEAS.items(), 1):
        section = services.section_create(
            session=small,
            title=title,
            question=f"{title}: что мешает малым городам и что сделать в первую очередь?",
            moderator=facilitator if order == 1 else None,
            moderator_name=moderators[order - 1],
            direction=directions[direction_of[title]],
            order=order,
            voting_mode=VotingMode.PAIRWISE if order == 2 else VotingMode.DOTS,
        )
        sections.append(section)
        if small_past:
            _board(section, ideas, rng, members=14 + 3 * order, pairwise=order == 2)
            _merge_obvious_duplicates(section)
            section.board_state = BoardState.FINISHED
            section.save(update_fields=["board_state"])
            _resolutions(section, RESOLUTIONS[title])
    _participants(small, sections, rng, past=small_past)

    # 2. A municipal session on the quality of life, past, in a town of the region.
    from civicplan.territories.models import Municipality

    town_name = "Отрадный" if region_code == 63 else "Бузулук"
    town = (
        Municipality.objects.filter(region__code=region_code, name__icontains=town_name)
        .order_by("name")
        .first()
    )
    past_day = today - datetime.timedelta(days=30)
    title, ideas_list, slug_dir = (
        ("Новое качество жизни", QUALITY_IDEAS, "new-quality-of-life")
        if region_code == 63
        else ("Сбережение народа", SAVING_IDEAS, "saving-people")
    )
    municipal = services.session_create(
        campaign=campaign,
        title=f"{title}: обсуждение с жителями{' — ' + town_name if town else ''}",
        slug=f"municipal-{slug_dir}-{region_code}",
        level="municipal",
        municipality=town,
        theme=f"Муниципальная сессия с жителями по направлению «{title}»",
        starts_at=_local(tz, past_day, 18),
        ends_at=_local(tz, past_day, 20, 30),
        tz=tz,
        format="in_person",
        place=f"{town_name}, Дворец культуры" if town else f"{city}, Дом молодёжи",
        state="finished",
        directions=[directions[slug_dir]],
        organiser_names="Администрация "
        + (town.short_name or town.name if town else "муниципалитета"),
    )
    section = services.section_create(
        session=municipal,
        title="Что изменить в первую очередь",
        question="Какие проблемы города волнуют вас больше всего и что предлагаете сделать?",
        moderator_name="Елена Викторовна Соколова",
        direction=directions[slug_dir],
    )
    _board(section, ideas_list, rng, members=18, pairwise=False)
    section.board_state = BoardState.FINISHED
    section.save(update_fields=["board_state"])
    best = sorted(ideas_list, key=lambda i: -i[2])[0]
    _resolutions(
        section,
        [
            (
                best[1][:90],
                best[1] + ". Включить в план мероприятий муниципальной программы.",
                slug_dir,
            )
        ],
    )
    _participants(municipal, [section], rng, past=True)

    # 3. An upcoming thematic session on the digital economy, open for registration.
    up_day = today + datetime.timedelta(days=9 if region_code == 63 else 30)
    digital = services.session_create(
        campaign=campaign,
        title="Экономический прорыв. Цифровая экономика",
        slug=f"digital-economy-{region_code}",
        level="regional" if region_code == 63 else "interregional",
        theme="Цифровизация предприятий, связь в сёлах, электронные услуги, ИТ-кадры",
        starts_at=_local(tz, up_day, 11),
        ends_at=_local(tz, up_day, 16),
        tz=tz,
        format="online" if region_code == 56 else "hybrid",
        place="" if region_code == 56 else f"{city}, технопарк",
        online_url="https://example.ru/digital",
        state="registration",
        directions=[directions["economic-breakthrough"]],
        organiser_names=organisers,
    )
    for order, (title_s, question) in enumerate(
        (
            ("Цифровизация предприятий", "Что мешает малому бизнесу перейти на цифровые сервисы?"),
            ("Связь и интернет в сёлах", "Где в первую очередь нужна связь и как её провести?"),
        ),
        1,
    ):
        services.section_create(
            session=digital,
            title=title_s,
            question=question,
            order=order,
            direction=directions["economic-breakthrough"],
        )
    services.quota_set(session=digital, group=StakeholderGroup.YOUTH, places=10)
    stdout.write(f"  Сессии {region_name}: {Session.objects.filter(campaign=campaign).count()}")


def load(*, stdout: Any) -> None:
    from civicplan.campaigns.models import Campaign

    for region_code, slug in (
        (63, "strategy-leadership-samara"),
        (56, "strategy-leadership-orenburg"),
    ):
        campaign = Campaign.objects.filter(slug=slug).select_related("region", "strategy").first()
        if campaign is None or campaign.strategy is None:
            stdout.write(f"  Сессии: кампания {slug} не найдена, пропущено")
            continue
        if Session.objects.filter(slug=f"small-towns-{region_code}").exists():
            stdout.write(f"  Сессии {campaign.region.name}: уже загружены")
            continue
        _region(campaign=campaign, region_code=region_code, stdout=stdout)
