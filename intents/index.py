"""The search index over intents: curated entries, national listing names and general intents.

Every phrase (a name, an alias, a keyword, an example question) is normalised and turned
into terms: its words and its adjacent word pairs. Terms are weighted by inverse document
frequency over intents, so informative words ("khai sinh", "tam tru") outweigh the words
every procedure name shares ("dang ky", "cap", "giay").
"""

from __future__ import annotations

import gc
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from sys import intern
from typing import Any

from intents.normalize import accented_words, tokens
from procedures.loader import load_yaml
from procedures.models import ListingEntry, Procedure

_PARENTHESISED = re.compile(r"\(([^()]*)\)?")
NO_SPELLINGS: dict[str, frozenset[str]] = {}  # shared by every listing name (never mutated)
_NO_ACCENTS: dict[str, str] = {}  # likewise: the tones of a listing name are never read
GENERAL_FILE = Path(__file__).resolve().parent / "general.yaml"
# Off-topic chatter as data: what the bot cannot help with, so a message about prices or
# football is recognised as such instead of landing on the nearest procedure.
CHATTER_FILE = Path(__file__).resolve().parent / "chatter.yaml"
STOPWORDS_FILE = Path(__file__).resolve().parent / "stopwords.txt"
# Filler words keep a small weight rather than none: "what can you do" must still match
# the help intent, but "tôi muốn" must not outweigh "khai sinh".
STOPWORD_WEIGHT = 0.3
CONTEXT_FILE = Path(__file__).resolve().parent / "context.txt"
# Everyday names of national procedures that have no curated guide ("tạm vắng", "nuôi con nuôi").
LISTING_ALIASES_FILE = Path(__file__).resolve().parent / "listing_aliases.tsv"
# Everyday phrases for many more of them, weighed like a curated entry's keywords.
LISTING_KEYWORDS_FILE = Path(__file__).resolve().parent / "listing_keywords.tsv"
# And the situations that lead people to them ("nộp nhầm tiền thuế hai lần muốn lấy lại tiền
# thừa"), weighed lower still: a situation's everyday words also tell of other procedures.
LISTING_SITUATIONS_FILE = Path(__file__).resolve().parent / "listing_situations.tsv"
# Context words ("online", "vneid", "ở đâu") keep part of their weight: they help tell a
# guide about the portal from one about a procedure, but never outweigh the procedure's name.
CONTEXT_FACTOR = 0.4
# A message that names an entry ("khai sinh") should go to the entry of that name, not to
# another entry that merely lists the words among its keywords or example questions.
KEYWORD_PRIORITY = 0.9
SITUATION_PRIORITY = 0.8  # on the tuning sets 0.7-0.9 differ by a question or two; 0.8 was best
# Term weights blend rarity among all intents with rarity among the curated entries.
CURATED_BLEND = 0.5
CURATED_SCALE = 1.6  # brings log(1 + 44/df) to the scale of log(1 + 2,700/df)
# A national card handled only by a ministry is rarely what a citizen asks about: when it ties
# with its provincial or commune variant ("Khóa căn cước điện tử (thực hiện tại cấp trung
# ương)" / "(… tại cấp tỉnh)"), the variant near the citizen wins.
CENTRAL_PRIOR = 0.98


def load_stopwords(path: Path = STOPWORDS_FILE) -> frozenset[str]:
    """Read a word list (folded words, '#' comments): filler words, or context words."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


class IntentKind(StrEnum):
    """What an intent points at."""

    CURATED = "curated"  # a curated procedure or guide, with a step-by-step walk
    LISTING = "listing"  # a national-listing card (identified by its national code)
    GENERAL = "general"  # greeting, thanks, goodbye, help, human


@dataclass(frozen=True)
class IntentDoc:
    """The phrases that describe one intent, as given to the index builder."""

    intent: str
    kind: IntentKind
    phrases: tuple[str, ...]
    label: str = ""  # a display name (the procedure's name)
    priorities: tuple[float, ...] = ()  # per phrase; names outrank keywords and examples
    prior: float = 1.0  # a listing card's score multiplier (see CENTRAL_PRIOR)

    def priority(self, number: int) -> float:
        """The priority of phrase ``number`` (1.0 when not given)."""
        return self.priorities[number] if number < len(self.priorities) else 1.0


@dataclass(slots=True)  # no __dict__: ten thousand of them in the shipped index
class Phrase:
    """One indexed phrase: which intent it belongs to and its terms (each once)."""

    intent: int
    # A frozenset (shared with the card's terms) for a national card indexed by its official name
    # alone; a tuple for every phrase of an intent with several, official names included: a tuple
    # of 20 terms takes a fifth of a frozenset's memory, and phrases are only scanned term by term.
    terms: frozenset[str] | tuple[str, ...]
    weight: float = 0.0
    priority: float = 1.0
    accents: dict[str, str] = field(default_factory=dict)  # folded word -> accent key
    # The terms of an official name's head, without its parenthesised qualifiers ("(thực hiện
    # tại cấp tỉnh)", a list of building categories): how complete a match is counts against
    # these, so a long qualifier does not bury the name it qualifies. Empty: all terms.
    core: frozenset[str] = frozenset()

    def __reduce__(self) -> tuple[type[Phrase], tuple[Any, ...]]:
        """Pickled as its fields in order: a third faster to load from the start-up cache."""
        return (Phrase, tuple(getattr(self, item.name) for item in fields(self)))


def name_terms(name: str, seen: dict[str, frozenset[str]] | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """An official name's terms, and those of its head (empty when it has no parenthesis).

    ``seen`` memoises the terms of each part: the portal publishes one procedure once per
    province ("… (áp dụng tại Đồng Nai)"), so large catalogs repeat heads and qualifiers.
    """
    seen = {} if seen is None else seen
    if "(" not in name:
        return _part_terms(name, seen), frozenset()
    core = _part_terms(_PARENTHESISED.sub(" ", name), seen)
    return core | _part_terms(" ".join(_PARENTHESISED.findall(name)), seen), core


def _part_terms(text: str, seen: dict[str, frozenset[str]]) -> frozenset[str]:
    terms = seen.get(text)
    if terms is None:
        terms = seen[text] = frozenset(terms_of(tokens(text)))
    return terms


def terms_of(words: Sequence[str]) -> list[str]:
    """Words plus adjacent pairs ("khai", "sinh", "khai_sinh"): pairs keep word order meaning."""
    # Interned: the same word or pair recurs in thousands of phrases, and one shared string each
    # keeps the index (and its start-up cache, which pickles shared objects once) small.
    pairs = [intern(f"{first}_{second}") for first, second in zip(words, words[1:], strict=False)]
    return [intern(word) for word in words] + pairs


def general_docs() -> list[IntentDoc]:
    """The general intents and the off-topic chatter, as the router indexes them."""
    return load_general() + load_general(CHATTER_FILE, intent=CHATTER_INTENT)


CHATTER_INTENT = "chatter"  # intents.decision.CHATTER: every group of chatter.yaml is this intent


def load_general(path: Path = GENERAL_FILE, intent: str | None = None) -> list[IntentDoc]:
    """Read the general intents (greeting, thanks, ...) defined as data.

    With ``intent``, every top-level group of the file is a document of that one intent (the
    router keeps the best-scoring one); without, each group is an intent of its own name.
    """
    data = load_yaml(path.read_text(encoding="utf-8"))
    return [
        IntentDoc(intent or name, IntentKind.GENERAL, (*examples.get("vi", ()), *examples.get("en", ())), name)
        for name, examples in data.items()
    ]


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (reference counting still frees memory).

    Loading the catalog and indexing it create a few hundred thousand long-lived objects; with
    the collector on, each growth of the heap by a quarter triggers a full collection that
    scans all of them again (and the rest of the process's heap): building the 50,000-entry
    index took 2.3-2.6 s with it, 1.3-1.9 s without (measured). Also usable as a decorator.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Index:
    """An immutable-after-build inverted index from terms to phrases."""

    docs: list[IntentDoc] = field(default_factory=list)
    phrases: list[Phrase] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    default_idf: float = 1.0
    stopwords: frozenset[str] = field(default_factory=frozenset)
    context: frozenset[str] = field(default_factory=frozenset)
    intent_terms: list[frozenset[str]] = field(default_factory=list)  # union over an intent's phrases
    intent_accents: list[dict[str, frozenset[str]]] = field(default_factory=list)
    # Every spelling (accent key) the curated and general phrases give a folded word, and the
    # reverse: a typed spelling never seen for its folded word ("bằn") can then be checked
    # against a seen one ("bằng").
    spellings: dict[str, frozenset[str]] = field(default_factory=dict)
    spelled: dict[str, str] = field(default_factory=dict)

    @classmethod
    @collection_paused()
    def build(cls, docs: Iterable[IntentDoc]) -> Index:
        """Normalise every phrase of every intent and compute term weights."""
        index = cls(
            docs=list(docs), stopwords=load_stopwords(), context=load_stopwords(CONTEXT_FILE) - load_stopwords()
        )
        doc_freq: Counter[str] = Counter()
        curated_freq: dict[str, int] = defaultdict(int)
        postings: dict[str, list[int]] = defaultdict(list)
        parts: dict[str, frozenset[str]] = {}  # name parts already read (see name_terms)
        spellings: dict[str, set[str]] = defaultdict(set)
        for doc_number, doc in enumerate(index.docs):
            if doc.kind is IntentKind.LISTING and len(doc.phrases) == 1:
                # The common case on large catalogs: one official name, no tone data, no duplicates.
                doc_freq.update(index._add_name(doc_number, doc.phrases[0], parts, postings))
                continue
            for term in index._add_phrases(doc_number, doc, parts, postings, spellings):
                doc_freq[term] += 1
                if doc.kind is IntentKind.CURATED:
                    curated_freq[term] += 1
        index._weigh(doc_freq, curated_freq)
        index.postings = dict(postings)
        index.spellings = {word: frozenset(keys) for word, keys in spellings.items()}
        index.spelled = {key: word for word, keys in spellings.items() for key in keys}
        return index

    def _add_name(
        self, doc_number: int, name: str, parts: dict[str, frozenset[str]], postings: dict[str, list[int]]
    ) -> frozenset[str]:
        """Index a listing card's one official name; its terms."""
        terms, core = name_terms(name, parts)
        phrase_number = len(self.phrases)
        self.phrases.append(Phrase(doc_number, terms, 0.0, 1.0, _NO_ACCENTS, core))
        for term in terms:
            postings[term].append(phrase_number)
        self.intent_terms.append(terms)
        self.intent_accents.append(NO_SPELLINGS)
        return terms

    def _add_phrases(
        self,
        doc_number: int,
        doc: IntentDoc,
        parts: dict[str, frozenset[str]],
        postings: dict[str, list[int]],
        spellings: dict[str, set[str]],
    ) -> set[str]:
        """Index every distinct phrase of one intent (with its tones, unless a listing name); its terms."""
        seen: set[frozenset[str]] = set()
        doc_terms: set[str] = set()
        doc_accents: dict[str, set[str]] = defaultdict(set)
        for position, phrase in enumerate(doc.phrases):
            if doc.kind is IntentKind.LISTING:
                terms, core = name_terms(phrase, parts)
            else:
                terms, core = frozenset(terms_of(tokens(phrase))), frozenset()
            if not terms or terms in seen:
                continue
            seen.add(terms)
            phrase_number = len(self.phrases)
            # Official listing names are not typed by citizens: only curated and small-talk
            # phrases need the tone check, and skipping it keeps large catalogs small.
            accents = accented_words(phrase) if doc.kind is not IntentKind.LISTING else {}
            accents = {word: key for word, key in accents.items() if "_" not in word}  # words only
            self.phrases.append(Phrase(doc_number, tuple(terms), 0.0, doc.priority(position), accents, core))
            for term in terms:
                postings[term].append(phrase_number)
            doc_terms |= terms
            for word, key in accents.items():
                doc_accents[word].add(key)
                spellings[word].add(key)
        self.intent_terms.append(frozenset(doc_terms))
        self.intent_accents.append({word: frozenset(keys) for word, keys in doc_accents.items()})
        return doc_terms  # the set, not a copy: the term counts (and so the IDF table) follow its order

    def _weigh(self, doc_freq: Mapping[str, int], curated_freq: Mapping[str, int]) -> None:
        """Term weights (IDF), each phrase's total weight, and the vocabulary typos are matched against."""
        total = len(self.docs) or 1
        curated_total = sum(doc.kind is IntentKind.CURATED for doc in self.docs)
        self.idf = {
            term: self._term_weight(term, total, count, curated_total, curated_freq.get(term, 0))
            for term, count in doc_freq.items()
        }
        self.default_idf = math.log(1 + total)
        weight_of = self.idf.__getitem__
        for indexed in self.phrases:
            indexed.weight = sum(map(weight_of, indexed.core or indexed.terms))
        self.vocabulary = sorted(term for term in doc_freq if "_" not in term and len(term) >= 3)

    def _term_weight(self, term: str, total: int, count: int, curated_total: int, curated_count: int) -> float:
        words = term.split("_")
        if all(word in self.stopwords for word in words):
            return STOPWORD_WEIGHT
        weight = math.log(1 + total / count)
        if curated_total and curated_count:
            # A word rare among all national procedures may still be shared by many curated
            # entries ("bảo hiểm", "giấy"): among those, it must not decide.
            among_curated = math.log(1 + curated_total / curated_count) * CURATED_SCALE
            weight = CURATED_BLEND * among_curated + (1 - CURATED_BLEND) * weight
        return weight * CONTEXT_FACTOR if all(word in self.context for word in words) else weight

    def weight(self, term: str) -> float:
        """IDF weight of a term; unseen terms weigh like the rarest ones, filler words little."""
        if term in self.idf:
            return self.idf[term]
        if all(word in self.stopwords for word in term.split("_")):
            return STOPWORD_WEIGHT
        return self.default_idf

    def name_texts(self, number: int) -> tuple[str, ...]:
        """Procedure ``number``'s names and aliases as written (phrases of name priority; none if general)."""
        doc = self.docs[number]
        if doc.kind is IntentKind.GENERAL:
            return ()
        return tuple(phrase for n, phrase in enumerate(doc.phrases) if doc.priority(n) >= 1.0)

    def doc_frequency_rank(self, term: str) -> int:
        """How many phrases contain the term (used to visit rare terms first)."""
        return len(self.postings.get(term, ()))


def curated_docs(entries: Iterable[Procedure]) -> list[IntentDoc]:
    """Index documents for curated entries: names, codes, aliases, keywords and examples."""
    docs = []
    for entry in entries:
        named = [entry.name.vi, entry.name.en, *entry.aliases, *entry.aliases_en]
        described = [*entry.keywords, *entry.examples]
        phrases = tuple(p for p in named if p) + tuple(described)
        priorities = (1.0,) * len([p for p in named if p]) + (KEYWORD_PRIORITY,) * len(described)
        docs.append(IntentDoc(entry.id, IntentKind.CURATED, phrases, entry.name.vi, priorities))
    return docs


def load_listing_aliases(path: Path = LISTING_ALIASES_FILE) -> dict[str, tuple[str, ...]]:
    """Everyday names by national code (``code<TAB>alias`` lines, ``#`` comments)."""
    aliases: dict[str, list[str]] = defaultdict(list)
    if not path.exists():
        return {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _, alias = line.partition("\t")
        if alias.strip():
            aliases[code.strip()].append(alias.strip())
    return {code: tuple(names) for code, names in aliases.items()}


DISTRICT_VARIANT = "(thực hiện tại cấp huyện)"


def listing_docs(
    entries: Iterable[ListingEntry],
    skip_codes: Collection[str],
    aliases: Mapping[str, tuple[str, ...]] | None = None,
    keywords: Mapping[str, tuple[str, ...]] | None = None,
    situations: Mapping[str, tuple[str, ...]] | None = None,
) -> list[IntentDoc]:
    """Index documents for national-listing cards not already covered by a curated entry.

    A card is found by its official name and by the everyday names citizens use for it
    (``intents/listing_aliases.tsv``): nobody asks for "Khai báo tạm vắng" by that name; and
    by everyday phrases (``keywords``, ``intents/listing_keywords.tsv``), which count like a
    curated entry's keywords, a little less than a name; and by the situations that lead people
    to it (``situations``, ``intents/listing_situations.tsv``: "giấy chứng tử của ông bà mất, sổ
    gốc cũng không còn"), which count less again (:data:`SITUATION_PRIORITY`).
    A repealed code (``replaced_by``) is never indexed: typed as a code it is answered with its
    replacement, and no question is ever routed to it as a current procedure. Nor is a variant
    named for the district level ("… (thực hiện tại cấp huyện)"), which no longer exists since
    1 July 2025: its siblings for the other levels are the ones to offer.
    """
    aliases, keywords, situations = aliases or {}, keywords or {}, situations or {}
    docs = []
    for entry in entries:
        if entry.code in skip_codes or entry.replaced_by or DISTRICT_VARIANT in entry.name.lower():
            continue
        # "Thủ tục" opens many official names and says nothing about the procedure.
        name = entry.name
        trimmed = name[len("Thủ tục ") :] if name.lower().startswith("thủ tục ") else name
        central = [level.value for level in entry.levels] == ["bo"]
        named, described = (trimmed, *aliases.get(entry.code, ())), keywords.get(entry.code, ())
        told = situations.get(entry.code, ())
        priorities = (1.0,) * len(named) + (KEYWORD_PRIORITY,) * len(described) + (SITUATION_PRIORITY,) * len(told)
        prior = CENTRAL_PRIOR if central else 1.0
        docs.append(IntentDoc(entry.code, IntentKind.LISTING, (*named, *described, *told), name, priorities, prior))
    return docs


def shipped_listing_docs(
    entries: Iterable[ListingEntry], added: Mapping[str, tuple[str, ...]] | None = None
) -> list[IntentDoc]:
    """:func:`listing_docs` with the shipped everyday names and phrases (and ``added`` names, by code)."""
    aliases = load_listing_aliases()
    for code, names in (added or {}).items():
        aliases[code] = (*aliases.get(code, ()), *names)
    keywords, situations = load_listing_aliases(LISTING_KEYWORDS_FILE), load_listing_aliases(LISTING_SITUATIONS_FILE)
    return listing_docs(entries, (), aliases, keywords, situations)
