"""One way to say "did you mean": every unknown name the user types gets the same kind of hint."""

from __future__ import annotations

from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The choices nearest to `word`, best first (difflib is imported only on this error path).

    A choice that starts with what was typed comes first: `--sinse` is nearer `--since` than
    `--json` for a person, whatever the edit distance says."""
    import difflib

    pool = list(dict.fromkeys(choices))
    close = difflib.get_close_matches(word, pool, n=n, cutoff=cutoff)
    start = word.lstrip("-")[:2]
    prefixed = [c for c in close if start and c.lstrip("-").startswith(start)]
    return list(dict.fromkeys([*prefixed, *close]))[:n]


def hint(word: str, choices: Iterable[str], *, listing: str = "", n: int = 3) -> str:
    """'did you mean a or b?' when something is close; otherwise `listing` (how to see them)."""
    close = closest(word, choices, n=n)
    if close:
        return f"did you mean {' or '.join(close)}?"
    return listing


def shorten(text: str, limit: int = 60) -> str:
    """What the user typed, quoted back without flooding the line."""
    return text if len(text) <= limit else text[:limit - 3] + "..."
