"""Limits a process puts on itself before it runs what a stranger sent: no network, bounded memory.

``deny_network()`` installs a seccomp filter (Linux, x86-64 and AArch64) under which the
process, and every thread and child it starts, can no longer create a socket of any family
but ``AF_UNIX`` (the pipe to its parent) nor set up io_uring: whatever the engine is asked to
do, a ``SERVICE`` call included, it cannot open a connection. Sockets already open stay
usable; the query workers have none but their pipe. The filter cannot be lifted
(``PR_SET_NO_NEW_PRIVS``). Elsewhere the call says it could not, and the caller decides.

``cap_memory(bytes)`` sets ``RLIMIT_AS``: an allocation past it fails in the process (which
then stops) instead of growing the machine's memory.

seccomp filter format: https://www.kernel.org/doc/html/latest/userspace-api/seccomp_filter.html
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct
import sys

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
# BPF instruction classes and modes
_LD_W_ABS = 0x00 | 0x00 | 0x20
_JEQ_K = 0x05 | 0x10 | 0x00
_RET_K = 0x06 | 0x00

#: machine -> (audit architecture, socket, socketpair, io_uring_setup) system call numbers
_ARCHES = {
    "x86_64": (0xC000003E, 41, 53, 425),
    "aarch64": (0xC00000B7, 198, 199, 425),
}


class SandboxUnavailable(OSError):
    """This system cannot confine the process (not Linux, or an unknown processor)."""


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k)


def _jump(code: int, k: int, true: int, false: int) -> bytes:
    return struct.pack("HBBI", code, true, false, k)


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def deny_network() -> None:
    """Forbid this process to create network sockets, for good. Raises
    :class:`SandboxUnavailable` where the system cannot do it."""
    arch = _ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arch is None:
        raise SandboxUnavailable(f"no seccomp filter for {sys.platform} on {platform.machine()}")
    audit_arch, nr_socket, nr_socketpair, nr_io_uring = arch
    refuse = _RET_ERRNO | errno.EACCES
    program = [
        _stmt(_LD_W_ABS, 4),                       # seccomp_data.arch
        _jump(_JEQ_K, audit_arch, 1, 0),
        _stmt(_RET_K, refuse),                     # another ABI (x32, i386): refuse everything
        _stmt(_LD_W_ABS, 0),                       # seccomp_data.nr
        _jump(_JEQ_K, nr_io_uring, 0, 1),
        _stmt(_RET_K, refuse),
        _jump(_JEQ_K, nr_socket, 1, 0),
        _jump(_JEQ_K, nr_socketpair, 0, 3),
        _stmt(_LD_W_ABS, 16),                      # seccomp_data.args[0]: the address family
        _jump(_JEQ_K, socket.AF_UNIX, 1, 0),
        _stmt(_RET_K, refuse),
        _stmt(_RET_K, _RET_ALLOW),
    ]
    code = b"".join(program)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno())}")
    prog = _Program(len(program), code)
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_SECCOMP) failed: {errno.errorcode.get(ctypes.get_errno())}")


def network_denied() -> bool:
    """Whether this process can no longer open a network socket (a check for the tests)."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False


def cap_memory(limit: int) -> None:
    """Limit this process's address space to ``limit`` bytes (no-op where unsupported)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


#: mallopt's parameters (glibc's malloc.h): the most arenas, and the size from which a block
#: is mapped on its own.
_M_ARENA_MAX = -8
_M_MMAP_THRESHOLD = -3
#: Blocks this large or larger get pages of their own, handed back when freed (glibc's default
#: starting value, kept fixed).
MMAP_THRESHOLD = 128 * 1024


def steady_malloc(arenas: int = 2, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Set glibc's malloc so a long-running process does not grow on memory it has freed.

    - At most ``arenas`` arenas (what ``MALLOC_ARENA_MAX`` does from the environment). By
      default each thread that allocates under contention gets an arena of its own, up to
      eight per core, and memory freed in one is not reused by the others: a server's eight
      request threads running queries grew its resident memory by a fifth over 10,000 requests.
    - A fixed ``mmap_threshold``. By default it starts at 128 KiB and rises to the size of any
      mapped block that is freed: once the first page of a large article is dropped, every
      later page's text is cut from the heap, between small long-lived blocks, and the holes
      they leave are too scattered to give back (15,000 page requests by 8 clients left 5.5 MiB
      of free memory in the heap that could not be given back; with the threshold fixed, 0.8).

    Call before the threads start; False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL(None)
        return bool(libc.mallopt(_M_ARENA_MAX, arenas)) and bool(libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold))
    except (OSError, AttributeError):
        return False


def release_free_memory() -> bool:
    """Hand back to the system the memory the C library's malloc holds free (``malloc_trim``),
    after a collection of Python's garbage: what start-up built and dropped (the rows of the
    queries that made the search index and the facts of the text) is otherwise kept by the
    process for good. False where the C library is not glibc."""
    import gc

    gc.collect()
    try:
        return bool(ctypes.CDLL(None).malloc_trim(0))
    except (OSError, AttributeError):
        return False


def resident_bytes(pid: int) -> int | None:
    """The resident memory of a process (Linux), or None when it cannot be read."""
    return _statm(pid, private=False)


def private_bytes(pid: int) -> int | None:
    """The resident memory of a process that is its own (Linux): not the pages of files it
    shares with others (its libraries' code), or None when it cannot be read."""
    return _statm(pid, private=True)


def _statm(pid: int, private: bool) -> int | None:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            fields = handle.read().split()
        return (int(fields[1]) - (int(fields[2]) if private else 0)) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


try:
    import os as _os

    _PAGE = _os.sysconf("SC_PAGE_SIZE")
except (ValueError, OSError, AttributeError):  # pragma: no cover
    _PAGE = 4096
