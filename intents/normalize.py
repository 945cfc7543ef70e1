"""Text normalisation: the one function used both to index the catalog and to read a message.

Citizens type without diacritics, with leftover Telex/VNI keystrokes, in chat abbreviations,
with emoji and repeated letters, and sometimes paste ID or phone numbers. Everything is
folded to lower-case ASCII words so that "Đăng ký tạm trú", "dang ky tam tru",
"ddawng kys tamj truws" and "đk tạm trú" all give the same tokens. Because indexing and
querying share :func:`normalize`, whatever it does to a word it does on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from procedures.folding import fold as fold  # re-exported: the one folding (procedures/folding.py)

ABBREVIATIONS_FILE = Path(__file__).resolve().parent / "abbreviations.tsv"
NUMBER_TOKEN = "<so>"

# Digits with separators that add up to 8+ digits: ID (9/12 digits) and phone numbers.
# They are masked so a number never drives a match (and never reaches the index).
_LONG_NUMBER = re.compile(r"(?<!\w)\+?\d(?:[\s.\-]?\d){7,}(?!\w)")
_NON_WORD = re.compile(r"[^a-z0-9<>\s]+")
_TYPED_WORD = re.compile(r"<so>|[^\W_]+")  # a word as typed, marks and case kept
# English contractions, spelled out so "I'm" gives "i am" and not a stray one-letter word "m"
# that the index has never seen (an unknown word weighs as much as an informative one).
# Vietnamese never puts an apostrophe inside a word, so this cannot touch it.
_CONTRACTIONS = tuple(
    (re.compile(pattern, re.IGNORECASE), spelled)
    for pattern, spelled in (
        (r"\bcan['’]t\b", "can not"),
        (r"\bwon['’]t\b", "will not"),
        (r"(?<=[a-z])n['’]t\b", " not"),
        (r"(?<=[a-z])['’]m\b", " am"),
        (r"(?<=[a-z])['’]re\b", " are"),
        (r"(?<=[a-z])['’]ve\b", " have"),
        (r"(?<=[a-z])['’]ll\b", " will"),
        (r"(?<=[a-z])['’]d\b", " would"),
        (r"(?<=[a-z])['’]s\b", ""),
    )
)
_RE_PREFIX = re.compile(r"(?<![\w-])re-([a-z]+)")
_REPEAT = re.compile(r"([a-z])\1{2,}")
# Telex leftovers: doubled letters and "w" marks that never occur in folded Vietnamese.
_TELEX = (("dd", "d"), ("aw", "a"), ("aa", "a"), ("ee", "e"), ("ow", "o"), ("uw", "u"), ("oo", "o"))
# A Vietnamese syllable never ends in s, f, r, x, j: after a vowel or a valid final they are
# Telex tone keys ("kys", "tamj", "truws").
_TELEX_TONE = re.compile(r"^([a-z]*?[aeiouy](?:ch|nh|ng|[cmnpt])?)([sfrxj])\2?$")  # "truss": a key pressed twice
_VNI = re.compile(r"(?<=[a-z])[1-9]|[1-9](?=[a-z])")
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|nh|ng|[cmnpt])?$")
# Function words that cannot be folded Vietnamese ("can", "do", "an", "to", "the" can).
_ENGLISH_ONLY = frozenset(
    "my your how what where when which who why is are was were you we they please need want with of and "
    "for from this that have has get does did it there would should could will been our their his her him "
    "im dont".split()
)


_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "3", "\u0309": "4", "\u0323": "5"}
_STOP_FINAL = re.compile(r"[aeiouy](?:p|t|c|ch)$")
_STOP_TONES = ("1", "5")  # sắc, nặng: the only tones a syllable ending in a stop can carry


@lru_cache(maxsize=65536)
def accent_key(word: str) -> str:
    """A word's exact Vietnamese spelling with the tone moved to the end ("hoà", "hòa" -> "hoa2").

    Folding makes "cười" (laugh) and "cưới" (wedding) the same token; this key tells them
    apart whatever tone-mark placement the keyboard used.
    """
    decomposed = unicodedata.normalize("NFD", word.lower())
    tone = next((_TONES[char] for char in decomposed if char in _TONES), "0")
    base = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONES))
    return base + tone


def has_diacritics(text: str) -> bool:
    """True when the text was typed with Vietnamese marks (so unmarked words mean no tone)."""
    if text.isascii():
        return False
    return any(ord(char) > 127 and unicodedata.category(char).startswith("L") for char in text)


def accented_words(text: str) -> dict[str, str]:
    """Map each folded word of ``text`` to its accent key, when the text carries diacritics.

    Only words typed as plain words are mapped (abbreviations and Telex leftovers are not),
    and a message typed entirely without marks maps nothing: its words' tones are unknown. A
    word typed with two tones is not mapped; the word pairs holding it are ("a_b": "key key").
    """
    text = unicodedata.normalize("NFC", text)
    if not has_diacritics(text):
        return {}
    mapping: dict[str, str] = {}
    twice: set[str] = set()
    typed: list[tuple[str, str | None, bool]] = []  # in order: word, key if it counts, next to the one before
    end, lowered = -1, text.lower()
    for found in re.finditer(r"[^\W\d_]+", lowered):
        raw, joined = found.group(), end >= 0 and lowered[end : found.start()].isspace()
        end = found.end()
        folded, key = fold(raw), accent_key(raw)
        if _STOP_FINAL.search(folded) and key[-1] not in _STOP_TONES:
            # "kêt", "thât": a syllable closed by p/t/c/ch takes only sắc or nặng, so this is a
            # typo whose intended tone is unknown -- it must not count as another word's tone.
            typed.append((folded, None, joined))
            continue
        typed.append((folded, key, joined))
        if mapping.setdefault(folded, key) != key:
            twice.add(folded)
    # "tôi cần làm căn cước": two words fold to "can"; neither tone may count against the other.
    words = {folded: key for folded, key in mapping.items() if folded not in twice}
    if twice:
        # ... but each word pair holding one keeps its own keys ("thue_khong": "thuê1 không0" in
        # "cho thuê nhà phải khai thuế không"), so the pair still tells "thuế" from "thuê" -- unless
        # the same pair is typed both ways too ("thuê nhà và thuế nhà"). Only words typed side by
        # side make a pair (not across a digit or a full stop).
        pairs: dict[str, str] = {}
        for (first, one, _), (second, other, joined) in zip(typed, typed[1:], strict=False):
            if one and other and joined and (first in twice or second in twice):
                pair, keys = f"{first}_{second}", f"{one} {other}"
                pairs[pair] = keys if pairs.setdefault(pair, keys) == keys else ""
        words.update((pair, keys) for pair, keys in pairs.items() if keys)
    return words


def mistoned(term: str, key: str, spellings: Mapping[str, Collection[str]]) -> bool:
    """True when a typed word or a word of a typed pair has a tone ``spellings`` never uses.

    ``key`` is the term's value in :func:`accented_words`; ``spellings`` maps a folded word to
    the accent keys a text uses for it.
    """
    return any(
        word in spellings and typed not in spellings[word]
        for word, typed in zip(term.split("_"), key.split(" "), strict=False)
    )


def mask_numbers(text: str) -> str:
    """Replace ID and phone numbers (8+ digits, spaces or dots allowed) with a placeholder."""
    return _LONG_NUMBER.sub(f" {NUMBER_TOKEN} ", text)


def is_syllable(token: str) -> bool:
    """True when a folded token has the shape of a Vietnamese syllable (onset, vowels, final)."""
    return bool(_SYLLABLE.match(token))


def looks_english(words: list[str]) -> bool:
    """A message with two or more English-only function words is English: no Telex undoing."""
    return sum(word in _ENGLISH_ONLY for word in words) >= 2


def _untelex(token: str) -> str:
    """Undo Telex/VNI keystrokes left in a token typed without an input method.

    The result is kept only when it is a well-formed Vietnamese syllable, so English words
    ("register", "school") survive untouched.
    """
    if token.isdigit() or token == NUMBER_TOKEN or is_syllable(token):
        return token
    candidate = token
    if any(char.isdigit() for char in candidate) and any(char.isalpha() for char in candidate):
        candidate = _VNI.sub("", candidate)
    for typed, letter in _TELEX:
        candidate = candidate.replace(typed, letter)
    candidate = re.sub(r"(?<=[aeiouy])w|w(?=[aeiouy])", "", candidate)
    match = _TELEX_TONE.match(candidate)
    if match and len(candidate) > 2:
        candidate = match.group(1)
    return candidate if is_syllable(candidate) else token


# Two spellings in standard use: "đăng kí" / "đăng ký", "lí lịch" / "lý lịch", "quí" / "quý". Only
# these syllables are merged: "mi", "hi", "ti" and "si" are English words or other syllables.
_I_OR_Y = {"ki": "ky", "li": "ly", "qui": "quy"}


@lru_cache(maxsize=65536)
def _clean(token: str, english: bool) -> str:
    """Collapse repeated letters, (outside English) undo Telex, and spell i/y one way; memoised per word."""
    token = _REPEAT.sub(r"\1", token)
    token = token if english else _untelex(token)
    return _I_OR_Y.get(token, token)


@dataclass(frozen=True)
class Abbreviations:
    """The abbreviation table, and which short forms are also ordinary words.

    "hong" typed plain is chat for "không", but "hỏng" (broken) and "hồng" fold to the same
    letters; "CA" is "công an", but "cá", "cả", "cà" and "ca" are words. A one-word short form
    that is a Vietnamese syllable therefore counts only when typed without marks or with marks
    the table lists ("hông"), and one written in capitals in the table only in capitals.
    """

    table: Mapping[tuple[str, ...], tuple[str, ...]]
    guarded: frozenset[str] = frozenset()  # one-word short forms that are also syllables
    marked: Mapping[str, frozenset[str]] = field(default_factory=dict)  # their listed spellings with marks
    capitals_only: frozenset[str] = frozenset()

    @cached_property
    def watched(self) -> frozenset[str]:
        """The short forms whose typed spelling must be checked."""
        return self.guarded | self.capitals_only

    def keys(self) -> Iterable[tuple[str, ...]]:
        """The folded short forms."""
        return self.table.keys()

    def alone(self, word: str, typed: str) -> bool:
        """Whether ``word`` (folded), typed as ``typed``, may be read as a one-word short form."""
        if word in self.capitals_only:
            return typed.isupper()
        if word in self.guarded and not typed.isascii():
            return accent_key(typed) in self.marked.get(word, frozenset())
        return True


def load_abbreviations(path: Path = ABBREVIATIONS_FILE) -> Abbreviations:
    """Read the abbreviation table: folded phrase -> folded expansion."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    guarded: set[str] = set()
    marked: dict[str, set[str]] = {}
    capitals_only: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        short, _, expansion = line.partition("\t")
        key = tuple(_NON_WORD.sub(" ", fold(short)).split())
        table[key] = tuple(_NON_WORD.sub(" ", fold(expansion)).split())
        if len(key) != 1 or not is_syllable(key[0]):
            continue
        if short.isupper():
            capitals_only.add(key[0])
        elif short.isascii():
            guarded.add(key[0])
        else:
            marked.setdefault(key[0], set()).add(accent_key(short))
    return Abbreviations(
        table,
        frozenset(guarded),
        {word: frozenset(keys) for word, keys in marked.items()},
        frozenset(capitals_only),
    )


@lru_cache(maxsize=1)
def default_abbreviations() -> Abbreviations:
    """The shipped abbreviation table, read once (it is immutable data)."""
    return load_abbreviations()


def expand(tokens: list[str], abbreviations: Abbreviations, blocked: Collection[int] = ()) -> list[str]:
    """Replace abbreviations, longest phrase first ("so do" before "so").

    A token whose index is in ``blocked`` was typed as an ordinary word ("hỏng", "cá"): it
    is not read as a one-word short form, though it may still start a longer one.
    """
    return _expand(tokens, abbreviations, blocked)[0]


def _expand(tokens: list[str], abbreviations: Abbreviations, blocked: Collection[int]) -> tuple[list[str], set[int]]:
    """:func:`expand`, also returning where the blocked tokens that were kept ended up."""
    table = abbreviations.table
    longest, starts = _shape(table)
    if starts.isdisjoint(tokens):
        return list(tokens), set(blocked)
    result: list[str] = []
    kept: set[int] = set()
    done = 0  # tokens before this index are already in ``result``
    count = len(tokens)

    def keep(upto: int) -> None:
        for index in range(done, upto):
            if index in blocked:
                kept.add(len(result) + index - done)
        result.extend(tokens[done:upto])

    for index, token in enumerate(tokens):
        if index < done or token not in starts:
            continue
        for size in range(min(longest, count - index), 0, -1):
            key = tuple(tokens[index : index + size])
            if key in table and (size > 1 or index not in blocked):
                keep(index)
                result.extend(table[key])
                done = index + size
                break
    keep(count)
    return result, kept


_SHAPES: dict[int, tuple[int, frozenset[str]]] = {}


def _shape(table: Mapping[tuple[str, ...], tuple[str, ...]]) -> tuple[int, frozenset[str]]:
    """The longest key and the set of first words of a table (memoised per table object)."""
    shape = _SHAPES.get(id(table))
    if shape is None:
        shape = (max((len(key) for key in table), default=1), frozenset(key[0] for key in table if key))
        _SHAPES[id(table)] = shape
    return shape


def _blocked(text: str, words: list[str], abbreviations: Abbreviations) -> set[int]:
    """Indexes of ``words`` typed as ordinary words rather than as a one-word short form.

    Only called when a guarded short form occurs: the words are re-read as typed (marks and
    case kept) and matched one to one with the folded ones.
    """
    typed = [
        (word, piece)
        for chunk in text.split()
        for piece in _TYPED_WORD.findall(chunk)
        for word in _NON_WORD.sub(" ", fold(piece)).split()
    ]
    if [word for word, _ in typed] != words:
        return set()  # a stray symbol split the text differently: read it as before
    return {index for index, (word, piece) in enumerate(typed) if not abbreviations.alone(word, piece)}


def _joined_prefix(match: re.Match[str]) -> str:
    """Join an English "re-" to its word ("reregister"); "rẻ-đẹp" (folded "re-dep") stays apart."""
    word = match.group(1)
    return match.group(0) if is_syllable(word) else f"re{word}"


def plain_words(text: str) -> list[str]:
    """The folded words of ``text`` as typed: contractions spelled out, numbers masked, nothing else.

    No abbreviation, Telex or VNI reading: English words must stay English ("tax" is not
    "ta" with a Telex tone key, "car" is not "CA"). Used by the English glossary.
    """
    text = mask_numbers(unicodedata.normalize("NFC", text))
    if "'" in text or "’" in text:
        for contraction, spelled in _CONTRACTIONS:
            text = contraction.sub(spelled, text)
    return [word for word in _NON_WORD.sub(" ", fold(text)).split() if word != NUMBER_TOKEN]


def tokens(text: str, abbreviations: Abbreviations | None = None) -> list[str]:
    """Normalise ``text`` into folded tokens (see the module docstring for every step)."""
    abbreviations = default_abbreviations() if abbreviations is None else abbreviations
    text = unicodedata.normalize("NFC", text)
    text = mask_numbers(text)
    if "'" in text or "’" in text:
        for contraction, spelled in _CONTRACTIONS:
            text = contraction.sub(spelled, text)
    # English "re-register", "re-issue": a bare "re" would be the Vietnamese "rẻ" (cheap).
    words = _NON_WORD.sub(" ", _RE_PREFIX.sub(_joined_prefix, fold(text))).split()
    blocked = _blocked(text, words, abbreviations) if not abbreviations.watched.isdisjoint(words) else set()
    # Abbreviations first: "cccd" must not lose its repeated letters.
    raw, blocked = _expand(words, abbreviations, blocked)
    english = looks_english(raw)
    cleaned = [_clean(token, english) for token in raw]
    if cleaned != raw:  # undoing Telex can reveal an abbreviation ("ddk" -> "dk")
        cleaned = _expand(cleaned, abbreviations, blocked)[0]
    return [token for token in cleaned if token != NUMBER_TOKEN]


def normalize(text: str, abbreviations: Abbreviations | None = None) -> str:
    """Return the normalised text as one space-separated string."""
    return " ".join(tokens(text, abbreviations))
