"""Run `belbot serve` in a child process on a free loopback port, for end-to-end tests and
benchmarks that must talk to a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx

from belbot.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    env: dict[str, str], timeout_s: float = 120, args: Sequence[str] = ()
) -> Iterator[str]:
    """Yields the base URL once /readyz answers; the server is stopped on exit. ``args`` go
    to `belbot serve` (e.g. ``["--workers", "2"]``)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "belbot.cli", "serve", "--port", str(port), *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=PROJECT_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while not _ready(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"belbot serve kwam niet op ({base})")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
