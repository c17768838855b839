"""Topic labels: a topic's key terms written as a Russian heading a person can read («Ремонт
дворовых дорог»), with no person's name in it: which terms may head a label and how the
heading is put together. The terms come from `topic_terms`, their written form from
`topic_phrases`. Used by `topics.TopicModel`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from civicplan.analytics.text.lemmatize import get_morph, tokenize
from civicplan.analytics.text.topic_phrases import _PHRASE_BREAK, _lemma, _side_by_side

__all__ = ["LABEL_STOP_WORDS", "LIGHT_NOUNS", "form_adverbial", "heading"]


_UNWORTHY_TAGS = ("Geox", "Name", "Surn", "Patr", "Abbr", "Erro")


LABEL_STOP_WORDS = frozenset(
    """район город село поселок посёлок деревня область край улица ул дом житель жительница
    человек люди год месяц день неделя раз уважение коллега адрес телефон почта предложение
    проблема вопрос просьба обращение ситуация решение помощь ответ администрация глава
    власть сторона время место случай часть тема""".split()
)
"""Words that appear in proposals of every topic and name none («район», «уважение»)."""


LIGHT_NOUNS = frozenset(
    """имя вид счёт счет ряд единица мера образ порядок срок час минута""".split()
)
"""Nouns that Russian uses as grammar rather than as a subject, so they never head a label
(alone, as the head of «noun + genitive», or after an adjective), though they may depend on
another noun: parts of compound prepositions («от имени жильцов», «за счёт бюджета», «по
мере»), the light noun of adverbial stock phrases («в электронном виде», «в срочном
порядке», «в установленный срок», «таким образом», «в полной мере»), quantifiers of a
genitive («ряд проблем», «из класса остались единицы») and units of time that count
rather than name («раз в час», «через час», «по две минуты»). The other such nouns
(«раз», «случай», «часть», «время», «место», «сторона») are in `LABEL_STOP_WORDS`."""


_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"


def _one_edit_away(word: str) -> set[str]:
    """Every word one typo away: a letter dropped, two swapped, one replaced or added."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in cuts if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    found |= {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
    found |= {a + c + b for a, b in cuts for c in _LETTERS}
    return found


@lru_cache(maxsize=50_000)
def _misspelt_stop_word(word: str) -> bool:
    """An unknown word one typo from a word of `LABEL_STOP_WORDS` («рйоне» for «районе»)."""
    morph = get_morph()
    if morph.word_is_known(word):
        return False
    return any(
        len(candidate) >= 4
        and morph.word_is_known(candidate)
        and morph.parse(candidate)[0].normal_form.replace("ё", "е") in LABEL_STOP_WORDS
        for candidate in _one_edit_away(word)
    )


INSTITUTIONS = frozenset({"дом культура", "дом творчество", "дом быт"})
"""Phrases of a word from `LABEL_STOP_WORDS` that name one kind of place: «Дом культуры»."""


def _label_worthy(term: str) -> bool:
    """Nouns, and adjective or noun + noun pairs; no verbs, names or places."""
    morph = get_morph()
    words = term.split(" ")
    tags = []
    if term in INSTITUTIONS:
        return True
    if any(w in LABEL_STOP_WORDS or _misspelt_stop_word(w) for w in words):
        return False
    for word in words:
        parse = morph.parse(word)[0]
        if any(t in parse.tag for t in _UNWORTHY_TAGS) or len(word) < 3:
            return False
        tags.append(parse.tag.POS)
    if len(words) == 1:
        return bool(tags[0] == "NOUN") and words[0] not in LIGHT_NOUNS
    head = words[0] if tags[0] == "NOUN" else words[1]
    if head in LIGHT_NOUNS:  # «имя жильцов» of «от имени жильцов», «электронный вид»
        return False
    # A participle's lemma is its verb («управляющая компания» → «управлять компания»);
    # `phrase_label` checks how the pair was written and drops it unless it agrees.
    return tags[1] == "NOUN" and tags[0] in {"NOUN", "ADJF", "PRTF", "INFN"}


FORM_NOUN = "вид"
"""The light noun of «в электронном (бумажном, письменном) виде»: the adjective says which
form a thing takes, so the phrase qualifies the topic's subject rather than naming it."""


def form_adverbial(term: str) -> str:
    """«в электронном виде» for the lemma pair «электронный вид»; "" for any other term."""
    words = term.split(" ")
    if len(words) != 2 or words[1] != FORM_NOUN:
        return ""
    adjective = next(
        (p for p in get_morph().parse(words[0]) if p.tag.POS == "ADJF"),
        None,
    )
    inflected = adjective.inflect({"loct", "sing", "masc"}) if adjective is not None else None
    return f"в {inflected.word} виде" if inflected is not None else ""


def written_with(texts: Sequence[str], word: str, other: str, *, window: int = 4) -> bool:
    """Whether `texts` that hold the lemma `word` mostly write the lemma `other` after it
    in the same phrase, at most `window` words on («справки в электронный вид»)."""
    holding = together = 0
    for text in texts:
        seen = near = False
        for part in _PHRASE_BREAK.split(text.lower()):
            lemmas = [_lemma(t) for t in tokenize(part)]
            for k, lemma in enumerate(lemmas):
                if lemma == word:
                    seen = True
                    near = near or other in lemmas[k + 1 : k + 1 + window]
        holding += seen
        together += near
    return holding > 0 and together * 2 >= holding


EVALUATIVE_ADJECTIVES = frozenset(
    """нормальный хороший плохой отличный прекрасный неплохой ужасный отвратительный
    приличный достойный нормальненький""".split()
)
"""Adjectives that say how residents judge a thing, not which thing it is: «нормальный
интернет» is a complaint about the internet, and a heading names it «Интернет»."""


def heading(terms: Sequence[str], texts: Sequence[str] = ()) -> str:
    """A topic's label from its key terms (best first), written as a heading.

    The first phrase of two or more words when there is one («Ремонт дворовых дорог»,
    «Детский сад»); otherwise the first word, joined with «и» to the second when that is a
    single word too («Мусор и контейнеры»). Two words that the topic's `texts` write side
    by side are not joined with «и»: they are written as residents wrote them, over a
    preposition («Поддержка из бюджета»), or the first stands alone («в установленный
    законом срок» gives «Срок», not «Срок и закон»). An evaluative adjective is left out
    («Нормальный интернет» → «Интернет»), and a phrase that loses it is one word among the
    others («дорога, нормальный тротуар» → «Дорога и тротуар», not «Тротуар»). First letter
    capitalised, no word twice.
    """
    if not terms:
        return ""
    if _unjudged(terms[0]) != terms[0]:  # «Нормальный интернет» → «Интернет»
        text = _unjudged(terms[0])
        return text[:1].upper() + text[1:]
    terms = list(dict.fromkeys(_unjudged(t) for t in terms))
    phrases = [t for t in terms if " " in t]
    if phrases:
        text = phrases[0]
    elif len(terms) > 1 and _lemma(terms[1]) != _lemma(terms[0]):
        together = _side_by_side(texts, _lemma(terms[0]), _lemma(terms[1])) if texts else None
        if together is None:
            text = f"{terms[0]} и {terms[1]}"
        else:
            text = together or terms[0]
    else:
        text = terms[0]
    return text[:1].upper() + text[1:]


def _unjudged(term: str) -> str:
    """A key phrase without an evaluative adjective: «нормальный тротуар» → «тротуар»."""
    first, _, rest = term.partition(" ")
    if rest and " " not in rest and _lemma(first) in EVALUATIVE_ADJECTIVES:
        return rest
    return term


HEAD_SEPARATION = 0.5
"""A phrase heads the label instead of the best key word only when it sets the topic apart
at least half as well (share of its texts inside the topic): «Батареи», not «Управляющая
компания», for the housing topic about cold radiators."""


def _label(
    chosen: Sequence[tuple[str, str, float]],
    separation: dict[str, float],
    texts: Sequence[str] = (),
) -> str:
    """The heading of a topic from its key terms (written, lemma term, weight), best first.

    A term another topic owns («управляющая компания» of every housing topic, separation
    -1) or spread over every topic (0) stays a key term here but does not head the label,
    nor does a phrase that sets the topic apart much less than its best key word. Of two
    phrases, one that sets the topic apart much better heads it («Дорожное покрытие», not
    «Нормальный тротуар» that the school topic asks for too). `texts` (the topic's) tell
    whether two single words are one phrase (`heading`).
    """
    own = [(p, separation.get(t, 1.0)) for p, t, _ in chosen if separation.get(t, 1.0) > 0]
    if not own:  # a spread term rather than another topic's; any term rather than none
        kept = [p for p, t, _ in chosen if separation.get(t, 1.0) >= 0]
        return heading(kept or [p for p, _, _ in chosen], texts)
    best = own[0][1]
    ranked = [own[0]] + [
        (p, sep) for p, sep in own[1:] if " " not in p or sep >= HEAD_SEPARATION * best
    ]
    phrases = [(p, sep) for p, sep in ranked if " " in p]
    if len(phrases) > 1:
        sharpest = max(phrases, key=lambda x: x[1])
        if sharpest[1] >= SHARPER_PHRASE * phrases[0][1]:
            ranked = [sharpest] + [x for x in ranked if x is not sharpest]
    return heading([p for p, _ in ranked], texts)


SHARPER_PHRASE = 1.5
"""A phrase that sets the topic apart this many times better than the first phrase heads
the label in its place."""
