"""The live idea board of a section: joining by code, ideas, moderation, votes, results.

A participant joins with the section's six-digit code and a nickname (unique within the
session); no account. The board hands out a *participant token*: the member's id and a
random secret, signed with the site's key (`django.core.signing`). Every idea and vote
carries it; a token that does not verify, or whose secret does not match the stored one, is
refused. The database enforces the rest: a dot per idea per member, a pair compared once
per member.
"""

from __future__ import annotations

import hashlib
import logging
import random
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from civicplan.core.ratelimit import rate_limit_check, rate_limit_hit
from civicplan.meetings.board_results import (
    IdeaResult as IdeaResult,
)
from civicplan.meetings.board_results import (
    board_version as board_version,
)
from civicplan.meetings.board_results import (
    section_results as section_results,
)
from civicplan.meetings.board_results import (
    section_vote_counts as section_vote_counts,
)
from civicplan.meetings.board_similar import (
    MergeSuggestion as MergeSuggestion,
)
from civicplan.meetings.board_similar import (
    active_ideas as active_ideas,
)
from civicplan.meetings.board_similar import (
    merge_suggestions as merge_suggestions,
)
from civicplan.meetings.board_similar import (
    similar_ideas as similar_ideas,
)
from civicplan.meetings.models import (
    BoardMember,
    BoardState,
    Cluster,
    DotVote,
    Idea,
    IdeaKind,
    PairwiseVote,
    Section,
    VotingMode,
)
from civicplan.meetings.services.board_merge import (
    idea_merge as idea_merge,
)
from civicplan.meetings.services.board_merge import (
    idea_unmerge as idea_unmerge,
)
from civicplan.meetings.services.board_merge import (
    ideas_merge as ideas_merge,
)
from civicplan.meetings.services.board_rev import board_touch

logger = logging.getLogger(__name__)

TOKEN_SALT = "civicplan.meetings.board-member"
TOKEN_MAX_AGE = 7 * 24 * 3600
IDEA_MIN = 5
IDEA_MAX = 500

# Limits per member (the room shares one Wi-Fi, so per-address limits stay generous: a room
# of 300 behind one address joins within a minute or two and still passes).
IDEAS_PER_MINUTE = 10
VOTES_PER_MINUTE = 60
JOINS_PER_ADDRESS_PER_MINUTE = 400
# Wrong board codes per address before lookups from it are refused for the rest of the window.
CODE_MISSES_PER_ADDRESS = 200
CODE_MISS_WINDOW = 600


# --- joining -------------------------------------------------------------------------------


def section_by_code(code: str, *, ip_key: str = "") -> Section:
    """The section whose board has this code.

    With `ip_key` (a hashed client address) wrong codes are counted: an address that tried
    CODE_MISSES_PER_ADDRESS wrong codes within CODE_MISS_WINDOW is refused every lookup until
    the window ends, so codes cannot be scanned, while a room of 300 on one Wi-Fi that mistypes
    now and then is never stopped.
    """
    blocked = _("Слишком много неверных кодов с вашего адреса. Подождите несколько минут.")
    if ip_key:
        rate_limit_check(
            key=f"board-code-miss:{ip_key}",
            limit=CODE_MISSES_PER_ADDRESS,
            window=CODE_MISS_WINDOW,
            message=blocked,
        )
    normalized = "".join(ch for ch in code if ch.isdigit())[:12]
    section = (
        Section.objects.select_related("session", "session__campaign")
        .filter(code=normalized)
        .first()
        if normalized
        else None
    )
    if section is None:
        if ip_key:
            rate_limit_hit(
                key=f"board-code-miss:{ip_key}",
                limit=CODE_MISSES_PER_ADDRESS,
                window=CODE_MISS_WINDOW,
                message=blocked,
            )
        raise NotFound(
            _("Доска с кодом «%(code)s» не найдена. Проверьте код на экране.")
            % {"code": code.strip()[:20]}
        )
    return section


def device_key_for(session_key: str | None) -> str:
    """The stored form of a browser session's key (a hash: the key itself is a secret)."""
    if not session_key:
        return ""
    return hashlib.sha256(f"board-device:{session_key}".encode()).hexdigest()


def member_token(member: BoardMember) -> str:
    return signing.dumps({"m": member.pk, "s": member.secret}, salt=TOKEN_SALT, compress=True)


def member_from_token(token: str | None, *, section: Section | None = None) -> BoardMember:
    """The member a token belongs to; Forbidden when it is missing, forged or foreign."""
    if not token:
        raise Forbidden(_("Сначала подключитесь к доске по коду."), code="no_token")
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        member_id, secret = int(data["m"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Forbidden(
            _("Пропуск участника недействителен. Подключитесь к доске заново."),
            code="bad_token",
        ) from exc
    member = BoardMember.objects.filter(pk=member_id).first()
    if member is None or not secrets.compare_digest(member.secret, secret):
        raise Forbidden(
            _("Пропуск участника недействителен. Подключитесь к доске заново."),
            code="bad_token",
        )
    if section is not None and member.session_id != section.session_id:
        raise Forbidden(
            _("Вы подключены к доске другой сессии. Подключитесь по коду этой секции."),
            code="foreign_token",
        )
    return member


@transaction.atomic
def board_join(
    *, section: Section, nickname: str, ip_key: str = "", device_key: str = ""
) -> tuple[BoardMember, str]:
    """Join the board of a section with a nickname; returns the member and his token.

    A browser joins a session's board once (`device_key`, a hash of its session): joining
    again from it returns the member it already is, under his first nickname.
    """
    if section.board_state in (BoardState.CLOSED, BoardState.FINISHED):
        raise Conflict(_("Доска этой секции сейчас закрыта."))
    if device_key:
        existing = BoardMember.objects.filter(
            session_id=section.session_id, device_key=device_key
        ).first()
        if existing is not None:
            return existing, member_token(existing)
    if ip_key:
        rate_limit_hit(key=f"board-join:{ip_key}", limit=JOINS_PER_ADDRESS_PER_MINUTE, window=60)
    name = " ".join(nickname.split())
    if len(name) < 2 or len(name) > 40:
        raise InvalidInput(_("Имя на доске — от 2 до 40 символов."), field="nickname")
    try:
        with transaction.atomic():
            member = BoardMember.objects.create(
                session_id=section.session_id,
                nickname=name,
                secret=secrets.token_hex(16),
                device_key=device_key,
            )
    except IntegrityError as exc:
        existing = (
            BoardMember.objects.filter(session_id=section.session_id, device_key=device_key).first()
            if device_key
            else None
        )
        if existing is not None:  # the same browser joined twice at once
            return existing, member_token(existing)
        raise Conflict(
            _("Имя «%(name)s» на этой сессии уже занято. Выберите другое.") % {"name": name},
            field="nickname",
        ) from exc
    return member, member_token(member)


# --- ideas ---------------------------------------------------------------------------------


@transaction.atomic
def idea_post(*, section: Section, member: BoardMember, kind: str, text: str) -> Idea:
    if member.session_id != section.session_id:
        raise Forbidden(_("Вы подключены к доске другой сессии."))
    if section.board_state != BoardState.IDEAS:
        raise Conflict(_("Приём идей в этой секции закрыт."))
    if kind not in IdeaKind.values:
        raise InvalidInput(_("Выберите, что это: вызов, предложение или риск."), field="kind")
    cleaned = " ".join(text.split())
    if len(cleaned) < IDEA_MIN:
        raise InvalidInput(_("Сформулируйте идею хотя бы в несколько слов."), field="text")
    if len(cleaned) > IDEA_MAX:
        raise InvalidInput(
            _("Идея длиннее %(max)d символов — сократите её.") % {"max": IDEA_MAX}, field="text"
        )
    rate_limit_hit(
        key=f"board-idea:{member.pk}",
        limit=IDEAS_PER_MINUTE,
        window=60,
        message=_("Вы добавляете идеи слишком часто. Подождите минуту."),
    )
    # Compared in Python: SQLite's case folding does not know Cyrillic.
    folded = cleaned.casefold()
    mine = Idea.objects.filter(section=section, member=member).values_list(
        "original_text", flat=True
    )
    if any(text.casefold() == folded for text in mine):
        raise Conflict(_("Вы уже добавили эту идею."), field="text")
    idea = Idea.objects.create(
        section=section, member=member, kind=kind, text=cleaned, original_text=cleaned
    )
    board_touch(section, ideas=True)
    return idea


@transaction.atomic
def idea_edit(*, idea: Idea, text: str, kind: str | None = None) -> Idea:
    cleaned = " ".join(text.split())
    if len(cleaned) < IDEA_MIN or len(cleaned) > IDEA_MAX:
        raise InvalidInput(
            _("Формулировка — от %(min)d до %(max)d символов.")
            % {"min": IDEA_MIN, "max": IDEA_MAX},
            field="text",
        )
    idea.text = cleaned
    if kind in IdeaKind.values:
        idea.kind = kind
    idea.edited_at = timezone.now()
    idea.save(update_fields=["text", "kind", "edited_at"])
    board_touch(idea.section_id, ideas=True)
    return idea


@transaction.atomic
def idea_hide(*, idea: Idea, hidden: bool = True) -> Idea:
    idea.is_hidden = hidden
    idea.save(update_fields=["is_hidden"])
    board_touch(idea.section_id, ideas=True)
    return idea


@transaction.atomic
def cluster_create(*, section: Section, title: str) -> Cluster:
    name = " ".join(title.split())
    if not name:
        raise InvalidInput(_("Назовите группу идей."), field="title")
    order = section.clusters.count()
    cluster = Cluster.objects.create(section=section, title=name[:200], order=order)
    board_touch(section, ideas=True)
    return cluster


@transaction.atomic
def idea_cluster_set(*, idea: Idea, cluster: Cluster | None) -> Idea:
    if cluster is not None and cluster.section_id != idea.section_id:
        raise InvalidInput(_("Группа — из другой секции."))
    idea.cluster = cluster
    idea.save(update_fields=["cluster"])
    board_touch(idea.section_id, ideas=True)
    return idea


@transaction.atomic
def section_board_update(
    *,
    section: Section,
    board_state: str | None = None,
    voting_mode: str | None = None,
    dots_per_member: int | None = None,
) -> Section:
    if board_state is not None:
        if board_state not in BoardState.values:
            raise InvalidInput(_("Неизвестное состояние доски."))
        section.board_state = board_state
    if voting_mode is not None:
        if voting_mode not in VotingMode.values:
            raise InvalidInput(_("Неизвестный способ голосования."))
        if (
            voting_mode != section.voting_mode
            and (section.dot_votes.exists() or section.pair_votes.exists())
            and section.board_state == BoardState.VOTING
        ):
            raise Conflict(_("Голосование уже идёт — способ голосования менять нельзя."))
        section.voting_mode = voting_mode
    if dots_per_member is not None:
        if not 1 <= dots_per_member <= 20:
            raise InvalidInput(_("Голосов у участника — от 1 до 20."))
        section.dots_per_member = dots_per_member
    section.save(update_fields=["board_state", "voting_mode", "dots_per_member"])
    board_touch(section, ideas=True)
    return section


# --- votes ---------------------------------------------------------------------------------


def _voting_open(section: Section, mode: str) -> None:
    if section.board_state != BoardState.VOTING:
        raise Conflict(_("Голосование в этой секции сейчас не идёт."))
    if section.voting_mode != mode:
        raise Conflict(_("В этой секции выбран другой способ голосования."))


@transaction.atomic
def dot_vote_cast(*, section: Section, member: BoardMember, idea_id: int) -> DotVote:
    _voting_open(section, VotingMode.DOTS)
    if member.session_id != section.session_id:
        raise Forbidden(_("Вы подключены к доске другой сессии."))
    rate_limit_hit(
        key=f"board-vote:{member.pk}",
        limit=VOTES_PER_MINUTE,
        window=60,
        message=_("Слишком много голосов за минуту. Подождите немного."),
    )
    # Lock the idea's row: a merge in progress finishes first, and an idea it merged away
    # is then no longer found (PostgreSQL re-checks the condition on the locked row).
    idea = active_ideas(section).select_for_update().filter(pk=idea_id).first()
    if idea is None:
        raise NotFound(_("Такой идеи на доске нет — возможно, её объединили с похожей."))
    # Lock the member row (PostgreSQL; SQLite's IMMEDIATE transaction holds the write lock).
    BoardMember.objects.select_for_update().filter(pk=member.pk).first()
    if DotVote.objects.filter(member=member, idea=idea).exists():
        raise Conflict(_("Вы уже отдали голос за эту идею."), code="repeated_vote")
    taken = set(
        DotVote.objects.filter(section=section, member=member).values_list("slot", flat=True)
    )
    free = [slot for slot in range(section.dots_per_member) if slot not in taken]
    if not free:
        raise Conflict(
            _("Вы уже распределили все голоса (%(n)d).") % {"n": section.dots_per_member},
            code="no_dots_left",
        )
    # Each dot has its number: a parallel vote that took the same number fails in the database.
    try:
        with transaction.atomic():
            vote = DotVote.objects.create(section=section, member=member, idea=idea, slot=free[0])
    except IntegrityError as exc:
        if DotVote.objects.filter(member=member, idea=idea).exists():
            raise Conflict(_("Вы уже отдали голос за эту идею."), code="repeated_vote") from exc
        raise Conflict(
            _("Другой ваш голос пришёл одновременно с этим. Обновите страницу и проверьте."),
            code="parallel_vote",
        ) from exc
    board_touch(section, votes=True)
    return vote


@transaction.atomic
def dot_vote_withdraw(*, section: Section, member: BoardMember, idea_id: int) -> None:
    _voting_open(section, VotingMode.DOTS)
    deleted, _rows = DotVote.objects.filter(
        section=section, member=member, idea_id=idea_id
    ).delete()
    if not deleted:
        raise NotFound(_("Вы не голосовали за эту идею."))
    board_touch(section, votes=True)


def dots_used(section: Section, member: BoardMember) -> set[int]:
    return set(
        DotVote.objects.filter(section=section, member=member).values_list("idea_id", flat=True)
    )


PAIR_SALT = "civicplan.meetings.pair"


def pair_next(*, section: Section, member: BoardMember) -> tuple[Idea, Idea, str] | None:
    """A pair the member has not compared yet, least compared pairs first; None when all are done.

    The pair comes with a signed ticket, so that a vote can only be cast on a pair the board
    showed to this member.
    """
    ideas = list(active_ideas(section).order_by("pk"))
    if len(ideas) < 2:
        return None
    seen = set(
        PairwiseVote.objects.filter(section=section, member=member).values_list("first", "second")
    )
    shown = Count("pk")
    counts: dict[int, int] = {}
    for row in (
        PairwiseVote.objects.filter(section=section)
        .values("first")
        .annotate(n=shown)
        .values_list("first", "n")
    ):
        counts[row[0]] = counts.get(row[0], 0) + row[1]
    for row in (
        PairwiseVote.objects.filter(section=section)
        .values("second")
        .annotate(n=shown)
        .values_list("second", "n")
    ):
        counts[row[0]] = counts.get(row[0], 0) + row[1]
    rng = random.Random()
    order = sorted(ideas, key=lambda i: (counts.get(i.pk, 0), rng.random()))
    for a_index, a in enumerate(order):
        partners = order[:a_index] + order[a_index + 1 :]
        rng.shuffle(partners)
        for b in partners:
            key = (min(a.pk, b.pk), max(a.pk, b.pk))
            if key not in seen:
                left, right = (a, b) if rng.random() < 0.5 else (b, a)
                ticket = signing.dumps(
                    {"m": member.pk, "p": [key[0], key[1]]}, salt=PAIR_SALT, compress=True
                )
                return left, right, ticket
    return None


@transaction.atomic
def pair_vote_cast(
    *, section: Section, member: BoardMember, ticket: str, winner_id: int
) -> PairwiseVote:
    _voting_open(section, VotingMode.PAIRWISE)
    try:
        data = signing.loads(ticket, salt=PAIR_SALT, max_age=3600)
        first, second = int(data["p"][0]), int(data["p"][1])
        owner = int(data["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as exc:
        raise Forbidden(_("Эта пара идей вам не показывалась."), code="bad_ticket") from exc
    if owner != member.pk:
        raise Forbidden(_("Эта пара идей вам не показывалась."), code="bad_ticket")
    if winner_id not in (first, second):
        raise InvalidInput(_("Выберите одну из двух показанных идей."), field="winner")
    rate_limit_hit(
        key=f"board-vote:{member.pk}",
        limit=VOTES_PER_MINUTE,
        window=60,
        message=_("Слишком много голосов за минуту. Подождите немного."),
    )
    found = active_ideas(section).filter(pk__in=(first, second)).count()
    if found != 2:
        raise NotFound(_("Одну из идей объединили или скрыли — сравните другую пару."))
    try:
        with transaction.atomic():
            vote = PairwiseVote.objects.create(
                section=section,
                member=member,
                first_id=first,
                second_id=second,
                winner_id=winner_id,
            )
    except IntegrityError as exc:
        raise Conflict(_("Вы уже сравнили эту пару."), code="repeated_vote") from exc
    board_touch(section, votes=True)
    return vote
