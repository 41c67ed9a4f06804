"""A local SMTP server that keeps what it receives in memory: for the integration test and the
benchmark (needs aiosmtpd, a test dependency). Not used by the portal itself."""

import asyncio
import socket
import threading
from collections import Counter
from email.parser import BytesHeaderParser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    """Accepts every message and records (recipient, Message-ID).

    `hold_after(n)`: once n messages are stored, each further DATA waits for `release()` and is
    then refused with a 451 without being stored: the message was never accepted, exactly as
    with a server that did not answer before the client died."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[str, str]] = []
        self._hold_after: int | None = None
        self.held = 0  # sessions waiting for their reply
        self._released = threading.Event()

    def hold_after(self, count: int) -> None:
        self._hold_after = count

    def release(self) -> None:
        self._hold_after = None
        self._released.set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self._hold_after is not None and len(self.received) >= self._hold_after:
            with self.lock:
                self.held += 1
            while not self._released.is_set():
                await asyncio.sleep(0.01)
            return "451 4.3.0 Try again later"
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        message_id = headers.get("Message-ID", "")
        with self.lock:
            self.received.extend((rcpt.lower(), message_id) for rcpt in envelope.rcpt_tos)
        return "250 2.0.0 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def per_address(self) -> Counter:
        with self.lock:
            return Counter(address for address, _message_id in self.received)


class SmtpSink:
    """`with SmtpSink() as sink:` serves on 127.0.0.1:`sink.port` in a thread."""

    def __init__(self, port: int | None = None):
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.handler = SinkHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release()
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
