"""Where apps plug into shared pages: the main menu and blocks of the home page.

Each app registers its items in `AppConfig.ready()`, so that no shared template has to
know every app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True, order=True)
class NavItem:
    order: int
    label: Any = field(compare=False)
    url_name: str = field(compare=False)
    staff_only: bool = field(default=False, compare=False)


@dataclass(frozen=True, order=True)
class HomeBlock:
    """A partial template on the home page; `context` adds its variables (or None to hide).

    `shared_topics`: the block shows the same to every visitor (no user, no form, no
    cookie); it is rendered without the request, once for everyone, and kept until a write
    changes one of these page cache topics (`civicplan.core.pagecache.shared_fragment`).
    None: the block is personal and rendered for each signed-in visitor."""

    order: int
    template: str = field(compare=False)
    context: Callable[[HttpRequest, Any], dict[str, Any] | None] = field(compare=False)
    shared_topics: tuple[str, ...] | None = field(default=None, compare=False)


@dataclass(frozen=True, order=True)
class WorkLink:
    """A staff entry point in the header's second row, shown to holders of any of `roles`."""

    order: int
    label: Any = field(compare=False)
    url_name: str = field(compare=False)
    roles: frozenset[str] = field(compare=False)


_NAV: list[NavItem] = []
_HOME: list[HomeBlock] = []
_WORK: list[WorkLink] = []
_ROLES_OF: list[Callable[[Any], frozenset[str]]] = []


def register_nav(*, label: Any, url_name: str, order: int, staff_only: bool = False) -> None:
    if not any(item.url_name == url_name for item in _NAV):
        _NAV.append(NavItem(order=order, label=label, url_name=url_name, staff_only=staff_only))


def register_work_link(*, label: Any, url_name: str, order: int, roles: set[str]) -> None:
    """A staff role's entry point (the moderation queue, a dashboard, sessions, strategy)."""
    if not any(item.url_name == url_name for item in _WORK):
        _WORK.append(WorkLink(order=order, label=label, url_name=url_name, roles=frozenset(roles)))


def register_roles_of(provider: Callable[[Any], frozenset[str]]) -> None:
    """accounts tells the shared header which roles a user holds (every role for a superuser)."""
    if provider not in _ROLES_OF:
        _ROLES_OF.append(provider)


def work_links(user: Any) -> list[WorkLink]:
    if not _ROLES_OF or user is None or not user.is_authenticated:
        return []
    roles: set[str] = set()
    for provider in _ROLES_OF:
        roles |= provider(user)
    return [item for item in sorted(_WORK) if item.roles & roles]


def register_home_block(
    *,
    template: str,
    order: int,
    context: Callable[[HttpRequest, Any], dict[str, Any] | None],
    shared_topics: tuple[str, ...] | None = None,
) -> None:
    if not any(block.template == template for block in _HOME):
        _HOME.append(
            HomeBlock(order=order, template=template, context=context, shared_topics=shared_topics)
        )


def nav_items() -> list[NavItem]:
    return sorted(_NAV)


def home_blocks() -> list[HomeBlock]:
    return sorted(_HOME)


# --- the anonymous page cache (civicplan.core.pagecache) ----------------------------------
# A variant is a short string computed from the request (no database query) that the cached
# page depends on besides its address: the cookie consent answer, the polls this browser
# voted in. Two visitors share a cached page only when every variant is equal.
_PAGE_VARIANTS: list[Callable[[HttpRequest], str]] = []


def register_page_variant(fn: Callable[[HttpRequest], str]) -> None:
    if fn not in _PAGE_VARIANTS:
        _PAGE_VARIANTS.append(fn)


def page_variants() -> list[Callable[[HttpRequest], str]]:
    return list(_PAGE_VARIANTS)


# Public pages also change by themselves when a scheduled moment comes (an article with a
# future publication time, a poll opening or closing). Each app registers a function that
# returns the next such moment (or None) and the page cache topic it belongs to; a cached page
# of that topic is not served past it.
_PAGE_SCHEDULES: list[tuple[str, Callable[[], Any]]] = []


def register_page_schedule(topic: str, fn: Callable[[], Any]) -> None:
    """`fn()` returns the next aware datetime after now at which public pages that depend on
    `topic` change without a write (or None when nothing is scheduled)."""
    if (topic, fn) not in _PAGE_SCHEDULES:
        _PAGE_SCHEDULES.append((topic, fn))


def page_schedules() -> list[tuple[str, Callable[[], Any]]]:
    return list(_PAGE_SCHEDULES)


# --- warming a server before it takes requests (civicplan.core.warmup) --------------------
# Each function loads what its app would otherwise load on a visitor's first request (text
# models, indexes) and returns the addresses of pages worth rendering once at start-up.
_WARMUPS: list[Callable[[], list[str]]] = []


def register_warmup(fn: Callable[[], list[str]]) -> None:
    if fn not in _WARMUPS:
        _WARMUPS.append(fn)


def warmups() -> list[Callable[[], list[str]]]:
    return list(_WARMUPS)


# Pages too many to render before the port opens (every town of a campaign's region): each
# function returns addresses that one server process renders in the background right after
# the start and again after each write (civicplan.core.warmup.start_rewarming).
_BACKGROUND_PAGES: list[Callable[[], list[str]]] = []


def register_background_pages(fn: Callable[[], list[str]]) -> None:
    if fn not in _BACKGROUND_PAGES:
        _BACKGROUND_PAGES.append(fn)


def background_pages() -> list[Callable[[], list[str]]]:
    return list(_BACKGROUND_PAGES)


# Personal data (152-FZ): each app that keeps personal data plugs in how to export and erase it.
#   exporter(user) -> dict            sections of the «download my data» file, e.g. {"proposals": [...]}
#   eraser(*, user=None, campaign=None, dry_run=False) -> int
#       erase (or with dry_run only count) the personal data of one user, or every personal
#       datum collected in one campaign (retention); return how many records were affected.
_PD_EXPORTERS: list[Callable[[Any], dict[str, Any]]] = []
_PD_ERASERS: list[Callable[..., int]] = []


def register_personal_data_exporter(fn: Callable[[Any], dict[str, Any]]) -> None:
    if fn not in _PD_EXPORTERS:
        _PD_EXPORTERS.append(fn)


def register_personal_data_eraser(fn: Callable[..., int]) -> None:
    if fn not in _PD_ERASERS:
        _PD_ERASERS.append(fn)


def personal_data_exporters() -> list[Callable[[Any], dict[str, Any]]]:
    return list(_PD_EXPORTERS)


def personal_data_erasers() -> list[Callable[..., int]]:
    return list(_PD_ERASERS)


# --- what happens when proposals arrive ----------------------------------------------------
# Every channel (form, API, import, session, demo) stores proposals through
# `proposals.services.proposals_record`, which calls each listener once per batch with the
# stored proposals, inside the transaction that stored them (use on_commit for anything that
# must see them committed): the analytics engine analyses them.
ProposalsListener = Callable[[Sequence[Any]], None]
_PROPOSALS_RECEIVED: list[ProposalsListener] = []


def register_proposals_received(fn: ProposalsListener) -> None:
    if fn not in _PROPOSALS_RECEIVED:
        _PROPOSALS_RECEIVED.append(fn)


def proposals_received_listeners() -> list[ProposalsListener]:
    return list(_PROPOSALS_RECEIVED)


# --- what happens when official statistics are loaded ----------------------------------------
# Listeners run after `import_territories` stored indicator values (for example the potential
# index recomputes); each returns a line for the command's report, or None.
_STATISTICS_LOADED: list[Callable[[], str | None]] = []


def register_statistics_loaded(fn: Callable[[], str | None]) -> None:
    if fn not in _STATISTICS_LOADED:
        _STATISTICS_LOADED.append(fn)


def statistics_loaded_listeners() -> list[Callable[[], str | None]]:
    return list(_STATISTICS_LOADED)


# --- proposals named in a file -------------------------------------------------------------
# The strategy importer links measures to proposals named by their public number (or, in old
# files, their tracking code); the proposals app, which sits above strategy, registers how to
# find them.
_PROPOSAL_LOOKUP: list[Callable[[set[str]], dict[str, Any]]] = []


def register_proposal_lookup(fn: Callable[[set[str]], dict[str, Any]]) -> None:
    _PROPOSAL_LOOKUP[:] = [fn]


def proposals_by_reference(codes: set[str]) -> dict[str, Any]:
    """{reference as written: proposal} for those that exist; empty without the proposals app."""
    return _PROPOSAL_LOOKUP[0](codes) if _PROPOSAL_LOOKUP and codes else {}


# --- domain events ------------------------------------------------------------------------
# The owning service announces what happened, inside its transaction, as one line:
#     event_emit("proposal.answered", proposal=proposal, answer=answer)
# Higher apps (notifications) listen from `AppConfig.ready()`; a listener that writes must
# write into the same transaction, so the event and its consequences commit or roll back
# together. Names and payloads in use (keep this list when adding one):
#   proposal.status_changed   proposal, from_status, to_status, actor, changed_at
#   proposal.answered         proposal, answer
#   proposal.supported        proposal, user
#   proposal.comment_published comment
#   proposal.consent_withdrawn proposal
#   measure.proposals_linked  measure, proposal_ids
#   measure.changed           measure, changes ({field: (before, after)} of its own fields)
#   session.created           session
#   session.registered        participant
EventListener = Callable[..., None]
_EVENT_LISTENERS: list[EventListener] = []


def register_event_listener(fn: EventListener) -> None:
    """`fn(name, **payload)` is called for every emitted event."""
    if fn not in _EVENT_LISTENERS:
        _EVENT_LISTENERS.append(fn)


def event_emit(name: str, **payload: Any) -> None:
    for listener in list(_EVENT_LISTENERS):
        listener(name, **payload)


# --- who may see a job --------------------------------------------------------------------

_JOB_ACCESS: list[Callable[[Any, Any], bool]] = []


def register_job_access(fn: Callable[[Any, Any], bool]) -> None:
    """`fn(user, job)` is True when the user's role scope covers the job's region or
    municipality (the accounts app registers it; core knows no roles)."""
    if fn not in _JOB_ACCESS:
        _JOB_ACCESS.append(fn)


def job_access_checks() -> list[Callable[[Any, Any], bool]]:
    return list(_JOB_ACCESS)
