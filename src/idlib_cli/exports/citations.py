"""The sources of the selected events as citations: CSL-JSON (Zotero, Pandoc, citeproc) and
BibTeX (biblatex `@online`).

Each page is cited once (de-duplicated by URL) under a key built from publisher, date and the
first words of the title, ending in four hex digits of the URL's hash: the key depends on the
page alone, never on what else was selected, so keys from two exports can be merged. (Without
the hash, undated pages of one publisher collide: "UN OCHA, Situation Report No. 10 / 11 / 12"
all start alike, and a suffix given only on collision would change with the selection.) Only
http(s) URLs are carried into a citation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from idlib_cli.exports.common import (
    Record,
    is_http_url,
    json_text,
    one_line,
    source_key,
    unique_sources,
)
from idlib_cli.exports.context import ExportContext

_STOPWORDS = frozenset(("a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of",
                        "on", "or", "the", "to", "with", "via"))
# Words in a publisher's name that mark a newspaper, broadcaster or wire service; anything else
# (ministries, the UN, NGOs, Wikipedia, blogs) is cited as a web page.
_NEWS_WORDS = frozenset((
    "afp", "ap", "anadolu", "associated", "agency", "bbc", "broadcasting", "daily", "globe",
    "gazette", "guardian", "herald", "hurriyet", "independent", "interfax", "journal", "mail",
    "monitor", "news", "newspaper", "observer", "post", "press", "reuters", "rt", "sabah",
    "sputnik", "star", "tass", "telegraph", "times", "tribune", "trt", "xinhua"))
_NOT_NEWS = re.compile(r"\bpress release\b", re.IGNORECASE)


def _ascii_words(text: Any) -> list[str]:
    """Lower-case ASCII words: accents dropped, everything else a separator."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", plain.lower())


def _base_key(source: Record) -> str:
    publisher_text = re.sub(r"\(.*?\)", " ", str(source.get("publisher") or ""))
    publisher = "".join(_ascii_words(publisher_text)[:2]) or "anon"
    published = str(source.get("published") or "")
    when = published if re.fullmatch(r"\d{4}(-\d{2}){0,2}", published) else "nd"
    words = [w for w in _ascii_words(source.get("title")) if w not in _STOPWORDS][:3]
    return "-".join([publisher, when, *words])


def _url_hash(source: Record) -> str:
    return hashlib.sha1(source_key(source).encode("utf-8", "surrogatepass"),
                        usedforsecurity=False).hexdigest()[:4]


def citation_key(source: Record) -> str:
    """publisher-date-title-words-hash, e.g. "tass-2020-03-05-erdogan-putin-agree-9f1c"."""
    return f"{_base_key(source)}-{_url_hash(source)}"


def keyed_sources(records: Sequence[Record]) -> list[tuple[str, Record]]:
    """Each unique source with its stable key, in first-cited order."""
    return [(citation_key(source), source) for source in unique_sources(records)]


def _date_parts(iso: str) -> list[list[int]] | None:
    if not re.fullmatch(r"\d{4}(-\d{2}){0,2}", iso):
        return None
    return [[int(part) for part in iso.split("-")]]


def is_news(publisher: Any) -> bool:
    """A guess from the publisher's name; a wrong guess only changes the citation's layout."""
    return not _NOT_NEWS.search(str(publisher or "")) and \
        any(word in _NEWS_WORDS for word in _ascii_words(publisher))


def csl_item(key: str, source: Record, accessed: str) -> Record:
    """One CSL-JSON item: the publisher is the container (the site or paper it appeared in)."""
    item: Record = {"id": key,
                    "type": "article-newspaper" if is_news(source.get("publisher")) else "webpage"}
    if one_line(source.get("title")):  # a page that shows no title gets none, not a placeholder
        item["title"] = one_line(source.get("title"))
    if one_line(source.get("publisher")):
        item["container-title"] = one_line(source.get("publisher"))
    if is_http_url(source.get("url")):
        item["URL"] = source["url"]
    issued = _date_parts(str(source.get("published") or ""))
    if issued:
        item["issued"] = {"date-parts": issued}
    accessed_parts = _date_parts(accessed)
    if accessed_parts:
        item["accessed"] = {"date-parts": accessed_parts}
    return item


def write_csl_json(records: Sequence[dict[str, Any]], stream: TextIO,
                   context: ExportContext) -> None:
    items = [csl_item(key, source, context.accessed) for key, source in keyed_sources(records)]
    stream.write(json_text(items, indent=2) + "\n")


_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                   "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}",
                   "~": r"\textasciitilde{}"}
_LATEX_ACTIVE = re.compile(r"[\\{}$&%#_^~]")


def bibtex_text(value: Any) -> str:
    """A field value with LaTeX's special characters escaped, so braces always balance and
    nothing in store text becomes a command."""
    return _LATEX_ACTIVE.sub(lambda m: _LATEX_SPECIALS[m.group()], one_line(value))


def _bibtex_fields(source: Record, accessed: str) -> Iterator[tuple[str, str]]:
    if source.get("title"):  # a page that shows no title gets none, not a placeholder
        yield "title", bibtex_text(source.get("title"))
    if one_line(source.get("publisher")):
        yield "organization", bibtex_text(source.get("publisher"))
    published = str(source.get("published") or "")
    if _date_parts(published):
        yield "date", published
        yield "year", published[:4]
    if is_http_url(source.get("url")):
        # biblatex reads url verbatim; only braces would unbalance the field, so they are
        # percent-encoded (the same URL to a browser).
        yield "url", str(source["url"]).replace("{", "%7B").replace("}", "%7D")
    if _date_parts(accessed):
        yield "urldate", accessed


def bibtex_entry(key: str, source: Record, accessed: str) -> str:
    fields = ",\n".join(f"  {name} = {{{value}}}"
                        for name, value in _bibtex_fields(source, accessed))
    return f"@online{{{key},\n{fields}\n}}\n"


def write_bibtex(records: Sequence[dict[str, Any]], stream: TextIO,
                 context: ExportContext) -> None:
    entries = [bibtex_entry(key, source, context.accessed)
               for key, source in keyed_sources(records)]
    stream.write("\n".join(entries))


write = write_csl_json
"""The module's `write` is CSL-JSON; `write_bibtex` is the BibTeX writer."""
