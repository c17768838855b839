"""Which practices a municipality could borrow, and why.

A practice is recommended when it comes from a *peer* (a similar town of the same size
class, found by the potential index) or from a *stronger* town (same size class or same
region, higher index), and it works in a domain the town needs:

* a domain linked to a weak sub-index — a weak spot among peers, a weakness named in the
  index explanation, or a sub-index under 40 of 100;
* a topic residents write about most: each published proposal of the municipality is
  compared with the practices by the shared text-similarity service (navec vectors and
  shared lemmas, `civicplan.core.similarity`),
  and the domains of the practices most proposals resemble are the residents' topics.

Every recommendation lists its reasons in Russian.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import gettext as _

from civicplan.core.svg import format_number
from civicplan.core.templatetags.civic import ru_plural_form
from civicplan.potential.models import PotentialScore
from civicplan.potential.selectors import (
    active_methodology,
    methodology_subindices,
    score_for,
)
from civicplan.practices.models import Domain, Practice
from civicplan.practices.selectors import practice_text_index, published_for_matching
from civicplan.territories.models import Municipality

logger = logging.getLogger(__name__)

LOW_SUBINDEX = 40.0
SIMILARITY_THRESHOLD = 0.42
MAX_PROPOSALS = 200
TOPIC_DOMAINS = 3
CACHE_SECONDS = 600


@dataclass
class Recommendation:
    practice: Practice
    score: float
    reasons: list[str] = field(default_factory=list)
    relation: str = ""


@dataclass
class RecommendationSet:
    municipality: Municipality
    items: list[Recommendation]
    needs: list[str]
    topics: list[tuple[Domain, int]]
    proposals_compared: int
    note: str = ""


def _proposal_texts(municipality: Municipality) -> list[tuple[int, str]]:
    try:
        from civicplan.proposals.models import PUBLIC_STATUSES, Proposal
    except ImportError:
        return []
    rows = (
        Proposal.objects.filter(municipality=municipality, status__in=PUBLIC_STATUSES)
        .order_by("-created_at")
        .values_list("pk", "title", "text")[:MAX_PROPOSALS]
    )
    from civicplan.analytics.text import clean_text

    # Imported proposals may carry HTML and contacts: match and quote the cleaned text.
    return [
        (pk, clean_text(f"{title}. {text}" if title else text, mask_urls=True))
        for pk, title, text in rows
    ]


def _needs(score: PotentialScore) -> dict[str, list[str]]:
    """Weak sub-index codes with the reasons, from the stored assessment."""
    subindices = methodology_subindices(score.methodology)
    sub_of = {ind.code: sub.code for sub in subindices for ind in sub.indicators.all()}
    names = {sub.code: sub.name for sub in subindices}
    details = score.details or {}
    needs: dict[str, list[str]] = defaultdict(list)
    for point in details.get("weak_spots", []):
        unit = point.get("unit") or ""
        needs[sub_of.get(point["code"], "")].append(
            _(
                "слабое место среди аналогов: %(name)s — %(value)s %(unit)s при медиане "
                "аналогов %(median)s %(unit)s"
            )
            % {
                "name": point["name"].lower(),
                "value": format_number(point["value"]),
                "median": format_number(point["peers_median"]),
                "unit": unit,
            }
        )
    by_code = {c["code"]: c for c in details.get("contributions", [])}
    for code in details.get("weaknesses", []):
        c = by_code.get(code)
        if c:
            needs[sub_of.get(code, "")].append(
                _("слабая сторона в индексе потенциала: %(name)s") % {"name": c["name"].lower()}
            )
    for code, value in (score.subindices or {}).items():
        if value is not None and value < LOW_SUBINDEX:
            needs[code].append(
                _("низкий субиндекс «%(name)s»: %(value)s из 100")
                % {"name": names.get(code, code), "value": format_number(value)}
            )
    needs.pop("", None)
    return dict(needs)


def _topics(
    municipality: Municipality, practices: list[Practice]
) -> tuple[Counter[int], Counter[int], dict[int, str], int]:
    """Per practice and per domain: how many proposals resemble it; one example each."""
    proposals = _proposal_texts(municipality)
    per_practice: Counter[int] = Counter()
    per_domain: Counter[int] = Counter()
    examples: dict[int, str] = {}
    if not proposals or not practices:
        return per_practice, per_domain, examples, len(proposals)
    matcher = practice_text_index()
    listed = {p.pk for p in practices}
    domains_of = {p.pk: [d.pk for d in p.domains.all()] for p in practices}
    for _pk, text in proposals:
        for practice_id, similarity in matcher.query(text, k=3):
            if similarity < SIMILARITY_THRESHOLD or practice_id not in listed:
                continue
            per_practice[practice_id] += 1
            examples.setdefault(practice_id, text)
            for domain_id in domains_of.get(practice_id, []):
                per_domain[domain_id] += 1
    return per_practice, per_domain, examples, len(proposals)


def _excerpt(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def practice_recommendations(*, municipality: Municipality, limit: int = 6) -> RecommendationSet:
    """Practices for the municipality, best first, each with the reasons."""
    key = f"practices:rec:{municipality.pk}:{limit}"
    cached = cache.get(key)
    methodology = active_methodology()
    practices = published_for_matching()
    texts_version = (
        max((p.updated_at.isoformat() for p in practices), default=""),
        len(practices),
        _proposal_count(municipality),
    )
    version = (
        methodology.computed_at.isoformat() if methodology and methodology.computed_at else "",
        *texts_version,
    )
    if cached and cached[0] == version:
        return cached[1]
    result = _recommend(municipality, practices, limit, texts_version)
    cache.set(key, (version, result), CACHE_SECONDS)
    return result


def _proposal_count(municipality: Municipality) -> int:
    try:
        from civicplan.proposals.models import Proposal
    except ImportError:
        return 0
    return Proposal.objects.filter(municipality=municipality).count()


def _topics_cached(
    municipality: Municipality, practices: list[Practice], version: tuple[object, ...]
) -> tuple[Counter[int], Counter[int], dict[int, str], int]:
    """`_topics` (the costly text matching) kept while the library and the town's proposals
    stay the same: new statistics recompute the index, not what residents wrote."""
    key = f"practices:topics:{municipality.pk}"
    cached = cache.get(key)
    if cached and cached[0] == version:
        return cached[1]
    result = _topics(municipality, practices)
    cache.set(key, (version, result), CACHE_SECONDS)
    return result


def _recommend(
    municipality: Municipality,
    practices: list[Practice],
    limit: int,
    texts_version: tuple[object, ...] = (),
) -> RecommendationSet:
    score = score_for(municipality)
    if score is None:
        return RecommendationSet(
            municipality, [], [], [], 0, note=_("Индекс потенциала ещё не рассчитан.")
        )
    needs = _needs(score)
    per_practice, per_domain, examples, compared = _topics_cached(
        municipality, practices, texts_version
    )
    domains = {d.pk: d for p in practices for d in p.domains.all()}
    topic_domains = [(domains[d], n) for d, n in per_domain.most_common(TOPIC_DOMAINS) if n >= 2]
    topic_ids = {d.pk for d, _n in topic_domains}

    peers = {p["oktmo"]: p for p in (score.details or {}).get("peers", [])}
    others = {
        pk: (index, size_class)
        for pk, index, size_class in PotentialScore.objects.filter(
            methodology_id=score.methodology_id,
            municipality_id__in={p.municipality_id for p in practices if p.municipality_id},
        ).values_list("municipality_id", "index", "size_class")
    }

    items: list[Recommendation] = []
    for practice in practices:
        if practice.municipality_id is None or practice.municipality_id == municipality.pk:
            continue
        source = practice.municipality
        assert source is not None
        reasons: list[str] = []
        weight = 0.0
        relation = ""
        peer = peers.get(source.oktmo)
        other_index, other_class = others.get(source.pk, (None, ""))
        stronger = (
            other_index is not None
            and score.index is not None
            and other_index > score.index
            and (other_class == score.size_class or source.region_id == municipality.region_id)
        )
        if peer is not None:
            relation = "peer"
            weight += 1.0 + peer["similarity"] / 100
            reasons.append(
                _("%(name)s — город-аналог (сходство %(similarity)s %%)")
                % {"name": source.name, "similarity": format_number(peer["similarity"])}
            )
        elif stronger:
            assert other_index is not None and score.index is not None
            relation = "stronger"
            weight += 0.5 + min(other_index - score.index, 30) / 60
            where = (
                _("в том же регионе")
                if source.region_id == municipality.region_id
                else _("в той же группе по численности")
            )
            reasons.append(
                _("%(name)s — индекс потенциала выше (%(where)s): %(other)s против %(own)s")
                % {
                    "name": source.name,
                    "where": where,
                    "other": format_number(other_index),
                    "own": format_number(score.index),
                }
            )
        else:
            continue
        matched_need = False
        for domain in practice.domains.all():
            if domain.subindex and domain.subindex in needs:
                matched_need = True
                reasons.append(
                    _("сфера «%(domain)s»: %(need)s")
                    % {"domain": domain.name, "need": needs[domain.subindex][0]}
                )
                weight += 2.0
                break
        hits = per_practice.get(practice.pk, 0)
        in_topic = any(d.pk in topic_ids for d in practice.domains.all())
        if hits or in_topic:
            weight += 1.0 + min(hits, 10) / 5
            if hits:
                word = ru_plural_form(hits, (_("предложение"), _("предложения"), _("предложений")))
                reasons.append(
                    _("похожа на %(n)s %(word)s жителей, например: «%(example)s»")
                    % {"n": hits, "word": word, "example": _excerpt(examples[practice.pk])}
                )
            else:
                topic = next(d for d, _n in topic_domains if d in practice.domains.all())
                reasons.append(_("жители часто пишут на тему «%(name)s»") % {"name": topic.name})
        if not (matched_need or hits or in_topic):
            continue
        items.append(Recommendation(practice, round(weight, 3), reasons, relation))
    items.sort(key=lambda r: (-r.score, r.practice.pk))
    need_texts = [text for texts in needs.values() for text in texts]
    return RecommendationSet(
        municipality=municipality,
        items=items[:limit],
        needs=need_texts,
        topics=topic_domains,
        proposals_compared=compared,
        note=""
        if items
        else _(
            "Подходящих практик от городов-аналогов и более сильных городов пока нет в библиотеке."
        ),
    )
