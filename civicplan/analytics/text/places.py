"""Linking the municipalities and towns a text mentions to a gazetteer.

Residents write «в Отрадном», «жители Похвистневского района», «г. Кинель», «из Сызрани»,
often in lower case and without punctuation. The linker compares normal forms (pymorphy3)
of the words with the normal forms of each gazetteer entry's core name: «городской округ
Отрадный» → «отрадный», «Похвистневский муниципальный район» → «похвистневский».

Rules that keep common words from being taken for places:

* an adjective core of a district («Похвистневский», «Октябрьский», «Волжский») counts only
  with a marker next to it: «район», «р-н», «муниципальный», «округ»; so «Оренбургская
  область» or «Октябрьский проспект» link nothing;
* an adjective core that is a town's own name («Отрадный», «Ясный») also counts after a town
  marker («г.», «город», «посёлок») or when written with a capital letter inside a sentence
  and not followed by a noun it agrees with («в Отрадном нет…», but not «Отрадный парк»);
* a noun core («Кинель», «Сызрань», «Похвистнево») counts in any case form; written in lower
  case only when the word has no meaning other than a place name;
* what stays ambiguous (a capitalised adjective at the start of a sentence) is checked by
  slovnet's named-entity model (a LOC span) when `use_ner` is on, within `ner_budget` texts
  per call; otherwise it is left out.

Only words whose first letters match some gazetteer name are analysed, and every distinct
word is parsed once, so 100,000 texts take a few seconds (see `benchmarks/text_speed/`).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["GazetteerEntry", "PlaceLinker", "PlaceMention", "read_gazetteer"]


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A municipality or a town: `id` (e.g. OKTMO), official `name`, `kind`, other names."""

    id: str
    name: str
    kind: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlaceMention:
    entry_id: str
    name: str  # the entry's official name
    start: int
    end: int
    surface: str  # the words as written
    method: str = "lemma"  # "lemma" or "ner"


# Words that name the kind of a territory; removed from names, used as markers in texts.
_KIND_WORDS = frozenset(
    """городской округ муниципальный район город г гор поселок посёлок п пос пгт село с
    сельское городское поселение зато станица ст деревня д рабочий поселок
    внутригородской территория область край республика""".split()
)
_MARKERS_BEFORE = frozenset(
    "г гор город городе города городом городу п пос поселок посёлок поселке посёлке поселка "
    "посёлка пгт с село селе села ст станица станице зато".split()
)
_MARKERS_AFTER_LEMMAS = frozenset({"район", "р-н", "муниципальный", "округ", "городской", "го"})
_DISTRICT_KINDS = ("район", "округ")

_TOKEN = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁёA-Za-z]+)*|[.!?\n]")


def _prefix(lemma: str, adjective: bool = False) -> str:
    """The beginning every case form shares: «похв» for «похвистневский», «ясн» for «ясный»,
    «га» for «гай» (adjectives change their last two letters, nouns their last one)."""
    keep = len(lemma) - (2 if adjective else 1)
    return lemma[: max(2, min(4, keep))]


def _norm(word: str) -> str:
    return word.lower().replace("ё", "е")


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@dataclass(slots=True)
class _WordInfo:
    lemmas: frozenset[str]
    adj_cases: frozenset[str]  # cases of the adjective parses
    noun_cases: frozenset[str]  # cases of the noun parses
    geox_only: bool  # every parse is a place name (or the word is unknown)


@dataclass(slots=True)
class _Key:
    entry: GazetteerEntry
    lemmas: tuple[str, ...]  # normal forms of the core words
    adjective: bool  # the last core word is an adjective («похвистневский»)
    district: bool  # the entry is a district/okrug named by that adjective


@dataclass(slots=True)
class _Candidate:
    key: _Key
    start: int
    end: int
    strong: bool
    ambiguous: bool = False


@dataclass(slots=True)
class _Stats:
    texts: int = 0
    ner_texts: int = 0
    ner_seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


def _rows_to_entries(rows: Iterable[GazetteerEntry | Mapping[str, Any]]) -> list[GazetteerEntry]:
    entries = []
    for row in rows:
        if isinstance(row, GazetteerEntry):
            entries.append(row)
            continue
        aliases = row.get("aliases") or ()
        if isinstance(aliases, str):
            aliases = tuple(a.strip() for a in re.split(r"[|;]", aliases) if a.strip())
        entries.append(
            GazetteerEntry(
                id=str(row["id"]).strip(),
                name=str(row["name"]).strip(),
                kind=str(row.get("kind") or "").strip(),
                aliases=tuple(aliases),
            )
        )
    return entries


def read_gazetteer(source: str | Path | io.TextIOBase) -> list[GazetteerEntry]:
    """Read a gazetteer CSV with columns `id,name[,kind][,aliases]` (aliases split by `|`).

    Encoding (UTF-8 or cp1251) and delimiter (`,` or `;`) are detected as for any table.
    """
    from civicplan.analytics.tabular import TableError, read_table, require_columns

    if isinstance(source, io.TextIOBase):
        data = source.read().encode("utf-8")
        table = read_table(io.BytesIO(data), name="справочник")
    else:
        table = read_table(source)
    require_columns(table, "id", "name")
    entries = []
    for line, row in table.rows:
        if not row.get("id", "").strip() or not row.get("name", "").strip():
            raise TableError(
                f"В файле {table.name}, строка {line}: у территории нет «id» или «name»."
            )
        entries.append(row)
    return _rows_to_entries(entries)


class PlaceLinker:
    """Find gazetteer entries mentioned in texts.

    `gazetteer`: `GazetteerEntry` objects or mappings with `id`, `name`, optional `kind` and
    `aliases` (a list, or a string split by `|`).
    """

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_ner"] = None
        state["_ner_lock"] = None
        state.pop("_scanner_re", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._ner_lock = threading.Lock()

    def __init__(
        self,
        gazetteer: Iterable[GazetteerEntry | Mapping[str, Any]],
        *,
        use_ner: bool = True,
        ner_budget: int = 2000,
    ) -> None:
        self.entries = _rows_to_entries(gazetteer)
        self.use_ner = use_ner
        self.ner_budget = ner_budget
        self.stats = _Stats()
        self._words: dict[str, _WordInfo] = {}
        self._keys: dict[str, list[_Key]] = {}  # first core lemma -> keys
        self._prefixes: set[str] = set()  # how the names begin, in any case form
        self._ner: Any = None
        self._ner_lock = threading.Lock()
        for entry in self.entries:
            seen: dict[tuple[str, ...], _Key] = {}
            for key in self._entry_keys(entry):
                if key.lemmas in seen:
                    # An alias equal to the official core («городской округ Отрадный» —
                    # «Отрадный») says that the adjective is the town's own name.
                    seen[key.lemmas].district &= key.district
                    continue
                seen[key.lemmas] = key
                self._keys.setdefault(key.lemmas[0], []).append(key)
                self._prefixes.add(_prefix(key.lemmas[0], key.adjective))

    # --- index -------------------------------------------------------------------------
    def _entry_keys(self, entry: GazetteerEntry) -> list[_Key]:
        keys = []
        kind = _norm(entry.kind)
        district_kind = any(k in kind for k in _DISTRICT_KINDS) or any(
            k in _norm(entry.name) for k in ("район", "округ")
        )
        names = [(entry.name, True), *((alias, False) for alias in entry.aliases)]
        for name, official in names:
            words = [w for w in _TOKEN.findall(name) if w not in ".!?\n"]
            core = [w for w in words if _norm(w) not in _KIND_WORDS]
            if not core:
                continue
            lemmas = []
            adjective = False
            for word in core:
                lemma, is_adj = self._name_lemma(word)
                lemmas.append(lemma)
                adjective = is_adj
            keys.append(
                _Key(
                    entry=entry,
                    lemmas=tuple(lemmas),
                    adjective=adjective,
                    district=adjective and district_kind and official,
                )
            )
        return keys

    def _name_lemma(self, word: str) -> tuple[str, bool]:
        parses = _morph().parse(word)
        if _norm(word).endswith(("ий", "ый", "ой")):
            # «Волжский» is also a city elsewhere; as a name here it is an adjective.
            for parse in parses:
                if parse.tag.POS == "ADJF" and "nomn" in parse.tag:
                    return _norm(parse.normal_form), True
        for parse in parses:
            if {"NOUN", "Geox"} <= set(str(parse.tag).replace(" ", ",").split(",")):
                return _norm(parse.normal_form), False
        for parse in parses:
            if parse.tag.POS == "ADJF" and "nomn" in parse.tag:
                return _norm(parse.normal_form), True
        # Unknown to the dictionary: the name itself is its normal form.
        return _norm(word), False

    def _info(self, word: str) -> _WordInfo:
        lower = _norm(word)
        info = self._words.get(lower)
        if info is not None:
            return info
        parses = _morph().parse(lower)
        lemmas = {lower}
        adj_cases: set[str] = set()
        noun_cases: set[str] = set()
        geox_only = True
        for parse in parses:
            lemmas.add(_norm(parse.normal_form))
            tag = parse.tag
            if tag.POS == "ADJF":
                adj_cases.add(str(tag.case))
            elif tag.POS == "NOUN":
                noun_cases.add(str(tag.case))
            if "Geox" not in tag and "UNKN" not in tag and parse.score > 0.05:
                geox_only = False
        info = _WordInfo(frozenset(lemmas), frozenset(adj_cases), frozenset(noun_cases), geox_only)
        self._words[lower] = info
        return info

    # --- linking -----------------------------------------------------------------------
    def _scanner(self) -> re.Pattern[str]:
        scanner = getattr(self, "_scanner_re", None)
        if scanner is None:
            starts = sorted(self._prefixes, key=len, reverse=True)
            alternatives = "|".join(re.escape(p) for p in starts) or "(?!)"
            scanner = re.compile(rf"(?<![а-яёa-z0-9-])(?:{alternatives})[а-яёa-z]*(?:-[а-яёa-z]+)*")
            self._scanner_re = scanner
        return scanner

    def _candidates(self, text: str) -> list[_Candidate]:
        lowered = _norm(text)
        if len(lowered) != len(text):  # a character whose lower case is longer: rare
            lowered = "".join(_norm(ch)[:1] or " " for ch in text)
        found: list[_Candidate] = []
        for match in self._scanner().finditer(lowered):
            start, end = match.span()
            lower = match.group(0)
            info = self._info(lower)
            keys = [k for lemma in info.lemmas for k in self._keys.get(lemma, ())]
            if not keys:
                continue
            # A small window of tokens around the word: one before, three after.
            before = _TOKEN.findall(text[max(0, start - 40) : start])
            prev = [(before[-1], -1, -1)] if before else []
            after = [
                (m.group(0), m.start(), m.end())
                for m in _TOKEN.finditer(text, end, min(len(text), end + 80))
            ][:3]
            tokens = [*prev, (text[start:end], start, end), *after]
            i = len(prev)
            for key in keys:
                n = len(key.lemmas)
                span_end = end
                if n > 1:  # a multi-word core: the next words must match too
                    following = tokens[i + 1 : i + n]
                    if len(following) < n - 1 or not all(
                        key.lemmas[j + 1] in self._info(w).lemmas
                        for j, (w, _, _) in enumerate(following)
                    ):
                        continue
                    span_end = following[-1][2]
                candidate = self._judge(key, tokens, i, i + n - 1, info, start, span_end)
                if candidate is not None:
                    found.append(candidate)
        return found

    def _judge(
        self,
        key: _Key,
        tokens: list[tuple[str, int, int]],
        first: int,
        last: int,
        info: _WordInfo,
        start: int,
        end: int,
    ) -> _Candidate | None:
        word = tokens[first][0]
        prev = _norm(tokens[first - 1][0]) if first > 0 else "."
        nxt = [_norm(t[0]) for t in tokens[last + 1 : last + 3]]
        marker_after = any(
            n in _MARKERS_AFTER_LEMMAS or n.startswith(("район", "округ", "муниципальн"))
            for n in nxt
        )
        marker_before = prev in _MARKERS_BEFORE
        capital = word[:1].isupper()
        sentence_start = prev in {".", "!", "?", "\n"}
        if key.adjective:
            if marker_after:
                return _Candidate(key, start, end, strong=True)
            if key.district:
                return None
            if marker_before:
                return _Candidate(key, start, end, strong=True)
            if nxt and nxt[0] not in {".", "!", "?", "\n"}:
                following = self._info(nxt[0])
                if following.noun_cases & info.adj_cases:
                    return None  # «Отрадный парк», «Октябрьский проспект»
            if capital and not sentence_start:
                return _Candidate(key, start, end, strong=True)
            if capital or prev in {"в", "во", "из", "до", "под", "около"}:
                return _Candidate(key, start, end, strong=False, ambiguous=True)
            return None
        if marker_after and info.adj_cases and not key.district:
            return None  # «в Октябрьском районе» is the district, not the town Октябрьск
        if capital or marker_before or marker_after or info.geox_only:
            return _Candidate(key, start, end, strong=True)
        return _Candidate(key, start, end, strong=False, ambiguous=True)

    def _ner_model(self) -> Any:
        with self._ner_lock:
            if self._ner is None:
                from navec import Navec
                from slovnet import NER

                spec = importlib.util.find_spec("natasha")
                if spec is None or not spec.submodule_search_locations:
                    raise RuntimeError("natasha is not installed: no NER model")
                base = Path(next(iter(spec.submodule_search_locations))) / "data"
                navec = Navec.load(str(base / "emb" / "navec_news_v1_1B_250K_300d_100q.tar"))
                ner = NER.load(str(base / "model" / "slovnet_ner_news_v1.tar"))
                ner.navec(navec)
                self._ner = ner
            return self._ner

    def _ner_locations(self, text: str) -> list[tuple[int, int]]:
        import time

        began = time.perf_counter()
        try:
            # One BLAS thread: on a busy machine more threads make a call 10–20 times slower.
            with _blas_controller().limit(limits=1):
                markup = self._ner_model()(text[:2000])
        except Exception:  # a model that fails to load must not stop the analysis
            logger.exception("slovnet NER failed; ambiguous place mentions are skipped")
            self.use_ner = False
            return []
        self.stats.ner_texts += 1
        self.stats.ner_seconds += time.perf_counter() - began
        return [(s.start, s.stop) for s in markup.spans if s.type == "LOC"]

    def link(self, text: str) -> list[PlaceMention]:
        """Mentions in order of appearance; an entry may appear more than once."""
        self.stats.texts += 1
        if not text:
            return []
        candidates = self._candidates(text)
        if any(c.ambiguous for c in candidates):
            locations: list[tuple[int, int]] = []
            if self.use_ner and self.stats.ner_texts < self.ner_budget:
                locations = self._ner_locations(text)
            kept = []
            for c in candidates:
                if not c.ambiguous:
                    kept.append(c)
                elif any(s < c.end and c.start < e for s, e in locations):
                    c.strong = True
                    kept.append(c)
            candidates = kept
        mentions = []
        for c in candidates:
            method = "ner" if c.ambiguous else "lemma"
            mentions.append(
                PlaceMention(
                    entry_id=c.key.entry.id,
                    name=c.key.entry.name,
                    start=c.start,
                    end=c.end,
                    surface=text[c.start : c.end],
                    method=method,
                )
            )
        mentions.sort(key=lambda m: (m.start, m.entry_id))
        return mentions

    def link_ids(self, text: str) -> list[str]:
        """Distinct entry ids in order of first mention."""
        return list(dict.fromkeys(m.entry_id for m in self.link(text)))

    def link_many(self, texts: Sequence[str]) -> list[list[str]]:
        """`link_ids` for each text; the NER budget counts across the whole call."""
        self.stats = _Stats()
        return [self.link_ids(text) for text in texts]

    def entry(self, entry_id: str) -> GazetteerEntry | None:
        for e in self.entries:
            if e.id == entry_id:
                return e
        return None


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """One threadpoolctl controller per process: finding the BLAS libraries costs ≈ 4 ms,
    which `threadpool_limits` paid again on every NER call (≈ 3 s on 100,000 proposals)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def gazetteer_from_csv_text(text: str) -> list[GazetteerEntry]:
    """A gazetteer from CSV text (tests, small inline lists)."""
    reader = csv.DictReader(io.StringIO(text))
    return _rows_to_entries(list(reader))
