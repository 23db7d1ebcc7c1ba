"""Folding text for matching: case-, accent- and punctuation-insensitive, any script."""

from __future__ import annotations

import re

# Letters that carry no combining mark to strip but that users type without the accent.
_LOOKALIKE_MAP = {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae"}
_LOOKALIKES = re.compile("[ıøłđßæ]")
# The combining marks of the scripts people search this data in (Latin, Greek, Cyrillic,
# Hebrew, Arabic and Persian), as one class: much faster than asking unicodedata per character.
_COMBINING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NON_WORD = re.compile(r"[\W_]+")
# Invisible characters that only shape how a word is drawn: soft hyphen, zero-width spaces and
# joiners, directional marks, the BOM, and the Arabic tatweel (a stretching stroke). An alias
# typed with one of them must still be found by its plain spelling.
_INVISIBLE = re.compile("[\u00ad\u0640\u180e\u200b-\u200f\u2060-\u2064\ufeff]")


def fold(text: str) -> str:
    """'Türkiye' -> 'turkiye', 'Hay'at Tahrir al-Sham' -> 'hay at tahrir al sham'."""
    if not text.isascii():  # the decomposition is the slow part; most text doesn't need it
        import unicodedata

        text = _INVISIBLE.sub("", text)
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
        text = _LOOKALIKES.sub(lambda match: _LOOKALIKE_MAP[match.group()], text)
    return _NON_WORD.sub(" ", text.lower()).strip()


def name_key(text: str) -> str:
    """How a name is looked up: folded, with the gaps between its words gone, so that
    'al-Nusra', 'al Nusra' and 'alnusra', or 'M-4' and 'M4', are one name."""
    return fold(text).replace(" ", "")


def haystack(parts: list[str]) -> str:
    """Folded text to search: words separated by single spaces, with a space at each end, so
    that ' word' finds a word start and ' word ' a whole word."""
    return " " + " ".join(part for part in map(fold, parts) if part) + " "


def word_pattern(needle: str) -> re.Pattern[str] | None:
    """What `-k NEEDLE` looks for: the needle's characters, in order, starting at a word start,
    with the gaps between words ignored on both sides ('M-4' = 'M4' = 'm 4', 'cease-fire' =
    'ceasefire', 'al nusra' = 'al-Nusra'). None for a needle with no letters or digits."""
    joined = name_key(needle)
    if not joined:
        return None
    return re.compile(" " + " ?".join(map(re.escape, joined)))


def has_words(text: str, needle: str, pattern: re.Pattern[str]) -> bool:
    """Does folded `text` (see `haystack`) hold `needle` (folded) at a word start?"""
    return (" " + needle) in text or pattern.search(text) is not None


# C0/C1 controls (tab and newline handled per format), DEL, and bidirectional overrides and
# isolates, which can reorder what a reader sees.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """Text safe to put on a terminal: escape sequences and overrides shown, not obeyed."""
    return UNSAFE.sub(visible_escape, text)
