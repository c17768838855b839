"""API of the meetings app: the session calendar and the idea board.

Board calls carry the participant token from `POST /board/{code}/join` in the
`X-Board-Token` header.
"""

import datetime
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from civicplan.accounts.services import client_ip, ip_hash
from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.meetings import board_results, selectors
from civicplan.meetings.models import BoardMember, Idea, Section, Session, SessionState
from civicplan.meetings.services import board

router = Router(tags=["meetings"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class SectionOut(Schema):
    id: int
    title: str
    question: str
    moderator: str
    code: str | None
    board_state: str
    voting_mode: str


class SessionOut(Schema):
    slug: str
    title: str
    theme: str
    level: str
    format: str
    state: str
    region: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    timezone: str
    place: str
    online_url: str
    url: str


class SessionDetailOut(SessionOut):
    summary: str
    sections: list[SectionOut]


def _session_out(s: Session) -> dict:
    from django.urls import reverse

    return {
        "slug": s.slug,
        "title": s.title,
        "theme": s.theme,
        "level": s.level,
        "format": s.format,
        "state": s.state,
        "region": s.campaign.region.name,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "timezone": s.timezone,
        "place": s.place,
        "online_url": s.online_url,
        "url": reverse("meetings:session", args=[s.slug]),
    }


@router.get("", response=list[SessionOut], summary=gettext_lazy("Календарь сессий"))
def session_list(
    request: HttpRequest, region: int | None = None, level: str = "", when: str = ""
) -> list[dict]:
    data = selectors.session_calendar(region_code=region, level=level, when=when)
    return [_session_out(s) for s in [*data["upcoming"], *data["past"]]]


class JoinIn(Schema):
    nickname: str


class JoinOut(Schema):
    token: str
    member: int
    nickname: str
    section: int
    session: str


class BoardOut(Schema):
    section: int
    title: str
    question: str
    board_state: str
    voting_mode: str
    dots_per_member: int


class IdeaIn(Schema):
    kind: str
    text: str


class IdeaOut(Schema):
    id: int
    kind: str
    text: str
    created_at: datetime.datetime


class DotIn(Schema):
    idea: int


class DotOut(Schema):
    idea: int
    dots_left: int


class PairOut(Schema):
    left: IdeaOut
    right: IdeaOut
    ticket: str


class PairIn(Schema):
    ticket: str
    winner: int


class ResultOut(Schema):
    idea: int
    text: str
    kind: str
    value: float
    wins: int
    losses: int


def _section(request: HttpRequest, code: str) -> Section:
    return board.section_by_code(code, ip_key=ip_hash(client_ip(request)))


def _member(request: HttpRequest, section: Section) -> BoardMember:
    token = request.headers.get("X-Board-Token") or request.COOKIES.get(
        f"cp_board_{section.session_id}"
    )
    return board.member_from_token(token, section=section)


def _idea(i: Idea) -> dict:
    return {"id": i.pk, "kind": i.kind, "text": i.public_text, "created_at": i.created_at}


@router.post(
    "/board/{code}/join",
    response={201: JoinOut, **ERRORS},
    summary=gettext_lazy("Подключиться к доске"),
)
def board_join(request: HttpRequest, code: str, payload: JoinIn) -> Status:
    section = _section(request, code)
    member, token = board.board_join(
        section=section,
        nickname=payload.nickname,
        ip_key=ip_hash(client_ip(request)),
        # A browser that calls the API joins once, like on the page (its session cookie).
        device_key=board.device_key_for(request.session.session_key),
    )
    return Status(
        201,
        {
            "token": token,
            "member": member.pk,
            "nickname": member.nickname,
            "section": section.pk,
            "session": section.session.slug,
        },
    )


@router.get(
    "/board/{code}", response={200: BoardOut, **ERRORS}, summary=gettext_lazy("Состояние доски")
)
def board_state(request: HttpRequest, code: str) -> dict:
    s = _section(request, code)
    return {
        "section": s.pk,
        "title": s.title,
        "question": s.question,
        "board_state": s.board_state,
        "voting_mode": s.voting_mode,
        "dots_per_member": s.dots_per_member,
    }


@router.post(
    "/board/{code}/ideas", response={201: IdeaOut, **ERRORS}, summary=gettext_lazy("Добавить идею")
)
def idea_post(request: HttpRequest, code: str, payload: IdeaIn) -> Status:
    section = _section(request, code)
    member = _member(request, section)
    idea = board.idea_post(section=section, member=member, kind=payload.kind, text=payload.text)
    return Status(201, _idea(idea))


def _shared_json(
    request: HttpRequest, section: Section, what: str, etag: str, build: Any, *, votes: bool
) -> HttpResponse:
    """A list every participant of the board gets alike: 304 when the caller has this
    version (If-None-Match), otherwise the JSON (encoded once per version of the board) with
    its ETag; always revalidated."""
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        body = board_results.cached_fragment(
            section,
            what,
            lambda: json.dumps(build(), cls=DjangoJSONEncoder, ensure_ascii=False),
            votes=votes,
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get(
    "/board/{code}/ideas",
    response={200: list[IdeaOut], 304: None, **ERRORS},
    summary=gettext_lazy("Идеи доски"),
    description=gettext_lazy("Отвечает 304, если в If-None-Match указан текущий ETag списка."),
)
def idea_list(request: HttpRequest, code: str) -> HttpResponse:
    section = _section(request, code)
    return _shared_json(
        request,
        section,
        "api-ideas",
        board_results.ideas_etag(section),
        lambda: board_results.cached_board_ideas(section),
        votes=False,
    )


@router.post(
    "/board/{code}/dots", response={201: DotOut, **ERRORS}, summary=gettext_lazy("Голос точкой")
)
def dot_cast(request: HttpRequest, code: str, payload: DotIn) -> Status:
    section = _section(request, code)
    member = _member(request, section)
    board.dot_vote_cast(section=section, member=member, idea_id=payload.idea)
    left = section.dots_per_member - len(board.dots_used(section, member))
    return Status(201, {"idea": payload.idea, "dots_left": max(0, left)})


@router.get(
    "/board/{code}/pair",
    response={200: PairOut, 204: None, **ERRORS},
    summary=gettext_lazy("Следующая пара"),
)
def pair_get(request: HttpRequest, code: str) -> Status:
    section = _section(request, code)
    member = _member(request, section)
    pair = board.pair_next(section=section, member=member)
    if pair is None:
        return Status(204, None)
    left, right, ticket = pair
    return Status(200, {"left": _idea(left), "right": _idea(right), "ticket": ticket})


@router.post(
    "/board/{code}/pair", response={201: None, **ERRORS}, summary=gettext_lazy("Выбор в паре")
)
def pair_vote(request: HttpRequest, code: str, payload: PairIn) -> Status:
    section = _section(request, code)
    member = _member(request, section)
    board.pair_vote_cast(
        section=section, member=member, ticket=payload.ticket, winner_id=payload.winner
    )
    return Status(201, None)


@router.get(
    "/board/{code}/results",
    response={200: list[ResultOut], 304: None, **ERRORS},
    summary=gettext_lazy("Результаты"),
    description=gettext_lazy("Отвечает 304, если в If-None-Match указан текущий ETag результатов."),
)
def results(request: HttpRequest, code: str) -> HttpResponse:
    section = _section(request, code)

    def build() -> list[dict]:
        # Masked like on the room's screen (phones and e-mails never leave); masked once per
        # version of the ideas, not again after every vote.
        texts = {row["id"]: row["text"] for row in board_results.cached_board_ideas(section)}
        return [
            {
                "idea": r.idea.pk,
                "text": texts.get(r.idea.pk) or r.idea.public_text,
                "kind": r.idea.kind,
                "value": r.value,
                "wins": r.wins,
                "losses": r.losses,
            }
            for r in board_results.cached_section_results(section)
        ]

    return _shared_json(
        request, section, "api-results", board_results.results_etag(section), build, votes=True
    )


@router.get(
    "/{slug}", response={200: SessionDetailOut, 404: ErrorOut}, summary=gettext_lazy("Сессия")
)
def session_detail(request: HttpRequest, slug: str) -> dict:
    s = selectors.session_detail(slug)
    if s is None or not s.is_published:
        raise NotFound(gettext("Сессия не найдена."))
    live = s.state == SessionState.IN_PROGRESS
    return {
        **_session_out(s),
        "summary": s.summary,
        "sections": [
            {
                "id": sec.pk,
                "title": sec.title,
                "question": sec.question,
                "moderator": sec.moderator_name,
                "code": sec.code if live else None,
                "board_state": sec.board_state,
                "voting_mode": sec.voting_mode,
            }
            for sec in s.sections.all()
        ],
    }
