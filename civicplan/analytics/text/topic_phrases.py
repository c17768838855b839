"""Topic phrases: how residents wrote a key term, from the morphology — adjective + noun in
agreement, noun + genitive, a word named by the phrase it mostly stands in («вода» →
«горячая вода», «программа» → «программа капитального ремонта»), two words written as one
phrase over a preposition. Used by `topic_labels` and `topics.TopicModel`."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from civicplan.analytics.text.lemmatize import get_morph, tokenize
from civicplan.analytics.text.wordfacts import token_lemma

__all__ = ["phrase_label"]


def _pair_surfaces(
    texts: Sequence[str], pairs: set[tuple[str, ...]]
) -> dict[tuple[str, ...], Counter[tuple[str, ...]]]:
    """How the lemma pairs in `pairs` were written side by side in `texts`; a key of one
    lemma («деньга»,) counts how that word was written («деньги», «денег»)."""
    found: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {}
    if not pairs:
        return found
    for text in texts:
        for part in _PHRASE_BREAK.split(text):
            _count_surfaces(part, pairs, found)
    return found


_PHRASE_BREAK = re.compile(r"[.!?;:,()«»\"\n\d]+")
"""Where no phrase goes on: punctuation, line breaks, numbers («продавать продукцию.
Проверки …» has no «продукция проверок», «до врача 40 километров» no «врач километров»)."""


def _count_surfaces(
    text: str,
    pairs: set[tuple[str, ...]],
    found: dict[tuple[str, ...], Counter[tuple[str, ...]]],
) -> None:
    tokens = tokenize(text)
    lemmas = [_lemma(t) for t in tokens]
    for k in range(len(tokens)):
        if (lemmas[k],) in pairs:
            found.setdefault((lemmas[k],), Counter())[(tokens[k],)] += 1
        if k + 1 < len(tokens):
            key = (lemmas[k], lemmas[k + 1])
            if key in pairs:
                found.setdefault(key, Counter())[(tokens[k], tokens[k + 1])] += 1


def phrase_label(term: str, surfaces: Counter[tuple[str, ...]] | None = None) -> str:
    """A lemma or a lemma pair as a person would write it in a label.

    `surfaces` counts how residents wrote the pair side by side; the most frequent way is
    put into the nominative: «детских садов» → «детский сад», «ремонту дорог» → «ремонт
    дорог» (the dependent noun keeps its genitive). An adjective must agree with its noun
    where residents wrote them («в установленный законом срок» is not «установленный
    закон»). A single lemma is its normal form, in the plural when residents write it so or
    the word has no singular («деньги», «батареи»). Returns "" for a pair that does not
    read as a phrase («парке прогулочные»).
    """
    words = term.split(" ")
    if len(words) == 1:
        return _single_label(words[0], surfaces)
    if not surfaces:
        return ""
    morph = get_morph()
    first, second = words
    (a, b), _ = surfaces.most_common(1)[0]
    pa = _best_parse(morph, a, first, prefer=("ADJF", "PRTF", "NOUN"))
    pb = _best_parse(morph, b, second, prefer=("NOUN",))
    if pa is None or pb is None:
        return ""
    pos_a, pos_b = pa.tag.POS, pb.tag.POS
    if pos_b != "NOUN":
        return ""
    adjective_lemma: str | None = first
    if pos_a == "NOUN" and _agreeing(morph, a, None, b, second) is not None:
        # «малого бизнеса»: an adjective the lemmatiser took for a noun («малое»).
        pos_a, adjective_lemma = "ADJF", None
    if pos_a in {"ADJF", "PRTF"}:
        agreeing = _agreeing(morph, a, adjective_lemma, b, second)
        if agreeing is None:
            return ""
        pa, pb = agreeing
        plural = sum(
            c for (x, y), c in surfaces.items() if "plur" in (morph.parse(y)[0].tag.number or "")
        )
        number = "plur" if ("Pltm" in pb.tag or plural * 2 > sum(surfaces.values())) else "sing"
        noun = pb.inflect({"nomn", number}) or pb
        grammemes = {"nomn", "plur"} if number == "plur" else {"nomn", "sing"}
        if number == "sing" and noun.tag.gender:
            grammemes.add(str(noun.tag.gender))
        adjective = pa.inflect(grammemes) or pa
        return f"{adjective.word} {noun.word}"
    if pos_a == "NOUN":
        genitive = [p for p in morph.parse(b) if p.tag.POS == "NOUN" and p.tag.case == "gent"]
        if not genitive or _also_verb(morph, b):
            return ""
        head = pa.inflect({"nomn", "sing"}) if "Pltm" not in pa.tag else pa.inflect({"nomn"})
        return f"{(head or pa).word} {b}"
    return ""


def _plural_by_relative(texts: Sequence[str], head: str, dependent: str) -> bool:
    """Whether residents go on from the noun pair `head dependent` (as written) with a
    plural «которые» in at least half of its occurrences although both nouns, read as noun
    + genitive, are singular: in «открыть в колледже направления, которые заказывают
    работодатели» «направления» is an accusative plural, not the genitive of «колледж
    направления»."""
    morph = get_morph()
    genitive = [p for p in morph.parse(dependent) if p.tag.POS == "NOUN" and p.tag.case == "gent"]
    heads = [p for p in morph.parse(head) if p.tag.POS == "NOUN"]
    if any(p.tag.number == "plur" for p in genitive + heads):
        return False
    return _followed_by_plural_which(texts, f"{head} {dependent}")


def _followed_by_plural_which(texts: Sequence[str], written: str) -> bool:
    """Whether `written` (lower case, as in the texts) is followed by a plural «(,)
    которые/которых/которым/которыми» in at least half of its occurrences in `texts`."""
    pattern = re.compile(
        rf"(?<![\w-]){re.escape(written)}(?![\w-])"
        r"(\s*,?\s*котор(?:ые|ых|ым|ыми)(?!\w))?"
    )
    seen = plural = 0
    for text in texts:
        for match in pattern.finditer(text.lower()):
            seen += 1
            plural += match.group(1) is not None
    return seen > 0 and plural * 2 >= seen


def _adjective_before_its_noun(texts: Sequence[str], head: str, dependent: str) -> bool:
    """Whether the dependent of the noun pair `head dependent` (as written) is an adjective
    that residents follow with the noun it agrees with in at least half of the pair's
    occurrences: «во всероссийском конкурсе малых городов» is not «конкурс малых» (pymorphy
    also reads «малый» as a noun, «a lad»)."""
    morph = get_morph()
    adjectival = [p for p in morph.parse(dependent) if p.tag.POS in {"ADJF", "PRTF"}]
    if not adjectival:
        return False
    pattern = re.compile(rf"(?<![\w-]){re.escape(head)}\s+{re.escape(dependent)}(?:\s+([а-яё-]+))?")
    seen = agreeing = 0
    for text in texts:
        for match in pattern.finditer(text.lower()):
            seen += 1
            following = match.group(1)
            if following and any(
                q.tag.POS == "NOUN"
                and any(
                    p.tag.case == q.tag.case and p.tag.number == q.tag.number for p in adjectival
                )
                for q in morph.parse(following)
            ):
                agreeing += 1
    return seen > 0 and agreeing * 2 >= seen


QUANTITY_WORDS = frozenset(
    "много мало немного немало нет больше меньше полно достаточно недостаточно хватает".split()
)
"""Words that take a genitive after a lost full stop: «продавать продукцию проверок много»
reads «проверок много» (there are many inspections)."""


def _starts_the_next_sentence(texts: Sequence[str], head: str, dependent: str) -> bool:
    """Whether the dependent of the noun pair `head dependent` (as written) belongs to what
    follows it in at least half of the pair's occurrences, as when a full stop was lost:
    the plural subject of the next verb where the head cannot be that subject («по
    тридцать детей мамы не могут выйти на работу»: no «дети мамы»; «жители дома не могут»
    keeps its genitive), or the genitive of a quantity word where the head is no genitive
    («продукцию проверок много»: no «продукция проверок»; «ремонта дорог нет» stays)."""
    morph = get_morph()

    def can_be(word: str, case: str, number: str | None = None) -> bool:
        return any(
            p.tag.POS == "NOUN"
            and p.tag.case == case
            and (number is None or p.tag.number == number)
            for p in morph.parse(word)
        )

    subject = can_be(dependent, "nomn", "plur") and not can_be(head, "nomn", "plur")
    quantified = can_be(dependent, "gent") and not can_be(head, "gent")
    if not subject and not quantified:
        return False
    pattern = re.compile(
        rf"(?<![\w-]){re.escape(head)}\s+{re.escape(dependent)}(?:\s+(не\s+)?([а-яё-]+))?"
    )
    seen = belongs = 0
    for text in texts:
        for match in pattern.finditer(text.lower()):
            seen += 1
            negated, following = match.group(1), match.group(2)
            if not following:
                continue
            parse = morph.parse(following)[0]
            verb = parse.tag.POS == "VERB" and parse.tag.number == "plur"
            quantity = following in QUANTITY_WORDS and (not negated or following == "хватает")
            belongs += (subject and verb) or (quantified and quantity)
    return seen > 0 and belongs * 2 >= seen


def _plural_form_by_relative(
    lemma: str, surfaces: Counter[tuple[str, ...]] | None, texts: Sequence[str]
) -> str:
    """A noun lemma in the nominative plural when its most frequent written form is a
    plural by the «которые» that follows it («направления, которые заказывают» →
    «направления»); "" otherwise."""
    if not surfaces:
        return ""
    (word,), _ = surfaces.most_common(1)[0]
    morph = get_morph()
    parses = [
        p
        for p in morph.parse(word)
        if p.tag.POS == "NOUN" and p.normal_form.replace("ё", "е") == lemma
    ]
    if not any(p.tag.number == "plur" for p in parses) or not _followed_by_plural_which(
        texts, word
    ):
        return ""
    inflected = parses[0].inflect({"nomn", "plur"})
    return inflected.word if inflected is not None else ""


def _also_verb(morph: Any, word: str) -> bool:
    """Whether a written form is also a finite verb («заросли», «стали»): residents'
    «дорожки заросли» is a subject and its verb, not «дорожка зарослей»."""
    return any(p.tag.POS == "VERB" for p in morph.parse(word))


_CASES = {"loc2": "loct", "gen2": "gent", "acc2": "accs", "loc1": "loct", "gen1": "gent"}
"""A noun's second case agrees with the adjective's main one («в детском саду»)."""


def _agreeing(morph: Any, a: str, first: str | None, b: str, second: str) -> tuple[Any, Any] | None:
    """Parses of an adjective (or participle) `a` and a noun `b` as written side by side
    that agree in case and number (and gender in the singular), if any do. `first` is the
    adjective's lemma, None for any."""
    adjectives = [
        p
        for p in morph.parse(a)
        if p.tag.POS in {"ADJF", "PRTF"}
        and (first is None or p.normal_form.replace("ё", "е") == first)
    ]
    nouns = [
        p
        for p in morph.parse(b)
        if p.tag.POS == "NOUN" and p.normal_form.replace("ё", "е") == second
    ]
    for noun in nouns:
        for adjective in adjectives:
            case = _CASES.get(str(noun.tag.case), noun.tag.case)
            if adjective.tag.case != case or adjective.tag.number != noun.tag.number:
                continue
            if noun.tag.number == "sing" and adjective.tag.gender not in (None, noun.tag.gender):
                continue
            return adjective, noun
    return None


def _single_label(lemma: str, surfaces: Counter[tuple[str, ...]] | None) -> str:
    """A noun lemma in the nominative, with its «ё» («молодёжь»), plural when most of its
    written forms are plural or it has no singular («деньга» → «деньги», «контейнер» →
    «контейнеры»); "" when most of its written forms cannot be that noun (an adjective
    without its noun, a verb)."""
    if not surfaces:
        return lemma
    morph = get_morph()
    verbs = sum(c for (word,), c in surfaces.items() if _also_verb(morph, word))
    if verbs * 2 > sum(surfaces.values()):
        return ""  # «заросли» of «дорожки заросли» is a verb, not the noun «заросль»
    plural = total = 0
    for (word,), count in surfaces.items():
        parse = _best_parse(morph, word, lemma, prefer=("NOUN",))
        if parse is None:
            continue
        total += count
        if parse.tag.number == "plur":
            plural += count
    if total * 2 < sum(surfaces.values()):
        return ""  # «по проезжей части»: an adjective whose noun («часть») names nothing
    noun = _best_parse(morph, lemma, lemma, prefer=("NOUN",))
    if total == 0 or plural * 2 <= total:
        return noun.normal_form if noun is not None else lemma  # with its ё: «молодёжь»
    inflected = noun.inflect({"nomn", "plur"}) if noun is not None else None
    return inflected.word if inflected is not None else lemma


SIDE_BY_SIDE_SHARE = 0.8
"""Two key words written next to each other (or over a preposition) in at least this share
of the texts that hold the rarer of them are one phrase, not two subjects."""


def _side_by_side(texts: Sequence[str], first: str, second: str) -> str | None:
    """How `texts` write two key word lemmas when they are mostly written together: the
    phrase over a preposition, the head in the nominative («поддержку из бюджета» →
    «поддержка из бюджета»), or "" when they stand side by side with no preposition
    («законом срок»: no heading of the two); None when they are mostly apart."""
    morph = get_morph()
    has_first = has_second = adjacent = 0
    over: Counter[tuple[str, str, str]] = Counter()
    for text in texts:
        seen_first = seen_second = near = False
        found: tuple[str, str, str] | None = None
        for part in _PHRASE_BREAK.split(text.lower()):
            tokens = tokenize(part)
            lemmas = [_lemma(t) for t in tokens]
            seen_first = seen_first or first in lemmas
            seen_second = seen_second or second in lemmas
            for k, lemma in enumerate(lemmas):
                if lemma not in (first, second):
                    continue
                other = second if lemma == first else first
                if k + 1 < len(lemmas) and lemmas[k + 1] == other:
                    near = True
                elif (
                    k + 2 < len(lemmas)
                    and lemmas[k + 2] == other
                    and morph.parse(tokens[k + 1])[0].tag.POS == "PREP"
                ):
                    found = found or (tokens[k], tokens[k + 1], tokens[k + 2])
        has_first += seen_first
        has_second += seen_second
        if found:
            over[found] += 1
        elif near:
            adjacent += 1
    rarer = min(has_first, has_second)
    if rarer == 0 or adjacent + sum(over.values()) < SIDE_BY_SIDE_SHARE * rarer:
        return None
    if sum(over.values()) * 2 < rarer:
        return ""
    (head, preposition, dependent), _ = over.most_common(1)[0]
    parse = _best_parse(morph, head, _lemma(head), prefer=("NOUN",))
    if parse is None:
        return ""
    nominative = parse.inflect({"nomn", str(parse.tag.number or "sing")}) or parse
    return f"{nominative.word} {preposition} {dependent}"


def _is_noun_pair(term: str) -> bool:
    morph = get_morph()
    first, second = term.split(" ")
    return bool(
        morph.parse(first)[0].tag.POS == "NOUN" and morph.parse(second)[0].tag.POS == "NOUN"
    )


def _with_modifier(
    phrase: str,
    words: list[str],
    ranked: Sequence[tuple[str, float]],
    surfaces: dict[tuple[str, ...], Counter[tuple[str, ...]]],
) -> str:
    """Put an adjective the residents use with the dependent noun into a noun + genitive
    phrase: «ремонт дорог» and the pair «дворовый дорога» → «ремонт дворовых дорог»."""
    head, dependent = phrase.split(" ", 1)
    if " " in dependent:
        return ""
    morph = get_morph()
    target = next(
        (p for p in morph.parse(dependent) if p.tag.POS == "NOUN" and p.tag.case == "gent"), None
    )
    if target is None:
        return ""
    for term, _ in ranked[:12]:
        pair = term.split(" ")
        if len(pair) != 2 or pair[1] != words[1] or pair[0] == words[0]:
            continue
        written = surfaces.get(tuple(pair))
        if not written:
            continue
        (a, _b), _ = written.most_common(1)[0]
        adjective = _best_parse(morph, a, pair[0], prefer=("ADJF", "PRTF"))
        if adjective is None or adjective.tag.POS not in {"ADJF", "PRTF"}:
            continue
        grammemes = {"gent", str(target.tag.number)}
        if target.tag.number == "sing" and target.tag.gender:
            grammemes.add(str(target.tag.gender))
        inflected = adjective.inflect(grammemes)
        if inflected is not None:
            return f"{head} {inflected.word} {dependent}"
    return ""


_lemma = token_lemma


def _best_parse(morph: Any, word: str, lemma: str, *, prefer: tuple[str, ...]) -> Any:
    matching = [p for p in morph.parse(word) if p.normal_form.replace("ё", "е") == lemma]
    for pos in prefer:
        for parse in matching:
            if parse.tag.POS == pos:
                return parse
    return None


CHAIN_SHARE = 0.8
"""A noun + genitive pair whose genitive nearly always goes on with an adjective is cut
short."""


def _cut_short(words: Sequence[str], weight: float, pairs: dict[str, float]) -> bool:
    """Whether a noun + genitive pair is the start of a longer phrase residents write
    whole: «программа устранения» of «программа устранения цифрового неравенства» (the
    pair «устранение цифровой» weighs nearly as much)."""
    if not _is_noun_pair(" ".join(words)):
        return False
    morph = get_morph()
    follower = words[1] + " "
    return any(
        t.startswith(follower)
        and w >= CHAIN_SHARE * weight
        and morph.parse(t.split(" ")[1])[0].tag.POS in {"ADJF", "PRTF"}
        for t, w in pairs.items()
    )


WIDER_PHRASE_SHARE = 0.7
"""A single key word gives way to a phrase holding it whose weight is at least this share
of its own (the phrase's weight carries its 1.3 bonus)."""


def _wider_phrase(
    word: str,
    weight: float,
    ranked: Sequence[tuple[str, float]],
    surfaces: dict[tuple[str, ...], Counter[tuple[str, ...]]],
    covered: set[str],
) -> tuple[str, str] | None:
    """The best phrase among `ranked` that holds `word` and nearly matches its weight,
    as (term, written phrase)."""
    for term, phrase_weight in ranked:
        if phrase_weight < WIDER_PHRASE_SHARE * weight:
            break
        words = term.split(" ")
        if len(words) != 2 or word not in words or any(w in covered for w in words):
            continue
        phrase = phrase_label(term, surfaces.get(tuple(words)))
        if phrase:
            return term, phrase
    return None


def _chain_phrase(
    word: str,
    weight: float,
    pairs: dict[str, float],
    texts: Sequence[str],
    covered: set[str],
) -> tuple[str, str] | None:
    """A key word that residents write as the head of a three-word phrase, named by it:
    «программа» of «включить дом в программу капитального ремонта» → «программа
    капитального ремонта», «благоустройство общественных пространств». The pair «word
    adjective» must nearly match the word's weight, residents must write it on with one
    noun nearly always, and the adjective and that noun must be a genitive that agrees.
    Returns (the «word adjective» term, written phrase)."""
    morph = get_morph()
    for term, pair_weight in sorted(pairs.items(), key=lambda x: -x[1]):
        if pair_weight < WIDER_PHRASE_SHARE * weight:
            break
        first, adjective = term.split(" ")
        if first != word or adjective in covered:
            continue
        if morph.parse(adjective)[0].tag.POS not in {"ADJF", "PRTF"}:
            continue
        written: Counter[tuple[str, str, str]] = Counter()
        followers: Counter[str] = Counter()
        pair_count = 0
        for text in texts:
            for part in _PHRASE_BREAK.split(text.lower()):
                tokens = tokenize(part)
                lemmas = [_lemma(t) for t in tokens]
                for k in range(len(tokens) - 1):
                    if lemmas[k] != word or lemmas[k + 1] != adjective:
                        continue
                    pair_count += 1
                    if k + 2 < len(tokens) and lemmas[k + 2] not in covered:
                        followers[lemmas[k + 2]] += 1
                        written[(tokens[k], tokens[k + 1], tokens[k + 2])] += 1
        if not followers:
            continue
        noun, count = followers.most_common(1)[0]
        if count < CHAIN_SHARE * pair_count:
            continue
        for (head, a, b), _ in written.most_common():
            if _lemma(b) != noun:
                continue
            agreeing = _agreeing(morph, a, adjective, b, noun)
            parse = _best_parse(morph, head, word, prefer=("NOUN",))
            if agreeing is None or parse is None or agreeing[1].tag.case != "gent":
                continue
            nominative = parse.inflect({"nomn"} if "Pltm" in parse.tag else {"nomn", "sing"})
            return term, f"{(nominative or parse).word} {a} {b}"
    return None
