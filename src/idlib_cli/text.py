"""Folding text for matching: case-, accent- and punctuation-insensitive, any script."""

from __future__ import annotations

import re
import unicodedata

# Letters that carry no combining mark to strip but that users type without the accent.
_LOOKALIKES = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae"})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """'Türkiye' -> 'turkiye', 'Hay'at Tahrir al-Sham' -> 'hay at tahrir al sham'."""
    if not text.isascii():  # the decomposition is the slow part; most text doesn't need it
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LOOKALIKES)
    return _NON_WORD.sub(" ", text.lower()).strip()
