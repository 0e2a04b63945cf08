"""Forked helper processes (read and render workers, the index process) that never
outlive the build that forked them."""

from __future__ import annotations

import ctypes
import os
import signal

from archivist.publish.write import forget_locks

_PR_SET_PDEATHSIG = 1


def detach(parent: int) -> None:
    """Run first in a child forked by `parent`.

    Ctrl-C and SIGTERM are the parent's to handle (it stops its children). The kernel
    kills the child when the parent dies, even by SIGKILL: a worker left blocked on a
    pipe to a dead parent would otherwise live on. The child closes its copies of the
    build-lock descriptors, so the lock is freed the moment the parent is gone.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's EOF ends the worker later
        pass
    forget_locks()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
