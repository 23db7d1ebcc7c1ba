"""Where an index lives, whether it still answers for the stores and this version of idlib,
and the housekeeping of the cache folder (one builder at a time, orphans swept).

An index is trusted only if it was built from these files' content by code that shapes its
content the same way: the fingerprint below hashes the package version and the source of every
module whose change would change what the index stores, so an upgrade can never serve an old
record shape, and no number needs bumping by hand.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from idlib_cli import __version__, settings

if TYPE_CHECKING:
    from _typeshed import StrPath

try:  # the hash itself, without OpenSSL: hashlib's import costs more than hashing the store
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

APPLICATION_ID = 0x49444C42  # "IDLB": tells our files from any other SQLite database
Progress = Callable[[int], Callable[[int], None] | None]  # total bytes -> advance(bytes)
FULL_HASH_LIMIT = 64 * 1024**2  # hash whole files up to this size on every run
SAMPLES = 64  # blocks read from a larger file when its size and mtime are unchanged
CHUNK = 1024**2

# The modules that decide what an index holds: parsing, facts, folding, records, the build.
SHAPING = ("model.py", "dates.py", "text.py", "parse.py", "store.py", "rules.py", "query.py",
           "records.py")  # and every module of this package (index/*.py): see shaping_files()


class IndexUnavailable(Exception):
    """This engine can't answer for these stores; use the in-memory one."""


def posting_key(facet: str, value: str) -> str:
    """How a facet's value names its list of row ids in the index."""
    return f"{facet}\x1f{value}"


def shaping_files() -> tuple[str, ...]:
    """The files, relative to the package, whose source the fingerprint hashes."""
    here = os.path.dirname(os.path.abspath(__file__))
    return (*SHAPING, *sorted(f"index/{name}" for name in os.listdir(here)
                              if name.endswith(".py")))


def fingerprint() -> str:
    """The version, and the name, size and modification time of each shaping module, hashed.

    Stat, not content: reading and hashing the modules on every run cost more than the rest of
    opening the index. Installing another version writes new files, and editing one changes
    its time, so either gives a new fingerprint; a byte-identical reinstall rebuilds once."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    hasher = blake2b(__version__.encode(), digest_size=12)
    for name in shaping_files():
        try:
            info = os.stat(os.path.join(package, name))
            hasher.update(f"{name}:{info.st_size}:{info.st_mtime_ns};".encode())
        except OSError:
            hasher.update(b"?" + name.encode())
    return hasher.hexdigest()


def index_path(paths: Sequence[StrPath]) -> str:
    key = "\n".join(os.path.realpath(path) for path in paths)
    digest = blake2b(key.encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    name = f"index-{digest}.sqlite"
    return os.path.join(settings.cache_dir(), name)


def _digest(path: StrPath, size: int, *, sampled: bool) -> str:
    """A content hash: the whole file, or for a large unchanged-looking file, spread samples."""
    hasher = blake2b(digest_size=16)
    with open(path, "rb") as handle:
        if not sampled:
            while block := handle.read(CHUNK):
                hasher.update(block)
            return "full:" + hasher.hexdigest()
        for n in range(SAMPLES + 1):
            handle.seek(max(0, (size - 65536) * n // SAMPLES))
            hasher.update(handle.read(65536))
    return "sampled:" + hasher.hexdigest()


class FileState(NamedTuple):
    path: str
    size: int
    mtime_ns: int
    full: str  # full content hash, taken when the index was built
    sampled: str | None  # sampled hash, for large files


def file_state(path: StrPath) -> FileState:
    info = os.stat(path)
    sampled = _digest(path, info.st_size, sampled=True) if info.st_size > FULL_HASH_LIMIT \
        else None
    return FileState(os.path.realpath(path), info.st_size, info.st_mtime_ns,
                     _digest(path, info.st_size, sampled=False), sampled)


def still_current(recorded: FileState, path: StrPath) -> bool:
    """Is the file's content what the index was built from?

    Small files are hashed in full every time. A large file whose size and mtime are unchanged
    is checked by sampled blocks (hashing a gigabyte on every query would cost seconds); if its
    size or mtime changed, it is hashed in full, so a `touch` alone doesn't force a rebuild.
    """
    try:
        info = os.stat(path)
    except OSError:
        return False
    if info.st_size != recorded.size:
        return False
    if info.st_size <= FULL_HASH_LIMIT:
        return _digest(path, info.st_size, sampled=False) == recorded.full
    if info.st_mtime_ns == recorded.mtime_ns:
        return _digest(path, info.st_size, sampled=True) == recorded.sampled
    return _digest(path, info.st_size, sampled=False) == recorded.full


def sweep_orphans(folder: str, max_age_seconds: float = 3600) -> None:
    """Temporary files of builds that were killed: older than an hour, nobody is writing them."""
    import time

    with contextlib.suppress(OSError):
        now = time.time()
        for other in os.listdir(folder):
            if other.startswith(".index-") and ".tmp" in other:
                path = os.path.join(folder, other)
                with contextlib.suppress(OSError):
                    if now - os.stat(path).st_mtime > max_age_seconds:
                        os.unlink(path)


@contextlib.contextmanager
def build_lock(target: str) -> Iterator[None]:
    """One builder at a time per index: the others wait, then find the index ready."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - no flock: builds still never clash (own names)
        yield
        return
    with open(target + ".lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
