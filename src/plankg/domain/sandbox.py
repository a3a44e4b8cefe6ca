"""Taking the network away from query processes, with the operating system (DESIGN §5).

pyoxigraph executes ``SERVICE`` by opening an HTTP connection, and a guard that reads the query
can be wrong (it was, three ways, in 2026). So each query process installs a seccomp filter on
itself before it opens the store: the ``socket`` system call is refused (``EACCES``) for every
address family but ``AF_UNIX``, and ``io_uring_setup`` (which can create sockets without that
call) is refused outright. Whatever the query says, the process cannot open a connection.

Why seccomp rather than a network namespace or Landlock: a namespace needs ``CAP_SYS_ADMIN`` (or
unprivileged user namespaces, often disabled), so it would not hold for a service run as an
ordinary user; Landlock's network rules (ABI 4, Linux 6.7) cover TCP connect and bind only, not
UDP or raw sockets, and older kernels silently lack them. A seccomp filter needs no privilege
(``PR_SET_NO_NEW_PRIVS``), exists on every Linux since 3.5, covers every socket family, is
inherited by any thread or child, and can never be removed by the process itself.

The filter is a classic BPF program built here (no libseccomp binding needed): it checks the
architecture first (x86-64 or AArch64; system calls of any other architecture, such as i386 calls
made from a 64-bit process, are refused),
refuses x32 system calls on x86-64 (another way to reach ``socket``), and tests the first argument
of ``socket``. :func:`probe` proves, in the process itself, that a TCP socket can no longer be made.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct

#: (AUDIT_ARCH, socket, io_uring_setup) per machine; system call numbers from the kernel's tables.
_ARCHES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_X32_BIT = 0x40000000
# BPF opcodes (linux/filter.h)
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
# offsets in struct seccomp_data: nr, arch, instruction_pointer, args[6] (little-endian low words)
_NR, _ARCH, _ARG0 = 0, 4, 16


class SandboxUnavailable(Exception):
    """The operating system would not take the network away (no seccomp, or an unknown machine)."""


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def _program(arch: int, socket_nr: int, io_uring_nr: int, x32: bool) -> bytes:
    deny = _RET_ERRNO | errno.EACCES
    code: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),  # our architecture: go on; any other (i386 calls from a 64-bit process): refused
        (_RET_K, 0, 0, deny),
        (_LD_W_ABS, 0, 0, _NR),
    ]
    if x32:
        code.append((_JGE_K, 0, 1, _X32_BIT))  # an x32 system call: refused
        code.append((_RET_K, 0, 0, deny))
    code += [
        (_JEQ_K, 0, 1, io_uring_nr),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 1, 0, socket_nr),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_LD_W_ABS, 0, 0, _ARG0),
        (_JEQ_K, 0, 1, socket.AF_UNIX),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, deny),
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in code)


def deny_network() -> None:
    """Install the filter on this process (irreversible); raise :class:`SandboxUnavailable` if it cannot be."""
    machine = platform.machine()
    if machine not in _ARCHES or platform.system() != "Linux":
        raise SandboxUnavailable(f"no seccomp filter for {platform.system()} on {machine}")
    arch, socket_nr, io_uring_nr = _ARCHES[machine]
    program = _program(arch, socket_nr, io_uring_nr, x32=machine == "x86_64")
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_NO_NEW_PRIVS): {errno.errorcode.get(ctypes.get_errno())}")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(PR_SET_SECCOMP): {errno.errorcode.get(ctypes.get_errno())}")


def probe() -> str | None:
    """None when this process cannot make a network socket; otherwise what still works."""
    for family, kind in ((socket.AF_INET, socket.SOCK_STREAM), (socket.AF_INET6, socket.SOCK_DGRAM)):
        try:
            made = socket.socket(family, kind)
        except OSError:
            continue
        made.close()
        return f"this process can still create {family.name}/{kind.name} sockets"
    return None


def check() -> str | None:
    """None when a fresh process can be denied the network here; otherwise why not (run before serving)."""
    import subprocess
    import sys

    program = "from plankg.domain.sandbox import deny_network, probe\ndeny_network()\nprint(probe() or 'held')"
    try:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"the check could not run: {error}"
    said = done.stdout.strip()
    if done.returncode == 0 and said == "held":
        return None
    errors = done.stderr.strip().splitlines()
    return said or (errors[-1] if errors else "the check failed")
