"""Every vision test runs offline: a connection or name lookup for any address but the loopback
one fails at once, so a dataset test can never download from the internet."""

import socket

import pytest

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class NetworkAccessError(RuntimeError):
    """A test tried to reach an address other than the loopback one."""


def _check(address) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and host not in _LOOPBACK and not host.startswith("/"):
        raise NetworkAccessError(f"tests may only connect to 127.0.0.1, not {address!r}")


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self, address):
        _check(address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        _check(address)
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None:
            _check(host.decode() if isinstance(host, bytes) else host)
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
