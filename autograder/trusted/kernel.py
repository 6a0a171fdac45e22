"""A Jupyter kernel inside the sandbox, reached over Unix sockets.

A kernel in its own network namespace cannot be reached over TCP on 127.0.0.1, so the kernel
speaks jupyter_client's ``ipc`` transport: its sockets are files in a private folder that both
sides see. Interrupts go as messages on the control channel, since signals sent to the
sandbox's process group would stop bubblewrap itself.
"""

from __future__ import annotations

import os

from jupyter_client.manager import AsyncKernelManager

from .sandbox import Sandbox

__all__ = ["SandboxedKernelManager"]


class SandboxedKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernel command runs inside :attr:`sandbox`."""

    sandbox: Sandbox | None = None

    def format_kernel_cmd(self, extra_arguments=None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        if self.sandbox is None:
            return command
        self.kernel_spec.interrupt_mode = "message"
        os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)
        return self.sandbox.wrap(command)

