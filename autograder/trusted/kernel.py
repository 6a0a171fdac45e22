"""A Jupyter kernel inside the sandbox, reached over Unix sockets.

A kernel in its own network namespace cannot be reached over TCP on 127.0.0.1, so the kernel
speaks jupyter_client's ``ipc`` transport. Nothing the grader's machine keeps is writable from inside:
the kernel reads its connection file read-only and makes its socket files in its own private ``/tmp``
(a size-capped tmpfs), which the grader reaches through ``/proc/<pid>/root`` once the sandbox runs
(:meth:`.sandbox.Sandbox.reach`). Interrupts go as messages on the control channel, since signals sent
to the sandbox's process group would stop bubblewrap itself.
"""

from __future__ import annotations

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
        inside = self.sandbox.connection_inside()
        return self.sandbox.wrap([inside if arg == self.connection_file else arg for arg in command])

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if self.sandbox is not None:  # from now on the grader's side of the sockets is the path it reaches
            self.ip = self.sandbox.reach(self.ip, self.provisioner.process.pid)
