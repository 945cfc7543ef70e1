"""Language of a message: Vietnamese or English, or "not sure" for short and mixed messages.

The bot answers in the asker's language. Vietnamese letters with diacritics settle it at once.
Without them ("lam cccd o dau"), Vietnamese still shows: every word is a Vietnamese
syllable -- an onset, a vowel group and one of eight codas -- while English words mostly
are not ("passport", "foreigner", "wife"), and English has its own function words. A
message is read as English only when most of its words say so and there are enough of them;
otherwise the caller keeps the conversation's language.

Pure: no state, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from intents.normalize import fold

# Letters only Vietnamese uses (after NFC): đ, the vowels with a hat, horn or breve, and any tone mark.
_VIETNAMESE_LETTER = re.compile(r"[đăâêôơưĐĂÂÊÔƠƯ]")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD = re.compile(r"[a-z]+")
# A Vietnamese syllable without diacritics: onset, vowel group, coda.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|ieu|yeu|oai|oay|uay|uai|uoi|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uy|ye"
    r"|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?"
)
# Common English words. Those shaped like a Vietnamese syllable ("to", "a", "long", "can", "the")
# are words of both languages -- "to" is big, "can" is need -- so they count for neither; the
# others count as English however the syllable test reads them.
_ENGLISH = frozenset(
    """the is are am was were been does did have has had i my you your we our they their she its
    it to a an in on do go me he so no can be by us as hi long
    what how where when who which why could would should will shall must need want please hello thanks
    thank of for at from with and or but not yes if this that these those there here about get got
    much many apply applying application card office fee fees online wife husband child son daughter
    passport foreigner visa license licence birth marriage register registration certificate renew replace
    lost""".split()
)
# Chat shorthand of Vietnamese that fails the syllable test ("cccd", "ntn", "ko", "dc").
_VIETNAMESE_SHORTHAND = frozenset(
    """cccd cmnd bhyt bhxh vneid gplx gpkd dkkd ntn ko k dc đc dk đk tk sdt stk mn ad e a z j bn ko vs ng nc
    tphcm hcm hn xa phuong huyen tinh ubnd""".split()
)
MIN_WORDS = 3


# Asked several times of each routed message (language, glossary, second looks); kept small: a
# bot meets each message once, so only the asks within one message should be spared.
@lru_cache(maxsize=16)
def has_vietnamese_marks(text: str) -> bool:
    """True when the text holds a letter or tone mark only Vietnamese uses: it is then never English."""
    if _VIETNAMESE_LETTER.search(text):
        return True
    return any(mark in _TONE_MARKS for mark in unicodedata.normalize("NFD", text))


def _syllable(word: str) -> bool:
    """A Vietnamese syllable typed plain, or Vietnamese chat shorthand."""
    return word in _VIETNAMESE_SHORTHAND or _SYLLABLE.fullmatch(word) is not None


def english_words(texts: list[str]) -> frozenset[str]:
    """The words of English texts that no Vietnamese syllable spells ("building", "permit", not "ban")."""
    return frozenset(word for text in texts for word in _WORD.findall(fold(text)) if not _syllable(word))


def detect(text: str, known: frozenset[str] = frozenset()) -> str | None:
    """``"vi"``, ``"en"``, or None when the message is too short or too mixed to tell.

    ``known``: more English words (the catalog's own, :func:`english_words`), enough with one
    another to tell a two-word message ("building permit").
    """
    if text.lstrip().startswith("/"):
        return None  # a command: its argument says nothing about the asker's language
    words = _WORD.findall(fold(text))
    if has_vietnamese_marks(text):
        return "vi" if len(words) >= MIN_WORDS else None
    if len(words) == 2 and all((word in _ENGLISH or word in known) and not _syllable(word) for word in words):
        return "en"  # "passport fee", "marriage registration": two English words that no Vietnamese shares
    if len(words) < MIN_WORDS:
        return None
    english = vietnamese = 0
    for word in words:
        syllable = _syllable(word)
        if word in _ENGLISH:
            english += not syllable  # a word of both languages says nothing
        elif syllable:
            vietnamese += 1
        else:
            english += 1
    telling = english + vietnamese
    # Enough English words, or no Vietnamese one beside two English ones ("can i get a visa").
    if english >= 0.6 * telling and (english >= MIN_WORDS or (english >= 2 and not vietnamese)):
        return "en"
    if telling and vietnamese >= 0.8 * telling:
        return "vi"
    return None


__all__ = ["detect", "english_words", "has_vietnamese_marks"]
