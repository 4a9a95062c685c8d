"""A real ``chroma run`` server for the server-mode tests: started on a free loopback port over a temporary folder,
stopped (and its folder removed) at the end of the session.

Use it by importing the fixture into a test module (``from tests.chroma_server import chroma_server``) or by
listing ``tests.chroma_server`` in ``pytest_plugins``.  Tests are skipped, with the reason, only when the
``chroma`` executable (shipped by the chromadb package) is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

STARTUP_TIMEOUT = 60.0


@dataclass(frozen=True)
class ChromaServer:
    host: str
    port: int
    path: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def chroma_executable() -> str | None:
    """The `chroma` CLI of this interpreter's environment (the venv need not be activated), else one on PATH."""
    here = Path(sys.executable).parent / "chroma"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("chroma")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def is_up(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def start_server(folder: Path, host: str = "127.0.0.1", port: int | None = None, timeout: float = STARTUP_TIMEOUT) -> tuple[subprocess.Popen, ChromaServer]:
    """Start `chroma run` over ``folder`` and wait until it answers its heartbeat."""
    exe = chroma_executable()
    if exe is None:
        raise FileNotFoundError("the `chroma` executable (from the chromadb package) is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "chroma.log"
    last_error = ""
    for _ in range(3):  # the free port can be taken between choosing it and binding it: try another
        chosen = port or free_port(host)
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "NO_COLOR": "1"}
        with log.open("ab") as out:
            proc = subprocess.Popen([exe, "run", "--path", str(folder / "db"), "--host", host, "--port", str(chosen)],
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=folder)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if is_up(host, chosen):
                return proc, ChromaServer(host, chosen, folder / "db", log)
            time.sleep(0.1)
        stop_server(proc)
        last_error = log.read_text(errors="replace")[-2000:]
        if port:
            break
    raise RuntimeError(f"`chroma run` did not start on {host}:{port or chosen}; its log ends:\n{last_error}")


def stop_server(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


@pytest.fixture(scope="session")
def chroma_server():
    """A `chroma run` server on a free loopback port, in a temporary folder, for the whole session."""
    if chroma_executable() is None:
        pytest.skip("the `chroma` executable is missing (it ships with the chromadb package: pip install chromadb)")
    folder = Path(tempfile.mkdtemp(prefix="qa-chroma-server-"))
    proc, server = start_server(folder)
    try:
        yield server
    finally:
        stop_server(proc)
        shutil.rmtree(folder, ignore_errors=True)
