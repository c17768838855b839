"""Topics: what the proposals of one direction are about, with a label a person can read.

`TopicModel.fit` clusters texts (usually those of one direction):

1. **Features.** Lemma TF-IDF (1–2-grams) reduced to a few dozen dimensions by truncated
   SVD, next to the dense navec vectors when given; both L2-normalised, so k-means works on
   cosine geometry.
2. **Number of topics.** A rule gives a first guess (≈ √(n / 12), at least 3, at most
   `max_topics`); k-means is run for the guess and two smaller values, and the one with the
   best silhouette on a sample wins. `n_topics` fixes it instead.
3. **«Other».** Clusters smaller than `min_topic_size` and texts far from their cluster's
   centre (cosine below the cluster's typical spread) go to topic -1, «прочее». This bucket
   holds real leftovers only: at most `max_other_share` of the texts, and never everything.
4. **Labels.** Class-based TF-IDF (c-TF-IDF) of lemmas and lemma pairs ranks the terms that
   set each topic apart; the best two or three become the label, written in their normal
   form with agreement: adjective + noun in the nominative («детский сад», «уличное
   освещение»), noun + noun in the genitive as residents write it («ремонт дорог», «вывоз
   мусора»). Nouns that serve grammar («от имени», «раз в час») never head a label, and
   an evaluative adjective is left out («Нормальный интернет» → «Интернет»).
5. **Key proposal.** The member closest to the topic's centre (preferring texts that are
   not duplicates and not too short).
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from civicplan.analytics.text.stock_sentences import stock_sentences, without_stock
from civicplan.analytics.text.topic_labels import (
    FORM_NOUN,
    _label,
    _label_worthy,
    form_adverbial,
    heading,
    written_with,
)
from civicplan.analytics.text.topic_phrases import (
    CHAIN_SHARE,
    _adjective_before_its_noun,
    _chain_phrase,
    _cut_short,
    _is_noun_pair,
    _pair_surfaces,
    _plural_by_relative,
    _plural_form_by_relative,
    _starts_the_next_sentence,
    _wider_phrase,
    _with_modifier,
    phrase_label,
)
from civicplan.analytics.text.topic_terms import _ctfidf, _name_lemmas, proper_lemmas
from civicplan.analytics.text.types import PreparedTexts
from civicplan.analytics.text.wordfacts import token_lemma

_lemma = token_lemma

logger = logging.getLogger(__name__)

OTHER_TOPIC = -1
OTHER_LABEL = "прочее"

__all__ = ["OTHER_LABEL", "OTHER_TOPIC", "Topic", "TopicModel", "heading", "phrase_label"]


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: its id, readable label, key terms, members and key text.

    `members` are input indices, closest to the topic's centre first.
    """

    id: int
    label: str
    terms: tuple[str, ...]
    size: int
    members: tuple[int, ...]
    representative: int  # input index of the key proposal
    direction: str | None = None
    cohesion: float = 0.0  # mean cosine of members to the centre
    extra: dict[str, Any] = field(default_factory=dict)


class TopicModel:
    """Cluster texts into topics with Russian labels.

    Parameters
    ----------
    n_topics:
        Fixed number of clusters; None chooses it (see the module docstring).
    max_topics:
        Upper bound for the chosen number.
    min_topic_size:
        Smaller clusters go to «прочее»; None means max(3, 1 % of the texts).
    max_other_share:
        At most this share of texts is left in «прочее».
    svd_components:
        Dimensions kept from the TF-IDF matrix.
    label_terms:
        How many key terms make the label (2–4).
    """

    def __init__(
        self,
        *,
        n_topics: int | None = None,
        max_topics: int = 15,
        min_topic_size: int | None = None,
        max_other_share: float = 0.15,
        svd_components: int = 64,
        dense_weight: float = 0.6,
        label_terms: int = 3,
        sample_size: int = 2000,
        random_state: int = 0,
        n_threads: int = 1,
        fit_sample: int = 6000,
        strip_stock: bool = True,
    ) -> None:
        self.fit_sample = fit_sample
        self.strip_stock = strip_stock
        self.n_threads = n_threads
        self.n_topics = n_topics
        self.max_topics = max_topics
        self.min_topic_size = min_topic_size
        self.max_other_share = max_other_share
        self.svd_components = svd_components
        self.dense_weight = dense_weight
        self.label_terms = label_terms
        self.sample_size = sample_size
        self.random_state = random_state

    # --- public API ----------------------------------------------------------------------
    def fit(
        self,
        prepared: PreparedTexts,
        vectors: np.ndarray | None = None,
        *,
        id_offset: int = 0,
        direction: str | None = None,
        avoid_as_key: Sequence[bool] | None = None,
        stock: Mapping[str, int] | None = None,
    ) -> TopicModel:
        """Cluster `prepared` (cleaned texts and lemmas); `vectors` are navec rows, optional.

        Sets `labels_` (topic id per text, -1 for «прочее») and `topics_` (largest first,
        ids from `id_offset`). `avoid_as_key[i]` marks texts not to show as key proposals
        (duplicates). Stock sentences (`stock_sentences.py`; `stock`: those of the whole
        corpus when `prepared` is a part of it, else found in `prepared`) are left out of
        what topics are clustered and named by (`strip_stock`).
        """
        n = len(prepared)
        self.labels_ = np.full(n, OTHER_TOPIC, dtype=np.int64)
        self.topics_: list[Topic] = []
        if n == 0:
            return self
        if self.strip_stock:
            prepared, vectors = self._without_stock(prepared, vectors, stock)
        from threadpoolctl import threadpool_limits

        # BLAS/OpenMP threads oversubscribe a busy 2-core machine (k-means gets 10–20 times
        # slower); the pipeline parallelises across processes instead.
        with threadpool_limits(limits=self.n_threads):
            features = self._features(prepared, vectors)
            assignment, centres = self._cluster(features)
        assignment = self._leftovers(features, assignment, centres)
        self._describe(prepared, features, assignment, id_offset, direction, avoid_as_key)
        return self

    def fit_predict(
        self, prepared: PreparedTexts, vectors: np.ndarray | None = None, **kwargs: Any
    ) -> np.ndarray:
        return self.fit(prepared, vectors, **kwargs).labels_

    # --- features ------------------------------------------------------------------------
    def _without_stock(
        self,
        prepared: PreparedTexts,
        vectors: np.ndarray | None,
        stock: Mapping[str, int] | None,
    ) -> tuple[PreparedTexts, np.ndarray | None]:
        """The texts' lemmas without their stock sentences' words; the navec rows of the
        texts that changed are computed again from what is left."""
        if stock is None:
            stock = stock_sentences(prepared.texts)
        stripped, changed = without_stock(prepared, stock)
        if changed and vectors is not None and len(vectors) == len(prepared):
            vectors = np.array(vectors, dtype=np.float32, copy=True)
            rows = [i for i in changed if vectors[i].any()]  # a row given as zeros stays so
            if rows:
                from civicplan.analytics.text.vectorize import NavecVectorizer

                vectors[rows] = NavecVectorizer().transform([stripped.lemmas[i] for i in rows])
        return stripped, vectors

    def _features(self, prepared: PreparedTexts, vectors: np.ndarray | None) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        n = len(prepared)
        docs = [list(doc) for doc in prepared.lemmas]
        parts: list[np.ndarray] = []
        min_df = 2 if n >= 50 else 1
        try:
            tfidf = TfidfVectorizer(
                analyzer=_identity,
                ngram_range=(1, 1),
                min_df=min_df,
                max_df=0.9 if n >= 50 else 1.0,
                sublinear_tf=True,
                max_features=30_000,
                dtype=np.float32,
            )
            matrix = tfidf.fit_transform([_with_pairs(doc) for doc in docs])
        except ValueError:  # no word appears twice: nothing to learn from words
            matrix = None
        if matrix is not None and matrix.shape[1] > 2:
            k = min(self.svd_components, matrix.shape[1] - 1, max(2, n - 1))
            svd = TruncatedSVD(n_components=k, random_state=self.random_state, n_iter=4)
            with warnings.catch_warnings():
                # explained_variance_ratio_ divides by zero on tiny inputs; unused here.
                warnings.simplefilter("ignore", RuntimeWarning)
                if n > self.fit_sample:  # the directions of a sample serve all texts
                    rng = np.random.default_rng(self.random_state)
                    rows = np.sort(rng.choice(n, size=self.fit_sample, replace=False))
                    svd.fit(matrix[rows])
                    reduced = svd.transform(matrix).astype(np.float32)
                else:
                    reduced = svd.fit_transform(matrix).astype(np.float32)
            parts.append(_normalize(reduced))
        if vectors is not None and len(vectors) == n and self.dense_weight > 0:
            parts.append(_normalize(np.asarray(vectors, dtype=np.float32)) * self.dense_weight)
        if not parts:
            return np.ones((n, 1), dtype=np.float32)
        return _normalize(np.hstack(parts))

    # --- clustering ----------------------------------------------------------------------
    def _min_size(self, n: int) -> int:
        if self.min_topic_size is not None:
            return self.min_topic_size
        return max(2 if n < 100 else 3, int(0.01 * n))

    def _candidate_ks(self, n: int) -> list[int]:
        """Numbers of topics to try: from 3 up to `max_topics`, and at most one topic per
        four texts (30 texts: up to 6 topics, 50: up to 12). The silhouette chooses; among
        near-equal scores the fewest topics win (see `_cluster`)."""
        if self.n_topics is not None:
            return [max(1, min(self.n_topics, n))]
        if n < 8:
            return [1]
        upper = min(self.max_topics, max(2, n // 4), n // max(2, self._min_size(n)))
        grid: tuple[int, ...] = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30)
        if n > 2000:  # large corpora: three candidates near the top keep k-means cheap
            grid = tuple(k for k in grid if upper // 2 <= k <= upper)[-3:]
        ks = {k for k in grid if k <= upper}
        ks.add(max(2, upper))
        if n >= 20:
            ks.discard(2)
        return sorted(ks)

    def _kmeans(self, features: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.cluster import KMeans, MiniBatchKMeans

        if k <= 1:
            centre = _normalize(features.mean(axis=0, keepdims=True))
            return np.zeros(len(features), dtype=np.int64), centre
        if len(features) > 10000:
            model: Any = MiniBatchKMeans(
                n_clusters=k,
                random_state=self.random_state,
                batch_size=2048,
                n_init=3,
                max_no_improvement=20,
            )
        else:
            model = KMeans(
                n_clusters=k,
                random_state=self.random_state,
                n_init=2 if len(features) > 3000 else 3,
            )
        labels = model.fit_predict(features)
        return labels.astype(np.int64), _normalize(model.cluster_centers_.astype(np.float32))

    def _cluster(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from sklearn.metrics import silhouette_score

        n = len(features)
        ks = self._candidate_ks(n)
        if len(ks) == 1:
            return self._kmeans(features, ks[0])
        rng = np.random.default_rng(self.random_state)
        # The number of topics is chosen on a sample; the chosen model then labels all texts.
        if n > self.fit_sample:
            fit_rows = np.sort(rng.choice(n, size=self.fit_sample, replace=False))
        else:
            fit_rows = np.arange(n)
        fit_features = features[fit_rows]
        sample = np.arange(len(fit_rows))
        if len(sample) > self.sample_size:
            sample = rng.choice(len(fit_rows), size=self.sample_size, replace=False)
        tried: list[tuple[float, np.ndarray, np.ndarray]] = []
        for k in ks:
            labels, centres = self._kmeans(fit_features, k)
            if len(set(labels[sample].tolist())) < 2:
                continue
            score = float(silhouette_score(fit_features[sample], labels[sample], metric="cosine"))
            logger.debug("topics: k=%d silhouette=%.3f", k, score)
            tried.append((score, labels, centres))
        if not tried:
            return self._kmeans(features, 1)
        top = max(score for score, _, _ in tried)
        best = next(t for t in tried if t[0] >= top - 0.01)  # ks ascend: the fewest topics
        centres = best[2]
        if len(fit_rows) < n:
            # A few Lloyd steps over all texts from the sample's centres.
            for _ in range(3):
                labels = np.argmax(features @ centres.T, axis=1)
                for c in range(len(centres)):
                    members = labels == c
                    if members.any():
                        centres[c] = features[members].mean(axis=0)
                centres = _normalize(centres)
            return np.argmax(features @ centres.T, axis=1).astype(np.int64), centres
        return best[1], centres

    def _leftovers(
        self, features: np.ndarray, labels: np.ndarray, centres: np.ndarray
    ) -> np.ndarray:
        n = len(features)
        labels = labels.copy()
        similarity = np.einsum("ij,ij->i", features, centres[labels])
        min_size = self._min_size(n)
        counts = np.bincount(labels, minlength=len(centres))
        other = np.zeros(n, dtype=bool)
        small = counts < min_size
        if small.any() and not small.all():
            other |= small[labels]
        for c in range(len(centres)):
            members = labels == c
            if small[c] or members.sum() < 5:
                continue
            sims = similarity[members]
            cut = max(0.05, float(np.median(sims) - 3.0 * _mad(sims)))
            other[members] |= sims < cut
        budget = int(self.max_other_share * n)
        if other.sum() > budget:
            # Keep only the least similar ones as leftovers.
            order = np.argsort(similarity[other])
            keep_other = np.flatnonzero(other)[order[:budget]]
            other[:] = False
            other[keep_other] = True
        if other.all():
            other[:] = False
        labels[other] = OTHER_TOPIC
        return labels

    # --- description ---------------------------------------------------------------------
    def _describe(
        self,
        prepared: PreparedTexts,
        features: np.ndarray,
        assignment: np.ndarray,
        id_offset: int,
        direction: str | None,
        avoid_as_key: Sequence[bool] | None,
    ) -> None:
        clusters = sorted(
            (c for c in set(assignment.tolist()) if c != OTHER_TOPIC),
            key=lambda c: (-(assignment == c).sum(), c),
        )
        thinned = _thin(assignment, 400, self.random_state)
        separation: dict[int, dict[str, float]] = {}
        term_scores = _ctfidf(prepared.lemmas, thinned, clusters, separation)
        self._names = _name_lemmas(prepared.lemmas, thinned)
        labels = np.full(len(assignment), OTHER_TOPIC, dtype=np.int64)
        used_labels: Counter[str] = Counter()
        described = []
        for c in clusters:
            members = np.flatnonzero(assignment == c)
            described.append((c, members, self._terms(prepared, members, term_scores.get(c, []))))
        # No word that could name a cluster: its texts share no subject (an address line, a
        # request to reply) and go to «прочее» rather than a «Тема 10».
        described = [d for d in described if d[2]]
        for number, (c, members, chosen) in enumerate(described):
            topic_id = id_offset + number
            labels[members] = topic_id
            centre = _normalize(features[members].mean(axis=0, keepdims=True))[0]
            sims = features[members] @ centre
            key = self._key_member(prepared, members, sims, avoid_as_key)
            terms = [phrase for phrase, _, _ in chosen]
            texts = [prepared.texts[i] for i in members[:300]]
            label = _label(chosen, separation.get(c, {}), texts)
            if used_labels[label]:
                label = _distinct(label, terms, used_labels)
            used_labels[label] += 1
            if used_labels[label] > 1:
                label = f"{label} ({used_labels[label]})"
            by_closeness = members[np.argsort(-sims, kind="stable")]
            self.topics_.append(
                Topic(
                    id=topic_id,
                    label=label,
                    terms=tuple(terms),
                    size=len(members),
                    members=tuple(by_closeness.tolist()),
                    representative=int(key),
                    direction=direction,
                    cohesion=float(sims.mean()),
                )
            )
        self.labels_ = labels

    def _key_member(
        self,
        prepared: PreparedTexts,
        members: np.ndarray,
        sims: np.ndarray,
        avoid_as_key: Sequence[bool] | None,
    ) -> int:
        score = sims.astype(np.float64).copy()
        for pos, i in enumerate(members):
            words = len(prepared.lemmas[i])
            if words < 4:
                score[pos] -= 0.2
            text = prepared.texts[i]
            if len(text) > 1500:
                score[pos] -= 0.1
            if text[:1].islower() or not any(p in text for p in ".!?"):
                score[pos] -= 0.1  # a key proposal should read well: capitals, full stops
            if avoid_as_key is not None and avoid_as_key[i]:
                score[pos] -= 0.5
        return int(members[int(np.argmax(score))])

    def _terms(
        self, prepared: PreparedTexts, members: np.ndarray, ranked: list[tuple[str, float]]
    ) -> list[tuple[str, str, float]]:
        """Up to `label_terms` key terms as (written in a label, lemma term, weight)."""
        texts = [prepared.texts[i] for i in members[:300]]
        names: set[str] = getattr(self, "_names", set())
        names = names | proper_lemmas(texts, {w for t, _ in ranked for w in t.split(" ")})
        all_pairs = {t: w for t, w in ranked if " " in t}
        raw = ranked
        ranked = [
            (t, w) for t, w in ranked if _label_worthy(t) and not names.intersection(t.split(" "))
        ]
        surfaces = _pair_surfaces(texts, {tuple(t.split(" ")) for t, _ in ranked})
        # «в электронном виде», not rare in the topic, qualifies its subject (below).
        top = ranked[0][1] if ranked else 0.0
        adverbial = next(
            (form_adverbial(t) for t, w in raw if w >= 0.4 * top and form_adverbial(t)), ""
        )
        chosen: list[tuple[str, str, float]] = []
        covered: set[str] = set()
        for term, weight in ranked:
            words = term.split(" ")
            if any(w in covered for w in words):
                continue
            if len(words) == 2 and weight < 0.4 * top:
                continue  # a rare phrase does not name the topic
            if len(words) == 2 and _cut_short(words, weight, all_pairs):
                continue
            if len(words) == 1 and all_pairs.get(f"{term} {term}", 0.0) >= CHAIN_SHARE * weight:
                continue  # written doubled: «друг друга» is not about a friend
            phrase = phrase_label(term, surfaces.get(tuple(words)))
            if not phrase:
                continue
            if len(words) == 2 and _not_genitive(term, surfaces, texts):
                continue  # «в колледже направления, которые …»: not «колледж направления»
            if len(words) == 1 and phrase == term:  # «направления, которые …»
                phrase = _plural_form_by_relative(term, surfaces.get(tuple(words)), texts) or phrase
            if len(words) == 1:
                # A word that residents mostly write inside one phrase is named by it:
                # «компания» → «управляющая компания», «вода» → «горячая вода».
                wider = _wider_phrase(term, weight, ranked, surfaces, covered)
                if wider is None and weight >= 0.4 * top:  # «программа капитального ремонта»
                    wider = _chain_phrase(term, weight, all_pairs, texts, covered)
                    if wider is not None:
                        covered.update(_lemma(w) for w in wider[1].split(" "))
                if wider and not _not_genitive(wider[0], surfaces, texts):
                    term, phrase = wider
                    words = term.split(" ")
            if len(words) == 2 and chosen == [] and _is_noun_pair(term):
                # «ремонт дорог» + «дворовые дороги» → «ремонт дворовых дорог».
                phrase = _with_modifier(phrase, words, ranked, surfaces) or phrase
                covered.update(_lemma(w) for w in phrase.split(" "))
            chosen.append((phrase, term, weight))
            covered.update(words)
            if len(chosen) >= self.label_terms:
                break
        if adverbial and chosen and " " not in chosen[0][0]:
            phrase, term, weight = chosen[0]
            if written_with(texts, term, FORM_NOUN):  # «справки в электронный вид»
                chosen[0] = (f"{phrase} {adverbial}", term, weight)
        return chosen


# --- helpers ---------------------------------------------------------------------------
def _not_genitive(
    term: str, surfaces: dict[tuple[str, ...], Counter[tuple[str, ...]]], texts: Sequence[str]
) -> bool:
    """Whether a noun pair, as residents wrote it most often, is not a noun + genitive
    (`_plural_by_relative`, `_adjective_before_its_noun`, `_starts_the_next_sentence`)."""
    written = surfaces.get(tuple(term.split(" ")))
    if not written or not _is_noun_pair(term):
        return False
    head, dependent = written.most_common(1)[0][0]
    return (
        _plural_by_relative(texts, head, dependent)
        or _adjective_before_its_noun(texts, head, dependent)
        or _starts_the_next_sentence(texts, head, dependent)
    )


def _distinct(label: str, terms: Sequence[str], used: Counter[str]) -> str:
    """A label another topic of the run already has, told apart by this topic's best key
    term that the label does not hold: «Госуслуги и цифровая грамотность», not «Цифровая
    грамотность (2)». The label itself when no such term gives a new one, or when the label
    already joins two words («Мусор и контейнеры»: a third would make a list)."""
    words = {_lemma(w) for w in label.lower().split(" ")}
    if "и" in words:
        return label
    rest = label if label[1:2].isupper() else label[:1].lower() + label[1:]  # «МФЦ» stays
    for term in terms:
        if words.intersection(_lemma(w) for w in term.split(" ")):
            continue
        joined = f"{term[:1].upper()}{term[1:]} и {rest}"
        if not used[joined]:
            return joined
    return label


def _identity(doc: Any) -> Any:
    return doc


def _with_pairs(doc: list[str]) -> list[str]:
    return doc + [f"{a} {b}" for a, b in zip(doc, doc[1:], strict=False)]


def _normalize(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = matrix / norms
    return result


def _mad(values: np.ndarray) -> float:
    return float(np.median(np.abs(values - np.median(values))) * 1.4826)


def _thin(assignment: np.ndarray, per_cluster: int, seed: int) -> np.ndarray:
    """The assignment with at most `per_cluster` texts kept per cluster (others → -2)."""
    counts: Any = np.bincount(assignment[assignment >= 0]) if (assignment >= 0).any() else []
    if len(counts) == 0 or max(counts) <= per_cluster:
        return assignment
    rng = np.random.default_rng(seed)
    thinned = np.full_like(assignment, -2)
    for c in set(assignment.tolist()):
        members = np.flatnonzero(assignment == c)
        if len(members) > per_cluster:
            members = rng.choice(members, size=per_cluster, replace=False)
        thinned[members] = c
    return thinned
