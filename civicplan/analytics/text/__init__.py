"""The Russian text pipeline: clean, lemmatise, vectorise, classify, deduplicate, search.

Pure Python on numpy, scikit-learn, razdel, pymorphy3, navec and datasketch; nothing here
imports Django. Each step is a small object in scikit-learn's style, taking and returning
plain lists, numpy arrays and the dataclasses in `types`.

    prepared = prepare_texts(raw_texts)                 # clean + lemmas, once
    vectors = NavecVectorizer().transform(prepared.lemmas)
    classifier = DirectionClassifier(labels).fit(prepared)          # zero-shot
    classifier = DirectionClassifier(labels).fit(train, y)          # from examples
    predictions = classifier.predict(prepared)
    duplicates = DuplicateFinder().find(documents, prepared=prepared, vectors=vectors)
    index = SimilarityIndex(); index.add(ids, texts); index.query("текст", k=5)
"""

from civicplan.analytics.text.classify import DirectionClassifier
from civicplan.analytics.text.clean import (
    EMAIL_MASK,
    PHONE_MASK,
    URL_MASK,
    TextCleaner,
    clean_text,
    normalize_for_matching,
)
from civicplan.analytics.text.dedup import DuplicateFinder, DuplicatePair
from civicplan.analytics.text.lemmatize import (
    Lemmatizer,
    parallel_map,
    prepare_texts,
    split_sentences,
    tokenize,
)
from civicplan.analytics.text.personal import (
    PersonalSpan,
    find_personal_data,
    mask_personal_data,
)
from civicplan.analytics.text.similar import SimilarityIndex
from civicplan.analytics.text.types import (
    UNDEFINED_LABEL,
    Document,
    DuplicateAssignment,
    Label,
    Prediction,
    PreparedTexts,
)
from civicplan.analytics.text.vectorize import (
    CharTfidfVectorizer,
    LemmaTfidfVectorizer,
    NavecVectorizer,
    load_navec,
    warm_up,
)

__all__ = [
    "EMAIL_MASK",
    "PHONE_MASK",
    "UNDEFINED_LABEL",
    "URL_MASK",
    "CharTfidfVectorizer",
    "DirectionClassifier",
    "Document",
    "DuplicateAssignment",
    "DuplicateFinder",
    "DuplicatePair",
    "Label",
    "LemmaTfidfVectorizer",
    "Lemmatizer",
    "NavecVectorizer",
    "PersonalSpan",
    "Prediction",
    "PreparedTexts",
    "SimilarityIndex",
    "TextCleaner",
    "clean_text",
    "find_personal_data",
    "load_navec",
    "mask_personal_data",
    "normalize_for_matching",
    "parallel_map",
    "prepare_texts",
    "split_sentences",
    "tokenize",
    "warm_up",
]
