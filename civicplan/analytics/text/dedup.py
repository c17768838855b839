"""Finding duplicates: the same proposal sent twice, copied, or said in other words.

Two kinds of links, then one grouping:

1. **Near-copies.** Each text becomes a set of word 2-shingles (lower case, ё → е, digits
   kept: «дом 5» and «дом 7» differ). MinHash signatures (vectorised with numpy; the number
   of LSH bands and rows comes from datasketch's optimiser for the Jaccard threshold) put
   similar texts in a common bucket; every candidate pair is verified by the exact Jaccard
   similarity of the shingle sets.
2. **Paraphrases.** Dense navec vectors find candidate pairs by approximate nearest-neighbour
   search (exact blocked matrix products for small inputs, an inverted file of k-means cells
   probed twice for large ones). A candidate is accepted when its word-level alignment is
   strong both ways: every weighty word of one text has the same lemma or a close word in
   the other. Words navec does not know (most place names) must match exactly, so «ремонт
   дороги в Кинеле» is not a paraphrase of «ремонт дороги в Отрадном».
3. **Groups.** Links are joined by union-find; the earliest member of a group (by
   `created_at`, else by input order) is the original, the others are its duplicates.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import numpy as np

from civicplan.analytics.text.clean import MASKS, normalize_for_matching
from civicplan.analytics.text.lemmatize import as_prepared, get_morph
from civicplan.analytics.text.types import Document, DuplicateAssignment, PreparedTexts
from civicplan.analytics.text.vectorize import NavecVectorizer, l2_normalize

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_MASK_PATTERN = re.compile("|".join(re.escape(m) for m in MASKS))
_MERSENNE = np.uint64((1 << 61) - 1)


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    """A verified link between two inputs (`first` < `second`)."""

    first: int
    second: int
    similarity: float
    kind: str  # "near-copy" or "paraphrase"


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    try:
        from datasketch.lsh import _optimal_param

        bands, rows = _optimal_param(threshold, num_perm, 0.5, 0.5)
        return int(bands), int(rows)
    except Exception:  # pragma: no cover - datasketch changed its private helper
        rows = max(1, round(num_perm / 16))
        return num_perm // rows, rows


PASSES = ("near", "edited", "paraphrase")
"""The duplicate finder's passes, in the order their links take precedence."""


def merge_pairs(*answers: Sequence[DuplicatePair]) -> list[DuplicatePair]:
    """Links found by separate passes (in `PASSES` order): the first pass's link of a pair
    wins, as it does inside one `DuplicateFinder.pairs` call."""
    found: dict[tuple[int, int], DuplicatePair] = {}
    for answer in answers:
        for pair in answer:
            found.setdefault((pair.first, pair.second), pair)
    return sorted(found.values(), key=lambda p: (p.first, p.second))


class DuplicateFinder:
    """Groups of duplicates among documents.

    Parameters
    ----------
    jaccard_threshold:
        Exact Jaccard similarity of word 2-shingle sets above which two texts are copies.
    paraphrase_threshold:
        Cosine similarity of navec text vectors for a paraphrase candidate.
    alignment_threshold:
        Minimum word-alignment score (both ways) for a candidate to be a paraphrase.
    paraphrases:
        Look for paraphrases at all (the dense step); off for copies only.
    """

    def __init__(
        self,
        *,
        jaccard_threshold: float = 0.6,
        shingle_size: int = 2,
        num_perm: int = 64,
        paraphrases: bool = True,
        paraphrase_threshold: float = 0.9,
        alignment_threshold: float = 0.9,
        neighbours: int = 3,
        lexical_prefilter: float = 0.5,
        max_bucket: int = 40,
        min_words: int = 3,
        seed: int = 1,
        vectorizer: NavecVectorizer | None = None,
        edited_copies: bool = True,
        edit_candidate_threshold: float = 0.75,
        edit_jaccard: float = 0.65,
        edit_containment: float = 0.85,
        edit_neighbours: int = 5,
    ) -> None:
        self.edit_neighbours = edit_neighbours
        self.edited_copies = edited_copies
        self.edit_candidate_threshold = edit_candidate_threshold
        self.edit_jaccard = edit_jaccard
        self.edit_containment = edit_containment
        self.jaccard_threshold = jaccard_threshold
        self.shingle_size = shingle_size
        self.num_perm = num_perm
        self.paraphrases = paraphrases
        self.paraphrase_threshold = paraphrase_threshold
        self.alignment_threshold = alignment_threshold
        self.neighbours = neighbours
        self.lexical_prefilter = lexical_prefilter
        self.max_bucket = max_bucket
        self.min_words = min_words
        self.seed = seed
        self.vectorizer = vectorizer

    # --- public API ------------------------------------------------------------------------
    def find(
        self,
        documents: Sequence[Document] | Sequence[str],
        *,
        prepared: PreparedTexts | None = None,
        vectors: np.ndarray | None = None,
    ) -> list[DuplicateAssignment]:
        """One `DuplicateAssignment` per input, in input order.

        `prepared` (cleaned texts and lemmas) and `vectors` (navec, unit rows) are reused when
        the pipeline has already computed them.
        """
        docs = _as_documents(documents)
        if prepared is None:
            prepared = as_prepared([d.text for d in docs])
        pairs = self.pairs(prepared, vectors=vectors)
        return self.group(docs, pairs)

    def pairs(
        self,
        prepared: PreparedTexts,
        *,
        vectors: np.ndarray | None = None,
        passes: Sequence[str] = PASSES,
    ) -> list[DuplicatePair]:
        """Every verified duplicate link (copies first, then paraphrases).

        `passes` runs only some of "near", "edited", "paraphrase" (each still subject to the
        finder's own switches): separate processes can each run one, and `merge_pairs` of
        their answers, near copies first, equals the answer of all passes in one call.
        """
        n = len(prepared)
        if n < 2:
            return []
        token_lists = [
            _WORD.findall(_MASK_PATTERN.sub(" ", normalize_for_matching(t))) for t in prepared.texts
        ]
        vectorizer = self.vectorizer or NavecVectorizer()
        aligner = _Aligner(vectorizer, prepared.lemmas, token_lists, prepared.texts)
        found: dict[tuple[int, int], DuplicatePair] = {}
        if "near" in passes:
            for pair in self._near_copies(token_lists, aligner):
                found[(pair.first, pair.second)] = pair
        if self.edited_copies and "edited" in passes:
            for pair in self._edited_copies(prepared, vectors, aligner, exclude=found):
                found[(pair.first, pair.second)] = pair
        if self.paraphrases and "paraphrase" in passes:
            for pair in self._paraphrases(prepared, vectors, aligner, exclude=found):
                found.setdefault((pair.first, pair.second), pair)
        return sorted(found.values(), key=lambda p: (p.first, p.second))

    def group(
        self, documents: Sequence[Document], pairs: Sequence[DuplicatePair]
    ) -> list[DuplicateAssignment]:
        n = len(documents)
        uf = UnionFind(n)
        strength = [0.0] * n
        members: dict[int, list[int]] = {}
        linked: set[tuple[int, int]] = set()
        # Copies join freely; a paraphrase joins a document to a group only when it is linked
        # to at least half of the group (no chains of «A is like B, B is like C»).
        ordered = sorted(pairs, key=lambda p: (p.kind != "near-copy", -p.similarity))
        for p in ordered:
            a, b = p.first, p.second
            linked.add((a, b))
            ra, rb = uf.find(a), uf.find(b)
            if ra == rb:
                continue
            group_a = members.get(ra, [a])
            group_b = members.get(rb, [b])
            if p.kind != "near-copy":
                if len(group_a) > 1 and len(group_b) > 1:
                    continue
                single, group = (a, group_b) if len(group_a) == 1 else (b, group_a)
                agree = sum(1 for m in group if (min(single, m), max(single, m)) in linked)
                if 2 * agree < len(group):
                    continue
            uf.union(a, b)
            root = uf.find(a)
            members.pop(ra, None)
            members.pop(rb, None)
            members[root] = group_a + group_b
            strength[a] = max(strength[a], p.similarity)
            strength[b] = max(strength[b], p.similarity)
        groups = [sorted(m) for m in members.values() if len(m) > 1]

        originals = []
        for m in groups:
            dated = [i for i in m if documents[i].created_at is not None]
            if dated:
                originals.append(min(dated, key=lambda i: (_ts(documents[i].created_at), i)))
            else:
                originals.append(min(m))
        order = sorted(range(len(groups)), key=lambda g: originals[g])
        result = [DuplicateAssignment() for _ in range(n)]
        for number, g in enumerate(order, start=1):
            original = originals[g]
            for i in groups[g]:
                if i == original:
                    result[i] = DuplicateAssignment(group=number, similarity=strength[i])
                else:
                    result[i] = DuplicateAssignment(
                        group=number,
                        duplicate_of=original,
                        duplicate_of_id=documents[original].id,
                        similarity=strength[i],
                    )
        return result

    # --- near copies -------------------------------------------------------------------------
    def _shingles(self, token_lists: list[list[str]]) -> tuple[list[np.ndarray], np.ndarray]:
        """Per document a sorted unique uint64 array of shingle hashes."""
        vocabulary: dict[str, int] = {}
        k = self.shingle_size
        out: list[np.ndarray] = []
        for tokens in token_lists:
            ids = np.fromiter(
                (vocabulary.setdefault(t, len(vocabulary) + 1) for t in tokens),
                dtype=np.uint64,
                count=len(tokens),
            )
            if len(ids) >= k and len(ids) >= self.min_words:
                shingles = ids[: len(ids) - k + 1].copy()
                for offset in range(1, k):
                    shingles = (
                        shingles * np.uint64(1_000_003) + ids[offset : len(ids) - k + 1 + offset]
                    )
                out.append(np.unique(shingles))
            elif len(ids) >= self.min_words:
                out.append(np.unique(ids))
            else:
                out.append(np.zeros(0, dtype=np.uint64))
        lengths = np.fromiter((len(s) for s in out), dtype=np.int64, count=len(out))
        return out, lengths

    def signatures(self, shingle_sets: list[np.ndarray], lengths: np.ndarray) -> np.ndarray:
        """MinHash signatures (n, num_perm) uint64; rows of empty sets are all-max."""
        rng = np.random.default_rng(self.seed)
        a = rng.integers(1, 1 << 61, size=self.num_perm, dtype=np.uint64) | np.uint64(1)
        b = rng.integers(0, 1 << 61, size=self.num_perm, dtype=np.uint64)
        n = len(shingle_sets)
        sig = np.full((n, self.num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
        nonempty = np.flatnonzero(lengths > 0)
        chunk_target = 200_000
        start = 0
        while start < len(nonempty):
            stop = start
            total = 0
            while stop < len(nonempty) and (total < chunk_target or stop == start):
                total += lengths[nonempty[stop]]
                stop += 1
            idx = nonempty[start:stop]
            flat = np.concatenate([shingle_sets[i] for i in idx])
            hashed = (flat[:, None] * a[None, :] + b[None, :]) >> np.uint64(3)
            offsets = np.concatenate([[0], np.cumsum(lengths[idx])[:-1]])
            sig[idx] = np.minimum.reduceat(hashed, offsets, axis=0)
            start = stop
        return sig

    def _near_copies(self, token_lists: list[list[str]], aligner: _Aligner) -> list[DuplicatePair]:
        shingle_sets, lengths = self._shingles(token_lists)
        sig = self.signatures(shingle_sets, lengths)
        bands, rows = _lsh_params(self.jaccard_threshold, self.num_perm)
        nonempty = np.flatnonzero(lengths > 0)
        mix = np.random.default_rng(self.seed + 1).integers(1, 1 << 61, size=rows, dtype=np.uint64)
        n = len(sig)
        codes: list[np.ndarray] = []
        for band in range(bands):
            block = sig[nonempty, band * rows : (band + 1) * rows]
            keys = (block * mix[None, :]).sum(axis=1, dtype=np.uint64)
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            members = nonempty[order]
            # Pairs inside a bucket, vectorised: element p with element p + d of the sorted
            # keys when both keys are equal. A bucket larger than `max_bucket` is linked
            # along its chain only (enough for the groups, not quadratic).
            for d in range(1, self.max_bucket):
                if d >= len(sorted_keys):
                    break
                same = sorted_keys[d:] == sorted_keys[:-d]
                if not same.any():
                    break
                a, b = members[:-d][same], members[d:][same]
                codes.append(np.minimum(a, b) * n + np.maximum(a, b))
        if not codes:
            return []
        unique_codes = np.unique(np.concatenate(codes))
        first, second = unique_codes // n, unique_codes % n
        # The signatures estimate Jaccard for all candidates at once; only plausible pairs
        # are verified exactly (the estimate's error with 64 permutations is about ±0.12).
        estimate = np.empty(len(first), dtype=np.float32)
        for start in range(0, len(first), 65536):
            stop = start + 65536
            estimate[start:stop] = (sig[first[start:stop]] == sig[second[start:stop]]).mean(axis=1)
        plausible = np.flatnonzero(estimate >= self.jaccard_threshold - 0.2)
        pairs = []
        for i, j in zip(first[plausible].tolist(), second[plausible].tolist(), strict=True):
            a_set, b_set = shingle_sets[i], shingle_sets[j]
            inter = _shared(a_set, b_set)
            jac = inter / (len(a_set) + len(b_set) - inter)
            # Below near-identity, the same template about another place is not a copy.
            if jac >= self.jaccard_threshold and (jac >= 0.95 or aligner.agree(i, j)):
                pairs.append(DuplicatePair(i, j, float(jac), "near-copy"))
        return pairs

    # --- paraphrases ------------------------------------------------------------------------
    def _edited_copies(
        self,
        prepared: PreparedTexts,
        vectors: np.ndarray | None,
        aligner: _Aligner,
        exclude: dict[tuple[int, int], DuplicatePair],
    ) -> list[DuplicatePair]:
        """Copies edited the way residents re-send a message: a greeting or signature added,
        markup, typos, a sentence dropped or two swapped.

        Candidates are navec neighbours (cosine ≥ `edit_candidate_threshold`); each is
        verified on the message's own part (greetings, closings and signatures removed):
        character 5-grams must overlap both ways (Jaccard ≥ `edit_jaccard`) and the
        shorter text must be nearly contained in the longer (≥ `edit_containment`).
        Thresholds were chosen on generated edits (benchmarks/text_quality/
        duplicates_edits.py, dev split).
        """
        if vectors is None:
            vectors = aligner.vectorizer.transform(prepared.lemmas)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        enough = np.fromiter(
            (len(set(doc)) >= self.min_words for doc in prepared.lemmas),
            dtype=bool,
            count=len(prepared),
        ) & (np.abs(vectors).sum(axis=1) > 0)
        candidates = candidate_pairs(
            vectors, self.edit_candidate_threshold, mask=enough, k=self.edit_neighbours
        )
        grams: dict[int, np.ndarray] = {}

        def of(i: int) -> np.ndarray:
            if i not in grams:
                grams[i] = _char_grams(prepared.texts[i])
            return grams[i]

        pairs = []
        for i, j, _cosine in candidates:
            if (i, j) in exclude:
                continue
            a, b = of(i), of(j)
            if len(a) < 30 or len(b) < 30:
                continue  # too little of their own to compare
            shared = _shared(a, b)
            jaccard = shared / (len(a) + len(b) - shared)
            containment = shared / min(len(a), len(b))
            # The same places both ways («в Самаре» and «у нас» are two residents using one
            # template); names only when both have some (a re-sent message may lose its
            # signature, two different signatures are two residents).
            if (
                jaccard >= self.edit_jaccard
                and containment >= self.edit_containment
                and aligner.places_agree(i, j)
                and aligner.names_agree_if_both(i, j)
            ):
                pairs.append(DuplicatePair(i, j, round(jaccard, 4), "edited-copy"))
        return pairs

    def _paraphrases(
        self,
        prepared: PreparedTexts,
        vectors: np.ndarray | None,
        aligner: _Aligner,
        exclude: dict[tuple[int, int], DuplicatePair],
    ) -> list[DuplicatePair]:
        vectorizer = aligner.vectorizer
        if vectors is None:
            vectors = vectorizer.transform(prepared.lemmas)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        enough = np.fromiter(
            (len(set(doc)) >= self.min_words for doc in prepared.lemmas),
            dtype=bool,
            count=len(prepared),
        ) & (np.abs(vectors).sum(axis=1) > 0)
        scored = candidate_pairs(vectors, self.paraphrase_threshold, mask=enough, k=self.neighbours)
        candidates = [(i, j) for i, j, _cos in scored if (i, j) not in exclude]
        if not candidates:
            return []
        # Cheap lexical filter first: a paraphrase that aligns at 0.9 shares most of its
        # weighted lemmas exactly.
        bags = _weighted_bags(prepared.lemmas, vectorizer)
        first = np.fromiter((i for i, _ in candidates), dtype=np.int64, count=len(candidates))
        second = np.fromiter((j for _, j in candidates), dtype=np.int64, count=len(candidates))
        overlap = np.asarray(bags[first].multiply(bags[second]).sum(axis=1)).ravel()
        keep = overlap >= self.lexical_prefilter
        first, second = first[keep], second[keep]
        threshold = self.alignment_threshold
        base, upper = aligner.batch_scores(first, second)
        pairs = []
        for i, j, b, u in zip(first.tolist(), second.tolist(), base, upper, strict=True):
            if u < threshold:
                continue
            score = float(b) if b >= threshold else aligner.score(i, j, threshold)
            if score >= threshold and aligner.agree(i, j):
                pairs.append(DuplicatePair(i, j, score, "paraphrase"))
        return pairs


class _Aligner:
    """Soft word alignment between two lemma lists, and a check that they name the same things.

    The alignment is an F1 of weighted best matches (equal lemma 1, close navec vector its
    cosine × 0.95), weights from SIF. Names must agree: a «name» is a word pymorphy tags as a
    place, person or organisation, or a word its dictionary does not know (a surname, a
    village, a typo). At least `name_agreement` of the names of one of the texts must appear
    in the other — as the same lemma, a word with the same first five letters («Похвистнево» /
    «Похвистневского»), or a word spelled almost alike (a typo). A text naming nothing cannot
    be checked against one that names something (unless those «names» are its own words
    misspelt), and the pair is rejected: «в нашем районе» is not «в Акбулакском районе».
    """

    def __init__(
        self,
        vectorizer: NavecVectorizer,
        lemmas: Sequence[Sequence[str]],
        tokens: Sequence[Sequence[str]],
        texts: Sequence[str] | None = None,
        *,
        name_agreement: float = 0.6,
    ) -> None:
        self.vectorizer = vectorizer
        self.lemmas = lemmas
        self.tokens = tokens
        self.texts = texts
        self._places: dict[int, list[str]] = {}
        self.name_agreement = name_agreement
        self._cache: dict[int, tuple[list[str], np.ndarray, np.ndarray, list[str], np.ndarray]] = {}
        # Every word's vector looked up once, in one batch.
        vectorizer._lookup([w for doc in lemmas for w in doc])
        self._unit = l2_normalize(vectorizer.word_matrix().copy())
        self._weights = np.asarray(vectorizer._weights, dtype=np.float32)
        self._by_letter: dict[int, dict[str, list[str]]] = {}
        self._word_strings: dict[int, str] = {}

    def _doc(self, i: int) -> tuple[list[str], np.ndarray, np.ndarray, list[str], np.ndarray]:
        cached = self._cache.get(i)
        if cached is None:
            words = list(dict.fromkeys(self.lemmas[i]))
            rows = self.vectorizer._lookup(words)
            known = rows >= 0
            vectors = np.zeros((len(words), self.vectorizer.dim), dtype=np.float32)
            vectors[known] = self._unit[rows[known]]
            weights = np.where(known, self._weights[np.maximum(rows, 0)], 1.0).astype(np.float32)
            distinctive = [w for w in words if _is_name(w)]
            cached = (words, vectors, weights, distinctive, known)
            self._cache[i] = cached
        return cached

    def batch_scores(
        self, first: np.ndarray, second: np.ndarray, *, width: int = 48, batch: int = 2048
    ) -> tuple[np.ndarray, np.ndarray]:
        """Alignment F1 of many pairs at once, without typo matching, and an upper bound of
        what typo matching could add. Texts with more than `width` distinct lemmas get
        (0, 1): the caller scores them one by one."""
        n_pairs = len(first)
        base = np.zeros(n_pairs, dtype=np.float32)
        upper = np.ones(n_pairs, dtype=np.float32)
        if n_pairs == 0:
            return base, upper
        docs = np.unique(np.concatenate([first, second]))
        slot = {int(d): k for k, d in enumerate(docs.tolist())}
        ids = np.full((len(docs), width), -1, dtype=np.int64)
        rows = np.full((len(docs), width), -1, dtype=np.int64)
        weights = np.zeros((len(docs), width), dtype=np.float32)
        wide = np.zeros(len(docs), dtype=bool)
        vocabulary: dict[str, int] = {}
        for k, d in enumerate(docs.tolist()):
            words, _vectors, doc_weights, _names, _known = self._doc(d)
            if len(words) > width:
                wide[k] = True
                continue
            m = len(words)
            ids[k, :m] = [vocabulary.setdefault(w, len(vocabulary)) for w in words]
            rows[k, :m] = self.vectorizer._lookup(words)
            weights[k, :m] = doc_weights
        unit = np.vstack([self._unit, np.zeros((1, self._unit.shape[1]), dtype=np.float32)])
        fuzzy = _TYPO_MATCH * 0.95
        for start in range(0, n_pairs, batch):
            a = np.asarray([slot[int(x)] for x in first[start : start + batch]])
            b = np.asarray([slot[int(x)] for x in second[start : start + batch]])
            va, vb = unit[rows[a]], unit[rows[b]]  # -1 rows pick the zero row
            sims = np.matmul(va, vb.transpose(0, 2, 1))
            same = (ids[a][:, :, None] == ids[b][:, None, :]) & (ids[a][:, :, None] >= 0)
            sims[same] = 1.0
            np.clip(sims, 0.0, 1.0, out=sims)
            sims = np.where(sims >= 0.999, 1.0, sims * 0.95).astype(np.float32)
            wa, wb = weights[a], weights[b]
            best_a, best_b = sims.max(axis=2), sims.max(axis=1)
            loose_a = (rows[a] < 0) & (ids[a] >= 0) & (best_a < fuzzy)
            loose_b = (rows[b] < 0) & (ids[b] >= 0) & (best_b < fuzzy)
            stop = start + len(a)
            base[start:stop] = _f1_rows(best_a, wa, best_b, wb)
            upper[start:stop] = _f1_rows(
                np.where(loose_a, fuzzy, best_a), wa, np.where(loose_b, fuzzy, best_b), wb
            )
            either_wide = wide[a] | wide[b]
            base[start:stop][either_wide] = 0.0
            upper[start:stop][either_wide] = 1.0
        return base, upper

    def places(self, i: int) -> list[str]:
        """Places the text names: pymorphy's geographical names, and adjectives written with a
        capital letter inside a sentence («в Октябрьском районе», «до Ясного»)."""
        cached = self._places.get(i)
        if cached is None:
            found = [w for w in dict.fromkeys(self.lemmas[i]) if _is_place(w)]
            if self.texts is not None:
                for match in _CAPITALISED.finditer(self.texts[i]):
                    word = normalize_for_matching(match.group(1))
                    lemma = _place_adjective(word)
                    if lemma is not None and lemma not in found:
                        found.append(lemma)
            cached = found
            self._places[i] = cached
        return cached

    def agree(self, i: int, j: int) -> bool:
        """Both texts name the same places (each found in the other), and their other names
        agree enough."""
        return self.places_agree(i, j) and self.names_agree(i, j)

    def names_agree(self, i: int, j: int) -> bool:
        da, db = self._doc(i)[3], self._doc(j)[3]
        if not da and not db:
            return True
        # A side without names still agrees when the other's «names» are its own words
        # misspelt (a typo is unknown to the dictionary, hence a «name»).
        if da and self._share(da, j) >= self.name_agreement:
            return True
        return bool(db) and self._share(db, i) >= self.name_agreement

    def places_agree(self, i: int, j: int) -> bool:
        pa, pb = self.places(i), self.places(j)
        if pa and self._share(pa, j) < 1.0:
            return False
        return not (pb and self._share(pb, i) < 1.0)

    def names_agree_if_both(self, i: int, j: int) -> bool:
        """Names (signatures, people, places off the gazetteer) agree, or one text has none
        (a re-sent message may lose its signature; two different signatures mean two
        residents)."""
        if not self._doc(i)[3] or not self._doc(j)[3]:
            return True
        return self.names_agree(i, j)

    def _words(self, i: int) -> str:
        """A text's distinct words (tokens and lemmas) as « w1 w2 … », built once: a name is
        found with a substring test, and 100,000 of these strings stay small."""
        cached = self._word_strings.get(i)
        if cached is None:
            words = dict.fromkeys((*self.lemmas[i], *self.tokens[i]))
            cached = " " + " ".join(words) + " "
            self._word_strings[i] = cached
        return cached

    def _share(self, names: list[str], other: int) -> float:
        words = self._words(other)
        found = 0
        for name in names:
            # The same word, or (five letters or more) a word with the same first five.
            if f" {name} " in words or (len(name) >= 5 and f" {name[:5]}" in words):
                found += 1
            elif any(_spelled_alike(name, t) for t in self._words_by_letter(other, name[0])):
                found += 1
        return found / len(names)

    def _words_by_letter(self, i: int, letter: str) -> list[str]:
        index = self._by_letter.get(i)
        if index is None:
            index = {}
            for w in set(self.tokens[i]) | set(self.lemmas[i]):
                if len(w) >= 5:
                    index.setdefault(w[0], []).append(w)
            self._by_letter[i] = index
        return index.get(letter, [])

    def score(self, i: int, j: int, threshold: float | None = None) -> float:
        """The alignment F1 of texts i and j. With `threshold`, the (slow) typo matching is
        skipped when it could not lift the score over the threshold anyway."""
        wa, va, pa, _, ka = self._doc(i)
        wb, vb, pb, _, kb = self._doc(j)
        if not wa or not wb:
            return 0.0
        sims = va @ vb.T
        index_b = {w: k for k, w in enumerate(wb)}
        for x, w in enumerate(wa):
            y = index_b.get(w)
            if y is not None:
                sims[x, y] = 1.0
        np.clip(sims, 0.0, 1.0, out=sims)
        # Close but not equal words count a little less than equal ones.
        sims = np.where(sims >= 0.999, 1.0, sims * 0.95)
        best_a, best_b = sims.max(axis=1), sims.max(axis=0)
        base = _f1(best_a, pa, best_b, pb)
        if threshold is not None and base >= threshold:
            return base
        # Words without a vector (typos, rare names) may match a word spelled almost alike.
        fuzzy = _TYPO_MATCH * 0.95
        loose_a = ~ka & (best_a < fuzzy)
        loose_b = ~kb & (best_b < fuzzy)
        if not loose_a.any() and not loose_b.any():
            return base
        if threshold is not None:
            upper = _f1(np.where(loose_a, fuzzy, best_a), pa, np.where(loose_b, fuzzy, best_b), pb)
            if upper < threshold:
                return base
        index_a = {w: k for k, w in enumerate(wa)}
        for x in np.flatnonzero(loose_a).tolist():
            for w in self._words_by_letter(j, wa[x][0]):
                y = index_b.get(w)
                if y is not None and _spelled_alike(wa[x], w):
                    sims[x, y] = max(sims[x, y], fuzzy)
        for y in np.flatnonzero(loose_b).tolist():
            for w in self._words_by_letter(i, wb[y][0]):
                found = index_a.get(w)
                if found is not None and _spelled_alike(w, wb[y]):
                    x = found
                    sims[x, y] = max(sims[x, y], fuzzy)
        return _f1(sims.max(axis=1), pa, sims.max(axis=0), pb)


_TYPO_MATCH = 0.9
"""Similarity given to two words spelled almost alike when one of them has no vector."""


def _f1_rows(
    best_a: np.ndarray, weights_a: np.ndarray, best_b: np.ndarray, weights_b: np.ndarray
) -> np.ndarray:
    total_a = np.maximum(weights_a.sum(axis=1), 1e-12)
    total_b = np.maximum(weights_b.sum(axis=1), 1e-12)
    forward = (best_a * weights_a).sum(axis=1) / total_a
    backward = (best_b * weights_b).sum(axis=1) / total_b
    denominator = forward + backward
    return np.where(denominator > 0, 2 * forward * backward / np.maximum(denominator, 1e-12), 0.0)


def _f1(
    best_a: np.ndarray, weights_a: np.ndarray, best_b: np.ndarray, weights_b: np.ndarray
) -> float:
    forward = float((best_a * weights_a).sum() / weights_a.sum())
    backward = float((best_b * weights_b).sum() / weights_b.sum())
    if forward + backward <= 0:
        return 0.0
    return 2 * forward * backward / (forward + backward)


def candidate_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    mask: np.ndarray | None = None,
    k: int = 5,
    exact_limit: int = 12_000,
    block: int = 1024,
) -> list[tuple[int, int, float]]:
    """Pairs (i < j) of unit rows with cosine ≥ threshold, each row's `k` nearest at most.

    Exact blocked products up to `exact_limit` rows; beyond, an inverted file: k-means cells
    (≈ n/150 of them), every row probed in its two nearest cells.
    """
    index = np.arange(len(vectors)) if mask is None else np.flatnonzero(mask)
    x = vectors[index]
    n = len(x)
    if n < 2:
        return []
    found: dict[tuple[int, int], float] = {}
    if n <= exact_limit:
        _pairs_within(x, index, threshold, found, block=block, k=k)
    else:
        for cell in _ivf_cells(x):
            _pairs_within(x[cell], index[cell], threshold, found, block=block, k=k)
    return [(i, j, s) for (i, j), s in found.items()]


def _pairs_within(
    x: np.ndarray,
    ids: np.ndarray,
    threshold: float,
    found: dict[tuple[int, int], float],
    *,
    block: int,
    k: int,
) -> None:
    """For every row, its `k` most similar other rows at or above `threshold`."""
    n = len(x)
    k = min(k, n - 1)
    for start in range(0, n, block):
        sims = x[start : start + block] @ x.T
        local = np.arange(len(sims))
        sims[local, start + local] = -1.0
        if k < n - 1:
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(n), (len(sims), n))
        values = np.take_along_axis(sims, top, axis=1)
        rows, cols = np.nonzero(values >= threshold)
        for r, c in zip(rows, cols, strict=True):
            i, j = int(ids[start + r]), int(ids[top[r, c]])
            key = (i, j) if i < j else (j, i)
            found[key] = float(values[r, c])


def _ivf_cells(x: np.ndarray, *, per_cell: int = 150, seed: int = 0) -> list[np.ndarray]:
    n = len(x)
    n_cells = max(2, n // per_cell)
    rng = np.random.default_rng(seed)
    sample = x[rng.choice(n, size=min(n, n_cells * 20), replace=False)]
    centroids = sample[rng.choice(len(sample), size=n_cells, replace=False)].copy()
    for _ in range(4):
        assign = (sample @ centroids.T).argmax(axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        empty = np.bincount(assign, minlength=n_cells) == 0
        sums[empty] = centroids[empty]
        centroids = l2_normalize(sums)
    top2 = np.empty((n, 2), dtype=np.int64)
    for start in range(0, n, 8192):
        sims = x[start : start + 8192] @ centroids.T
        top2[start : start + 8192] = np.argpartition(-sims, 1, axis=1)[:, :2]
    cells: list[np.ndarray] = []
    owners = np.concatenate([top2[:, 0], top2[:, 1]])
    rows = np.concatenate([np.arange(n), np.arange(n)])
    order = np.argsort(owners, kind="stable")
    boundaries = np.flatnonzero(np.diff(owners[order])) + 1
    for cell in np.split(rows[order], boundaries):
        if len(cell) > 1:
            cells.append(np.unique(cell))
    return cells


_OWN_PART_SKIP = re.compile(
    r"^(?:здравствуй|добр(?:ый|ое|ого)\s|доброго\s+времени|уважаем|с\s+уважением|спасибо|"
    r"заранее|надеюсь|очень\s+прошу\s+помочь|жду\s+ответа|тел\b|телефон|пишите|"
    r"мой\s+телефон|e-?mail|почта)"
)
_NOT_LETTERS = re.compile(r"[^а-яa-z0-9]+")


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


def _char_grams(text: str, size: int = 5) -> np.ndarray:
    """Hashes of the character `size`-grams of a message's own part (sorted, unique):
    greetings, closings, signatures and contacts left out, letters and digits only.

    Sentences are cut at . ! ? … and line breaks (a cheap regular expression, not razdel:
    this runs on every text of a large corpus); the hashes are computed with numpy."""
    own = []
    for sentence in _SENTENCE_END.split(text):
        normal = normalize_for_matching(sentence).strip()
        if not normal or _OWN_PART_SKIP.match(normal) or _MASK_PATTERN.search(normal):
            continue
        own.append(_NOT_LETTERS.sub("", normal))
    joined = "".join(own)
    if len(joined) < size:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    powers = np.power(np.uint64(1_000_003), np.arange(size - 1, -1, -1, dtype=np.uint64))
    windows = np.lib.stride_tricks.sliding_window_view(codes, size)
    hashed: np.ndarray = np.unique(windows @ powers)  # wraps modulo 2**64: a hash
    return hashed


def _shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many elements two sorted arrays of unique values have in common."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return 0
    at = np.searchsorted(b, a)
    at[at == len(b)] = 0
    return int(np.count_nonzero(b[at] == a))


@lru_cache(maxsize=500_000)
def _spelled_alike(a: str, b: str) -> bool:
    """Two words of five letters or more that differ by a typo or two."""
    if len(a) < 5 or len(b) < 5 or abs(len(a) - len(b)) > 2 or a[0] != b[0] or a == b:
        return a == b and len(a) >= 5
    matcher = SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= 0.8
        and matcher.quick_ratio() >= 0.8
        and (matcher.ratio() >= 0.8)
    )


def _weighted_bags(lemmas: Sequence[Sequence[str]], vectorizer: NavecVectorizer) -> Any:
    """Sets of lemmas as L2-normalised sparse rows weighted like the alignment (SIF)."""
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    indptr = [0]
    indices: list[int] = []
    for doc in lemmas:
        for w in dict.fromkeys(doc):
            indices.append(vocabulary.setdefault(w, len(vocabulary)))
        indptr.append(len(indices))
    words = list(vocabulary)
    rows = vectorizer._lookup(words) if words else np.zeros(0, dtype=np.int64)
    all_weights = np.asarray(vectorizer._weights, dtype=np.float32)
    word_weight = np.where(
        rows >= 0, all_weights[np.maximum(rows, 0)] if len(all_weights) else 1.0, 1.0
    )
    data = word_weight[np.asarray(indices, dtype=np.int64)].astype(np.float32)
    matrix = sparse.csr_matrix(
        (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(lemmas), max(1, len(vocabulary))),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms) @ matrix


_NAME_GRAMMEMES = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})
_name_cache: dict[str, bool] = {}


def _is_name(word: str) -> bool:
    """A place, person or organisation by pymorphy's tags, or a word it does not know."""
    cached = _name_cache.get(word)
    if cached is None:
        if word[0] < "а" and word[0] != "ё":  # Latin: brand names, e-mail leftovers
            cached = True
        else:
            morph = get_morph()
            cached = not morph.word_is_known(word) or bool(
                _NAME_GRAMMEMES & set(morph.parse(word)[0].tag.grammemes)
            )
        _name_cache[word] = cached
    return cached


_CAPITALISED = re.compile(
    r"(?<![.!?\n«(]\s)(?<![.!?\n«(])(?<=\s)([А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*)"
)
_place_cache: dict[str, bool] = {}
_adjective_cache: dict[str, str | None] = {}


def _is_place(word: str) -> bool:
    cached = _place_cache.get(word)
    if cached is None:
        cached = word[0] >= "а" and "Geox" in get_morph().parse(word)[0].tag
        _place_cache[word] = cached
    return cached


def _place_adjective(word: str) -> str | None:
    """The lemma of a capitalised adjective (a place in «Октябрьском районе»), else None."""
    if word in _adjective_cache:
        return _adjective_cache[word]
    parse = get_morph().parse(word)[0]
    lemma = None
    if parse.tag.POS in {"ADJF", "ADJS"} and not ({"Name", "Surn", "Patr"} & parse.tag.grammemes):
        lemma = normalize_for_matching(parse.normal_form)
    _adjective_cache[word] = lemma
    return lemma


def _ts(value: datetime | None) -> float:
    if value is None:
        return float("inf")
    if value.tzinfo is None:
        return value.timestamp()
    return value.timestamp()


def _as_documents(documents: Sequence[Document] | Sequence[str]) -> list[Document]:
    out = []
    for i, d in enumerate(documents):
        out.append(d if isinstance(d, Document) else Document(id=str(i), text=str(d or "")))
    return out


__all__ = [
    "PASSES",
    "DuplicateFinder",
    "DuplicatePair",
    "UnionFind",
    "candidate_pairs",
    "merge_pairs",
]
