"""Agreement of topics with known labels (adjusted mutual information).

    .venv/bin/python benchmarks/text_speed/topics_agreement.py

* synthetic: topics within each true direction against the true topic (5,000 proposals);
* kzgovdata: topics over all 1,200 complaints against their 10 categories (the file in
  data/texts/ is template-made: a sanity check, not proof of quality).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import adjusted_mutual_info_score

from civicplan.analytics.text.lemmatize import prepare_texts
from civicplan.analytics.text.synthetic import generate
from civicplan.analytics.text.topics import TopicModel
from civicplan.analytics.text.vectorize import NavecVectorizer

ROOT = Path(__file__).resolve().parents[2]


def synthetic() -> None:
    proposals = generate(5000, seed=99)
    prepared = prepare_texts([p.text for p in proposals], n_jobs=2)
    vectors = NavecVectorizer().transform(prepared.lemmas)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(proposals):
        groups[p.direction].append(i)
    scores = []
    for direction, idx in sorted(groups.items()):
        model = TopicModel().fit(prepared.take(idx), vectors[idx])
        truth = [proposals[i].topic for i in idx]
        ami = adjusted_mutual_info_score(truth, model.labels_)
        other = float((model.labels_ == -1).mean())
        scores.append(ami)
        print(f"synthetic · {direction}: {len(idx)} texts, {len(model.topics_)} topics, "
              f"AMI {ami:.3f}, «прочее» {other:.1%}")  # fmt: skip
    print(f"synthetic · mean AMI {sum(scores) / len(scores):.3f}")


def kzgovdata() -> None:
    path = ROOT / "data" / "texts" / "kzgovdata_ru.csv"
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    prepared = prepare_texts([r["text"] for r in rows])
    vectors = NavecVectorizer().transform(prepared.lemmas)
    for n_topics in (None, 10):
        model = TopicModel(n_topics=n_topics).fit(prepared, vectors)
        ami = adjusted_mutual_info_score([r["category"] for r in rows], model.labels_)
        other = float((model.labels_ == -1).mean())
        chosen = "chosen by the rule" if n_topics is None else "fixed at 10"
        print(f"kzgovdata · k {chosen}: {len(model.topics_)} topics, AMI {ami:.3f}, "
              f"«прочее» {other:.1%}")  # fmt: skip
        for t in model.topics_[:12]:
            print(f"    {t.size:4d}  {t.label}")


if __name__ == "__main__":
    synthetic()
    kzgovdata()
