"""The duplicate finder: near copies (MinHash/LSH on word shingles), edited copies
(navec neighbours verified by character 5-grams), paraphrases (navec neighbours verified
by word alignment), then groups by union-find. See the package docstring."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from civicplan.analytics.text.clean import MASKS, normalize_for_matching
from civicplan.analytics.text.dedup.align import _Aligner, _weighted_bags
from civicplan.analytics.text.dedup.grams import _char_grams, _shared, _shared_counts
from civicplan.analytics.text.dedup.neighbours import candidate_pairs
from civicplan.analytics.text.lemmatize import as_prepared
from civicplan.analytics.text.types import Document, DuplicateAssignment, PreparedTexts
from civicplan.analytics.text.vectorize import NavecVectorizer

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_MASK_PATTERN = re.compile("|".join(re.escape(m) for m in MASKS))
_MERSENNE = np.uint64((1 << 61) - 1)
_SIGNATURE_CHUNK = 8192
"""Shingles hashed at a time by `DuplicateFinder.signatures` (a 4 MB buffer)."""


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
        """MinHash signatures (n, num_perm) uint64; rows of empty sets are all-max.

        Hashed in chunks of about `_SIGNATURE_CHUNK` shingles into one reused buffer,
        in place: a few MB that stay in the cache, instead of fresh 100 MB temporaries
        (each a round of page faults) — the same values, about 4 times less CPU."""
        rng = np.random.default_rng(self.seed)
        a = rng.integers(1, 1 << 61, size=self.num_perm, dtype=np.uint64) | np.uint64(1)
        b = rng.integers(0, 1 << 61, size=self.num_perm, dtype=np.uint64)
        n = len(shingle_sets)
        sig = np.full((n, self.num_perm), np.iinfo(np.uint64).max, dtype=np.uint64)
        nonempty = np.flatnonzero(lengths > 0)
        if not len(nonempty):
            return sig
        flat = np.concatenate([shingle_sets[i] for i in nonempty.tolist()])
        ends = np.cumsum(lengths[nonempty])
        starts = ends - lengths[nonempty]
        buffer = np.empty((_SIGNATURE_CHUNK, self.num_perm), dtype=np.uint64)
        shift = np.uint64(3)
        first = 0
        while first < len(nonempty):
            last = int(np.searchsorted(ends, starts[first] + _SIGNATURE_CHUNK, side="right"))
            last = max(last, first + 1)  # a document longer than a chunk: alone
            low, high = int(starts[first]), int(ends[last - 1])
            size = high - low
            hashed = (
                buffer[:size]
                if size <= _SIGNATURE_CHUNK
                else np.empty((size, self.num_perm), dtype=np.uint64)
            )
            np.multiply(flat[low:high, None], a[None, :], out=hashed)
            hashed += b
            hashed >>= shift
            sig[nonempty[first:last]] = np.minimum.reduceat(
                hashed, starts[first:last] - low, axis=0
            )
            first = last
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
        first, second = first[plausible], second[plausible]
        # Jaccard is at most the ratio of the two set sizes: pairs of very different sizes
        # need no exact count.
        small = np.minimum(lengths[first], lengths[second])
        large = np.maximum(lengths[first], lengths[second])
        possible = small >= self.jaccard_threshold * large
        first, second = first[possible], second[possible]
        shared = _shared_counts(shingle_sets, first, second)
        union = lengths[first] + lengths[second] - shared
        jaccard = shared / np.maximum(union, 1)
        keep = np.flatnonzero(jaccard >= self.jaccard_threshold)
        pairs = []
        for i, j, jac in zip(
            first[keep].tolist(), second[keep].tolist(), jaccard[keep].tolist(), strict=True
        ):
            # Below near-identity, the same template about another place is not a copy.
            if jac >= 0.95 or aligner.agree(i, j):
                pairs.append(DuplicatePair(i, j, jac, "near-copy"))
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
