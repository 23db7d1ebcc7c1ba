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


def fold(text: str) -> str:
    """'Türkiye' -> 'turkiye', 'Hay'at Tahrir al-Sham' -> 'hay at tahrir al sham'."""
    if not text.isascii():  # the decomposition is the slow part; most text doesn't need it
        import unicodedata

        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
        text = _LOOKALIKES.sub(lambda match: _LOOKALIKE_MAP[match.group()], text)
    return _NON_WORD.sub(" ", text.lower()).strip()


# C0/C1 controls (tab and newline handled per format), DEL, and bidirectional overrides and
# isolates, which can reorder what a reader sees.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert(text: str) -> str:
    """Text safe to put on a terminal: escape sequences and overrides shown, not obeyed."""
    return UNSAFE.sub(visible_escape, text)
