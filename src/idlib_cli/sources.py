"""Citation hygiene, shared by `validate` and `add`: a well-formed http(s) URL, a real
publication date, and the warnings that keep citations clean (tracking parameters, default
ports, a trailing dot in the host, a placeholder where the page's title belongs).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

PUBLISHED_PATTERN = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|_gl|mc_cid|mc_eid|ocid|cmpid|ito)$", re.I)
_PLACEHOLDER = re.compile(r"^\s*[\[(].*[\])]\s*$|url slug|title not shown|untitled", re.I)


def source_warnings(source: Any) -> list[tuple[str, str]]:
    """(field, message) for each thing that keeps a source's citation from being clean."""
    if not isinstance(source, dict):
        return []
    found = []
    url = source.get("url")
    if isinstance(url, str):
        found += [("url", message) for message in url_warnings(url)]
    title = source.get("title")
    if isinstance(title, str) and _PLACEHOLDER.search(title):
        found.append(("title", f"title {title[:60]!r} looks like a placeholder: give the "
                               "page's own title, or leave 'title' out"))
    return found


def url_warnings(url: str) -> list[str]:
    from urllib.parse import parse_qsl

    parts = urlsplit(url)
    found = []
    if any(_TRACKING.match(key) for key, _ in parse_qsl(parts.query, keep_blank_values=True)):
        found.append("the URL carries tracking parameters: remove them")
    if (parts.scheme, parts.port) in (("https", 443), ("http", 80)):
        found.append("the URL names its default port: remove it")
    if (parts.hostname or "").endswith("."):
        found.append("the URL's host ends with a dot: remove it")
    return found


def good_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc and not \
        any(char.isspace() for char in url)


def good_published(text: str) -> bool:
    if not PUBLISHED_PATTERN.match(text):
        return False
    from idlib_cli.dates import parse_edtf
    from idlib_cli.errors import DateError

    try:
        return parse_edtf(text).start <= date.today()
    except DateError:
        return False
