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

from civicplan.analytics.text.dedup.finder import (
    PASSES,
    DuplicateFinder,
    DuplicatePair,
    UnionFind,
    merge_pairs,
)
from civicplan.analytics.text.dedup.neighbours import candidate_pairs

__all__ = [
    "PASSES",
    "DuplicateFinder",
    "DuplicatePair",
    "UnionFind",
    "candidate_pairs",
    "merge_pairs",
]
