"""The fake's HTTP server, on stdlib threads: it needs no event loop, and subprocesses reach it."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.sandbox.fake_slack.wire import JSON, Reply

# (HTTP method, path with query, headers, body) in; the answer out, or None to drop the connection.
Dispatch = Callable[[str, str, Iterable[tuple[str, str]], bytes], Reply | None]


class LocalServer(ThreadingHTTPServer):
    """Serves ``dispatch`` on a background thread from :meth:`start` until :meth:`close`."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)
        self._thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeSlack:{self.port}",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.shutdown()
        # Kick keep-alive connections so their handler threads exit instead of idling.
        with self.sockets_lock:
            for sock in list(self.open_sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        self.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer
    # HTTP/1.1 so clients may keep connections alive, like they do with slack.com.
    protocol_version = "HTTP/1.1"
    # A backstop so an idle keep-alive connection cannot pin a thread forever.
    timeout = 30
    # Headers and body leave as two writes: with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (~40 ms per call on a reused connection), as slack.com never makes it.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.sockets_lock:
                self.server.open_sockets.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        # The default writes every request to stderr, which drowns test output.
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self, http_method: str) -> None:
        body = self._read_body()
        try:
            reply = self.server.dispatch(http_method, self.path, self.headers.items(), body)
        except Exception as exc:
            # A bug in the fake (or in a test's ``when=`` predicate) must surface as a loud
            # answer, not as a dropped connection that looks like an injected failure.
            detail = f"{type(exc).__name__}: {exc}"
            error: JSON = {"ok": False, "error": "fake_slack_crashed", "detail": detail}
            reply = Reply.json(500, error)
        if reply is None:
            # Injected drop: close without answering, as a dead proxy or a reset would.
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except ConnectionError:
            # The client gave up waiting (a stalled call it timed out on): nothing to answer.
            self.close_connection = True
