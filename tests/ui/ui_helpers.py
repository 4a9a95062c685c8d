"""Helpers for the UI tests: a free port, an API wrapper that counts questions, and serving the app in a thread."""

from __future__ import annotations

import functools
import socket
import threading


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingAPI:
    """Wraps an API object and counts the questions it is asked (to show a reload asks nothing again)."""

    def __init__(self, api):
        self._api = api
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def __getattr__(self, name):
        fn = getattr(self._api, name)
        if name not in ("ask", "ask_stream"):
            return fn

        @functools.wraps(fn)
        def counted(question, *args, **kwargs):
            with self._lock:
                self.asked.append(question)
            return fn(question, *args, **kwargs)

        return counted


def serve(api, **settings):
    """Start the app on a free port in a background thread; returns (url, app)."""
    from ui.app import launch

    port = free_port()
    app = launch("127.0.0.1", port, api=api, block=False, quiet=True, **settings)
    return f"http://127.0.0.1:{port}", app
