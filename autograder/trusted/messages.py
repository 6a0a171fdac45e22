"""What a learner's kernel sends the grader, bounded while it is received, not after.

Learner code can write anything to the kernel's sockets: huge messages, a flood of them, JSON nested
deeper than a parser's stack, messages that are not Jupyter messages at all. Three bounds, applied by
:class:`~.execute.BoundedClient`:

- the client's sockets refuse any message larger than :func:`message_bytes` (``zmq.MAXMSGSIZE``: ZMQ
  drops it, and the connection, before a byte reaches Python; :func:`reconnect` connects again, so only
  that message is lost) and queue at most :data:`QUEUE_BYTES` of messages (``zmq.RCVHWM``);
- a message that cannot be decoded (nested too deep for the JSON parser, forged, not a dict) is
  :func:`dropped` as it is decoded: it reaches no cell, and it is the learner's output that is lost,
  not the grading;
- an output nested more than :data:`DEPTH` levels deep is not kept (:func:`too_deep`): writing the
  graded notebook would need a deeper stack than Python has.

What is kept is then counted against the notebook's output cap (``Budget.output_bytes``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import zmq
import zmq.asyncio
from zmq.utils.monitor import recv_monitor_message

__all__ = ["DEPTH", "DROPPED", "QUEUE_BYTES", "bound", "dropped", "message_bytes", "reconnect", "size", "too_deep"]

DEPTH = 64  # levels of nesting an output may have (Jupyter's own outputs have a handful)
# The smallest cap on one message: far above any output a notebook keeps (1 MB), small enough to decode
# within the grader's memory bound.
MESSAGE_FLOOR = 16 * 2**20
QUEUE_BYTES = 64 * 2**20  # messages waiting in the client's socket queues, at most
SETTLE_SECONDS = 0.5  # after a disconnect, how long to wait before telling a dropped link from a dead kernel
DROPPED = "autograder_dropped"  # the msg_type of a message that could not be decoded
UNREADABLE = (RecursionError, ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError)


def message_bytes(output_bytes: int) -> int:
    """The largest message the client accepts: the output cap and some room, at least 16 MB."""
    return max(MESSAGE_FLOOR, output_bytes + 65_536)


def bound(kc, output_bytes: int):
    """``kc`` (a new kernel client, before its channels start) with bounded sockets and checked decoding."""
    limit = message_bytes(output_bytes)
    kc.context.setsockopt(zmq.MAXMSGSIZE, limit)  # the context's defaults apply to the sockets made after
    kc.context.setsockopt(zmq.RCVHWM, max(1, QUEUE_BYTES // limit))
    decode = kc.session.deserialize

    def deserialize(msg_list, content=True, copy=True):
        try:
            msg = decode(msg_list, content=content, copy=copy)
        except UNREADABLE:
            return dropped()
        return msg if _well_formed(msg) else dropped()

    kc.session.deserialize = deserialize
    return kc


async def reconnect(sockets: list, alive=lambda: True) -> None:
    """Connect again each of the client's asyncio ``sockets`` that ZMQ disconnects: it does so after a message
    larger than ``MAXMSGSIZE``, and then stays disconnected, which would lose every later output. Runs until
    cancelled (before the sockets are closed). Nothing is reconnected once ``alive()`` is false: a dead kernel's
    sockets all drop, and disconnecting a pipe that is half-way through a message aborts ZMQ."""
    monitors = {socket.get_monitor_socket(zmq.EVENT_DISCONNECTED): socket for socket in sockets}
    poller = zmq.asyncio.Poller()
    for monitor in monitors:
        poller.register(monitor, zmq.POLLIN)
    try:
        while True:
            for monitor, _ in await poller.poll():
                event = await recv_monitor_message(monitor)
                await asyncio.sleep(SETTLE_SECONDS)  # a kernel that died takes its sandbox with it by then
                if not alive():
                    continue
                endpoint = event["endpoint"].decode() if isinstance(event["endpoint"], bytes) else event["endpoint"]
                with contextlib.suppress(zmq.ZMQError):
                    monitors[monitor].disconnect(endpoint)
                    monitors[monitor].connect(endpoint)
    finally:
        for monitor, socket in monitors.items():
            with contextlib.suppress(zmq.ZMQError):
                socket.disable_monitor()
            monitor.close(linger=0)


def dropped() -> dict:
    """A message that stands for one that could not be decoded: it answers no request and reaches no cell."""
    header = {"msg_id": "", "msg_type": DROPPED, "session": "", "username": "", "version": ""}
    return {"header": header, "msg_id": "", "msg_type": DROPPED, "parent_header": {}, "metadata": {},
            "content": {}, "buffers": []}


def _well_formed(msg: object) -> bool:
    if not isinstance(msg, dict) or not isinstance(msg.get("msg_type"), str):
        return False
    parts = [msg.get(key) for key in ("header", "parent_header", "metadata", "content")]
    return all(isinstance(part, dict) for part in parts) and isinstance(parts[1].get("msg_id", ""), str)


def too_deep(value: object, limit: int = DEPTH) -> bool:
    """Whether ``value`` (decoded JSON) nests more than ``limit`` levels deep; no recursion, so any depth."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def size(content: object) -> int:
    """The bytes ``content`` takes as JSON (call :func:`too_deep` first: JSON encoding recurses)."""
    return len(json.dumps(content, default=str))
