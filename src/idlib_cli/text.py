"""Folding text for matching: case-, accent- and punctuation-insensitive, any script."""

from __future__ import annotations

import re
import unicodedata

# Letters that carry no combining mark to strip but that users type without the accent.
_LOOKALIKES = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae"})
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """'Türkiye' -> 'turkiye', 'Hay'at Tahrir al-Sham' -> 'hay at tahrir al sham'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", stripped.translate(_LOOKALIKES)).strip()
