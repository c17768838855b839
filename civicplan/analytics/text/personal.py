"""Personal data in residents' texts: find it, mask it.

A resident signs a proposal («С уважением, Иван Петров», «с уважением владимир змушко»),
leaves a phone or an e-mail, names a neighbour or an official, gives a flat address. None of
this may reach what the engine shows a working group: a topic label, a summary, a key
proposal's excerpt, a report. `find_personal_data` returns every such span and
`mask_personal_data` replaces each one with a Russian placeholder.

What counts, and how it is found:

* ``email`` and ``phone`` — regular expressions (Russian numbers in every common form:
  «+7 (846) 123-45-67», «8-917-123-45-67», «89171234567», «8 846 2 123 456»).
* ``signature`` — a closing formula («с уважением», «с наилучшими пожеланиями», «ФИО:»,
  «подпись:») with the name after it, in any letter case; or a surname with initials
  («Иванова А.П.») closing the text.
* ``person`` — PER spans of natasha's slovnet NER (shipped inside the natasha package), plus
  runs of pymorphy3 Name / Surn / Patr words (first name + surname, name + patronymic,
  surname + initials). One capitalised word alone is a person only when the NER says so.
* ``address`` — a flat address: street, house and flat («ул. Ленина, д. 5, кв. 12»,
  «Ленина 5-12»), a flat number on its own («живу одна в квартире 122»), or whatever follows
  «проживаю по адресу».

Precision matters as much as recall: «улица Ленина», «памятник Пушкину», «Дом культуры»,
«школа имени Гагарина», «ул. Ленина, д. 5» (a building, not a flat) are what proposals are
about, and stay.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from civicplan.analytics.text.lemmatize import get_morph

logger = logging.getLogger(__name__)

__all__ = [
    "ADDRESS_PLACEHOLDER",
    "EMAIL_PLACEHOLDER",
    "NAME_PLACEHOLDER",
    "PHONE_PLACEHOLDER",
    "PLACEHOLDERS",
    "SIGNATURE_PLACEHOLDER",
    "PersonalSpan",
    "contains_personal_data",
    "find_personal_data",
    "find_personal_data_many",
    "is_person_name",
    "mask_personal_data",
    "mask_personal_data_many",
    "needs_ner",
]

EMAIL_PLACEHOLDER = "[e-mail скрыт]"
PHONE_PLACEHOLDER = "[телефон скрыт]"
NAME_PLACEHOLDER = "[имя скрыто]"
SIGNATURE_PLACEHOLDER = "[подпись скрыта]"
ADDRESS_PLACEHOLDER = "[адрес скрыт]"

PLACEHOLDERS: dict[str, str] = {
    "email": EMAIL_PLACEHOLDER,
    "phone": PHONE_PLACEHOLDER,
    "signature": SIGNATURE_PLACEHOLDER,
    "person": NAME_PLACEHOLDER,
    "address": ADDRESS_PLACEHOLDER,
}

# When two spans overlap, the one of the higher rank wins (then the longer one).
_RANK = {"signature": 5, "address": 4, "email": 3, "phone": 2, "person": 1}


@dataclass(frozen=True, slots=True)
class PersonalSpan:
    """One piece of personal data: its kind, where it is (`text[start:end]`), what it says."""

    kind: str
    start: int
    end: int
    text: str


# --- e-mails and phones ------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})*\.[^\W\d_]{2,24}\b")

_SEP = r"[\s\-–.]?"
_PHONE = re.compile(
    # +7 / 8 / 7, then a 3- to 5-digit code (in brackets or not), then the subscriber's number.
    r"(?<![\w+])(?:\+\s?7|8|7)[\s\-–]{0,2}\(?\s?\d{3,5}\s?\)?[\s\-–]{0,2}"
    r"\d{1,3}" + _SEP + r"\d{1,3}" + _SEP + r"\d{2,3}(?:" + _SEP + r"\d{2})?(?![\w-])"
    # A local number with dashes: 123-45-67, 2-12-34 (a date uses dots, not dashes).
    r"|(?<![\w.,/-])\d{1,3}-\d{2}-\d{2}(?![\w-])"
)
_DIGITS = re.compile(r"\d")

# --- addresses -----------------------------------------------------------------------------

_STREET_WORD = (
    r"(?i:ул(?:ица|ице|ицу|ицы)?|пр(?:осп|оспект|-т|-кт)?|пер(?:еулок)?|б(?:ульвар|-р)|"
    r"ш(?:оссе)?|мкр(?:н)?|микрорайон|пл(?:ощадь)?|наб(?:ережная)?|проезд|тупик|кв-л|квартал)"
)
_STREET_NAME = r"(?:\d{1,2}-?(?:я|й|ая|ой)\s+)?[А-ЯЁ][\w.-]*(?:\s+[А-ЯЁа-яё][\w.-]*){0,2}"
_HOUSE = (
    r"(?i:(?:д(?:ом|\.)?\s*)?№?\s*\d{1,4}\s?[а-яa-z]?"
    r"(?:\s*[/,]?\s*(?:корп|к|стр)\.?\s*\d{1,3})?)"
)
_FLAT_WORD = r"(?i:кв(?:артира|\.)?\s*№?\s*\d{1,4})"
_FLAT = r"(?:" + _FLAT_WORD + r"|-\s?\d{1,4}(?![\d.]))"
_SETTLEMENT = r"(?:(?i:г|гор|город|с|село|пос|п|пгт)\.?\s+[А-ЯЁ][\w-]+,?\s+)?"
_ADDRESS = re.compile(
    # With a street word: «ул. Ленина, д. 5, кв. 12», «ул. Гагарина 15-3».
    _SETTLEMENT
    + _STREET_WORD
    + r"\.?\s+"
    + _STREET_NAME
    + r",?\s+"
    + _HOUSE
    + r",?\s*"
    + _FLAT
    # Without one, only with the word «кв.»: «Ленина, 5, кв. 12».
    + r"|"
    + _SETTLEMENT
    + _STREET_NAME
    + r",?\s+"
    + _HOUSE
    + r",?\s*"
    + _FLAT_WORD
)
# A flat number on its own («живу одна в квартире 122», «кв. 45»): the letter usually gives
# the house elsewhere («Живём в доме 101 на ул. Гагарина»), and the two make a flat address.
_FLAT_ALONE = re.compile(r"(?i:(?<![\w-])кв(?:артир(?:а|е|у|ы|ой)|\.)?\s*№?\s*\d{1,4}(?!\d))")
# «проживаю по адресу …», «мой адрес: …» — the rest of the clause.
_ADDRESS_INTRO = re.compile(
    r"(?:прожива\w*|живу|зарегистрирован\w*)\s+(?:по\s+адресу|на\s+улице|на\s+ул\.?)[:\s]*"
    r"|(?:мой|наш)\s+адрес[:\s-]*|адрес\s+(?:проживания|регистрации)[:\s-]*",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[\n;!?]|\.(?:\s+[А-ЯЁ]|\s*$)|\s+(?:тел|телефон|e-?mail|почта)\b", re.I)

# --- signatures and names ---------------------------------------------------------------

_CLOSING = re.compile(
    r"(?:с\s+уважением|с\s+наилучшими\s+пожеланиями|искренне\s+ваш[аи]?|"
    r"(?:фио|ф\.и\.о\.?|подпись|автор|заявитель)\s*:)[\s,.:-]*",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[А-ЯЁа-яё][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?|[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?")
_INITIALS = r"[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.?)?"
_SURNAME_INITIALS = re.compile(
    r"(?<![\w.])(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+" + _INITIALS + r"|"
    r"[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?![\w])"
)
_CAPITALISED = re.compile(r"(?<![\w-])[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?![\w-])")
_WORD = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?")

_PLACE_CONTEXT = frozenset(
    """
    улица улице улицу улицы улиц ул проспект проспекта проспекте проспекту пр просп
    переулок переулка переулке пер бульвар бульвара бульваре б-р площадь площади пл
    набережная набережной наб шоссе мкр микрорайон микрорайона проезд проезда тупик
    имени им памятник памятника памятнику памятников бюст музей музея музее музей-усадьба
    школа школы школе школу лицей лицея гимназия гимназии библиотека библиотеки библиотеке
    парк парка парке парку сквер сквера сквере дк дворец дворца стадион стадиона театр
    театра больница больницы поликлиника станция станции остановка остановки район района
    село села посёлок поселка посёлка деревня деревни город города г с пос пгт
    премия премии стипендия орден ордена фестиваль фестиваля конкурс конкурса
    """.split()
)
"""Words after which a name is a place or an institution («улица Ленина», «школа имени
Гагарина», «памятник Пушкину»), not a person."""

_NOT_NAMES = frozenset(
    """
    роза вера надежда любовь лев мир слава победа заря звезда лиля майя мая лада
    дом дома культура культуры жизнь сила ангел ясна марс нива волга дон урал кама
    самара самары самаре оренбург оренбурга россия россии москва москвы бор яр
    глава главе главы мэр мэра губернатор губернатора депутат депутата директор
    """.split()
)
"""Words pymorphy may tag as names but that, in a proposal, are nearly always something else."""


def _tags(word: str) -> tuple[bool, bool, bool, bool]:
    """(first name, surname, patronymic, dictionary word of another kind) for one word."""
    lower = word.lower()
    if lower in _NOT_NAMES:
        return False, False, False, True
    return _tags_cached(lower)


@lru_cache(maxsize=200_000)
def _tags_cached(lower: str) -> tuple[bool, bool, bool, bool]:
    """Name tags count only for words in the dictionary: a guessed «Бугурусална» is unknown
    (all four False), which a signature or a run next to a known name may still take."""
    parses = get_morph().parse(lower)
    name = surname = patronymic = common = False
    for parse in parses[:4]:
        tag = parse.tag
        if parse.score < 0.05 or not parse.is_known:
            continue
        if "Name" in tag:
            name = True
        elif "Surn" in tag:
            surname = True
        elif "Patr" in tag:
            patronymic = True
        else:
            common = True
    return name, surname, patronymic, common


def is_person_name(word: str) -> bool:
    """Whether a word (a lemma, say) is most likely a first name, surname or patronymic.

    Topic labels use it to drop names: «змушко», «владимир». A word that is also a common
    word with a better parse («роза», «надежда», «глава») is not a name.
    """
    lower = word.lower()
    if lower in _NOT_NAMES or len(lower) < 3:
        return False
    parses = get_morph().parse(lower)
    if not parses:
        return False
    best = parses[0]
    return bool({"Name", "Surn", "Patr"} & set(str(best.tag).replace(" ", ",").split(",")))


def _previous_word(text: str, start: int) -> str:
    before = text[max(0, start - 40) : start]
    words = _WORD.findall(before.replace(".", " "))
    return words[-1].lower() if words else ""


def _in_place_context(text: str, start: int) -> bool:
    return _previous_word(text, start) in _PLACE_CONTEXT


def _name_run(text: str, start: int, *, any_case: bool, limit: int = 3) -> int:
    """End of the run of name words (or initials) starting at `start`; `start` if none.

    In a signature (`any_case`) words may be lower case («владимир змушко») and a word
    unknown to the dictionary next to a name counts as a surname.
    """
    end = start
    position = start
    found_name = False
    taken = 0
    while taken < limit:
        gap = re.match(r"[\s,]*", text[position:])
        assert gap is not None
        at = position + gap.end()
        if gap.group().count("\n") > 1:
            break
        match = _NAME_WORD.match(text, at)
        if not match:
            break
        word = match.group().strip()
        if "." in word:  # initials
            end = match.end()
            position = end
            taken += 1
            found_name = True
            continue
        if not any_case and not word[0].isupper():
            break
        name, surname, patronymic, common = _tags(word)
        if any_case and not name and word[0].isupper() and word.lower() in _NOT_NAMES:
            # After «С уважением,» a capitalised «Надежда» or «Вера» is the writer's name.
            name = _tags_cached(word.lower())[0]
        unknown = not (name or surname or patronymic or common)
        if name or surname or patronymic or (unknown and (found_name or any_case)):
            end = match.end()
            position = end
            taken += 1
            found_name = True
            continue
        break
    return end


_ROLE = re.compile(
    r"(?<![\w-])(?i:участков\w*|директор\w*|начальник\w*|глав[аеуы]|врач\w*|инспектор\w*|"
    r"депутат\w*|председател\w*|мастер\w*|сотрудни\w*|специалист\w*|заведующ\w*|"
    r"руководител\w*|чиновни\w*|фельдшер\w*|учител\w*|инженер\w*)\s+"
    r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?![\w-])"
)


def _role_people(text: str) -> Iterable[tuple[int, int]]:
    """A surname or first name right after a role: «участковый Кузнецов», «врач Ахметова»
    (one word, often also a common one, which the other rules leave alone)."""
    for match in _ROLE.finditer(text):
        name, surname, patronymic, _common = _tags(match.group(1))
        if name or surname or patronymic:
            yield match.start(1), match.end(1)


def _pymorphy_people(text: str) -> Iterable[tuple[int, int]]:
    """Runs of two or three capitalised name words: «Иван Петров», «Марине Викторовне»."""
    yield from _role_people(text)
    for match in _SURNAME_INITIALS.finditer(text):
        if not _in_place_context(text, match.start()):
            yield match.start(), match.end()
    words = list(_CAPITALISED.finditer(text))
    index = 0
    while index < len(words):
        run: list[re.Match[str]] = []
        kinds: list[tuple[bool, bool, bool, bool]] = []
        j = index
        while j < len(words):
            if run and not re.fullmatch(r"\s+", text[run[-1].end() : words[j].start()]):
                break
            tags = _tags(words[j].group())
            if not any(tags):
                # A word the dictionary does not know counts right after an unambiguous
                # first name: «Андрей Дамирчарь».
                if not (kinds and kinds[-1][0] and not kinds[-1][3]):
                    break
                tags = (False, True, False, False)
            elif not (tags[0] or tags[1] or tags[2]):
                break
            run.append(words[j])
            kinds.append(tags)
            j += 1
        # After «школы», «района» … a name is usually a place («улица Ленина»), but a full
        # name with a patronymic is a person («директор школы Сидоров Пётр Ильич») unless
        # something is named after him («школа имени Гагарина Юрия Алексеевича»).
        patronymic = any(k[2] for k in kinds)
        placed = _in_place_context(text, run[0].start()) if run else False
        if placed and patronymic and _previous_word(text, run[0].start()) not in {"имени", "им"}:
            placed = False
        if len(run) >= 2 and not placed:
            has_name = any(k[0] for k in kinds)
            has_other = any(k[1] or k[2] for k in kinds) or sum(k[0] for k in kinds) >= 2
            unambiguous = any(not k[3] for k in kinds)
            # The run pairs a first name with a surname or patronymic («Надежда Петровна»),
            # and at least one of its words has no common reading.
            if has_name and has_other and unambiguous:
                yield run[0].start(), run[-1].end()
        index = max(j, index + 1)


_ner_lock = threading.Lock()


@lru_cache(maxsize=1)
def _ner() -> Any | None:
    """natasha's slovnet NER tagger with navec, loaded once (about 1 s); None if absent."""
    if importlib.util.find_spec("natasha") is None:  # pragma: no cover - a dependency
        logger.warning("natasha is not installed: person names are found by morphology only")
        return None
    with _ner_lock:
        from natasha import NewsEmbedding, NewsNERTagger

        return NewsNERTagger(NewsEmbedding())


def _ner_spans(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """PER spans of every text; batched (about 10 ms a short text, 80 ms one at a time)."""
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    tagger = _ner()
    if tagger is None:
        return out
    todo = [i for i, text in enumerate(texts) if text and any(ch.isupper() for ch in text)]
    if not todo:
        return out
    with _ner_lock:
        markups = list(tagger.map([texts[i] for i in todo]))
    for i, markup in zip(todo, markups, strict=True):
        out[i] = [(int(span.start), int(span.stop)) for span in markup.spans if span.type == "PER"]
    return out


def _ner_people(text: str, spans: Iterable[tuple[int, int]]) -> Iterable[tuple[int, int]]:
    for start, end in spans:
        if _in_place_context(text, start):
            continue
        words = list(_WORD.finditer(text, start, end))
        # A leading common word is not part of a name («Мастера Бугурусална»).
        while words and _tags(words[0].group())[3] and not any(_tags(words[0].group())[:3]):
            words.pop(0)
        if not words:
            continue
        start = words[0].start()
        tags = [_tags(word.group()) for word in words]
        if not any(t[0] or t[1] or t[2] for t in tags):
            continue
        if len(words) == 1 and tags[0][3]:
            # One word alone that is also a common word («Гай», «Надежда», «Глава»).
            continue
        yield start, end


def _signatures(text: str) -> Iterable[tuple[int, int]]:
    for match in _CLOSING.finditer(text):
        end = _name_run(text, match.end(), any_case=True)
        if end > match.end():
            yield match.start(), end
    # «… Иванова А.П.» or «Петров И.» closing the text.
    tail = _SURNAME_INITIALS.search(text[-60:]) if text else None
    if tail is not None:
        offset = max(0, len(text) - 60)
        rest = text[offset + tail.end() :]
        if not rest.strip(" .,\n\t"):
            yield offset + tail.start(), offset + tail.end()


def _addresses(text: str) -> Iterable[tuple[int, int]]:
    for match in _ADDRESS.finditer(text):
        yield match.start(), match.end()
    for match in _FLAT_ALONE.finditer(text):
        yield match.start(), match.end()
    for match in _ADDRESS_INTRO.finditer(text):
        stop = _CLAUSE_END.search(text, match.end())
        end = stop.start() if stop else len(text)
        segment = text[match.end() : end]
        if _DIGITS.search(segment) and end - match.end() <= 120:
            yield match.start(), end


def _phones(text: str) -> Iterable[tuple[int, int]]:
    for match in _PHONE.finditer(text):
        digits = len(_DIGITS.findall(match.group()))
        if digits in (11, 10) or (match.group()[0] not in "+87" and 5 <= digits <= 7):
            yield match.start(), match.end()


def find_personal_data(text: str, *, ner: bool = True) -> list[PersonalSpan]:
    """Every piece of personal data in `text`, in order, not overlapping.

    `ner=False` skips natasha's NER (names are then found by morphology only, about 1 ms a
    text), for callers that scan many texts and need only the common cases.
    """
    if not text:
        return []
    return find_personal_data_many([text], ner=ner)[0]


def find_personal_data_many(texts: Sequence[str], *, ner: bool = True) -> list[list[PersonalSpan]]:
    """`find_personal_data` for many texts at once.

    The patterns and the morphology run on every text; the NER (the costly part, about
    10 ms a text) only on the texts where a word the dictionary knows as a first name,
    surname or patronymic is left outside what they found. A person span of the NER is
    kept only when it holds such a word (`_ner_people`), so elsewhere it could change
    nothing: the answer is the same as with the NER on every text, at a fraction of the cost.
    """
    found = [_find(text, []) if text else [] for text in texts]
    if not ner:
        return found
    todo = [i for i, text in enumerate(texts) if text and _unmasked_name_word(text, found[i])]
    if not todo:
        return found
    people = _ner_spans([texts[i] for i in todo])
    for i, spans in zip(todo, people, strict=True):
        if spans:
            found[i] = _find(texts[i], spans)
    return found


def needs_ner(text: str) -> bool:
    """Whether the NER could add anything to what the patterns and morphology find."""
    return bool(text) and _unmasked_name_word(text, _find(text, []))


def _unmasked_name_word(text: str, spans: Sequence[PersonalSpan]) -> bool:
    """A first name, surname or patronymic outside `spans` that the NER might mark.

    Mirrors `_ner_people`: a name after «улица», «школа имени» … is a place; a word that is
    also a common word («Гай», «Комаровский») counts only next to a capitalised word that is
    not a common one (a name or a word the dictionary does not know), since alone it would
    be dropped anyway.
    """
    words = list(_WORD.finditer(text))
    for k, match in enumerate(words):
        name, surname, patronymic, common = _tags(match.group())
        if not (name or surname or patronymic):
            continue
        if any(match.start() < span.end and span.start < match.end() for span in spans):
            continue
        if _in_place_context(text, match.start()):
            continue
        if common and not any(
            0 <= n < len(words)
            and words[n].group()[0].isupper()
            and not _tags(words[n].group())[3]
            and not text[
                min(words[n].end(), match.end()) : max(words[n].start(), match.start())
            ].strip(" \t-")
            for n in (k - 1, k + 1)
        ):
            continue
        return True
    return False


def _find(text: str, ner_spans: Sequence[tuple[int, int]]) -> list[PersonalSpan]:
    found: list[tuple[str, int, int]] = []
    if "@" in text:
        found += [("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    if _DIGITS.search(text):
        found += [("phone", s, e) for s, e in _phones(text)]
        found += [("address", s, e) for s, e in _addresses(text)]
    found += [("signature", s, e) for s, e in _signatures(text)]
    found += [("person", s, e) for s, e in _pymorphy_people(text)]
    found += [("person", s, e) for s, e in _ner_people(text, ner_spans)]
    found.sort(key=lambda item: (-_RANK[item[0]], -(item[2] - item[1]), item[1]))
    chosen: list[tuple[str, int, int]] = []
    for kind, start, end in found:
        start, end = _trim(text, start, end)
        if end <= start:
            continue
        if any(start < e and s < end for _, s, e in chosen):
            continue
        chosen.append((kind, start, end))
    chosen.sort(key=lambda item: item[1])
    return [PersonalSpan(kind, start, end, text[start:end]) for kind, start, end in chosen]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,;:":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:-":
        end -= 1
    return start, end


def _apply(text: str, spans: Sequence[PersonalSpan], *, drop_signatures: bool) -> str:
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for span in spans:
        before = text[position : span.start]
        if drop_signatures and span.kind == "signature":
            parts.append(before.rstrip(" ,;:-—"))
        else:
            parts.append(before)
            parts.append(PLACEHOLDERS[span.kind])
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def mask_personal_data(text: str, *, ner: bool = True, drop_signatures: bool = False) -> str:
    """`text` with every piece of personal data replaced by a Russian placeholder.

    `drop_signatures=True` removes a signature altogether («… до зимы. С уважением, Иван
    Петров» → «… до зимы.»), for excerpts and summaries where a placeholder reads badly.
    """
    return _apply(text, find_personal_data(text, ner=ner), drop_signatures=drop_signatures)


def mask_personal_data_many(
    texts: Sequence[str], *, ner: bool = True, drop_signatures: bool = False, n_jobs: int = 1
) -> list[str]:
    """`mask_personal_data` for many texts (the NER runs in batches).

    `n_jobs` > 1 splits a long list (from `PARALLEL_FROM` texts) over that many forked
    processes: every text of a 100,000-row export is masked in about half the time."""
    if n_jobs > 1 and len(texts) >= PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # pragma: no cover - platforms without fork
            context = None
        if context is not None:
            size = -(-len(texts) // (n_jobs * 4))
            chunks = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
            with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
                parts = pool.map(
                    _mask_chunk, chunks, [ner] * len(chunks), [drop_signatures] * len(chunks)
                )
                return [text for part in parts for text in part]
    found = find_personal_data_many(texts, ner=ner)
    return [
        _apply(text, spans, drop_signatures=drop_signatures)
        for text, spans in zip(texts, found, strict=True)
    ]


PARALLEL_FROM = 5_000
"""From this many texts `mask_personal_data_many(n_jobs=…)` uses several processes."""


def _mask_chunk(texts: list[str], ner: bool, drop_signatures: bool) -> list[str]:
    return mask_personal_data_many(texts, ner=ner, drop_signatures=drop_signatures)


def contains_personal_data(text: str, *, ner: bool = True) -> bool:
    return bool(find_personal_data(text, ner=ner))
