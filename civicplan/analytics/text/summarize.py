"""Summaries of a topic: what its proposals say, in a few sentences.

* `ExtractiveSummarizer` picks the most central sentences of the topic's texts: sentences
  by razdel, greetings and signatures dropped, TF-IDF vectors of character n-grams (robust
  to typos), centrality = cosine similarity to the weighted mean of all sentences (a
  sentence many residents wrote counts more), then the best ones that do not repeat each
  other. Nothing is invented: every sentence is a resident's own.
* `LLMSummarizer` asks a language model through an OpenAI-compatible chat-completions
  endpoint. It is off unless the caller constructs it (URL, model, key and timeout come from
  the caller, e.g. Django settings); on any error, refusal or timeout it returns the
  extractive summary instead, so a report never waits for or depends on an outside service.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from civicplan.analytics.text.lemmatize import split_sentences
from civicplan.analytics.text.personal import find_personal_data, mask_personal_data_many

logger = logging.getLogger(__name__)

__all__ = ["ExtractiveSummarizer", "LLMSummarizer", "Summary"]

EXTRACTIVE = "extractive"
LLM = "llm"

_BOILERPLATE = re.compile(
    r"^(?:здравствуйте|добрый\s+(?:день|вечер|утро)|уважаем|с\s+уважением|спасибо|заранее|"
    r"адрес\b|мой\s+телефон|пишите|прошу\s+рассмотреть|надеюсь|очень\s+ждём|"
    r"повторно|поддерживаю|ещё\s+раз|обращаюсь|я\s+живу)",
    re.IGNORECASE,
)
_MASKED = re.compile(r"\[(?:email|телефон|ссылка)\]")
_WORDS = re.compile(r"[А-Яа-яЁёA-Za-z]+")


@dataclass(frozen=True, slots=True)
class Summary:
    text: str
    sentences: tuple[str, ...]
    method: str = EXTRACTIVE  # "extractive" or "llm"
    error: str | None = None  # why the LLM was not used, when it was asked and failed


def _tidy(sentence: str) -> str:
    sentence = re.sub(r"\s+", " ", sentence).strip()
    if not sentence:
        return sentence
    sentence = sentence[0].upper() + sentence[1:]
    if sentence[-1] not in ".!?…»":
        sentence += "."
    return sentence


class ExtractiveSummarizer:
    """The most central sentences of a group of texts.

    Parameters
    ----------
    max_sentences:
        How many sentences the summary has.
    max_texts:
        Only the first texts are read (pass them most representative first).
    min_words, max_words:
        Sentences outside this length are not chosen.
    redundancy:
        A sentence this similar (cosine) to one already chosen is skipped.
    """

    def __init__(
        self,
        *,
        max_sentences: int = 3,
        max_texts: int = 200,
        min_words: int = 4,
        max_words: int = 35,
        redundancy: float = 0.6,
    ) -> None:
        self.max_sentences = max_sentences
        self.max_texts = max_texts
        self.min_words = min_words
        self.max_words = max_words
        self.redundancy = redundancy

    def candidates(self, texts: Sequence[str]) -> Counter[str]:
        """Sentences that may go into a summary, with how many texts contain them."""
        counts: Counter[str] = Counter()
        self._well_formed: set[str] = set()
        for text in texts[: self.max_texts]:
            if not text:
                continue
            seen: set[str] = set()
            for sentence in split_sentences(text):
                words = _WORDS.findall(sentence)
                if not (self.min_words <= len(words) <= self.max_words):
                    continue
                if _BOILERPLATE.match(sentence) or _MASKED.search(sentence):
                    continue
                sentence = _without_personal_data(sentence)
                if not sentence or len(_WORDS.findall(sentence)) < self.min_words:
                    continue
                tidy = _tidy(sentence)
                if tidy.lower() not in seen:
                    seen.add(tidy.lower())
                    counts[tidy] += 1
                    if sentence[:1].isupper():
                        self._well_formed.add(tidy)
        return counts

    def summarize(self, texts: Sequence[str]) -> Summary:
        counts = self.candidates(texts)
        if not counts:
            first = next((_tidy(t)[:300] for t in texts if t and t.strip()), "")
            fallback = _masked([first])[0] if first else ""
            return Summary(fallback, (fallback,) if fallback else ())
        sentences = list(counts)
        if len(sentences) <= 1:
            only = _masked(sentences)[0]
            return Summary(only, (only,) if only else ())
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=True
        )
        matrix = vectorizer.fit_transform(sentences)
        weights = np.asarray([counts[s] for s in sentences], dtype=np.float64)
        centre = np.asarray(matrix.T @ weights).ravel()
        norm = np.linalg.norm(centre)
        if norm > 0:
            centre /= norm
        centrality = np.asarray(matrix @ centre).ravel()
        # Sentences written with a capital (and so, usually, punctuation) read better than
        # a whole unpunctuated message taken as one sentence.
        centrality *= np.asarray([1.0 if s in self._well_formed else 0.7 for s in sentences])
        order = np.argsort(-centrality, kind="stable")
        chosen: list[int] = []
        for i in order:
            if len(chosen) >= self.max_sentences:
                break
            if chosen:
                similar = (matrix[chosen] @ matrix[i].T).toarray().ravel()
                if similar.max() >= self.redundancy:
                    continue
            chosen.append(int(i))
        picked = tuple(s for s in _masked(sentences[i] for i in chosen) if s)
        return Summary(" ".join(picked), picked)


class LLMSummarizer:
    """A summary written by a language model behind an OpenAI-compatible endpoint.

    Parameters
    ----------
    url:
        The chat-completions URL (``…/v1/chat/completions``); a base URL ending in ``/v1``
        gets the path appended.
    model:
        The model name the server expects.
    api_key:
        Sent as a bearer token when given.
    timeout:
        Seconds for the whole request; after that the extractive summary is returned.
    fallback:
        The summariser used on any failure (an `ExtractiveSummarizer` by default).
    """

    SYSTEM_PROMPT = (
        "Ты помогаешь рабочей группе министерства читать предложения жителей к стратегии "
        "развития региона. Изложи по-русски в двух-трёх предложениях, что предлагают "
        "жители в этих обращениях и какие проблемы называют. Пиши нейтрально, без оценок "
        "и без выдуманных фактов; не упоминай имена и контакты."
    )

    def __init__(
        self,
        *,
        url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 20.0,
        max_texts: int = 40,
        max_input_chars: int = 12_000,
        max_tokens: int = 300,
        temperature: float = 0.2,
        fallback: ExtractiveSummarizer | None = None,
    ) -> None:
        if not url or not model:
            raise ValueError("LLMSummarizer needs both url and model")
        url = url.rstrip("/")
        if url.endswith("/v1"):
            url += "/chat/completions"
        self.url = url
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.max_texts = max_texts
        self.max_input_chars = max_input_chars
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.fallback = fallback or ExtractiveSummarizer()

    def _payload(self, texts: Sequence[str]) -> bytes:
        parts: list[str] = []
        used = 0
        for number, text in enumerate(texts[: self.max_texts], start=1):
            text = re.sub(r"\s+", " ", text or "").strip()
            if not text:
                continue
            piece = f"{number}. {text[:1500]}"
            if used + len(piece) > self.max_input_chars:
                break
            parts.append(piece)
            used += len(piece)
        body = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": self.SYSTEM_PROMPT},
                {"role": "user", "content": "Обращения жителей:\n" + "\n".join(parts)},
            ],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
        }
        return json.dumps(body, ensure_ascii=False).encode("utf-8")

    def _request(self, payload: bytes) -> str:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=payload, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            data: Any = json.loads(response.read().decode("utf-8"))
        content = data["choices"][0]["message"]["content"]
        if not isinstance(content, str) or not content.strip():
            raise ValueError("empty answer")
        return content.strip()

    def summarize(self, texts: Sequence[str]) -> Summary:
        if not any(t and t.strip() for t in texts):
            return self.fallback.summarize(texts)
        payload = self._payload(texts)
        result: dict[str, Any] = {}

        def call() -> None:
            try:
                result["text"] = self._request(payload)
            except Exception as exc:  # every failure means: use the extractive summary
                result["error"] = exc

        # The socket timeout bounds each read; the thread bounds the whole exchange, so a
        # server that trickles bytes cannot hold a report hostage.
        worker = threading.Thread(target=call, daemon=True, name="llm-summary")
        worker.start()
        worker.join(self.timeout)
        if "text" in result:
            # The model is told not to name anyone; its answer is checked all the same.
            text = _masked([result["text"]])[0]
            return Summary(text, tuple(split_sentences(text)) or (text,), method=LLM)
        error = result.get("error")
        timed_out = (
            error is None
            or isinstance(error, TimeoutError)
            or (isinstance(error, urllib.error.URLError) and isinstance(error.reason, TimeoutError))
        )
        # The socket's timeout and the thread's join race each other: both mean «no answer».
        reason = (
            f"нет ответа за {self.timeout:g} с"
            if timed_out or not isinstance(error, BaseException)
            else _describe(error)
        )
        logger.warning("LLM summary failed (%s); using the extractive summary", reason)
        summary = self.fallback.summarize(texts)
        return Summary(summary.text, summary.sentences, EXTRACTIVE, error=reason)


def _without_personal_data(sentence: str) -> str:
    """The sentence without its signature; "" when it names a person, a phone or an address.

    Morphology only (no NER, about 1 ms a sentence): the chosen sentences are checked again
    with the NER by `_masked`.
    """
    spans = find_personal_data(sentence, ner=False)
    if not spans:
        return sentence
    if any(span.kind != "signature" for span in spans):
        return ""
    for span in reversed(spans):
        sentence = sentence[: span.start].rstrip(" ,;:-—") + sentence[span.end :]
    return _tidy(sentence) if sentence.strip(" .") else ""


def _masked(sentences: Iterable[str]) -> list[str]:
    """Sentences as shown: signatures dropped, every other piece of personal data masked."""
    items = list(sentences)
    masked = mask_personal_data_many(items, drop_signatures=True)
    return [_tidy(s) if s.strip(" .") else "" for s in masked]


def _describe(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"сервер ответил {error.code}"
    if isinstance(error, urllib.error.URLError):
        return f"сервер недоступен: {error.reason}"
    if isinstance(error, TimeoutError):
        return "истекло время ожидания"
    if isinstance(error, json.JSONDecodeError | KeyError | IndexError | TypeError):
        return "непонятный ответ сервера"
    return f"{type(error).__name__}: {error}"
