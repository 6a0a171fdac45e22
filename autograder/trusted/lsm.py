"""Linux's own confinement, callable by any user: Landlock (files, TCP, signals) and seccomp (sockets).

Standard library only (``ctypes``): :mod:`.confine` imports this module in a process started with
``python -I -S``, before it runs learner code. Landlock is a kernel interface (syscalls 444-446), not a
library; seccomp filters are built with Debian's ``libseccomp`` (``libseccomp.so.2``).

- :func:`landlock_abi`: the Landlock ABI version this kernel offers (0: none).
- :func:`restrict_paths`: from now on this process and its children may read only the ``read`` paths
  and read and write only the ``write`` paths; no TCP bind or connect; no signals to, and no abstract
  Unix sockets of, processes outside (ABI 6 and later).
- :func:`deny_network_sockets`: a seccomp filter: network sockets (Unix ones and reading the interface
  list stay), ptrace, io_uring and
  other kernel interfaces learner code never needs fail with an error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import socket

__all__ = ["MINIMUM_ABI", "deny_network_sockets", "landlock_abi", "restrict_paths", "seccomp_available"]

MINIMUM_ABI = 6  # 4: TCP rules; 6: signals and abstract Unix sockets scoped to the sandbox
_CREATE, _ADD_RULE, _RESTRICT = 444, 445, 446  # the same numbers on every architecture
_VERSION_FLAG, _PATH_BENEATH, _NO_NEW_PRIVS = 1, 1, 38
_EXECUTE, _WRITE, _READ_FILE, _READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_BITS = {1: 13, 2: 14, 3: 15, 4: 15, 5: 16}  # how many filesystem rights each ABI handles
_FILE_ONLY = _EXECUTE | _WRITE | _READ_FILE | (1 << 14) | (1 << 15)  # rights a rule on a file may hold
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class _Ruleset(ctypes.Structure):
    _fields_ = (("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64))


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = (("allowed", ctypes.c_uint64), ("fd", ctypes.c_int32))


def landlock_abi() -> int:
    """The Landlock ABI version of this kernel, 0 where Landlock is missing or disabled."""
    version = _libc.syscall(_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(_VERSION_FLAG))
    return max(int(version), 0)


def _call(number: int, *args) -> int:
    result = _libc.syscall(number, *args)
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"landlock syscall {number}: {os.strerror(code)}")
    return int(result)


def restrict_paths(read: list[str], write: list[str]) -> int:
    """Confine this process (and what it starts) to ``read`` and ``write``; returns the ABI used."""
    abi = landlock_abi()
    if abi < MINIMUM_ABI:
        raise OSError(errno.ENOSYS, f"Landlock ABI {abi} < {MINIMUM_ABI}")
    every = (1 << _FS_BITS.get(abi, 16)) - 1
    ruleset = _Ruleset(fs=every, net=0b11, scoped=0b11)  # TCP bind and connect; abstract sockets, signals
    fd = _call(_CREATE, ctypes.byref(ruleset), ctypes.c_size_t(ctypes.sizeof(ruleset)), ctypes.c_uint32(0))
    try:
        for paths, rights in ((read, _EXECUTE | _READ_FILE | _READ_DIR), (write, every)):
            for path in paths:
                _allow(fd, path, rights)
        if _libc.prctl(_NO_NEW_PRIVS, 1, 0, 0, 0):
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
        _call(_RESTRICT, ctypes.c_int(fd), ctypes.c_uint32(0))
    finally:
        os.close(fd)
    return abi


def _allow(ruleset: int, path: str, rights: int) -> None:
    try:
        target = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path that does not exist here needs no rule
    try:
        if not os.path.isdir(path):
            rights &= _FILE_ONLY
        rule = _PathBeneath(allowed=rights, fd=target)
        _call(_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_PATH_BENEATH), ctypes.byref(rule),
              ctypes.c_uint32(0))
    finally:
        os.close(target)


class _ArgCmp(ctypes.Structure):
    _fields_ = (("arg", ctypes.c_uint), ("op", ctypes.c_int), ("a", ctypes.c_uint64), ("b", ctypes.c_uint64))


_ALLOW, _NOT_EQUAL, _EQUAL, _GREATER_EQUAL = 0x7FFF0000, 1, 4, 5
_FAMILIES = 64  # address families are below this (AF_MAX is 46 in Linux 6.18)
DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "io_uring_setup", "bpf", "perf_event_open",
          "userfaultfd", "keyctl", "add_key", "request_key", "mount", "umount2", "pivot_root", "setns",
          "unshare", "kexec_load", "init_module", "finit_module")


def _libseccomp():
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = (ctypes.c_uint32,)
    lib.seccomp_syscall_resolve_name.argtypes = (ctypes.c_char_p,)
    lib.seccomp_rule_add_array.argtypes = (ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint,
                                           ctypes.POINTER(_ArgCmp))
    lib.seccomp_load.argtypes = (ctypes.c_void_p,)
    lib.seccomp_release.argtypes = (ctypes.c_void_p,)
    return lib


def seccomp_available() -> bool:
    """Can seccomp filters be built here (``libseccomp.so.2`` is installed)?"""
    return _libseccomp() is not None


def deny_network_sockets() -> None:
    """From now on: socket() of any family but AF_UNIX (and NETLINK_ROUTE) fails (EAFNOSUPPORT), and the calls in
    :data:`DENIED` fail (EPERM). Needs no_new_privs (set by :func:`restrict_paths`)."""
    lib = _libseccomp()
    if lib is None:
        raise OSError(errno.ENOSYS, "libseccomp.so.2 is not installed")
    ctx = lib.seccomp_init(_ALLOW)
    try:
        refuse = 0x00050000 | errno.EAFNOSUPPORT
        for family in range(_FAMILIES):  # one rule a family: libseccomp compares an argument once per rule
            if family not in (socket.AF_UNIX, socket.AF_NETLINK):
                _rule(lib, ctx, "socket", refuse, (_ArgCmp * 1)(_ArgCmp(0, _EQUAL, family, 0)))
        _rule(lib, ctx, "socket", refuse, (_ArgCmp * 1)(_ArgCmp(0, _GREATER_EQUAL, _FAMILIES, 0)))
        # Netlink only to read the interfaces (NETLINK_ROUTE, as libzmq's address resolver does); without
        # capabilities it can change nothing.
        route_only = (_ArgCmp * 2)(_ArgCmp(0, _EQUAL, socket.AF_NETLINK, 0), _ArgCmp(2, _NOT_EQUAL, 0, 0))
        _rule(lib, ctx, "socket", refuse, route_only)
        for name in DENIED:
            _rule(lib, ctx, name, 0x00050000 | errno.EPERM, None)
        if lib.seccomp_load(ctx):
            raise OSError(errno.EPERM, "seccomp_load failed")
    finally:
        lib.seccomp_release(ctx)


def _rule(lib, ctx, name: str, action: int, args) -> None:
    number = lib.seccomp_syscall_resolve_name(name.encode())
    if number < 0:
        return  # not a call on this architecture
    if lib.seccomp_rule_add_array(ctx, action, number, len(args) if args else 0, args):
        raise OSError(errno.EINVAL, f"seccomp rule for {name} was refused")
