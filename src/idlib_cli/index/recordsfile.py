"""The records file: every event's output JSON once, in row-id (chronological) order, then an
aligned table of where each record starts. Printing half a million records is then slicing and
joining bytes of a mapped file, not fetching rows or building objects.

Layout: magic, an 8-byte build token (which index it belongs to), the records, padding to 8
bytes, `count + 1` little 64-bit offsets, then a CRC-32 of every 64 KiB block of all that, and
last the length of what the CRCs cover.

Why checksums: a cache file damaged in place (a zeroed page, a bad sector) keeps its size, its
header and its table, and would be served as invalid JSON. The reader verifies each block the
first time it serves bytes from it (so a query pays only for the blocks it touches, once per
process) and raises IndexDamaged instead of serving a block that fails.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct
from array import array
from collections.abc import Iterator, Sequence
from typing import IO

MAGIC = b"IDLBREC3"
HEADER = len(MAGIC) + 8
BATCH = 8192  # records handed to the writer at a time
SHIFT = 16  # checksummed blocks of 64 KiB: small next to a broad query, large next to a record
BLOCK = 1 << SHIFT
DENSE = 4  # a batch choosing one row in DENSE or more of its span is checked in one pass
TRAILER = struct.Struct("<Q")
RELEASE = getattr(mmap, "MADV_DONTNEED", None)  # not on Windows


class IndexDamaged(ValueError):
    """Part of the index fails a check (a records block its checksum): it can't be trusted."""


def records_path(target: str, token: str) -> str:
    """The records file that goes with the index at `target`, built by the build `token`."""
    return f"{target.removesuffix('.sqlite')}-{token}.records"


def _crc32(data: bytes | memoryview) -> int:
    # zlib is imported when first needed: it costs a millisecond, and the fast path counts them.
    from zlib import crc32

    return crc32(data)


class Writer:
    """Appends records to a scratch file as the build goes, remembering where each one is."""

    def __init__(self, scratch: IO[bytes], token: str) -> None:
        self.scratch = scratch
        scratch.write(MAGIC + bytes.fromhex(token))
        self.written = scratch.tell()
        self.spans = array("Q")  # per row id: where its record starts, and its length

    def append(self, data: bytes) -> None:
        self.spans.extend(self.write(data))

    def write(self, data: bytes) -> tuple[int, int]:
        self.scratch.seek(self.written)
        self.scratch.write(data)
        self.written += len(data)
        return self.written - len(data), len(data)

    def placeholder(self) -> None:
        """A row whose record is written later (its actors or place come later in the files)."""
        self.spans.extend((0, 0))

    def fill(self, rowid: int, data: bytes) -> None:
        self.spans[2 * rowid - 2:2 * rowid] = array("Q", self.write(data))

    def seal(self, order: Sequence[int] | None, path: str) -> None:
        """Records in row-id order, then where each one starts, then the blocks' checksums.

        Usually the scratch file is already in row-id order and only gains the tables; a store
        out of date order (or with definitions after their events) is copied over.
        """
        spans, scratch = self.spans, self.scratch
        if order is None:
            starts = array("Q", spans[0::2])
            starts.append(self.written)
            out = scratch
        else:
            out = open(path + ".sorted", "w+b")  # noqa: SIM115 - closed below
            scratch.seek(0)
            out.write(scratch.read(HEADER))
            starts = array("Q", [HEADER])
            for rowid in order:
                scratch.seek(spans[2 * rowid - 2])
                out.write(scratch.read(spans[2 * rowid - 1]))
                starts.append(starts[-1] + spans[2 * rowid - 1])
        out.seek(starts[-1])
        out.write(b"\0" * (-starts[-1] % 8))  # the table of starts is read in place: align it
        out.write(starts.tobytes())
        _append_checksums(out)
        if out is not scratch:
            out.close()
            os.replace(path + ".sorted", path)


def _append_checksums(out: IO[bytes]) -> None:
    """A CRC-32 of each block of what `out` holds, appended, then the length they cover."""
    sealed = out.tell()
    out.flush()
    out.seek(0)
    sums = array("I")
    while block := out.read(BLOCK):
        sums.append(_crc32(block))
    out.seek(sealed)
    out.write(sums.tobytes())
    out.write(TRAILER.pack(sealed))


class Records:
    """The records file, mapped. Matching records are handed out as slices of the mapping,
    each from blocks that passed their checksum."""

    def __init__(self, path: str, token: str, count: int) -> None:
        with open(path, "rb") as handle:
            self.map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        size = len(self.map)
        (sealed,) = TRAILER.unpack_from(self.map, size - TRAILER.size) if size > HEADER else (0,)
        blocks = -(-sealed // BLOCK)
        self.table = sealed - 8 * (count + 1)  # where the table of starts begins
        if self.table < HEADER or self.table % 8 or size != sealed + 4 * blocks + TRAILER.size \
                or self.map[:HEADER] != MAGIC + bytes.fromhex(token):
            raise ValueError("records file doesn't belong to this index")
        self.view = memoryview(self.map)
        self.starts = self.view[self.table:sealed].cast("Q")
        self.sums = self.view[sealed:sealed + 4 * blocks].cast("I")
        self.sealed = sealed
        self.verified = bytearray(blocks)  # 1 for each block already checked by this process
        if self.starts[0] != HEADER or not self.table - 8 < self.starts[count] <= self.table:
            raise ValueError("records file is damaged")
        self.count = count

    def get(self, rowid: int) -> bytes:
        self._check_table(rowid, rowid)
        begin, end = self.starts[rowid - 1], self.starts[rowid]
        self._check(begin, end)
        return self.map[begin:end]

    def batches(self, rows: Sequence[int]) -> Iterator[list[memoryview]]:
        """The records of `rows`, a batch at a time, each batch checked before it is handed
        out (so what was handed out before damage shows is whole)."""
        view, starts = self.view, self.starts
        for first in range(0, len(rows), BATCH):
            chosen = rows[first:first + BATCH]
            low, high = min(chosen), max(chosen)
            self._check_rows(chosen, low, high)
            yield [view[starts[row - 1]:starts[row]] for row in chosen]
            self._release(starts[low - 1], starts[high])

    def _check_rows(self, chosen: Sequence[int], low: int, high: int) -> None:
        """Verify the blocks that hold the records of `chosen` (row ids from `low` to `high`).

        A batch that chooses one row in DENSE of its span or more is checked in one pass over
        the span: most of its blocks hold a chosen record anyway, and a Python step per row
        would cost more than hashing the rest. A sparser one is checked row by row, and each
        block is unmapped once hashed (the pages printed are mapped again from the page cache),
        so its resident memory stays that of the records printed.
        """
        self._check_table(low, high)
        starts = self.starts
        if high - low < DENSE * len(chosen):
            self._check(starts[low - 1], starts[high])
            return
        for row in chosen:
            self._check(starts[row - 1], starts[row], release=True)

    def _check_table(self, low: int, high: int) -> None:
        """The entries of the table of starts that bound rows `low` to `high`."""
        self._check(self.table + 8 * (low - 1), self.table + 8 * (high + 1))

    def _check(self, begin: int, end: int, *, release: bool = False) -> None:
        """Every block that [begin, end) touches matches its checksum, or IndexDamaged."""
        if not begin <= end <= self.sealed:
            raise IndexDamaged(f"records file: bytes {begin}..{end} lie outside it")
        if begin == end:
            return
        first, last = begin >> SHIFT, (end - 1) >> SHIFT
        if self.verified.find(0, first, last + 1) < 0:
            return  # the usual case once a block has been read: nothing left to check
        for block in range(first, last + 1):
            if not self.verified[block]:
                lo, hi = block << SHIFT, min((block + 1) << SHIFT, self.sealed)
                if _crc32(self.view[lo:hi]) != self.sums[block]:
                    raise IndexDamaged(f"records file: block {block} fails its checksum")
                self.verified[block] = 1
                if release:
                    self._release(lo, hi)

    def _release(self, begin: int, end: int) -> None:
        """Unmap pages already written out. They stay in the page cache; without this, a
        broad query over a big store would count most of the file in its resident memory."""
        if RELEASE is not None:
            begin -= begin % mmap.PAGESIZE
            with contextlib.suppress(OSError, ValueError):
                self.map.madvise(RELEASE, begin, end - begin)
