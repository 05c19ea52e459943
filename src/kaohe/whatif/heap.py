"""Keeping a study's freed memory in the process for its next chunk (glibc only).

Each chunk of a study allocates and frees the same arrays of ``(scenarios,
entities)`` values, tens of MB on a county's data. By default glibc gives
the top of its heap back to the system as soon as a few tens of MB are
free there, so the next chunk's arrays fault every page in again (on W1
what-ifs about a tenth of a batch's processor time). :func:`kept_heap`
lets the heap keep up to ``keep`` bytes freed at its top while a study
runs, and hands arrays of up to :data:`HEAP_ARRAYS` bytes out of the heap
(glibc's own largest dynamic choice), so that no freed chunk's array is
returned to the system between chunks. The values computed do not change;
where the C library is not glibc nothing is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
from collections.abc import Iterator

#: ``mallopt`` parameters (glibc's ``malloc.h``).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Arrays up to this size come from the heap (glibc's largest dynamic threshold).
HEAP_ARRAYS = 32 * 1024**2
#: The trim threshold when a study is done: glibc's dynamic rule, twice the above.
AFTER_TRIM = 2 * HEAP_ARRAYS
#: Freed memory the heap may keep at its top while a study runs.
KEEP = 256 * 1024**2


def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 (only glibc has it)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


@contextlib.contextmanager
def kept_heap(keep: int = KEEP) -> Iterator[None]:
    """While inside, freed memory up to ``keep`` bytes stays in the heap; on leaving,
    the heap keeps what glibc's dynamic rule keeps for arrays of up to
    :data:`HEAP_ARRAYS` (:data:`AFTER_TRIM`), which keep coming from the heap."""
    libc = _glibc()
    if libc is None:
        yield
        return
    libc.mallopt(M_MMAP_THRESHOLD, HEAP_ARRAYS)
    libc.mallopt(M_TRIM_THRESHOLD, keep)
    try:
        yield
    finally:
        libc.mallopt(M_TRIM_THRESHOLD, AFTER_TRIM)
