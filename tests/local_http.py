"""The network a test may use: a local HTTP server on 127.0.0.1, and a guard (applied to every
test by tests/conftest.py) under which a connection or name lookup for any other address fails at
once, so no test can ever download from the internet."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from typing import Any, Iterator

import pytest

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class NetworkAccessError(RuntimeError):
    """A test tried to reach an address other than the loopback one."""


def _check(address: Any) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in _LOOPBACK and not host.startswith("/"):
        raise NetworkAccessError(f"tests may only connect to 127.0.0.1, not {address!r}")


def block_other_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until `monkeypatch` undoes it, refuse sockets and lookups for any address but the loopback one."""
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check(address)
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check(address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            _check(host.decode() if isinstance(host, bytes) else host)
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


class Server(http.server.ThreadingHTTPServer):
    """Serves `files` {path: bytes} at `url`, keeping the paths it was asked for in `requests`;
    a path in `truncated` announces 1000 more bytes than it sends."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.truncated: set[str] = set()
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) + (1000 if self.path in self.server.truncated else 0)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@contextlib.contextmanager
def serving() -> Iterator[Server]:
    """A `Server` answering on its own thread until the block ends."""
    httpd = Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
